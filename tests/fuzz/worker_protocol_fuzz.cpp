// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the agent's side of the worker protocol
// (core/src/isolation/worker_protocol.hpp): the input is what a worker wrote
// to its socket, and a FrameReader turns it into messages as
// WorkerProcess::exchange() does, next() after each piece that arrives.  A
// worker is untrusted (it may be a crashing check), so whatever the bytes,
// next() returns messages or throws ProtocolError.  Any other exception, a
// crash, a sanitizer report or a hang is a bug, and so is any of:
//   - the messages or the error depend on how the bytes were split up
//     (all at once, one byte at a time, pieces of another size);
//   - a message read does not survive encodeFrame() and a fresh reader.
#include "isolation/worker_protocol.hpp"
#include "seed_corpus.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace {

using vigil::isolation::FrameReader;
using vigil::isolation::ProtocolError;

struct Outcome {
	std::vector<std::vector<std::uint8_t>> messages; // as CBOR: NaN != NaN as json
	std::string error;				 // ProtocolError's, if one ended the read
	bool empty = false;				 // FrameReader::empty() at the end

	bool operator==(const Outcome &) const = default;
};

// Feeds `bytes` to a fresh reader `piece` bytes at a time (all of them when
// 0), taking every complete message after each piece.
Outcome read(std::string_view bytes, std::size_t piece)
{
	FrameReader reader;
	Outcome out;
	try {
		for (std::size_t at = 0; at < bytes.size();) {
			const std::size_t n =
				piece ? std::min(piece, bytes.size() - at) : bytes.size() - at;
			reader.append(bytes.data() + at, n);
			at += n;
			while (auto message = reader.next())
				out.messages.push_back(nlohmann::json::to_cbor(*message));
		}
	} catch (const ProtocolError &e) {
		out.error = e.what();
		if (out.error.empty())
			std::abort(); // the agent logs the reason it kills a worker
	}
	out.empty = reader.empty();
	return out;
}

// A message the agent read encodes again and reads back the same.
void checkRoundTrip(const std::vector<std::uint8_t> &cbor)
{
	const nlohmann::json message = nlohmann::json::from_cbor(cbor);
	const std::string frame = vigil::isolation::encodeFrame(message);
	FrameReader reader;
	reader.append(frame.data(), frame.size());
	const auto again = reader.next();
	if (!again || !reader.empty() || nlohmann::json::to_cbor(*again) != cbor)
		std::abort();
}

nlohmann::json batch(std::size_t metrics)
{
	nlohmann::json out = {{"op", "batch"}};
	for (std::size_t i = 0; i < metrics; ++i)
		out["metrics"].push_back({i % 5,
					  "fuzz.http.request.duration." + std::to_string(i % 7),
					  i * 0.5,
					  {"env:prod", "shard:" + std::to_string(i)},
					  "web-01.example.com"});
	return out;
}

} // namespace

namespace vigil::fuzz {

// Frames as a worker writes them (worker_recorder.cpp's messages).
void writeSeeds(const SeedWriter &seeds)
{
	using vigil::isolation::encodeFrame;
	nlohmann::json full = batch(3);
	full["service_checks"] = {{"fuzz.can_connect", 2, {"a", "b"}, "host-1", "refused"},
				  {nullptr, 0, nullptr, nullptr, nullptr}};
	full["events"] = {{{"title", "deployed"},
			   {"text", "v1.2 \xc3\xa9"},
			   {"timestamp", 1700000000},
			   {"priority", "normal"},
			   {"alert_type", "info"},
			   {"aggregation_key", nullptr},
			   {"source_type_name", nullptr},
			   {"hostname", "h"},
			   {"tags", {"x:y"}}},
			  nullptr};
	full["warnings"] = {"slow disk", ""};
	const nlohmann::json log = {{"op", "batch"}, {"logs", {{30, "about to crash"}}}};
	nlohmann::json done = batch(1);
	done["op"] = "done";
	done["result"] = 0;
	done["error"] = "";
	const nlohmann::json failed = {
		{"op", "done"}, {"result", 1}, {"error", "cannot connect"}, {"stage", "create"}};
	const nlohmann::json numbers = {{"op", "batch"},
					{"metrics",
					 {{0, "m", 1.5e300, {}, "h"},
					  {1, "n", -0.0, {}, nullptr},
					  {2, "o", -9007199254740993LL, {}, nullptr},
					  {3, "p", 18446744073709551615ULL, {}, nullptr}}}};
	seeds.add("batch.bin", encodeFrame(full));
	seeds.add("log.bin", encodeFrame(log));
	seeds.add("done.bin", encodeFrame(done));
	seeds.add("create_failed.bin", encodeFrame(failed));
	seeds.add("numbers.bin", encodeFrame(numbers));
	seeds.add("run.bin", encodeFrame(batch(2)) + encodeFrame(log) + encodeFrame(done));
	// A log line of 70 kB (a check's stack trace, say) then the end of the
	// run: over 64 kB consumed with bytes left, so the reader compacts its
	// buffer, and libFuzzer's default -max_len grows to match.  A long
	// string rather than a full batch: it decodes fast.
	const nlohmann::json long_log = {{"op", "batch"},
					 {"logs", {{40, std::string(70000, 'x') + "\n"}}}};
	seeds.add("long_log.bin", encodeFrame(long_log) + encodeFrame(failed));
	seeds.add("torn.bin", encodeFrame(done).substr(0, 9));
}

} // namespace vigil::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string_view bytes(reinterpret_cast<const char *>(data), size);
	const Outcome whole = read(bytes, 0);
	if (read(bytes, 1) != whole || read(bytes, 1 + size % 61) != whole)
		std::abort();
	for (const auto &cbor : whole.messages)
		checkRoundTrip(cbor);
	return 0;
}
