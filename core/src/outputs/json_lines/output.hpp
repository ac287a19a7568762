// SPDX-License-Identifier: Apache-2.0
// JsonLinesOutput: one JSON object per line per flushed series, service check
// or event, to stdout or a file.  Logs go to stderr, so stdout stays parseable.
#pragma once

#include "aggregation/metric.hpp"
#include "config/agent_config.hpp"
#include "outputs/output.hpp"

#include <cstdio>

namespace vigil {

class JsonLinesOutput final : public Output {
public:
	// Throws std::runtime_error if the file cannot be opened.
	explicit JsonLinesOutput(const OutputConfig &config);
	~JsonLinesOutput() override;
	JsonLinesOutput(const JsonLinesOutput &) = delete;
	JsonLinesOutput &operator=(const JsonLinesOutput &) = delete;

	// Writes and flushes one batch; a write error is logged, not thrown, so a
	// full disk never stops the checks.
	void write(const FlushResult &flush) override;

private:
	std::FILE *file_;
	bool owned_;
};

} // namespace vigil
