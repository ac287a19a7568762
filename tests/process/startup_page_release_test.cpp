// SPDX-License-Identifier: Apache-2.0
// releaseStartupPages() must unmap clean file pages and never a page that
// holds written state.  Each case maps a temporary file privately, checks
// the mapping's Rss in /proc/self/smaps before and after, and its contents.
#include "process/startup_page_release.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace {

constexpr size_t kSize = 256 * 1024;

// Rss in kB of the mapping that starts at `start`, or -1 if there is none.
long rssKb(const void *start)
{
	char prefix[32];
	std::snprintf(prefix, sizeof(prefix), "%lx-", reinterpret_cast<unsigned long>(start));
	std::ifstream smaps("/proc/self/smaps");
	std::string line;
	bool in_mapping = false;
	while (std::getline(smaps, line)) {
		if (line.rfind(prefix, 0) == 0)
			in_mapping = true;
		else if (in_mapping && line.rfind("Rss:", 0) == 0)
			return std::strtol(line.c_str() + 4, nullptr, 10);
	}
	return -1;
}

class PageReleaseTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		char path[] = "/tmp/vigil-page-release-XXXXXX";
		fd_ = mkstemp(path);
		ASSERT_GE(fd_, 0);
		unlink(path);
		std::string bytes(kSize, '\0');
		for (size_t i = 0; i < kSize; ++i)
			bytes[i] = static_cast<char>('a' + i % 26);
		ASSERT_EQ(write(fd_, bytes.data(), kSize), static_cast<ssize_t>(kSize));
		if (!kernelReleasesPages())
			GTEST_SKIP()
				<< "madvise(MADV_DONTNEED) does not unmap file pages here, or "
				   "/proc/self/smaps does not show them (qemu-user does neither)";
	}
	void TearDown() override
	{
		if (map_)
			munmap(map_, kSize);
		close(fd_);
	}

	// What releaseStartupPages() relies on, tried on a mapping of its own.
	bool kernelReleasesPages()
	{
		void *page = mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE, fd_, 0);
		if (page == MAP_FAILED)
			return false;
		volatile char first = *static_cast<char *>(page);
		(void)first;
		bool works = rssKb(page) == 4 && madvise(page, 4096, MADV_DONTNEED) == 0 &&
			     rssKb(page) == 0;
		munmap(page, 4096);
		return works;
	}

	char *map(int prot)
	{
		map_ = static_cast<char *>(mmap(nullptr, kSize, prot, MAP_PRIVATE, fd_, 0));
		EXPECT_NE(map_, MAP_FAILED);
		// Touch every page so that all of it is resident.
		long sum = 0;
		for (size_t i = 0; i < kSize; i += 4096)
			sum += map_[i];
		EXPECT_GT(sum, 0);
		return map_;
	}

	static bool holdsFileContents(const char *data)
	{
		for (size_t i = 0; i < kSize; ++i)
			if (data[i] != static_cast<char>('a' + i % 26))
				return false;
		return true;
	}

	int fd_ = -1;
	char *map_ = nullptr;
};

TEST_F(PageReleaseTest, CleanReadOnlyFilePagesAreReleasedAndReadBackIntact)
{
	char *data = map(PROT_READ);
	ASSERT_EQ(rssKb(data), static_cast<long>(kSize / 1024));

	vigil::PageReleaseResult released = vigil::releaseStartupPages();
	EXPECT_GE(released.mappings, 1u);
	EXPECT_GE(released.bytes, kSize);
	EXPECT_EQ(rssKb(data), 0);
	EXPECT_TRUE(holdsFileContents(data));
}

TEST_F(PageReleaseTest, WritablePrivateMappingKeepsWhatWasWritten)
{
	char *data = map(PROT_READ | PROT_WRITE);
	data[100] = '#';
	long before = rssKb(data);
	vigil::releaseStartupPages();
	EXPECT_EQ(rssKb(data), before);
	EXPECT_EQ(data[100], '#');
}

// What a RELRO segment looks like: a page written, then made read-only,
// which splits it off into a mapping of its own.
TEST_F(PageReleaseTest, ReadOnlyPageWrittenBeforeMprotectKeepsItsContents)
{
	char *data = map(PROT_READ);
	ASSERT_EQ(mprotect(data, 4096, PROT_READ | PROT_WRITE), 0);
	data[7] = '#';
	ASSERT_EQ(mprotect(data, 4096, PROT_READ), 0);
	ASSERT_EQ(rssKb(data), 4);
	vigil::releaseStartupPages();
	EXPECT_EQ(rssKb(data), 4);
	EXPECT_EQ(data[7], '#');
	EXPECT_EQ(rssKb(data + 4096), 0);
}

// What a debugger's breakpoint looks like: a forced write through
// /proc/self/mem copies one page of a read-only mapping without splitting
// it.  None of that mapping may be released, or the write would be lost.
TEST_F(PageReleaseTest, ReadOnlyMappingWithForcedWriteIsLeftAlone)
{
	char *data = map(PROT_READ);
	int mem = open("/proc/self/mem", O_RDWR);
	ASSERT_GE(mem, 0);
	const char breakpoint = '#';
	ASSERT_EQ(pwrite(mem, &breakpoint, 1, reinterpret_cast<off_t>(data + 7)), 1);
	close(mem);
	ASSERT_EQ(data[7], '#');
	long before = rssKb(data);
	ASSERT_EQ(before, static_cast<long>(kSize / 1024));
	vigil::releaseStartupPages();
	EXPECT_EQ(rssKb(data), before);
	EXPECT_EQ(data[7], '#');
}

} // namespace
