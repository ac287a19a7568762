// SPDX-License-Identifier: Apache-2.0
#include "remote_write_encoding.hpp"

#include "remote_write.pb-c.h"

#include <snappy.h>

#include <algorithm>
#include <cmath>
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

std::string encodeWriteRequest(const std::vector<PromSample> &samples)
{
	// Group samples by series, first-seen order.
	std::unordered_map<std::string, size_t> index;
	std::vector<std::vector<const PromSample *>> groups;
	index.reserve(samples.size());
	for (const PromSample &s : samples) {
		auto [it, fresh] = index.emplace(seriesKey(s), groups.size());
		if (fresh)
			groups.emplace_back();
		groups[it->second].push_back(&s);
	}

	// Every protobuf-c struct lives in one of these flat arrays (sized up
	// front, so the pointers taken into them stay valid) until packed.
	size_t label_count = 0;
	for (const auto &g : groups)
		label_count += g.front()->labels.size() + 1;
	std::vector<Prometheus__TimeSeries> series(groups.size());
	std::vector<Prometheus__TimeSeries *> series_ptrs(groups.size());
	std::vector<Prometheus__Label> labels(label_count);
	std::vector<Prometheus__Label *> label_ptrs(label_count);
	std::vector<Prometheus__Sample> points(samples.size());
	std::vector<Prometheus__Sample *> point_ptrs(samples.size());
	const std::string name_key(name_label);

	size_t li = 0, pi = 0;
	for (size_t gi = 0; gi < groups.size(); ++gi) {
		auto &group = groups[gi];
		std::stable_sort(group.begin(), group.end(),
				 [](const PromSample *a, const PromSample *b) {
					 return a->timestamp < b->timestamp;
				 });
		const PromSample &first = *group.front();
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
		ts.n_samples = group.size();
		for (const PromSample *s : group) {
			Prometheus__Sample &p = points[pi];
			prometheus__sample__init(&p);
			p.value = s->value;
			p.timestamp = toMilliseconds(s->timestamp);
			point_ptrs[pi++] = &p;
		}
	}

	Prometheus__WriteRequest request;
	prometheus__write_request__init(&request);
	request.n_timeseries = series_ptrs.size();
	request.timeseries = series_ptrs.data();
	std::string out(prometheus__write_request__get_packed_size(&request), '\0');
	prometheus__write_request__pack(&request, reinterpret_cast<uint8_t *>(out.data()));
	return out;
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
	return snappyCompress(encodeWriteRequest(samples));
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
