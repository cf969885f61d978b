/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vhost-user front end (the driver role), QEMU docs/interop/vhost-user.rst: a 12-byte
 * header {u32 request, u32 flags, u32 size} then the payload, fds as SCM_RIGHTS, native
 * byte order. Guest memory is one memfd region at guest physical address 0.
 *
 * The back end is as untrusted as any device: every reply is read with a timeout (a back
 * end that hangs costs at most timeout_ms per message), must carry version 1 and the REPLY
 * flag, echo the request, have exactly the payload size the request defines, and carry no
 * fds (any that arrive are closed). A short read, EOF or hangup is a dead back end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "vhost-user-private.h"

#define HDR_SIZE 12u
#define FLAG_VERSION 1u
#define FLAG_REPLY (1u << 2)
#define FLAG_NEED_REPLY (1u << 3)
#define MAX_PAYLOAD (12u + 4096u)
#define MAX_MEM (1ull << 30)

void pg_vhu_report(struct pg_vhu *v, int queue, int err, const char *detail)
{
	if (!v)
		return;
	pg_virtio_emit(v->audit, v->audit_data, v->name, queue, "", PG_VQ_FAULT_TRANSPORT,
		       PG_VQ_FAILED, (uint64_t)(err < 0 ? -err : err), 0, detail);
}

static int fail(struct pg_vhu *v, int err, const char *what)
{
	char text[128];

	(void)snprintf(text, sizeof(text), "%s: %s", what, strerror(err < 0 ? -err : err));
	pg_vhu_report(v, -1, err, text);
	return err;
}

static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int rc;

	do
		rc = poll(&p, 1, timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return -ETIMEDOUT;
	if ((p.revents & (POLLHUP | POLLERR)) && !(p.revents & POLLIN))
		return -EPIPE;
	return 0;
}

static int send_msg(struct pg_vhu *v, uint32_t req, uint32_t flags, const void *payload,
		    uint32_t size, const int *fds, unsigned nfds)
{
	uint8_t hdr[HDR_SIZE];
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} u;
	struct iovec iov[2] = { { hdr, HDR_SIZE }, { (void *)(uintptr_t)payload, size } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = size ? 2 : 1 };
	uint32_t f = FLAG_VERSION | flags;
	ssize_t n;

	memcpy(hdr, &req, 4);
	memcpy(hdr + 4, &f, 4);
	memcpy(hdr + 8, &size, 4);
	if (nfds) {
		struct cmsghdr *c;

		memset(&u, 0, sizeof(u));
		mh.msg_control = u.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(v->sock, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == ECONNRESET ? -EPIPE : -errno;
	return (size_t)n == HDR_SIZE + size ? 0 : -EPIPE;
}

/* Read exactly len bytes with the timeout; fds that arrive are closed and counted. */
static int recv_all(struct pg_vhu *v, uint8_t *buf, size_t len, unsigned *nfds)
{
	size_t got = 0;

	while (got < len) {
		union {
			char b[CMSG_SPACE(sizeof(int) * 8)];
			struct cmsghdr align;
		} u;
		struct iovec iov = { buf + got, len - got };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b,
				     .msg_controllen = sizeof(u.b) };
		int rc = wait_fd(v->sock, POLLIN, v->timeout_ms);
		ssize_t n;

		if (rc < 0)
			return rc;
		n = recvmsg(v->sock, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == ECONNRESET ? -EPIPE : -errno;
		if (n == 0)
			return -EPIPE;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			for (size_t i = 0; i < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
				close(fd);
				(*nfds)++;
			}
		}
		if (mh.msg_flags & MSG_CTRUNC)
			(*nfds)++;
		got += (size_t)n;
	}
	return 0;
}

static int recv_reply(struct pg_vhu *v, uint32_t req, void *payload, uint32_t size)
{
	uint8_t hdr[HDR_SIZE];
	uint32_t r, f, s;
	unsigned nfds = 0;
	int rc = recv_all(v, hdr, HDR_SIZE, &nfds);

	if (rc < 0)
		return rc;
	memcpy(&r, hdr, 4);
	memcpy(&f, hdr + 4, 4);
	memcpy(&s, hdr + 8, 4);
	if (r != req || (f & 3u) != FLAG_VERSION || !(f & FLAG_REPLY) || s != size)
		return -EPROTO; /* never read a payload whose size we did not ask for */
	rc = recv_all(v, payload, size, &nfds);
	if (rc < 0)
		return rc;
	return nfds ? -EPROTO : 0;
}

int pg_vhu_recv_reply(struct pg_vhu *v, uint32_t req, void *payload, uint32_t size)
{
	int rc = v->dead ? -EPIPE : recv_reply(v, req, payload, size);

	/* A reply that did not come, or came malformed, leaves the stream at an unknown
	 * point (a late reply would be read as the answer to the next request): give up on
	 * this back end. */
	if (rc < 0)
		v->dead = true;
	return rc;
}

int pg_vhu_call(struct pg_vhu *v, uint32_t req, const void *payload, uint32_t size,
		const int *fds, unsigned nfds)
{
	uint64_t ack;
	bool need = v->reply_ack;
	int rc = v->dead ? -EPIPE : send_msg(v, req, need ? FLAG_NEED_REPLY : 0, payload, size,
					      fds, nfds);

	if (rc < 0)
		v->dead = true;
	if (rc < 0 || !need)
		return rc;
	rc = pg_vhu_recv_reply(v, req, &ack, sizeof(ack));
	if (rc < 0)
		return rc;
	return ack ? -EPROTO : 0;
}

int pg_vhu_send(struct pg_vhu *v, uint32_t req, const void *payload, uint32_t size)
{
	int rc = v->dead ? -EPIPE : send_msg(v, req, 0, payload, size, NULL, 0);

	if (rc < 0)
		v->dead = true;
	return rc;
}

int pg_vhu_get_u64(struct pg_vhu *v, uint32_t req, uint64_t *ret)
{
	int rc = v->dead ? -EPIPE : send_msg(v, req, 0, NULL, 0, NULL, 0);

	if (rc < 0) {
		v->dead = true;
		return rc;
	}
	return pg_vhu_recv_reply(v, req, ret, sizeof(*ret));
}

static int make_mem(struct pg_vhu *v, size_t bytes)
{
	v->memfd = memfd_create("pcigate-vhost-user", MFD_CLOEXEC);
	if (v->memfd < 0)
		return -errno;
	if (ftruncate(v->memfd, (off_t)bytes) < 0)
		return -errno;
	v->mem = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, v->memfd, 0);
	if (v->mem == MAP_FAILED) {
		v->mem = NULL;
		return -errno;
	}
	v->mem_bytes = bytes;
	return 0;
}

static int connect_to(struct pg_vhu *v, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path))
		return -EINVAL;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	v->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (v->sock < 0)
		return -errno;
	if (connect(v->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

int pg_vhu_open(const char *path, const struct pg_vhu_config *cfg, struct pg_vhu **ret)
{
	struct pg_vhu_config c = cfg ? *cfg : (struct pg_vhu_config){ 0 };
	struct pg_vhu *v;
	int rc;

	if (!path || !ret || c.timeout_ms < 0 || c.mem_bytes > MAX_MEM)
		return -EINVAL;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->sock = v->memfd = -1;
	for (unsigned q = 0; q < PG_VHU_MAX_QUEUES; q++)
		v->kick[q] = v->call[q] = -1;
	v->timeout_ms = c.timeout_ms ? c.timeout_ms : 5000;
	v->audit = c.audit;
	v->audit_data = c.audit_data;
	if (c.device)
		(void)snprintf(v->name, sizeof(v->name), "%s", c.device);
	else
		(void)snprintf(v->name, sizeof(v->name), "vhost-user:%s", path);
	rc = make_mem(v, c.mem_bytes ? (c.mem_bytes + 4095u) & ~(size_t)4095u : 4u << 20);
	if (!rc)
		rc = connect_to(v, path);
	if (rc < 0)
		goto out_close;
	*ret = v;
	return 0;
out_close:
	pg_vhu_close(v);
	return rc;
}

void pg_vhu_close(struct pg_vhu *v)
{
	if (!v)
		return;
	/* vhost-user.rst: a front end stops a ring with GET_VRING_BASE. Each wait is
	 * bounded by the timeout, and the first failure (audited) ends the round: a back end
	 * that did not answer one ring is not waited for again. */
	for (unsigned q = 0; q < PG_VHU_MAX_QUEUES && !v->dead; q++)
		if (v->vq[q] && pg_vhu_stop_queue(v, q, NULL) < 0)
			break;
	for (unsigned q = 0; q < PG_VHU_MAX_QUEUES; q++) {
		if (v->vq[q])   /* not stopped after a failure: audited all the same */
			(void)pg_vhu_audit_ring(v->vq[q]);
		v->vq[q] = NULL;
		if (v->kick[q] >= 0)
			close(v->kick[q]);
		if (v->call[q] >= 0)
			close(v->call[q]);
	}
	if (v->sock >= 0)
		close(v->sock);
	if (v->mem)
		munmap(v->mem, v->mem_bytes);
	if (v->memfd >= 0)
		close(v->memfd);
	free(v);
}

int pg_vhu_alloc(struct pg_vhu *v, size_t len, size_t align, void **ptr, uint64_t *gpa)
{
	size_t off;

	if (!v || !ptr || !gpa || !len || !align || align > 4096 || (align & (align - 1)))
		return -EINVAL;
	off = (v->brk + align - 1) & ~(align - 1);
	if (off > v->mem_bytes || len > v->mem_bytes - off)
		return -ENOMEM;
	v->brk = off + len;
	*ptr = (uint8_t *)v->mem + off;
	*gpa = off;
	return 0;
}

int pg_vhu_kick(struct pg_vhu *v, unsigned q)
{
	uint64_t one = 1;

	if (!v || q >= PG_VHU_MAX_QUEUES || v->kick[q] < 0)
		return -EINVAL;
	if (write(v->kick[q], &one, sizeof(one)) != (ssize_t)sizeof(one))
		return -errno;
	return 0;
}

int pg_vhu_wait(struct pg_vhu *v, unsigned q)
{
	struct pollfd p[2];
	uint64_t cnt;
	int rc;

	if (!v || q >= PG_VHU_MAX_QUEUES || v->call[q] < 0)
		return -EINVAL;
	p[0] = (struct pollfd){ .fd = v->call[q], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = v->sock, .events = POLLIN };
	do
		rc = poll(p, 2, v->timeout_ms);
	while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	if (rc == 0)
		return -ETIMEDOUT;
	/* The back end sends nothing unsolicited on this socket (no back-end channel was
	 * negotiated): readable or hung up means it closed, i.e. died. */
	if (p[1].revents) {
		v->dead = true;
		return -EPIPE;
	}
	if (read(v->call[q], &cnt, sizeof(cnt)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

const char *pg_vhu_name(const struct pg_vhu *v)
{
	return v->name;
}

int pg_vhu_fail(struct pg_vhu *v, int err, const char *what)
{
	return fail(v, err, what);
}
