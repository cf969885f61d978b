/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serve-client's shared pieces (serve-client.c has the usage and the model-device modes,
 * serve-client-vfio.c the modes on a real device inside the VM guest): failure counting,
 * the `pcigate serve` child on an mpqemu socketpair, and QEMU 7.2's messages (docs/serve.md).
 * A test program: single-threaded, exits on setup failures, counts check failures.
 */
#ifndef PG_TEST_SERVE_CLIENT_H
#define PG_TEST_SERVE_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/** Failed checks so far (the exit status is 1 when any). */
extern int failures;

/** Count a failure and print "FAIL: ..." when ok is false. */
void check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** A `pcigate serve` child. */
struct child {
	pid_t pid;
	int sk;      /* our end of the mpqemu socket */
	int out;     /* the child's stdout+stderr */
};

/** Mode probe: the write end handed to the server as fd 4 (-1: none). */
extern int probe_fd;

/** Start argv (argv[0] a path) with the server end of a socketpair as fd 3 and stdout and
 *  stderr on a pipe (c->out). Exits the program if that cannot be set up. */
void spawn(struct child *c, char **argv);
/** Read fd to EOF (at most cap - 1 bytes) into out, NUL-terminated. */
void read_all(int fd, char *out, size_t cap);
/** A world-writable temporary directory (dir is a mkdtemp template) for a sandboxed
 *  server's trace; trace gets the file's path. @return 0 or -1 (a failed check). */
int trace_dir(char *dir, char *trace, size_t cap);
/** Close our socket end, collect the child's output and wait for it. @return its exit
 *  code (128 + signal), -1 if waitpid failed. */
int finish(struct child *c, char *out, size_t cap);
/** One mpqemu message with nfds fds (SCM_RIGHTS); a short send is a failed check. */
void send_msg(int sk, uint32_t cmd, const void *payload, uint64_t size, const int *fds,
	      unsigned nfds);
/** Wait for a RET. @return its value, or UINT64_MAX - 1 on EOF or garbage. */
uint64_t await_ret(int sk);
/** A CFGREAD or CFGWRITE and its RET value. */
uint64_t cfg(int sk, bool write, uint32_t addr, uint32_t val, int32_t len);
/** QEMU's two-region SYNC_SYSMEM (low RAM below 640 KiB, RAM from 1 MiB) over the memfd. */
void sync_sysmem(int sk, int ram);
/** Does some line of the file at path contain needle? (false when it cannot be read) */
bool file_has(const char *path, const char *needle);
/** Write text to path (a failed check otherwise). */
void write_file(const char *path, const char *text);
/** Wait for pid at most ms milliseconds. @return its exit code (128 + signal), or -1 on
 *  timeout (then it is killed). */
int wait_bounded(pid_t pid, int ms);

/* serve-client-vfio.c: DUMP is vfio:BDF of QEMU's edu inside the VM guest. */
void mode_vfio(char *pcigate, char *spec);
void mode_request(char *pcigate, char *spec);

#endif
