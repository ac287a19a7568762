// SPDX-License-Identifier: Apache-2.0
#include "call_scope.hpp"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <unordered_map>

namespace vigil::pyhost {
namespace {

thread_local CallScope *t_current = nullptr;

// Only consulted when a thread the check started submits; the worker thread
// itself always hits t_current.  One instance never runs twice at once, so
// check_id is a unique key.
// Leaked on purpose: threads a check started may outlive main().
std::mutex &g_mutex = *new std::mutex;
std::unordered_map<std::string, CallScope> &g_by_check_id =
	*new std::unordered_map<std::string, CallScope>;

std::atomic<int> g_outside_reports{0};
constexpr int kMaxOutsideReports = 10;

} // namespace

ActiveCall::ActiveCall(const vigil_host *host, vigil_context *ctx, std::string check_id)
    : scope_{host, ctx}, previous_(t_current), check_id_(std::move(check_id))
{
	t_current = &scope_;
	if (!check_id_.empty()) {
		std::lock_guard lock(g_mutex);
		g_by_check_id[check_id_] = scope_;
	}
}

ActiveCall::~ActiveCall()
{
	t_current = previous_;
	if (!check_id_.empty()) {
		std::lock_guard lock(g_mutex);
		g_by_check_id.erase(check_id_);
	}
}

const CallScope *currentCall()
{
	return t_current;
}

bool findCall(const char *check_id, CallScope &out)
{
	if (!check_id || !*check_id)
		return false;
	std::lock_guard lock(g_mutex);
	auto it = g_by_check_id.find(check_id);
	if (it == g_by_check_id.end())
		return false;
	out = it->second;
	return true;
}

void reportOutsideCall(const char *what)
{
	int n = g_outside_reports.fetch_add(1, std::memory_order_relaxed);
	if (n < kMaxOutsideReports)
		std::fprintf(stderr,
			     "python_host: %s outside any check run (no check to send it to), "
			     "dropped%s\n",
			     what,
			     n + 1 == kMaxOutsideReports ? "; not reporting further ones" : "");
}

} // namespace vigil::pyhost
