/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Writes a file that is nothing but an ELF header, for the pre-check fixtures
 * (another architecture, 32-bit, big-endian, executable, truncated).  The
 * loader must reject these from the header alone, so no code follows it, and
 * no binary has to be committed.  A build-machine tool: the caller passes the
 * numbers derived from the host machine, so cross builds get the right ones.
 *
 * usage: make_elf_header OUTPUT MACHINE CLASS DATA TYPE [LENGTH]
 *   CLASS 1 = 32-bit, 2 = 64-bit; DATA 1 = little, 2 = big endian;
 *   TYPE 2 = executable, 3 = shared object; LENGTH truncates the file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put16(unsigned char *p, unsigned v, int big)
{
	p[big ? 0 : 1] = (unsigned char)(v >> 8);
	p[big ? 1 : 0] = (unsigned char)v;
}

static void put32(unsigned char *p, unsigned long v, int big)
{
	for (int i = 0; i < 4; ++i)
		p[big ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

int main(int argc, char **argv)
{
	if (argc != 6 && argc != 7) {
		fprintf(stderr, "usage: %s OUTPUT MACHINE CLASS DATA TYPE [LENGTH]\n", argv[0]);
		return 2;
	}
	unsigned machine = (unsigned)strtoul(argv[2], NULL, 0);
	unsigned elf_class = (unsigned)strtoul(argv[3], NULL, 0);
	unsigned data = (unsigned)strtoul(argv[4], NULL, 0);
	unsigned type = (unsigned)strtoul(argv[5], NULL, 0);
	int big = data == 2;
	int is64 = elf_class == 2;
	size_t size = is64 ? 64 : 52;

	unsigned char h[64];
	memset(h, 0, sizeof(h));
	memcpy(h, "\177ELF", 4);
	h[4] = (unsigned char)elf_class;
	h[5] = (unsigned char)data;
	h[6] = 1; /* EV_CURRENT */
	put16(h + 16, type, big);
	put16(h + 18, machine, big);
	put32(h + 20, 1, big); /* e_version */
	/* e_ehsize; phentsize/shentsize stay 0: there are no tables. */
	put16(h + (is64 ? 52 : 40), (unsigned)size, big);

	if (argc == 7)
		size = (size_t)strtoul(argv[6], NULL, 0);

	FILE *out = fopen(argv[1], "wb");
	if (!out || fwrite(h, 1, size, out) != size || fclose(out) != 0) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
