/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reset of a live sysfs device in an order the policy chose.
 *
 * Linux resets a function through ROOT/bus/pci/devices/BDF/reset, trying the methods listed
 * in BDF/reset_method (Linux 5.15+, Documentation/ABI/testing/sysfs-bus-pci) in order. To
 * honour an ordered list of allowed methods we write the allowed ones the kernel offers to
 * reset_method, reset, and write the previous list back. A method the policy excluded is
 * never written, so the kernel cannot fall through to it (threat: a bus reset that takes a
 * sibling function down, or a device that hangs on FLR, after the administrator said no).
 * Without reset_method the order cannot be controlled: named methods are refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "backend-private.h"

#define OPEN_FLAGS (O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY)
#define METHODS_MAX 256u /* the kernel's list is a few short names */

/* Kernel reset_method names per pcigate method ("flr" covers PCIe FLR and AF FLR). */
static const char *const kernel_names[PG_RESET__COUNT][2] = {
	[PG_RESET_FLR] = { "flr", "af_flr" },
	[PG_RESET_PM] = { "pm", NULL },
	[PG_RESET_BUS] = { "bus", NULL },
};

static int write_text(int dirfd, const char *name, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd = openat(dirfd, name, O_WRONLY | O_TRUNC | OPEN_FLAGS);

	if (fd < 0)
		return errno == ENOENT ? -EOPNOTSUPP : -errno;
	n = write(fd, text, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n == (ssize_t)len ? 0 : n < 0 ? (int)n : -EIO;
}

/* Read reset_method into buf (NUL-terminated, newline stripped). */
static int read_methods(int dirfd, char *buf, size_t size)
{
	ssize_t n;
	int fd = openat(dirfd, "reset_method", O_RDONLY | OPEN_FLAGS);

	if (fd < 0)
		return errno == ENOENT ? -EOPNOTSUPP : -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return (int)n;
	if ((size_t)n == size - 1)
		return -EIO; /* longer than any list the kernel writes: not trusted */
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Is name one of the space-separated words of list? */
static bool offered(const char *list, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = list; *p;) {
		size_t w;

		p += strspn(p, " ");
		w = strcspn(p, " ");
		if (w == len && memcmp(p, name, len) == 0)
			return true;
		p += w;
	}
	return false;
}

int pg_sysfs_reset_order(const char *old, const enum pg_reset_method *methods, unsigned n,
		       char *out, size_t size, enum pg_reset_method *first)
{
	size_t len = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		for (unsigned k = 0; k < 2; k++) {
			const char *name = kernel_names[methods[i]][k];
			int w;

			if (!name || !offered(old, name))
				continue;
			if (len == 0)
				*first = methods[i];
			w = snprintf(out + len, size - len, "%s%s", len ? " " : "", name);
			if (w < 0 || (size_t)w >= size - len)
				return -EIO;
			len += (size_t)w;
		}
	}
	return len ? 0 : -EOPNOTSUPP;
}

int pg_sysfs_reset_at(int dirfd, const enum pg_reset_method *methods, unsigned n,
		      enum pg_reset_method *used)
{
	char old[METHODS_MAX], order[METHODS_MAX];
	enum pg_reset_method first = PG_RESET_ANY;
	int rc, rc2;

	if (n == 1 && methods[0] == PG_RESET_ANY) {
		rc = write_text(dirfd, "reset", "1");
		if (rc == 0)
			*used = PG_RESET_ANY;
		return rc;
	}
	rc = read_methods(dirfd, old, sizeof(old));
	if (rc < 0)
		return rc;
	rc = pg_sysfs_reset_order(old, methods, n, order, sizeof(order), &first);
	if (rc < 0)
		return rc;
	rc = write_text(dirfd, "reset_method", order);
	if (rc < 0)
		return rc;
	rc = write_text(dirfd, "reset", "1");
	/* Put the administrator's list back whatever the reset did. */
	rc2 = write_text(dirfd, "reset_method", old[0] ? old : "default");
	if (rc == 0 && rc2 < 0)
		rc = rc2;
	if (rc == 0)
		*used = first;
	return rc;
}
