// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>

namespace vigil {

// Why a plugin file was rejected.  what() is the one-line reason shown by
// `vigil list` and logged once (without the path; callers add it).
class PluginError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

} // namespace vigil
