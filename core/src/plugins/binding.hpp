// SPDX-License-Identifier: Apache-2.0
// CheckBinding: how an instance reaches its check's code.  A native check is
// its descriptor's functions; a provided check (a .py file) is the provider's
// functions plus the handle of the file it loaded.  CheckInstance runs either
// through this one interface, so both kinds are scheduled, timed and
// reported alike.
#pragma once

#include "plugins/loader.hpp"
#include "scheduling/lane.hpp"

#include <vigil/check.h>

#include <memory>
#include <string>

namespace vigil {

class CheckBinding {
public:
	virtual ~CheckBinding() = default;
	virtual const std::string &name() const = 0; // the check's name
	// Native for a native check, Python for a provider's (scheduler.hpp).
	virtual RunLane lane() const = 0;
	// Plain C calls into plugin code; none of them throws.
	virtual void *create(vigil_context *ctx) const = 0;
	virtual vigil_result run(void *instance, vigil_context *ctx) const = 0;
	virtual void destroy(void *instance) const = 0;
};

// The binding of a native check; `plugin` must outlive it (the catalog does).
// `host`: the services the check is given; null = the agent's (a worker
// process passes its own, see isolation/worker_recorder.hpp).
std::shared_ptr<const CheckBinding> nativeBinding(const NativePlugin &plugin,
						  const vigil_host *host = nullptr);

} // namespace vigil
