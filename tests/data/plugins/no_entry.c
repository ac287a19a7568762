/* SPDX-License-Identifier: Apache-2.0 */
/* A well-formed shared library that is not a Vigil plugin: no entry symbol. */
__attribute__((visibility("default"))) int fixture_not_a_plugin(int x)
{
	return x + 1;
}
