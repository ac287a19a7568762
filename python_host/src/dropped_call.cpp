// SPDX-License-Identifier: Apache-2.0
#include "dropped_call.hpp"

#include "call_scope.hpp"

namespace vigil::pyhost {

void DroppedCall::note(PyObject *check_id, const std::string &message)
{
	const char *id =
		check_id && PyUnicode_Check(check_id) ? PyUnicode_AsUTF8(check_id) : nullptr;
	if (!id)
		PyErr_Clear();
	note(id, message);
}

void DroppedCall::note(const char *check_id, const std::string &message)
{
	count_.fetch_add(1, std::memory_order_relaxed);
	if (said_.load(std::memory_order_relaxed))
		return;
	CallScope scope;
	if (const CallScope *current = currentCall())
		scope = *current;
	else if (!findCall(check_id, scope))
		return; // said the first time a run can hear it
	if (!said_.exchange(true))
		scope.host->log(scope.ctx, VIGIL_LOG_DEBUG, message.c_str());
}

} // namespace vigil::pyhost
