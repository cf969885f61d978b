/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/lib/proto: the per-command rule table shared by the pure decoder (wire.c)
 * and the dispatcher (conn.c), and the error formatter.
 */
#ifndef PG_PROTO_PRIVATE_H
#define PG_PROTO_PRIVATE_H

#include <pcigate/proto.h>

/** What one command allows on the wire and whether the server answers it. */
struct pg_proto_rule {
	const char *name;
	bool from_vmm;      /**< the VMM may send it (RET may not) */
	bool write;         /**< carries a value to write */
	uint32_t payload;   /**< exact payload size */
	uint8_t min_fds;
	uint8_t max_fds;
	bool reply;         /**< the server sends one RET */
	/** Validate the payload (payload bytes) into msg->u; NULL when there is none. */
	int (*decode)(const struct pg_proto_rule *r, const uint8_t *payload, unsigned nfds,
		      struct pg_proto_msg *msg, struct pg_proto_error *err);
};

/** Rule of a command; NULL for values outside enum pg_proto_cmd. */
const struct pg_proto_rule *pg_proto_rule(int cmd);

/** Fill err (may be NULL) with code and a formatted reason; returns code. */
int pg_proto_fail(struct pg_proto_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Close fds[0..n) that are >= 0 and set them to -1. */
void pg_proto_close_fds(int *fds, unsigned n);

#endif
