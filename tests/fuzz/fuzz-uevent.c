/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: kernel uevent messages through pg_guard_uevent_parse(). An accepted
 * event must name a canonical device address that is the last component of a /devices
 * path, a known action and a plain driver name; anything else is refused with a
 * documented code and leaves the output untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/backend.h>
#include <pcigate/guard.h>

#include "fuzz-common.h"

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pg_guard_uevent ev, untouched;
	char canon[13];
	const char *last;
	int rc;

	memset(&ev, 0x5a, sizeof(ev));
	memcpy(&untouched, &ev, sizeof(ev));
	rc = pg_guard_uevent_parse(data, size, &ev);
	if (rc < 0) {
		CHECK(rc == -EINVAL || rc == -ENOENT || rc == -E2BIG);
		CHECK(!memcmp(&ev, &untouched, sizeof(ev)));
		return 0;
	}
	CHECK((unsigned)ev.action < PG_UEV__COUNT);
	CHECK(memchr(ev.devpath, '\0', sizeof(ev.devpath)));
	CHECK(!strncmp(ev.devpath, "/devices/", 9) && !strstr(ev.devpath, "/../"));
	CHECK(pg_bdf_parse(ev.bdf, canon) == 0 && !strcmp(canon, ev.bdf));
	last = strrchr(ev.devpath, '/');
	CHECK(last && !strcmp(last + 1, ev.bdf));
	CHECK(memchr(ev.driver, '\0', sizeof(ev.driver)));
	for (const char *p = ev.driver; *p; p++)
		CHECK((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '-');
	CHECK(ev.class_code <= 0xffffff);
	return 0;
}
