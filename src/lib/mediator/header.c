/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The type 0 header (0x00-0x3f) as rows.
 *
 * Identity (IDs, class, revision, subsystem, header type) is emulated from the device's
 * snapshot, optionally overridden: under default deny nothing may read through by
 * accident (the gap Xen's DomU vPCI still has; PCI 3.0 §6.2.1). The
 * multifunction bit is cleared: the guest gets one function, and a set bit would make it
 * probe siblings that are not passed through.
 *
 * BARs and ROM are fully virtual (PCI 3.0 §6.2.5): the guest programs addresses and sizes BARs
 * against the backend's validated sizes, hardware BARs keep the host's values, and the
 * guest never learns host physical addresses (the virtual BARs start at 0). A change of a
 * BAR address or of memory/I/O decode yields a PG_EFFECT_BAR_MAP so the frontend can
 * (un)map the guest range.
 *
 * Command (PCI 3.0 §6.2.2): Memory, I/O and Bus Master reach the hardware (guest profile); INTx
 * Disable reaches it as guest value OR MSI/MSI-X enabled (Xen cmd_write); the other bits
 * are virtual; bits 11-15 RsvdP. Status (PCI 3.0 §6.2.3): error bits RW1C to hardware, CAP_LIST
 * virtual (set when a capability remains visible), RsvdZ 0x0046, the rest read-only.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "mediator-private.h"
#include "util/util.h"

#define CMD_IO 0x0001u
#define CMD_MEM 0x0002u
#define CMD_INTX_DISABLE 0x0400u
#define ROM_ENABLE 0x1u

static int add_emul(struct pg_mediator *m, uint16_t off, uint8_t size, const char *id,
		    uint32_t value)
{
	struct pg_reg r;

	memset(&r, 0, sizeof(r));
	r.off = off;
	r.size = size;
	r.virt = r.ro = pg_size_mask(size);
	r.value = value & pg_size_mask(size);
	pg_reg_set_id(&r, id, NULL);
	return pg_med_add(m, &r, NULL);
}

/* A virtual register the guest may write freely; open selects whether the permissive
 * profile sends it to the hardware. */
static int add_virt(struct pg_mediator *m, uint16_t off, uint8_t size, const char *id,
		    uint32_t value, bool open)
{
	struct pg_reg r;

	memset(&r, 0, sizeof(r));
	r.off = off;
	r.size = size;
	r.virt = pg_size_mask(size);
	r.value = value & r.virt;
	r.perm_open = open ? r.virt : 0;
	pg_reg_set_id(&r, id, NULL);
	return pg_med_add(m, &r, NULL);
}

uint32_t pg_med_guest_cmd(const struct pg_mediator *m)
{
	const struct pg_reg *r = pg_med_crow(m, m->row_cmd);

	if (!r)
		return 0;
	return (r->value & r->virt) | (m->cmd_hw & ~r->virt);
}

static uint16_t intx_want(const struct pg_mediator *m)
{
	bool off = (pg_med_guest_cmd(m) & CMD_INTX_DISABLE) || pg_med_msi_enabled(m) ||
		   pg_med_msix_enabled(m) || (m->pflags & PG_POLICY_F_NO_INTX);

	return off ? CMD_INTX_DISABLE : 0;
}

void pg_med_intx_sync(struct pg_mediator *m, struct pg_wctx *w)
{
	uint16_t want = intx_want(m);

	if ((m->cmd_hw & CMD_INTX_DISABLE) == want)
		return;
	m->cmd_hw = (uint16_t)((m->cmd_hw & ~CMD_INTX_DISABLE) | want);
	pg_med_post_cfg(w, 0x04, 2, want, CMD_INTX_DISABLE);
}

/* Guest address of BAR i and whether it is a real mapping (decode on, not 0, not the
 * all-ones sizing pattern in either half). */
static bool bar_state(const struct pg_mediator *m, unsigned i, uint64_t *ret_addr)
{
	const struct pg_med_bar *b = &m->bars[i];
	const struct pg_reg *lo = pg_med_crow(m, b->row);
	const struct pg_reg *hi = NULL;
	uint64_t amask = ~(b->size - 1u);
	uint32_t lo_mask, lo_bits, hi_mask = 0, hi_bits = 0, cmd = pg_med_guest_cmd(m);
	bool decode, sizing;

	if (!lo || b->kind == PG_BAR_NONE || b->kind == PG_BAR_MEM64_HI)
		return false;
	lo_mask = (uint32_t)amask & (b->kind == PG_BAR_IO ? ~3u :
				     b->kind == PG_BAR_ROM ? ~0x7ffu : ~0xfu);
	lo_bits = lo->value & lo_mask;
	if (b->kind == PG_BAR_MEM64) {
		hi = pg_med_crow(m, (uint16_t)(b->row + 1u));
		hi_mask = (uint32_t)(amask >> 32);
		hi_bits = hi ? hi->value & hi_mask : 0;
	}
	*ret_addr = (uint64_t)hi_bits << 32 | lo_bits;
	sizing = (lo_mask && lo_bits == lo_mask) || (hi_mask && hi_bits == hi_mask);
	decode = b->kind == PG_BAR_IO ? (cmd & CMD_IO) : (cmd & CMD_MEM);
	if (b->kind == PG_BAR_ROM)
		decode = decode && (lo->value & ROM_ENABLE);
	return decode && *ret_addr && !sizing;
}

void pg_med_bars_sync(struct pg_mediator *m, struct pg_wctx *w)
{
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct pg_med_bar *b = &m->bars[i];
		uint64_t addr = 0;
		bool mapped = bar_state(m, i, &addr);
		struct pg_effect e;

		if (b->kind == PG_BAR_NONE || b->kind == PG_BAR_MEM64_HI)
			continue;
		if (mapped == b->last_mapped && (!mapped || addr == b->last_addr))
			continue;
		b->last_mapped = mapped;
		b->last_addr = mapped ? addr : 0;
		memset(&e, 0, sizeof(e));
		e.kind = PG_EFFECT_BAR_MAP;
		e.u.map.bar = (uint8_t)i;
		e.u.map.io = b->kind == PG_BAR_IO;
		e.u.map.mapped = mapped;
		e.u.map.guest_addr = addr;
		e.u.map.size = b->size;
		pg_med_post(w, &e);
	}
}

static void command_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	uint32_t hwbits = r->pass & w->bm;
	uint32_t before = ((w->old & r->virt) | (m->cmd_hw & ~r->virt)) & (CMD_IO | CMD_MEM);

	m->cmd_hw = (uint16_t)((m->cmd_hw & ~hwbits) | (w->val & hwbits));
	if (w->bm & CMD_INTX_DISABLE) {
		uint16_t want = intx_want(m);

		m->cmd_hw = (uint16_t)((m->cmd_hw & ~CMD_INTX_DISABLE) | want);
		w->hw_mask |= CMD_INTX_DISABLE;
		w->hw_value = (w->hw_value & ~CMD_INTX_DISABLE) | want;
	}
	if ((pg_med_guest_cmd(m) & (CMD_IO | CMD_MEM)) != before)
		pg_med_bars_sync(m, w);
}

/* Keep only the address bits a BAR of this size decodes plus its type flags: writing all
 * ones then reads back the size mask, which is BAR sizing. */
static void bar_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	const struct pg_med_bar *b = &m->bars[r->priv];
	uint32_t flags = b->flags;

	switch (b->kind) {
	case PG_BAR_MEM64_HI:
		r->value &= (uint32_t)(~(m->bars[r->priv - 1u].size - 1u) >> 32);
		break;
	case PG_BAR_IO:
		r->value = (r->value & (uint32_t)~(b->size - 1u) & ~3u) | (flags & 3u);
		break;
	case PG_BAR_ROM:
		r->value = (r->value & (uint32_t)~(b->size - 1u) & ~0x7ffu) | (r->value & ROM_ENABLE);
		break;
	default:
		r->value = (r->value & (uint32_t)~(b->size - 1u) & ~0xfu) | (flags & 0xfu);
		break;
	}
	pg_med_bars_sync(m, w);
}

static int add_bar(struct pg_mediator *m, unsigned i, uint16_t reg)
{
	struct pg_med_bar *b = &m->bars[i];
	struct pg_reg r;
	char id[PG_REG_ID_LEN];

	(void)snprintf(id, sizeof(id), i == PG_CFG_ROM_BAR ? "hdr.rom" : "hdr.bar%u", i);
	if (b->kind == PG_BAR_NONE)
		return add_emul(m, reg, 4, id, 0);
	memset(&r, 0, sizeof(r));
	r.off = reg;
	r.size = 4;
	r.virt = 0xffffffffu;
	r.write = bar_write;
	r.priv = (uint16_t)i;
	if (b->kind != PG_BAR_ROM && b->kind != PG_BAR_MEM64_HI)
		r.value = b->flags;
	memcpy(r.id, id, sizeof(r.id));
	return pg_med_add(m, &r, &b->row);
}

/* Accept a BAR only when the backend's description agrees with the config and its size is
 * one real hardware could have: a hostile or buggy backend must not make the guest size a
 * BAR wrongly (QEMU aborts on a non power of two, docs/serve.md, mpqemu §8). */
static bool bar_size_ok(enum pg_bar_kind kind, uint64_t size)
{
	if (!pg_util_is_pow2(size))
		return false;
	switch (kind) {
	case PG_BAR_IO:
		return size >= 4 && size <= 256;
	case PG_BAR_MEM32:
		return size >= 16 && size <= (1ull << 31);
	case PG_BAR_MEM64:
		return size >= 16 && size <= (1ull << 62);
	case PG_BAR_ROM:
		return size >= 2048 && size <= (1ull << 24);
	default:
		return false;
	}
}

/* The transport limits (PG_MEDIATOR_OPT_*, mediator.h): may the guest see this BAR, and
 * does a 64-bit one become 32-bit? Logged once, here, for every frontend. */
static bool transport_allows(struct pg_mediator *m, unsigned i, enum pg_bar_kind kind,
			     uint64_t size, bool *as32)
{
	bool big = size >= (1ull << 31);

	*as32 = kind == PG_BAR_MEM64 && (m->opts & PG_MEDIATOR_OPT_BARS_32BIT);
	if (kind == PG_BAR_IO && size < 16 && (m->opts & PG_MEDIATOR_OPT_MIN_IO_BAR_16)) {
		pg_med_log(m, LOG_WARNING, "BAR%u: I/O BAR of %llu bytes hidden (QEMU 7.2 "
			   "mis-sizes I/O BARs under 16 bytes)", i, (unsigned long long)size);
		return false;
	}
	if (big && ((m->opts & PG_MEDIATOR_OPT_MAX_BAR_2G) || (*as32 && size > (1ull << 31)))) {
		pg_med_log(m, LOG_WARNING, "BAR%u: %llu bytes hidden (QEMU 7.2's proxy cannot "
			   "size BARs of 2 GiB or more)", i, (unsigned long long)size);
		return false;
	}
	if (*as32)
		pg_med_log(m, LOG_INFO, "BAR%u: 64-bit BAR shown as 32-bit (QEMU 7.2's proxy "
			   "registers 32-bit BARs only)", i);
	return true;
}

static void probe_bar(struct pg_mediator *m, const struct pg_cfg_layout *l, unsigned i)
{
	struct pg_med_bar *b = &m->bars[i];
	enum pg_bar_kind kind = l->bars[i].kind;
	struct pg_bar_info info;
	uint16_t reg = i == PG_CFG_ROM_BAR ? 0x30 : (uint16_t)(0x10 + 4 * i);

	memset(b, 0, sizeof(*b));
	b->row = PG_ROW_NONE;
	bool as32 = false;

	if (i == PG_CFG_ROM_BAR) {
		kind = PG_BAR_ROM;
		/* no-rom, or a transport that never maps the ROM (a ROM the guest sees could
		 * never be read) */
		if ((m->pflags & PG_POLICY_F_NO_ROM) || (m->opts & PG_MEDIATOR_OPT_NO_ROM))
			return;
	}
	if (kind != PG_BAR_IO && kind != PG_BAR_MEM32 && kind != PG_BAR_MEM64 &&
	    kind != PG_BAR_ROM)
		return;
	memset(&info, 0, sizeof(info));
	if (pg_backend_bar_info(m->be, i, &info) < 0 || !info.present)
		return;
	if (info.kind != kind || !bar_size_ok(kind, info.size)) {
		pg_med_log(m, LOG_WARNING, "BAR %u hidden: backend reports %s size 0x%llx for a "
			   "%s BAR", i, pg_bar_kind_name(info.kind), (unsigned long long)info.size,
			   pg_bar_kind_name(kind));
		return;
	}
	if (!transport_allows(m, i, kind, info.size, &as32))
		return;
	b->kind = as32 ? PG_BAR_MEM32 : kind;
	b->size = info.size;
	b->prefetchable = l->bars[i].prefetchable;
	b->host_lo = pg_med_snap(m, reg, 4);
	/* the flag bits the guest reads: I/O bits 1:0; memory type and prefetchable, with
	 * the type bits 2:1 cleared for a 64-bit BAR shown as 32-bit */
	b->flags = kind == PG_BAR_IO ? b->host_lo & 3u : b->host_lo & (as32 ? 0x9u : 0xfu);
	if (kind == PG_BAR_MEM64) {
		b->host64 = true;
		b->host_hi = pg_med_snap(m, (uint16_t)(reg + 4), 4);
		/* the upper half: a guest-programmed dword, or (32-bit view) absent */
		m->bars[i + 1].kind = as32 ? PG_BAR_NONE : PG_BAR_MEM64_HI;
		m->bars[i + 1].row = PG_ROW_NONE;
	}
}

static int add_bars(struct pg_mediator *m, const struct pg_cfg_layout *l)
{
	int rc = 0;

	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++)
		m->bars[i].row = PG_ROW_NONE;
	for (unsigned i = 0; i < 6; i++) {
		if (m->bars[i].kind == PG_BAR_MEM64_HI)
			continue;
		probe_bar(m, l, i);
	}
	probe_bar(m, l, PG_CFG_ROM_BAR);
	for (unsigned i = 0; i < 6 && rc == 0; i++)
		rc = add_bar(m, i, (uint16_t)(0x10 + 4 * i));
	if (rc == 0)
		rc = add_bar(m, PG_CFG_ROM_BAR, 0x30);
	return rc;
}

static int add_command_status(struct pg_mediator *m)
{
	bool dm = m->profile == PG_PROFILE_DEVICE_MODEL;
	struct pg_reg c, s;
	int rc;

	memset(&c, 0, sizeof(c));
	c.off = 0x04;
	c.size = 2;
	c.pass = dm ? 0 : 0x0007u;
	c.virt = dm ? 0x07ffu : 0x07f8u;
	c.rsvdp = 0xf800u;
	c.perm_open = 0xfbf8u;     /* everything but the decode bits and INTx Disable */
	c.value = pg_med_snap(m, 0x04, 2) & c.virt;
	c.write = command_write;
	memcpy(c.id, "hdr.command", sizeof("hdr.command"));
	m->cmd_hw = (uint16_t)(pg_med_snap(m, 0x04, 2) & (0x0007u | CMD_INTX_DISABLE));
	rc = pg_med_add(m, &c, &m->row_cmd);
	if (rc < 0)
		return rc;

	memset(&s, 0, sizeof(s));
	s.off = 0x06;
	s.size = 2;
	s.ro = 0x06b9u;            /* Imm. Readiness, Interrupt, CAP_LIST, 66MHz, FB2B, DEVSEL */
	s.virt = 0x0010u;          /* CAP_LIST: set by the capability filter */
	s.rsvdz = 0x0046u;
	/* device-model: nothing but the interrupt enables may reach hardware, so the error
	 * bits are read-only there and a clearing attempt is audited */
	s.rw1c = dm ? 0 : 0xf900u;
	s.deny = dm ? 0xf900u : 0;
	memcpy(s.id, "hdr.status", sizeof("hdr.status"));
	return pg_med_add(m, &s, &m->row_status);
}

static int add_identity(struct pg_mediator *m, const struct pg_cfg_layout *l,
			const struct pg_mediator_ids *ids)
{
	struct pg_mediator_ids z;
	uint32_t cls;
	int rc;

	if (!ids) {
		memset(&z, 0, sizeof(z));
		ids = &z;
	}
	cls = ids->has_class ? ids->class_code : l->class_code;
	rc = add_emul(m, 0x00, 2, "hdr.vendor", ids->has_vendor ? ids->vendor : l->vendor);
	if (!rc)
		rc = add_emul(m, 0x02, 2, "hdr.device", ids->has_device ? ids->device : l->device);
	if (!rc)
		rc = add_emul(m, 0x08, 1, "hdr.revision",
			      ids->has_revision ? ids->revision : l->revision);
	if (!rc)
		rc = add_emul(m, 0x09, 1, "hdr.progif", cls & 0xffu);
	if (!rc)
		rc = add_emul(m, 0x0a, 2, "hdr.class", (cls >> 8) & 0xffffu);
	if (!rc)
		rc = add_emul(m, 0x0e, 1, "hdr.type", l->header_type & 0x7fu);
	if (!rc)
		rc = add_emul(m, 0x2c, 2, "hdr.subvendor",
			      ids->has_subsys ? ids->subvendor : l->subsys_vendor);
	if (!rc)
		rc = add_emul(m, 0x2e, 2, "hdr.subdevice",
			      ids->has_subsys ? ids->subdevice : l->subsys_device);
	return rc;
}

/* Cache Line Size, Latency Timer and BIST may be opened by a policy rule instead. */
static int add_misc(struct pg_mediator *m, const struct pg_policy_entry *pol)
{
	struct pg_reg b;
	int rc = 0;

	if (!pg_med_policy_covers(pol, 0x0c))
		rc = add_virt(m, 0x0c, 1, "hdr.cacheline", m->snap[0x0c], true);
	if (!rc && !pg_med_policy_covers(pol, 0x0d))
		rc = add_virt(m, 0x0d, 1, "hdr.latency", m->snap[0x0d], true);
	if (!rc && !pg_med_policy_covers(pol, 0x0f)) {
		/* BIST reads "not capable"; Start (bit 6) could run a self-test that resets
		 * the function, so a guest setting it is refused and audited */
		memset(&b, 0, sizeof(b));
		b.off = 0x0f;
		b.size = 1;
		b.virt = 0xffu;
		b.ro = 0xbfu;
		b.deny = 0x40u;
		b.perm_open = 0xffu;
		memcpy(b.id, "hdr.bist", sizeof("hdr.bist"));
		rc = pg_med_add(m, &b, NULL);
	}
	if (!rc)
		rc = add_emul(m, 0x28, 4, "hdr.cis", 0);
	if (!rc)
		/* Interrupt Line is emulation (the guest's routing), not a denial: virtual in every
		 * profile, starting at 0 rather than the host's line */
		rc = add_virt(m, 0x3c, 1, "hdr.intline", 0, false);
	if (!rc)
		rc = add_emul(m, 0x3d, 1, "hdr.intpin", (m->pflags & PG_POLICY_F_NO_INTX) ? 0 :
			      m->snap[0x3d]);
	if (!rc)
		rc = add_emul(m, 0x3e, 1, "hdr.mingnt", m->snap[0x3e]);
	if (!rc)
		rc = add_emul(m, 0x3f, 1, "hdr.maxlat", m->snap[0x3f]);
	return rc;
}

int pg_med_header_init(struct pg_mediator *m, const struct pg_cfg_layout *l,
		       const struct pg_policy_entry *pol, const struct pg_mediator_ids *ids)
{
	int rc = add_identity(m, l, ids);

	if (!rc)
		rc = add_command_status(m);
	if (!rc)
		rc = add_misc(m, pol);
	if (!rc)
		rc = add_bars(m, l);
	if (!rc)
		rc = add_emul(m, 0x34, 1, "hdr.capptr", 0);
	if (!rc)
		m->row_capptr = (uint16_t)(m->rt.nrows - 1u);
	return rc;
}
