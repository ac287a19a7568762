// SPDX-License-Identifier: Apache-2.0
// file_handles: the kernel's file handle table from /proc/sys/fs/file-nr,
// "allocated <tab> allocated-but-unused <tab> maximum", under the Datadog
// agent's names.  Since Linux 2.6 the kernel frees unused handles at once,
// so the middle field is 0 and allocated is what is in use.
#include "system_root.hpp"

#include <vigil/check.hpp>

#include <array>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using vigil::system::FileError;

enum FileNrField { ALLOCATED, ALLOCATED_UNUSED, MAXIMUM, FIELD_COUNT };

// Throws FileError naming `file` unless the text is three unsigned numbers.
std::array<uint64_t, FIELD_COUNT> parseFileNr(std::string_view text, const std::string &file)
{
	std::array<uint64_t, FIELD_COUNT> fields{};
	const char *p = text.data();
	const char *end = p + text.size();
	for (uint64_t &field : fields) {
		while (p < end && (*p == '\t' || *p == ' '))
			++p;
		auto [next, ec] = std::from_chars(p, end, field);
		if (ec != std::errc())
			throw FileError("malformed file handle counts in '" + file + "'");
		p = next;
	}
	while (p < end && (*p == '\t' || *p == ' ' || *p == '\n'))
		++p;
	if (p != end)
		throw FileError("malformed file handle counts in '" + file + "'");
	return fields;
}

class FileHandlesCheck : public vigil::Check {
public:
	explicit FileHandlesCheck(const vigil::Setup &setup)
	    : root_(vigil::system::SystemRoot::fromConfig(setup.instance)),
	      file_nr_(root_.proc("sys/fs/file-nr").string())
	{
	}

	void run(vigil::Sender &sender) override
	{
		auto fields = parseFileNr(root_.readProc("sys/fs/file-nr"), file_nr_);
		auto allocated = static_cast<double>(fields[ALLOCATED]);
		auto unused = static_cast<double>(fields[ALLOCATED_UNUSED]);
		auto maximum = static_cast<double>(fields[MAXIMUM]);

		sender.gauge("system.fs.file_handles.allocated", allocated);
		sender.gauge("system.fs.file_handles.allocated_unused", unused);
		sender.gauge("system.fs.file_handles.max", maximum);
		if (fields[ALLOCATED_UNUSED] > fields[ALLOCATED]) {
			sender.warning("more unused than allocated file handles in '" + file_nr_ +
				       "', skipping system.fs.file_handles.used and .in_use");
			return;
		}
		double used = allocated - unused;
		sender.gauge("system.fs.file_handles.used", used);
		if (fields[MAXIMUM] == 0) {
			sender.warning("maximum file handles is 0 in '" + file_nr_ +
				       "', skipping system.fs.file_handles.in_use");
			return;
		}
		sender.gauge("system.fs.file_handles.in_use", used / maximum);
	}

private:
	vigil::system::SystemRoot root_;
	std::string file_nr_;
};

} // namespace

VIGIL_CHECK(FileHandlesCheck, "file_handles", "1.0.0",
	    "Allocated, used and maximum file handles from /proc/sys/fs/file-nr")
