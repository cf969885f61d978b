/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the guest-memory table (src/lib/proto/sysmem.c) with real memfds: region
 * validation (not memory, unaligned offset, beyond the file, overlapping regions, region/fd
 * count mismatch), a failed replacement keeps the old table and leaves the fds to the
 * message, a successful one closes the old fds, and DMA reads/writes land in the memfd at
 * the right offset while out-of-range accesses fail with -EFAULT.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/proto.h>

#define MIB (1ull << 20)

static int memfd_of(uint64_t size)
{
	int fd = memfd_create("test-ram", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	return fd;
}

/* A decoded SYNC_SYSMEM message owning fds[i] for region i. */
static void msg_init(struct pg_proto_msg *m, unsigned n)
{
	memset(m, 0, sizeof(*m));
	m->cmd = PG_PROTO_SYNC_SYSMEM;
	m->nfds = n;
	m->u.sysmem.nregions = n;
	for (unsigned i = 0; i < PG_PROTO_MAX_FDS; i++)
		m->fds[i] = -1;
}

static void region(struct pg_proto_msg *m, unsigned i, int fd, uint64_t gpa, uint64_t size,
		   uint64_t off)
{
	m->fds[i] = fd;
	m->u.sysmem.gpa[i] = gpa;
	m->u.sysmem.size[i] = size;
	m->u.sysmem.offset[i] = off;
}

enum fdkind { RAM, EVENT, PIPE };

static const struct {
	enum fdkind kind;
	uint64_t gpa, size, off;      /* region 1; region 0 is [0, 1 MiB) at offset 0 */
	const char *text;             /* NULL: accepted */
} cases[] = {
	{ RAM, 1 * MIB, 1 * MIB, 1 * MIB, NULL },
	{ RAM, 8 * MIB, 4096, 2 * MIB - 4096, NULL },     /* ends exactly at the file end */
	{ EVENT, 1 * MIB, 4096, 0, "not a memfd or regular file" },
	{ PIPE, 1 * MIB, 4096, 0, "not a memfd or regular file" },
	{ RAM, 1 * MIB, 4096, 100, "not page-aligned" },
	{ RAM, 1 * MIB, 2 * MIB, 4096, "beyond the file" },
	{ RAM, 1 * MIB, 4096, 2 * MIB, "beyond the file" },
	{ RAM, 0xff000, 8192, 0, "overlap" },               /* tail of region 0 */
	{ RAM, 0, 1 * MIB, 0, "overlap" },
};

static void test_validation(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pg_sysmem *mem;
		struct pg_proto_msg m;
		struct pg_proto_error err = { 0, "" };
		int p[2] = { -1, -1 }, fd, rc;

		assert_int_equal(pg_sysmem_new(&mem), 0);
		if (cases[i].kind == RAM) {
			fd = memfd_of(2 * MIB);
		} else if (cases[i].kind == EVENT) {
			fd = eventfd(0, EFD_CLOEXEC);
		} else {
			assert_int_equal(pipe2(p, O_CLOEXEC), 0);
			fd = p[0];
		}
		msg_init(&m, 2);
		region(&m, 0, memfd_of(1 * MIB), 0, 1 * MIB, 0);
		region(&m, 1, fd, cases[i].gpa, cases[i].size, cases[i].off);
		rc = pg_sysmem_replace(mem, &m, &err);
		if (!cases[i].text) {
			if (rc != 0)
				fail_msg("case %zu: %s", i, err.text);
			assert_int_equal(m.fds[0], -1); /* stolen */
			assert_int_equal(m.fds[1], -1);
			assert_int_equal(pg_sysmem_count(mem), 2);
		} else {
			assert_int_equal(rc, -EPROTO);
			if (!strstr(err.text, cases[i].text))
				fail_msg("case %zu: '%s' lacks '%s'", i, err.text, cases[i].text);
			assert_true(m.fds[1] == fd);    /* still the message's */
			assert_int_equal(pg_sysmem_count(mem), 0);
		}
		pg_proto_msg_clear(&m);
		if (p[1] >= 0)
			close(p[1]);
		pg_sysmem_free(mem);
	}
}

static void test_replace_and_dma(void **state)
{
	struct pg_sysmem *mem;
	struct pg_proto_msg m;
	int ram = memfd_of(4 * MIB), a, b;
	uint64_t v = 0x0123456789abcdefull, got = 0;
	uint8_t big[64];

	assert_int_equal(pg_sysmem_new(&mem), 0);
	/* two regions of the same memfd, GPA != offset for region 1 */
	msg_init(&m, 2);
	a = dup(ram);
	b = dup(ram);
	region(&m, 0, a, 0, 0xa0000, 0);
	region(&m, 1, b, 0x100000, 2 * MIB, 2 * MIB);
	assert_int_equal(pg_sysmem_replace(mem, &m, NULL), 0);
	assert_int_equal(pg_sysmem_write(mem, 0x100008, &v, 8), 0);
	assert_int_equal(pread(ram, &got, 8, 2 * MIB + 8), 8);  /* offset + (gpa - base) */
	assert_true(got == v);
	got = 0;
	assert_int_equal(pg_sysmem_read(mem, 0x100008, &got, 8), 0);
	assert_true(got == v);
	/* out of range: between regions, past the end, straddling, wrapping, empty */
	assert_int_equal(pg_sysmem_read(mem, 0xa0000, &got, 8), -EFAULT);
	assert_int_equal(pg_sysmem_read(mem, 0x100000 + 2 * MIB, &got, 1), -EFAULT);
	assert_int_equal(pg_sysmem_read(mem, 0x100000 + 2 * MIB - 32, big, 64), -EFAULT);
	assert_int_equal(pg_sysmem_read(mem, UINT64_MAX - 2, &got, 8), -EFAULT);
	assert_int_equal(pg_sysmem_read(mem, 0, &got, 0), -EINVAL);
	assert_int_equal(pg_sysmem_write(mem, 0x9fff8, &v, 8), 0); /* last 8 bytes of region 0 */

	/* a failing replacement keeps the old table */
	msg_init(&m, 1);
	region(&m, 0, eventfd(0, EFD_CLOEXEC), 0, 4096, 0);
	assert_int_equal(pg_sysmem_replace(mem, &m, NULL), -EPROTO);
	pg_proto_msg_clear(&m);
	assert_int_equal(pg_sysmem_count(mem), 2);
	assert_int_equal(pg_sysmem_read(mem, 0x100008, &got, 8), 0);

	/* a successful one closes the old fds and drops the old mappings */
	msg_init(&m, 1);
	region(&m, 0, dup(ram), 0, 4096, 0);
	assert_int_equal(pg_sysmem_replace(mem, &m, NULL), 0);
	assert_true(fcntl(a, F_GETFD) < 0 && errno == EBADF);
	assert_true(fcntl(b, F_GETFD) < 0 && errno == EBADF);
	assert_int_equal(pg_sysmem_count(mem), 1);
	assert_int_equal(pg_sysmem_read(mem, 0x100008, &got, 8), -EFAULT);

	/* wrong message kind, count mismatch */
	msg_init(&m, 1);
	m.cmd = PG_PROTO_CFGREAD;
	assert_int_equal(pg_sysmem_replace(mem, &m, NULL), -EINVAL);
	msg_init(&m, 0);
	m.u.sysmem.nregions = 1;
	assert_int_equal(pg_sysmem_replace(mem, &m, NULL), -EPROTO);
	pg_sysmem_free(mem);
	pg_sysmem_free(NULL);
	close(ram);
}

/*
 * QEMU re-sends the whole table (new fds for the same files) after every memory-topology
 * change: a region naming the same file, offset, size and guest address keeps its id and
 * mapping (its DMA mapping can stay, pg_vfio_dma_sync()) and the fd sent again is left in
 * the message to be closed; any difference makes a new region with a new id.
 */
static void test_unchanged_regions(void **state)
{
	struct pg_sysmem *mem;
	struct pg_proto_msg m;
	int ram = memfd_of(4 * MIB), other = memfd_of(4 * MIB), a, again;
	uint64_t gpa, size, id0, id1;
	void *va0, *va1, *va;

	(void)state;
	assert_int_equal(pg_sysmem_new(&mem), 0);
	assert_int_equal(pg_sysmem_region_id(mem, 0), 0); /* no region */
	msg_init(&m, 2);
	a = dup(ram);
	region(&m, 0, a, 0, 0xa0000, 0);
	region(&m, 1, dup(ram), 0x100000, 2 * MIB, 2 * MIB);
	assert_int_equal(pg_sysmem_replace(mem, &m, NULL), 0);
	id0 = pg_sysmem_region_id(mem, 0);
	id1 = pg_sysmem_region_id(mem, 1);
	assert_true(id0 != 0 && id1 != 0 && id0 != id1);
	assert_int_equal(pg_sysmem_region(mem, 0, &gpa, &size, &va0), 0);
	assert_int_equal(pg_sysmem_region(mem, 1, &gpa, &size, &va1), 0);

	/* the same table again, in the other order, with new fds: same ids, same mappings */
	msg_init(&m, 2);
	again = dup(ram);
	region(&m, 0, dup(ram), 0x100000, 2 * MIB, 2 * MIB);
	region(&m, 1, again, 0, 0xa0000, 0);
	assert_int_equal(pg_sysmem_replace(mem, &m, NULL), 0);
	assert_true(pg_sysmem_region_id(mem, 0) == id1 && pg_sysmem_region_id(mem, 1) == id0);
	assert_int_equal(pg_sysmem_region(mem, 0, &gpa, &size, &va), 0);
	assert_ptr_equal(va, va1);
	assert_int_equal(gpa, 0x100000);
	assert_int_equal(pg_sysmem_region(mem, 1, &gpa, &size, &va), 0);
	assert_ptr_equal(va, va0);
	assert_int_equal(m.fds[1], again); /* not taken: the caller closes it */
	assert_true(fcntl(a, F_GETFD) >= 0); /* the kept region's own fd is still open */
	pg_proto_msg_clear(&m);

	/* another file, a resized region: new ids; the dropped region's fd is closed */
	msg_init(&m, 2);
	region(&m, 0, dup(other), 0x100000, 2 * MIB, 2 * MIB);
	region(&m, 1, dup(ram), 0, 0x80000, 0);
	assert_int_equal(pg_sysmem_replace(mem, &m, NULL), 0);
	assert_true(pg_sysmem_region_id(mem, 0) != id1 && pg_sysmem_region_id(mem, 1) != id0);
	assert_true(pg_sysmem_region_id(mem, 0) != pg_sysmem_region_id(mem, 1));
	assert_true(fcntl(a, F_GETFD) < 0 && errno == EBADF);
	assert_int_equal(pg_sysmem_region_id(mem, 2), 0);
	assert_int_equal(pg_sysmem_region_id(NULL, 0), 0);
	pg_sysmem_free(mem);
	close(ram);
	close(other);
}

/*
 * A compromised VMM shrinks the memory file after SYNC_SYSMEM was validated: every later
 * access must fail with -EFAULT (it used to be a load from a mapped page past the end of
 * the file: SIGBUS, the server dies). The region mapping for IOMMU registration stays
 * valid as an address range and is never touched by the server.
 */
static void test_shrunk_file(void **state)
{
	struct pg_sysmem *mem;
	struct pg_proto_msg m;
	int ram = memfd_of(2 * MIB);
	uint64_t v = 0x1122334455667788ull, got = 0, gpa = 1, size = 0;
	void *va = NULL;

	(void)state;
	assert_int_equal(pg_sysmem_new(&mem), 0);
	msg_init(&m, 1);
	region(&m, 0, dup(ram), 0x100000, 2 * MIB, 0);
	assert_int_equal(pg_sysmem_replace(mem, &m, NULL), 0);
	assert_int_equal(pg_sysmem_region(mem, 0, &gpa, &size, &va), 0);
	assert_true(gpa == 0x100000 && size == 2 * MIB && va != NULL);
	assert_int_equal(pg_sysmem_region(mem, 1, &gpa, &size, &va), -ENOENT);
	assert_int_equal(pg_sysmem_region(mem, 0, NULL, &size, &va), -EINVAL);
	assert_int_equal(pg_sysmem_write(mem, 0x100000 + MIB + 8, &v, 8), 0);
	assert_int_equal(ftruncate(ram, (off_t)MIB), 0);       /* the VMM shrinks it */
	assert_int_equal(pg_sysmem_read(mem, 0x100000 + MIB + 8, &got, 8), -EFAULT);
	assert_int_equal(pg_sysmem_write(mem, 0x100000 + MIB + 8, &v, 8), -EFAULT);
	assert_int_equal(pg_sysmem_read(mem, 0x100000 + MIB - 4, &got, 8), -EFAULT); /* straddles */
	assert_int_equal(pg_sysmem_write(mem, 0x100000, &v, 8), 0);    /* below the new end */
	assert_int_equal(pg_sysmem_read(mem, 0x100000, &got, 8), 0);
	assert_true(got == v);
	pg_sysmem_free(mem);
	close(ram);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validation),
		cmocka_unit_test(test_replace_and_dma),
		cmocka_unit_test(test_unchanged_regions),
		cmocka_unit_test(test_shrunk_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
