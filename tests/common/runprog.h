/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helpers shared by the functional tests: run a program without a shell and collect
 * its standard output, and list a corpus directory. One copy, so every test that runs
 * lspci or pcigate does it the same way (fixed argv, bounded output, exit status checked).
 * Static inline: each test includes it once.
 */
#ifndef PG_TEST_RUNPROG_H
#define PG_TEST_RUNPROG_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RP_MAX_OUT (16u << 20) /* more output than any test produces: a runaway program */

/* Read fd to EOF into a malloc'd NUL-terminated buffer (NULL past RP_MAX_OUT or OOM). */
static inline char *rp_read_all(int fd, size_t *ret_len)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);

	for (ssize_t r = 1; buf && r > 0;) {
		if (len == cap) {
			char *nb = cap < RP_MAX_OUT ? realloc(buf, 2 * cap + 1) : NULL;

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + len, cap - len);
		if (r > 0)
			len += (size_t)r;
		else if (r < 0 && errno == EINTR)
			r = 1;
	}
	if (buf) {
		buf[len] = '\0';
		*ret_len = len;
	}
	return buf;
}

/*
 * Run argv[0] (looked up in PATH when it has no slash) with argv, stdout captured and
 * stderr sent to err_path (NULL: /dev/null). Returns the output (malloc'd, NUL-terminated;
 * *ret_len bytes) with *ret_status the exit status (-1 when killed by a signal), or NULL
 * with why set (pipe/fork failure, output too large).
 */
static inline char *rp_run(char *const argv[], const char *err_path, size_t *ret_len,
			   int *ret_status, char *why, size_t whylen)
{
	int fds[2], status = 0;
	char *buf;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return NULL;
	}
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return NULL;
	}
	if (pid == 0) {
		int e = err_path ? open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
				 : open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (dup2(fds[1], STDOUT_FILENO) < 0 || e < 0 || dup2(e, STDERR_FILENO) < 0)
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	buf = rp_read_all(fds[0], ret_len);
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0) {
		snprintf(why, whylen, "waitpid: %s", strerror(errno));
		free(buf);
		return NULL;
	}
	if (!buf) {
		snprintf(why, whylen, "%s: output too large or out of memory", argv[0]);
		return NULL;
	}
	*ret_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return buf;
}

/* A whole file as a malloc'd NUL-terminated buffer, or NULL. */
static inline char *rp_read_file(const char *path, size_t *ret_len)
{
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;

	if (fd < 0)
		return NULL;
	buf = rp_read_all(fd, &len);
	close(fd);
	if (buf && ret_len)
		*ret_len = len;
	return buf;
}

static inline int rp_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir ending in suffix, sorted; *ret is malloc'd (free each name, then it).
 * Returns the count, or (size_t)-1 when dir cannot be read or holds more than max. */
static inline size_t rp_list_dir(const char *dir, const char *suffix, size_t max, char ***ret)
{
	size_t n = 0, sl = strlen(suffix);
	char **names = calloc(max ? max : 1, sizeof(*names));
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!names || !d) {
		free(names);
		if (d)
			closedir(d);
		return (size_t)-1;
	}
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len <= sl || strcmp(e->d_name + len - sl, suffix))
			continue;
		if (n == max || !(names[n] = strdup(e->d_name))) {
			while (n)
				free(names[--n]);
			free(names);
			closedir(d);
			return (size_t)-1;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), rp_cmp_str);
	*ret = names;
	return n;
}

static inline void rp_free_list(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

#endif
