// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>

namespace vigil {

// A configuration problem.  what() is one line that names the file, the line
// (when known) and the field: "conf.d/disk.yaml:7: instances[0].tags[1]: must
// be a string".
class ConfigError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

} // namespace vigil
