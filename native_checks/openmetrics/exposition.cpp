// SPDX-License-Identifier: Apache-2.0
#include "exposition.hpp"

#include "sample_line.hpp"

#include <cstring>

namespace vigil::openmetrics {

namespace {

FamilyType typeFromWord(std::string_view word, bool &known)
{
	known = true;
	if (word == "counter")
		return FamilyType::Counter;
	if (word == "gauge")
		return FamilyType::Gauge;
	if (word == "histogram")
		return FamilyType::Histogram;
	if (word == "summary")
		return FamilyType::Summary;
	if (word == "untyped" || word == "unknown")
		return FamilyType::Unknown;
	if (word == "gaugehistogram")
		return FamilyType::GaugeHistogram;
	if (word == "info")
		return FamilyType::Info;
	if (word == "stateset")
		return FamilyType::StateSet;
	known = false;
	return FamilyType::Unknown;
}

// Whether a sample named family + `suffix` belongs to a family of `type`,
// and as what.  Both formats' suffixes are accepted for every type that has
// them (a text-format counter's samples carry no suffix, an OpenMetrics one's
// `_total`).
bool roleOf(FamilyType type, std::string_view suffix, SampleRole &role)
{
	auto is = [&](std::string_view s, SampleRole r) {
		if (suffix != s)
			return false;
		role = r;
		return true;
	};
	switch (type) {
	case FamilyType::Counter:
		return is("", SampleRole::Value) || is("_total", SampleRole::Total) ||
		       is("_created", SampleRole::Created);
	case FamilyType::Histogram:
		return is("_bucket", SampleRole::Bucket) || is("_sum", SampleRole::Sum) ||
		       is("_count", SampleRole::Count) || is("_created", SampleRole::Created);
	case FamilyType::GaugeHistogram:
		return is("_bucket", SampleRole::Bucket) || is("_gsum", SampleRole::GSum) ||
		       is("_gcount", SampleRole::GCount);
	case FamilyType::Summary:
		return is("", SampleRole::Value) || is("_sum", SampleRole::Sum) ||
		       is("_count", SampleRole::Count) || is("_created", SampleRole::Created);
	case FamilyType::Info:
		return is("_info", SampleRole::Info) || is("", SampleRole::Value);
	case FamilyType::Gauge:
	case FamilyType::StateSet:
	case FamilyType::Unknown:
		return is("", SampleRole::Value);
	}
	return false;
}

// One exposition's lines, in order: comments open families, samples join
// the open family when their name is its name plus a suffix its type has,
// and otherwise open an untyped family of their own (as both Prometheus
// client libraries' parsers do).
class Parser {
public:
	explicit Parser(Exposition &out) : out_(out) {}

	void line(std::string_view text, size_t number)
	{
		number_ = number;
		if (out_.eof)
			return bad(text, "text after # EOF");
		if (text[0] == '#')
			return comment(text);
		SampleLine sample;
		const size_t first_label = out_.labels.size();
		if (const char *reason = readSampleLine(text, sample, out_.labels, names_))
			return bad(text, reason);
		add(sample, first_label);
	}

private:
	void bad(std::string_view text, const char *reason)
	{
		if (out_.malformed++ == 0) {
			out_.first_malformed_line = number_;
			out_.first_malformed = text;
			out_.first_malformed_reason = reason;
		}
	}

	Family *current() { return out_.families.empty() ? nullptr : &out_.families.back(); }

	void startFamily(std::string_view name, FamilyType type)
	{
		out_.families.push_back(
			{name, type, static_cast<uint32_t>(out_.samples.size()), 0});
	}

	// `# HELP`, `# TYPE`, `# UNIT`, `# EOF`; any other comment is ignored.
	void comment(std::string_view text)
	{
		std::string_view rest = text.substr(1);
		if (rest.empty() || !isBlank(rest[0]))
			return;
		rest = trimBlanks(rest);
		const std::string_view keyword = nextWord(rest);
		if (keyword == "EOF") {
			if (!rest.empty())
				return bad(text, "text after # EOF");
			out_.eof = true;
			return;
		}
		if (keyword != "HELP" && keyword != "TYPE" && keyword != "UNIT")
			return;
		const std::string_view name = nextWord(rest);
		if (!isMetricName(name))
			return bad(text, "invalid metric name");
		Family *f = current();
		if (keyword == "TYPE") {
			bool known = false;
			const FamilyType type = typeFromWord(nextWord(rest), known);
			if (!known || !rest.empty())
				return bad(text, "invalid # TYPE");
			// HELP (or UNIT) first, then TYPE, of one family.
			if (f && f->name == name && f->sample_count == 0)
				f->type = type;
			else
				startFamily(name, type);
			return;
		}
		if (!f || f->name != name)
			startFamily(name, FamilyType::Unknown);
	}

	void add(const SampleLine &sample, size_t first_label)
	{
		SampleRole role = SampleRole::Value;
		Family *f = current();
		if (!f || !sample.name.starts_with(f->name) ||
		    !roleOf(f->type, sample.name.substr(f->name.size()), role)) {
			startFamily(sample.name, FamilyType::Unknown);
			f = current();
			role = SampleRole::Value;
		}
		out_.samples.push_back(
			{sample.name, sample.value, static_cast<uint32_t>(first_label),
			 static_cast<uint32_t>(out_.labels.size() - first_label), role});
		++f->sample_count;
	}

	Exposition &out_;
	size_t number_ = 0;
	std::vector<std::string_view> names_;
};

} // namespace

void Exposition::clear()
{
	families.clear();
	samples.clear();
	labels.clear();
	lines = 0;
	malformed = 0;
	first_malformed_line = 0;
	first_malformed = {};
	first_malformed_reason = "";
	eof = false;
}

void Exposition::trim(std::size_t max_samples)
{
	if (samples.capacity() <= max_samples)
		return;
	families = {};
	samples = {};
	labels = {};
}

void parseExposition(std::string_view body, Exposition &out, const LineFilter &skip_line)
{
	out.clear();
	Parser parser(out);
	size_t pos = 0;
	while (pos < body.size()) {
		const void *nl = std::memchr(body.data() + pos, '\n', body.size() - pos);
		const size_t end = nl ? static_cast<const char *>(nl) - body.data() : body.size();
		std::string_view text = body.substr(pos, end - pos);
		pos = end + 1;
		++out.lines;
		if (!text.empty() && text.back() == '\r')
			text.remove_suffix(1);
		text = trimBlanks(text);
		if (text.empty() || (skip_line && skip_line(text)))
			continue;
		parser.line(text, out.lines);
	}
}

std::string_view labelValue(const Label &label, std::string &scratch)
{
	if (!label.escaped)
		return label.raw_value;
	scratch.clear();
	const std::string_view raw = label.raw_value;
	for (size_t i = 0; i < raw.size(); ++i) {
		const char c = raw[i];
		if (c == '\\' && i + 1 < raw.size()) {
			const char next = raw[i + 1];
			if (next == '\\' || next == '"' || next == 'n') {
				scratch += next == 'n' ? '\n' : next;
				++i;
				continue;
			}
		}
		scratch += c;
	}
	return scratch;
}

std::string_view familyTypeName(FamilyType type)
{
	switch (type) {
	case FamilyType::Unknown:
		return "unknown";
	case FamilyType::Counter:
		return "counter";
	case FamilyType::Gauge:
		return "gauge";
	case FamilyType::Histogram:
		return "histogram";
	case FamilyType::GaugeHistogram:
		return "gaugehistogram";
	case FamilyType::Summary:
		return "summary";
	case FamilyType::Info:
		return "info";
	case FamilyType::StateSet:
		return "stateset";
	}
	return "unknown";
}

} // namespace vigil::openmetrics
