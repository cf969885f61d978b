/* SPDX-License-Identifier: GPL-2.0-or-later */
/* See vhu-listen.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "vhu-listen.h"

void vhu_listen(struct vhu_listen *l)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(l->dir, sizeof(l->dir), "/tmp/pcigate-vhu-XXXXXX");
	assert_non_null(mkdtemp(l->dir));
	snprintf(l->path, sizeof(l->path), "%s/s", l->dir);
	memcpy(sa.sun_path, l->path, strlen(l->path) + 1);
	l->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(l->sock >= 0);
	assert_int_equal(bind(l->sock, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(l->sock, 1), 0);
}

void vhu_unlisten(struct vhu_listen *l)
{
	close(l->sock);
	unlink(l->path);
	rmdir(l->dir);
}
