// SPDX-License-Identifier: Apache-2.0
// Runs one plugin to completion or to its deadline, with no shell between
// (unless the instance asked for one) and nothing of the agent's leaking in.
//
// - posix_spawn, never fork(): the agent is multi-threaded, and a forked
//   copy may only call async-signal-safe functions until it execs.  The
//   child gets its own process group, a clean signal mask and default
//   dispositions (the agent's runners block SIGTERM and ignore SIGPIPE, and
//   a child would inherit both), stdin from /dev/null, and the two pipes as
//   stdout and stderr; every other descriptor of ours is O_CLOEXEC, so a
//   plugin spawned by another instance at the same moment cannot hold one
//   of these pipes open.
// - One poll() loop with a deadline reads both pipes and waits for the exit
//   (through a pidfd; in 10 ms steps where pidfd_open is refused).  Output
//   past the limits is read and counted, never kept, so a chatty plugin
//   can neither block on a full pipe nor grow the agent.
// - At the deadline the whole group gets SIGKILL, as Nagios Core's workers
//   do: a plugin has its own timeout (-t) that should have fired first, and
//   a SIGTERM grace would push the verdict past the instance's timeout,
//   where an isolated run's worker is itself killed and the group would be
//   orphaned instead.
// - The child is always waited for, by its pid only (never waitpid(-1): the
//   agent, or an isolation worker, has children of its own).  One that
//   does not die within a second of SIGKILL (uninterruptible sleep on a
//   dead NFS server) is kept and reaped by a later run.
#pragma once

#include "command_config.hpp"

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace vigil::nagios {

constexpr size_t kStdoutLimit = 64 * 1024;
constexpr size_t kStderrLimit = 4 * 1024;

struct ProcessResult {
	enum class End {
		Exited,	    // `code` is the exit status
		Signaled,   // `code` is the signal
		TimedOut,   // killed at the deadline
		NotStarted, // `error` says why
		Lost,	    // reaped by someone else: status unknown
	};
	End end = End::NotStarted;
	int code = 0;
	std::string error;
	std::string out;
	std::string err;
	size_t out_dropped = 0;
	size_t err_dropped = 0;
	pid_t pid = -1;
	// The plugin exited, but something it started kept a pipe open until the
	// deadline; the group was then killed.
	bool held_open = false;
	bool unreaped = false; // still alive a second after SIGKILL
};

class PluginRunner {
public:
	PluginRunner();
	~PluginRunner();
	PluginRunner(const PluginRunner &) = delete;
	PluginRunner &operator=(const PluginRunner &) = delete;

	// `executable` is what findExecutable() returned for config.argv[0].
	ProcessResult run(const CommandConfig &config, const std::string &executable);

	// Children that outlived SIGKILL, not reaped yet.
	size_t stragglers() const { return stragglers_.size(); }

private:
	void reapStragglers();

	std::vector<pid_t> stragglers_;
	std::unique_ptr<char[]> buffer_;
};

} // namespace vigil::nagios
