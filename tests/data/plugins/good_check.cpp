// SPDX-License-Identifier: Apache-2.0
// A well-behaved C++ check: one gauge per run.
#include <vigil/check.hpp>

namespace {

class GoodCheck : public vigil::Check {
public:
	explicit GoodCheck(const vigil::Setup &setup) : value_(setup.instance.number("value", 1.0))
	{
	}

	void run(vigil::Sender &sender) override { sender.gauge("fixture.good.value", value_); }

private:
	double value_;
};

} // namespace

VIGIL_CHECK(GoodCheck, "fixture_good", "1.0.0", "Loader test fixture that works")
