/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vqtest.h"

static void audit(void *data, const struct pg_virtio_audit *rec)
{
	struct vqt *t = data;

	t->audits++;
	t->last = *rec;
	strncpy(t->last_rule, pg_vq_fault_name(rec->fault), sizeof(t->last_rule) - 1);
	/* rec's strings are borrowed for the callback only */
	snprintf(t->last_detail, sizeof(t->last_detail), "%s", rec->detail);
	t->last.detail = t->last_detail;
}

int vqt_setup(struct vqt *t, enum pg_vq_layout layout, uint16_t num, bool indirect,
	      bool in_order, enum pg_vq_len_policy pol)
{
	uint64_t d, drv, dev;
	int rc;

	memset(t, 0, sizeof(*t));
	if (posix_memalign((void **)&t->mem, 4096, VQT_MEM))
		return -12;
	memset(t->mem, 0, VQT_MEM);
	t->cfg = (struct pg_vq_config){ .layout = layout, .num = num, .indirect = indirect,
					.in_order = in_order, .len_policy = pol, .mem = t->mem,
					.device_addr = VQT_BASE, .device = "unit", .audit = audit,
					.audit_data = t, .event_idx = true };
	rc = pg_vq_new(&t->cfg, &t->vq);
	if (rc < 0) {
		free(t->mem);
		t->mem = NULL;
		return rc;
	}
	pg_vq_addrs(t->vq, &d, &drv, &dev);
	vdev_init(&t->dev, layout == PG_VQ_PACKED, true, num, t->mem + (d - VQT_BASE),
		  t->mem + (drv - VQT_BASE), t->mem + (dev - VQT_BASE), t->mem, VQT_BASE,
		  VQT_MEM);
	return 0;
}

void vqt_teardown(struct vqt *t)
{
	pg_vq_free(t->vq);
	free(t->mem);
	t->vq = NULL;
	t->mem = NULL;
}

int vqt_add(struct vqt *t, unsigned k, unsigned nread, unsigned nwrite)
{
	struct pg_vq_seg s[PG_VQ_MAX_SEGS];
	unsigned n = 0;
	uint64_t base = VQT_BASE + VQT_DATA + (uint64_t)(k % 512) * 2048u;

	for (unsigned i = 0; i < nread; i++, n++)
		s[n] = (struct pg_vq_seg){ base + 100u * n, 100, false };
	for (unsigned i = 0; i < nwrite; i++, n++)
		s[n] = (struct pg_vq_seg){ base + 100u * n, 100, true };
	t->tokens[k % 1024] = (int)k;
	return pg_vq_add(t->vq, s, n, &t->tokens[k % 1024]);
}
