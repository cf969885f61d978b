/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A listening Unix socket in a fresh temporary directory, for the unit tests that play a
 * vhost-user back end in a thread (test-vhost-user.c, test-vhost-stop.c).
 */
#ifndef PG_TEST_VHU_LISTEN_H
#define PG_TEST_VHU_LISTEN_H

struct vhu_listen {
	char dir[32];
	char path[64];
	int sock;
};

/** Create the directory and the socket (listening, backlog 1); a failure fails the test. */
void vhu_listen(struct vhu_listen *l);
/** Close the socket, remove it and the directory. */
void vhu_unlisten(struct vhu_listen *l);

#endif
