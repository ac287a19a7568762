// SPDX-License-Identifier: Apache-2.0
// run() throws: the VIGIL_CHECK trampoline must turn it into VIGIL_ERROR with
// the exception's message, never let it cross the C boundary.
#include <vigil/check.hpp>

#include <stdexcept>

namespace {

class ThrowingRunCheck : public vigil::Check {
public:
	explicit ThrowingRunCheck(const vigil::Setup &) {}

	void run(vigil::Sender &) override
	{
		throw std::runtime_error("fixture_throws: run failed on purpose");
	}
};

} // namespace

VIGIL_CHECK(ThrowingRunCheck, "fixture_throws", "1.0.0", "Loader test fixture whose run throws")
