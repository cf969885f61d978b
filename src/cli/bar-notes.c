/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BAR sizes in messages: the compact size form shared with dump annotations ("16K"), and
 * the warning a modelled device prints when its dump did not give BAR sizes and the model
 * had to guess (pg_backend_model_guesses()): a size invented silently would make a guest
 * see a BAR the hardware does not have, or hide one it has.
 */
#include <stdio.h>
#include <string.h>

#include <pcigate/backend.h>

#include "cli.h"

const char *pg_cli_size(uint64_t size, char *buf, size_t n)
{
	static const char units[] = "KMG";
	unsigned u = 0;

	while (size && size % 1024 == 0 && u < sizeof(units) - 1) {
		size /= 1024;
		u++;
	}
	if (u)
		snprintf(buf, n, "%llu%c", (unsigned long long)size, units[u - 1]);
	else
		snprintf(buf, n, "%llu", (unsigned long long)size);
	return buf;
}

const char *pg_cli_bar_key(unsigned i, char *buf, size_t n)
{
	if (i == PG_CFG_ROM_BAR)
		snprintf(buf, n, "rom");
	else
		snprintf(buf, n, "bar%u", i);
	return buf;
}

static void put_bar_name(char *line, size_t cap, unsigned i)
{
	size_t used = strlen(line);

	if (i == PG_CFG_ROM_BAR)
		snprintf(line + used, cap - used, "%sROM", used ? ", " : "");
	else
		snprintf(line + used, cap - used, "%sBAR%u", used ? ", " : "", i);
}

void pg_cli_warn_guesses(const char *cmd, const char *device, const struct pg_backend *be)
{
	struct pg_model_guesses g;
	char guessed[256] = "", absent[64] = "", sz[32], key[8];

	if (pg_backend_model_guesses(be, &g) < 0 || (!g.guessed && !g.absent))
		return;
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		size_t used = strlen(guessed);

		if (g.guessed & (1u << i))
			snprintf(guessed + used, sizeof(guessed) - used, "%s%s=%s", used ? " " : "",
				 pg_cli_bar_key(i, key, sizeof(key)),
				 pg_cli_size(g.size[i], sz, sizeof(sz)));
		if (g.absent & (1u << i))
			put_bar_name(absent, sizeof(absent), i);
	}
	fprintf(stderr, "pcigate %s: warning: %s: BAR sizes missing from the dump", cmd, device);
	if (g.guessed)
		fprintf(stderr, "; guessed %s", guessed);
	if (g.absent)
		fprintf(stderr, "; %s read%s 0, taken as not implemented", absent,
			strchr(absent, ',') ? "" : "s");
	fputs(" (sizes come from '# pcigate: barN=SIZE' lines, lspci -vvv Region lines, or "
	      "`pcigate dump BDF`)\n", stderr);
}
