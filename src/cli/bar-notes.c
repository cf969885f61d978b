/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BAR sizes in messages: the dump annotation key of a BAR slot, and the warning a modelled
 * device prints when its dump did not give BAR sizes and the model
 * had to guess (pg_backend_model_guesses()): a size invented silently would make a guest
 * see a BAR the hardware does not have, or hide one it has.
 */
#include <stdio.h>
#include <string.h>

#include <pcigate/backend.h>

#include "cli.h"

const char *pg_cli_bar_key(unsigned i, char *buf, size_t n)
{
	if (i == PG_CFG_ROM_BAR)
		snprintf(buf, n, "rom");
	else
		snprintf(buf, n, "bar%u", i);
	return buf;
}

void pg_cli_warn_guesses(const char *cmd, const char *device, const struct pg_backend *be)
{
	char what[320];

	if (!pg_backend_model_guess_text(be, what, sizeof(what))[0])
		return;
	pg_cli_warn(cmd, "%s: BAR sizes missing from the dump; %s (sizes come from "
		    "'# pcigate: barN=SIZE' lines, lspci -vvv Region lines, or `pcigate dump "
		    "BDF`)", device, what);
}
