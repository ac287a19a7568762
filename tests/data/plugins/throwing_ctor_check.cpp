// SPDX-License-Identifier: Apache-2.0
// The constructor throws: create() must return NULL with the message set.
#include <vigil/check.hpp>

#include <stdexcept>

namespace {

class ThrowingCtorCheck : public vigil::Check {
public:
	explicit ThrowingCtorCheck(const vigil::Setup &)
	{
		throw std::runtime_error("fixture_ctor_throws: constructor failed on purpose");
	}

	void run(vigil::Sender &) override {}
};

} // namespace

VIGIL_CHECK(ThrowingCtorCheck, "fixture_ctor_throws", "1.0.0",
	    "Loader test fixture whose constructor throws")
