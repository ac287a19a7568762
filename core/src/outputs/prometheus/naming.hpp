// SPDX-License-Identifier: Apache-2.0
// How Vigil's names and tags become Prometheus metric names and labels
// (docs/outputs.md, "Names and labels").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigil {

struct PromLabel {
	std::string name;
	std::string value;
	bool operator==(const PromLabel &) const = default;
};

// A valid metric name: [a-zA-Z_:][a-zA-Z0-9_:]*, with `prefix` (already
// valid, e.g. "vigil_") in front.  Every other character (dots, dashes,
// non-ASCII bytes) becomes '_'; a leading digit gets a '_' in front; an
// empty name becomes "_".
std::string sanitizeMetricName(std::string_view name, std::string_view prefix = {});

// A valid label name: [a-zA-Z_][a-zA-Z0-9_]*, same rules as metric names
// but ':' is not allowed either.  Names starting with "__" are reserved by
// Prometheus, so they lose a leading '_' until only one is left.
std::string sanitizeLabelName(std::string_view name);

// Datadog-style tags to labels, plus `host` (when not empty) last:
// - "key:value" splits at the first ':' ("url:http://x" -> url="http://x");
// - a tag without ':' (or with an empty key) becomes  tag="<the tag>";
//   several such tags are joined with ',' in sorted order;
// - duplicate keys after sanitising (including  a tag "host:x" and the host)
//   keep every value, sorted and joined with ',', so no information is lost
//   and the result does not depend on tag order;
// - a key that sanitises to empty cannot happen (sanitizing never returns
//   an empty string).
// The result is sorted by name with unique names.
std::vector<PromLabel> tagsToLabels(const std::vector<std::string> &tags, std::string_view host);

} // namespace vigil
