/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * serve-client's harness (serve-client.h): the `pcigate serve` child and the mpqemu
 * messages as QEMU 7.2's x-pci-proxy-dev sends them (docs/serve.md, mpqemu §3).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pcigate/proto.h>

#include "serve-client.h"

int failures;
int probe_fd = -1;

void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return;
	failures++;
	fputs("FAIL: ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void spawn(struct child *c, char **argv)
{
	int sv[2], p[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe2(p, O_CLOEXEC) < 0) {
		perror("socketpair/pipe");
		exit(1);
	}
	c->pid = fork();
	if (c->pid == 0) {
		/* The server's end becomes fd 3, inherited like QEMU's fd= socket. */
		if (dup2(sv[1], 3) < 0 || dup2(p[1], 1) < 0 || dup2(p[1], 2) < 0)
			_exit(126);
		if (probe_fd >= 0) {
			/* dup2 onto itself keeps FD_CLOEXEC: clear it explicitly. */
			if (dup2(probe_fd, 4) < 0 || fcntl(4, F_SETFD, 0) < 0)
				_exit(126);
			setenv("PG_PROBE_FD", "4", 1);
			setenv("LD_PRELOAD", getenv("PG_SANDBOX_PROBE"), 1);
		}
		/* This program ignores SIGPIPE; serve must not inherit that (an ignored
		 * disposition survives exec), it has to cope with the default itself. */
		signal(SIGPIPE, SIG_DFL);
		/* LeakSanitizer cannot run under seccomp (it needs ptrace and /proc); the probe
		 * is preloaded ahead of an ASan runtime. */
		setenv("ASAN_OPTIONS", "detect_leaks=0:verify_asan_link_order=0", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(sv[1]);
	close(p[1]);
	c->sk = sv[0];
	c->out = p[0];
}

/* Read fd to EOF (at most cap - 1 bytes) into out, NUL-terminated. */
void read_all(int fd, char *out, size_t cap)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < cap && (r = read(fd, out + n, cap - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
}

/* A temporary directory the sandboxed server (nobody after dropping root) can write its
 * trace into; trace gets the file's path. 0 or -1. */
int trace_dir(char *dir, char *trace, size_t cap)
{
	if (!mkdtemp(dir)) {
		check(false, "mkdtemp: %s", strerror(errno));
		return -1;
	}
	(void)chmod(dir, 0777);
	snprintf(trace, cap, "%s/trace.jsonl", dir);
	return 0;
}

int finish(struct child *c, char *out, size_t cap)
{
	int st;

	close(c->sk);
	read_all(c->out, out, cap);
	close(c->out);
	if (waitpid(c->pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void send_msg(int sk, uint32_t cmd, const void *payload, uint64_t size, const int *fds,
		     unsigned nfds)
{
	uint8_t b[PG_PROTO_HDR_SIZE + PG_PROTO_MAX_PAYLOAD] = { 0 };
	union {
		char c[CMSG_SPACE(8 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = b, .iov_len = PG_PROTO_HDR_SIZE + size };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	memcpy(b, &cmd, 4);
	memcpy(b + 8, &size, 8);
	if (size)
		memcpy(b + PG_PROTO_HDR_SIZE, payload, size);
	if (nfds) {
		struct cmsghdr *cm;

		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.c;
		mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(nfds * sizeof(int));
		memcpy(CMSG_DATA(cm), fds, nfds * sizeof(int));
	}
	if (sendmsg(sk, &mh, MSG_NOSIGNAL) != (ssize_t)iov.iov_len)
		check(false, "sendmsg cmd %u: %s", cmd, strerror(errno));
}

/* Wait for a RET; returns its value, or UINT64_MAX - 1 on EOF/garbage. */
uint64_t await_ret(int sk)
{
	uint8_t b[PG_PROTO_REPLY_SIZE];
	uint32_t cmd;
	uint64_t size, val;

	if (recv(sk, b, sizeof(b), MSG_WAITALL) != (ssize_t)sizeof(b))
		return UINT64_MAX - 1;
	memcpy(&cmd, b, 4);
	memcpy(&size, b + 8, 8);
	memcpy(&val, b + 16, 8);
	return cmd == PG_PROTO_RET && size == 8 ? val : UINT64_MAX - 1;
}

uint64_t cfg(int sk, bool write, uint32_t addr, uint32_t val, int32_t len)
{
	uint8_t p[PG_PROTO_CFG_SIZE];

	memcpy(p, &addr, 4);
	memcpy(p + 4, &val, 4);
	memcpy(p + 8, &len, 4);
	send_msg(sk, write ? PG_PROTO_CFGWRITE : PG_PROTO_CFGREAD, p, sizeof(p), NULL, 0);
	return await_ret(sk);
}

void sync_sysmem(int sk, int ram)
{
	uint64_t p[24] = { 0 };
	int fds[2] = { ram, ram };

	p[0] = 0;          /* gpa */
	p[8] = 0xa0000;    /* size */
	p[16] = 0;         /* offset */
	p[1] = 0x100000;
	p[9] = 0x1f00000;
	p[17] = 0x100000;
	send_msg(sk, PG_PROTO_SYNC_SYSMEM, p, sizeof(p), fds, 2);
}

/* Does some line of the file at path contain needle? (false when it cannot be read) */
bool file_has(const char *path, const char *needle)
{
	char line[16384]; /* a trace line carries a whole config space in hex */
	bool found = false;
	FILE *f = fopen(path, "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return found;
}

void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	check(f && fputs(text, f) >= 0, "write %s", path);
	if (f)
		fclose(f);
}

/* Wait for pid at most ms milliseconds; its exit code (128 + signal), or -1 on timeout
 * (then it is killed). */
int wait_bounded(pid_t pid, int ms)
{
	int st;

	for (int t = 0; t < ms; t += 20) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}
