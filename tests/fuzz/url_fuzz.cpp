// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for URL parsing (parseHttpUrl(), core/src/http/url.hpp),
// which reads the remote-write url of vigil.yaml and the agent's address
// for `vigil status`.  Whatever the text, it either returns a URL or
// nothing with a reason.  A crash, a sanitizer report, an exception or a
// hang is a bug, and so is a URL without a host, a port from 1 to 65535
// and a target starting with '/', a space or control character in the host
// or target, or a URL that is not the same URL again
// when written back from its parts (scheme, hostHeader(), target).
#include "http/url.hpp"
#include "seed_corpus.hpp"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

bool validPort(const std::string &port)
{
	int value = 0;
	const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
	return ec == std::errc() && ptr == port.data() + port.size() && value >= 1 &&
	       value <= 65535 && port == std::to_string(value);
}

bool same(const vigil::HttpUrl &a, const vigil::HttpUrl &b)
{
	return a.tls == b.tls && a.host == b.host && a.port == b.port && a.target == b.target;
}

} // namespace

namespace vigil::fuzz {

void writeSeeds(const SeedWriter &seeds)
{
	const char *const urls[] = {
		"http://127.0.0.1:9090/api/v1/write",
		"https://[2001:db8::1]/",
		"http://[::1]:17380/status",
		"HTTPS://prometheus.example.com:443/api/v1/write?tenant=a&x=%2F",
		"http://h?tenant=a",
		"http://h:65535",
		"http://user:pw@h/x",
		"http://h/x#frag",
		"http://[::1/x",
		"http://h:0080/",
	};
	int i = 0;
	for (const char *url : urls)
		seeds.add("url" + std::to_string(i++) + ".txt", url);
}

} // namespace vigil::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string_view text(reinterpret_cast<const char *>(data), size);
	std::string error;
	const auto url = vigil::parseHttpUrl(text, &error);
	if (!url) {
		if (error.empty())
			std::abort(); // the reason goes into a config error
		return 0;
	}
	if (url->host.empty() || !validPort(url->port) || url->target.empty() ||
	    url->target.front() != '/')
		std::abort();
	// What goes into the request line and the Host header as it is.
	for (const char c : url->host + url->target)
		if (static_cast<unsigned char>(c) <= ' ' || c == '\x7f')
			std::abort();
	if (url->host.find_first_of("[]") != std::string::npos)
		std::abort();
	const std::string again =
		(url->tls ? "https://" : "http://") + url->hostHeader() + url->target;
	const auto reparsed = vigil::parseHttpUrl(again);
	if (!reparsed || !same(*reparsed, *url))
		std::abort();
	return 0;
}
