/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * MSI-X (PCI 3.0 §6.8.2).
 *
 * Message Control: Enable and Function Mask are virtual (the VMM routes interrupts from
 * the PG_EFFECT_IRQ they produce); in the device-model profile they also reach the
 * hardware, when they change there (a refused enable writes nothing). Table Size is
 * read-only, bits 11-13 RsvdP. Table and PBA locations (as the cfg parser decoded them)
 * are read-only and must name an implemented memory BAR that contains them, without
 * overlapping each other (Xen 53859596c0): otherwise the capability is hidden, with one
 * warning per capability.
 *
 * The table is trapped on the BAR path: entries are virtual (a guest-written address must
 * never reach the device, which would let it DMA-write anywhere an MSI can), only aligned
 * 4- and 8-byte accesses are accepted (Xen access_allowed); the PBA reads the device's
 * Pending Bits (read-only, PCI 3.0 §6.8.2.10) of the table's vectors only, bits past Table
 * Size reading 0 (what the device puts there is not the guest's business), and drops and
 * audits writes; any other offset of the BAR is forwarded, because
 * devices do place registers beside the table (Intel AX201, Xen b177892d2d).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"
#include "regs.h"

static uint32_t ctrl(const struct pg_mediator *m)
{
	const struct pg_reg *r = pg_med_crow(m, m->msix.row_ctrl);

	return r ? r->value : 0;
}

static void ctrl_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	const uint32_t bits = MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL;

	(void)pg_med_irq_exclusive(m, r, w, PG_IRQ_MSIX, MSIX_CTRL_ENABLE);
	if (m->profile == PG_PROFILE_DEVICE_MODEL && (w->bm & bits))
		pg_med_hw_bits(w, bits & w->bm, r->value, &m->msix.hw_ctrl);
	if ((r->value ^ w->old) & bits)
		pg_med_post_irq(m, w, PG_IRQ_MSIX, PG_IRQ_ALL_VECTORS);
	pg_med_intx_sync(m, w);
}

void pg_med_msix_reinit(struct pg_mediator *m)
{
	if (!m->msix.table)
		return;
	for (uint16_t i = 0; i < m->msix.nent; i++) {
		memset(&m->msix.table[i], 0, sizeof(m->msix.table[i]));
		/* entries come out of reset masked (PCI 3.0 §6.8.2.9) */
		m->msix.table[i].ctrl = MSIX_ENTRY_MASKED;
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

/* Check the table/PBA layout the parser decoded against the BARs the guest sees. Both the
 * handler and, once the capability is hidden, the trap set-up (pg_med_msix_note_hidden())
 * check it: the problem is logged for the first of them only. */
static int check_layout(struct pg_mediator *m, uint16_t c, const struct pg_cap_msix *x)
{
	uint32_t tlen = (uint32_t)x->table_size * MSIX_ENTRY_BYTES;
	bool say = m->msix.warned_cap != c;
	int rc = 0;

	m->msix.tbir = x->table_bir;
	m->msix.toff = x->table_offset;
	m->msix.pbir = x->pba_bir;
	m->msix.poff = x->pba_offset;
	m->msix.plen = ((x->table_size + MSIX_PBA_BITS_PER_QWORD - 1u) /
			MSIX_PBA_BITS_PER_QWORD) * 8u;
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

static const struct pg_row_def msix_rows[] = {
	{ .rel = MSIX_CTRL, .size = 2, .id = "msix.control",
	  .virt = MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL | MSIX_CTRL_QSIZE,
	  .ro = MSIX_CTRL_QSIZE, .rsvdp = MSIX_CTRL_RSVD, .snap = MSIX_CTRL_QSIZE,
	  .write = ctrl_write },
	/* Table and PBA locations: the guest reads the device's, never moves them */
	{ .rel = MSIX_TABLE, .size = 4, .id = "msix.table", .virt = 0xffffffffu,
	  .ro = 0xffffffffu, .snap = 0xffffffffu },
	{ .rel = MSIX_PBA, .size = 4, .id = "msix.pba", .virt = 0xffffffffu,
	  .ro = 0xffffffffu, .snap = 0xffffffffu },
};

/* The first MSI-X capability whose layout is valid; NULL-safe for a missing decode. */
static const struct pg_cap_msix *usable(const struct pg_med_cap *cap)
{
	if (!cap->src || cap->src->truncated || !cap->src->decoded)
		return NULL;
	return &cap->src->info.msix;
}

int pg_med_msix_init(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	const struct pg_cap_msix *x = usable(cap);
	uint16_t idx[sizeof(msix_rows) / sizeof(msix_rows[0])];
	struct pg_med_msix_entry *table;
	int rc;

	if (m->msix.present)
		return -EEXIST;
	m->msix.hidden = false; /* a note from an earlier hidden MSI-X capability */
	if (!x)
		return -ERANGE;
	rc = check_layout(m, cap->off, x);
	if (rc < 0)
		return rc;
	table = calloc(x->table_size, sizeof(*table));
	if (!table)
		return -ENOMEM;
	rc = pg_med_add_defs(m, cap->off, msix_rows, sizeof(msix_rows) / sizeof(msix_rows[0]),
			     MSIX_LEN, idx);
	if (rc < 0) {
		free(table);
		return rc;
	}
	free(m->msix.table);
	m->msix.table = table;
	m->msix.row_ctrl = idx[0];
	m->msix.nent = x->table_size;
	m->msix.cap = cap->off;
	m->msix.hw_ctrl = x->control & (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL);
	m->msix.present = true;
	pg_med_msix_reinit(m);
	return 0;
}

/* ---- BAR path --------------------------------------------------------------------------- */

static bool in_table(const struct pg_mediator *m, unsigned bar, uint64_t off)
{
	return (m->msix.present || m->msix.hidden) && bar == m->msix.tbir &&
	       off >= m->msix.toff && off < m->msix.toff + (uint64_t)m->msix.nent * MSIX_ENTRY_BYTES;
}

static bool in_pba(const struct pg_mediator *m, unsigned bar, uint64_t off)
{
	return (m->msix.present || m->msix.hidden) && bar == m->msix.pbir &&
	       off >= m->msix.poff && off < (uint64_t)m->msix.poff + m->msix.plen;
}

void pg_med_msix_note_hidden(struct pg_mediator *m, const struct pg_med_cap *cap)
{
	const struct pg_cap_msix *x = usable(cap);

	if (m->msix.present || m->msix.hidden || !x)
		return;
	if (check_layout(m, cap->off, x) < 0)
		return;
	m->msix.nent = x->table_size;
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
	default: return e->ctrl & MSIX_ENTRY_MASKED; /* Vector Control: only Mask */
	}
}

/* The bits of a PBA access at rel (bytes from the PBA) that are pending bits of a vector
 * in the table: one bit per vector, vector n at bit n % 64 of qword n / 64 (§6.8.2.10). */
static uint64_t pba_hw_mask(const struct pg_mediator *m, uint64_t rel, uint8_t size)
{
	uint64_t first = rel * 8u, bits = (uint64_t)size * 8u;

	if (first >= m->msix.nent)
		return 0;
	if (m->msix.nent - first >= bits)
		return pg_size_mask64(size);
	return (1ull << (m->msix.nent - first)) - 1u;
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
		ret->hw_mask = pba_hw_mask(m, off - m->msix.poff, size);
		return true;
	}
	if (!in_table(m, bar, off))
		return false;
	rel = off - m->msix.toff;
	if ((size != 4 && size != 8) || rel % size) {
		ret->value = PG_MEDIATOR_BAD_ACCESS & pg_size_mask64(size);
		pg_med_audit(m, PG_SPACE_BAR, (uint8_t)bar, off, size, 0, PG_AUDIT_DENIED,
			     "msix-table-access");
		return true;
	}
	e = &m->msix.table[rel / MSIX_ENTRY_BYTES];
	dw = (unsigned)(rel % MSIX_ENTRY_BYTES) / 4u;
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
	default: e->ctrl = v & MSIX_ENTRY_MASKED; break;
	}
}

static void push_irq(struct pg_mediator *m, uint16_t idx, struct pg_write_decision *d)
{
	struct pg_effect fx;

	pg_med_irq_effect(m, PG_IRQ_MSIX, idx, &fx);
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
	e = &m->msix.table[rel / MSIX_ENTRY_BYTES];
	before = *e;
	dw = (unsigned)(rel % MSIX_ENTRY_BYTES) / 4u;
	entry_store(e, dw, (uint32_t)value);
	if (size == 8)
		entry_store(e, dw + 1u, (uint32_t)(value >> 32));
	/* With MSI-X enabled, (un)masking an entry or changing an unmasked one re-routes; a
	 * masked entry takes effect when it is unmasked (vPCI re-programs on unmask). */
	if ((ctrl(m) & MSIX_CTRL_ENABLE) &&
	    (((before.ctrl ^ e->ctrl) & MSIX_ENTRY_MASKED) ||
	     (!(e->ctrl & MSIX_ENTRY_MASKED) && memcmp(&before, e, sizeof(*e)))))
		push_irq(m, (uint16_t)(rel / MSIX_ENTRY_BYTES), d);
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
