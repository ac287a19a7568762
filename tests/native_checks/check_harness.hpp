// SPDX-License-Identifier: Apache-2.0
// CheckHarness: runs a built native check the way the agent does (loader,
// CheckInstance, Aggregator) but with a clock the test sets, so rates
// computed from two /proc snapshots come out exact.
#pragma once

#include "aggregation/aggregator.hpp"
#include "instances/in_process.hpp"
#include "plugins/loader.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace vigil::testing {

class CheckHarness {
public:
	// `so` is the built check; instance/init_config as they would be in conf.d.
	explicit CheckHarness(const std::string &so,
			      nlohmann::json instance = nlohmann::json::object(),
			      nlohmann::json init_config = nlohmann::json::object())
	    : plugin_(loadNativePlugin(so)), aggregator_(options())
	{
		InstanceConfig config;
		config.id = plugin_.name + ":test:0";
		config.data = std::move(instance);
		config.init_config = std::move(init_config);
		instance_ =
			std::make_unique<CheckInstance>(plugin_, std::move(config), aggregator_);
		instance_->setClock(&CheckHarness::now);
	}

	// Runs once at time `t` (seconds) and returns the outcome.
	RunOutcome runAt(double t)
	{
		clock_ = t;
		return instance_->run();
	}

	// Flushes at time `t`; the result is kept for the finders below.
	const FlushResult &flushAt(double t)
	{
		last_ = aggregator_.flush(t);
		return last_;
	}

	const FlushResult &last() const { return last_; }

	// The series with this name whose tags include every tag in `tags`;
	// nullptr if none, and a test failure if several match.
	const Series *find(const std::string &name, const std::vector<std::string> &tags = {}) const
	{
		const Series *found = nullptr;
		for (const Series &s : last_.series) {
			if (s.name != name)
				continue;
			bool all = std::all_of(tags.begin(), tags.end(), [&](const std::string &t) {
				return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end();
			});
			if (!all)
				continue;
			EXPECT_EQ(found, nullptr) << "several series match " << name;
			found = &s;
		}
		return found;
	}

	// Value of the single matching series; a test failure (and NaN) if none.
	double value(const std::string &name, const std::vector<std::string> &tags = {}) const
	{
		const Series *s = find(name, tags);
		EXPECT_NE(s, nullptr) << "no series " << name;
		return s ? s->value : std::numeric_limits<double>::quiet_NaN();
	}

	std::vector<std::string> names() const
	{
		std::vector<std::string> out;
		for (const Series &s : last_.series)
			out.push_back(s.name);
		std::sort(out.begin(), out.end());
		out.erase(std::unique(out.begin(), out.end()), out.end());
		return out;
	}

private:
	static AggregatorOptions options()
	{
		AggregatorOptions o;
		o.default_hostname = "testhost";
		return o;
	}
	static double now() { return clock_; }

	static inline double clock_ = 1000;
	NativePlugin plugin_;
	Aggregator aggregator_;
	std::unique_ptr<CheckInstance> instance_;
	FlushResult last_;
};

// Copies a snapshot folder over `dest` (replacing what was there), so one
// instance can read snapshot A, then snapshot B, from the same proc_root.
inline void installSnapshot(const std::filesystem::path &snapshot,
			    const std::filesystem::path &dest)
{
	std::filesystem::remove_all(dest);
	std::filesystem::create_directories(dest);
	std::filesystem::copy(snapshot, dest, std::filesystem::copy_options::recursive);
}

} // namespace vigil::testing
