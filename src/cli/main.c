/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate: entry point and subcommand table. Each row is {name, fn, usage, help}; adding a
 * subcommand is adding a row and a cmd-<verb>.c file.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <pcigate/pcigate.h>

#include "cli.h"

static int cmd_help(int argc, char **argv);
static void help_usage(FILE *out);

static const struct pg_cli_cmd commands[] = {
	{ "inspect", pg_cmd_inspect, pg_cmd_inspect_usage,
	  "report what makes PCI devices risky to pass through to a VM" },
	{ "dump", pg_cmd_dump, pg_cmd_dump_usage,
	  "print a live device's config space and BAR sizes as a dump inspect/view read back" },
	{ "policy", pg_cmd_policy, pg_cmd_policy_usage,
	  "check policy files, or show which entry applies to a device" },
	{ "serve", pg_cmd_serve, pg_cmd_serve_usage,
	  "serve a mediated device to QEMU's x-pci-proxy-dev over a socket" },
	{ "launch", pg_cmd_launch, pg_cmd_launch_usage,
	  "start QEMU with mediated devices served by pcigate" },
	{ "view", pg_cmd_view, pg_cmd_view_usage,
	  "print the config space a guest sees through the mediator (lspci -x format)" },
	{ "session", pg_cmd_session, pg_cmd_session_usage,
	  "run guest config accesses from stdin through the mediator and show the results" },
	{ "assign", pg_cmd_assign, pg_cmd_assign_usage,
	  "bind a device to vfio-pci (refusing bridges and non-viable IOMMU groups)" },
	{ "release", pg_cmd_release, pg_cmd_assign_usage,
	  "give a device bound to vfio-pci back to the host's drivers" },
	{ "guard", pg_cmd_guard, pg_cmd_guard_usage,
	  "quarantine hot-plugged PCI devices and authorize them by rules" },
	{ "virtio-blk", pg_cmd_virtio_blk, pg_cmd_virtio_blk_usage,
	  "block I/O through hardened virtio rings to a vhost-user-blk back end" },
	{ "help", cmd_help, help_usage, "show the commands, or the usage of one command" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct pg_cli_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static void help_usage(FILE *out)
{
	fputs("usage: pcigate help [COMMAND]\n", out);
}

static void main_usage(FILE *out)
{
	fputs("usage: pcigate [--version | --help] COMMAND [ARGS...]\n\ncommands:\n", out);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].help);
	fputs("\nexit status: 0 success; 1 the check failed (inspect: a finding at or above\n"
	      "--fail-on; policy: an invalid file); 2 usage error; 3 an input could not be\n"
	      "read. See pcigate(1).\n", out);
}

static int cmd_help(int argc, char **argv)
{
	const struct pg_cli_cmd *c;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		help_usage(stdout);
		return PG_EXIT_OK;
	}
	if (argc > 2) {
		pg_cli_error("help", "unexpected argument '%s'", argv[2]);
		return PG_EXIT_USAGE;
	}
	if (argc < 2) {
		main_usage(stdout);
		return PG_EXIT_OK;
	}
	c = find_command(argv[1]);
	if (!c) {
		pg_cli_error("help", "unknown command '%s' (see 'pcigate help')", argv[1]);
		return PG_EXIT_USAGE;
	}
	c->usage(stdout);
	return PG_EXIT_OK;
}

int main(int argc, char **argv)
{
	const struct pg_cli_cmd *c;

	if (argc < 2) {
		pg_cli_error(NULL, "no command given (see 'pcigate help')");
		return PG_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("pcigate %s\n", pg_version());
		return PG_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		main_usage(stdout);
		return PG_EXIT_OK;
	}
	if (argv[1][0] == '-') {
		pg_cli_error(NULL, "unknown option '%s' (see 'pcigate help')", argv[1]);
		return PG_EXIT_USAGE;
	}
	c = find_command(argv[1]);
	if (!c) {
		pg_cli_error(NULL, "unknown command '%s' (see 'pcigate help')", argv[1]);
		return PG_EXIT_USAGE;
	}
	return c->fn(argc - 1, argv + 1);
}
