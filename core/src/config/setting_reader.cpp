// SPDX-License-Identifier: Apache-2.0
#include "config/setting_reader.hpp"

#include <cmath>

namespace vigil {

SettingReader::SettingReader(const std::string &file, std::filesystem::path base,
			     std::vector<std::string> *warnings)
    : file_(file), base_(std::move(base)), warnings_(warnings)
{
}

std::string SettingReader::string(const Setting &s)
{
	auto v = yamlString(s.value);
	if (!v)
		fail(s, "must be a string, got " + describeYaml(s.value));
	return *v;
}

std::filesystem::path SettingReader::path(const Setting &s)
{
	auto v = yamlString(s.value);
	if (!v || v->empty())
		fail(s, "must be a path, got " + describeYaml(s.value));
	std::filesystem::path p(*v);
	return p.is_absolute() ? p.lexically_normal() : (base_ / p).lexically_normal();
}

double SettingReader::positive(const Setting &s)
{
	auto v = yamlNumber(s.value);
	if (!v || !std::isfinite(*v) || *v <= 0)
		fail(s, "must be a number > 0, got " + describeYaml(s.value));
	return *v;
}

size_t SettingReader::count(const Setting &s, long long max)
{
	auto v = yamlInteger(s.value);
	if (!v || *v < 1 || *v > max)
		fail(s, "must be an integer from 1 to " + std::to_string(max) + ", got " +
				describeYaml(s.value));
	return size_t(*v);
}

void SettingReader::fail(int line, const std::string &field, const std::string &what) const
{
	throw ConfigError(configMessage(file_, line, field, what));
}

void SettingReader::fail(const Setting &s, const std::string &what) const
{
	fail(s.line(), s.field, what);
}

void SettingReader::warn(int line, const std::string &field, const std::string &what) const
{
	if (warnings_)
		warnings_->push_back(configMessage(file_, line, field, what));
}

void SettingReader::warnUnknown(const Setting &s) const
{
	warn(yamlLine(s.key), s.field, "unknown key, ignoring");
}

} // namespace vigil
