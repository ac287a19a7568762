#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a fuzz target's seed corpus from files this build produced.

usage: make_seed_corpus.py OUTPUT_DIR STRIP_PROGRAM_OR_EMPTY FILE...

Each FILE goes into OUTPUT_DIR under its own name, through `strip
--strip-debug` when a strip program is given: debug sections are most of a
built plugin, and the ELF pre-check never reads them.  The folder is
rewritten from scratch, so a corpus never keeps seeds of an older build;
the fuzzer's own discoveries belong in another folder (tests/fuzz/README.md).
"""
import os
import shutil
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, strip, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    for path in files:
        target = os.path.join(out, os.path.basename(path))
        if strip:
            subprocess.run([strip, "--strip-debug", "-o", target, path], check=True)
        else:
            shutil.copyfile(path, target)


if __name__ == "__main__":
    main()
