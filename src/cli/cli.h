/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pcigate command-line tool: a table of subcommands (main.c), one cmd-<verb>.c each.
 * The CLI is thin: it parses arguments, calls libpcigate and prints. It is the only place
 * that prints, and it reports each error once on stderr, prefixed "pcigate: " and naming
 * the bad argument or input, without dumping usage.
 */
#ifndef PG_CLI_H
#define PG_CLI_H

#include <getopt.h>
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

/* ---- shared option parsing and messages (cli-opts.c) ----------------------------------
 * Every message of a command has one format, "pcigate: CMD: error: WHY" or
 * "pcigate: CMD: warning: WHY" (cmd NULL: no "CMD: "), one line on stderr. */
void pg_cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void pg_cli_warn(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A subcommand's options for getopt_long. shortopts must start with ':' (missing values
 * are reported here) and hold 'h'; longopts must hold PG_CLI_OPT_HELP and end with a zero
 * row. Options may come anywhere among the operands; "--" ends them (what follows is
 * operands, e.g. QEMU's arguments for launch); "--opt=value" and "--opt value" are equal. */
struct pg_cli_parser {
	const char *cmd;                  /* for messages: "inspect", "policy check" */
	const char *shortopts;
	const struct option *longopts;
	void (*usage)(FILE *out);         /* printed on stdout for -h/--help */
};
#define PG_CLI_OPT_HELP { "help", no_argument, NULL, 'h' }
enum { PG_OPT_END = -1, PG_OPT_HELP = -2, PG_OPT_BAD = -3 };
/* Start parsing a new argv (argv[0] is the (sub)command name, skipped). */
static inline void pg_cli_opts_begin(void) { optind = 0; }
/* The next option's val with optarg set for a value; PG_OPT_END when the options are done
 * (operands are argv[optind..argc-1], in order); PG_OPT_HELP after printing the usage
 * (exit 0); PG_OPT_BAD after printing "unknown option 'X'", "option 'X' needs a value" or
 * "option 'X' takes no value" (exit PG_EXIT_USAGE). getopt_long permutes argv. */
int pg_cli_next_opt(const struct pg_cli_parser *p, int argc, char **argv);

/* lspci's -s and -d device filters (cli-filter.c); a field of -1 matches anything. */
struct pg_cfg_layout;
struct pg_cli_filter {
	long domain, bus, dev, fn;      /* -s [[[domain]:]bus:][dev][.[fn]] */
	long vendor, device, cls;       /* -d [vendor]:[device][:class], class 16 bits */
};
void pg_cli_filter_init(struct pg_cli_filter *f);
/* Parse -s / -d text into f (other fields untouched); -1 when malformed. */
int pg_cli_filter_slot(struct pg_cli_filter *f, const char *s);
int pg_cli_filter_id(struct pg_cli_filter *f, const char *s);
/* Whether a device (slot "dddd:bb:dd.f", "bb:dd.f" or NULL, and its layout) passes. */
bool pg_cli_filter_match(const struct pg_cli_filter *f, const char *slot,
			 const struct pg_cfg_layout *l);

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
	const char *cmd;          /* "serve" or "launch": names the command in messages and
	                             the syslog ident (pcigate-CMD); NULL: "serve" */
	const char *device;       /* dump file or BDF */
	enum pg_profile profile;
	const char *policy, *audit, *user, *sysfs_root;
	const char *trace_backend; /* JSON Lines log of every backend write/reset (testing) */
	bool no_sandbox, sandbox_check, verbose;
	bool force;               /* --force: serve a device inspect rates HIGH */
	bool syslog;              /* --syslog: library messages to syslog(3), LOG_DAEMON */
	uint32_t rom_size;        /* launch rom=FILE: the ROM BAR QEMU's romfile= needs */
};
/* A server as the CLI runs it: the library's config and server plus the output files. */
struct pg_cli_server {
	struct pg_serve_config c;   /* borrowed by s: keep srv in place while s lives */
	struct pg_serve *s;
	int audit_fd, trace_fd;     /* owned, -1 when not given */
	bool verbose;
	bool syslog;                /* log through syslog(3) instead of stderr */
	const char *cmd;            /* for messages: the command run (serve, launch) */
};

int pg_cmd_serve(int argc, char **argv);
void pg_cmd_serve_usage(FILE *out);
int pg_cmd_launch(int argc, char **argv);
void pg_cmd_launch_usage(FILE *out);
/* Options shared by serve and launch: rows for their getopt_long tables (and 'v' in the
 * short options), and pg_serve_opt() to take one (cmd names the command in messages):
 * 1 consumed, 0 not ours, -PG_EXIT_USAGE on a bad value (printed). */
enum { PG_SERVE_OPT_DEVICE = 0x100, PG_SERVE_OPT_PROFILE, PG_SERVE_OPT_POLICY,
       PG_SERVE_OPT_AUDIT, PG_SERVE_OPT_USER, PG_SERVE_OPT_SYSFS_ROOT, PG_SERVE_OPT_TRACE,
       PG_SERVE_OPT_NO_SANDBOX, PG_SERVE_OPT_FORCE, PG_SERVE_OPT_SYSLOG };
#define PG_SERVE_LONGOPTS \
	{ "device", required_argument, NULL, PG_SERVE_OPT_DEVICE }, \
	{ "profile", required_argument, NULL, PG_SERVE_OPT_PROFILE }, \
	{ "policy", required_argument, NULL, PG_SERVE_OPT_POLICY }, \
	{ "audit", required_argument, NULL, PG_SERVE_OPT_AUDIT }, \
	{ "user", required_argument, NULL, PG_SERVE_OPT_USER }, \
	{ "sysfs-root", required_argument, NULL, PG_SERVE_OPT_SYSFS_ROOT }, \
	{ "trace-backend", required_argument, NULL, PG_SERVE_OPT_TRACE }, \
	{ "no-sandbox", no_argument, NULL, PG_SERVE_OPT_NO_SANDBOX }, \
	{ "force", no_argument, NULL, PG_SERVE_OPT_FORCE }, \
	{ "syslog", no_argument, NULL, PG_SERVE_OPT_SYSLOG }, \
	{ "verbose", no_argument, NULL, 'v' }
int pg_serve_opt(const char *cmd, int c, const char *v, struct pg_serve_opts *o);
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
	bool force;               /* --force: a device inspect rates HIGH (pg_guest_check()) */
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
/* Options shared by view and session: rows for their getopt_long tables, and
 * pg_guest_opt() to take one: 1 consumed, 0 not ours, -PG_EXIT_USAGE on a bad value
 * (printed). */
enum { PG_GUEST_OPT_PROFILE = 0x100, PG_GUEST_OPT_POLICY, PG_GUEST_OPT_SYSFS_ROOT,
       PG_GUEST_OPT_FORCE };
#define PG_GUEST_LONGOPTS \
	{ "profile", required_argument, NULL, PG_GUEST_OPT_PROFILE }, \
	{ "policy", required_argument, NULL, PG_GUEST_OPT_POLICY }, \
	{ "sysfs-root", required_argument, NULL, PG_GUEST_OPT_SYSFS_ROOT }, \
	{ "force", no_argument, NULL, PG_GUEST_OPT_FORCE }
int pg_guest_opt(int c, const char *v, struct pg_guest_opts *o);
/* After the options: the one DEVICE operand (argv[optind]) into o->device; PG_EXIT_USAGE
 * (printed) when there is none or more than one. */
int pg_guest_operand(int argc, char **argv, struct pg_guest_opts *o);
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

/* launch --device DEVICE[,addr=DD[.F]][,multifunction=on|off][,rom=FILE|off]
 * (launch-device.c) */
struct pg_launch_dev {
	const char *device;      /* DEVICE: the argument itself, or path */
	char path[1024];
	char qemu[4400];         /* properties for its x-pci-proxy-dev: ",addr=05.0,romfile=..." */
	uint32_t rom_size;       /* ROM BAR the server shows for QEMU's romfile=; 0: none */
	bool rom_set;            /* rom= seen */
};
/* Parse one --device argument into d (the ROM file checked, its size and absolute path
 * taken); 0, PG_EXIT_USAGE (bad option) or PG_EXIT_INPUT (unusable ROM file), printed. */
int pg_launch_device_parse(const char *arg, struct pg_launch_dev *d);

/* assign and release (cmd-assign.c) */
int pg_cmd_assign(int argc, char **argv);
int pg_cmd_release(int argc, char **argv);
void pg_cmd_assign_usage(FILE *out);

/* virtio-blk (cmd-virtio-blk.c) */
int pg_cmd_virtio_blk(int argc, char **argv);
void pg_cmd_virtio_blk_usage(FILE *out);

#endif
