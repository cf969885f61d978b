/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Test helper: how many file descriptors this process has open (/proc/self/fd entries,
 * including the directory's own fd and "." and ".."; only differences are meaningful).
 * Tests compare it before and after an operation to prove no fd leaks. Needs cmocka. */
#ifndef PG_TEST_FDCOUNT_H
#define PG_TEST_FDCOUNT_H

#include <dirent.h>

static inline unsigned pg_test_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	unsigned n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

#endif
