// SPDX-License-Identifier: Apache-2.0
// The agent <-> worker protocol (docs/isolation.md): over a socketpair, each
// message is a frame of a 4-byte big-endian body length then a CBOR body
// (nlohmann::json's encoding).  The agent sends one `run` request per run;
// the worker answers with zero or more `batch` messages (submissions, up to
// kBatchItems each, never one message per sample) and one `done`.
//
// Threads: a FrameReader belongs to whoever reads its fd; nothing is shared.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

namespace vigil::isolation {

// A frame longer than this is a protocol error, not an allocation: a
// corrupted length must not make the agent allocate gigabytes.
inline constexpr std::uint32_t kMaxFrameBytes = 64u << 20;
// Submissions per batch message.
inline constexpr std::size_t kBatchItems = 1000;

class ProtocolError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// The bytes of one frame carrying `message`.
std::string encodeFrame(const nlohmann::json &message);

// Reassembles frames from bytes as they arrive, in whatever pieces.
class FrameReader {
public:
	void append(const char *data, std::size_t size) { buffer_.append(data, size); }
	// The next complete message, or nothing until more bytes arrive.
	// Throws ProtocolError on an oversized frame or a body that is not CBOR.
	std::optional<nlohmann::json> next();
	bool empty() const { return buffer_.size() == consumed_; }

private:
	std::string buffer_;
	std::size_t consumed_ = 0; // bytes of buffer_ already returned
};

// Writes all of `data`, retrying on EINTR and short writes; false (errno
// set) if the peer is gone.
bool writeAll(int fd, const std::string &data);

// Blocking read of the next message from `fd`; nothing at a clean EOF.
// Throws ProtocolError on a read error, a torn frame or a bad body.
std::optional<nlohmann::json> readMessage(int fd, FrameReader &reader);

} // namespace vigil::isolation
