/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A server of one mediated device to QEMU 7.2's x-pci-proxy-dev over the mpqemu socket
 * (docs/serve.md, "The mpqemu protocol"; QEMU 7.2 hw/remote/proxy.c): the process policy
 * around the proto frontend. The device comes from pg_guest_open() (a dump: model; a BDF:
 * sysfs, read-only; vfio:BDF: vfio-pci, written, its guest RAM mapped for DMA by the
 * frontend), every access goes through the
 * mediator, the protocol is the proto module. What lives here: audit output (JSON Lines on
 * the caller's fd), the backend trace, signals, the sandbox (sandbox.c) and failing closed.
 *
 * A bad message closes the connection and leaves the device quiesced (Bus Master off,
 * reset where possible).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <syslog.h>
#include <unistd.h>

#include <json-c/json.h>

#include "serve-private.h"

void pg_serve_config_init(struct pg_serve_config *c)
{
	if (!c)
		return;
	memset(c, 0, sizeof(*c));
	c->profile = PG_PROFILE_GUEST;
	c->audit_fd = -1;
	c->trace_fd = -1;
}

void pg_serve_logf(const struct pg_serve *s, int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!s->c->log)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->c->log(s->c->log_data, level, msg);
}

/* The mediator's and the frontend's messages, prefixed with nothing: they name the
 * device themselves. */
static void fwd_log(void *data, int level, const char *msg)
{
	pg_serve_logf(data, level, "%s", msg);
}

/* One record = one line, written with a single write(2) so that several servers sharing an
 * O_APPEND file (pcigate launch) never interleave within a line. */
static void serve_audit(void *data, const struct pg_audit_record *rec)
{
	struct pg_serve *s = data;
	char *json = NULL;
	size_t n;

	char *line;
	size_t extra = strlen(s->entry_json);

	if (s->c->audit_fd < 0 || pg_audit_record_to_json(rec, &json) < 0)
		return;
	n = strlen(json);
	line = extra ? malloc(n + extra + 1) : NULL;
	if (line && n && json[n - 1] == '}') {
		/* the object's closing brace moves after the policy_entry field */
		memcpy(line, json, n - 1);
		memcpy(line + n - 1, s->entry_json, extra);
		line[n - 1 + extra] = '}';
		free(json);
		json = line;
		n += extra;
	} else {
		free(line);
	}
	json[n] = '\n'; /* replaces the NUL; the write below is length-counted */
	if (write(s->c->audit_fd, json, n + 1) != (ssize_t)(n + 1))
		pg_serve_logf(s, LOG_WARNING, "audit record lost");
	free(json);
}

/* Name the applied policy entry in the log and prepare the audit field. */
static void note_entry(struct pg_serve *s)
{
	char desc[320];
	json_object *str;

	(void)pg_guest_entry_describe(&s->g, s->c->policy, desc, sizeof(desc));
	if (s->g.entry)
		pg_serve_logf(s, LOG_NOTICE, "policy entry: %s", desc);
	str = json_object_new_string(desc);
	if (str)
		(void)snprintf(s->entry_json, sizeof(s->entry_json), ",\"policy_entry\":%s",
			       json_object_to_json_string_ext(str, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(str);
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

static int open_device(struct pg_serve *s, struct pg_mediator_config *mc)
{
	struct pg_guest_error gerr = { "" };
	char guess[320];
	int rc = pg_guest_open(s->c->device, s->c->policy, s->c->sysfs_root, &s->g, &gerr);

	if (rc == 0) {
		rc = pg_guest_check(&s->g, s->c->device, s->c->force, &gerr);
		if (rc < 0)
			pg_guest_close(&s->g);
	}
	if (rc < 0) {
		pg_serve_logf(s, LOG_ERR, "%s", gerr.msg);
		return rc;
	}
	if (s->g.ndevs > 1)
		pg_serve_logf(s, LOG_NOTICE, "%s holds %zu devices; using the first (%s)",
			      s->c->device, s->g.ndevs, s->g.slot);
	if (s->g.policy && !s->g.entry)
		pg_serve_logf(s, LOG_NOTICE, "%s: no entry in %s for %04x:%04x; profile %s",
			      s->c->device, s->c->policy, s->g.ids & 0xffffu, s->g.ids >> 16,
			      pg_profile_name(s->c->profile));
	if (s->g.policy)
		note_entry(s);
	if (pg_backend_model_guess_text(s->g.be, guess, sizeof(guess))[0])
		pg_serve_logf(s, LOG_WARNING, "%s: BAR sizes missing from the dump; %s",
			      s->c->device, guess); /* the guest sees these sizes */
	s->be = s->g.be;
	mc->policy = s->g.entry;
	return 0;
}

int pg_serve_new(const struct pg_serve_config *c, struct pg_serve **ret)
{
	struct pg_mediator_config mc;
	struct pg_serve *s;
	const char *base;
	int rc;

	if (!c || !ret || !c->device)
		return -EINVAL;
	/* From the first log line on (opening the device may warn): a closed stderr is an
	 * EPIPE on that write, not death by SIGPIPE (see catch_term()). */
	(void)signal(SIGPIPE, SIG_IGN);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->c = c;
	s->sockfd = s->connfd = s->req_fd = -1;
	/* Log prefix: a BDF, or a dump file's base name (the path can be long). */
	base = strrchr(c->device, '/');
	(void)snprintf(s->name, sizeof(s->name), "%s", base ? base + 1 : c->device);
	pg_mediator_config_init(&mc);
	rc = open_device(s, &mc);
	if (rc == 0 && c->trace_fd >= 0) {
		rc = pg_trace_new(c->trace_fd, s, &s->be, &s->trace);
		if (rc < 0)
			pg_serve_logf(s, LOG_ERR, "backend trace: %s", strerror(-rc));
	}
	if (rc < 0)
		goto fail;
	mc.profile = c->profile;
	/* what QEMU 7.2's proxy can show, and never a write to a live device (mediator.h) */
	mc.options = PG_MEDIATOR_TRANSPORT_QEMU72 | (s->g.live ? PG_MEDIATOR_OPT_READONLY : 0);
	mc.vmm_rom_size = c->rom_size; /* QEMU maps its romfile= itself; only the BAR is ours */
	mc.name = s->name; /* audit records name the device as the log lines and trace do */
	mc.log = fwd_log;
	mc.log_data = s;
	mc.audit = serve_audit;
	mc.audit_data = s;
	rc = pg_mediator_new(s->be, &mc, &s->med);
	if (rc < 0) {
		pg_serve_logf(s, LOG_ERR, "--device %s: cannot build the mediator: %s", c->device,
			      strerror(-rc));
		goto fail;
	}
	if (s->g.vfio) {
		const char *why = "";
		bool direct = pg_vfio_msix_direct_map(s->g.be, s->med, &why);

		pg_serve_logf(s, LOG_NOTICE, "%s: MSI-X table: %s (%s)", s->name,
			      direct ? "may be mapped directly" : "trapped", why);
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
	pg_proto_dev_free(s->dev);
	pg_proto_conn_free(s->conn);
	if (s->sockfd >= 0)
		(void)close(s->sockfd);
	pg_mediator_free(s->med);
	pg_trace_free(s->trace); /* the wrapper, before the device it wraps */
	pg_guest_close(&s->g);
	free(s);
}

/* ---- signals --------------------------------------------------------------------------- */

/*
 * SIGTERM/SIGINT: stop serving and quiesce the device (docs/serve.md, "Stopping"). The
 * handler only records the signal and shuts down the read side of the socket, which wakes
 * the blocked recvmsg() with EOF (the library retries EINTR, so a plain EINTR would not);
 * queued requests are still answered, then the loop sees the flag and the main path
 * quiesces. Quiescing cannot happen inside a handler: the mediator and backend are not
 * async-signal-safe. Process-wide: one server per process.
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

/*
 * Besides SIGTERM/SIGINT: SIGPIPE is ignored, so that a closed stderr (a log line) or a
 * peer gone mid-reply is an EPIPE on that write, not death before the device is quiesced.
 * And sends time out: a peer that sends requests but never reads the replies would
 * otherwise leave the server blocked in send() forever, deaf to SIGTERM (the handler only
 * shuts the read side). QEMU reads each reply before its next request, so a reply that
 * cannot be queued for SEND_TIMEOUT_S is a peer not playing the protocol: the connection
 * is closed (fail closed) and, after a signal, the stop proceeds.
 */
#define SEND_TIMEOUT_S 2

static void catch_term(int sockfd)
{
	struct sigaction sa = { .sa_handler = on_term };
	struct timeval tv = { .tv_sec = SEND_TIMEOUT_S };

	(void)sigemptyset(&sa.sa_mask);
	term_signal = 0;
	term_fd = sockfd;
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGINT, &sa, NULL);
	/* SIGPIPE has been ignored since pg_serve_new() */
	(void)setsockopt(sockfd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* ---- attach and serve ------------------------------------------------------------------ */

/* A live device is served read-only; the policy decides whether a reset nobody can carry
 * out ends the session (flag reset-required) or is refused to the VMM. */
static unsigned dev_flags(const struct pg_serve *s)
{
	return (s->g.live ? PG_PROTO_DEV_READONLY : 0) |
	       (s->g.entry && (s->g.entry->flags & PG_POLICY_F_RESET_REQUIRED)
			? PG_PROTO_DEV_RESET_REQUIRED : 0);
}

int pg_serve_attach(struct pg_serve *s, int sockfd)
{
	int rc;

	if (!s || s->conn || s->sockfd >= 0) {
		if (sockfd >= 0)
			(void)close(sockfd);
		return -EINVAL;
	}
	s->sockfd = sockfd;
	rc = pg_proto_conn_new_socket(sockfd, &s->conn);
	if (rc < 0) {
		pg_serve_logf(s, LOG_ERR, "socket fd %d: %s", sockfd, rc == -ENOTSOCK ?
			      "not a connected AF_UNIX stream socket" : strerror(-rc));
		return rc;
	}
	s->sockfd = -1; /* the connection owns it now */
	s->connfd = sockfd;
	rc = pg_proto_dev_new(s->med, s->be, dev_flags(s), fwd_log, s, &s->dev);
	if (rc < 0) {
		pg_serve_logf(s, LOG_ERR, "%s: %s", s->name, strerror(-rc));
		return rc;
	}
	/* vfio behind the trace wrapper: the frontend still needs the real backend for DMA
	 * mappings, INTx routing and quiescing (proto.h). */
	if (s->g.vfio && s->be != s->g.be) {
		rc = pg_proto_dev_set_vfio(s->dev, s->g.be);
		if (rc < 0)
			return rc;
	}
	/* vfio: the kernel's request for the device back (unbind, hot removal) is watched by
	 * the loop; a kernel without the channel just has none */
	s->req_fd = pg_serve_request_fd(s);
	catch_term(sockfd);
	return pg_serve_sandbox(s);
}

int pg_serve_request_fd(const struct pg_serve *s)
{
	int fd = s && s->g.vfio ? pg_vfio_request_fd(s->g.be) : -1;

	return fd >= 0 ? fd : -1;
}

int pg_serve_quiesce_orphan(struct pg_serve *s)
{
	if (!s)
		return -EINVAL;
	if (!s->g.vfio)
		return -EOPNOTSUPP;
	return pg_vfio_quiesce(s->g.be);
}

static void report_stats(const struct pg_serve *s)
{
	struct pg_proto_dev_stats st;

	pg_proto_dev_stats(s->dev, &st);
	pg_serve_logf(s, LOG_INFO, "%s: %llu messages: cfg %llu R / %llu W, bar %llu R / %llu W, "
		      "reset %llu (%llu refused), sync-sysmem %llu (dma: %llu mapped, %llu kept), "
		      "irqfd %llu, unrouted %llu, dropped %llu",
		      s->name, (unsigned long long)pg_proto_conn_count(s->conn),
		      (unsigned long long)st.cfg_reads, (unsigned long long)st.cfg_writes,
		      (unsigned long long)st.bar_reads, (unsigned long long)st.bar_writes,
		      (unsigned long long)st.resets, (unsigned long long)st.resets_refused,
		      (unsigned long long)st.sysmem, (unsigned long long)st.dma_mapped,
		      (unsigned long long)st.dma_kept,
		      (unsigned long long)st.irqfd, (unsigned long long)st.unrouted,
		      (unsigned long long)st.dropped);
}

const char *pg_serve_quiesced_how(bool vfio, int rc)
{
	static const char *const how[2][2] = {
		{ "bus master off, not reset: the policy allows no method the device supports",
		  "bus master off, reset" },
		{ "interrupts off, bus master off, DMA unmapped, not reset: the policy allows no "
		  "method the device supports",
		  "interrupts off, bus master off, DMA unmapped, reset" },
	};

	return how[vfio][rc == PG_QUIESCED_RESET];
}

static int quiesce(const struct pg_serve *s, const char *why)
{
	int rc;

	pg_trace_event(s->trace, "quiesce", why);
	rc = pg_proto_dev_quiesce(s->dev);
	if (rc < 0)
		pg_serve_logf(s, LOG_ERR, "%s: quiescing the device failed: %s", s->name,
			      strerror(-rc));
	else if (!s->g.live)
		pg_serve_logf(s, LOG_NOTICE, "%s: device quiesced (%s)", s->name,
			      pg_serve_quiesced_how(s->g.vfio, rc));
	return rc;
}

/*
 * Before each message of a vfio device: wait until the socket or the kernel's device
 * request is readable. false: the kernel asks for the device back. A message already
 * (partly) buffered is served without waiting; a signal wakes the wait through the
 * socket (the handler shuts its read side), and a poll error is left to the receive.
 */
static bool wait_message(const struct pg_serve *s)
{
	struct pollfd p[2] = { { .fd = s->connfd, .events = POLLIN },
			       { .fd = s->req_fd, .events = POLLIN } };
	int n;

	if (s->req_fd < 0 || s->connfd < 0 || pg_proto_conn_buffered(s->conn))
		return true;
	/* Unbounded like the receive it precedes: QEMU may be idle for as long as it likes,
	 * and SIGTERM or the request end the wait. */
	do
		n = poll(p, 2, -1);
	while (n < 0 && errno == EINTR && !term_signal);
	return n <= 0 || !(p[1].revents & (POLLIN | POLLERR | POLLHUP));
}

int pg_serve_loop(struct pg_serve *s)
{
	struct pg_proto_error err = { 0, "" };
	enum pg_proto_cmd cmd = PG_PROTO_CMD_MAX;
	uint64_t before = 0, bad;
	bool request = false;
	int rc = 0;

	if (!s || !s->conn || !s->dev)
		return -EINVAL;
	/* Bounded by the peer: each iteration consumes one message or ends the loop. */
	while (!term_signal) {
		if (!wait_message(s)) {
			request = true;
			break;
		}
		before = pg_proto_conn_count(s->conn);
		rc = pg_proto_serve_one(s->conn, pg_proto_dev_handler(), s->dev, &cmd, &err);
		if (rc <= 0)
			break;
	}
	pg_mediator_audit_flush(s->med);
	report_stats(s);
	if (request) {
		/* The kernel waits for the device (an unbind from vfio-pci, a hot removal):
		 * quiesce and let go; closing the device fd lets the removal finish. */
		pg_serve_logf(s, LOG_NOTICE, "%s: the kernel asks for the device back (unbind "
			      "or removal) after message %llu: stopping", s->name,
			      (unsigned long long)pg_proto_conn_count(s->conn));
		/* No reset: the removal holds the device lock, so VFIO_DEVICE_RESET fails
		 * (EAGAIN), and vfio-pci resets the device itself once we let go. Interrupts
		 * off, Bus Master off and DMA unmapped still stop the device now. */
		rc = pg_vfio_set_quiesce_resets(s->g.be, NULL, 0);
		if (rc == 0)
			rc = quiesce(s, "device request");
		rc = rc < 0 ? PG_SERVE_CLOSED : 0;
	} else if (term_signal) {
		const char *sig = term_signal == SIGINT ? "SIGINT" : "SIGTERM";

		pg_serve_logf(s, LOG_NOTICE, "%s: %s after message %llu: stopping", s->name, sig,
			      (unsigned long long)pg_proto_conn_count(s->conn));
		rc = quiesce(s, sig) < 0 ? PG_SERVE_CLOSED : 0;
	} else if (rc == 0 && s->g.vfio) {
		/* QEMU closed the connection: quiesce here, where a failure still reaches the
		 * exit status (the backend's close only logs), so launch and systemd see it. */
		rc = quiesce(s, "end of connection") < 0 ? PG_SERVE_CLOSED : 0;
	} else if (rc < 0) {
		/* The bad message: the one received and refused, or the next one when it
		 * could not even be received. */
		bad = pg_proto_conn_count(s->conn) > before ? pg_proto_conn_count(s->conn)
							     : before + 1;
		pg_serve_logf(s, LOG_ERR, "%s: closing the connection after message %llu: %s",
			      s->name, (unsigned long long)bad, err.text);
		(void)quiesce(s, "error");
		rc = PG_SERVE_CLOSED;
	}
	pg_trace_config(s->trace, "final");
	term_fd = -1;
	return rc;
}
