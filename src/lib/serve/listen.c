/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `serve --socket PATH`: the listening socket's lifecycle (docs/serve.md, "Listening on a
 * path").
 *
 * - A stale socket (a server died without removing it) is replaced; a live one, where
 *   another server accepts connections, is refused; a path that is not a socket is never
 *   removed. Live means /proc/net/unix lists a listening socket bound to that path. Not a
 *   probe connect(2): the other server accepts exactly one connection and would serve
 *   the probe, then exit.
 * - SIGTERM/SIGINT while waiting for the first connection end the wait: the socket is
 *   removed and the caller exits 0, as a stop while serving does. The signals are blocked
 *   outside ppoll(2), so one arriving between the check and the wait is not lost.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "serve-private.h"

static int lfail(char *why, size_t size, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int lfail(char *why, size_t size, int rc, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		(void)vsnprintf(why, size, fmt, ap);
		va_end(ap);
	}
	return rc;
}

int pg_serve_user_check(const char *user, char *why, size_t size)
{
	struct passwd *pw;

	if (!user)
		return 0;
	pw = getpwnam(user);
	if (!pw)
		return lfail(why, size, -ENOENT, "--user %s: no such user", user);
	if (geteuid() != 0 && pw->pw_uid != geteuid())
		return lfail(why, size, -EPERM, "--user %s: only root can switch users", user);
	return 0;
}

/* Is a socket listening at path (as given, or as abs)? From /proc/net/unix: a probe
 * connect(2) would be accepted as the one connection that other server serves. A listening
 * socket has __SO_ACCEPTCON (0x10000) in Flags. Returns 1 yes, 0 no, -errno unreadable. */
static int listening_at(const char *path, const char *abs)
{
	FILE *f = fopen("/proc/net/unix", "re");
	char line[4096 + 128];
	int found = 0;

	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f)) {
		unsigned long flags;
		char *p, *nl;
		int n = 0;

		if (sscanf(line, "%*s %*s %*s %lx %*s %*s %*s %n", &flags, &n) != 1 || !n)
			continue;
		p = line + n;
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if ((flags & 0x10000ul) && (!strcmp(p, path) || (abs[0] && !strcmp(p, abs))))
			found = 1;
	}
	(void)fclose(f);
	return found;
}

/* EADDRINUSE on bind: replace a stale socket, refuse a live one or a non-socket. */
static int replace_stale(const struct sockaddr_un *sa, char *why, size_t size)
{
	char abs[PATH_MAX] = "", dir[PATH_MAX];
	const char *slash = strrchr(sa->sun_path, '/');
	struct stat st;
	int rc;

	if (lstat(sa->sun_path, &st) < 0)
		return lfail(why, size, -errno, "%s", strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return lfail(why, size, -EEXIST, "exists and is not a socket (not removed)");
	/* the kernel shows the path its server bound, which may have been absolute */
	(void)snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - sa->sun_path) : 1,
		       slash ? sa->sun_path : ".");
	if (realpath(dir[0] ? dir : "/", abs))
		(void)snprintf(abs + strlen(abs), sizeof(abs) - strlen(abs), "/%s",
			       slash ? slash + 1 : sa->sun_path);
	else
		abs[0] = '\0';
	rc = listening_at(sa->sun_path, abs);
	if (rc < 0)
		return lfail(why, size, rc, "cannot tell whether it is in use (/proc/net/unix: "
			     "%s)", strerror(-rc));
	if (rc > 0)
		return lfail(why, size, -EADDRINUSE,
			     "another server is listening on it (stop that one first)");
	if (unlink(sa->sun_path) < 0 && errno != ENOENT)
		return lfail(why, size, -errno, "cannot remove the stale socket: %s",
			     strerror(errno));
	return 1; /* stale, removed: bind again */
}

int pg_serve_listen(const char *path, int *ret_fd, bool *ret_stale, char *why, size_t size)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, rc;

	if (!path || !ret_fd)
		return lfail(why, size, -EINVAL, "invalid arguments");
	if (ret_stale)
		*ret_stale = false;
	if (!path[0] || strlen(path) >= sizeof(sa.sun_path))
		return lfail(why, size, -ENAMETOOLONG, "path empty or too long");
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lfail(why, size, -errno, "socket: %s", strerror(errno));
	rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : -errno;
	if (rc == -EADDRINUSE) {
		rc = replace_stale(&sa, why, size);
		if (rc == 1 && ret_stale)
			*ret_stale = true;
		if (rc == 1)
			rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ? 0 : -errno;
		if (rc < 0 && rc != -EADDRINUSE && rc != -EEXIST && why && !why[0])
			(void)lfail(why, size, rc, "%s", strerror(-rc));
	} else if (rc < 0) {
		(void)lfail(why, size, rc, "%s", strerror(-rc));
	}
	if (rc == 0 && listen(fd, 1) < 0) {
		rc = -errno;
		(void)lfail(why, size, rc, "listen: %s", strerror(-rc));
		(void)unlink(path);
	}
	if (rc < 0) {
		(void)close(fd);
		return rc;
	}
	*ret_fd = fd;
	return 0;
}

static volatile sig_atomic_t wait_signal;

static void on_wait_signal(int sig)
{
	wait_signal = sig;
}

/* Wait for a connection or SIGTERM/SIGINT; the signals are delivered only inside ppoll. */
static int wait_conn(int lfd, int watch_fd, int *ret_cfd)
{
	struct sigaction sa = { .sa_handler = on_wait_signal }, old_term, old_int;
	sigset_t block, old_mask;
	int rc = 0;

	(void)sigemptyset(&sa.sa_mask);
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGINT);
	(void)sigprocmask(SIG_BLOCK, &block, &old_mask);
	wait_signal = 0;
	(void)sigaction(SIGTERM, &sa, &old_term);
	(void)sigaction(SIGINT, &sa, &old_int);
	for (;;) {
		/* a negative watch_fd is ignored by ppoll */
		struct pollfd p[2] = { { .fd = lfd, .events = POLLIN },
				       { .fd = watch_fd, .events = POLLIN } };
		sigset_t during = old_mask;

		(void)sigdelset(&during, SIGTERM);
		(void)sigdelset(&during, SIGINT);
		if (ppoll(p, 2, NULL, &during) < 0 && errno != EINTR) {
			rc = -errno;
			break;
		}
		if (wait_signal) {
			rc = wait_signal;
			break;
		}
		if (watch_fd >= 0 && (p[1].revents & (POLLIN | POLLERR | POLLHUP))) {
			rc = -ECANCELED; /* the device is wanted back */
			break;
		}
		if (!(p[0].revents & POLLIN))
			continue;
		*ret_cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (*ret_cfd >= 0)
			break;
		if (errno != EINTR && errno != ECONNABORTED && errno != EAGAIN) {
			rc = -errno;
			break;
		}
	}
	(void)sigaction(SIGTERM, &old_term, NULL);
	(void)sigaction(SIGINT, &old_int, NULL);
	(void)sigprocmask(SIG_SETMASK, &old_mask, NULL);
	return rc;
}

int pg_serve_accept_watch(int lfd, const char *path, int watch_fd, int *ret_cfd, char *why,
			  size_t size)
{
	int rc;

	if (lfd < 0 || !path || !ret_cfd)
		return lfail(why, size, -EINVAL, "invalid arguments");
	rc = wait_conn(lfd, watch_fd, ret_cfd);
	(void)close(lfd);
	(void)unlink(path); /* one connection per server: nobody else may connect */
	if (rc == -ECANCELED)
		return lfail(why, size, PG_SERVE_RELEASED, "the kernel asks for the device back "
			     "(unbind or removal) while waiting for a connection: stopping");
	if (rc < 0)
		return lfail(why, size, rc, "accept: %s", strerror(-rc));
	if (rc > 0)
		return lfail(why, size, PG_SERVE_STOPPED, "stopped by %s while waiting for a "
			     "connection", rc == SIGINT ? "SIGINT" : "SIGTERM");
	return 0;
}

int pg_serve_accept(int lfd, const char *path, int *ret_cfd, char *why, size_t size)
{
	return pg_serve_accept_watch(lfd, path, -1, ret_cfd, why, size);
}
