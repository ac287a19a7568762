// SPDX-License-Identifier: Apache-2.0
#include "aggregation/aggregator.hpp"

#include "aggregation/context.hpp"
#include "aggregation/context_table.hpp"
#include "process/logging.hpp"

#include <algorithm>
#include <array>
#include <functional>
#include <mutex>

namespace vigil {

using aggregation::Context;
using aggregation::Emission;

namespace {

// Checks rarely send more tags than this; up to it, finding a context needs no
// allocation.
constexpr size_t kInlineTags = 16;

// The tags of one sample, sorted and unique, as views into the caller's
// strings: the lookup key of an existing context costs no allocation.
class SortedTags {
public:
	explicit SortedTags(std::span<const std::string_view> tags)
	{
		std::string_view *first;
		if (tags.size() <= kInlineTags) {
			first = inline_.data();
		} else {
			heap_.resize(tags.size());
			first = heap_.data();
		}
		std::copy(tags.begin(), tags.end(), first);
		std::sort(first, first + tags.size());
		size_ = static_cast<size_t>(std::unique(first, first + tags.size()) - first);
		data_ = first;
	}

	std::span<const std::string_view> view() const { return {data_, size_}; }

private:
	std::array<std::string_view, kInlineTags> inline_;
	std::vector<std::string_view> heap_;
	const std::string_view *data_ = nullptr;
	size_t size_ = 0;
};

uint64_t mix(uint64_t h, uint64_t v)
{
	// Order-dependent combine with a murmur3 finaliser step, so ("a","bc")
	// and ("ab","c") land apart; equality is still verified on lookup.
	h = (h ^ v) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 32);
}

uint64_t contextHash(std::string_view name, std::span<const std::string_view> tags,
		     std::string_view host)
{
	std::hash<std::string_view> hs;
	uint64_t h = mix(0x9e3779b97f4a7c15ULL, hs(name));
	for (auto tag : tags)
		h = mix(h, hs(tag));
	h = mix(h, tags.size());
	return mix(h, hs(host));
}

// Compares x1+x2 with y1+y2 without building either string.
int compareJoined(std::string_view x1, std::string_view x2, std::string_view y1,
		  std::string_view y2)
{
	std::string_view x = x1, y = y1;
	bool x_last = false, y_last = false;
	for (;;) {
		if (x.empty() && !x_last) {
			x = x2;
			x_last = true;
			continue;
		}
		if (y.empty() && !y_last) {
			y = y2;
			y_last = true;
			continue;
		}
		if (x.empty() || y.empty())
			return static_cast<int>(!x.empty()) - static_cast<int>(!y.empty());
		size_t n = std::min(x.size(), y.size());
		if (int c = x.substr(0, n).compare(y.substr(0, n)))
			return c;
		x.remove_prefix(n);
		y.remove_prefix(n);
	}
}

// The order of FlushResult::series: name (with suffix), then tags, then host.
bool emittedBefore(const Emission &a, const Emission &b)
{
	const Context &ca = *a.context, &cb = *b.context;
	std::string_view sa = a.suffix ? std::string_view(*a.suffix) : std::string_view();
	std::string_view sb = b.suffix ? std::string_view(*b.suffix) : std::string_view();
	if (int c = compareJoined(ca.name, sa, cb.name, sb))
		return c < 0;
	if (ca.tags.size() != cb.tags.size() ||
	    !std::equal(ca.tags.begin(), ca.tags.end(), cb.tags.begin()))
		return std::lexicographical_compare(ca.tags.begin(), ca.tags.end(), cb.tags.begin(),
						    cb.tags.end());
	return ca.host < cb.host;
}

void sortUnique(std::vector<std::string> &tags)
{
	std::sort(tags.begin(), tags.end());
	tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
}

} // namespace

struct Aggregator::Impl {
	explicit Impl(AggregatorOptions o)
	    : options(std::move(o)),
	      histogram(aggregation::makeHistogramSpec(options.histogram_aggregates,
						       options.histogram_percentiles))
	{
	}

	const AggregatorOptions options;
	const aggregation::HistogramSpec histogram;

	// Serialises flushes: a flush reads contexts after dropping `mutex`, which
	// is safe only because no other flush can remove them meanwhile.
	std::mutex flush_mutex;

	mutable std::mutex mutex;
	aggregation::ContextTable contexts;
	std::vector<ServiceCheck> service_checks;
	std::vector<Event> events;
	size_t dropped_items = 0; // over max_pending_items since the last flush
	bool flushed = false;
	double last_flush = 0;
	bool sampled = false;
	double first_sample = 0;

	bool pendingFull() const
	{
		return service_checks.size() + events.size() >= options.max_pending_items;
	}
};

Aggregator::Aggregator(AggregatorOptions options)
    : impl_(std::make_unique<Impl>(std::move(options)))
{
	for (const auto &r : impl_->histogram.rejected)
		logger("aggregator")
			->warn("Unknown or duplicate histogram aggregate or percentile "
			       "'{}', ignoring",
			       r);
}

Aggregator::~Aggregator() = default;

void Aggregator::addSample(MetricType type, std::string_view name, double value,
			   std::span<const std::string_view> tags, std::string_view host,
			   double timestamp, bool flush_first_value)
{
	SortedTags sorted(tags);
	if (host.empty())
		host = impl_->options.default_hostname;
	uint64_t key = contextHash(name, sorted.view(), host);

	std::lock_guard lock(impl_->mutex);
	if (!impl_->sampled || timestamp < impl_->first_sample) {
		impl_->first_sample = timestamp;
		impl_->sampled = true;
	}
	Context *context = impl_->contexts.find(key, name, sorted.view(), host);
	if (!context)
		context = impl_->contexts.insert(
			std::make_unique<Context>(key, name, sorted.view(), host, type));
	context->add(value, timestamp, flush_first_value);
}

void Aggregator::addServiceCheck(ServiceCheck check)
{
	if (check.host.empty())
		check.host = impl_->options.default_hostname;
	sortUnique(check.tags);
	std::lock_guard lock(impl_->mutex);
	if (impl_->pendingFull()) {
		++impl_->dropped_items;
		return;
	}
	impl_->service_checks.push_back(std::move(check));
}

void Aggregator::addEvent(Event event)
{
	if (event.host.empty())
		event.host = impl_->options.default_hostname;
	sortUnique(event.tags);
	std::lock_guard lock(impl_->mutex);
	if (impl_->pendingFull()) {
		++impl_->dropped_items;
		return;
	}
	impl_->events.push_back(std::move(event));
}

FlushResult Aggregator::flush(double now)
{
	std::lock_guard flush_lock(impl_->flush_mutex);
	FlushResult result;
	result.timestamp = now;
	std::vector<Emission> emissions;
	// Destroyed after the lock is released: freeing many contexts is slow.
	std::vector<std::unique_ptr<Context>> expired;

	{
		std::lock_guard lock(impl_->mutex);
		double interval = 0;
		if (impl_->flushed)
			interval = now - impl_->last_flush;
		else if (impl_->sampled)
			interval = now - impl_->first_sample;
		interval = std::max(interval, 0.0);

		emissions.reserve(impl_->contexts.size());
		double expiry = impl_->options.context_expiry_seconds;
		auto keep = [&](Context &c) {
			if (c.sampled) {
				c.last_active = now;
				c.flush(impl_->histogram, now, interval, emissions);
				return true;
			}
			return now - c.last_active < expiry;
		};
		impl_->contexts.filter(keep, expired);
		result.service_checks.swap(impl_->service_checks);
		result.events.swap(impl_->events);
		if (impl_->dropped_items) {
			logger("aggregator")
				->warn("dropped {} service checks and events since the last flush: "
				       "more than {} pending",
				       impl_->dropped_items, impl_->options.max_pending_items);
			impl_->dropped_items = 0;
		}
		impl_->flushed = true;
		impl_->last_flush = now;
	}

	// Safe without the lock: a context's name, tags and host never change,
	// and only a flush (serialised by flush_mutex) removes contexts.
	// Sorting the small emissions before building series avoids moving the
	// series' strings around during the sort.
	std::sort(emissions.begin(), emissions.end(), emittedBefore);
	result.series.reserve(emissions.size());
	for (const auto &e : emissions) {
		Series s;
		s.name = e.context->name;
		if (e.suffix)
			s.name += *e.suffix;
		s.type = e.type;
		s.value = e.value;
		s.tags.assign(e.context->tags.begin(), e.context->tags.end());
		s.host = e.context->host;
		s.timestamp = e.timestamp;
		s.interval = e.interval;
		result.series.push_back(std::move(s));
	}
	for (auto &sc : result.service_checks) {
		if (sc.timestamp == 0)
			sc.timestamp = now;
	}
	for (auto &ev : result.events) {
		if (ev.timestamp == 0)
			ev.timestamp = now;
	}
	return result;
}

size_t Aggregator::contextCount() const
{
	std::lock_guard lock(impl_->mutex);
	return impl_->contexts.size();
}

} // namespace vigil
