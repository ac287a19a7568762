// SPDX-License-Identifier: Apache-2.0
// Outputs (issue 5): rendering /metrics for 100,000 series (target < 50 ms,
// extra memory <= 2x the text), remote-write encoding (target >= 2 M
// samples/s on one core) and the remote-write queue's bytes per sample.
//
// Memory is counted by allocation_counter.hpp: the peak above the level at
// the start of the measured call is the extra memory it needed.
// Single-threaded measures, so the peak is exact.
#include "outputs/prometheus/exposition.hpp"
#include "outputs/prometheus/output.hpp"
#include "outputs/remote_write/encoding.hpp"
#include "outputs/remote_write/queue.hpp"

#include "allocation_counter.hpp"

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using namespace vigil;
using bench::minimum;
using bench::PeakSince;

// /metrics: 1,000 families of 100 series, labels like a system check's
// (host, device, env, service), values with decimals.
std::vector<PromSample> metricsWorkload(size_t count)
{
	std::vector<PromSample> out;
	out.reserve(count);
	for (size_t i = 0; i < count; ++i) {
		PromSample s;
		s.name = "system_disk_bytes_used_" + std::to_string(i % 1000);
		s.type = i % 3 ? PromType::Gauge : PromType::Counter;
		if (s.type == PromType::Counter)
			s.name += "_total";
		s.labels = {{"device", "/dev/nvme0n1p" + std::to_string(i / 1000)},
			    {"env", "production"},
			    {"host", "web-frontend-042.example.com"},
			    {"service", "web-frontend"}};
		s.value = 1234567.0 + static_cast<double>(i) * 0.25;
		s.timestamp = 1700000000;
		out.push_back(std::move(s));
	}
	return out;
}

// Remote write: realistic series with 10 labels (host, a few tags a
// Datadog-style check adds, and an instance's own).
std::vector<PromSample> remoteWriteWorkload(size_t count, double timestamp)
{
	std::vector<PromSample> out;
	out.reserve(count);
	for (size_t i = 0; i < count; ++i) {
		PromSample s;
		s.name = "system_net_bytes_rcvd_" + std::to_string(i % 50);
		s.labels = {{"az", "eu-west-1b"},
			    {"cluster", "prod-eu-1"},
			    {"device", "eth" + std::to_string(i / 50 % 8)},
			    {"env", "production"},
			    {"host", "web-frontend-042.example.com"},
			    {"instance", "10.1.2." + std::to_string(i / 400 % 250)},
			    {"job", "vigil"},
			    {"region", "eu-west-1"},
			    {"role", "frontend"},
			    {"service", "web-frontend"}};
		s.value = 98765.0 + static_cast<double>(i);
		s.timestamp = timestamp;
		out.push_back(std::move(s));
	}
	return out;
}

// renderExposition alone: what a /metrics refresh costs once the samples
// are in hand.  The samples are copied outside the timed region (the call
// reorders them).
void BM_RenderExposition(benchmark::State &state)
{
	const auto workload = metricsWorkload(static_cast<size_t>(state.range(0)));
	size_t text_bytes = 0, extra = 0;
	for (auto _ : state) {
		state.PauseTiming();
		auto samples = workload;
		state.ResumeTiming();
		PeakSince since;
		std::string text = renderExposition(samples);
		extra = std::max(extra, since.extra());
		text_bytes = text.size();
		benchmark::DoNotOptimize(text.data());
	}
	state.counters["series"] = static_cast<double>(state.range(0));
	state.counters["text_bytes"] = static_cast<double>(text_bytes);
	state.counters["extra_bytes"] = static_cast<double>(extra);
	state.counters["extra_per_text"] = static_cast<double>(extra) / text_bytes;
}
BENCHMARK(BM_RenderExposition)
	->Arg(100000)
	->ComputeStatistics("min", minimum)
	->Unit(benchmark::kMillisecond);

// PrometheusOutput::write: what the flush thread does per flush for
// /metrics with 100,000 series flushed each time (convert, keep the
// latest, render, publish).  Extra memory is what a steady-state flush
// needs on top of the output's kept state and the previous text.
void BM_PrometheusOutputWrite(benchmark::State &state)
{
	const size_t count = static_cast<size_t>(state.range(0));
	FlushResult flush;
	flush.timestamp = 1700000000;
	for (const PromSample &p : metricsWorkload(count)) {
		Series s;
		s.name = p.name;
		s.type = p.type == PromType::Counter ? SeriesType::Count : SeriesType::Gauge;
		if (s.type == SeriesType::Count)
			s.name.resize(s.name.size() - 6); // the converter adds _total
		for (const PromLabel &l : p.labels)
			if (l.name != "host")
				s.tags.push_back(l.name + ":" + l.value);
		s.host = "web-frontend-042.example.com";
		s.value = p.value;
		s.timestamp = flush.timestamp;
		flush.series.push_back(std::move(s));
	}
	PrometheusOutput output({}, {});
	output.write(flush); // the steady state: every series already known
	size_t extra = 0;
	for (auto _ : state) {
		flush.timestamp += 15;
		PeakSince since;
		output.write(flush);
		extra = std::max(extra, since.extra());
	}
	const size_t text_bytes = output.exposition()->size();
	state.counters["text_bytes"] = static_cast<double>(text_bytes);
	state.counters["extra_bytes"] = static_cast<double>(extra);
	state.counters["extra_per_text"] = static_cast<double>(extra) / text_bytes;
}
BENCHMARK(BM_PrometheusOutputWrite)
	->Arg(100000)
	->ComputeStatistics("min", minimum)
	->Unit(benchmark::kMillisecond);

// Remote write on one core: one POST body (WriteRequest + snappy) per
// batch of max_samples_per_send (2,000 by default) samples, 10 labels each.
void BM_RemoteWriteEncode(benchmark::State &state)
{
	const auto batch = remoteWriteWorkload(static_cast<size_t>(state.range(0)), 1700000000);
	size_t body = 0;
	for (auto _ : state) {
		std::string b = encodeRemoteWriteBody(batch);
		body = b.size();
		benchmark::DoNotOptimize(b.data());
	}
	state.SetItemsProcessed(state.iterations() * state.range(0));
	state.counters["body_bytes"] = static_cast<double>(body);
	state.counters["protobuf_bytes"] = static_cast<double>(encodeWriteRequest(batch).size());
}
BENCHMARK(BM_RemoteWriteEncode)->Arg(2000)->ComputeStatistics("min", minimum);

// The queue's memory per waiting sample (10 labels), full to 50,000 (the
// default queue_size): what bounds memory during an outage.  Everything the
// queue holds counts, the samples' strings included (they were allocated by
// the conversion and moved in).
void BM_RemoteWriteQueueBytesPerSample(benchmark::State &state)
{
	const size_t count = static_cast<size_t>(state.range(0));
	double per_sample = 0;
	for (auto _ : state) {
		const size_t before = bench::allocatedBytes();
		RemoteWriteQueue queue(count);
		for (size_t done = 0; done < count; done += 500)
			queue.push(
				remoteWriteWorkload(500, 1700000000 + static_cast<double>(done)));
		per_sample = static_cast<double>(bench::allocatedBytes() - before) / queue.depth();
	}
	state.counters["bytes_per_sample"] = per_sample;
	state.counters["sizeof_PromSample"] = sizeof(PromSample);
}
BENCHMARK(BM_RemoteWriteQueueBytesPerSample)
	->Arg(50000)
	->ComputeStatistics("min", minimum)
	->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
