// SPDX-License-Identifier: Apache-2.0
#include "plugins/binding.hpp"

#include "sender/run_context.hpp"

namespace vigil {

namespace {

class NativeBinding final : public CheckBinding {
public:
	NativeBinding(const NativePlugin &plugin, const vigil_host *host)
	    : d_(plugin.descriptor), name_(plugin.name), host_(host ? host : hostServices())
	{
	}

	const std::string &name() const override { return name_; }
	RunLane lane() const override { return RunLane::Native; }

	void *create(vigil_context *ctx) const override { return d_->create(host_, ctx); }
	vigil_result run(void *instance, vigil_context *ctx) const override
	{
		return d_->run(instance, host_, ctx);
	}
	void destroy(void *instance) const override { d_->destroy(instance); }

private:
	const vigil_check_descriptor *d_;
	std::string name_;
	const vigil_host *host_;
};

} // namespace

std::shared_ptr<const CheckBinding> nativeBinding(const NativePlugin &plugin,
						  const vigil_host *host)
{
	return std::make_shared<NativeBinding>(plugin, host);
}

} // namespace vigil
