// SPDX-License-Identifier: Apache-2.0
// Parser of the mount table (/proc/self/mounts, fstab(5) layout).  Header-only
// and free of the SDK so tests compile it directly.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil::disk {

struct MountEntry {
	std::string device;
	std::string mount_point;
	std::string fs_type;
	std::string options;
};

inline bool isOctal(char d)
{
	return d >= '0' && d <= '7';
}

// The kernel escapes space, tab, newline and backslash in mount table fields
// as a backslash and three octal digits ("\040"); anything else is kept as is.
inline std::string decodeMountField(std::string_view field)
{
	std::string out;
	out.reserve(field.size());
	for (size_t i = 0; i < field.size(); ++i) {
		char c = field[i];
		if (c == '\\' && i + 3 < field.size() && isOctal(field[i + 1]) &&
		    isOctal(field[i + 2]) && isOctal(field[i + 3])) {
			int v = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
				(field[i + 3] - '0');
			if (v < 256) {
				out.push_back(static_cast<char>(v));
				i += 3;
				continue;
			}
		}
		out.push_back(c);
	}
	return out;
}

struct MountTable {
	std::vector<MountEntry> entries;
	// 1-based numbers of lines with fewer than four fields, for the warning.
	std::vector<size_t> malformed_lines;
};

inline MountTable parseMountTable(std::string_view text)
{
	MountTable table;
	size_t line_number = 0;
	while (!text.empty()) {
		size_t eol = text.find('\n');
		std::string_view line = text.substr(0, eol);
		text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
		++line_number;

		std::string_view fields[4];
		size_t count = 0;
		size_t pos = 0;
		while (count < 4) {
			pos = line.find_first_not_of(" \t", pos);
			if (pos == std::string_view::npos)
				break;
			size_t end = line.find_first_of(" \t", pos);
			if (end == std::string_view::npos)
				end = line.size();
			fields[count++] = line.substr(pos, end - pos);
			pos = end;
		}
		if (count == 0)
			continue;
		if (count < 4) {
			table.malformed_lines.push_back(line_number);
			continue;
		}
		table.entries.push_back({decodeMountField(fields[0]), decodeMountField(fields[1]),
					 decodeMountField(fields[2]), std::string(fields[3])});
	}
	return table;
}

} // namespace vigil::disk
