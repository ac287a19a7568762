// SPDX-License-Identifier: Apache-2.0
#include "native_check_instance.hpp"

#include "logging.hpp"

namespace vigil {

NativeCheckInstance::NativeCheckInstance(const NativePlugin &plugin, InstanceConfig config,
					 Aggregator &aggregator)
    : plugin_(plugin), config_(std::move(config)), aggregator_(aggregator), log_(logger("check"))
{
	context_.check_name = plugin.name;
	context_.config = &config_;
}

NativeCheckInstance::~NativeCheckInstance()
{
	if (instance_)
		plugin_.descriptor->destroy(instance_);
}

RunOutcome NativeCheckInstance::run()
{
	const vigil_check_descriptor *d = plugin_.descriptor;
	RunContext ctx(aggregator_, context_, log_);
	RunOutcome outcome;

	if (!instance_) {
		instance_ = d->create(hostServices(), ctx.handle());
		if (!instance_) {
			outcome.status = RunStatus::Error;
			outcome.error = ctx.error().empty() ? "create() failed without a message"
							    : "create() failed: " + ctx.error();
			outcome.warnings = ctx.takeWarnings();
			return outcome;
		}
	}

	vigil_result result = d->run(instance_, hostServices(), ctx.handle());
	outcome.samples = ctx.samples();
	outcome.warnings = ctx.takeWarnings();
	if (result == VIGIL_TIMEOUT) {
		outcome.status = RunStatus::Timeout;
		outcome.error = ctx.error().empty() ? "run() timed out" : ctx.error();
	} else if (result != VIGIL_OK) {
		outcome.status = RunStatus::Error;
		outcome.error =
			ctx.error().empty() ? "run() failed without a message" : ctx.error();
	} else if (!ctx.error().empty()) {
		// set_error() with an OK result: the check said two things; the
		// error is the one an operator needs to see.
		outcome.status = RunStatus::Error;
		outcome.error = ctx.error();
	}
	return outcome;
}

} // namespace vigil
