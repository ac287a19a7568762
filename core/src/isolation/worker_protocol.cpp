// SPDX-License-Identifier: Apache-2.0
#include "isolation/worker_protocol.hpp"

#include "isolation/cbor_decoding.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace vigil::isolation {

std::string encodeFrame(const nlohmann::json &message)
{
	std::string frame(4, '\0');
	nlohmann::json::to_cbor(message, frame);
	const std::size_t body = frame.size() - 4;
	if (body > kMaxFrameBytes)
		throw ProtocolError("message of " + std::to_string(body) +
				    " bytes is over the frame limit");
	frame[0] = static_cast<char>((body >> 24) & 0xff);
	frame[1] = static_cast<char>((body >> 16) & 0xff);
	frame[2] = static_cast<char>((body >> 8) & 0xff);
	frame[3] = static_cast<char>(body & 0xff);
	return frame;
}

std::optional<nlohmann::json> FrameReader::next()
{
	const std::size_t available = buffer_.size() - consumed_;
	if (available < 4)
		return std::nullopt;
	const auto *p = reinterpret_cast<const unsigned char *>(buffer_.data() + consumed_);
	const std::uint32_t body = (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) |
				   (std::uint32_t(p[2]) << 8) | std::uint32_t(p[3]);
	if (body > kMaxFrameBytes)
		throw ProtocolError("frame of " + std::to_string(body) +
				    " bytes announced, over the limit of " +
				    std::to_string(kMaxFrameBytes));
	if (available - 4 < body)
		return std::nullopt;
	nlohmann::json message = decodeCbor(p + 4, body);
	consumed_ += 4 + body;
	// Compact once the consumed prefix dominates, so a long-lived reader
	// does not keep every byte it ever saw.
	if (consumed_ == buffer_.size()) {
		buffer_.clear();
		consumed_ = 0;
	} else if (consumed_ > 65536 && consumed_ * 2 > buffer_.size()) {
		buffer_.erase(0, consumed_);
		consumed_ = 0;
	}
	return message;
}

bool writeAll(int fd, const std::string &data)
{
	std::size_t done = 0;
	while (done < data.size()) {
		ssize_t n = ::write(fd, data.data() + done, data.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		done += static_cast<std::size_t>(n);
	}
	return true;
}

std::optional<nlohmann::json> readMessage(int fd, FrameReader &reader)
{
	for (;;) {
		if (auto message = reader.next())
			return message;
		char buf[65536];
		ssize_t n = ::read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			throw ProtocolError(std::string("read failed: ") + std::strerror(errno));
		if (n == 0) {
			if (!reader.empty())
				throw ProtocolError("connection closed in the middle of a message");
			return std::nullopt;
		}
		reader.append(buf, static_cast<std::size_t>(n));
	}
}

} // namespace vigil::isolation
