// SPDX-License-Identifier: Apache-2.0
#include "outputs/json_lines/encoding.hpp"

namespace vigil {

nlohmann::json toJson(const Series &s)
{
	nlohmann::json j = {
		{"name", s.name},   {"type", seriesTypeName(s.type)},
		{"value", s.value}, {"tags", s.tags},
		{"host", s.host},   {"timestamp", s.timestamp},
	};
	if (s.interval > 0)
		j["interval"] = s.interval;
	return j;
}

nlohmann::json toJson(const ServiceCheck &c)
{
	return {
		{"name", c.name},	{"status", serviceStatusName(c.status)},
		{"tags", c.tags},	{"host", c.host},
		{"message", c.message}, {"timestamp", c.timestamp},
	};
}

nlohmann::json toJson(const Event &e)
{
	return {
		{"title", e.title},
		{"text", e.text},
		{"timestamp", e.timestamp},
		{"priority", e.priority},
		{"alert_type", e.alert_type},
		{"aggregation_key", e.aggregation_key},
		{"source_type_name", e.source_type_name},
		{"event_type", e.event_type},
		{"host", e.host},
		{"tags", e.tags},
	};
}

} // namespace vigil
