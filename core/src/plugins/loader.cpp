// SPDX-License-Identifier: Apache-2.0
#include "plugins/loader.hpp"

#include "plugins/elf_header.hpp"

#include <boost/dll/shared_library.hpp>

#include <dlfcn.h>
#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <exception>
#include <string_view>

namespace vigil {

namespace {

// The descriptor as ABI 1.0 defined it ends with destroy().  Later minors
// append fields, so sizeof(vigil_check_descriptor) may grow past this; a 1.0
// plugin must still be accepted.
constexpr size_t kDescriptorV1_0Size =
	offsetof(vigil_check_descriptor, destroy) + sizeof(vigil_check_descriptor::destroy);
constexpr size_t kProviderV1_0Size =
	offsetof(vigil_provider_descriptor, destroy) + sizeof(vigil_provider_descriptor::destroy);

std::string versionText(uint32_t version)
{
	return std::to_string(VIGIL_ABI_MAJOR(version)) + "." +
	       std::to_string(VIGIL_ABI_MINOR(version));
}

// A plugin-supplied name goes into log lines: keep it one short, printable line.
std::string quotedName(const char *name)
{
	constexpr size_t kMaxShown = 80;
	std::string out = "'";
	size_t i = 0;
	for (; name[i] != '\0' && i < kMaxShown; ++i) {
		unsigned char c = static_cast<unsigned char>(name[i]);
		if (c < 0x20 || c >= 0x7f) {
			static const char hex[] = "0123456789abcdef";
			out += "\\x";
			out += hex[c >> 4];
			out += hex[c & 0xf];
		} else {
			out += static_cast<char>(c);
		}
	}
	out += name[i] == '\0' ? "'" : "'...";
	return out;
}

// Boost.DLL's what() is "<context> (dlerror system message: <text>): <errc>";
// the dlerror text is the useful part.  It starts with the name dlopen() was
// given, /proc/self/fd/N, dropped here because the caller's log line names
// the file; further on ("required by ...") the path replaces that name.
std::string dlopenReason(const std::exception &e, const std::string &opened_as,
			 const std::filesystem::path &path)
{
	std::string_view what = e.what();
	constexpr std::string_view marker = "(dlerror system message: ";
	std::string_view text = what;
	if (auto begin = what.find(marker); begin != std::string_view::npos) {
		auto end = what.rfind(')');
		if (end != std::string_view::npos && end > begin + marker.size())
			text = what.substr(begin + marker.size(), end - begin - marker.size());
	}
	const std::string prefix = opened_as + ": ";
	if (text.substr(0, prefix.size()) == prefix)
		text.remove_prefix(prefix.size());
	std::string reason(text);
	for (size_t at = reason.find(opened_as); at != std::string::npos;
	     at = reason.find(opened_as, at)) {
		const size_t end = at + opened_as.size();
		if (end < reason.size() && std::isdigit(static_cast<unsigned char>(reason[end]))) {
			at = end; // /proc/self/fd/5 inside /proc/self/fd/57
			continue;
		}
		reason.replace(at, opened_as.size(), path.string());
		at += path.string().size();
	}
	return "cannot load: " + reason;
}

// A file descriptor, closed unless released.
class OwnedFd {
public:
	explicit OwnedFd(int fd) : fd_(fd) {}
	~OwnedFd()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	OwnedFd(const OwnedFd &) = delete;
	OwnedFd &operator=(const OwnedFd &) = delete;
	int get() const { return fd_; }
	void release() { fd_ = -1; }

private:
	int fd_;
};

// The plugin file is opened once: the ELF pre-check reads it through that
// descriptor and dlopen() maps it through /proc/self/fd/N, so the file that
// was checked is the file that is loaded.  Replacing the file by renaming
// another over its path (package managers, install(1), rsync, atomic
// deploys) changes what the path names, not the inode this descriptor holds.
//
// What remains is a change to the same inode after the check: truncate(),
// `cp` onto the existing file, any write by someone allowed to write it.
// ld.so maps the file, so a truncation between the check and the end of
// dlopen() can still raise SIGBUS.  Closing that window would take a sealed
// private copy of every plugin (a memfd), costing its size in memory for the
// agent's life; installing plugins by rename is the remedy instead.
//
// ld.so records the library under the name it was given, "/proc/self/fd/N":
// dladdr() reports that name, and $ORIGIN in the plugin's DT_RUNPATH means
// /proc/self/fd, so a plugin cannot find libraries beside itself that way.
std::shared_ptr<boost::dll::shared_library> openCheckedLibrary(const std::filesystem::path &path)
{
	// O_NONBLOCK: a FIFO named like a plugin must not hang discovery (the
	// pre-check then refuses it as not a regular file).
	OwnedFd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
	if (file.get() < 0)
		throw PluginError(std::string("cannot read: ") + std::strerror(errno));

	// Before dlopen: it runs the file's initialisers, says "No such file or
	// directory" about a plugin of another architecture, and maps a
	// truncated one past its end.
	checkLoadableElf(file.get());

	const std::string opened_as = "/proc/self/fd/" + std::to_string(file.get());
	if (::access(opened_as.c_str(), F_OK) != 0)
		throw PluginError("cannot load: " + opened_as +
				  " is not available (is /proc mounted?)");

	// RTLD_NOW: a missing symbol fails here, with a message, instead of
	// killing the agent at the first call.  RTLD_LOCAL: plugins cannot
	// interpose each other's symbols.  RTLD_NODELETE: dlopen() has already run
	// the library's initialisers, which may have started threads or registered
	// callbacks, and objects made by an accepted plugin may outlive any owner
	// we pick; so no library, accepted or rejected, is ever unmapped, whatever
	// happens to the shared_library handle.
	const auto mode = boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local |
			  static_cast<boost::dll::load_mode::type>(RTLD_NODELETE);
	std::shared_ptr<boost::dll::shared_library> library;
	try {
		// The throwing overload: the error_code one loses the dlerror() text.
		library = std::make_shared<boost::dll::shared_library>(opened_as, mode);
	} catch (const std::exception &e) { // std::system_error with BOOST_DLL_USE_STD_FS
		throw PluginError(dlopenReason(e, opened_as, std::filesystem::absolute(path)));
	}
	// Never closed: the library stays mapped under the name /proc/self/fd/N
	// (RTLD_NODELETE), and dlopen() matches a name against the libraries it
	// has loaded before it opens anything, so another plugin opened later
	// through the same number would come back as this one.  One descriptor
	// per loaded plugin, close-on-exec.
	file.release();
	return library;
}

// Calls a plugin's entry function; `symbol` names it in messages.
template <class Descriptor>
const Descriptor *callEntry(const boost::dll::shared_library &library, const char *symbol,
			    const char *what)
{
	if (!library.has(symbol))
		throw PluginError(std::string("no ") + symbol + " symbol: not a Vigil " + what);
	auto &entry = library.get<const Descriptor *()>(symbol);
	const Descriptor *descriptor = nullptr;
	try {
		descriptor = entry();
	} catch (...) {
		// The entry is declared C, but a C++ plugin can still throw from it.
		throw PluginError(std::string(symbol) + "() threw an exception");
	}
	if (!descriptor)
		throw PluginError(std::string(symbol) + "() returned NULL");
	return descriptor;
}

// Nothing past abi_version/struct_size is read until both say the plugin's
// struct has it.
void validateVersion(uint32_t abi, uint32_t struct_size, size_t v1_0_size)
{
	if (VIGIL_ABI_MAJOR(abi) != VIGIL_ABI_VERSION_MAJOR ||
	    VIGIL_ABI_MINOR(abi) > VIGIL_ABI_VERSION_MINOR)
		throw PluginError("ABI version " + versionText(abi) + ", this agent supports " +
				  versionText(VIGIL_ABI_VERSION));
	if (struct_size < v1_0_size)
		throw PluginError("descriptor is " + std::to_string(struct_size) +
				  " bytes, ABI 1.0 needs at least " + std::to_string(v1_0_size));
}

void validateDescriptor(const vigil_check_descriptor &d)
{
	validateVersion(d.abi_version, d.struct_size, kDescriptorV1_0Size);

	if (!d.name)
		throw PluginError("descriptor has no name");
	if (!d.create)
		throw PluginError("descriptor has no create function");
	if (!d.run)
		throw PluginError("descriptor has no run function");
	if (!d.destroy)
		throw PluginError("descriptor has no destroy function");
	if (!isValidCheckName(d.name))
		throw PluginError("invalid check name " + quotedName(d.name) +
				  ": use letters, digits, '_', '.' and '-', at most 64 characters, "
				  "starting with a letter, digit or '_'");
}

} // namespace

bool isValidCheckName(const std::string &name)
{
	if (name.empty() || name.size() > 64)
		return false;
	auto word = [](char c) {
		return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		       c == '_';
	};
	if (!word(name[0]))
		return false;
	for (char c : name)
		if (!word(c) && c != '.' && c != '-')
			return false;
	return true;
}

NativePlugin loadNativePlugin(const std::filesystem::path &path)
{
	auto library = openCheckedLibrary(path);
	const auto *descriptor = callEntry<vigil_check_descriptor>(
		*library, VIGIL_CHECK_ENTRY_SYMBOL, "check plugin");
	validateDescriptor(*descriptor);

	NativePlugin plugin;
	plugin.path = path;
	plugin.library = std::move(library);
	plugin.descriptor = descriptor;
	plugin.name = descriptor->name;
	plugin.version = descriptor->version ? descriptor->version : "";
	plugin.description = descriptor->description ? descriptor->description : "";
	return plugin;
}

ProviderPlugin loadProviderPlugin(const std::filesystem::path &path)
{
	auto library = openCheckedLibrary(path);
	const auto *d = callEntry<vigil_provider_descriptor>(*library, VIGIL_PROVIDER_ENTRY_SYMBOL,
							     "provider plugin");
	validateVersion(d->abi_version, d->struct_size, kProviderV1_0Size);
	if (!d->name || !d->extension || !*d->extension)
		throw PluginError("provider descriptor has no name or extension");
	if (!d->init || !d->load || !d->create || !d->run || !d->destroy)
		throw PluginError("provider descriptor is missing a function");

	ProviderPlugin plugin;
	plugin.path = path;
	plugin.library = std::move(library);
	plugin.descriptor = d;
	plugin.name = d->name;
	plugin.version = d->version ? d->version : "";
	plugin.extension = d->extension;
	return plugin;
}

} // namespace vigil
