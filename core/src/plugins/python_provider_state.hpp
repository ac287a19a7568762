// SPDX-License-Identifier: Apache-2.0
// The Python provider as the catalog opens it: once, the first time a check
// needs it (a .py file, or a check loaded by module name), so an agent
// without Python checks never starts an interpreter.
#pragma once

#include "plugins/catalog.hpp"

#include <memory>
#include <string>

namespace vigil {

struct PythonProviderState {
	bool tried = false;
	std::shared_ptr<CheckProvider> provider; // null when it could not be opened
	std::string unavailable;		 // then why, as each such check reports it

	// Opens it with options.python_provider unless already tried.
	void open(const CatalogOptions &options);
};

} // namespace vigil
