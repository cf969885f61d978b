/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/lib/virtio: the vhost-user connection object and its message helpers
 * (vhost-user.c: framing and validation; vhost-user-setup.c: negotiation and queues).
 */
#ifndef PG_VHOST_USER_PRIVATE_H
#define PG_VHOST_USER_PRIVATE_H

#include "virtio-private.h"

#define PG_VHU_MAX_QUEUES 64u

/* Front-end requests (vhost-user.rst, "Front-end message types"). */
enum {
	VHU_GET_FEATURES = 1,
	VHU_SET_FEATURES = 2,
	VHU_SET_OWNER = 3,
	VHU_SET_MEM_TABLE = 5,
	VHU_SET_VRING_NUM = 8,
	VHU_SET_VRING_ADDR = 9,
	VHU_SET_VRING_BASE = 10,
	VHU_GET_VRING_BASE = 11,
	VHU_SET_VRING_KICK = 12,
	VHU_SET_VRING_CALL = 13,
	VHU_GET_PROTOCOL_FEATURES = 15,
	VHU_SET_PROTOCOL_FEATURES = 16,
	VHU_GET_QUEUE_NUM = 17,
	VHU_SET_VRING_ENABLE = 18,
	VHU_GET_CONFIG = 24,
};

/* Protocol feature bits used here (vhost-user.rst, "Protocol features"). */
#define VHU_PROTO_MQ 0u
#define VHU_PROTO_REPLY_ACK 3u
#define VHU_PROTO_CONFIG 9u

struct pg_vhu {
	int sock;
	int memfd;
	void *mem;
	size_t mem_bytes;
	size_t brk;                       /* pg_vhu_alloc() bump pointer */
	int timeout_ms;
	bool reply_ack, config, mq, proto;
	uint64_t features;
	int kick[PG_VHU_MAX_QUEUES], call[PG_VHU_MAX_QUEUES];
	struct pg_vq *vq[PG_VHU_MAX_QUEUES]; /* started rings (borrowed), NULL once stopped */
	bool dead;                        /* the socket failed or the message stream lost
	                                   * step: nothing more is sent or waited for */
	char name[128];
	pg_virtio_audit_fn audit;
	void *audit_data;
};

/** Receive one reply to req with exactly size payload bytes. @return 0, -EPROTO, -EPIPE,
 *  -ETIMEDOUT, -errno. */
int pg_vhu_recv_reply(struct pg_vhu *v, uint32_t req, void *payload, uint32_t size);
/** Send a request (with NEED_REPLY and read the ack when REPLY_ACK was negotiated). */
int pg_vhu_call(struct pg_vhu *v, uint32_t req, const void *payload, uint32_t size,
		const int *fds, unsigned nfds);
/** Send a request (no fds, no NEED_REPLY flag). @return 0, -EPIPE, -errno. */
int pg_vhu_send(struct pg_vhu *v, uint32_t req, const void *payload, uint32_t size);
/** Send a request without payload and read its u64 reply. */
int pg_vhu_get_u64(struct pg_vhu *v, uint32_t req, uint64_t *ret);
/** pg_vq_audit_ring() unless vq is broken already (its one record is out). @return 0 or
 *  -EIO. */
int pg_vhu_audit_ring(struct pg_vq *vq);
/** Audit a device-level transport failure "what: strerror" and return err. */
int pg_vhu_fail(struct pg_vhu *v, int err, const char *what);
const char *pg_vhu_name(const struct pg_vhu *v);
/** GET_CONFIG: send msg (size bytes: header + zeroed payload), read the same size back. */
int pg_vhu_get_config_msg(struct pg_vhu *v, uint8_t *msg, uint32_t size);

#endif
