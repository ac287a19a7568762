// SPDX-License-Identifier: Apache-2.0
#include "scheduling/failure_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace vigil {

namespace {

const char *verb(RunStatus status)
{
	switch (status) {
	case RunStatus::Timeout:
		return "timed out";
	case RunStatus::Crashed:
		return "crashed";
	default:
		return "failed";
	}
}

// A log line is one line: a Python error carries its traceback after the
// first line, which already says what went wrong ("ValueError: …").
std::string firstLine(const std::string &error)
{
	std::string line = error.substr(0, error.find('\n'));
	if (!line.empty() && line.back() == '\r')
		line.pop_back();
	return line;
}

std::string failedRuns(uint64_t failed, uint64_t runs)
{
	if (failed == runs)
		return fmt::format("{} run{} failed in a row", failed, failed == 1 ? "" : "s");
	return fmt::format("{} of {} runs failed", failed, runs);
}

} // namespace

std::string describeDuration(Clock::duration duration)
{
	const double seconds = std::max(0.0, std::chrono::duration<double>(duration).count());
	if (seconds < 1)
		return fmt::format("{} ms", std::llround(seconds * 1000));
	if (seconds < 10)
		return fmt::format("{:.3g} s", seconds);
	const long long total = std::llround(seconds);
	if (total < 60)
		return fmt::format("{} s", total);
	if (total < 3600)
		return total % 60 ? fmt::format("{} min {} s", total / 60, total % 60)
				  : fmt::format("{} min", total / 60);
	const long long minutes = total % 3600 / 60;
	return minutes ? fmt::format("{} h {} min", total / 3600, minutes)
		       : fmt::format("{} h", total / 3600);
}

std::optional<FailureLine> FailureLog::noteRun(const std::string &id, RunStatus status,
					       const std::string &error, Clock::time_point now,
					       Clock::duration interval,
					       Clock::duration remind_every)
{
	// Less than remind_every since the last line: only an episode's
	// recovery after a failure line may be logged now.
	const bool quiet = said_ != Said::Nothing && now - last_line_ < remind_every;

	if (status == RunStatus::Ok) {
		// Good runs are counted outside an episode too: a relapse that
		// reopens it reports them in its "M of N runs".
		if (!in_episode_ || (said_ == Said::Recovered && quiet)) {
			++runs_;
			return std::nullopt;
		}
		FailureLine line;
		line.level = spdlog::level::info;
		line.recovered = true;
		line.text = fmt::format(
			"check '{}' recovered after {} over {}", id,
			failed_ == runs_
				? fmt::format("{} failed run{}", failed_, failed_ == 1 ? "" : "s")
				: fmt::format("{} of {} runs failed", failed_, runs_),
			describeDuration(now - since_));
		++runs_;
		in_episode_ = false;
		said_ = Said::Recovered;
		last_line_ = now;
		return line;
	}

	// A relapse soon after the recovery line continues that episode.
	const bool reopen = !in_episode_ && said_ == Said::Recovered && quiet;
	if (!in_episode_ && !reopen) {
		since_ = now;
		failed_ = runs_ = 0;
	}
	in_episode_ = true;
	++failed_;
	++runs_;

	const std::string reason = firstLine(error);
	FailureLine line;
	if (quiet) {
		// Held back at the default level, but every failed run is one
		// line at debug, for whoever needs to see each.
		line.level = spdlog::level::debug;
		line.text = fmt::format("check '{}' {} again: {} ({} over {})", id, verb(status),
					reason, failedRuns(failed_, runs_),
					describeDuration(now - since_));
		return line;
	}
	line.level = spdlog::level::err;
	if (said_ == Said::Failing) {
		line.text =
			fmt::format("check '{}' still failing: {} over {}, last run {}: {}; "
				    "retrying every {}",
				    id, failedRuns(failed_, runs_), describeDuration(now - since_),
				    verb(status), reason, describeDuration(interval));
	} else {
		if (failed_ == 1)
			line.text =
				fmt::format("check '{}' {}: {}; retrying every {}, further "
					    "failures summarized every {}",
					    id, verb(status), reason, describeDuration(interval),
					    describeDuration(remind_every));
		else
			line.text = fmt::format(
				"check '{}' {} again: {}; {} in {}; retrying every {}", id,
				verb(status), reason, failedRuns(failed_, runs_),
				describeDuration(now - since_), describeDuration(interval));
		if (reason.size() != error.size())
			line.detail = fmt::format("check '{}' {}: {}", id, verb(status), error);
	}
	said_ = Said::Failing;
	last_line_ = now;
	return line;
}

} // namespace vigil
