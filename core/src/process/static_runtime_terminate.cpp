// SPDX-License-Identifier: Apache-2.0
// Only in -Dstatic_runtime builds, where `vigil` and every plugin carry their
// own copy of the libstdc++ parts they use.  libstdc++'s default terminate
// handler demangles the type of an uncaught exception, and so brings the whole
// C++ demangler into each binary: about 40 kB of code each, resident in every
// plugin although it never runs.  Defining the handler here keeps libstdc++'s
// copy (and the demangler) out at link time; it still says what was thrown,
// without the type's name.  It must be linked as an object, not from an
// archive, to be seen before libstdc++.a.
#include <cxxabi.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace __gnu_cxx {

void __verbose_terminate_handler()
{
	// A throw from inside this handler, or a second thread terminating at
	// the same time, must not recurse or interleave its message.
	static std::atomic_flag terminating = ATOMIC_FLAG_INIT;
	if (terminating.test_and_set()) {
		std::fputs("terminate called while already terminating\n", stderr);
		std::abort();
	}
	if (std::exception_ptr thrown = std::current_exception()) {
		try {
			std::rethrow_exception(thrown);
		} catch (const std::exception &e) {
			std::fprintf(
				stderr,
				"terminate called after throwing an exception\n  what():  %s\n",
				e.what());
		} catch (...) {
			std::fputs("terminate called after throwing a non-std exception\n", stderr);
		}
	} else {
		std::fputs("terminate called without an active exception\n", stderr);
	}
	std::abort();
}

} // namespace __gnu_cxx
