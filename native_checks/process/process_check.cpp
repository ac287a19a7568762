// SPDX-License-Identifier: Apache-2.0
// process: how many processes are in each scheduler state, how many there
// are in all and how many threads they run, from /proc/<pid>/stat.  State
// names follow Datadog's linux_proc_extras check (system.processes.states).
#include "proc_stat_scan.hpp"
#include "system_root.hpp"

#include <vigil/check.hpp>

#include <iterator>
#include <string>
#include <string_view>
#include <vector>

namespace {

using vigil::process::ProcessCensus;
using vigil::system::SystemRoot;

struct StateName {
	char letter;
	const char *tag;
	// Reported as 0 when no process is in it, so a dashboard sees the
	// series; the others exist only on old kernels and appear when seen.
	bool always;
};

// proc(5) state letters.  The first seven are Datadog's (its "paging" is W,
// which 2.6.33-3.13 kernels reused for "waking").
constexpr StateName kStates[] = {
	{'R', "state:runnable", true},	      {'S', "state:sleeping", true},
	{'D', "state:uninterruptible", true}, {'T', "state:stopped", true},
	{'W', "state:paging", true},	      {'X', "state:dead", true},
	{'Z', "state:zombie", true},	      {'I', "state:idle", true},
	{'t', "state:tracing_stop", true},    {'P', "state:parked", true},
	{'K', "state:wakekill", false},
};

// Each unreadable stat file is named, up to this many per run; the rest are
// counted in one line so a broken /proc does not flood the log.
constexpr size_t kMaxNamedProblems = 5;

class ProcessCheck : public vigil::Check {
public:
	explicit ProcessCheck(const vigil::Setup &setup)
	    : proc_root_(SystemRoot::fromConfig(setup.instance).proc("").string())
	{
		// proc("") leaves a trailing '/', which would show in messages.
		while (proc_root_.size() > 1 && proc_root_.back() == '/')
			proc_root_.pop_back();
		for (const StateName &state : kStates)
			tag_lists_.push_back({state.tag});
	}

	void run(vigil::Sender &sender) override
	{
		ProcessCensus census = vigil::process::scanProcesses(proc_root_, kMaxNamedProblems);
		for (const std::string &problem : census.problems)
			sender.warning(problem + ", skipping that process");
		if (census.problem_count > census.problems.size())
			sender.warning(
				std::to_string(census.problem_count - census.problems.size()) +
				" more stat files under '" + proc_root_ +
				"' could not be read or parsed, skipping those processes");

		// 2.6.33-3.13 kernels wrote a dead task as 'x' as well as 'X'.
		census.by_state['X'] += census.by_state['x'];
		uint64_t known = 0;
		for (size_t i = 0; i < std::size(kStates); ++i) {
			const StateName &state = kStates[i];
			uint64_t n = census.by_state[static_cast<unsigned char>(state.letter)];
			known += n;
			if (state.always || n > 0)
				sender.gauge("system.processes.states", static_cast<double>(n),
					     tag_lists_[i]);
		}
		uint64_t unknown = census.processes - known;
		if (unknown > 0)
			sender.gauge("system.processes.states", static_cast<double>(unknown),
				     unknown_tags_);
		sender.gauge("system.processes.total", static_cast<double>(census.processes));
		sender.gauge("system.processes.threads", static_cast<double>(census.threads));
	}

private:
	std::string proc_root_;
	std::vector<vigil::Tags> tag_lists_;
	vigil::Tags unknown_tags_{"state:unknown"};
};

} // namespace

VIGIL_CHECK(ProcessCheck, "process", "1.0.0",
	    "Processes by state, and their total and thread count, from /proc/<pid>/stat")
