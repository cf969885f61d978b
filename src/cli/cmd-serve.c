/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate serve: serve one mediated device to QEMU 7.2's x-pci-proxy-dev over the mpqemu
 * socket (docs/serve.md, "The mpqemu protocol"; QEMU 7.2 hw/remote/proxy.c).
 *
 * Options only: the server (device, mediator, sandbox, signals, quiescing) is libpcigate's
 * serve module (include/pcigate/serve.h), which a VMM or a management hook can embed the
 * same way. What lives here: argument parsing, the output files (--audit,
 * --trace-backend), --socket's listening socket, messages and exit codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <pcigate/pcigate.h>

#include "cli.h"

/* Library messages: errors and warnings always, notices (stopping, quiesced) always,
 * details and the message summary with --verbose. */
static void serve_log(void *data, int level, const char *msg)
{
	const struct pg_cli_server *srv = data;

	if (level > LOG_NOTICE && !srv->verbose)
		return;
	if (srv->syslog) {
		/* the socket was opened before the sandbox (LOG_NDELAY): only send() here */
		syslog(level, "%s", msg);
		return;
	}
	if (level <= LOG_WARNING)
		(level <= LOG_ERR ? pg_cli_error : pg_cli_warn)(srv->cmd, "%s", msg);
	else
		fprintf(stderr, "pcigate: %s: %s\n", srv->cmd, msg);
}

/*
 * Open an output file for JSON Lines records (--audit, --trace-backend): appended to,
 * created 0600. Never blocks: a FIFO with no reader, or any other non-regular file, is
 * refused with a message instead of hanging start-up in open(2).
 */
static int open_records(const char *cmd, const char *opt, const char *path)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		      0600);

	if (fd < 0 && errno == ENXIO) {
		pg_cli_error(cmd, "%s %s: a FIFO with no reader (give a regular file)", opt, path);
		return -ENXIO;
	}
	if (fd < 0) {
		fd = -errno;
		pg_cli_error(cmd, "%s %s: %s", opt, path, strerror(errno));
		return fd;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		pg_cli_error(cmd, "%s %s: not a regular file", opt, path);
		(void)close(fd);
		return -EINVAL;
	}
	if (fcntl(fd, F_SETFL, O_WRONLY | O_APPEND) < 0) { /* writes may block from here on */
		fd = -errno;
		pg_cli_error(cmd, "%s %s: %s", opt, path, strerror(-fd));
		return fd;
	}
	return fd;
}

int pg_cli_server_open(const struct pg_serve_opts *o, struct pg_cli_server *srv)
{
	int rc;

	memset(srv, 0, sizeof(*srv));
	srv->audit_fd = srv->trace_fd = -1;
	srv->verbose = o->verbose;
	srv->syslog = o->syslog;
	srv->cmd = o->cmd ? o->cmd : "serve";
	/* connect now: the sandbox forbids socket() and connect() later */
	if (o->syslog)
		openlog(strcmp(srv->cmd, "launch") ? "pcigate-serve" : "pcigate-launch",
			LOG_PID | LOG_NDELAY, LOG_DAEMON);
	pg_serve_config_init(&srv->c);
	srv->c.device = o->device;
	srv->c.profile = o->profile;
	srv->c.policy = o->policy ? o->policy : pg_policy_default_dir();
	srv->c.sysfs_root = o->sysfs_root;
	srv->c.user = o->user;
	srv->c.no_sandbox = o->no_sandbox;
	srv->c.force = o->force;
	srv->c.rom_size = o->rom_size;
	srv->c.log = serve_log;
	srv->c.log_data = srv;
	/* audit records go to stderr unless --audit names a file */
	srv->c.audit_fd = STDERR_FILENO;
	if (o->audit) {
		srv->audit_fd = open_records(srv->cmd, "--audit", o->audit);
		if (srv->audit_fd < 0)
			return srv->audit_fd;
		srv->c.audit_fd = srv->audit_fd;
	}
	if (o->trace_backend) {
		srv->trace_fd = open_records(srv->cmd, "--trace-backend", o->trace_backend);
		if (srv->trace_fd < 0) {
			pg_cli_server_close(srv);
			return -EINVAL;
		}
		srv->c.trace_fd = srv->trace_fd;
	}
	rc = pg_serve_new(&srv->c, &srv->s);
	if (rc < 0)
		pg_cli_server_close(srv);
	return rc;
}

void pg_cli_server_close(struct pg_cli_server *srv)
{
	pg_serve_free(srv->s);
	srv->s = NULL;
	if (srv->audit_fd >= 0)
		(void)close(srv->audit_fd);
	if (srv->trace_fd >= 0)
		(void)close(srv->trace_fd);
	srv->audit_fd = srv->trace_fd = -1;
}

/* --sandbox-check (a test hook, docs/serve.md): after the sandbox, try what it must
 * refuse; report and exit. The serve-probe test observes the same from outside serve. */
static int sandbox_check(void)
{
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	int open_errno = fd < 0 ? errno : 0;
	int sk = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int sock_errno = sk < 0 ? errno : 0;
	bool ok = open_errno == EPERM && sock_errno == EPERM;

	printf("sandbox-check: uid %u euid %u\n", (unsigned)getuid(), (unsigned)geteuid());
	printf("sandbox-check: open(/etc/passwd): %s\n", fd < 0 ? strerror(open_errno) : "allowed");
	printf("sandbox-check: socket(AF_INET): %s\n", sk < 0 ? strerror(sock_errno) : "allowed");
	printf("sandbox-check: %s\n", ok ? "PASS" : "FAIL");
	fflush(stdout);
	return ok ? PG_EXIT_OK : PG_EXIT_FINDING;
}

int pg_cli_server_run(struct pg_cli_server *srv, int sockfd, bool check)
{
	int rc = pg_serve_attach(srv->s, sockfd);

	if (rc < 0)
		return PG_EXIT_INPUT;
	if (check)
		return sandbox_check();
	rc = pg_serve_loop(srv->s);
	return rc == 0 ? PG_EXIT_OK : rc == PG_SERVE_CLOSED ? PG_EXIT_FINDING : PG_EXIT_INPUT;
}

/* ---- command line ----------------------------------------------------------------------- */

void pg_cmd_serve_usage(FILE *out)
{
	fputs("usage: pcigate serve --device DEVICE (--fd N | --socket PATH) [--profile P]\n"
	      "                     [--policy FILE] [--audit FILE] [--trace-backend FILE]\n"
	      "                     [--user NAME] [--rom-size N] [--syslog] [--verbose]\n"
	      "\n"
	      "Serve one mediated PCI device to QEMU 7.2's x-pci-proxy-dev (mpqemu protocol).\n"
	      "  --device DEVICE  an lspci -x dump file (modelled device) or a BDF (live host\n"
	      "                   device, read-only: config only, BAR reads return all ones)\n"
	      "                   or vfio:BDF (bound to vfio-pci; quiesced on every exit)\n"
	      "  --fd N           an inherited, connected AF_UNIX stream socket\n"
	      "  --socket PATH    listen on PATH and serve the first connection\n"
	      "  --profile P      guest (default), device-model or permissive\n"
	      "  --policy FILE    per-device policy; its entry's profile replaces --profile\n"
	      "  --audit FILE     append audit records as JSON Lines (default: stderr)\n"
	      "  --trace-backend FILE  append every write and reset the device receives, and\n"
	      "                   its config space at start and exit, as JSON Lines\n"
	      "  --user NAME      user to run as after setup (root default: nobody)\n"
	      "  --no-sandbox     skip privilege drop and seccomp (debugging only)\n"
	      "  --force          serve a device `pcigate inspect` rates HIGH (otherwise\n"
	      "                   refused, naming the findings, unless --policy has an\n"
	      "                   entry for it)\n"
	      "  --sandbox-check  test hook: sandbox, try open() and socket(), report, exit\n"
	      "  --rom-size N     QEMU serves a ROM file (romfile=F,romsize=N): show a ROM BAR\n"
	      "                   of N bytes (2K..16M, a power of two) for it\n"
	      "  --syslog         send the server's log to syslog(3) (facility daemon, ident\n"
	      "                   pcigate-serve) instead of stderr, for long-running servers\n"
	      "  -v, --verbose    log details and a message summary at the end\n"
	      "  -h, --help       show this help\n"
	      "SIGTERM/SIGINT: answer queued requests, quiesce the device, exit 0.\n"
	      "exit status: 0 QEMU disconnected or stopped by SIGTERM/SIGINT; 1 connection\n"
	      "closed on a bad message or a device failure (device quiesced), or quiescing\n"
	      "failed; 2 usage error; 3 setup failed.\n"
	      "See docs/serve.md.\n", out);
}

static int parse_fd(const char *text, int *ret)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(text, &end, 10);
	if (errno || end == text || *end || v < 0 || v > INT_MAX)
		return -EINVAL;
	*ret = (int)v;
	return 0;
}

int pg_serve_opt(const char *cmd, int c, const char *v, struct pg_serve_opts *o)
{
	switch (c) {
	case PG_SERVE_OPT_DEVICE: o->device = v; break;
	case PG_SERVE_OPT_POLICY: o->policy = v; break;
	case PG_SERVE_OPT_AUDIT: o->audit = v; break;
	case PG_SERVE_OPT_USER: o->user = v; break;
	case PG_SERVE_OPT_SYSFS_ROOT: o->sysfs_root = v; break;
	case PG_SERVE_OPT_TRACE: o->trace_backend = v; break;
	case PG_SERVE_OPT_NO_SANDBOX: o->no_sandbox = true; break;
	case PG_SERVE_OPT_FORCE: o->force = true; break;
	case PG_SERVE_OPT_SYSLOG: o->syslog = true; break;
	case 'v': o->verbose = true; break;
	case PG_SERVE_OPT_PROFILE:
		if (pg_profile_parse(v, &o->profile) < 0) {
			pg_cli_error(cmd, "--profile '%s': not guest, device-model or permissive",
				     v);
			return -PG_EXIT_USAGE;
		}
		break;
	default:
		return 0;
	}
	return 1;
}

/* --socket: listen (replacing a stale socket), then wait for QEMU; SIGTERM while waiting,
 * or the kernel asking for a vfio device back, is a clean stop (PG_SERVE_STOPPED or
 * PG_SERVE_RELEASED, returned as -EINTR). */
static int listen_accept(const char *path, int watch_fd)
{
	char why[256] = "";
	bool stale = false;
	int lfd, cfd, rc;

	rc = pg_serve_listen(path, &lfd, &stale, why, sizeof(why));
	if (rc < 0) {
		pg_cli_error("serve", "--socket %s: %s", path, why);
		return rc;
	}
	if (stale)
		fprintf(stderr, "pcigate: serve: %s: replaced a stale socket\n", path);
	fprintf(stderr, "pcigate: serve: listening on %s\n", path);
	rc = pg_serve_accept_watch(lfd, path, watch_fd, &cfd, why, sizeof(why));
	if (rc == PG_SERVE_STOPPED || rc == PG_SERVE_RELEASED)
		fprintf(stderr, "pcigate: serve: %s: %s\n", path, why);
	else if (rc < 0)
		pg_cli_error("serve", "--socket %s: %s", path, why);
	return rc == 0 ? cfd : rc > 0 ? -EINTR : rc;
}

/* --rom-size N[K|M]: the romsize= QEMU was given with its romfile= (docs/serve.md,
 * "Expansion ROM"): a power of two from 2K to 16M. */
static int parse_rom_size(const char *text, uint32_t *ret)
{
	unsigned shift = 0;
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(text, &end, 10);
	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	if (errno || end == text || *end || text[0] == '-' || v > ((16ul << 20) >> shift))
		return -EINVAL;
	v <<= shift;
	if (v < 2048 || (v & (v - 1)))
		return -EINVAL;
	*ret = (uint32_t)v;
	return 0;
}

static int parse_serve(int argc, char **argv, struct pg_serve_opts *o, int *fd,
		       const char **sock)
{
	enum { OPT_SANDBOX_CHECK = 0x200, OPT_FD, OPT_SOCKET, OPT_ROM_SIZE };
	static const struct option longopts[] = {
		PG_SERVE_LONGOPTS,
		{ "sandbox-check", no_argument, NULL, OPT_SANDBOX_CHECK },
		{ "fd", required_argument, NULL, OPT_FD },
		{ "socket", required_argument, NULL, OPT_SOCKET },
		{ "rom-size", required_argument, NULL, OPT_ROM_SIZE },
		PG_CLI_OPT_HELP, { 0 }
	};
	static const struct pg_cli_parser parser = { "serve", ":hv", longopts,
						     pg_cmd_serve_usage };
	int c, r;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP || c == PG_OPT_BAD)
			return c == PG_OPT_HELP ? -1 : PG_EXIT_USAGE;
		r = pg_serve_opt("serve", c, optarg, o);
		if (r < 0)
			return -r;
		if (c == OPT_SANDBOX_CHECK) {
			o->sandbox_check = true;
		} else if (c == OPT_SOCKET) {
			*sock = optarg;
		} else if (c == OPT_FD && parse_fd(optarg, fd) < 0) {
			pg_cli_error("serve", "--fd '%s': not a file descriptor number", optarg);
			return PG_EXIT_USAGE;
		} else if (c == OPT_ROM_SIZE && parse_rom_size(optarg, &o->rom_size) < 0) {
			pg_cli_error("serve", "--rom-size '%s': expected a power of two from 2K to "
				     "16M (QEMU's romsize=)", optarg);
			return PG_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		pg_cli_error("serve", "unexpected argument '%s' (see 'pcigate help serve')",
			     argv[optind]);
		return PG_EXIT_USAGE;
	}
	if (!o->device || (*fd < 0) == !*sock) {
		pg_cli_error("serve", "%s", !o->device ? "--device is required"
					      : "give exactly one of --fd and --socket");
		return PG_EXIT_USAGE;
	}
	return 0;
}

int pg_cmd_serve(int argc, char **argv)
{
	struct pg_serve_opts o = { .profile = PG_PROFILE_GUEST };
	struct pg_cli_server srv;
	const char *sock = NULL;
	int fd = -1, rc;

	rc = parse_serve(argc, argv, &o, &fd, &sock);
	if (rc)
		return rc < 0 ? PG_EXIT_OK : rc; /* -1: --help printed */
	if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		pg_cli_error("serve", "--fd %d: %s", fd, strerror(errno));
		return PG_EXIT_INPUT;
	}
	if (pg_cli_server_open(&o, &srv) < 0) {
		if (fd >= 0)
			(void)close(fd);
		return PG_EXIT_INPUT;
	}
	if (sock) {
		char why[256];

		if (!o.no_sandbox && pg_serve_user_check(o.user, why, sizeof(why)) < 0) {
			pg_cli_error("serve", "%s", why); /* before waiting, not after QEMU came */
			pg_cli_server_close(&srv);
			return PG_EXIT_INPUT;
		}
		fd = listen_accept(sock, pg_serve_request_fd(srv.s));
		if (fd < 0) {
			pg_cli_server_close(&srv);
			return fd == -EINTR ? PG_EXIT_OK : PG_EXIT_INPUT;
		}
	}
	rc = pg_cli_server_run(&srv, fd, o.sandbox_check);
	pg_cli_server_close(&srv);
	return rc;
}
