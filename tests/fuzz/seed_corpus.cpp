// SPDX-License-Identifier: Apache-2.0
#include "seed_corpus.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <system_error>

namespace vigil::fuzz {

namespace {

constexpr std::string_view seeds_flag = "-vigil_seeds=";

[[noreturn]] void die(const std::string &what)
{
	std::fprintf(stderr, "seed corpus: %s\n", what.c_str());
	std::exit(1);
}

} // namespace

void SeedWriter::add(const std::string &name, std::string_view bytes) const
{
	std::ofstream out(dir_ / name, std::ios::binary | std::ios::trunc);
	out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
	out.close();
	if (!out)
		die("cannot write " + (dir_ / name).string());
}

} // namespace vigil::fuzz

// libFuzzer calls this before it parses its own flags, so `-vigil_seeds=`
// never reaches it.
extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	namespace fs = std::filesystem;
	if (*argc < 2 || std::strncmp((*argv)[1], vigil::fuzz::seeds_flag.data(),
				      vigil::fuzz::seeds_flag.size()) != 0)
		return 0;
	const fs::path dir = (*argv)[1] + vigil::fuzz::seeds_flag.size();
	try {
		// From scratch: a corpus never keeps the seeds of an older build
		// (the fuzzer's own discoveries belong in another folder).
		fs::remove_all(dir);
		fs::create_directories(dir);
		const vigil::fuzz::SeedWriter seeds(dir);
		vigil::fuzz::writeSeeds(seeds);
		for (int i = 2; i < *argc; ++i) {
			const fs::path file = (*argv)[i];
			fs::copy_file(file, dir / file.filename(),
				      fs::copy_options::overwrite_existing);
		}
	} catch (const std::exception &e) {
		vigil::fuzz::die(e.what());
	}
	std::exit(0);
}
