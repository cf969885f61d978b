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
#include <pcigate/serve.h>

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
/* inspect --tree / --dot (inspect-tree.c): every device under root (NULL: /sys); names may
 * be NULL. Prints its errors; returns an exit code. */
struct pg_names;
int pg_cli_topology(const char *root, struct pg_names *names, bool dot);

int pg_cmd_dump(int argc, char **argv);
void pg_cmd_dump_usage(FILE *out);

int pg_cmd_policy(int argc, char **argv);
void pg_cmd_policy_usage(FILE *out);

/* guard (cmd-guard.c, guard-daemon.c) */
#define PG_GUARD_SOCKET "/run/pcigate/guard.sock"
struct pg_guard_rules;
int pg_cmd_guard(int argc, char **argv);
void pg_cmd_guard_usage(FILE *out);
/* `guard run`: the daemon. */
int pg_guard_run(int argc, char **argv);
/* Load a rule file; on failure why gets "FILE:LINE:COL: error: REASON". Returns
 * PG_EXIT_OK, PG_EXIT_FINDING (invalid) or PG_EXIT_INPUT (unreadable). */
int pg_guard_cli_load(const char *path, struct pg_guard_rules **ret, char *why, size_t size);

/* serve and launch (cmd-serve.c, cmd-launch.c) */
struct pg_serve_opts {
	const char *device;       /* dump file or BDF */
	enum pg_profile profile;
	const char *policy, *audit, *user, *sysfs_root;
	const char *trace_backend; /* JSON Lines log of every backend write/reset (testing) */
	bool no_sandbox, sandbox_check, verbose;
	bool syslog;               /* --syslog: library messages to syslog(3), LOG_DAEMON */
};
/* A server as the CLI runs it: the library's config and server plus the output files. */
struct pg_cli_server {
	struct pg_serve_config c;   /* borrowed by s: keep srv in place while s lives */
	struct pg_serve *s;
	int audit_fd, trace_fd;     /* owned, -1 when not given */
	bool verbose;
	bool syslog;                /* log through syslog(3) instead of stderr */
};

int pg_cmd_serve(int argc, char **argv);
void pg_cmd_serve_usage(FILE *out);
int pg_cmd_launch(int argc, char **argv);
void pg_cmd_launch_usage(FILE *out);
/* Parse one option shared by serve and launch: 1 consumed, 0 not ours, -exit on error. */
int pg_serve_parse_common(int argc, char **argv, int *i, struct pg_serve_opts *o);
/* Open the output files and build the server (device, policy, mediator); prints its
 * errors. o is borrowed for the lifetime of srv. */
int pg_cli_server_open(const struct pg_serve_opts *o, struct pg_cli_server *srv);
/* Attach sockfd (owned), sandbox, then serve until EOF, a signal or a bad message (or run
 * the --sandbox-check test hook); returns an exit code. */
int pg_cli_server_run(struct pg_cli_server *srv, int sockfd, bool sandbox_check);
void pg_cli_server_close(struct pg_cli_server *srv);

/* view and session (cmd-view.c, cmd-session.c): a device as a guest sees it through the
 * mediator. DEVICE is a dump file (model backend), a BDF (sysfs backend, always
 * read-only) or vfio:BDF (vfio backend, written through the mediator). */
struct pg_guest_opts {
	const char *cmd;          /* "view" or "session", for messages */
	const char *device;
	enum pg_profile profile;
	const char *policy, *sysfs_root;
};
struct pg_backend;
struct pg_mediator;
struct pg_mediator_config;
/* A device opened for view or session: the library's pg_guest_dev plus what the CLI's
 * mediator log callback needs. */
struct pg_guest {
	struct pg_guest_dev dev;              /* backend, policy, entry, live, slot, desc */
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
/* Open the device and look up its policy entry with pg_guest_open() (errors and notes
 * printed); ret is written in any case and must be closed with pg_cli_guest_close() on
 * success only. */
int pg_cli_guest_open(const struct pg_guest_opts *o, struct pg_guest *ret);
void pg_cli_guest_close(struct pg_guest *g);
/* Log callback for mediators of view/session (data: the struct pg_guest): warnings are
 * printed; errors too, except while the mediator is built (kept in last_err for the one
 * error message then). */
void pg_guest_log(void *data, int level, const char *msg);
/* Build the mediator over be (g->be or a wrapper of it) from mc (profile, policy entry
 * and name are filled in here); prints its error. */
int pg_guest_mediator(const struct pg_guest_opts *o, struct pg_guest *g,
		      struct pg_backend *be, struct pg_mediator_config *mc,
		      struct pg_mediator **ret);

/* BAR sizes (bar-notes.c). pg_cli_warn_guesses: one warning line on stderr naming the
 * BAR sizes a model backend guessed and the zero BARs it took as absent; nothing for a
 * backend that is not a model or guessed nothing. */
/* The dump annotation key of BAR slot i: "bar0".."bar5", "rom" (buf at least 8 bytes). */
const char *pg_cli_bar_key(unsigned i, char *buf, size_t n);
void pg_cli_warn_guesses(const char *cmd, const char *device, const struct pg_backend *be);

/* vfio:BDF devices (cli-vfio.c). Open through the vfio backend (prints its error; the
 * backend's warnings go to stderr prefixed with cmd, which must outlive the backend). */
int pg_cli_vfio_open(const char *cmd, const char *bdf, struct pg_backend **ret);
/* "pcigate CMD: BDF: MSI-X table: trapped (why)" on stderr; nothing for other backends. */
void pg_cli_vfio_decision(const char *cmd, struct pg_backend *be, const struct pg_mediator *m);
/* The VFIO section of `inspect`: group and members, driver, reset, IR, MSI-X decision. */
void pg_cli_vfio_facts(FILE *out, struct pg_backend *be, const struct pg_mediator *m);

/* assign and release (cmd-assign.c) */
int pg_cmd_assign(int argc, char **argv);
int pg_cmd_release(int argc, char **argv);
void pg_cmd_assign_usage(FILE *out);

/* virtio-blk (cmd-virtio-blk.c) */
int pg_cmd_virtio_blk(int argc, char **argv);
void pg_cmd_virtio_blk_usage(FILE *out);

#endif
