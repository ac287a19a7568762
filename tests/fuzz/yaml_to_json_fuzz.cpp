// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for reading a configuration file's text: YAML text to one
// document (parseYamlDocument(), core/src/config/file.hpp) and that document
// to JSON (YamlToJson, core/src/config/yaml_to_json.hpp), with the typed
// views check_config.cpp applies to the top level.  Whatever the text, each
// step either succeeds or throws ConfigError; any other exception, a crash,
// a sanitizer report or a hang is a bug.  yaml-cpp itself is the system's
// library, uninstrumented: the coverage that guides the fuzzer is Vigil's
// code and yaml-cpp's node templates.
#include "config/error.hpp"
#include "config/file.hpp"
#include "config/yaml_to_json.hpp"
#include "seed_corpus.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

const std::string file_name = "conf.d/fuzz.yaml";

// What check_config.cpp asks of a value before converting it.
void inspect(const YAML::Node &key, const YAML::Node &value)
{
	(void)vigil::yamlValueLine(key, value);
	(void)vigil::describeYaml(value);
	(void)vigil::yamlString(value);
	(void)vigil::yamlNumber(value);
	(void)vigil::yamlInteger(value);
}

} // namespace

namespace vigil::fuzz {

// Besides these, meson.build passes the YAML files of tests/data/conf.
void writeSeeds(const SeedWriter &seeds)
{
	seeds.add("check.yaml", "init_config:\n"
				"  url: http://localhost:8080/status\n"
				"instances:\n"
				"  - name: first\n"
				"    min_collection_interval: 15\n"
				"    timeout: 2.5\n"
				"    tags: [env:prod, 'team:db', \"quoted\"]\n"
				"    isolation: process\n"
				"  -\n"
				"  - {name: second, tags: []}\n");
	seeds.add("scalars.yaml", "ints: [0, -1, +7, 0o17, 0x1F, 9223372036854775808, "
				  "-9223372036854775809, 18446744073709551616]\n"
				  "floats: [1.5, -.5, 1e3, 1E-400, 1e400, .inf, -.Inf, .nan]\n"
				  "bools: [true, False, TRUE]\n"
				  "nulls: [~, null, Null, ]\n"
				  "strings: [!!str 12, '12', \"1\\u00e9\", |\n    block\n  , >\n"
				  "    folded\n  , 0x, 0o8, 1e, .]\n");
	seeds.add("anchors.yaml", "base: &base {a: 1, b: [x, y]}\n"
				  "copy: *base\n"
				  "merged: {<<: *base, c: 3}\n"
				  "list: &l [*base, *base]\n"
				  "twice: [*l, *l]\n");
	seeds.add("duplicate.yaml", "a: 1\nb: {c: 2}\na: 3\n");
	seeds.add("complex_key.yaml", "? [complex, key]\n: value\n");
	seeds.add("nested.yaml", "deep: [[[[[[[[[[{a: [b]}]]]]]]]]]]\n");
	seeds.add("cycle.yaml", "cycle: &c [*c]\n");
	seeds.add("documents.yaml", "---\nfirst: 1\n...\n---\nsecond: 2\n");
	seeds.add("flow.yaml", "{\"json\": [1, 2.0, \"three\", null, true, {\"k\": \"v\"}]}\n");
	seeds.add("tags.yaml", "%YAML 1.2\n%TAG !e! tag:example.com,2000:\n---\n"
			       "a: !e!thing x\nb: !!int '3'\nc: !local {x: 1}\n"
			       "d: !!binary aGVsbG8=\n");
}

} // namespace vigil::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const std::string text(reinterpret_cast<const char *>(data), size);
	try {
		const YAML::Node root = vigil::parseYamlDocument(text, file_name);
		if (root.IsMap()) {
			for (const auto &entry : root) {
				(void)vigil::describeYaml(entry.first);
				inspect(entry.first, entry.second);
			}
		} else if (root.IsSequence()) {
			for (const YAML::Node &item : root)
				inspect(root, item);
		} else {
			inspect(root, root);
		}
		// One converter per file, as check_config.cpp: the limits cover
		// everything converted from it.
		vigil::YamlToJson converter(file_name);
		const nlohmann::json json = converter.convert(root, "instances[0]");
		// What a check receives is dumped again (invalid UTF-8 replaced,
		// as the agent's own messages do).
		(void)json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
	} catch (const vigil::ConfigError &e) {
		if (e.what()[0] == '\0')
			std::abort(); // an error must say something
	}
	return 0;
}
