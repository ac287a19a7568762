// SPDX-License-Identifier: Apache-2.0
#include "plugins/python_provider_state.hpp"

#include <exception>

namespace vigil {

void PythonProviderState::open(const CatalogOptions &options)
{
	if (tried)
		return;
	tried = true;
	try {
		if (!options.python_provider)
			throw PluginError("no python provider configured");
		provider = options.python_provider();
	} catch (const std::exception &e) {
		// Not logged here: every check it would load is logged once with it.
		unavailable = std::string("python support not installed: ") + e.what();
	}
}

} // namespace vigil
