/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate guard run: the daemon's sockets and loop. Decisions are made in the library
 * (pg_guard_daemon_*); this file only wires the kernel uevent socket, the control socket,
 * signals, the audit file and the log.
 *
 * Start order matters: the uevent socket is opened before the gate is checked and before
 * present devices are scanned, so a device plugged during start-up is queued, not missed.
 * Stopping never disarms the gate and never touches a device: a killed or restarting
 * daemon leaves every device as it was (quarantined devices stay with pci-stub).
 *
 * Uevents are accepted only from the kernel: netlink port id 0 and SCM_CREDENTIALS
 * pid 0/uid 0 (any root process could otherwise forge "bind" or "add" messages to make the
 * daemon act on a device of its choosing). Control requests are authorized by SO_PEERCRED
 * (root) and the --group (primary or supplementary group via SO_PEERGROUPS).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <pcigate/guard.h>

#include "cli.h"

#define MAX_GROUPS 64
#define REQ_TIMEOUT_MS 1000

struct run_opts {
	const char *rules, *state, *sock, *audit, *group, *root, *modules;
	bool no_arm;
	gid_t gid;
};

struct run {
	FILE *audit;
	bool verbose;
};

static void run_log(void *data, int level, const char *msg)
{
	(void)data;
	fprintf(stderr, "pcigate: guard: %s%s\n", level <= LOG_ERR ? "error: " : "", msg);
}

static void run_audit(void *data, const char *json)
{
	struct run *r = data;

	if (!r->audit)
		return;
	fprintf(r->audit, "%s\n", json);
	fflush(r->audit);
}

static int parse_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'r' },
		{ "state", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "audit", required_argument, NULL, 'a' },
		{ "group", required_argument, NULL, 'g' },
		{ "sysfs-root", required_argument, NULL, 'R' },
		{ "modules", required_argument, NULL, 'm' },
		{ "no-arm", no_argument, NULL, 'n' },
		PG_CLI_OPT_HELP, { 0 },
	};
	static const struct pg_cli_parser parser = { "guard run", ":h", opts,
						     pg_cmd_guard_usage };
	int c;

	memset(o, 0, sizeof(*o));
	o->sock = PG_GUARD_SOCKET;
	o->gid = (gid_t)-1;
	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		switch (c) {
		case 'r': o->rules = optarg; break;
		case 's': o->state = optarg; break;
		case 'S': o->sock = optarg; break;
		case 'a': o->audit = optarg; break;
		case 'g': o->group = optarg; break;
		case 'R': o->root = optarg; break;
		case 'm': o->modules = optarg; break;
		case 'n': o->no_arm = true; break;
		case PG_OPT_HELP: return -1;
		default: return PG_EXIT_USAGE; /* PG_OPT_BAD: printed */
		}
	}
	if (optind < argc || !o->rules) {
		pg_cli_error("guard run", "%s", optind < argc ? "unexpected argument" :
			     "--rules FILE is required");
		return PG_EXIT_USAGE;
	}
	if (o->group) {
		struct group *g = getgrnam(o->group);

		if (!g) {
			pg_cli_error("guard run", "no group '%s'", o->group);
			return PG_EXIT_USAGE;
		}
		o->gid = g->gr_gid;
	}
	return 0;
}

static int open_uevents(void)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);
	int one = 1, size = 1 << 20;

	if (fd < 0)
		return -errno;
	/* A large buffer: a dock brings many functions at once; losing an event would leave
	 * a device pending (it stays quarantined, but nobody decides on it). */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Read every queued uevent; only the kernel's are handled. */
static void read_uevents(int fd, struct pg_guard_daemon *d)
{
	for (unsigned i = 0; i < 1024; i++) {
		char buf[PG_GUARD_MAX_UEVENT + 1];
		char ctl[CMSG_SPACE(sizeof(struct ucred))];
		struct sockaddr_nl sa;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &sa, .msg_namelen = sizeof(sa), .msg_iov = &iov,
				     .msg_iovlen = 1, .msg_control = ctl,
				     .msg_controllen = sizeof(ctl) };
		struct cmsghdr *cm;
		struct pg_guard_uevent ev;
		const struct ucred *cred = NULL;
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
		uint64_t t = mono_ns();

		if (n < 0 && errno == ENOBUFS) {
			/* Events were lost (the buffer overflowed): devices that arrived meanwhile
			 * are held by pci-stub; look at all of them again. */
			int r = pg_guard_daemon_scan(d);

			fprintf(stderr, "pcigate: guard: uevents lost; devices scanned again (%d "
				"acted on)\n", r);
			continue;
		}
		if (n < 0)
			return; /* EAGAIN: nothing more queued */
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS &&
			    cm->cmsg_len == CMSG_LEN(sizeof(struct ucred)))
				cred = (const struct ucred *)(void *)CMSG_DATA(cm);
		if (sa.nl_pid != 0 || !cred || cred->pid != 0 || cred->uid != 0 ||
		    (mh.msg_flags & MSG_TRUNC) || (size_t)n > PG_GUARD_MAX_UEVENT)
			continue; /* not from the kernel, or cut: never acted on */
		if (pg_guard_uevent_parse(buf, (size_t)n, &ev) == 0)
			(void)pg_guard_daemon_uevent(d, &ev, t);
	}
}

static int open_control(const struct run_opts *o)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(o->sock) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, o->sock, strlen(o->sock) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	(void)unlink(o->sock);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(o->sock, o->group ? 0660 : 0600) < 0 ||
	    (o->group && chown(o->sock, (uid_t)-1, o->gid) < 0) || listen(fd, 16) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	return fd;
}

/* One connection: read the request (bounded in size and time), answer, close. */
static void serve_one(int lfd, struct pg_guard_daemon *d, gid_t gid)
{
	struct ucred cred;
	gid_t groups[MAX_GROUPS];
	socklen_t cl = sizeof(cred), gl = sizeof(groups);
	struct pg_guard_peer peer = { 0 };
	char req[513], *reply = NULL;
	size_t len = 0;
	int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	/* A client that does not read its reply must not stall the daemon. */
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO,
			 &(struct timeval){ .tv_sec = REQ_TIMEOUT_MS / 1000 }, sizeof(struct timeval));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) < 0) {
		close(fd);
		return;
	}
	peer.uid = cred.uid;
	peer.gid = cred.gid;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &gl) == 0) {
		peer.groups = groups;
		peer.ngroups = gl / sizeof(gid_t);
	}
	for (uint64_t end = mono_ns() + REQ_TIMEOUT_MS * 1000000ull; len < sizeof(req) - 1;) {
		struct pollfd p = { fd, POLLIN, 0 };
		uint64_t t = mono_ns();
		ssize_t n;

		if (t >= end || poll(&p, 1, (int)((end - t) / 1000000 + 1)) <= 0)
			break;
		n = read(fd, req + len, sizeof(req) - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	if (pg_guard_daemon_request(d, &peer, gid, req, len, &reply) == 0) {
		(void)!write(fd, reply, strlen(reply));
		free(reply);
	}
	close(fd);
}

static int loop(int ufd, int cfd, int sfd, struct pg_guard_daemon *d, gid_t gid)
{
	struct pollfd p[3] = { { ufd, POLLIN, 0 }, { cfd, POLLIN, 0 }, { sfd, POLLIN, 0 } };

	for (;;) {
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (p[0].revents)
			read_uevents(ufd, d);
		if (p[2].revents)
			return 0; /* SIGTERM/SIGINT: stop; the gate and the devices stay as they are */
		if (p[1].revents)
			serve_one(cfd, d, gid);
	}
}

static int start(const struct run_opts *o, struct run *rs, struct pg_guard_daemon **ret)
{
	struct pg_guard_config cfg = { .sysfs_root = o->root, .state_path = o->state,
				       .log = run_log, .audit = run_audit, .data = rs };
	struct pg_guard_gate g;
	char why[512] = "";
	int r = pg_guard_cli_load(o->rules, &cfg.rules, why, sizeof(why));

	if (r != PG_EXIT_OK) {
		/* Fail closed: run, keep everything quarantined, say why (log, audit, list). */
		fprintf(stderr, "pcigate: guard: %s\npcigate: guard: error: rules not loaded: "
			"every device stays quarantined (fail closed)\n", why);
		cfg.rules = NULL;
		cfg.rules_error = why;
	}
	r = pg_guard_gate_check(o->root, o->modules, !o->no_arm, &g);
	if (r < 0)
		fprintf(stderr, "pcigate: guard: error: the gate is NOT armed: %s\n", g.why);
	else
		fprintf(stderr, "pcigate: guard: gate armed%s (verified: EEXIST)\n",
			g.newly_armed ? " now" : "");
	for (unsigned i = 0; i < g.nbuiltin; i++)
		fprintf(stderr, "pcigate: guard: built-in driver %s comes before the gate\n",
			g.builtin[i]);
	if (rs->audit) {
		fprintf(rs->audit, "{\"event\":\"start\",\"armed\":%s,\"rules\":%s,\"why\":\"%s\"}\n",
			g.armed ? "true" : "false", cfg.rules ? "true" : "false",
			r < 0 ? "gate not armed" : cfg.rules ? "" : "rules not loaded");
		fflush(rs->audit);
	}
	r = pg_guard_daemon_new(&cfg, ret);
	if (r < 0)
		fprintf(stderr, "pcigate: guard: error: decisions file %s: %s\n",
			o->state ? o->state : "-", strerror(-r));
	return r;
}

int pg_guard_run(int argc, char **argv)
{
	struct run_opts o;
	struct run rs = { 0 };
	struct pg_guard_daemon *d = NULL;
	sigset_t mask;
	int ufd = -1, cfd = -1, sfd = -1, r, status = PG_EXIT_INPUT;

	if ((r = parse_opts(argc, argv, &o)) != 0)
		return r < 0 ? PG_EXIT_OK : r; /* -1: --help printed */
	if (o.audit && !(rs.audit = fopen(o.audit, "ae"))) {
		pg_cli_error("guard run", "cannot open the audit log %s: %s", o.audit, strerror(errno));
		return PG_EXIT_INPUT;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0 ||
	    (sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
		pg_cli_error("guard run", "signals: %s", strerror(errno));
		goto out;
	}
	if ((ufd = open_uevents()) < 0) {
		pg_cli_error("guard run", "kernel uevent socket: %s", strerror(-ufd));
		goto out;
	}
	if (start(&o, &rs, &d) < 0)
		goto out;
	if ((cfd = open_control(&o)) < 0) {
		pg_cli_error("guard run", "control socket %s: %s", o.sock, strerror(-cfd));
		goto out;
	}
	r = pg_guard_daemon_scan(d);
	fprintf(stderr, "pcigate: guard: ready (%d present device%s acted on)\n", r < 0 ? 0 : r,
		r == 1 ? "" : "s");
	r = loop(ufd, cfd, sfd, d, o.gid);
	status = r < 0 ? PG_EXIT_INPUT : PG_EXIT_OK;
	fprintf(stderr, "pcigate: guard: stopping (the gate stays armed, devices stay as they "
		"are)\n");
out:
	if (cfd >= 0) {
		close(cfd);
		(void)unlink(o.sock);
	}
	if (ufd >= 0)
		close(ufd);
	if (sfd >= 0)
		close(sfd);
	pg_guard_daemon_free(d);
	if (rs.audit)
		fclose(rs.audit);
	return status;
}
