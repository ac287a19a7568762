// SPDX-License-Identifier: Apache-2.0
// Seeds that a fuzz target writes itself, with the encoder of the format it
// fuzzes: `NAME -vigil_seeds=DIR [FILE...]` (the NAME_corpus custom target
// of tests/fuzz/meson.build) empties DIR, calls the target's writeSeeds(),
// copies each FILE into DIR under its own name and exits before libFuzzer
// starts.  Without the flag the binary is an ordinary libFuzzer target.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace vigil::fuzz {

class SeedWriter {
public:
	explicit SeedWriter(std::filesystem::path dir) : dir_(std::move(dir)) {}

	// One seed named `name` (a plain file name) holding `bytes`.
	void add(const std::string &name, std::string_view bytes) const;

private:
	std::filesystem::path dir_;
};

// Defined by each target that links seed_corpus.cpp.
void writeSeeds(const SeedWriter &seeds);

} // namespace vigil::fuzz
