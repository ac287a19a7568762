// SPDX-License-Identifier: Apache-2.0
// The agent <-> worker frame codec (isolation/worker_protocol.hpp).
#include "isolation/worker_protocol.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sys/socket.h>
#include <unistd.h>

namespace vigil::isolation {
namespace {

TEST(WorkerProtocol, RoundTripsAMessageFedByteByByte)
{
	nlohmann::json message = {
		{"op", "batch"},
		{"metrics", {{0, "a.b", 1.5, {"x:1", "y"}, nullptr}, {2, "c", -3, {}, "host"}}},
	};
	const std::string frame = encodeFrame(message);
	ASSERT_GT(frame.size(), 4u);
	EXPECT_EQ(std::size_t((unsigned char)frame[3]),
		  frame.size() - 4); // small: length in byte 3
	FrameReader reader;
	for (std::size_t i = 0; i + 1 < frame.size(); ++i) {
		reader.append(&frame[i], 1);
		EXPECT_FALSE(reader.next().has_value()) << "complete after " << i + 1 << " bytes";
	}
	reader.append(&frame.back(), 1);
	auto decoded = reader.next();
	ASSERT_TRUE(decoded.has_value());
	EXPECT_EQ(*decoded, message);
	EXPECT_TRUE(reader.empty());
}

TEST(WorkerProtocol, SplitsConsecutiveFramesAndKeepsNonFiniteValues)
{
	std::string bytes =
		encodeFrame({{"n", 1}}) + encodeFrame({{"v", NAN}}) + encodeFrame({{"n", 3}});
	FrameReader reader;
	reader.append(bytes.data(), bytes.size());
	EXPECT_EQ(reader.next()->at("n"), 1);
	auto second = reader.next();
	ASSERT_TRUE(second.has_value());
	// A check's NaN must reach the agent as NaN, so that the agent's
	// validation (not the transport) is what reports it.
	EXPECT_TRUE(std::isnan(second->at("v").get<double>()));
	EXPECT_EQ(reader.next()->at("n"), 3);
	EXPECT_FALSE(reader.next().has_value());
}

TEST(WorkerProtocol, RejectsAnOversizedLengthWithoutAllocating)
{
	const char header[4] = {'\x7f', '\xff', '\xff', '\xff'};
	FrameReader reader;
	reader.append(header, 4);
	EXPECT_THROW(reader.next(), ProtocolError);
}

TEST(WorkerProtocol, RejectsABodyThatIsNotCbor)
{
	const char frame[5] = {0, 0, 0, 1, '\xff'};
	FrameReader reader;
	reader.append(frame, 5);
	EXPECT_THROW(reader.next(), ProtocolError);
}

// A worker is a crashing check's process: 100,000 nested arrays in a 100 kB
// frame overflowed the agent's stack in from_cbor (found by
// worker_protocol_fuzz).  Now a protocol error, while nesting a message
// really has (a check's instance, as deep as its YAML) still decodes.
TEST(WorkerProtocol, RejectsDeepNestingAndKeepsWhatMessagesUse)
{
	const std::size_t deep = 100000;
	std::string frame = {char(((deep + 1) >> 24) & 0xff), char(((deep + 1) >> 16) & 0xff),
			     char(((deep + 1) >> 8) & 0xff), char((deep + 1) & 0xff)};
	frame.append(deep, '\x81'); // an array of one element, nested
	frame.push_back('\x00');
	FrameReader reader;
	reader.append(frame.data(), frame.size());
	try {
		reader.next();
		FAIL() << "decoded 100,000 levels";
	} catch (const ProtocolError &e) {
		EXPECT_STREQ(e.what(), "undecodable message: nested deeper than 256 levels");
	}

	nlohmann::json nested = {{"leaf", true}};
	for (int i = 0; i < 100; ++i)
		nested = {{"k", nested}, {"a", {i, nullptr, "s", 1.5}}};
	const std::string ok = encodeFrame(nested);
	FrameReader second;
	second.append(ok.data(), ok.size());
	EXPECT_EQ(second.next(), nested);
}

TEST(WorkerProtocol, ReadMessageOverASocketSeesEofAndTornFrames)
{
	int sv[2];
	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	const std::string frame = encodeFrame({{"op", "done"}, {"result", 0}});
	ASSERT_TRUE(writeAll(sv[0], frame + frame.substr(0, 3)));
	close(sv[0]);
	FrameReader reader;
	auto first = readMessage(sv[1], reader);
	ASSERT_TRUE(first.has_value());
	EXPECT_EQ(first->at("op"), "done");
	EXPECT_THROW(readMessage(sv[1], reader), ProtocolError); // 3 bytes, then EOF
	close(sv[1]);

	ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	close(sv[0]);
	FrameReader clean;
	EXPECT_FALSE(readMessage(sv[1], clean).has_value()); // EOF between frames
	close(sv[1]);
}

} // namespace
} // namespace vigil::isolation
