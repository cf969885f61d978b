/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Guest RAM table from SYNC_SYSMEM (docs/serve.md, mpqemu §5): at most 8 regions,
 * each {gpa, size, offset, fd}. The server's own accesses use pread()/pwrite() on the fd;
 * a region is mapped only to register it with an IOMMU for device DMA
 * (pg_sysmem_region()), and that mapping is never dereferenced by the server.
 *
 * Threat: the VMM chooses the fds and the numbers. Before a table is accepted every fd must
 * be a regular file (memfd or file), every offset page-aligned and every region inside its
 * file's current size, and no two regions may overlap in guest-physical space, so a later
 * lookup is unambiguous. QEMU re-sends the whole table after every memory-topology change
 * (84 times per boot on `pc`): the replacement closes and unmaps the old regions it does
 * not keep, so the number of fds we hold never exceeds 8. A region that comes back
 * unchanged (same file by device and inode, same offset, size and guest address) keeps
 * its mapping and id, so its DMA mapping is not redone (pg_vfio_dma_sync()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "proto-private.h"

struct region {
	uint64_t gpa, size, offset;
	int fd;
	void *map;      /**< NULL until first access */
	dev_t dev;      /**< the file behind fd (fstat at validation) */
	ino_t ino;
	uint64_t id;    /**< pg_sysmem_region_id(): kept while the region is unchanged */
};

struct pg_sysmem {
	struct region r[PG_PROTO_MAX_FDS];
	unsigned n;
	uint64_t next_id;
};

int pg_sysmem_new(struct pg_sysmem **ret)
{
	struct pg_sysmem *m;

	if (!ret)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	*ret = m;
	return 0;
}

static void drop(struct region *r)
{
	if (r->map)
		(void)munmap(r->map, r->size);
	if (r->fd >= 0)
		(void)close(r->fd);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

static void drop_all(struct pg_sysmem *m)
{
	for (unsigned i = 0; i < m->n && i < PG_PROTO_MAX_FDS; i++)
		drop(&m->r[i]);
	m->n = 0;
}

void pg_sysmem_free(struct pg_sysmem *mem)
{
	if (!mem)
		return;
	drop_all(mem);
	free(mem);
}

unsigned pg_sysmem_count(const struct pg_sysmem *mem)
{
	return mem ? mem->n : 0;
}

static int check_region(const struct pg_proto_sysmem *s, unsigned i, int fd, struct stat *ret,
			struct pg_proto_error *err)
{
	long page = sysconf(_SC_PAGESIZE);
	struct stat st;

	if (fd < 0)
		return pg_proto_fail(err, -EPROTO, "SYNC_SYSMEM: region %u has no fd", i);
	if (fstat(fd, &st) < 0)
		return pg_proto_fail(err, -errno, "SYNC_SYSMEM: region %u: fstat: %s", i,
				     strerror(errno));
	if (!S_ISREG(st.st_mode))
		return pg_proto_fail(err, -EPROTO,
				     "SYNC_SYSMEM: region %u fd is not a memfd or regular file", i);
	if (page <= 0 || s->offset[i] % (uint64_t)page)
		return pg_proto_fail(err, -EPROTO,
				     "SYNC_SYSMEM: region %u offset 0x%llx is not page-aligned", i,
				     (unsigned long long)s->offset[i]);
	/* The decoder guaranteed offset + size <= INT64_MAX, so the sum cannot wrap. */
	if (st.st_size < 0 || s->offset[i] + s->size[i] > (uint64_t)st.st_size)
		return pg_proto_fail(err, -EPROTO,
				     "SYNC_SYSMEM: region %u offset 0x%llx + size 0x%llx is beyond "
				     "the file's 0x%llx bytes", i,
				     (unsigned long long)s->offset[i],
				     (unsigned long long)s->size[i],
				     (unsigned long long)st.st_size);
	for (unsigned j = 0; j < i; j++) {
		/* Both ends were checked not to wrap in the decoder. */
		if (s->gpa[i] < s->gpa[j] + s->size[j] && s->gpa[j] < s->gpa[i] + s->size[i])
			return pg_proto_fail(err, -EPROTO,
					     "SYNC_SYSMEM: regions %u and %u overlap at gpa 0x%llx",
					     j, i, (unsigned long long)s->gpa[i]);
	}
	*ret = st;
	return 0;
}

/* An old region that is the new one again: same file, offset, size and place. */
static int find_same(const struct pg_sysmem *m, const struct region *n)
{
	for (unsigned i = 0; i < m->n && i < PG_PROTO_MAX_FDS; i++) {
		const struct region *o = &m->r[i];

		if (o->fd >= 0 && o->dev == n->dev && o->ino == n->ino && o->gpa == n->gpa &&
		    o->size == n->size && o->offset == n->offset)
			return (int)i;
	}
	return -1;
}

int pg_sysmem_replace(struct pg_sysmem *mem, struct pg_proto_msg *msg,
		      struct pg_proto_error *err)
{
	struct region next[PG_PROTO_MAX_FDS];
	struct stat st[PG_PROTO_MAX_FDS];
	const struct pg_proto_sysmem *s;
	int rc;

	if (!mem || !msg || msg->cmd != PG_PROTO_SYNC_SYSMEM)
		return pg_proto_fail(err, -EINVAL, "not a SYNC_SYSMEM message");
	s = &msg->u.sysmem;
	if (s->nregions == 0 || s->nregions > PG_PROTO_MAX_FDS || s->nregions != msg->nfds)
		return pg_proto_fail(err, -EPROTO, "SYNC_SYSMEM: %u regions for %u fds",
				     s->nregions, msg->nfds);
	for (unsigned i = 0; i < s->nregions; i++) {
		rc = check_region(s, i, msg->fds[i], &st[i], err);
		if (rc < 0)
			return rc;
	}
	/* A region that did not change keeps its fd, mapping and id (the new fd for the
	 * same file is closed): its DMA mapping stays as it is (pg_vfio_dma_sync()). */
	for (unsigned i = 0; i < s->nregions; i++) {
		struct region n = { .gpa = s->gpa[i], .size = s->size[i], .offset = s->offset[i],
				    .fd = msg->fds[i], .dev = st[i].st_dev, .ino = st[i].st_ino };
		int o = find_same(mem, &n);

		if (o >= 0) {
			next[i] = mem->r[o];
			mem->r[o].fd = -1;
			mem->r[o].map = NULL;
		} else {
			n.id = ++mem->next_id;
			next[i] = n;
			msg->fds[i] = -1;
		}
	}
	drop_all(mem); /* the regions that were not carried over */
	memcpy(mem->r, next, sizeof(next[0]) * s->nregions);
	mem->n = s->nregions;
	return 0;
}

uint64_t pg_sysmem_region_id(const struct pg_sysmem *mem, unsigned i)
{
	return mem && i < mem->n ? mem->r[i].id : 0;
}

/* The region holding [gpa, gpa + len) and the file offset of gpa. */
static int locate(struct pg_sysmem *m, uint64_t gpa, size_t len, struct region **ret,
		  uint64_t *ret_off)
{
	if (!m || !ret || len == 0)
		return -EINVAL;
	if (gpa > UINT64_MAX - len)
		return -EFAULT;
	for (unsigned i = 0; i < m->n; i++) {
		struct region *r = &m->r[i];

		if (gpa < r->gpa || gpa - r->gpa > r->size || len > r->size - (gpa - r->gpa))
			continue;
		if (r->offset + (gpa - r->gpa) > INT64_MAX - len)
			return -EFAULT;
		*ret = r;
		*ret_off = r->offset + (gpa - r->gpa);
		return 0;
	}
	return -EFAULT;
}

/*
 * CPU accesses to guest memory go through pread()/pwrite() on the region's fd, never
 * through a mapping: the VMM owns the file and may shrink it at any time after
 * SYNC_SYSMEM was validated. A load from a mapped page past the new end would raise
 * SIGBUS and kill the server; pread() past the end returns a short count, which is
 * reported as -EFAULT like any other bad guest address.
 */
int pg_sysmem_read(struct pg_sysmem *mem, uint64_t gpa, void *buf, size_t len)
{
	struct region *r;
	uint64_t off;
	ssize_t n;
	int rc;

	if (!buf)
		return -EINVAL;
	rc = locate(mem, gpa, len, &r, &off);
	if (rc < 0)
		return rc;
	n = pread(r->fd, buf, len, (off_t)off);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

int pg_sysmem_write(struct pg_sysmem *mem, uint64_t gpa, const void *buf, size_t len)
{
	struct stat st;
	struct region *r;
	uint64_t off;
	ssize_t n;
	int rc;

	if (!buf)
		return -EINVAL;
	rc = locate(mem, gpa, len, &r, &off);
	if (rc < 0)
		return rc;
	/* pwrite() past the end would grow the file again: a write to memory the VMM has
	 * taken away is a bad guest address, not a reason to recreate it. */
	if (fstat(r->fd, &st) < 0)
		return -errno;
	if (st.st_size < 0 || off + len > (uint64_t)st.st_size)
		return -EFAULT;
	n = pwrite(r->fd, buf, len, (off_t)off);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EFAULT;
}

int pg_sysmem_region(struct pg_sysmem *mem, unsigned i, uint64_t *gpa, uint64_t *size,
		     void **vaddr)
{
	struct region *r;

	if (!mem || !gpa || !size || !vaddr)
		return -EINVAL;
	if (i >= mem->n)
		return -ENOENT;
	r = &mem->r[i];
	if (!r->map) {
		void *p;

		if (r->size > SIZE_MAX)
			return -EFAULT;
		p = mmap(NULL, (size_t)r->size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
			 (off_t)r->offset);
		/* errno > 0 after a failed mmap(); never let a failure read as success. */
		if (p == MAP_FAILED)
			return errno > 0 ? -errno : -EIO;
		r->map = p;
	}
	*gpa = r->gpa;
	*size = r->size;
	*vaddr = r->map;
	return 0;
}
