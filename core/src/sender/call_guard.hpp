// SPDX-License-Identifier: Apache-2.0
// guardedHostCall: the body of every vigil_host entry point.  Nothing may
// throw across the C boundary, so what the core throws is reported (how
// depends on the process: the agent logs, a worker writes to stderr, which
// the agent captures) and the call returns a zero value.
#pragma once

#include <exception>
#include <type_traits>

namespace vigil {

using HostCallReport = void (*)(const char *what, const char *why);

template <class F>
auto guardedHostCall(const char *what, HostCallReport report, F &&f) noexcept -> decltype(f())
{
	try {
		return f();
	} catch (const std::exception &e) {
		report(what, e.what());
	} catch (...) {
		report(what, "unknown exception");
	}
	if constexpr (!std::is_void_v<decltype(f())>)
		return {};
}

} // namespace vigil
