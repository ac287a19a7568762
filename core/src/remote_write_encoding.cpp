// SPDX-License-Identifier: Apache-2.0
#include "remote_write_encoding.hpp"

#include "remote_write.pb-c.h"

#include <snappy.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <numeric>
#include <stdexcept>
#include <unordered_map>

namespace vigil {

namespace {

constexpr std::string_view name_label = "__name__";

int64_t toMilliseconds(double seconds)
{
	return static_cast<int64_t>(std::llround(seconds * 1000.0));
}

// protobuf-c takes non-const char*; it only reads them while packing.
char *cstr(const std::string &s)
{
	return const_cast<char *>(s.c_str());
}

} // namespace

namespace {

// Name and labels hashed in place (no key string per sample: building one
// was the encoder's largest cost).
size_t seriesHash(const PromSample &s)
{
	const std::hash<std::string_view> hash;
	size_t h = hash(s.name);
	const auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
	for (const PromLabel &l : s.labels) {
		mix(hash(l.name));
		mix(hash(l.value));
	}
	return h;
}

bool sameSeries(const PromSample &a, const PromSample &b)
{
	return a.name == b.name && a.labels == b.labels;
}

// Builds the protobuf-c WriteRequest for `samples` and hands it to `use`
// while every struct it points into is alive.
template <class Use>
auto withWriteRequest(const std::vector<PromSample> &samples, Use use)
{
	// Group samples by series, first-seen order: group_of[i] for each
	// sample, then the members of every group contiguous in `members`
	// (a stable counting sort, so a group's samples keep input order).
	constexpr uint32_t none = UINT32_MAX;
	std::unordered_map<size_t, uint32_t> first_with_hash;
	first_with_hash.reserve(samples.size());
	std::vector<uint32_t> group_first;    // a sample of each group
	std::vector<uint32_t> next_same_hash; // per group: another group with its hash
	std::vector<uint32_t> group_of(samples.size());
	for (uint32_t i = 0; i < samples.size(); ++i) {
		auto [it, fresh] = first_with_hash.emplace(seriesHash(samples[i]), none);
		uint32_t g = it->second;
		while (g != none && !sameSeries(samples[group_first[g]], samples[i]))
			g = next_same_hash[g];
		if (g == none) {
			g = static_cast<uint32_t>(group_first.size());
			group_first.push_back(i);
			next_same_hash.push_back(it->second);
			it->second = g;
		}
		group_of[i] = g;
	}
	const size_t groups = group_first.size();
	std::vector<uint32_t> group_start(groups + 1, 0);
	for (uint32_t g : group_of)
		++group_start[g + 1];
	std::partial_sum(group_start.begin(), group_start.end(), group_start.begin());
	std::vector<const PromSample *> members(samples.size());
	{
		std::vector<uint32_t> next(group_start.begin(), group_start.end() - 1);
		for (size_t i = 0; i < samples.size(); ++i)
			members[next[group_of[i]]++] = &samples[i];
	}

	// Every protobuf-c struct lives in one of these flat arrays (sized up
	// front, so the pointers taken into them stay valid) until packed.
	size_t label_count = 0;
	for (uint32_t first : group_first)
		label_count += samples[first].labels.size() + 1;
	std::vector<Prometheus__TimeSeries> series(groups);
	std::vector<Prometheus__TimeSeries *> series_ptrs(groups);
	std::vector<Prometheus__Label> labels(label_count);
	std::vector<Prometheus__Label *> label_ptrs(label_count);
	std::vector<Prometheus__Sample> points(samples.size());
	std::vector<Prometheus__Sample *> point_ptrs(samples.size());
	const std::string name_key(name_label);

	size_t li = 0, pi = 0;
	for (size_t gi = 0; gi < groups; ++gi) {
		const auto group = members.begin() + group_start[gi];
		const auto group_end = members.begin() + group_start[gi + 1];
		if (group_end - group > 1)
			std::stable_sort(group, group_end,
					 [](const PromSample *a, const PromSample *b) {
						 return a->timestamp < b->timestamp;
					 });
		const PromSample &first = **group;
		Prometheus__TimeSeries &ts = series[gi];
		prometheus__time_series__init(&ts);
		series_ptrs[gi] = &ts;

		// `__name__` goes where it sorts: labels are already sorted, and
		// an upper-case label name sorts before '_'.
		ts.labels = &label_ptrs[li];
		ts.n_labels = first.labels.size() + 1;
		auto at = std::lower_bound(
			first.labels.begin(), first.labels.end(), name_label,
			[](const PromLabel &l, std::string_view n) { return l.name < n; });
		auto put = [&](const std::string &name, const std::string &value) {
			Prometheus__Label &l = labels[li];
			prometheus__label__init(&l);
			l.name = cstr(name);
			l.value = cstr(value);
			label_ptrs[li++] = &l;
		};
		for (auto it = first.labels.begin(); it != at; ++it)
			put(it->name, it->value);
		put(name_key, first.name);
		for (auto it = at; it != first.labels.end(); ++it)
			put(it->name, it->value);

		ts.samples = &point_ptrs[pi];
		ts.n_samples = static_cast<size_t>(group_end - group);
		for (auto m = group; m != group_end; ++m) {
			Prometheus__Sample &p = points[pi];
			prometheus__sample__init(&p);
			p.value = (*m)->value;
			p.timestamp = toMilliseconds((*m)->timestamp);
			point_ptrs[pi++] = &p;
		}
	}

	Prometheus__WriteRequest request;
	prometheus__write_request__init(&request);
	request.n_timeseries = series_ptrs.size();
	request.timeseries = series_ptrs.data();
	return use(request);
}

} // namespace

std::string encodeWriteRequest(const std::vector<PromSample> &samples)
{
	return withWriteRequest(samples, [](const Prometheus__WriteRequest &request) {
		std::string out(prometheus__write_request__get_packed_size(&request), '\0');
		prometheus__write_request__pack(&request, reinterpret_cast<uint8_t *>(out.data()));
		return out;
	});
}

std::string snappyCompress(std::string_view data)
{
	std::string out;
	snappy::Compress(data.data(), data.size(), &out);
	return out;
}

std::string snappyUncompress(std::string_view block)
{
	std::string out;
	if (!snappy::Uncompress(block.data(), block.size(), &out))
		throw std::runtime_error("not a valid snappy block");
	return out;
}

std::string encodeRemoteWriteBody(const std::vector<PromSample> &samples)
{
	// The protobuf and snappy's output go through buffers kept per thread
	// (one sender thread in the agent): a fresh half-megabyte string per
	// batch cost more in zeroing and page faults than the encoding itself.
	thread_local std::vector<uint8_t> packed;
	thread_local std::vector<char> compressed;
	return withWriteRequest(samples, [](const Prometheus__WriteRequest &request) {
		const size_t size = prometheus__write_request__get_packed_size(&request);
		if (packed.size() < size)
			packed.resize(size);
		prometheus__write_request__pack(&request, packed.data());
		const size_t bound = snappy::MaxCompressedLength(size);
		if (compressed.size() < bound)
			compressed.resize(bound);
		size_t length = 0;
		snappy::RawCompress(reinterpret_cast<const char *>(packed.data()), size,
				    compressed.data(), &length);
		return std::string(compressed.data(), length);
	});
}

std::vector<DecodedSeries> decodeWriteRequest(std::string_view protobuf)
{
	Prometheus__WriteRequest *request = prometheus__write_request__unpack(
		nullptr, protobuf.size(), reinterpret_cast<const uint8_t *>(protobuf.data()));
	if (!request)
		throw std::runtime_error("not a valid prometheus.WriteRequest");
	std::vector<DecodedSeries> out;
	out.reserve(request->n_timeseries);
	for (size_t i = 0; i < request->n_timeseries; ++i) {
		const Prometheus__TimeSeries *ts = request->timeseries[i];
		DecodedSeries &d = out.emplace_back();
		for (size_t j = 0; j < ts->n_labels; ++j)
			d.labels.push_back({ts->labels[j]->name, ts->labels[j]->value});
		for (size_t j = 0; j < ts->n_samples; ++j)
			d.samples.push_back({ts->samples[j]->value, ts->samples[j]->timestamp});
	}
	prometheus__write_request__free_unpacked(request, nullptr);
	return out;
}

} // namespace vigil
