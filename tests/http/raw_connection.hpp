// SPDX-License-Identifier: Apache-2.0
// A client socket for the server tests that does exactly what it is told,
// byte by byte: send half a header and stall, never read, and so on.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::test {

struct RawResponse {
	int status = 0;
	std::string head; // status line and headers
	std::string body;
};

class RawConnection {
public:
	explicit RawConnection(int port)
	{
		fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
		sockaddr_in addr{};
		addr.sin_family = AF_INET;
		addr.sin_port = htons(static_cast<uint16_t>(port));
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		connected_ = ::connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0;
	}
	~RawConnection()
	{
		if (fd_ >= 0)
			::close(fd_);
	}
	RawConnection(const RawConnection &) = delete;
	RawConnection &operator=(const RawConnection &) = delete;

	bool connected() const { return connected_; }

	bool send(std::string_view bytes)
	{
		while (!bytes.empty()) {
			ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
			if (n <= 0)
				return false;
			bytes.remove_prefix(static_cast<size_t>(n));
		}
		return true;
	}

	// One response (Content-Length bodies only), or nullopt when the
	// server closed the connection or nothing came within `timeout`.
	std::optional<RawResponse> readResponse(double timeout = 5, bool head_request = false)
	{
		const clock::time_point deadline = clock::now() + after(timeout);
		size_t end;
		while ((end = pending_.find("\r\n\r\n")) == std::string::npos)
			if (!readMore(deadline))
				return std::nullopt;
		RawResponse res;
		res.head = pending_.substr(0, end + 2);
		pending_.erase(0, end + 4);
		res.status = std::atoi(res.head.c_str() + res.head.find(' ') + 1);
		size_t length = 0;
		const size_t at = lowered(res.head).find("\r\ncontent-length:");
		if (at != std::string::npos && !head_request)
			length = std::strtoul(res.head.c_str() + at + 17, nullptr, 10);
		while (pending_.size() < length)
			if (!readMore(deadline))
				return std::nullopt;
		res.body = pending_.substr(0, length);
		pending_.erase(0, length);
		return res;
	}

	// True when the server closes (or resets) the connection within
	// `timeout`; whatever it sent before is skipped.
	bool closedWithin(double timeout)
	{
		const clock::time_point deadline = clock::now() + after(timeout);
		for (;;) {
			const int left = remainingMs(deadline);
			pollfd p{fd_, POLLIN, 0};
			if (left <= 0 || ::poll(&p, 1, left) <= 0)
				return false;
			char buf[4096];
			ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
			if (n <= 0)
				return true;
		}
	}

private:
	using clock = std::chrono::steady_clock;

	static clock::duration after(double seconds)
	{
		return std::chrono::duration_cast<clock::duration>(
			std::chrono::duration<double>(seconds));
	}

	static int remainingMs(clock::time_point deadline)
	{
		return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
						deadline - clock::now())
						.count());
	}

	static std::string lowered(std::string s)
	{
		for (char &c : s)
			if (c >= 'A' && c <= 'Z')
				c = static_cast<char>(c - 'A' + 'a');
		return s;
	}

	bool readMore(clock::time_point deadline)
	{
		const int left = remainingMs(deadline);
		pollfd p{fd_, POLLIN, 0};
		if (left <= 0 || ::poll(&p, 1, left) <= 0)
			return false;
		char buf[65536];
		ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
		if (n <= 0)
			return false;
		pending_.append(buf, static_cast<size_t>(n));
		return true;
	}

	int fd_ = -1;
	bool connected_ = false;
	std::string pending_;
};

} // namespace vigil::test
