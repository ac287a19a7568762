// SPDX-License-Identifier: Apache-2.0
#include "instances/in_process.hpp"

#include "process/logging.hpp"

namespace vigil {

CheckInstance::CheckInstance(std::shared_ptr<const CheckBinding> binding, InstanceConfig config,
			     Aggregator &aggregator)
    : binding_(std::move(binding)), config_(std::move(config)), aggregator_(aggregator),
      log_(logger("check"))
{
	context_.check_name = binding_->name();
	context_.config = &config_;
}

CheckInstance::~CheckInstance()
{
	if (instance_)
		binding_->destroy(instance_);
}

RunOutcome CheckInstance::run()
{
	RunContext ctx(aggregator_, context_, log_);
	RunOutcome outcome;

	if (!instance_) {
		instance_ = binding_->create(ctx.handle());
		if (!instance_) {
			outcome.status = RunStatus::Error;
			outcome.error = ctx.error().empty() ? "create() failed without a message"
							    : "create() failed: " + ctx.error();
			outcome.warnings = ctx.takeWarnings();
			return outcome;
		}
	}

	vigil_result result = binding_->run(instance_, ctx.handle());
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
