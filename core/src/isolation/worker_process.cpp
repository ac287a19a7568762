// SPDX-License-Identifier: Apache-2.0
#include "isolation/worker_process.hpp"

#include "isolation/spawn_thread.hpp"
#include "process/logging.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace vigil::isolation {

namespace {

constexpr std::size_t kTailLines = 20;
constexpr int kWorkerFd = 3; // the socket's number in the worker

std::runtime_error systemError(const std::string &what, int error)
{
	return std::runtime_error(what + ": " + std::strerror(error));
}

std::string selfExecutable()
{
	std::error_code ec;
	std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
	if (ec)
		throw std::runtime_error("cannot find the vigil executable (/proc/self/exe): " +
					 ec.message());
	return exe.string();
}

// An fd number that is not `avoid`, close-on-exec, so the dup2 to it in the
// child clears the flag (dup2 onto itself would not).
int awayFrom(int fd, int avoid)
{
	if (fd != avoid)
		return fd;
	int moved = fcntl(fd, F_DUPFD_CLOEXEC, avoid + 1);
	close(fd);
	return moved;
}

} // namespace

std::string describeWaitStatus(int status)
{
	if (WIFSIGNALED(status)) {
		const int sig = WTERMSIG(status);
		// "SIGSEGV" is what people search for; strsignal() says what it means.
		if (const char *abbrev = sigabbrev_np(sig))
			return fmt::format("killed by signal {} (SIG{}, {})", sig, abbrev,
					   strsignal(sig));
		return fmt::format("killed by signal {} ({})", sig, strsignal(sig));
	}
	if (WIFEXITED(status))
		return fmt::format("exited with status {}", WEXITSTATUS(status));
	return fmt::format("ended with wait status {}", status);
}

std::unique_ptr<WorkerProcess> WorkerProcess::spawn(const WorkerLaunch &launch)
{
	// On the one long-lived thread: the worker's PR_SET_PDEATHSIG follows
	// the thread that spawned it (spawn_thread.hpp).
	std::unique_ptr<WorkerProcess> worker;
	runOnSpawnThread([&] { worker = spawnHere(launch); });
	return worker;
}

std::unique_ptr<WorkerProcess> WorkerProcess::spawnHere(const WorkerLaunch &launch)
{
	const std::string exe =
		launch.executable.empty() ? selfExecutable() : launch.executable.string();
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		throw systemError("socketpair", errno);
	int out[2];
	if (pipe2(out, O_CLOEXEC) != 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		throw systemError("pipe", e);
	}
	sv[1] = awayFrom(sv[1], kWorkerFd);
	out[1] = awayFrom(out[1], kWorkerFd);

	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
	// stdout is the agent's output stream: a worker's stray print() must
	// never land in it; it joins stderr, which the agent reads.
	posix_spawn_file_actions_adddup2(&actions, out[1], 1);
	posix_spawn_file_actions_adddup2(&actions, out[1], 2);
	posix_spawn_file_actions_adddup2(&actions, sv[1], kWorkerFd);

	// The agent blocks SIGINT/SIGTERM/SIGHUP in every thread and ignores
	// SIGPIPE; a worker must die of SIGTERM, so it starts with defaults.
	// Its own process group: a Ctrl-C in the terminal is the agent's to
	// handle, and the agent stops its workers itself.
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none, defaults;
	sigemptyset(&none);
	sigemptyset(&defaults);
	for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE, SIGQUIT})
		sigaddset(&defaults, sig);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &defaults);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
						POSIX_SPAWN_SETPGROUP);

	const std::string fd = std::to_string(kWorkerFd);
	const std::string vm = fmt::format("{}", launch.max_vm_mb);
	std::vector<char *> argv = {const_cast<char *>(exe.c_str()),
				    const_cast<char *>("worker"),
				    const_cast<char *>("--fd"),
				    const_cast<char *>(fd.c_str()),
				    const_cast<char *>("--max-vm-mb"),
				    const_cast<char *>(vm.c_str()),
				    nullptr};
	pid_t pid = -1;
	int rc = posix_spawn(&pid, exe.c_str(), &actions, &attr, argv.data(), environ);
	posix_spawn_file_actions_destroy(&actions);
	posix_spawnattr_destroy(&attr);
	close(sv[1]);
	close(out[1]);
	if (rc != 0) {
		close(sv[0]);
		close(out[0]);
		throw systemError("cannot start a worker ('" + exe + "')", rc);
	}
	std::unique_ptr<WorkerProcess> worker(new WorkerProcess());
	worker->pid_ = pid;
	worker->sock_ = sv[0];
	worker->output_ = out[0];
	fcntl(worker->output_, F_SETFL, fcntl(worker->output_, F_GETFL) | O_NONBLOCK);
	return worker;
}

WorkerProcess::~WorkerProcess()
{
	if (!reaped_)
		terminate(std::chrono::milliseconds(0));
	if (sock_ >= 0)
		close(sock_);
	if (output_ >= 0)
		close(output_);
}

void WorkerProcess::drainOutput(bool until_eof)
{
	if (output_ < 0)
		return;
	auto log = logger("worker");
	char buf[4096];
	for (;;) {
		ssize_t n = read(output_, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && until_eof) {
			pollfd p{output_, POLLIN, 0};
			// The process is dead or dying: its last words are already
			// in the pipe, or come within this bound.
			if (poll(&p, 1, 200) > 0)
				continue;
		}
		if (n <= 0)
			break;
		partial_line_.append(buf, static_cast<std::size_t>(n));
		std::size_t eol;
		while ((eol = partial_line_.find('\n')) != std::string::npos) {
			std::string line = partial_line_.substr(0, eol);
			partial_line_.erase(0, eol + 1);
			log->info("worker {}: {}", pid_, line);
			tail_.push_back(std::move(line));
			if (tail_.size() > kTailLines)
				tail_.pop_front();
		}
		if (partial_line_.size() > 4096) // a line without end: keep it bounded
			partial_line_.erase(0, partial_line_.size() - 4096);
	}
	if (until_eof && !partial_line_.empty()) {
		tail_.push_back(std::move(partial_line_));
		partial_line_.clear();
	}
}

std::string WorkerProcess::outputTail() const
{
	std::string out;
	for (const std::string &line : tail_)
		out += (out.empty() ? "" : " | ") + line;
	return out;
}

bool WorkerProcess::reap(std::chrono::milliseconds wait)
{
	if (reaped_)
		return true;
	const auto until = std::chrono::steady_clock::now() + wait;
	for (;;) {
		{
			// Reaping frees the pid for reuse: kill() from another
			// thread must see reaped_ set no later than that.
			std::lock_guard<std::mutex> lock(reap_mutex_);
			int status = 0;
			pid_t r = waitpid(pid_, &status, WNOHANG);
			if (r == pid_ || (r < 0 && errno == ECHILD)) {
				wait_status_ = status;
				reaped_ = true;
				return true;
			}
		}
		if (std::chrono::steady_clock::now() >= until)
			return false;
		std::this_thread::sleep_for(std::chrono::milliseconds(2));
	}
}

void WorkerProcess::kill()
{
	// Under the lock that reap() holds around waitpid(): without it the
	// owner could reap between our check and the signal, and the pid, free
	// again, could name an unrelated process by then.
	std::lock_guard<std::mutex> lock(reap_mutex_);
	if (!reaped_)
		::kill(pid_, SIGKILL);
}

void WorkerProcess::terminate(std::chrono::milliseconds grace)
{
	if (reaped_)
		return;
	::kill(pid_, SIGTERM);
	if (!reap(grace)) {
		::kill(pid_, SIGKILL);
		reap(std::chrono::hours(1));
	}
	drainOutput(false);
}

void WorkerProcess::retire(std::chrono::milliseconds grace)
{
	if (reaped_)
		return;
	shutdown(sock_, SHUT_RDWR);
	if (!reap(grace)) {
		::kill(pid_, SIGKILL);
		reap(std::chrono::hours(1));
	}
	drainOutput(false);
}

std::size_t WorkerProcess::rssBytes() const
{
	std::ifstream statm("/proc/" + std::to_string(pid_) + "/statm");
	std::size_t size = 0, resident = 0;
	if (!(statm >> size >> resident))
		return 0;
	return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

ExchangeResult WorkerProcess::exchange(const std::string &frame, SteadyTime deadline,
				       const std::function<void(const nlohmann::json &)> &on_batch)
{
	ExchangeResult result;
	auto died = [&] {
		drainOutput(true);
		// The socket closes as the process exits; the zombie follows.
		if (!reap(std::chrono::seconds(2))) {
			::kill(pid_, SIGKILL);
			reap(std::chrono::hours(1));
		}
		result.end = ExchangeEnd::Died;
		result.death = describeWaitStatus(wait_status_);
		return result;
	};
	++runs_;
	if (!writeAll(sock_, frame))
		return died();
	for (;;) {
		try {
			while (auto message = reader_.next()) {
				if (message->value("op", "") == "done") {
					result.done = std::move(*message);
					drainOutput(false);
					return result;
				}
				on_batch(*message);
			}
		} catch (const ProtocolError &e) {
			logger("worker")->error("worker {}: {}, killing it", pid_, e.what());
			::kill(pid_, SIGKILL);
			return died();
		}
		const auto now = std::chrono::steady_clock::now();
		if (now >= deadline) {
			result.end = ExchangeEnd::TimedOut;
			return result;
		}
		const auto left =
			std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now)
				.count() +
			1;
		pollfd fds[2] = {{sock_, POLLIN, 0}, {output_, POLLIN, 0}};
		int n = poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
		if (n < 0 && errno != EINTR)
			return died();
		if (n <= 0)
			continue;
		if (fds[1].revents & POLLIN)
			drainOutput(false);
		else if (fds[1].revents & (POLLHUP | POLLERR)) {
			// The worker closed its stderr; stop polling it.
			close(output_);
			output_ = -1;
		}
		if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
			char buf[65536];
			ssize_t got = read(sock_, buf, sizeof buf);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				return died();
			reader_.append(buf, static_cast<std::size_t>(got));
		}
	}
}

} // namespace vigil::isolation
