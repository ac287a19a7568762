// SPDX-License-Identifier: Apache-2.0
#include "plugins/probe_jobs.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <system_error>
#include <thread>

namespace vigil {

std::vector<std::optional<ProbeOutcome>> runProbes(const std::vector<ProbeJob> &todo, size_t count,
						   unsigned parallelism)
{
	std::vector<std::optional<ProbeOutcome>> outcomes(count);
	std::atomic<size_t> next{0};
	auto work = [&] {
		for (size_t k; (k = next++) < todo.size();) {
			const auto &[index, probe] = todo[k];
			ProbeOutcome outcome;
			try {
				outcome.probed = probe();
			} catch (const std::exception &e) {
				outcome.error = e.what();
			}
			outcomes[index] = std::move(outcome);
		}
	};
	const size_t threads = std::min<size_t>(std::max(1u, parallelism), todo.size());
	std::vector<std::thread> helpers;
	try {
		for (size_t t = 1; t < threads; ++t)
			helpers.emplace_back(work);
	} catch (const std::system_error &) {
		// Fewer threads only make the start-up slower.
	}
	work();
	for (std::thread &helper : helpers)
		helper.join();
	return outcomes;
}

} // namespace vigil
