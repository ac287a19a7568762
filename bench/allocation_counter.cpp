// SPDX-License-Identifier: Apache-2.0
#include "allocation_counter.hpp"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {

std::atomic<std::size_t> allocated{0};
std::atomic<std::size_t> peak{0};

void *countedAlloc(std::size_t size)
{
	void *p = std::malloc(size ? size : 1);
	if (!p)
		throw std::bad_alloc();
	const std::size_t now = allocated += malloc_usable_size(p);
	std::size_t old = peak.load(std::memory_order_relaxed);
	while (now > old && !peak.compare_exchange_weak(old, now, std::memory_order_relaxed)) {
	}
	return p;
}

void countedFree(void *p) noexcept
{
	if (!p)
		return;
	allocated -= malloc_usable_size(p);
	std::free(p);
}

} // namespace

namespace vigil::bench {

std::size_t allocatedBytes()
{
	return allocated.load();
}

PeakSince::PeakSince() : base_(allocated.load())
{
	peak = base_;
}

std::size_t PeakSince::extra() const
{
	return peak.load() - base_;
}

} // namespace vigil::bench

void *operator new(std::size_t size)
{
	return countedAlloc(size);
}
void *operator new[](std::size_t size)
{
	return countedAlloc(size);
}
void operator delete(void *p) noexcept
{
	countedFree(p);
}
void operator delete[](void *p) noexcept
{
	countedFree(p);
}
void operator delete(void *p, std::size_t) noexcept
{
	countedFree(p);
}
void operator delete[](void *p, std::size_t) noexcept
{
	countedFree(p);
}
