/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Connection layer of the mpqemu server: reads whole messages through a transport, keeps
 * every received fd accounted for, and dispatches validated messages to a handler.
 *
 * Threat: the VMM may send fds on any byte of a message (not only with the header, as
 * QEMU does), more fds than any command allows, a header announcing a huge payload, or
 * close the socket halfway. fds are collected from every read of one message into one
 * bounded array; anything beyond PG_PROTO_MAX_FDS, or anything the command does not allow,
 * is closed before the error is returned. A message is only ever acted on after the pure
 * decoder (wire.c) accepted it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto-private.h"
#include "util/util.h"

/* One maximum-size frame: the most a connection ever buffers. */
#define PG_PROTO_RX_CAP (PG_PROTO_HDR_SIZE + PG_PROTO_MAX_PAYLOAD)
/* fds received but not yet handed to a message: one message's worth for the message being
 * read and one for the next (only a hostile peer gets near this). */
#define PG_PROTO_PEND_FDS (2u * PG_PROTO_MAX_FDS)

struct pg_proto_conn {
	const struct pg_proto_transport *tp;
	void *ctx;
	uint64_t count;  /**< messages received and validated */
	uint8_t rx[PG_PROTO_RX_CAP];   /**< received bytes, rx[0] starts a message */
	size_t rx_len;
	int pend[PG_PROTO_PEND_FDS];   /**< received fds (owned), in arrival order */
	size_t pend_at[PG_PROTO_PEND_FDS]; /**< offset in rx of the byte each fd came with */
	unsigned npend;
};

static void pend_drop(struct pg_proto_conn *c);

/* ---- socket transport --------------------------------------------------------------- */

struct sock_ctx {
	int fd;
};

/* Keep whatever fds arrived in cmsgs (bounded by the control buffer), closing any excess. */
static void take_rights(struct msghdr *mh, int fds[PG_PROTO_MAX_FDS], unsigned *nfds,
			bool *ctrunc)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		size_t n;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (*nfds < PG_PROTO_MAX_FDS) {
				fds[(*nfds)++] = fd;
			} else {
				(void)close(fd);
				*ctrunc = true;
			}
		}
	}
	if (mh->msg_flags & MSG_CTRUNC)
		*ctrunc = true; /* the kernel already dropped the fds that did not fit */
}

static ssize_t sock_recv(void *ctx, void *buf, size_t len, int fds[PG_PROTO_MAX_FDS],
			 unsigned *nfds, bool *ctrunc)
{
	struct sock_ctx *s = ctx;
	union {
		char buf[CMSG_SPACE(PG_PROTO_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	*nfds = 0;
	*ctrunc = false;
	do {
		/* CLOEXEC: a received fd must never leak into a process we exec. */
		n = recvmsg(s->fd, &mh, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	take_rights(&mh, fds, nfds, ctrunc);
	return n;
}

static int sock_send(void *ctx, const void *buf, size_t len)
{
	struct sock_ctx *s = ctx;
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(s->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void sock_destroy(void *ctx)
{
	struct sock_ctx *s = ctx;

	if (s && s->fd >= 0)
		(void)close(s->fd);
	free(s);
}

static const struct pg_proto_transport sock_transport = {
	.recv = sock_recv, .send = sock_send, .destroy = sock_destroy,
};

int pg_proto_conn_new(const struct pg_proto_transport *tp, void *ctx, struct pg_proto_conn **ret)
{
	struct pg_proto_conn *c;

	if (!tp || !tp->recv || !tp->send || !ret)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->tp = tp;
	c->ctx = ctx;
	*ret = c;
	return 0;
}

int pg_proto_conn_new_socket(int fd, struct pg_proto_conn **ret)
{
	struct sockaddr_storage sa;
	socklen_t salen = sizeof(sa);
	int type = 0, fl, rc;
	socklen_t tlen = sizeof(type);
	struct sock_ctx *s;

	if (fd < 0 || !ret)
		return -EINVAL;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0)
		return errno == ENOTSOCK ? -ENOTSOCK : -errno;
	if (getsockname(fd, (struct sockaddr *)&sa, &salen) < 0)
		return -errno;
	if (type != SOCK_STREAM || sa.ss_family != AF_UNIX)
		return -ENOTSOCK;
	/* A listening or unconnected socket is not a connection: reading it would fail (or
	 * block) only later, after the sandbox is up. */
	salen = sizeof(sa);
	if (getpeername(fd, (struct sockaddr *)&sa, &salen) < 0)
		return errno == ENOTCONN ? -ENOTCONN : -errno;
	/* QEMU's side is blocking too: one request in flight, each read waits for it. */
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return -errno;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->fd = fd;
	rc = pg_proto_conn_new(&sock_transport, s, ret);
	if (rc < 0)
		free(s);
	return rc;
}

void pg_proto_conn_free(struct pg_proto_conn *conn)
{
	if (!conn)
		return;
	pend_drop(conn);
	if (conn->tp->destroy)
		conn->tp->destroy(conn->ctx);
	free(conn);
}

uint64_t pg_proto_conn_count(const struct pg_proto_conn *conn)
{
	return conn ? conn->count : 0;
}

size_t pg_proto_conn_buffered(const struct pg_proto_conn *conn)
{
	return conn ? conn->rx_len : 0;
}

/* ---- receiving ----------------------------------------------------------------------- */

/*
 * One receive call per message: the connection asks the transport for up to one
 * maximum-size frame (PG_PROTO_RX_CAP bytes) and keeps whatever arrived beyond the current
 * message for the next call. QEMU sends one message per sendmsg() and waits for the reply,
 * so a read normally returns exactly one message; a second message (an unsolicited
 * SYNC_SYSMEM queued behind a request) stays buffered. The buffer never holds more than one
 * maximum frame, so a header announcing a huge payload still costs nothing: it is rejected
 * from its 16 bytes, and what came with it is dropped with the connection.
 *
 * Which message an fd belongs to: SCM_RIGHTS travel with the bytes of the sendmsg() that
 * carried them, and Linux ends a stream read right after the first segment that brought
 * fds (Linux net/unix/af_unix.c, unix_stream_read_generic()). So fds belong to the message
 * that holds the last byte of the read they arrived with; that is QEMU's message, and
 * for a hostile peer it is one deterministic message whose fd count is then validated.
 */
static void pend_drop(struct pg_proto_conn *c)
{
	for (unsigned i = 0; i < c->npend; i++)
		(void)close(c->pend[i]);
	c->npend = 0;
	c->rx_len = 0;
}

/* One transport read into the buffer; fds are pinned to the last byte received. Returns
 * bytes read (> 0), 0 at EOF, or a negative errno (err filled). */
static ssize_t rx_fill(struct pg_proto_conn *c, struct pg_proto_error *err)
{
	int fds[PG_PROTO_MAX_FDS];
	unsigned nfds = 0;
	bool trunc = false;
	size_t room = sizeof(c->rx) - c->rx_len;
	ssize_t n = c->tp->recv(c->ctx, c->rx + c->rx_len, room, fds, &nfds, &trunc);

	for (unsigned i = 0; i < nfds && i < PG_PROTO_MAX_FDS; i++) {
		if (n <= 0) {
			(void)close(fds[i]); /* no byte to pin them to: the read failed anyway */
		} else if (c->npend < PG_PROTO_PEND_FDS) {
			c->pend[c->npend] = fds[i];
			c->pend_at[c->npend++] = c->rx_len + (size_t)n - 1;
		} else {
			(void)close(fds[i]);
			trunc = true;
		}
	}
	if (trunc)
		return pg_proto_fail(err, -EPROTO, "more than %u fds in one message",
				     PG_PROTO_MAX_FDS);
	if (n < 0)
		return pg_proto_fail(err, (int)n, "receiving a message: %s", strerror((int)-n));
	if ((size_t)n > room)
		return pg_proto_fail(err, -EIO, "transport returned too many bytes");
	c->rx_len += (size_t)n;
	return n;
}

/* Make the first need bytes of the buffer available. 1, 0 (EOF at a message boundary),
 * or a negative errno. Each read adds at least one byte and need <= PG_PROTO_RX_CAP, so
 * the loop is bounded. */
static int rx_need(struct pg_proto_conn *c, size_t need, struct pg_proto_error *err)
{
	while (c->rx_len < need) {
		ssize_t n = rx_fill(c, err);

		if (n < 0)
			return (int)n;
		if (n > 0)
			continue;
		if (c->rx_len == 0 && c->npend == 0)
			return 0;
		if (c->rx_len < PG_PROTO_HDR_SIZE)
			return pg_proto_fail(err, -EPROTO, "EOF after %zu of %u header bytes",
					     c->rx_len, PG_PROTO_HDR_SIZE);
		return pg_proto_fail(err, -EPROTO, "EOF after %zu of %zu payload bytes",
				     c->rx_len - PG_PROTO_HDR_SIZE, need - PG_PROTO_HDR_SIZE);
	}
	return 1;
}

/* Move the fds pinned inside the first len bytes into fds[] (at most PG_PROTO_MAX_FDS;
 * -EPROTO beyond) and drop the message's bytes from the buffer. */
static int rx_take(struct pg_proto_conn *c, size_t len, int *fds, unsigned *nfds,
		   struct pg_proto_error *err)
{
	unsigned keep = 0, n = 0;
	int rc = 0;

	for (unsigned i = 0; i < c->npend; i++) {
		if (c->pend_at[i] >= len) {
			c->pend[keep] = c->pend[i];
			c->pend_at[keep++] = c->pend_at[i] - len;
		} else if (n < PG_PROTO_MAX_FDS) {
			fds[n++] = c->pend[i];
		} else {
			(void)close(c->pend[i]);
			rc = pg_proto_fail(err, -EPROTO, "more than %u fds in one message",
					   PG_PROTO_MAX_FDS);
		}
	}
	c->npend = keep;
	memmove(c->rx, c->rx + len, c->rx_len - len);
	c->rx_len -= len;
	*nfds = n;
	if (rc < 0)
		pg_proto_close_fds(fds, n);
	return rc;
}

int pg_proto_recv(struct pg_proto_conn *conn, struct pg_proto_msg *msg,
		  struct pg_proto_error *err)
{
	uint8_t payload[PG_PROTO_MAX_PAYLOAD];
	int fds[PG_PROTO_MAX_FDS];
	struct pg_proto_hdr hdr;
	struct pg_proto_msg tmp;
	unsigned nfds = 0;
	size_t len;
	int rc;

	if (!conn || !msg)
		return pg_proto_fail(err, -EINVAL, "NULL argument");
	rc = rx_need(conn, PG_PROTO_HDR_SIZE, err);
	if (rc <= 0)
		goto drop;
	rc = pg_proto_decode_header(conn->rx, &hdr, err);
	if (rc < 0)
		goto drop;
	len = PG_PROTO_HDR_SIZE + hdr.size;
	rc = rx_need(conn, len, err);
	if (rc <= 0)
		goto drop;
	memcpy(payload, conn->rx + PG_PROTO_HDR_SIZE, hdr.size);
	rc = rx_take(conn, len, fds, &nfds, err);
	if (rc < 0)
		goto drop;
	rc = pg_proto_decode(&hdr, payload, nfds, &tmp, err);
	if (rc < 0) {
		pg_proto_close_fds(fds, nfds);
		goto drop;
	}
	memcpy(tmp.fds, fds, nfds * sizeof(int));
	for (unsigned i = nfds; i < PG_PROTO_MAX_FDS; i++)
		tmp.fds[i] = -1;
	tmp.nfds = nfds;
	*msg = tmp;
	conn->count++;
	return 1;

drop:
	/* A failed message ends the connection: nothing buffered is kept or acted on. */
	pend_drop(conn);
	return rc;
}

int pg_proto_send_ret(struct pg_proto_conn *conn, uint64_t val)
{
	uint8_t buf[PG_PROTO_REPLY_SIZE];

	if (!conn)
		return -EINVAL;
	pg_proto_encode_ret(val, buf);
	return conn->tp->send(conn->ctx, buf, sizeof(buf));
}

/* ---- dispatch ------------------------------------------------------------------------ */

typedef int (*dispatch_fn)(const struct pg_proto_handler *h, void *ctx,
			   struct pg_proto_msg *m, uint64_t *reply);

static int do_cfg_read(const struct pg_proto_handler *h, void *ctx, struct pg_proto_msg *m,
		       uint64_t *reply)
{
	uint32_t v = UINT32_MAX;
	int rc = 0;

	if (h->cfg_read)
		rc = h->cfg_read(ctx, m->u.cfg.addr, m->u.cfg.len, &v);
	if (rc == 0)
		*reply = v & pg_util_size_mask(m->u.cfg.len);
	return rc;
}

static int do_cfg_write(const struct pg_proto_handler *h, void *ctx, struct pg_proto_msg *m,
			uint64_t *reply)
{
	*reply = 0;
	return h->cfg_write ? h->cfg_write(ctx, m->u.cfg.addr, m->u.cfg.len, m->u.cfg.val) : 0;
}

static int do_bar_read(const struct pg_proto_handler *h, void *ctx, struct pg_proto_msg *m,
		       uint64_t *reply)
{
	uint64_t v = UINT64_MAX;
	int rc = 0;

	if (h->bar_read)
		rc = h->bar_read(ctx, m->u.bar.addr, m->u.bar.size, m->u.bar.memory, &v);
	if (rc == 0)
		*reply = v & pg_util_size_mask(m->u.bar.size);
	return rc;
}

static int do_bar_write(const struct pg_proto_handler *h, void *ctx, struct pg_proto_msg *m,
			uint64_t *reply)
{
	*reply = 0;
	return h->bar_write ? h->bar_write(ctx, m->u.bar.addr, m->u.bar.size, m->u.bar.memory,
					   m->u.bar.val) : 0;
}

static int do_reset(const struct pg_proto_handler *h, void *ctx, struct pg_proto_msg *m,
		    uint64_t *reply)
{
	*reply = 0;
	return h->reset ? h->reset(ctx) : 0;
}

static int do_sysmem(const struct pg_proto_handler *h, void *ctx, struct pg_proto_msg *m,
		     uint64_t *reply)
{
	return h->sync_sysmem ? h->sync_sysmem(ctx, m) : 0;
}

static int do_irqfd(const struct pg_proto_handler *h, void *ctx, struct pg_proto_msg *m,
		    uint64_t *reply)
{
	return h->set_irqfd ? h->set_irqfd(ctx, m) : 0;
}

static const dispatch_fn dispatch[PG_PROTO_CMD_MAX] = {
	[PG_PROTO_SYNC_SYSMEM] = do_sysmem,
	[PG_PROTO_CFGWRITE] = do_cfg_write,
	[PG_PROTO_CFGREAD] = do_cfg_read,
	[PG_PROTO_BAR_WRITE] = do_bar_write,
	[PG_PROTO_BAR_READ] = do_bar_read,
	[PG_PROTO_SET_IRQFD] = do_irqfd,
	[PG_PROTO_DEVICE_RESET] = do_reset,
};

/* A refused message, named with its fields so that a log line says what was refused. */
static int handler_failed(struct pg_proto_error *err, const struct pg_proto_rule *r,
			  const struct pg_proto_msg *m, int hrc)
{
	char what[96] = "";

	if (m->cmd == PG_PROTO_CFGREAD || m->cmd == PG_PROTO_CFGWRITE)
		(void)snprintf(what, sizeof(what), " (addr 0x%02x, len %u)", m->u.cfg.addr,
			       m->u.cfg.len);
	else if (m->cmd == PG_PROTO_BAR_READ || m->cmd == PG_PROTO_BAR_WRITE)
		(void)snprintf(what, sizeof(what), " (addr 0x%llx, size %u, %s)",
			       (unsigned long long)m->u.bar.addr, m->u.bar.size,
			       m->u.bar.memory ? "memory" : "I/O");
	if (r->write && m->cmd == PG_PROTO_CFGWRITE)
		(void)snprintf(what, sizeof(what), " (addr 0x%02x, len %u, val 0x%x)",
			       m->u.cfg.addr, m->u.cfg.len, m->u.cfg.val);
	else if (r->write && m->cmd == PG_PROTO_BAR_WRITE)
		(void)snprintf(what, sizeof(what), " (addr 0x%llx, size %u, %s, val 0x%llx)",
			       (unsigned long long)m->u.bar.addr, m->u.bar.size,
			       m->u.bar.memory ? "memory" : "I/O", (unsigned long long)m->u.bar.val);
	return pg_proto_fail(err, hrc, "%s handler failed%s: %s", r->name, what,
			     strerror(-hrc));
}

int pg_proto_serve_one(struct pg_proto_conn *conn, const struct pg_proto_handler *h, void *ctx,
		       enum pg_proto_cmd *cmd, struct pg_proto_error *err)
{
	const struct pg_proto_rule *r;
	struct pg_proto_msg m;
	uint64_t reply = UINT64_MAX;
	int rc, hrc;

	if (!conn || !h)
		return pg_proto_fail(err, -EINVAL, "NULL argument");
	rc = pg_proto_recv(conn, &m, err);
	if (rc <= 0)
		return rc;
	if (cmd)
		*cmd = m.cmd;
	r = pg_proto_rule((int)m.cmd);
	hrc = dispatch[m.cmd](h, ctx, &m, &reply);
	/* Whatever the handler did not steal is closed now, also when it failed. */
	pg_proto_msg_clear(&m);
	if (hrc != 0)
		reply = UINT64_MAX; /* QEMU reports UINT64_MAX as a failed operation */
	if (r->reply) {
		rc = pg_proto_send_ret(conn, reply);
		if (rc < 0)
			return pg_proto_fail(err, rc, "sending the %s reply: %s", r->name,
					     strerror(-rc));
	}
	if (hrc < 0)
		return handler_failed(err, r, &m, hrc);
	return 1;
}
