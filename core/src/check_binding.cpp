// SPDX-License-Identifier: Apache-2.0
#include "check_binding.hpp"

#include "run_context.hpp"

namespace vigil {

namespace {

class NativeBinding final : public CheckBinding {
public:
	explicit NativeBinding(const NativePlugin &plugin)
	    : d_(plugin.descriptor), name_(plugin.name)
	{
	}

	const std::string &name() const override { return name_; }

	void *create(vigil_context *ctx) const override { return d_->create(hostServices(), ctx); }
	vigil_result run(void *instance, vigil_context *ctx) const override
	{
		return d_->run(instance, hostServices(), ctx);
	}
	void destroy(void *instance) const override { d_->destroy(instance); }

private:
	const vigil_check_descriptor *d_;
	std::string name_;
};

} // namespace

std::shared_ptr<const CheckBinding> nativeBinding(const NativePlugin &plugin)
{
	return std::make_shared<NativeBinding>(plugin);
}

} // namespace vigil
