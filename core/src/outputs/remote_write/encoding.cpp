// SPDX-License-Identifier: Apache-2.0
#include "outputs/remote_write/encoding.hpp"

#include "outputs/remote_write/protobuf.hpp"

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

// Samples grouped by series, groups in first-seen order: the members of
// group g are members[group_start[g] .. group_start[g + 1]), oldest first.
struct SeriesGroups {
	std::vector<uint32_t> group_start;
	std::vector<const PromSample *> members;

	size_t size() const { return group_start.size() - 1; }
};

SeriesGroups groupBySeries(const std::vector<PromSample> &samples)
{
	// group_of[i] for each sample, then the members of every group
	// contiguous in `members` (a stable counting sort, so a group's
	// samples keep input order before the sort by time).
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
	SeriesGroups out;
	out.group_start.assign(group_first.size() + 1, 0);
	for (uint32_t g : group_of)
		++out.group_start[g + 1];
	std::partial_sum(out.group_start.begin(), out.group_start.end(), out.group_start.begin());
	out.members.resize(samples.size());
	std::vector<uint32_t> next(out.group_start.begin(), out.group_start.end() - 1);
	for (size_t i = 0; i < samples.size(); ++i)
		out.members[next[group_of[i]]++] = &samples[i];
	for (size_t g = 0; g < out.size(); ++g) {
		const auto group = out.members.begin() + out.group_start[g];
		const auto group_end = out.members.begin() + out.group_start[g + 1];
		if (group_end - group > 1)
			std::stable_sort(group, group_end,
					 [](const PromSample *a, const PromSample *b) {
						 return a->timestamp < b->timestamp;
					 });
	}
	return out;
}

// Serializes the WriteRequest for `samples` into `buffer(size)` (which
// returns at least `size` writable bytes) in one pass, and returns the size.
// Sizes are computed first because every length prefix precedes its body.
template <class Buffer>
size_t writeRequest(const std::vector<PromSample> &samples, Buffer buffer)
{
	namespace pb = remote_write_protobuf;
	const SeriesGroups groups = groupBySeries(samples);
	std::vector<int64_t> timestamps_ms(groups.members.size());
	std::vector<size_t> series_body(groups.size());
	size_t total = 0;
	for (size_t g = 0; g < groups.size(); ++g) {
		const PromSample &first = *groups.members[groups.group_start[g]];
		size_t body = pb::labelFieldSize(name_label, first.name);
		for (const PromLabel &l : first.labels)
			body += pb::labelFieldSize(l.name, l.value);
		for (uint32_t m = groups.group_start[g]; m < groups.group_start[g + 1]; ++m) {
			timestamps_ms[m] = toMilliseconds(groups.members[m]->timestamp);
			body += pb::sampleFieldSize(groups.members[m]->value, timestamps_ms[m]);
		}
		series_body[g] = body;
		total += pb::lengthDelimitedSize(body);
	}

	uint8_t *const begin = buffer(total);
	uint8_t *out = begin;
	for (size_t g = 0; g < groups.size(); ++g) {
		const PromSample &first = *groups.members[groups.group_start[g]];
		out = pb::putTimeSeriesHeader(out, series_body[g]);
		// `__name__` goes where it sorts: labels are already sorted, and
		// an upper-case label name sorts before '_'.
		auto at = std::lower_bound(first.labels.begin(), first.labels.end(), name_label,
					   [](const PromLabel &l, std::string_view n) {
						   return std::string_view(l.name) < n;
					   });
		for (auto it = first.labels.begin(); it != at; ++it)
			out = pb::putLabelField(out, it->name, it->value);
		out = pb::putLabelField(out, name_label, first.name);
		for (auto it = at; it != first.labels.end(); ++it)
			out = pb::putLabelField(out, it->name, it->value);
		for (uint32_t m = groups.group_start[g]; m < groups.group_start[g + 1]; ++m)
			out = pb::putSampleField(out, groups.members[m]->value, timestamps_ms[m]);
	}
	// Cheap, and a mismatch would mean a corrupt body sent to a receiver.
	if (out != begin + total)
		throw std::logic_error("remote-write encoding wrote a size other than it computed");
	return total;
}

} // namespace

std::string encodeWriteRequest(const std::vector<PromSample> &samples)
{
	std::string out;
	writeRequest(samples, [&out](size_t size) {
		out.resize(size);
		return reinterpret_cast<uint8_t *>(out.data());
	});
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
	// Uncompress() allocates the length the block claims (up to 4 GiB)
	// before reading the rest; the whole block is checked first, in one
	// pass that writes nothing (found by tests/fuzz/remote_write_fuzz).
	std::string out;
	if (!snappy::IsValidCompressedBuffer(block.data(), block.size()) ||
	    !snappy::Uncompress(block.data(), block.size(), &out))
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
	const size_t size = writeRequest(samples, [](size_t size) {
		if (packed.size() < size)
			packed.resize(size);
		return packed.data();
	});
	const size_t bound = snappy::MaxCompressedLength(size);
	if (compressed.size() < bound)
		compressed.resize(bound);
	size_t length = 0;
	snappy::RawCompress(reinterpret_cast<const char *>(packed.data()), size, compressed.data(),
			    &length);
	return std::string(compressed.data(), length);
}

} // namespace vigil
