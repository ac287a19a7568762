// SPDX-License-Identifier: Apache-2.0
// The Aggregator's index of live contexts: open addressing on the 64-bit
// context hash, verified against the stored context.
//
// std::unordered_multimap cost ~5 dependent cache misses per lookup (bucket,
// previous node, node, next node for the end of the range, then the strings);
// with 100k contexts that was ~700 ns per sample.  Here a lookup touches one
// slot and the context.
#pragma once

#include "aggregation/context.hpp"

#include <memory>
#include <vector>

namespace vigil::aggregation {

class ContextTable {
public:
	ContextTable() : slots_(kMinCapacity) {}

	Context *find(uint64_t hash, std::string_view name, std::span<const std::string_view> tags,
		      std::string_view host) const
	{
		for (size_t i = hash & mask();; i = (i + 1) & mask()) {
			const Slot &s = slots_[i];
			if (!s.context)
				return nullptr;
			if (s.hash == hash && s.context->matches(name, tags, host))
				return s.context.get();
		}
	}

	Context *insert(std::unique_ptr<Context> context)
	{
		// Load at most 1/2 keeps probe sequences short.
		if ((size_ + 1) * 2 > slots_.size())
			rehash(slots_.size() * 2);
		Context *c = context.get();
		place(std::move(context));
		++size_;
		return c;
	}

	size_t size() const { return size_; }

	// Calls keep(context) for every context; those it rejects are moved to
	// `removed`.  Contexts never move, so pointers to kept ones stay valid.
	template <typename Keep>
	void filter(Keep &&keep, std::vector<std::unique_ptr<Context>> &removed)
	{
		size_t before = removed.size();
		for (auto &s : slots_) {
			if (s.context && !keep(*s.context))
				removed.push_back(std::move(s.context));
		}
		if (removed.size() == before)
			return;
		size_ -= removed.size() - before;
		// Rebuilding beats tombstones: removal only happens at flush, which is
		// O(contexts) anyway, and it lets the table shrink after churn.
		size_t capacity = kMinCapacity;
		while (size_ * 2 > capacity)
			capacity *= 2;
		rehash(capacity);
	}

private:
	static constexpr size_t kMinCapacity = 64;

	struct Slot {
		uint64_t hash = 0;
		std::unique_ptr<Context> context;
	};

	size_t mask() const { return slots_.size() - 1; }

	void place(std::unique_ptr<Context> context)
	{
		size_t i = context->hash & mask();
		while (slots_[i].context)
			i = (i + 1) & mask();
		slots_[i].hash = context->hash;
		slots_[i].context = std::move(context);
	}

	void rehash(size_t capacity)
	{
		std::vector<Slot> old(capacity);
		old.swap(slots_);
		for (auto &s : old) {
			if (s.context)
				place(std::move(s.context));
		}
	}

	std::vector<Slot> slots_; // size is a power of two
	size_t size_ = 0;
};

} // namespace vigil::aggregation
