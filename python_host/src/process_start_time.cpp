// SPDX-License-Identifier: Apache-2.0
#include "process_start_time.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>
#include <string>

namespace vigil::pyhost {

double processStartTime()
{
	std::ifstream self_stat("/proc/self/stat");
	std::string line;
	std::getline(self_stat, line);
	// Fields after the command name, which is in parentheses and may hold
	// spaces or ')': state is field 3, starttime field 22.
	const size_t close = line.rfind(')');
	if (close == std::string::npos)
		return 0;
	std::istringstream fields(line.substr(close + 1));
	std::string field;
	unsigned long long start_ticks = 0;
	for (int n = 3; n <= 22; ++n)
		if (!(fields >> field))
			return 0;
	try {
		start_ticks = std::stoull(field);
	} catch (const std::exception &) {
		return 0;
	}
	std::ifstream stat("/proc/stat");
	unsigned long long boot_time = 0;
	while (std::getline(stat, line))
		if (line.rfind("btime ", 0) == 0) {
			boot_time = std::strtoull(line.c_str() + 6, nullptr, 10);
			break;
		}
	const long ticks_per_second = sysconf(_SC_CLK_TCK);
	if (boot_time == 0 || ticks_per_second <= 0)
		return 0;
	return std::floor(static_cast<double>(boot_time) +
			  static_cast<double>(start_ticks) / static_cast<double>(ticks_per_second));
}

} // namespace vigil::pyhost
