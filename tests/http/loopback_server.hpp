// SPDX-License-Identifier: Apache-2.0
// LoopbackServer: a scripted HTTP/1.1 server on 127.0.0.1 for client tests
// (tests/http/ and the remote-write tests): it records every request and
// answers each with what the test's function returns.  Plain sockets and
// one thread, independent of the HTTP code under test.  Request bodies must
// come with Content-Length (the HttpClient always sends one).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <strings.h>
#include <thread>
#include <utility>
#include <vector>

namespace vigil::test {

using LoopbackHeaders = std::vector<std::pair<std::string, std::string>>;

inline std::string findHeader(const LoopbackHeaders &headers, const std::string &name)
{
	for (const auto &[key, value] : headers)
		if (::strcasecmp(key.c_str(), name.c_str()) == 0)
			return value;
	return {};
}

struct LoopbackRequest {
	std::string method;
	std::string target;
	LoopbackHeaders headers;
	std::string body;
	std::string header(const std::string &name) const { return findHeader(headers, name); }
};

struct LoopbackAnswer {
	int status = 200;
	LoopbackHeaders headers;
	std::string body;
	bool close = false; // close the connection after answering (no header says so)
};

class LoopbackServer {
public:
	using Handler = std::function<LoopbackAnswer(const LoopbackRequest &)>;

	explicit LoopbackServer(Handler handler) : handler_(std::move(handler))
	{
		listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
		sockaddr_in addr{};
		addr.sin_family = AF_INET;
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		socklen_t len = sizeof addr;
		if (::bind(listen_, reinterpret_cast<sockaddr *>(&addr), len) != 0 ||
		    ::listen(listen_, 64) != 0 ||
		    ::getsockname(listen_, reinterpret_cast<sockaddr *>(&addr), &len) != 0 ||
		    ::pipe(wake_) != 0)
			throw std::runtime_error("LoopbackServer: cannot listen");
		port_ = ntohs(addr.sin_port);
		thread_ = std::thread([this] { serve(); });
	}

	~LoopbackServer()
	{
		(void)!::write(wake_[1], "x", 1);
		thread_.join();
		for (auto &c : clients_)
			::close(c.fd);
		::close(listen_);
		::close(wake_[0]);
		::close(wake_[1]);
	}

	int port() const { return port_; }
	std::string url(const std::string &path) const
	{
		return "http://127.0.0.1:" + std::to_string(port_) + path;
	}
	int connections()
	{
		std::lock_guard lock(mutex_);
		return connections_;
	}
	std::vector<LoopbackRequest> requests()
	{
		std::lock_guard lock(mutex_);
		return requests_;
	}

private:
	struct Client {
		int fd;
		std::string pending;
	};

	void serve()
	{
		for (;;) {
			std::vector<pollfd> fds{{wake_[0], POLLIN, 0}, {listen_, POLLIN, 0}};
			for (auto &c : clients_)
				fds.push_back({c.fd, POLLIN, 0});
			if (::poll(fds.data(), fds.size(), -1) < 0)
				continue;
			if (fds[0].revents)
				return;
			if (fds[1].revents) {
				clients_.push_back({::accept(listen_, nullptr, nullptr), {}});
				std::lock_guard lock(mutex_);
				++connections_;
			}
			for (size_t i = 2; i < fds.size(); ++i)
				if (fds[i].revents && !readFrom(clients_[i - 2]))
					clients_[i - 2].fd = -1 - clients_[i - 2].fd;
			for (auto it = clients_.begin(); it != clients_.end();) {
				if (it->fd < 0) {
					::close(-1 - it->fd);
					it = clients_.erase(it);
				} else {
					++it;
				}
			}
		}
	}

	// False when the connection is to be closed.
	bool readFrom(Client &c)
	{
		char buf[65536];
		ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
		if (n <= 0)
			return false;
		c.pending.append(buf, static_cast<size_t>(n));
		for (;;) {
			const size_t end = c.pending.find("\r\n\r\n");
			if (end == std::string::npos)
				return true;
			LoopbackRequest req = parseHead(c.pending.substr(0, end));
			const size_t length =
				std::strtoul(req.header("Content-Length").c_str(), nullptr, 10);
			if (c.pending.size() < end + 4 + length)
				return true;
			req.body = c.pending.substr(end + 4, length);
			c.pending.erase(0, end + 4 + length);
			LoopbackAnswer answer = handler_(req);
			{
				std::lock_guard lock(mutex_);
				requests_.push_back(std::move(req));
			}
			if (!sendAll(c.fd, format(answer)) || answer.close)
				return false;
		}
	}

	static LoopbackRequest parseHead(const std::string &head)
	{
		LoopbackRequest req;
		size_t line_end = head.find("\r\n");
		const std::string first = head.substr(0, line_end);
		req.method = first.substr(0, first.find(' '));
		req.target = first.substr(req.method.size() + 1,
					  first.rfind(' ') - req.method.size() - 1);
		while (line_end != std::string::npos) {
			const size_t start = line_end + 2;
			line_end = head.find("\r\n", start);
			const std::string line = head.substr(start, line_end - start);
			const size_t colon = line.find(':');
			if (colon == std::string::npos)
				continue;
			size_t value = colon + 1;
			while (value < line.size() && line[value] == ' ')
				++value;
			req.headers.emplace_back(line.substr(0, colon), line.substr(value));
		}
		return req;
	}

	static std::string format(const LoopbackAnswer &a)
	{
		std::string out = "HTTP/1.1 " + std::to_string(a.status) + " Status\r\n";
		for (const auto &[key, value] : a.headers)
			out += key + ": " + value + "\r\n";
		out += "Content-Length: " + std::to_string(a.body.size()) + "\r\n\r\n" + a.body;
		return out;
	}

	static bool sendAll(int fd, const std::string &data)
	{
		size_t sent = 0;
		while (sent < data.size()) {
			ssize_t n =
				::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
			if (n <= 0)
				return false;
			sent += static_cast<size_t>(n);
		}
		return true;
	}

	Handler handler_;
	int listen_ = -1;
	int wake_[2] = {-1, -1};
	int port_ = 0;
	std::vector<Client> clients_; // the server thread's
	std::thread thread_;
	std::mutex mutex_;
	int connections_ = 0;
	std::vector<LoopbackRequest> requests_;
};

} // namespace vigil::test
