// SPDX-License-Identifier: Apache-2.0
#include "plugin_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>

namespace vigil::nagios {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kExitPollMs = 10;	       // without a pidfd
constexpr double kKillWaitSeconds = 1; // for the exit after SIGKILL

class Fd {
public:
	Fd() = default;
	explicit Fd(int fd) : fd_(fd) {}
	~Fd() { reset(); }
	Fd(const Fd &) = delete;
	Fd &operator=(const Fd &) = delete;
	int get() const { return fd_; }
	void reset(int fd = -1)
	{
		if (fd_ >= 0)
			::close(fd_);
		fd_ = fd;
	}

private:
	int fd_ = -1;
};

// A pipe end that landed on 0, 1 or 2 (the agent may run with them closed)
// would be overwritten by the child's own dup2 before it is read from.
int awayFromStdio(int fd)
{
	if (fd > 2)
		return fd;
	int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
	::close(fd);
	return moved;
}

bool makePipe(Fd &read_end, Fd &write_end)
{
	int fds[2];
	if (::pipe2(fds, O_CLOEXEC) != 0)
		return false;
	read_end.reset(awayFromStdio(fds[0]));
	write_end.reset(awayFromStdio(fds[1]));
	return read_end.get() >= 0 && write_end.get() >= 0;
}

int openPidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
	(void)pid;
	return -1;
#endif
}

// The group first; the pid alone when the group is not there (yet: under
// qemu-user the child may not have made it when posix_spawn returns).
void killGroup(pid_t pid)
{
	if (::kill(-pid, SIGKILL) != 0)
		::kill(pid, SIGKILL);
}

struct Stream {
	Fd fd;
	std::string *into = nullptr;
	size_t limit = 0;
	size_t *dropped = nullptr;
	bool open() const { return fd.get() >= 0; }
};

// One read: a plugin writing without end must not keep us from the
// deadline.  Closes the stream at EOF or on an error.
void readOnce(Stream &s, char *buffer)
{
	ssize_t n;
	do
		n = ::read(s.fd.get(), buffer, kReadChunk);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0) {
		s.fd.reset();
		return;
	}
	size_t keep = std::min(static_cast<size_t>(n), s.limit - s.into->size());
	s.into->append(buffer, keep);
	*s.dropped += static_cast<size_t>(n) - keep;
}

struct Child {
	pid_t pid = -1;
	bool reaped = false;
	int status = 0;
	bool lost = false;

	bool tryReap()
	{
		if (reaped)
			return true;
		pid_t r;
		do
			r = ::waitpid(pid, &status, WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r == pid || (r < 0 && errno == ECHILD)) {
			reaped = true;
			lost = r < 0;
		}
		return reaped;
	}
};

// Waits up to `seconds` for the child to exit and reaps it.
bool waitForExit(Child &child, int pidfd, double seconds)
{
	const Clock::time_point until =
		Clock::now() +
		std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
	while (!child.tryReap()) {
		auto left =
			std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
		if (left.count() <= 0)
			return false;
		int ms = static_cast<int>(left.count() + 1);
		if (pidfd >= 0) {
			pollfd p{pidfd, POLLIN, 0};
			::poll(&p, 1, ms);
		} else {
			::poll(nullptr, 0, std::min(ms, kExitPollMs));
		}
	}
	return true;
}

// argv and envp as posix_spawn takes them; they point into `strings`.
std::vector<char *> cStrings(const std::vector<std::string> &strings)
{
	std::vector<char *> out;
	out.reserve(strings.size() + 1);
	for (const std::string &s : strings)
		out.push_back(const_cast<char *>(s.c_str()));
	out.push_back(nullptr);
	return out;
}

} // namespace

PluginRunner::PluginRunner() : buffer_(new char[kReadChunk])
{
}

PluginRunner::~PluginRunner()
{
	reapStragglers();
}

void PluginRunner::reapStragglers()
{
	std::erase_if(stragglers_, [](pid_t pid) {
		int status;
		return ::waitpid(pid, &status, WNOHANG) != 0; // reaped, or not ours any more
	});
}

ProcessResult PluginRunner::run(const CommandConfig &config, const std::string &executable)
{
	reapStragglers();
	ProcessResult result;
	Stream out{Fd(), &result.out, kStdoutLimit, &result.out_dropped};
	Stream err{Fd(), &result.err, kStderrLimit, &result.err_dropped};
	Fd out_write, err_write;
	if (!makePipe(out.fd, out_write) || !makePipe(err.fd, err_write)) {
		result.error = std::string("cannot make a pipe: ") + std::strerror(errno);
		return result;
	}

	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
	posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
	if (!config.cwd.empty())
		posix_spawn_file_actions_addchdir_np(&actions, config.cwd.c_str());

	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	sigdelset(&all, SIGKILL);
	sigdelset(&all, SIGSTOP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
						POSIX_SPAWN_SETSIGDEF);

	std::vector<char *> argv = cStrings(config.argv);
	std::vector<char *> envp = cStrings(config.env);
	Child child;
	const Clock::time_point deadline =
		Clock::now() + std::chrono::duration_cast<Clock::duration>(
				       std::chrono::duration<double>(config.deadline));
	int rc = posix_spawn(&child.pid, executable.c_str(), &actions, &attr, argv.data(),
			     envp.data());
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	out_write.reset();
	err_write.reset();
	if (rc != 0) {
		result.error = "cannot run '" + executable + "'" +
			       (config.cwd.empty() ? "" : " in '" + config.cwd + "'") + ": " +
			       std::strerror(rc);
		return result;
	}
	result.pid = child.pid;
	for (Stream *s : {&out, &err})
		::fcntl(s->fd.get(), F_SETFL, ::fcntl(s->fd.get(), F_GETFL) | O_NONBLOCK);
	Fd pidfd(openPidfd(child.pid));

	// Until the plugin has exited and both pipes are closed, or the deadline.
	bool past_deadline = false;
	for (;;) {
		child.tryReap();
		if (child.reaped && !out.open() && !err.open())
			break;
		auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
										  Clock::now());
		if (left.count() <= 0) {
			past_deadline = true;
			break;
		}
		pollfd fds[3];
		Stream *streams[2];
		nfds_t n = 0;
		for (Stream *s : {&out, &err})
			if (s->open()) {
				streams[n] = s;
				fds[n++] = {s->fd.get(), POLLIN, 0};
			}
		const nfds_t pipes = n;
		int timeout = static_cast<int>(std::min<long long>(left.count() + 1, 1 << 30));
		if (!child.reaped && pidfd.get() >= 0)
			fds[n++] = {pidfd.get(), POLLIN, 0};
		else if (!child.reaped)
			timeout = std::min(timeout, kExitPollMs);
		int ready = ::poll(fds, n, timeout);
		if (ready < 0 && errno != EINTR) {
			result.error = std::string("poll failed: ") + std::strerror(errno);
			past_deadline = true;
			break;
		}
		for (nfds_t i = 0; ready > 0 && i < pipes; ++i)
			if (fds[i].revents)
				readOnce(*streams[i], buffer_.get());
	}

	if (!child.reaped) {
		killGroup(child.pid);
		if (!waitForExit(child, pidfd.get(), kKillWaitSeconds)) {
			stragglers_.push_back(child.pid);
			result.unreaped = true;
		}
		result.end = ProcessResult::End::TimedOut;
		return result;
	}
	if (past_deadline && (out.open() || err.open())) {
		killGroup(child.pid);
		result.held_open = true;
	}
	if (child.lost) {
		result.end = ProcessResult::End::Lost;
	} else if (WIFEXITED(child.status)) {
		result.end = ProcessResult::End::Exited;
		result.code = WEXITSTATUS(child.status);
	} else {
		result.end = ProcessResult::End::Signaled;
		result.code = WTERMSIG(child.status);
	}
	return result;
}

} // namespace vigil::nagios
