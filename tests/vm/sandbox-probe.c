/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test-only probe, LD_PRELOADed into a real `pcigate serve` process by serve-client (mode
 * "probe"): it observes the sandbox from outside serve's own code. It is not linked into
 * pcigate and ships with no installed file.
 *
 * It interposes recvmsg(2). The first call comes from the serve loop waiting for QEMU's
 * first message, i.e. after serve dropped privileges and installed its seccomp filter.
 * Before forwarding that call, the probe attempts what a parser bug turned into code
 * execution would try (docs/serve.md, "Sandbox"): exec a program, ptrace another process,
 * connect a socket it created before the sandbox, open a new file, create a socket, make a
 * system call through another ABI (x32). Each
 * result is written as one line "NAME ERRNO-NAME" (or "NAME ok") with write(2) to the fd
 * named by PG_PROBE_FD, which the test inherited to the server. The calls are chosen so
 * that none of them harms the test when it succeeds (the unsandboxed control run):
 * exec of a path that does not exist, PTRACE_PEEKDATA of a process not traced, connect to
 * a socket path that does not exist.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int early_sock = -1; /* created before the sandbox, connected after it */
static int probed;

__attribute__((constructor)) static void probe_init(void)
{
	early_sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static void report(int fd, const char *what, int rc, int err)
{
	char line[96];
	int n;

	if (rc >= 0)
		n = snprintf(line, sizeof(line), "%s ok\n", what);
	else
		n = snprintf(line, sizeof(line), "%s %s\n", what, strerrorname_np(err) ?
			     strerrorname_np(err) : "E?");
	if (n > 0)
		(void)!write(fd, line, (size_t)n);
}

static void probe(int fd)
{
	static char *const argv[] = { "/nonexistent/pg-probe", NULL };
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int rc;

	errno = 0;
	rc = execve(argv[0], argv, environ);
	report(fd, "exec", rc, errno);
	errno = 0;
	rc = (int)ptrace(PTRACE_PEEKDATA, getppid(), NULL, NULL);
	report(fd, "ptrace", errno ? -1 : 0, errno);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/nonexistent/pg-probe.sock");
	rc = connect(early_sock, (struct sockaddr *)&sa, sizeof(sa));
	report(fd, "connect", rc, errno);
	rc = open("/etc/hostname", O_RDONLY | O_CLOEXEC);
	report(fd, "open", rc, errno);
	if (rc >= 0)
		close(rc);
	rc = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	report(fd, "socket", rc, errno);
	if (rc >= 0)
		close(rc);
#if defined(__x86_64__)
	/* getpid through the x32 ABI (the X32 bit in the number): another ABI must be refused
	 * with EPERM like everything else, not kill the server with SIGSYS. */
	errno = 0;
	rc = (int)syscall(0x40000000L | SYS_getpid);
	report(fd, "x32", rc, errno);
#endif
	(void)!write(fd, "done\n", 5);
}

__attribute__((visibility("default"))) ssize_t recvmsg(int sockfd, struct msghdr *msg,
							int flags);

__attribute__((visibility("default"))) ssize_t recvmsg(int sockfd, struct msghdr *msg,
							int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);
	const char *env;

	if (!real) {
		void *sym = dlsym(RTLD_NEXT, "recvmsg");

		memcpy(&real, &sym, sizeof(real)); /* POSIX: a function's address in a void * */
	}
	if (!probed && (env = getenv("PG_PROBE_FD")) != NULL) {
		int saved = errno;

		probed = 1;
		probe(atoi(env));
		errno = saved;
	}
	return real(sockfd, msg, flags);
}
