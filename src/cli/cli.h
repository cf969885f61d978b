/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pcigate command-line tool: a table of subcommands (main.c), one cmd-<verb>.c each.
 * The CLI is thin: it parses arguments, calls libpcigate and prints. It is the only place
 * that prints, and it reports each error once on stderr, prefixed "pcigate: " and naming
 * the bad argument or input, without dumping usage.
 */
#ifndef PG_CLI_H
#define PG_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include <pcigate/policy.h>

/* Exit codes shared by every subcommand (documented in pcigate(1) and --help). */
enum pg_exit {
	PG_EXIT_OK = 0,       /* success */
	PG_EXIT_FINDING = 1,  /* the check failed (inspect: a finding at or above --fail-on) */
	PG_EXIT_USAGE = 2,    /* bad command line */
	PG_EXIT_INPUT = 3,    /* an input could not be read */
};

struct pg_cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);   /* argv[0] is the subcommand name */
	void (*usage)(FILE *out);
	const char *help;                   /* one line for `pcigate help` */
};

/* Print an error "pcigate: ..." with a newline to stderr. */
void pg_cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int pg_cmd_inspect(int argc, char **argv);
void pg_cmd_inspect_usage(FILE *out);

int pg_cmd_policy(int argc, char **argv);

/* assign and release (cmd-assign.c) */
int pg_cmd_assign(int argc, char **argv);
int pg_cmd_release(int argc, char **argv);
void pg_cmd_assign_usage(FILE *out);
void pg_cmd_policy_usage(FILE *out);

/* serve and launch (cmd-serve.c, cmd-launch.c) */
struct pg_serve_opts {
	const char *device;       /* dump file or BDF */
	enum pg_profile profile;
	const char *policy, *audit, *user, *sysfs_root;
	const char *trace_backend; /* JSON Lines log of every backend write/reset (testing) */
	bool no_sandbox, sandbox_check, verbose;
};
struct pg_serve;

int pg_cmd_serve(int argc, char **argv);
void pg_cmd_serve_usage(FILE *out);
int pg_cmd_launch(int argc, char **argv);
void pg_cmd_launch_usage(FILE *out);
/* Parse one option shared by serve and launch: 1 consumed, 0 not ours, -exit on error. */
int pg_serve_parse_common(int argc, char **argv, int *i, struct pg_serve_opts *o);
/* Open device, policy, mediator and audit output (prints its errors). o is borrowed for the
 * lifetime of the result. */
int pg_serve_prepare(const struct pg_serve_opts *o, struct pg_serve **ret);
/* Sandbox, then serve sockfd (owned) until EOF or a bad message; returns an exit code. */
int pg_serve_run(struct pg_serve *s, int sockfd);
void pg_serve_free(struct pg_serve *s);
/* The vfio backend of a vfio:BDF device (launch quiesces it when its server is killed);
 * NULL for other devices. Borrowed from s. */
struct pg_backend *pg_serve_vfio(const struct pg_serve *s);

/* --trace-backend (serve-trace.c): a backend wrapper that logs, as JSON Lines, every config
 * write (with the register's previous value), BAR write and reset that reaches the device,
 * plus the whole config space on request. */
struct pg_backend;
struct pg_trace;
/* Open path (O_APPEND, created 0600), write a "start" record and replace *be (owned) by a
 * wrapper around it; the real backend then belongs to the trace (closed by
 * pg_trace_close(), which must run after the wrapper is closed). name (copied) labels the
 * records. Prints its errors; on failure *be is untouched. */
int pg_trace_open(const char *path, const char *name, struct pg_backend **be,
		  struct pg_trace **ret);
/* {"device":..,"trace":what,"why":why}; NULL t: nothing. */
void pg_trace_event(const struct pg_trace *t, const char *what, const char *why);
/* {"device":..,"trace":what,"config":"<hex of every config byte of the real backend>"} */
void pg_trace_config(const struct pg_trace *t, const char *what);
void pg_trace_close(struct pg_trace *t);

/* view and session (cmd-view.c, cmd-session.c): a device as a guest sees it through the
 * mediator. DEVICE is a dump file (model backend) or a BDF (sysfs backend, always
 * read-only). */
struct pg_guest_opts {
	const char *cmd;          /* "view" or "session", for messages */
	const char *device;
	enum pg_profile profile;
	const char *policy, *sysfs_root;
};
struct pg_backend;
struct pg_mediator;
struct pg_mediator_config;
struct pg_policy_entry;
struct pg_guest {
	struct pg_backend *be;                /* model, or read-only sysfs */
	struct pg_policy *policy;
	const struct pg_policy_entry *entry;  /* the policy entry for the device, or NULL */
	bool live;                            /* a host device (sysfs or vfio) */
	bool vfio;                            /* "vfio:BDF": writable through vfio-pci */
	char slot[32];                        /* the dump's slot, or the canonical BDF */
	char desc[160];
	const char *cmd;                      /* for messages (pg_guest_log()) */
	char last_err[256];                   /* last LOG_ERR message while building */
	bool building;                        /* pg_mediator_new() is running */
};

int pg_cmd_view(int argc, char **argv);
void pg_cmd_view_usage(FILE *out);
int pg_cmd_session(int argc, char **argv);
void pg_cmd_session_usage(FILE *out);
/* Parse --profile/--policy/--sysfs-root at argv[*i]: 1 consumed, 0 not ours,
 * -PG_EXIT_USAGE on a bad value (printed). */
int pg_guest_parse_opt(int argc, char **argv, int *i, struct pg_guest_opts *o);
/* Open the device and look up its policy entry (errors printed); ret is written in any
 * case and must be closed with pg_guest_close() on success only. */
int pg_guest_open(const struct pg_guest_opts *o, struct pg_guest *ret);
void pg_guest_close(struct pg_guest *g);
/* Log callback for mediators of view/session (data: the struct pg_guest): warnings are
 * printed; errors too, except while the mediator is built (kept in last_err for the one
 * error message then). */
void pg_guest_log(void *data, int level, const char *msg);
/* Build the mediator over be (g->be or a wrapper of it) from mc (profile, policy entry
 * and name are filled in here); prints its error. */
int pg_guest_mediator(const struct pg_guest_opts *o, struct pg_guest *g,
		      struct pg_backend *be, struct pg_mediator_config *mc,
		      struct pg_mediator **ret);

/* vfio:BDF devices (cli-vfio.c). Open through the vfio backend (prints its error; the
 * backend's warnings go to stderr prefixed with cmd, which must outlive the backend). */
struct pg_backend;
struct pg_mediator;
int pg_cli_vfio_open(const char *cmd, const char *bdf, struct pg_backend **ret);
/* "pcigate CMD: BDF: MSI-X table: trapped (why)" on stderr; nothing for other backends. */
void pg_cli_vfio_decision(const char *cmd, struct pg_backend *be, const struct pg_mediator *m);
/* The VFIO section of `inspect`: group and members, driver, reset, IR, MSI-X decision. */
void pg_cli_vfio_facts(FILE *out, struct pg_backend *be, const struct pg_mediator *m);

#endif
