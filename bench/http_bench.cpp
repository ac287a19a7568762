// SPDX-License-Identifier: Apache-2.0
// The HTTP layer (issue 18): a /metrics scrape of 100,000 series through
// the agent's real endpoints (AgentEndpoints) over loopback, kept alive as
// Prometheus scrapes, with the memory it allocates; and remote-write POSTs
// of 2,000-sample batches through makeRemoteWriteHttpPost to a loopback
// receiver.  The clients and the receiver are plain sockets, so the numbers
// are the agent's side only and the program builds unchanged against older
// trees (docs/performance.md compares the HTTP layers with it).
//
// Memory is counted by allocation_counter.hpp: the peak above the level
// before a scrape is what serving it allocated (the server's threads
// included).
#include "agent/http_endpoints.hpp"
#include "config/agent_config.hpp"
#include "outputs/prometheus/output.hpp"
#include "outputs/remote_write/encoding.hpp"
#include "outputs/remote_write/http.hpp"

#include "allocation_counter.hpp"

#include <benchmark/benchmark.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace vigil;
using bench::minimum;
using bench::PeakSince;

int connectTo(int port)
{
	int fd = ::socket(AF_INET, SOCK_STREAM, 0);
	sockaddr_in addr{};
	addr.sin_family = AF_INET;
	addr.sin_port = htons(static_cast<uint16_t>(port));
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
		throw std::runtime_error("cannot connect");
	return fd;
}

void sendAll(int fd, const std::string &data)
{
	for (size_t sent = 0; sent < data.size();) {
		ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
		if (n <= 0)
			throw std::runtime_error("send failed");
		sent += static_cast<size_t>(n);
	}
}

// Reads one HTTP message with a Content-Length body from `fd` into `buffer`
// (which keeps what follows it); returns the body's size, or -1 on EOF.
long readMessage(int fd, std::string &buffer)
{
	char chunk[65536];
	size_t end;
	while ((end = buffer.find("\r\n\r\n")) == std::string::npos) {
		ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
		if (n <= 0)
			return -1;
		buffer.append(chunk, static_cast<size_t>(n));
	}
	std::string head = buffer.substr(0, end);
	for (char &c : head)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	const size_t at = head.find("content-length:");
	const size_t length =
		at == std::string::npos ? 0 : std::strtoul(head.c_str() + at + 15, nullptr, 10);
	while (buffer.size() < end + 4 + length) {
		ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
		if (n <= 0)
			return -1;
		buffer.append(chunk, static_cast<size_t>(n));
	}
	buffer.erase(0, end + 4 + length);
	return static_cast<long>(length);
}

// prometheus_bench's /metrics workload as a flush: 1,000 families of 100
// series, 4 labels; 14.3 MB of text.
FlushResult metricsFlush(size_t count)
{
	FlushResult flush;
	flush.timestamp = 1700000000;
	for (size_t i = 0; i < count; ++i) {
		Series s;
		s.name = "system_disk_bytes_used_" + std::to_string(i % 1000);
		s.type = i % 3 ? SeriesType::Gauge : SeriesType::Count;
		s.tags = {"device:/dev/nvme0n1p" + std::to_string(i / 1000), "env:production",
			  "service:web-frontend"};
		s.host = "web-frontend-042.example.com";
		s.value = 1234567.0 + static_cast<double>(i) * 0.25;
		s.timestamp = flush.timestamp;
		flush.series.push_back(std::move(s));
	}
	return flush;
}

void BM_ScrapeMetrics(benchmark::State &state)
{
	PrometheusOutput output({}, {});
	output.write(metricsFlush(static_cast<size_t>(state.range(0))));
	const auto run_dir = std::filesystem::temp_directory_path() /
			     ("vigil-http-bench-" + std::to_string(::getpid()));
	AgentEndpoints endpoints({{"127.0.0.1", 0}, run_dir}, &output, StatusSources{});
	const int port = endpoints.address().port;
	int fd = connectTo(port);
	const std::string request = "GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n";
	// Reserved once, so that the client's buffer adds nothing to what is
	// counted for the server.
	std::string buffer;
	buffer.reserve(64 << 20);
	long body = 0;
	size_t extra = 0, reconnects = 0;
	for (auto _ : state) {
		const PeakSince since;
		sendAll(fd, request);
		body = readMessage(fd, buffer);
		if (body < 0) {
			// A server may close a kept-alive connection after some
			// requests; Prometheus then connects again, and so does this.
			::close(fd);
			fd = connectTo(port);
			buffer.clear();
			++reconnects;
			sendAll(fd, request);
			body = readMessage(fd, buffer);
		}
		if (body < 0) {
			state.SkipWithError("the server closed a fresh connection");
			break;
		}
		extra = std::max(extra, since.extra());
	}
	::close(fd);
	std::filesystem::remove_all(run_dir);
	state.SetBytesProcessed(state.iterations() * body);
	state.counters["body_bytes"] = static_cast<double>(body);
	state.counters["server_extra_bytes"] = static_cast<double>(extra);
	state.counters["reconnects"] = static_cast<double>(reconnects);
}
BENCHMARK(BM_ScrapeMetrics)
	->Arg(100000)
	->UseRealTime()
	->ComputeStatistics("min", minimum)
	->Unit(benchmark::kMillisecond);

// Accepts one connection at a time and answers every request 204.
class Receiver {
public:
	Receiver()
	{
		listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
		sockaddr_in addr{};
		addr.sin_family = AF_INET;
		addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		socklen_t len = sizeof addr;
		::bind(listen_, reinterpret_cast<sockaddr *>(&addr), len);
		::listen(listen_, 16);
		::getsockname(listen_, reinterpret_cast<sockaddr *>(&addr), &len);
		port_ = ntohs(addr.sin_port);
		thread_ = std::thread([this] { serve(); });
	}
	~Receiver()
	{
		::shutdown(listen_, SHUT_RDWR);
		thread_.join();
		::close(listen_);
	}
	int port() const { return port_; }

private:
	void serve()
	{
		for (;;) {
			const int fd = ::accept(listen_, nullptr, nullptr);
			if (fd < 0)
				return;
			std::string buffer;
			while (readMessage(fd, buffer) >= 0)
				sendAll(fd, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n");
			::close(fd);
		}
	}

	int listen_ = -1;
	int port_ = 0;
	std::thread thread_;
};

std::vector<PromSample> remoteWriteBatch(size_t count)
{
	std::vector<PromSample> out;
	for (size_t i = 0; i < count; ++i) {
		PromSample s;
		s.name = "system_net_bytes_rcvd_" + std::to_string(i % 50);
		s.labels = {{"az", "eu-west-1b"},
			    {"cluster", "prod-eu-1"},
			    {"device", "eth" + std::to_string(i / 50 % 8)},
			    {"env", "production"},
			    {"host", "web-frontend-042.example.com"},
			    {"instance", "10.1.2.3"},
			    {"job", "vigil"},
			    {"region", "eu-west-1"},
			    {"role", "frontend"},
			    {"service", "web-frontend"}};
		s.value = 98765.0 + static_cast<double>(i);
		s.timestamp = 1700000000;
		out.push_back(std::move(s));
	}
	return out;
}

// One POST per iteration on the kept-alive connection, as the sender does.
void BM_RemoteWritePost(benchmark::State &state)
{
	const size_t samples = static_cast<size_t>(state.range(0));
	const std::string body = encodeRemoteWriteBody(remoteWriteBatch(samples));
	Receiver receiver;
	RemoteWriteConfig config;
	config.url = "http://127.0.0.1:" + std::to_string(receiver.port()) + "/api/v1/write";
	RemoteWritePost post = makeRemoteWriteHttpPost(config);
	for (auto _ : state) {
		HttpPostResult res = post(body, 10);
		if (res.status != 204) {
			state.SkipWithError(("POST failed: " + res.error).c_str());
			break;
		}
	}
	state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(samples));
	state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_RemoteWritePost)->Arg(2000)->UseRealTime()->ComputeStatistics("min", minimum);

} // namespace

BENCHMARK_MAIN();
