// SPDX-License-Identifier: Apache-2.0
#include "config/file.hpp"

#include "config/error.hpp"
#include "config/yaml_to_json.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sstream>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>
#include <vector>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

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

namespace {

// Records where documents start, to tell one document from several without
// YAML::LoadAll: yaml-cpp 0.7's LoadAll never returns on some invalid texts
// (a lone ",": its parser yields the same empty document forever, upstream
// issue 1040), which tests/fuzz/yaml_to_json_fuzz found.
class DocumentStarts : public YAML::EventHandler {
public:
	std::vector<YAML::Mark> marks;
	// The first node of each document: where a reader sees it begin.
	std::vector<YAML::Mark> first_nodes;

	void OnDocumentStart(const YAML::Mark &mark) override
	{
		marks.push_back(mark);
		in_document_ = true;
	}
	void OnDocumentEnd() override { in_document_ = false; }
	void OnNull(const YAML::Mark &mark, YAML::anchor_t) override { node(mark); }
	void OnAlias(const YAML::Mark &mark, YAML::anchor_t) override { node(mark); }
	void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
		      const std::string &) override
	{
		node(mark);
	}
	void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
			     YAML::EmitterStyle::value) override
	{
		node(mark);
	}
	void OnSequenceEnd() override {}
	void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
			YAML::EmitterStyle::value) override
	{
		node(mark);
	}
	void OnMapEnd() override {}

private:
	bool in_document_ = false;
	void node(const YAML::Mark &mark)
	{
		if (in_document_ && first_nodes.size() < marks.size())
			first_nodes.push_back(mark);
	}
};

} // namespace

YAML::Node parseYamlDocument(const std::string &text, const std::string &file)
{
	try {
		// At most two rounds: enough to know there is a second document,
		// and bounded whatever the parser does with the text.
		std::istringstream in(text);
		YAML::Parser parser(in);
		DocumentStarts starts;
		for (int round = 0; round < 2 && parser.HandleNextDocument(starts); ++round) {
		}
		if (starts.marks.size() > 1) {
			if (starts.marks[1].pos <= starts.marks[0].pos)
				throw ConfigError(configMessage(
					file, starts.marks[1].line + 1, "",
					"invalid YAML: no document can be read (column " +
						std::to_string(starts.marks[1].column + 1) + ")"));
			const YAML::Mark &at = starts.first_nodes.size() > 1 ? starts.first_nodes[1]
									     : starts.marks[1];
			throw ConfigError(
				configMessage(file, at.line + 1, "",
					      "invalid YAML: a second document, expected one"));
		}
		if (starts.marks.empty())
			return YAML::Node(YAML::NodeType::Null);
		return YAML::Load(text);
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
}

} // namespace vigil
