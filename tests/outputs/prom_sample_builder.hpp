// SPDX-License-Identifier: Apache-2.0
// One PromSample in a line, for the remote-write tests' inputs.
#pragma once

#include "outputs/prometheus/series.hpp"

#include <string>
#include <utility>
#include <vector>

namespace vigil::test {

inline PromSample promSample(std::string name, std::vector<PromLabel> labels, double value,
			     double timestamp)
{
	PromSample s;
	s.name = std::move(name);
	s.labels = std::move(labels);
	s.value = value;
	s.timestamp = timestamp;
	return s;
}

} // namespace vigil::test
