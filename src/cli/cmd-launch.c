/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate launch: start QEMU (7.2) with one x-pci-proxy-dev per --device, each served by
 * its own sandboxed pcigate server process, and wait for QEMU to exit.
 *
 * Setup (docs/serve.md, mpqemu §4, §5; QEMU 7.2 hw/remote/proxy.c): one socketpair per
 * device; QEMU gets its end as an inherited fd (FD_CLOEXEC cleared,
 * `-device x-pci-proxy-dev,fd=N`; not `socket=`, which the 7.2 docs wrongly name); guest
 * RAM is memfd-backed and shared
 * (`-object memory-backend-memfd,...,share=on -machine ...,memory-backend=...`) so that
 * SYNC_SYSMEM carries usable fds. Each device is opened and its mediator built before QEMU
 * starts, so a bad --device fails before anything runs. One server process per device:
 * a compromise through one socket reaches only that device, and each server has its own
 * seccomp sandbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pcigate/pcigate.h>

#include "cli.h"

#define MAX_DEVICES 8u
#define MAX_QEMU_ARGS 256u
/* one "-device x-pci-proxy-dev,id=..,fd=.." argument plus the device's own properties */
#define PROXY_ARG (sizeof(((struct pg_launch_dev *)0)->qemu) + 64u)

struct launch_opts {
	struct pg_serve_opts serve;            /* template; device is set per device */
	struct pg_launch_dev dev[MAX_DEVICES]; /* --device DEVICE,OPTS (launch-device.c) */
	unsigned ndevices;
	const char *qemu, *memory, *machine;
	bool no_memfd;
	unsigned timeout;                      /* seconds, 0: none */
	char **qemu_args;
	int nqemu_args;
};

static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

void pg_cmd_launch_usage(FILE *out)
{
	fputs("usage: pcigate launch --device DEVICE [--device DEVICE ...] [--profile P]\n"
	      "                      [--policy FILE] [--audit FILE] [--trace-backend FILE]\n"
	      "                      [--user NAME] [--syslog] [--verbose]\n"
	      "                      [--memory SIZE] [--machine TYPE] [--no-memfd]\n"
	      "                      [--qemu PATH] [--timeout SECONDS] -- QEMU-ARGS...\n"
	      "\n"
	      "Start qemu-system-x86_64 with one x-pci-proxy-dev per --device (at most 8), each\n"
	      "served by a sandboxed 'pcigate serve' process over a socketpair, and wait for\n"
	      "QEMU to exit. Guest RAM is memfd-backed and shared (--memory, default 512M;\n"
	      "--machine, default pc) unless --no-memfd. Server options as for 'pcigate serve'.\n"
	      "  --device DEVICE[,addr=DD[.F]][,multifunction=on][,rom=FILE|off]\n"
	      "                     the device's guest slot; rom=FILE shows FILE as its\n"
	      "                     expansion ROM (QEMU serves it), rom=off none (the\n"
	      "                     default: QEMU 7.2 cannot show the device's own ROM);\n"
	      "                     ',,' is a comma inside FILE\n"
	      "  --timeout SECONDS  kill QEMU after this long (exit status 124)\n"
	      "  -h, --help         show this help\n"
	      "exit status: QEMU's status when non-zero; else 1 if a server closed its\n"
	      "connection on an error (a device reset that failed, a bad message); 2 usage;\n"
	      "3 setup failed (a device or ROM file unusable); 124 timeout.\n", out);
}

static bool valid_size(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n > 0 && n <= 12 && (s[n] == 0 || (strchr("KMGkmg", s[n]) && s[n + 1] == 0));
}

enum { OPT_DEVICE = 0x200, OPT_QEMU, OPT_MEMORY, OPT_MACHINE, OPT_TIMEOUT, OPT_NO_MEMFD };

static int parse_own(int c, const char *v, struct launch_opts *o)
{
	char *end;
	int r;

	switch (c) {
	case OPT_NO_MEMFD: o->no_memfd = true; break;
	case OPT_QEMU: o->qemu = v; break;
	case OPT_MACHINE: o->machine = v; break;
	case OPT_DEVICE:
		if (o->ndevices >= MAX_DEVICES) {
			pg_cli_error("launch", "--device %s: at most %u devices", v, MAX_DEVICES);
			return -PG_EXIT_USAGE;
		}
		r = pg_launch_device_parse(v, &o->dev[o->ndevices]);
		if (r != 0)
			return -r;
		o->ndevices++;
		break;
	case OPT_MEMORY:
		if (!valid_size(v)) {
			pg_cli_error("launch", "--memory '%s': expected digits with K, M or G", v);
			return -PG_EXIT_USAGE;
		}
		o->memory = v;
		break;
	case OPT_TIMEOUT: {
		unsigned long t = strtoul(v, &end, 10);

		if (end == v || *end || t > 86400 || v[0] == '-') {
			pg_cli_error("launch", "--timeout '%s': expected seconds (0..86400)", v);
			return -PG_EXIT_USAGE;
		}
		o->timeout = (unsigned)t;
		break;
	}
	default:
		return 0;
	}
	return 1;
}

/* QEMU options launch sets itself: given again after '--' they would fight its memory
 * setup (QEMU keeps the last -m, which then disagrees with the memfd backend's size, or
 * takes a second RAM backend) or replace its machine, so each is refused with the pcigate
 * option that does the job. Returns 0 or PG_EXIT_USAGE. */
static int check_owned(const struct launch_opts *o)
{
	static const struct { const char *opt, *hint; bool memfd; } owned[] = {
		{ "-m", "use --memory SIZE", true },
		{ "-machine", "use --machine TYPE", false },
		{ "-M", "use --machine TYPE", false },
	};

	for (int k = 0; k < o->nqemu_args; k++) {
		const char *a = o->qemu_args[k];

		if (a[0] == '-' && a[1] == '-')
			a++; /* QEMU accepts --m as -m */
		for (size_t j = 0; j < sizeof(owned) / sizeof(owned[0]); j++)
			if (!strcmp(a, owned[j].opt) && !(owned[j].memfd && o->no_memfd)) {
				pg_cli_error("launch", "QEMU option '%s' after '--': launch sets it "
					   "(guest RAM is a shared memfd); %s", o->qemu_args[k],
					   owned[j].hint);
				return PG_EXIT_USAGE;
			}
		if (!o->no_memfd && !strcmp(a, "-object") && k + 1 < o->nqemu_args &&
		    !strncmp(o->qemu_args[k + 1], "memory-backend", 14)) {
			pg_cli_error("launch", "QEMU option '-object %s' after '--': launch sets up "
				   "guest RAM (use --memory SIZE, or --no-memfd to set up your own "
				   "shared memory backend)", o->qemu_args[k + 1]);
			return PG_EXIT_USAGE;
		}
	}
	return 0;
}

/* "+": options end at the first operand; everything after "--" is QEMU's. The server
 * options (--device excepted, one per device) are serve's (pg_serve_opt()). */
static int parse_launch(int argc, char **argv, struct launch_opts *o)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, OPT_DEVICE },
		{ "qemu", required_argument, NULL, OPT_QEMU },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "machine", required_argument, NULL, OPT_MACHINE },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "no-memfd", no_argument, NULL, OPT_NO_MEMFD },
		PG_SERVE_LONGOPTS, PG_CLI_OPT_HELP, { 0 }
	};
	static const struct pg_cli_parser parser = { "launch", "+:hv", longopts,
						     pg_cmd_launch_usage };
	int c, r;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP || c == PG_OPT_BAD)
			return c == PG_OPT_HELP ? -1 : PG_EXIT_USAGE;
		r = parse_own(c, optarg, o);
		if (r == 0)
			r = pg_serve_opt("launch", c, optarg, &o->serve);
		if (r < 0)
			return -r;
	}
	if (optind < argc && strcmp(argv[optind - 1], "--")) {
		pg_cli_error("launch", "unexpected argument '%s' (QEMU arguments go after '--')",
			     argv[optind]);
		return PG_EXIT_USAGE;
	}
	if (o->ndevices == 0) {
		pg_cli_error("launch", "at least one --device is required");
		return PG_EXIT_USAGE;
	}
	o->qemu_args = argv + optind;
	o->nqemu_args = argc - optind;
	return check_owned(o);
}

/* QEMU's argv: the binary, memory setup, one proxy device per socket, then the user's. */
static int build_qemu_argv(const struct launch_opts *o, const int *qfd, char **av,
			   char bufs[][PROXY_ARG], char *mach, char *mem)
{
	unsigned n = 0;

	av[n++] = (char *)(uintptr_t)o->qemu;
	if (!o->no_memfd) {
		snprintf(mach, 96, "%s,memory-backend=pcigate-mem", o->machine);
		snprintf(mem, 96, "memory-backend-memfd,id=pcigate-mem,size=%s,share=on",
			 o->memory);
		av[n++] = "-machine";
		av[n++] = mach;
		av[n++] = "-object";
		av[n++] = mem;
		av[n++] = "-m";
		av[n++] = (char *)(uintptr_t)o->memory;
	} else {
		av[n++] = "-machine";
		av[n++] = (char *)(uintptr_t)o->machine;
	}
	for (unsigned d = 0; d < o->ndevices; d++) {
		snprintf(bufs[d], PROXY_ARG, "x-pci-proxy-dev,id=pcigate%u,fd=%d%s", d, qfd[d],
			 o->dev[d].qemu);
		av[n++] = "-device";
		av[n++] = bufs[d];
	}
	if (o->nqemu_args > (int)(MAX_QEMU_ARGS - n - 1)) {
		pg_cli_error("launch", "too many QEMU arguments (%d)", o->nqemu_args);
		return -E2BIG;
	}
	for (int k = 0; k < o->nqemu_args; k++)
		av[n++] = o->qemu_args[k];
	av[n] = NULL;
	return 0;
}

static pid_t spawn_qemu(const struct launch_opts *o, int sp[][2])
{
	char bufs[MAX_DEVICES][PROXY_ARG], mach[96], mem[96];
	char *av[MAX_QEMU_ARGS];
	int qfd[MAX_DEVICES];
	pid_t pid;

	for (unsigned d = 0; d < o->ndevices; d++)
		qfd[d] = sp[d][1];
	if (build_qemu_argv(o, qfd, av, bufs, mach, mem) < 0)
		return -1;
	if (o->serve.verbose) {
		fputs("pcigate: launch:", stderr);
		for (unsigned k = 0; av[k]; k++)
			fprintf(stderr, " %s", av[k]);
		fputc('\n', stderr);
	}
	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;
	/* Child: QEMU must not outlive the launcher; it inherits exactly its socket ends. */
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	for (unsigned d = 0; d < o->ndevices; d++) {
		(void)close(sp[d][0]);
		if (fcntl(sp[d][1], F_SETFD, 0) < 0)
			_exit(127);
	}
	execvp(o->qemu, av);
	pg_cli_error("launch", "cannot run %s: %s", o->qemu, strerror(errno));
	_exit(127);
}

static pid_t spawn_server(struct pg_cli_server *srv, unsigned idx, unsigned n, int sp[][2])
{
	int rc;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid != 0)
		return pid;
	(void)prctl(PR_SET_PDEATHSIG, SIGTERM);
	/* Keep only this device and its socket end. */
	for (unsigned d = 0; d < n; d++) {
		if (d != idx) {
			pg_cli_server_close(&srv[d]);
			(void)close(sp[d][0]);
		}
		(void)close(sp[d][1]);
	}
	rc = pg_cli_server_run(&srv[idx], sp[idx][0], false);
	pg_cli_server_close(&srv[idx]);
	exit(rc);
}

static int status_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * A server killed by a signal (SIGKILL cannot be caught) could not quiesce its device. For
 * a vfio:BDF device the launcher still holds the device, container and group (opened
 * before the fork), so it does it: interrupts off, Bus Master off, reset, and every DMA
 * mapping of the container removed, including the dead server's.
 */
static void quiesce_dead(const struct launch_opts *o, struct pg_cli_server *srv, unsigned d,
			 int st)
{
	int rc;

	if (!WIFSIGNALED(st))
		return;
	rc = pg_serve_quiesce_orphan(srv->s);
	if (rc == -EOPNOTSUPP)
		return; /* nothing shared with the dead server (model, read-only sysfs) */
	if (rc < 0)
		pg_cli_error("launch", "server for %s was killed by signal %d; quiescing the "
			     "device failed: %s", o->dev[d].device, WTERMSIG(st), strerror(-rc));
	else
		pg_cli_error("launch", "server for %s was killed by signal %d; device quiesced "
			     "(%s)", o->dev[d].device, WTERMSIG(st),
			     pg_serve_quiesced_how(true, rc));
}

/* Wait for QEMU and every server; kill QEMU when the timeout fires. */
static int wait_all(const struct launch_opts *o, pid_t qemu, const pid_t *servers,
		    struct pg_cli_server *srv)
{
	unsigned left = o->ndevices + 1;
	int qemu_rc = 0, server_rc = 0;

	while (left) {
		int st;
		pid_t p = waitpid(-1, &st, 0);

		if (p < 0 && errno == EINTR) {
			if (timed_out == 1) {
				fprintf(stderr,
					"pcigate: launch: error: QEMU killed after the %u s timeout\n",
					o->timeout);
				(void)kill(qemu, SIGKILL);
				timed_out = 2;
			}
			continue;
		}
		if (p < 0)
			break;
		left--;
		if (p == qemu) {
			qemu_rc = status_code(st);
			continue;
		}
		for (unsigned d = 0; d < o->ndevices; d++)
			if (servers[d] == p)
				quiesce_dead(o, &srv[d], d, st);
		for (unsigned d = 0; d < o->ndevices; d++)
			if (servers[d] == p && status_code(st) != 0) {
				pg_cli_error("launch", "server for %s exited with %d",
					o->dev[d].device, status_code(st));
				server_rc = PG_EXIT_FINDING;
			}
	}
	if (timed_out)
		return 124;
	return qemu_rc ? qemu_rc : server_rc;
}

static int run(struct launch_opts *o, struct pg_cli_server *srv)
{
	int sp[MAX_DEVICES][2];
	pid_t servers[MAX_DEVICES], qemu;
	unsigned d;

	for (d = 0; d < o->ndevices; d++) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp[d]) < 0) {
			pg_cli_error("launch", "socketpair: %s", strerror(errno));
			while (d--)
				(void)close(sp[d][0]), (void)close(sp[d][1]);
			return PG_EXIT_INPUT;
		}
	}
	qemu = spawn_qemu(o, sp);
	for (d = 0; d < o->ndevices && qemu > 0; d++)
		servers[d] = spawn_server(srv, d, o->ndevices, sp);
	for (d = 0; d < o->ndevices; d++)
		(void)close(sp[d][0]), (void)close(sp[d][1]);
	if (qemu < 0) {
		pg_cli_error("launch", "cannot start QEMU: %s", strerror(errno));
		return PG_EXIT_INPUT;
	}
	if (o->timeout) {
		struct sigaction sa = { .sa_handler = on_alarm };

		(void)sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: waitpid returns EINTR */
		alarm(o->timeout);
	}
	return wait_all(o, qemu, servers, srv);
}

int pg_cmd_launch(int argc, char **argv)
{
	struct launch_opts o = { .serve = { .cmd = "launch", .profile = PG_PROFILE_GUEST },
				 .qemu = "qemu-system-x86_64", .memory = "512M",
				 .machine = "pc" };
	struct pg_serve_opts sopts[MAX_DEVICES];
	struct pg_cli_server srv[MAX_DEVICES];
	unsigned d, opened = 0;
	int rc;

	rc = parse_launch(argc, argv, &o);
	if (rc)
		return rc < 0 ? PG_EXIT_OK : rc; /* -1: --help printed */
	for (d = 0; d < o.ndevices; d++) {
		sopts[d] = o.serve;
		sopts[d].device = o.dev[d].device;
		sopts[d].rom_size = o.dev[d].rom_size;
		if (pg_cli_server_open(&sopts[d], &srv[d]) < 0) {
			rc = PG_EXIT_INPUT;
			goto out;
		}
		opened++;
	}
	rc = run(&o, srv);
out:
	for (d = 0; d < opened; d++)
		pg_cli_server_close(&srv[d]);
	return rc;
}
