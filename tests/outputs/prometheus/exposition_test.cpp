// SPDX-License-Identifier: Apache-2.0
#include "outputs/prometheus/exposition.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <sstream>

using namespace vigil;

namespace {

PromSample sample(std::string name, double value, std::vector<PromLabel> labels = {},
		  PromType type = PromType::Gauge)
{
	PromSample s;
	s.name = std::move(name);
	s.type = type;
	s.labels = std::move(labels);
	s.value = value;
	return s;
}

std::vector<std::string> lines(const std::string &text)
{
	std::vector<std::string> out;
	std::istringstream in(text);
	for (std::string line; std::getline(in, line);)
		out.push_back(line);
	return out;
}

// The metric name of a sample line ("x{...} 1" or "x 1").
std::string nameOf(const std::string &line)
{
	return line.substr(0, line.find_first_of("{ "));
}

} // namespace

TEST(PrometheusExposition, DuplicateSeriesKeepTheLaterSample)
{
	std::vector<PromSample> in{sample("a", 1, {{"x", "1"}}), sample("b", 5),
				   sample("a", 2, {{"x", "1"}}), sample("a", 3, {{"x", "2"}})};
	ExpositionStats stats;
	std::string text = renderExposition(in, &stats);
	EXPECT_EQ(text, "# HELP a Vigil metric a\n# TYPE a gauge\n"
			"a{x=\"1\"} 2\na{x=\"2\"} 3\n"
			"# HELP b Vigil metric b\n# TYPE b gauge\nb 5\n");
	EXPECT_EQ(stats.duplicates, 1u);
	EXPECT_EQ(stats.series, 3u);
	EXPECT_EQ(stats.families, 2u);
}

TEST(PrometheusExposition, FamiliesAreContiguousWithOneHelpAndType)
{
	std::vector<PromSample> in;
	// Interleaved input: families must still come out in one block each.
	for (int i = 0; i < 50; ++i) {
		in.push_back(sample("fam_" + std::to_string(i % 7), i, {{"i", std::to_string(i)}}));
		in.push_back(sample("count_" + std::to_string(i % 3) + "_total", i,
				    {{"i", std::to_string(i)}}, PromType::Counter));
	}
	std::string text = renderExposition(in);
	std::map<std::string, int> help, type;
	std::set<std::string> closed;
	std::string current;
	std::set<std::string> seen_series;
	for (const std::string &line : lines(text)) {
		if (line.rfind("# HELP ", 0) == 0) {
			++help[nameOf(line.substr(7))];
			continue;
		}
		if (line.rfind("# TYPE ", 0) == 0) {
			++type[nameOf(line.substr(7))];
			continue;
		}
		std::string name = nameOf(line);
		if (name != current) {
			ASSERT_FALSE(closed.count(name)) << name << " split in two blocks";
			if (!current.empty())
				closed.insert(current);
			current = name;
		}
		EXPECT_TRUE(seen_series.insert(line.substr(0, line.rfind(' '))).second) << line;
	}
	EXPECT_EQ(help.size(), 10u);
	for (auto &[name, n] : help)
		EXPECT_EQ(n, 1) << name;
	for (auto &[name, n] : type)
		EXPECT_EQ(n, 1) << name;
	EXPECT_EQ(seen_series.size(), 100u);
	EXPECT_NE(text.find("# TYPE count_0_total counter\n"), std::string::npos);
}

TEST(PrometheusExposition, OrderIsStableWhateverTheInputOrder)
{
	std::vector<PromSample> a{sample("b", 1, {{"k", "2"}}), sample("a", 1),
				  sample("b", 1, {{"k", "1"}})};
	std::vector<PromSample> b{a[2], a[0], a[1]};
	EXPECT_EQ(renderExposition(a), renderExposition(b));
}

TEST(PrometheusExposition, LabelValuesEscapeBackslashQuoteAndNewline)
{
	std::vector<PromSample> in{
		sample("m", 1, {{"path", "C:\\dir\\\"q\"\nnext"}, {"plain", "a'b{c}=d,e"}})};
	in[0].help = "line\\one\ntwo \"quoted\"";
	std::string text = renderExposition(in);
	EXPECT_EQ(text, "# HELP m line\\\\one\\ntwo \"quoted\"\n# TYPE m gauge\n"
			"m{path=\"C:\\\\dir\\\\\\\"q\\\"\\nnext\",plain=\"a'b{c}=d,e\"} 1\n");
	// Exactly one physical line per sample.
	EXPECT_EQ(lines(text).size(), 3u);
}

TEST(PrometheusExposition, NonFiniteValuesUseTheFormatSpelling)
{
	std::vector<PromSample> in{sample("a", std::numeric_limits<double>::quiet_NaN()),
				   sample("b", std::numeric_limits<double>::infinity()),
				   sample("c", -std::numeric_limits<double>::infinity()),
				   sample("d", 0.1),
				   sample("e", 1e21),
				   sample("f", -3)};
	auto out = lines(renderExposition(in));
	ASSERT_EQ(out.size(), 18u);
	EXPECT_EQ(out[2], "a NaN");
	EXPECT_EQ(out[5], "b +Inf");
	EXPECT_EQ(out[8], "c -Inf");
	EXPECT_EQ(out[11], "d 0.1");
	EXPECT_EQ(std::stod(out[14].substr(2)), 1e21);
	EXPECT_EQ(out[17], "f -3");
}

TEST(PrometheusExposition, ATypeClashMakesACounterWhateverTheOrder)
{
	std::vector<PromSample> a{sample("x_total", 1, {{"k", "g"}}),
				  sample("x_total", 7, {{"k", "c"}}, PromType::Counter)};
	std::vector<PromSample> b{a[1], a[0]};
	ExpositionStats stats;
	std::string text = renderExposition(a, &stats);
	EXPECT_EQ(text, renderExposition(b));
	EXPECT_EQ(text, "# HELP x_total Vigil metric x_total\n# TYPE x_total counter\n"
			"x_total{k=\"c\"} 7\n");
	EXPECT_EQ(stats.type_conflicts, 1u);
}
