/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Private to src/lib/serve: the server object shared by serve.c (lifecycle, loop,
 * signals, quiescing), sandbox.c (privilege drop and seccomp) and trace.c (the backend
 * trace of docs/serve.md).
 */
#ifndef PG_SERVE_PRIVATE_H
#define PG_SERVE_PRIVATE_H

#include <pcigate/pcigate.h>
#include <pcigate/serve.h>

struct pg_trace;

struct pg_serve {
	const struct pg_serve_config *c;  /* borrowed */
	struct pg_guest_dev g;            /* the device and policy */
	struct pg_backend *be;            /* g.be, or the trace's wrapper of it */
	struct pg_trace *trace;           /* with c->trace_fd */
	struct pg_mediator *med;
	struct pg_proto_conn *conn;       /* after pg_serve_attach() */
	struct pg_proto_dev *dev;
	int sockfd;                       /* owned until conn takes it */
	int connfd;                       /* the connection's socket (borrowed), for poll */
	int req_fd;                       /* vfio device request eventfd (borrowed) or -1 */
	char name[80];                    /* log prefix: the device */
	/* ',"policy_entry":"FILE:LINE KEY ..."' (JSON-escaped) added to every audit record
	 * when a policy is given, so a record names the entry that decided; "" otherwise. */
	char entry_json[640];
};

/* Log "fmt" at level through the configured callback (nothing without one). */
void pg_serve_logf(const struct pg_serve *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Drop privileges and install the seccomp allow-list (sandbox.c); logs its errors. */
int pg_serve_sandbox(const struct pg_serve *s) __attribute__((warn_unused_result));

/* The backend trace (trace.c): wrap *be (borrowed, must outlive the trace) in a forwarding
 * backend whose observer writes JSON Lines to fd; write the "start" record. On success *be
 * is the wrapper, owned by the trace (freed by pg_trace_free()). */
int pg_trace_new(int fd, const struct pg_serve *s, struct pg_backend **be,
		 struct pg_trace **ret) __attribute__((warn_unused_result));
/* {"device":..,"trace":what,"why":why}; NULL t: nothing. */
void pg_trace_event(const struct pg_trace *t, const char *what, const char *why);
/* {"device":..,"trace":what,"config":"<hex of every config byte of the real backend>"} */
void pg_trace_config(const struct pg_trace *t, const char *what);
void pg_trace_free(struct pg_trace *t);

#endif
