// SPDX-License-Identifier: Apache-2.0
#include "agent/default_paths.hpp"

#include "build_config.hpp"

#include <system_error>

namespace vigil {

namespace fs = std::filesystem;

namespace {

bool isInside(const fs::path &file, const fs::path &dir)
{
	std::error_code ec;
	fs::path f = fs::weakly_canonical(file, ec);
	if (ec)
		return false;
	fs::path d = fs::weakly_canonical(dir, ec);
	if (ec)
		return false;
	auto [end, _] = std::mismatch(d.begin(), d.end(), f.begin(), f.end());
	return end == d.end();
}

} // namespace

DefaultPaths defaultPaths()
{
	DefaultPaths paths;
	std::error_code ec;
	fs::path exe = fs::read_symlink("/proc/self/exe", ec);
	const fs::path build_root(VIGIL_BUILD_ROOT);
	const fs::path source_root(VIGIL_SOURCE_ROOT);

	if (!ec && isInside(exe, build_root) && fs::exists(source_root / "plugins", ec)) {
		paths.build_tree = true;
		paths.plugins_dirs = {build_root / "native_checks", source_root / "plugins"};
		paths.conf_dir = source_root / "plugins" / "conf.d";
		paths.python_host = build_root / "python_host" / "python_host.so";
		paths.state_dir = build_root / "state";
		paths.run_dir = build_root / "run";
		return paths;
	}
	const fs::path sysconf = fs::path(VIGIL_SYSCONFDIR) / "vigil";
	paths.plugins_dirs = {fs::path(VIGIL_LIBDIR) / "vigil" / "plugins", sysconf / "plugins"};
	paths.conf_dir = sysconf / "conf.d";
	paths.agent_config = sysconf / "vigil.yaml";
	paths.python_host = fs::path(VIGIL_LIBDIR) / "vigil" / "providers" / "python_host.so";
	paths.state_dir = fs::path(VIGIL_LOCALSTATEDIR) / "lib" / "vigil";
	paths.run_dir = fs::path(VIGIL_LOCALSTATEDIR) / "run" / "vigil";
	return paths;
}

} // namespace vigil
