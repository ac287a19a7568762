// SPDX-License-Identifier: Apache-2.0
#include "config/file.hpp"

#include "config/error.hpp"
#include "config/yaml_to_json.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>
#include <yaml-cpp/depthguard.h>

namespace vigil {

namespace {

std::string reason(int err)
{
	return std::system_category().message(err);
}

class FileDescriptor {
public:
	explicit FileDescriptor(int fd) : fd_(fd) {}
	FileDescriptor(const FileDescriptor &) = delete;
	FileDescriptor &operator=(const FileDescriptor &) = delete;
	~FileDescriptor()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	int get() const { return fd_; }

private:
	int fd_;
};

} // namespace

std::string readConfigFile(const std::filesystem::path &file)
{
	const std::string name = file.string();
	// O_NONBLOCK: opening a FIFO planted in conf.d must not hang the agent;
	// fstat below then refuses anything that is not a regular file.
	FileDescriptor fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
	if (fd.get() < 0)
		throw ConfigError(name + ": cannot read: " + reason(errno));
	struct stat st {};
	if (::fstat(fd.get(), &st) != 0)
		throw ConfigError(name + ": cannot read: " + reason(errno));
	if (!S_ISREG(st.st_mode))
		throw ConfigError(name + ": cannot read: not a regular file");
	const std::string too_big = name + ": cannot read: larger than " +
				    std::to_string(max_config_file_size >> 20) + " MiB";
	if (std::size_t(st.st_size) > max_config_file_size)
		throw ConfigError(too_big);

	std::string text;
	// Checked again while reading: the file may grow after fstat.
	char buf[65536];
	for (;;) {
		ssize_t n = ::read(fd.get(), buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw ConfigError(name + ": cannot read: " + reason(errno));
		if (n == 0)
			break;
		text.append(buf, std::size_t(n));
		if (text.size() > max_config_file_size)
			throw ConfigError(too_big);
	}
	return text;
}

YAML::Node parseYamlDocument(const std::string &text, const std::string &file)
{
	std::vector<YAML::Node> docs;
	try {
		docs = YAML::LoadAll(text);
	} catch (const YAML::DeepRecursion &e) {
		// yaml-cpp's own text for this is "bad file".
		throw ConfigError(configMessage(file, e.mark.line + 1, "",
						"invalid YAML: nested too deeply"));
	} catch (const YAML::ParserException &e) {
		throw ConfigError(configMessage(file, e.mark.is_null() ? 0 : e.mark.line + 1, "",
						"invalid YAML: " + e.msg + " (column " +
							std::to_string(e.mark.column + 1) + ")"));
	} catch (const YAML::Exception &e) {
		throw ConfigError(configMessage(file, 0, "", "invalid YAML: " + e.msg));
	}
	if (docs.empty())
		return YAML::Node(YAML::NodeType::Null);
	if (docs.size() > 1)
		throw ConfigError(configMessage(file, yamlLine(docs[1]), "",
						"invalid YAML: " + std::to_string(docs.size()) +
							" documents, expected one"));
	return docs.front();
}

} // namespace vigil
