// SPDX-License-Identifier: Apache-2.0
#include "plugins/provider.hpp"

#include "aggregation/aggregator.hpp"
#include "process/logging.hpp"
#include "sender/run_context.hpp"

namespace vigil {

namespace {

// init() and load() get a context too, for set_error() and log(); anything
// they submit lands in an aggregator nobody flushes.
struct SetupCall {
	explicit SetupCall(const std::string &name) : aggregator({}) { instance.check_name = name; }
	RunContext context() { return RunContext(aggregator, instance, logger("provider")); }

	Aggregator aggregator;
	InstanceContext instance;
};

class ProvidedBinding final : public CheckBinding {
public:
	ProvidedBinding(std::shared_ptr<CheckProvider> provider, const ProviderPlugin &plugin,
			void *state, ProvidedCheck check, const vigil_host *host)
	    : provider_(std::move(provider)), d_(plugin.descriptor), state_(state),
	      check_(std::move(check)), host_(host ? host : hostServices())
	{
	}

	const std::string &name() const override { return check_.name; }
	// python_host is the only provider; any provider's code may block.
	RunLane lane() const override { return RunLane::Python; }
	void *create(vigil_context *ctx) const override
	{
		return d_->create(state_, check_.handle, host_, ctx);
	}
	vigil_result run(void *instance, vigil_context *ctx) const override
	{
		return d_->run(state_, instance, host_, ctx);
	}
	void destroy(void *instance) const override { d_->destroy(state_, instance); }

private:
	std::shared_ptr<CheckProvider> provider_;
	const vigil_provider_descriptor *d_;
	void *state_;
	ProvidedCheck check_;
	const vigil_host *host_;
};

} // namespace

std::shared_ptr<CheckProvider> CheckProvider::open(const std::filesystem::path &path,
						   const std::string &options_json)
{
	auto provider = std::make_shared<CheckProvider>(loadProviderPlugin(path));
	SetupCall call(provider->plugin_.name);
	RunContext ctx = call.context();
	provider->state_ = provider->plugin_.descriptor->init(hostServices(), ctx.handle(),
							      options_json.c_str());
	if (!provider->state_)
		throw PluginError(ctx.error().empty() ? "init() failed without a message"
						      : ctx.error());
	return provider;
}

ProvidedCheck CheckProvider::load(const std::filesystem::path &file)
{
	SetupCall call(file.stem().string());
	RunContext ctx = call.context();
	vigil_provided_check info{};
	info.struct_size = sizeof(info);
	void *handle = plugin_.descriptor->load(state_, file.c_str(), ctx.handle(), &info);
	if (!handle)
		throw PluginError(ctx.error().empty() ? "could not be loaded (no reason given)"
						      : ctx.error());
	ProvidedCheck check;
	check.name = info.name ? info.name : file.stem().string();
	check.version = info.version ? info.version : "";
	check.description = info.description ? info.description : "";
	check.handle = handle;
	if (!isValidCheckName(check.name))
		throw PluginError("invalid check name '" + check.name +
				  "': use letters, digits, '_', '.' and '-'");
	return check;
}

std::shared_ptr<const CheckBinding> CheckProvider::binding(const ProvidedCheck &check,
							   const vigil_host *host)
{
	return std::make_shared<ProvidedBinding>(shared_from_this(), plugin_, state_, check, host);
}

} // namespace vigil
