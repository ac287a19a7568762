// SPDX-License-Identifier: Apache-2.0
#include "plugins/provider.hpp"

#include "aggregation/aggregator.hpp"
#include "process/logging.hpp"
#include "sender/run_context.hpp"

#include <cstddef>

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

// Where the functions added after the first release end: a provider built
// before one of them has a smaller struct_size (provider.h).
constexpr size_t kLoadModuleEnd = offsetof(vigil_provider_descriptor, load_module) +
				  sizeof(vigil_provider_descriptor::load_module);
constexpr size_t kEnvironmentJsonEnd = offsetof(vigil_provider_descriptor, environment_json) +
				       sizeof(vigil_provider_descriptor::environment_json);

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

template <typename Load>
ProvidedCheck CheckProvider::loadWith(const std::string &fallback_name, Load &&load)
{
	SetupCall call(fallback_name);
	RunContext ctx = call.context();
	vigil_provided_check info{};
	info.struct_size = sizeof(info);
	void *handle = load(ctx.handle(), &info);
	if (!handle)
		throw PluginError(ctx.error().empty() ? "could not be loaded (no reason given)"
						      : ctx.error());
	ProvidedCheck check;
	check.name = info.name ? info.name : fallback_name;
	check.version = info.version ? info.version : "";
	check.description = info.description ? info.description : "";
	check.origin = info.origin ? info.origin : "";
	check.handle = handle;
	if (!isValidCheckName(check.name))
		throw PluginError("invalid check name '" + check.name +
				  "': use letters, digits, '_', '.' and '-'");
	return check;
}

ProvidedCheck CheckProvider::load(const std::filesystem::path &file)
{
	return loadWith(file.stem().string(), [&](vigil_context *ctx, vigil_provided_check *info) {
		return plugin_.descriptor->load(state_, file.c_str(), ctx, info);
	});
}

bool CheckProvider::loadsModules() const
{
	const vigil_provider_descriptor *d = plugin_.descriptor;
	return d->struct_size >= kLoadModuleEnd && d->load_module;
}

ProvidedCheck CheckProvider::loadModule(const std::string &module)
{
	if (!loadsModules())
		throw PluginError("the " + plugin_.name + " provider '" + plugin_.path.string() +
				  "' cannot load modules (built before load_module)");
	const std::string name = module.substr(module.rfind('.') + 1);
	return loadWith(name, [&](vigil_context *ctx, vigil_provided_check *info) {
		return plugin_.descriptor->load_module(state_, module.c_str(), ctx, info);
	});
}

std::string CheckProvider::environmentJson() const
{
	const vigil_provider_descriptor *d = plugin_.descriptor;
	if (d->struct_size < kEnvironmentJsonEnd || !d->environment_json)
		return "";
	const char *json = d->environment_json(state_);
	return json ? json : "";
}

std::shared_ptr<const CheckBinding> CheckProvider::binding(const ProvidedCheck &check,
							   const vigil_host *host)
{
	return std::make_shared<ProvidedBinding>(shared_from_this(), plugin_, state_, check, host);
}

} // namespace vigil
