// SPDX-License-Identifier: Apache-2.0
// decodeWriteRequest() (declared in remote_write_encoding.hpp) with
// protobuf-c's generated decoder.  In a file of its own so that only the
// tests, which check the hand-written encoder against it, link protobuf-c:
// the agent only encodes, and leaves this object out of the static library.
#include "outputs/remote_write/encoding.hpp"
#include "remote_write.pb-c.h"

#include <stdexcept>

namespace vigil {

std::vector<DecodedSeries> decodeWriteRequest(std::string_view protobuf)
{
	Prometheus__WriteRequest *request = prometheus__write_request__unpack(
		nullptr, protobuf.size(), reinterpret_cast<const uint8_t *>(protobuf.data()));
	if (!request)
		throw std::runtime_error("not a valid prometheus.WriteRequest");
	std::vector<DecodedSeries> out;
	out.reserve(request->n_timeseries);
	for (size_t i = 0; i < request->n_timeseries; ++i) {
		const Prometheus__TimeSeries *ts = request->timeseries[i];
		DecodedSeries &d = out.emplace_back();
		for (size_t j = 0; j < ts->n_labels; ++j)
			d.labels.push_back({ts->labels[j]->name, ts->labels[j]->value});
		for (size_t j = 0; j < ts->n_samples; ++j)
			d.samples.push_back({ts->samples[j]->value, ts->samples[j]->timestamp});
	}
	prometheus__write_request__free_unpacked(request, nullptr);
	return out;
}

} // namespace vigil
