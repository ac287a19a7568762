// SPDX-License-Identifier: Apache-2.0
// The smallest useful native check, and the one to copy: it reports how many
// times it ran and the configured instance's `value`, and a service check.
#include <vigil/check.hpp>

#include <string>

namespace {

class ExampleCheck : public vigil::Check {
public:
	explicit ExampleCheck(const vigil::Setup &setup)
		: value_(setup.instance.number("value", 1.0)),
		  prefix_(setup.init_config.string("prefix", "example"))
	{
	}

	void run(vigil::Sender &sender) override
	{
		++runs_;
		sender.gauge(prefix_ + ".value", value_);
		sender.monotonic_count(prefix_ + ".runs", static_cast<double>(runs_));
		sender.service_check((prefix_ + ".can_run").c_str(), VIGIL_STATUS_OK);
	}

private:
	double value_;
	std::string prefix_;
	unsigned long runs_ = 0;
};

} // namespace

VIGIL_CHECK(ExampleCheck, "example", "1.0.0", "Reports a configured value and a run counter")
