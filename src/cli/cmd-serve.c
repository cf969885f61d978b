/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate serve: serve one mediated device to QEMU 7.2's x-pci-proxy-dev over the mpqemu
 * socket (docs/serve.md, "The mpqemu protocol"; QEMU 7.2 hw/remote/proxy.c).
 *
 * Thin wiring: the device comes from a backend (a dump file: model; a BDF: sysfs,
 * read-only), every access goes through the mediator (libpcigate), the protocol is
 * libpcigate's proto module. What lives here is process policy: argument parsing, audit
 * output (JSON Lines), privilege drop and the seccomp sandbox, and failing closed.
 *
 * Threat: the peer QEMU may be compromised. Once the device and the socket are open the
 * process drops privileges and installs a seccomp allow-list, so code execution gained
 * through a parser bug can still only read/write the fds already open; it cannot open
 * files, create sockets, exec or ptrace. A bad message closes the connection and leaves the
 * device quiesced (Bus Master off, reset where possible).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <pcigate/pcigate.h>

#include "cli.h"

struct pg_serve {
	const struct pg_serve_opts *o;
	struct pg_backend *be;
	struct pg_mediator *med;
	struct pg_policy *policy;
	bool readonly;
	int audit_fd;          /* -1: stderr */
	bool audit_owned;
	struct pg_trace *trace;   /* --trace-backend; s->be is then its wrapper */
	struct pg_backend *vfio;  /* vfio:BDF: the real backend (s->be may wrap it) */
	char name[80];         /* log prefix: the device */
};

/* ---- logging and audit --------------------------------------------------------------- */

static void serve_log(void *data, int level, const char *msg)
{
	struct pg_serve *s = data;

	if (level > LOG_WARNING && !s->o->verbose)
		return;
	fprintf(stderr, "pcigate serve: %s%s\n", level <= LOG_ERR ? "error: " :
		level == LOG_WARNING ? "warning: " : "", msg);
}

/* One record = one line, written with a single write(2) so that several servers sharing an
 * O_APPEND file (pcigate launch) never interleave within a line. */
static void serve_audit(void *data, const struct pg_audit_record *rec)
{
	struct pg_serve *s = data;
	char *json = NULL;
	size_t n;

	if (pg_audit_record_to_json(rec, &json) < 0)
		return;
	n = strlen(json);
	json[n] = '\n'; /* replaces the NUL; the write below is length-counted */
	if (write(s->audit_fd >= 0 ? s->audit_fd : STDERR_FILENO, json, n + 1) < 0)
		serve_log(s, LOG_WARNING, "audit record lost");
	free(json);
}

/* Prime lazily initialised libc/json-c state (time zone, hash seed) that would otherwise
 * try to open files on the first audit record, after the sandbox forbids it. */
static void audit_warm_up(void)
{
	struct pg_audit_record r = { .device = "warm-up", .rule = "warm-up" };
	char *json = NULL;

	if (pg_audit_record_to_json(&r, &json) == 0)
		free(json);
}

/* ---- device ---------------------------------------------------------------------------- */

/* The device and its policy entry, opened exactly as view and session open them
 * (pg_guest_open(): a dump path is modelled, a BDF is served read-only through sysfs).
 * The backend and the policy move into s. */
static int open_device(struct pg_serve *s, struct pg_mediator_config *mc)
{
	const struct pg_guest_opts go = {
		.cmd = "serve", .device = s->o->device, .profile = s->o->profile,
		.policy = s->o->policy, .sysfs_root = s->o->sysfs_root,
	};
	struct pg_guest g;
	int rc = pg_guest_open(&go, &g);

	if (rc < 0)
		return rc;
	s->be = g.be;
	s->policy = g.policy;
	/* serve never writes a live sysfs device (config only, BARs ~0); a vfio:BDF device is
	 * the real thing: the mediator's writes reach it */
	s->readonly = g.live && !g.vfio;
	s->vfio = g.vfio ? g.be : NULL;
	mc->policy = g.entry;
	return 0;
}

int pg_serve_prepare(const struct pg_serve_opts *o, struct pg_serve **ret)
{
	struct pg_mediator_config mc;
	struct pg_serve *s;
	int rc;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = o;
	s->audit_fd = -1;
	/* Log prefix: a BDF, or a dump file's base name (the path can be long). */
	snprintf(s->name, sizeof(s->name), "%s",
		 strrchr(o->device, '/') ? strrchr(o->device, '/') + 1 : o->device);
	pg_mediator_config_init(&mc);
	rc = open_device(s, &mc);
	if (rc == 0 && o->trace_backend)
		rc = pg_trace_open(o->trace_backend, s->name, &s->be, &s->trace);
	if (rc < 0)
		goto fail;
	mc.profile = o->profile;
	/* what QEMU 7.2's proxy can show, and never a write to a live device (mediator.h) */
	mc.options = PG_MEDIATOR_TRANSPORT_QEMU72 | (s->readonly ? PG_MEDIATOR_OPT_READONLY : 0);
	mc.name = s->name; /* audit records name the device as the log lines and trace do */
	mc.log = serve_log;
	mc.log_data = s;
	mc.audit = serve_audit;
	mc.audit_data = s;
	rc = pg_mediator_new(s->be, &mc, &s->med);
	if (rc < 0) {
		pg_cli_err("serve: --device %s: cannot build the mediator: %s", o->device,
			   strerror(-rc));
		goto fail;
	}
	pg_cli_vfio_decision("serve", s->vfio, s->med); /* vfio: the MSI-X decision, why */
	if (o->audit) {
		s->audit_fd = open(o->audit, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
				   O_NOCTTY, 0600);
		if (s->audit_fd < 0) {
			rc = -errno;
			pg_cli_err("serve: --audit %s: %s", o->audit, strerror(errno));
			goto fail;
		}
		s->audit_owned = true;
	}
	audit_warm_up();
	*ret = s;
	return 0;

fail:
	pg_serve_free(s);
	return rc;
}

void pg_serve_free(struct pg_serve *s)
{
	if (!s)
		return;
	pg_mediator_free(s->med);
	pg_backend_close(s->be);
	pg_trace_close(s->trace); /* after the wrapper: closes the real backend */
	pg_policy_free(s->policy);
	if (s->audit_owned)
		(void)close(s->audit_fd);
	free(s);
}

struct pg_backend *pg_serve_vfio(const struct pg_serve *s)
{
	return s ? s->vfio : NULL;
}

/* ---- sandbox --------------------------------------------------------------------------- */

/*
 * Everything the serve loop needs after setup, and nothing else (docs/serve.md lists the
 * same table). Default action: EPERM, so a refused call takes the normal error path and the
 * device is still quiesced; see docs/serve.md for why not SCMP_ACT_KILL.
 */
static const int allowed_syscalls[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(writev),     /* audit, log, stdio */
	SCMP_SYS(recvmsg), SCMP_SYS(sendto), SCMP_SYS(sendmsg), /* the mpqemu socket */
	SCMP_SYS(shutdown),                                     /* SIGTERM: end its reads */
	SCMP_SYS(pread64),                                      /* sysfs config (open fd) */
	SCMP_SYS(close),                                        /* fds from QEMU */
	SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek), /* SYNC_SYSMEM checks, stdio */
	SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(brk), SCMP_SYS(madvise), /* malloc */
	SCMP_SYS(futex), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	SCMP_SYS(getrandom),                                    /* json-c hash seed */
	SCMP_SYS(rt_sigreturn), SCMP_SYS(rt_sigprocmask), SCMP_SYS(restart_syscall),
	SCMP_SYS(sigaltstack),                                  /* sanitizer runtimes at exit */
	SCMP_SYS(getpid), SCMP_SYS(gettid), SCMP_SYS(tgkill),   /* abort() */
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid), SCMP_SYS(getegid),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* A vfio:BDF device also needs config/BAR writes on its fd and these ioctls, and no other
 * (no new group, device or container can be opened from the sandbox). */
static const unsigned long vfio_ioctls[] = {
	VFIO_DEVICE_SET_IRQS, VFIO_DEVICE_RESET, VFIO_DEVICE_PCI_HOT_RESET,
	VFIO_IOMMU_MAP_DMA, VFIO_IOMMU_UNMAP_DMA,
};

static int allow_vfio(scmp_filter_ctx ctx)
{
	int rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(pwrite64), 0);

	for (size_t i = 0; rc == 0 && i < sizeof(vfio_ioctls) / sizeof(vfio_ioctls[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				      SCMP_A1(SCMP_CMP_EQ, vfio_ioctls[i]));
	return rc;
}

static int install_seccomp(bool vfio)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int rc = ctx ? 0 : -ENOMEM;

	for (size_t i = 0; rc == 0 && i < sizeof(allowed_syscalls) / sizeof(int); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed_syscalls[i], 0);
	if (rc == 0 && vfio)
		rc = allow_vfio(ctx);
	/* Memory may be mapped (guest RAM for DMA, malloc) but never made executable. */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1,
				      SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
	if (rc == 0)
		rc = seccomp_load(ctx); /* sets no_new_privs first (libseccomp default) */
	if (ctx)
		seccomp_release(ctx);
	return rc;
}

/* Root without --user drops to "nobody"; --user root is the explicit way to stay root.
 * A non-root user stays who it is (it could not switch anyway). */
static int drop_privileges(const struct pg_serve_opts *o)
{
	const char *user = o->user;
	struct passwd *pw;

	if (geteuid() != 0) {
		if (user && getpwnam(user) && getpwnam(user)->pw_uid != geteuid()) {
			pg_cli_err("serve: --user %s: only root can switch users", user);
			return -EPERM;
		}
		return 0;
	}
	if (!user)
		user = "nobody";
	pw = getpwnam(user);
	if (!pw) {
		pg_cli_err("serve: --user %s: no such user", user);
		return -ENOENT;
	}
	if (pw->pw_uid == 0)
		return 0;
	if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		pg_cli_err("serve: cannot switch to user %s: %s", user, strerror(errno));
		return -errno;
	}
	/* Prove there is no way back. */
	if (setuid(0) == 0) {
		pg_cli_err("serve: privileges could be regained after dropping to %s", user);
		return -EPERM;
	}
	return 0;
}

static int sandbox(const struct pg_serve_opts *o, bool vfio)
{
	int rc;

	if (o->no_sandbox)
		return 0;
	/* VFIO_IOMMU_MAP_DMA pins guest RAM and counts it against RLIMIT_MEMLOCK once the
	 * server is no longer root (CAP_IPC_LOCK gone): lift the limit while still root. */
	if (vfio && geteuid() == 0) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
			fprintf(stderr, "pcigate serve: warning: RLIMIT_MEMLOCK: %s\n",
				strerror(errno));
	}
	rc = drop_privileges(o);
	if (rc < 0)
		return rc;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		pg_cli_err("serve: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		return -errno;
	}
	rc = install_seccomp(vfio);
	if (rc < 0)
		pg_cli_err("serve: cannot install the seccomp filter: %s", strerror(-rc));
	return rc;
}

/* --sandbox-check: after the sandbox, try what it must refuse; report and exit. */
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

/* ---- serving --------------------------------------------------------------------------- */

static void report_stats(struct pg_serve *s, const struct pg_proto_dev *dev,
			 const struct pg_proto_conn *conn)
{
	struct pg_proto_dev_stats st;

	pg_proto_dev_stats(dev, &st);
	if (!s->o->verbose)
		return;
	fprintf(stderr, "pcigate serve: %s: %llu messages: cfg %llu R / %llu W, bar %llu R / "
		"%llu W, reset %llu, sync-sysmem %llu, irqfd %llu, unrouted %llu, dropped %llu\n",
		s->name, (unsigned long long)pg_proto_conn_count(conn),
		(unsigned long long)st.cfg_reads, (unsigned long long)st.cfg_writes,
		(unsigned long long)st.bar_reads, (unsigned long long)st.bar_writes,
		(unsigned long long)st.resets, (unsigned long long)st.sysmem,
		(unsigned long long)st.irqfd, (unsigned long long)st.unrouted,
		(unsigned long long)st.dropped);
}

/*
 * SIGTERM/SIGINT: stop serving and quiesce the device (docs/serve.md, "Stopping"). The
 * handler only records the signal and shuts down the read side of the socket, which wakes
 * the blocked recvmsg() with EOF (the library retries EINTR, so a plain EINTR would not);
 * queued requests are still answered, then the loop sees the flag and the main path
 * quiesces. Quiescing cannot happen inside a handler: the mediator and backend are not
 * async-signal-safe. Under SIGKILL nothing can run: see docs/serve.md for what that means.
 */
static volatile sig_atomic_t term_signal;
static volatile sig_atomic_t term_fd = -1;

static void on_term(int sig)
{
	int saved = errno;

	term_signal = sig;
	if (term_fd >= 0)
		(void)shutdown(term_fd, SHUT_RD);
	errno = saved;
}

static void catch_term(int sockfd)
{
	struct sigaction sa = { .sa_handler = on_term };

	(void)sigemptyset(&sa.sa_mask);
	term_fd = sockfd;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
}

static int quiesce(struct pg_serve *s, struct pg_proto_dev *dev, const char *why)
{
	int rc;

	pg_trace_event(s->trace, "quiesce", why);
	rc = pg_proto_dev_quiesce(dev);
	if (rc < 0)
		pg_cli_err("serve: %s: quiescing the device failed: %s", s->name, strerror(-rc));
	else if (!s->readonly)
		fprintf(stderr, "pcigate serve: %s: device quiesced (bus master off, reset)\n",
			s->name);
	return rc;
}

static int serve_loop(struct pg_serve *s, struct pg_proto_conn *conn, struct pg_proto_dev *dev)
{
	struct pg_proto_error err = { 0, "" };
	enum pg_proto_cmd cmd = PG_PROTO_CMD_MAX;
	int rc = 0;

	/* Bounded by the peer: each iteration consumes one message or ends the loop. */
	while (!term_signal &&
	       (rc = pg_proto_serve_one(conn, pg_proto_dev_handler(), dev, &cmd, &err)) > 0)
		;
	pg_mediator_audit_flush(s->med);
	report_stats(s, dev, conn);
	if (term_signal) {
		const char *sig = term_signal == SIGINT ? "SIGINT" : "SIGTERM";

		fprintf(stderr, "pcigate serve: %s: %s after message %llu: stopping\n", s->name,
			sig, (unsigned long long)pg_proto_conn_count(conn));
		return quiesce(s, dev, sig) < 0 ? PG_EXIT_FINDING : PG_EXIT_OK;
	}
	if (rc == 0)
		return PG_EXIT_OK;
	pg_cli_err("serve: %s: closing the connection after message %llu: %s", s->name,
		   (unsigned long long)pg_proto_conn_count(conn) + (rc == -EPROTO), err.text);
	(void)quiesce(s, dev, "error");
	return PG_EXIT_FINDING;
}

int pg_serve_run(struct pg_serve *s, int sockfd)
{
	struct pg_proto_conn *conn = NULL;
	struct pg_proto_dev *dev = NULL;
	int rc;

	rc = pg_proto_conn_new_socket(sockfd, &conn);
	if (rc < 0) {
		pg_cli_err("serve: socket fd %d: %s", sockfd,
			   rc == -ENOTSOCK ? "not a connected AF_UNIX stream socket"
					   : strerror(-rc));
		(void)close(sockfd);
		return PG_EXIT_INPUT;
	}
	rc = pg_proto_dev_new(s->med, s->be, s->readonly ? PG_PROTO_DEV_READONLY : 0, serve_log,
			      s, &dev);
	if (rc < 0) {
		pg_cli_err("serve: %s: %s", s->name, strerror(-rc));
		rc = PG_EXIT_INPUT;
		goto out;
	}
	if (s->vfio && s->vfio != s->be && pg_proto_dev_set_vfio(dev, s->vfio) < 0) {
		rc = PG_EXIT_INPUT;
		goto out;
	}
	catch_term(sockfd);
	if (sandbox(s->o, s->vfio != NULL) < 0) {
		rc = PG_EXIT_INPUT;
		goto out;
	}
	if (s->o->sandbox_check) {
		rc = sandbox_check();
	} else {
		rc = serve_loop(s, conn, dev);
		pg_trace_config(s->trace, "final");
	}
out:
	term_fd = -1;
	pg_proto_dev_free(dev);
	pg_proto_conn_free(conn);
	return rc;
}

/* ---- command line ----------------------------------------------------------------------- */

void pg_cmd_serve_usage(FILE *out)
{
	fputs("usage: pcigate serve --device DEVICE (--fd N | --socket PATH) [--profile P]\n"
	      "                     [--policy FILE] [--audit FILE] [--trace-backend FILE]\n"
	      "                     [--user NAME] [--verbose]\n"
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
	      "  --verbose        log details and a message summary at the end\n"
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

/* Options shared with pcigate launch; returns 1 when argv[*i] was one of them, 0 when not,
 * PG_EXIT_USAGE (negated) on a bad value. */
int pg_serve_parse_common(int argc, char **argv, int *i, struct pg_serve_opts *o)
{
	static const char *const with_value[] = { "--device", "--profile", "--policy",
						  "--audit", "--user", "--sysfs-root",
						  "--trace-backend" };
	const char *a = argv[*i], *v = NULL;

	for (size_t k = 0; k < sizeof(with_value) / sizeof(with_value[0]); k++) {
		if (strcmp(a, with_value[k]))
			continue;
		if (*i + 1 >= argc) {
			pg_cli_err("%s: option '%s' needs a value", argv[0], a);
			return -PG_EXIT_USAGE;
		}
		v = argv[++*i];
		break;
	}
	if (!v) {
		if (!strcmp(a, "--no-sandbox"))
			o->no_sandbox = true;
		else if (!strcmp(a, "--verbose") || !strcmp(a, "-v"))
			o->verbose = true;
		else
			return 0;
		return 1;
	}
	if (!strcmp(a, "--device"))
		o->device = v;
	else if (!strcmp(a, "--policy"))
		o->policy = v;
	else if (!strcmp(a, "--audit"))
		o->audit = v;
	else if (!strcmp(a, "--user"))
		o->user = v;
	else if (!strcmp(a, "--sysfs-root"))
		o->sysfs_root = v;
	else if (!strcmp(a, "--trace-backend"))
		o->trace_backend = v;
	else if (pg_profile_parse(v, &o->profile) < 0) {
		pg_cli_err("%s: --profile '%s': not guest, device-model or permissive", argv[0], v);
		return -PG_EXIT_USAGE;
	}
	return 1;
}

static int listen_accept(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int lfd, cfd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		pg_cli_err("serve: --socket %s: path too long", path);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0) {
		cfd = -errno;
		pg_cli_err("serve: --socket %s: %s", path, strerror(errno));
		if (lfd >= 0)
			(void)close(lfd);
		return cfd;
	}
	fprintf(stderr, "pcigate serve: listening on %s\n", path);
	do {
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	} while (cfd < 0 && errno == EINTR);
	if (cfd < 0) {
		cfd = -errno;
		pg_cli_err("serve: --socket %s: accept: %s", path, strerror(errno));
	}
	(void)close(lfd);
	(void)unlink(path); /* one connection per server: nobody else may connect */
	return cfd;
}

static int parse_serve(int argc, char **argv, struct pg_serve_opts *o, int *fd,
		       const char **sock)
{
	for (int i = 1; i < argc; i++) {
		int r = pg_serve_parse_common(argc, argv, &i, o);

		if (r < 0)
			return -r;
		if (r > 0)
			continue;
		if (!strcmp(argv[i], "--sandbox-check")) {
			o->sandbox_check = true;
		} else if ((!strcmp(argv[i], "--fd") || !strcmp(argv[i], "--socket")) &&
			   i + 1 < argc) {
			if (argv[i][2] == 's') {
				*sock = argv[++i];
			} else if (parse_fd(argv[++i], fd) < 0) {
				pg_cli_err("serve: --fd '%s': not a file descriptor number",
					   argv[i]);
				return PG_EXIT_USAGE;
			}
		} else {
			pg_cli_err("serve: unknown option or missing value '%s' (see 'pcigate help "
				   "serve')", argv[i]);
			return PG_EXIT_USAGE;
		}
	}
	if (!o->device || (*fd < 0) == !*sock) {
		pg_cli_err("serve: %s", !o->device ? "--device is required"
						    : "give exactly one of --fd and --socket");
		return PG_EXIT_USAGE;
	}
	return 0;
}

int pg_cmd_serve(int argc, char **argv)
{
	struct pg_serve_opts o = { .profile = PG_PROFILE_GUEST };
	const char *sock = NULL;
	struct pg_serve *s = NULL;
	int fd = -1, rc;

	rc = parse_serve(argc, argv, &o, &fd, &sock);
	if (rc)
		return rc;
	if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		pg_cli_err("serve: --fd %d: %s", fd, strerror(errno));
		return PG_EXIT_INPUT;
	}
	if (pg_serve_prepare(&o, &s) < 0) {
		if (fd >= 0)
			(void)close(fd);
		return PG_EXIT_INPUT;
	}
	if (sock) {
		fd = listen_accept(sock);
		if (fd < 0) {
			pg_serve_free(s);
			return PG_EXIT_INPUT;
		}
	}
	rc = pg_serve_run(s, fd);
	pg_serve_free(s);
	return rc;
}
