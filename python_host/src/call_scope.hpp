// SPDX-License-Identifier: Apache-2.0
// Which vigil_host call a Python submission belongs to.  The builtin modules
// have no context argument of their own (the Datadog API passes a check and a
// check_id), so create() and run() publish theirs around the Python call.
#pragma once

#include <vigil/check.h>

#include <string>

namespace vigil::pyhost {

struct CallScope {
	const vigil_host *host = nullptr;
	vigil_context *ctx = nullptr;
};

// Publishes (host, ctx) for the calling thread and, by check_id, for threads
// the check itself started, for as long as the object lives.
class ActiveCall {
public:
	ActiveCall(const vigil_host *host, vigil_context *ctx, std::string check_id);
	~ActiveCall();
	ActiveCall(const ActiveCall &) = delete;
	ActiveCall &operator=(const ActiveCall &) = delete;

private:
	CallScope scope_;
	CallScope *previous_;
	std::string check_id_;
};

// The call of this thread, or nullptr.
const CallScope *currentCall();

// The call running check_id on any thread; false when none.
bool findCall(const char *check_id, CallScope &out);

// A submission nobody can receive: said on stderr (never stdout, which
// carries `vigil run` output), the first few times only.
void reportOutsideCall(const char *what);

} // namespace vigil::pyhost
