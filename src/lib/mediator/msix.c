/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X (PCI 3.0 §6.8.2).
 *
 * Message Control: Enable and Function Mask are virtual (the VMM routes interrupts from
 * the PG_EFFECT_IRQ they produce); in the device-model profile they also reach the
 * hardware, when they change there (a refused enable writes nothing). Table Size is
 * read-only, bits 11-13 RsvdP. Table and PBA locations are read-only and must name an
 * implemented memory BAR that contains them, without overlapping each other (Xen
 * 53859596c0): otherwise the capability is hidden, with one warning per capability.
 *
 * The table is trapped on the BAR path: entries are virtual (a guest-written address must
 * never reach the device, which would let it DMA-write anywhere an MSI can), only aligned
 * 4- and 8-byte accesses are accepted (Xen access_allowed); the PBA reads 0 (pending bits
 * are not modelled) and ignores writes; any other offset of the BAR is forwarded, because
 * devices do place registers beside the table (Intel AX201, Xen b177892d2d).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"

#define MSIX_ENABLE 0x8000u
#define MSIX_MASKALL 0x4000u
#define MSIX_QSIZE 0x07ffu
#define ENTRY_BYTES 16u

static uint32_t ctrl(const struct pg_mediator *m)
{
	const struct pg_reg *r = pg_med_crow(m, m->msix.row_ctrl);

	return r ? r->value : 0;
}

static void ctrl_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	bool was = w->old & MSIX_ENABLE;

	if (!was && (r->value & MSIX_ENABLE) && pg_med_msi_enabled(m))
		pg_med_deny(m, r, w, MSIX_ENABLE, "irq-exclusive", false);
	if (m->profile == PG_PROFILE_DEVICE_MODEL && (w->bm & (MSIX_ENABLE | MSIX_MASKALL)))
		pg_med_hw_bits(w, (MSIX_ENABLE | MSIX_MASKALL) & w->bm, r->value,
			       &m->msix.hw_ctrl);
	if ((r->value ^ w->old) & (MSIX_ENABLE | MSIX_MASKALL))
		pg_med_post_irq(m, w, PG_IRQ_MSIX, PG_IRQ_ALL_VECTORS);
	pg_med_intx_sync(m, w);
}

void pg_med_msix_reinit(struct pg_mediator *m)
{
	if (!m->msix.table)
		return;
	for (uint16_t i = 0; i < m->msix.nent; i++) {
		memset(&m->msix.table[i], 0, sizeof(m->msix.table[i]));
		m->msix.table[i].ctrl = 1u; /* entries come out of reset masked (PCIe §7.7.2) */
	}
}

/* The structure at (bir, off, len) lies inside an implemented memory BAR. */
static bool region_ok(const struct pg_mediator *m, uint8_t bir, uint32_t off, uint32_t len)
{
	const struct pg_med_bar *b;

	if (bir > 5)
		return false;
	b = &m->bars[bir];
	if (b->kind != PG_BAR_MEM32 && b->kind != PG_BAR_MEM64)
		return false;
	return (uint64_t)off + len <= b->size;
}

/* Check the table/PBA layout of the capability at c. Both the handler and, once the
 * capability is hidden, the trap set-up (pg_med_msix_note_hidden()) check it: the problem
 * is logged for the first of them only. */
static int check_layout(struct pg_mediator *m, uint16_t c, uint16_t nent)
{
	uint32_t t = pg_med_snap(m, (uint16_t)(c + 4u), 4);
	uint32_t p = pg_med_snap(m, (uint16_t)(c + 8u), 4);
	uint32_t tlen = (uint32_t)nent * ENTRY_BYTES;
	bool say = m->msix.warned_cap != c;
	int rc = 0;

	m->msix.tbir = (uint8_t)(t & 7u);
	m->msix.toff = t & ~7u;
	m->msix.pbir = (uint8_t)(p & 7u);
	m->msix.poff = p & ~7u;
	m->msix.plen = ((nent + 63u) / 64u) * 8u;
	if (!region_ok(m, m->msix.tbir, m->msix.toff, tlen) ||
	    !region_ok(m, m->msix.pbir, m->msix.poff, m->msix.plen)) {
		if (say)
			pg_med_log(m, LOG_WARNING, "MSI-X table (BIR %u, 0x%x) or PBA (BIR %u, "
				   "0x%x) outside its BAR", m->msix.tbir, m->msix.toff,
				   m->msix.pbir, m->msix.poff);
		rc = -ERANGE;
	} else if (m->msix.tbir == m->msix.pbir &&
		   m->msix.toff < (uint64_t)m->msix.poff + m->msix.plen &&
		   m->msix.poff < (uint64_t)m->msix.toff + tlen) { /* no 32-bit wrap */
		if (say)
			pg_med_log(m, LOG_WARNING, "MSI-X table and PBA overlap in BAR %u",
				   m->msix.tbir);
		rc = -EINVAL;
	}
	if (rc < 0)
		m->msix.warned_cap = c;
	return rc;
}

static int add_rows(struct pg_mediator *m, uint16_t c, uint16_t ctl)
{
	struct pg_reg r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.off = (uint16_t)(c + 2u);
	r.size = 2;
	r.virt = MSIX_ENABLE | MSIX_MASKALL | MSIX_QSIZE;
	r.ro = MSIX_QSIZE;
	r.rsvdp = 0x3800u;
	r.value = ctl & MSIX_QSIZE;
	r.write = ctrl_write;
	memcpy(r.id, "msix.control", sizeof("msix.control"));
	rc = pg_med_add(m, &r, &m->msix.row_ctrl);
	memset(&r, 0, sizeof(r));
	r.off = (uint16_t)(c + 4u);
	r.size = 4;
	r.virt = r.ro = 0xffffffffu;
	r.value = pg_med_snap(m, r.off, 4);
	memcpy(r.id, "msix.table", sizeof("msix.table"));
	if (!rc)
		rc = pg_med_add(m, &r, NULL);
	r.off = (uint16_t)(c + 8u);
	r.value = pg_med_snap(m, r.off, 4);
	memcpy(r.id, "msix.pba", sizeof("msix.pba"));
	if (!rc)
		rc = pg_med_add(m, &r, NULL);
	return rc;
}

int pg_med_msix_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	uint16_t c = cap->off;
	uint16_t ctl = (uint16_t)pg_med_snap(m, (uint16_t)(c + 2u), 2);
	uint16_t nent = (uint16_t)((ctl & MSIX_QSIZE) + 1u);
	struct pg_med_msix_entry *table;
	int rc;

	if (m->msix.present)
		return -EEXIST;
	m->msix.hidden = false; /* a note from an earlier hidden MSI-X capability */
	if (c + 12u > PG_CFG_STD_LEN || c + 12u > m->cfg_len)
		return -ERANGE;
	rc = check_layout(m, c, nent);
	if (rc < 0)
		return rc;
	table = calloc(nent, sizeof(*table));
	if (!table)
		return -ENOMEM;
	rc = add_rows(m, c, ctl);
	if (rc < 0) {
		free(table);
		return rc;
	}
	free(m->msix.table);
	m->msix.table = table;
	m->msix.nent = nent;
	m->msix.cap = c;
	m->msix.hw_ctrl = ctl & (MSIX_ENABLE | MSIX_MASKALL);
	m->msix.present = true;
	pg_med_msix_reinit(m);
	return 0;
}

/* ---- BAR path --------------------------------------------------------------------------- */

static bool in_table(const struct pg_mediator *m, unsigned bar, uint64_t off)
{
	return (m->msix.present || m->msix.hidden) && bar == m->msix.tbir &&
	       off >= m->msix.toff && off < m->msix.toff + (uint64_t)m->msix.nent * ENTRY_BYTES;
}

static bool in_pba(const struct pg_mediator *m, unsigned bar, uint64_t off)
{
	return (m->msix.present || m->msix.hidden) && bar == m->msix.pbir &&
	       off >= m->msix.poff && off < (uint64_t)m->msix.poff + m->msix.plen;
}

void pg_med_msix_note_hidden(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	uint16_t c = cap->off;
	uint16_t nent = (uint16_t)((pg_med_snap(m, (uint16_t)(c + 2u), 2) & MSIX_QSIZE) + 1u);

	if (m->msix.present || m->msix.hidden || c + 12u > PG_CFG_STD_LEN || c + 12u > m->cfg_len)
		return;
	if (check_layout(m, c, nent) < 0)
		return;
	m->msix.nent = nent;
	m->msix.hidden = true;
}

/* A hidden capability's table is still the device's real table: the guest must not reach
 * it through the BAR either. Reads see 0, writes are dropped and audited. */
static bool hidden_access(struct pg_mediator *m, unsigned bar, uint64_t off, uint8_t size,
			  uint64_t value, bool write, struct pg_read_decision *ret)
{
	if (!m->msix.hidden || (!in_table(m, bar, off) && !in_pba(m, bar, off)))
		return false;
	if (write)
		pg_med_audit(m, PG_SPACE_BAR, (uint8_t)bar, off, size, value, PG_AUDIT_DENIED,
			     "hidden-cap:msix");
	else
		ret->value = 0;
	return true;
}

static uint32_t entry_dword(const struct pg_med_msix_entry *e, unsigned dw)
{
	switch (dw) {
	case 0: return e->addr_lo;
	case 1: return e->addr_hi;
	case 2: return e->data;
	default: return e->ctrl & 1u; /* Vector Control: only Mask is implemented */
	}
}

bool pg_med_msix_bar_read(struct pg_mediator *m, unsigned bar, uint64_t off, uint8_t size,
			  struct pg_read_decision *ret)
{
	uint64_t rel;
	const struct pg_med_msix_entry *e;
	unsigned dw;

	if (hidden_access(m, bar, off, size, 0, false, ret))
		return true;
	if (in_pba(m, bar, off)) {
		ret->value = 0;
		return true;
	}
	if (!in_table(m, bar, off))
		return false;
	rel = off - m->msix.toff;
	if ((size != 4 && size != 8) || rel % size) {
		ret->value = PG_MEDIATOR_BAD_ACCESS & (size == 8 ? ~0ull : (1ull << (8 * size)) - 1);
		pg_med_audit(m, PG_SPACE_BAR, (uint8_t)bar, off, size, 0, PG_AUDIT_DENIED,
			     "msix-table-access");
		return true;
	}
	e = &m->msix.table[rel / ENTRY_BYTES];
	dw = (unsigned)(rel % ENTRY_BYTES) / 4u;
	ret->value = entry_dword(e, dw);
	if (size == 8)
		ret->value |= (uint64_t)entry_dword(e, dw + 1u) << 32;
	return true;
}

static void entry_store(struct pg_med_msix_entry *e, unsigned dw, uint32_t v)
{
	switch (dw) {
	case 0: e->addr_lo = v & ~3u; break; /* dword aligned: bits 1:0 are RsvdP */
	case 1: e->addr_hi = v; break;
	case 2: e->data = v; break;
	default: e->ctrl = v & 1u; break;
	}
}

static void push_irq(struct pg_mediator *m, uint16_t idx, struct pg_write_decision *d)
{
	struct pg_effect fx;

	memset(&fx, 0, sizeof(fx));
	fx.kind = PG_EFFECT_IRQ;
	pg_med_irq_effect(m, PG_IRQ_MSIX, idx, &fx.u.irq);
	(void)pg_med_push(d, &fx);
}

bool pg_med_msix_bar_write(struct pg_mediator *m, unsigned bar, uint64_t off, uint8_t size,
			   uint64_t value, struct pg_write_decision *d)
{
	struct pg_med_msix_entry *e, before;
	uint64_t rel;
	unsigned dw;

	if (hidden_access(m, bar, off, size, value, true, NULL))
		return true;
	if (in_pba(m, bar, off)) {
		pg_med_audit(m, PG_SPACE_BAR, (uint8_t)bar, off, size, value, PG_AUDIT_DENIED,
			     "msix-pba");
		return true;
	}
	if (!in_table(m, bar, off))
		return false;
	rel = off - m->msix.toff;
	if ((size != 4 && size != 8) || rel % size) {
		pg_med_audit(m, PG_SPACE_BAR, (uint8_t)bar, off, size, value, PG_AUDIT_DENIED,
			     "msix-table-access");
		return true;
	}
	e = &m->msix.table[rel / ENTRY_BYTES];
	before = *e;
	dw = (unsigned)(rel % ENTRY_BYTES) / 4u;
	entry_store(e, dw, (uint32_t)value);
	if (size == 8)
		entry_store(e, dw + 1u, (uint32_t)(value >> 32));
	/* With MSI-X enabled, (un)masking an entry or changing an unmasked one re-routes; a
	 * masked entry takes effect when it is unmasked (vPCI re-programs on unmask). */
	if ((ctrl(m) & MSIX_ENABLE) && (((before.ctrl ^ e->ctrl) & 1u) ||
					 (!(e->ctrl & 1u) && memcmp(&before, e, sizeof(*e)))))
		push_irq(m, (uint16_t)(rel / ENTRY_BYTES), d);
	return true;
}

bool pg_mediator_msix_table_mappable(const struct pg_mediator *m, bool platform_irq_isolation,
				     const char **why)
{
	const char *w;
	bool ok = false;

	if (!m) {
		w = "no mediator";
	} else if (!m->msix.present && !m->msix.hidden) {
		w = "no MSI-X table: nothing to protect";
		ok = true;
	} else if (m->pflags & PG_POLICY_F_NO_MSIX_MMAP) {
		w = "policy flag no-msix-mmap: every table access is trapped";
	} else if (!platform_irq_isolation) {
		w = "no interrupt isolation on this platform: a guest-written entry could target "
		    "other interrupts, so the table is trapped";
	} else {
		w = "interrupt isolation guaranteed by the platform: guest entries can only "
		    "target the guest's own interrupts";
		ok = true;
	}
	if (why)
		*why = w;
	return ok;
}
