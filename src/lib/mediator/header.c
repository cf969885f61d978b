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
#include "regs.h"
#include "util/util.h"

uint32_t pg_med_guest_cmd(const struct pg_mediator *m)
{
	const struct pg_reg *r = pg_med_crow(m, m->row_cmd);

	if (!r)
		return 0;
	return (r->value & r->virt) | (m->cmd_hw & ~r->virt);
}

/* The guest address BAR b's registers hold and whether it is one a decoding BAR maps at
 * (not 0, not the all-ones sizing pattern in either half; the ROM also needs its enable
 * bit): everything of a mapping but the Command decode bit. The masks were compiled with
 * the BAR's kind and size (compile_bar_sync()), which never change. */
static bool bar_addr_of(const struct pg_mediator *m, const struct pg_med_bar *b,
			uint64_t *ret_addr)
{
	const struct pg_reg *lo = pg_med_crow(m, b->row), *hi;
	uint32_t lo_bits, hi_bits = 0;

	*ret_addr = 0;
	if (!lo || (b->kind == PG_BAR_ROM && !(lo->value & ROM_ENABLE)))
		return false;
	lo_bits = lo->value & b->lo_mask;
	if (b->hi_mask) {
		hi = pg_med_crow(m, (uint16_t)(b->row + 1u));
		hi_bits = hi ? hi->value & b->hi_mask : 0;
	}
	*ret_addr = (uint64_t)hi_bits << 32 | lo_bits;
	return *ret_addr && !(b->lo_mask && lo_bits == b->lo_mask) &&
	       !(b->hi_mask && hi_bits == b->hi_mask);
}

/* bar_addr and each BAR's addr from its registers. The BAR registers are virtual rows
 * the guest changes only through bar_write() (which refreshes) and a reset only through
 * pg_med_reinit_virtual() (which does too), so a Command decode toggle, the frequent
 * case, reads the result instead of the rows. */
void pg_med_bars_refresh(struct pg_mediator *m)
{
	m->bar_addr = 0;
	for (unsigned pending = m->bar_sync[CMD_DECODE_BARS]; pending; pending &= pending - 1u) {
		unsigned i = (unsigned)__builtin_ctz(pending);
		struct pg_med_bar *b = &m->bars[i];

		if (bar_addr_of(m, b, &b->addr))
			m->bar_addr = (uint8_t)(m->bar_addr | (1u << i));
		else
			b->addr = 0;
	}
}

/* Post the BAR_MAP effect of BAR i and record it (inside sync_bars(), itself out of the
 * Command path). */
static inline void post_map(struct pg_mediator *m, struct pg_wctx *w, unsigned i, bool mapped,
		     uint64_t addr)
{
	struct pg_med_bar *b = &m->bars[i];
	struct pg_effect *e = pg_med_post_slot(w);

	b->last_addr = addr;
	m->bar_mapped ^= (uint8_t)(1u << i) & (mapped ? ~m->bar_mapped : m->bar_mapped);
	if (!e)
		return; /* the write fails (-ENOSPC) */
	*e = (struct pg_effect){ .kind = PG_EFFECT_BAR_MAP,
				 .u.map = { .bar = (uint8_t)i, .io = b->kind == PG_BAR_IO,
					    .mapped = mapped, .guest_addr = addr,
					    .size = b->size } };
}

/* The BARs to look at when the decode bits in decode changed, cmd being the guest's
 * Command after the change: only those a changed bit enables (bar_sync[]: absent BARs
 * and upper halves are in none). A BAR's mapping is a function of its
 * registers, its decode bit and (ROM) its enable bit, and every write changing one of them
 * syncs (command_write() for decode, bar_write() for the registers; pg_med_reinit_virtual()
 * resets the record with the state), so a BAR whose decode bit did not change is still
 * what its last effect said; and one whose decode bit turned off is unmapped whatever its
 * registers hold, so only the ones mapped now (bar_mapped) have anything to post. */
static inline unsigned bars_to_sync(const struct pg_mediator *m, uint32_t cmd, uint32_t decode)
{
	/* decode on: the BARs holding an address, or mapped (at another address, or now
	 * holding none); decode off: the mapped ones */
	return (m->bar_sync[decode & cmd & CMD_DECODE_BARS] & (m->bar_addr | m->bar_mapped)) |
	       (m->bar_sync[decode & ~cmd & CMD_DECODE_BARS] & m->bar_mapped);
}

/* Post a BAR_MAP effect for each BAR of pending (bars_to_sync()) whose guest mapping changed.
 * Out of line: most Command writes change no decode bit, or leave nothing to look at. */
__attribute__((noinline)) static void
sync_bars(struct pg_mediator *m, struct pg_wctx *w, uint32_t cmd, unsigned pending)
{
	for (; pending; pending &= pending - 1u) {
		unsigned i = (unsigned)__builtin_ctz(pending);
		const struct pg_med_bar *b = &m->bars[i];
		bool mapped = (cmd & b->decode) && ((m->bar_addr >> i) & 1u);
		bool was = (m->bar_mapped >> i) & 1u;

		if (mapped != was || (mapped && b->addr != b->last_addr))
			post_map(m, w, i, mapped, mapped ? b->addr : 0);
	}
}

void pg_med_bars_sync(struct pg_mediator *m, struct pg_wctx *w, uint32_t decode)
{
	uint32_t cmd = pg_med_guest_cmd(m);
	unsigned pending;

	pg_med_bars_refresh(m); /* a BAR register may have changed */
	pending = bars_to_sync(m, cmd, decode);
	if (pending)
		sync_bars(m, w, cmd, pending);
}

/* The end of a Command write, once the hardware bits are known (hw): record them, and
 * when a decode bit of the guest's Command changed, sync the BARs it enables. The guest's
 * Command after the write is computed from this row as "before" was (what
 * pg_med_guest_cmd() computes, without looking the row up again). */
static inline void command_done(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w,
				uint32_t hw, uint32_t before)
{
	uint32_t after = (r->value & r->virt) | (hw & ~r->virt);
	unsigned pending;

	m->cmd_hw = (uint16_t)hw;
	if (!((after ^ before) & CMD_DECODE_BARS))
		return;
	pending = bars_to_sync(m, after, (after ^ before) & CMD_DECODE_BARS);
	if (pending)
		sync_bars(m, w, after, pending);
}

/* INTx Disable on the hardware when the guest's bit is clear: set all the same while MSI
 * or MSI-X is on or the policy says no-intx (pg_med_intx_want()). Out of line, so the
 * usual Command write (drivers set the bit as they enable MSI or MSI-X) makes no call
 * before its end. */
__attribute__((noinline)) static void
command_intx(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w, uint32_t hw,
	     uint32_t before)
{
	uint32_t want = pg_med_intx_want(m);

	hw = (hw & ~CMD_INTX_DISABLE) | want;
	w->hw_mask |= CMD_INTX_DISABLE;
	w->hw_value = (w->hw_value & ~CMD_INTX_DISABLE) | want;
	command_done(m, r, w, hw, before);
}

static void command_write(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w)
{
	uint32_t hwbits = r->pass & w->bm;
	uint32_t hw = m->cmd_hw;
	uint32_t before = ((w->old & r->virt) | (hw & ~r->virt)) & CMD_DECODE_BARS;

	hw = (hw & ~hwbits) | (w->val & hwbits);
	if (w->bm & CMD_INTX_DISABLE) {
		/* INTx Disable is virtual in every profile, so this row's value is the guest's
		 * bit that pg_med_intx_want() ORs first: when it is set, the answer needs no
		 * look at MSI and MSI-X. Either way the bit is written to the hardware. */
		if (!(r->value & CMD_INTX_DISABLE)) {
			command_intx(m, r, w, hw, before);
			return;
		}
		hw |= CMD_INTX_DISABLE;
		w->hw_mask |= CMD_INTX_DISABLE;
		w->hw_value |= CMD_INTX_DISABLE;
	}
	command_done(m, r, w, hw, before);
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
		r->value = (r->value & (uint32_t)~(b->size - 1u) & ~BAR_IO_FLAGS) | flags;
		break;
	case PG_BAR_ROM:
		r->value = (r->value & (uint32_t)~(b->size - 1u) & ~ROM_FLAGS) |
			   (r->value & ROM_ENABLE);
		break;
	default:
		r->value = (r->value & (uint32_t)~(b->size - 1u) & ~BAR_MEM_FLAGS) | flags;
		break;
	}
	pg_med_bars_sync(m, w, CMD_IO | CMD_MEM);
}

/* A BAR or the ROM: fully virtual, sized against the backend's size (bar_write); one the
 * guest does not see reads 0 and ignores writes. */
static const struct pg_row_def row_bar = {
	.size = 4, .virt = 0xffffffffu, .write = bar_write,
};

static const struct pg_row_def row_bar_absent = {
	.size = 4, .virt = 0xffffffffu, .ro = 0xffffffffu,
};

static int add_bar(struct pg_mediator *m, unsigned i, uint16_t reg)
{
	struct pg_med_bar *b = &m->bars[i];
	bool absent = b->kind == PG_BAR_NONE;
	struct pg_reg r;
	char id[PG_REG_ID_LEN];

	(void)snprintf(id, sizeof(id), i == PG_CFG_ROM_BAR ? "hdr.rom" : "hdr.bar%u", i);
	pg_med_def_row(m, reg, absent ? &row_bar_absent : &row_bar,
		       b->kind == PG_BAR_ROM || b->kind == PG_BAR_MEM64_HI ? 0 : b->flags, &r);
	r.priv = (uint16_t)i;
	pg_reg_set_id(&r, id, NULL);
	return pg_med_add(m, &r, absent ? NULL : &b->row);
}

/* Accept a BAR only when the backend's description agrees with the config and its size is
 * one real hardware could have: a hostile or buggy backend must not make the guest size a
 * BAR wrongly (QEMU aborts on a BAR size that is not a power of two: PCI 3.0 §6.2.5.1). */
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

/* The ROM the VMM serves (pg_mediator_config.vmm_rom_size) in place of the device's: a
 * virtual ROM BAR of that size; the device's ROM register keeps its value (never
 * restored: vmm) and its ROM is never read. */
static void vmm_rom(struct pg_mediator *m, struct pg_med_bar *b)
{
	b->kind = PG_BAR_ROM;
	b->size = m->vmm_rom_size;
	b->vmm = true;
	pg_med_log(m, LOG_INFO, "ROM: %u bytes served by the VMM (its ROM file) in place of the "
		   "device's own ROM, which stays hidden", (unsigned)m->vmm_rom_size);
}

static void probe_bar(struct pg_mediator *m, const struct pg_cfg_layout *l, unsigned i)
{
	struct pg_med_bar *b = &m->bars[i];
	enum pg_bar_kind kind = l->bars[i].kind;
	struct pg_bar_info info;
	uint16_t reg = i == PG_CFG_ROM_BAR ? REG_ROM : (uint16_t)(REG_BAR0 + 4 * i);

	memset(b, 0, sizeof(*b));
	b->row = PG_ROW_NONE;
	bool as32 = false;

	if (i == PG_CFG_ROM_BAR && m->vmm_rom_size) {
		vmm_rom(m, b);
		return;
	}
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
	b->flags = kind == PG_BAR_IO ? b->host_lo & BAR_IO_FLAGS :
		   b->host_lo & (as32 ? BAR_MEM_FLAGS & ~BAR_MEM_TYPE : BAR_MEM_FLAGS);
	if (kind == PG_BAR_MEM64) {
		b->host64 = true;
		b->host_hi = pg_med_snap(m, (uint16_t)(reg + 4), 4);
		/* the upper half: a guest-programmed dword, or (32-bit view) absent */
		m->bars[i + 1].kind = as32 ? PG_BAR_NONE : PG_BAR_MEM64_HI;
		m->bars[i + 1].row = PG_ROW_NONE;
	}
}

/* The kinds and sizes are final here (nothing changes them later): remember which BARs
 * the mapping sync has to look at, so a decode toggle skips the absent ones for free, and
 * what of each it looks at: the address bits a BAR of its size decodes (PCI 3.0 §6.2.5.1:
 * below the size, and the flag bits, read as fixed) and the Command bit enabling it. */
static void compile_bar_sync(struct pg_mediator *m)
{
	memset(m->bar_sync, 0, sizeof(m->bar_sync));
	for (unsigned i = 0; i < PG_CFG_NUM_BARS; i++) {
		struct pg_med_bar *b = &m->bars[i];
		uint64_t amask = ~(b->size - 1u);

		if (b->kind == PG_BAR_NONE || b->kind == PG_BAR_MEM64_HI)
			continue;
		for (unsigned d = 0; d <= CMD_DECODE_BARS; d++) /* every set with its bit */
			if (d & (b->kind == PG_BAR_IO ? CMD_IO : CMD_MEM))
				m->bar_sync[d] |= (uint8_t)(1u << i);
		b->lo_mask = (uint32_t)amask & (b->kind == PG_BAR_IO ? ~BAR_IO_FLAGS :
						b->kind == PG_BAR_ROM ? ~ROM_FLAGS : ~BAR_MEM_FLAGS);
		b->hi_mask = b->kind == PG_BAR_MEM64 ? (uint32_t)(amask >> 32) : 0;
		b->decode = b->kind == PG_BAR_IO ? CMD_IO : CMD_MEM;
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
	compile_bar_sync(m);
	for (unsigned i = 0; i < 6 && rc == 0; i++)
		rc = add_bar(m, i, (uint16_t)(REG_BAR0 + 4 * i));
	if (rc == 0)
		rc = add_bar(m, PG_CFG_ROM_BAR, REG_ROM);
	if (rc == 0)
		pg_med_bars_refresh(m);
	return rc;
}

/* Command (PCI 3.0 §6.2.2): the decode bits reach the hardware (guest profile), INTx
 * Disable through the hook (irq.c), the rest virtual, bits 11-15 RsvdP. In the device-model
 * profile the decode bits are virtual too (the host enables the device). */
static const struct pg_row_def row_command = {
	.rel = REG_COMMAND, .size = 2, .id = "hdr.command",
	.pass = CMD_DECODE, .virt = 0x07ffu & ~CMD_DECODE, .rsvdp = CMD_RSVD,
	.perm_open = 0xffffu & ~(CMD_DECODE | CMD_INTX_DISABLE), /* all but decode, INTx */
	.snap = 0xffffu, .write = command_write,
};

/* Status (§6.2.3): error bits RW1C to hardware, CAP_LIST virtual (set by the capability
 * filter when a capability remains visible), RsvdZ, the rest read-only. Device-model:
 * nothing but the interrupt enables may reach hardware, so the error bits are read-only
 * there and a clearing attempt is audited. */
static const struct pg_row_def row_status = {
	.rel = REG_STATUS, .size = 2, .id = "hdr.status",
	.ro = STATUS_RO, .virt = STATUS_CAP_LIST, .rsvdz = STATUS_RSVDZ, .rw1c = STATUS_RW1C,
};

static int add_command_status(struct pg_mediator *m)
{
	bool dm = m->profile == PG_PROFILE_DEVICE_MODEL;
	struct pg_reg c, s;
	int rc;

	pg_med_def_row(m, 0, &row_command, 0, &c);
	if (dm) {
		c.virt |= c.pass;
		c.value = pg_med_snap(m, REG_COMMAND, 2) & c.virt;
		c.pass = 0;
	}
	m->cmd_hw = (uint16_t)(pg_med_snap(m, REG_COMMAND, 2) & (CMD_DECODE | CMD_INTX_DISABLE));
	rc = pg_med_add(m, &c, &m->row_cmd);
	if (rc < 0)
		return rc;
	pg_med_def_row(m, 0, &row_status, 0, &s);
	if (dm) {
		s.deny = s.rw1c;
		s.rw1c = 0;
	}
	return pg_med_add(m, &s, &m->row_status);
}

#define EMUL(r, s, n, sn) { .rel = (r), .size = (s), .id = (n), .virt = 0xffffffffu, \
			    .ro = 0xffffffffu, .snap = (sn) }

/* Identity, emulated from the snapshot (overridable): never read through by accident.
 * Header Type without its multifunction bit: the guest gets one function. */
enum { ID_VENDOR, ID_DEVICE, ID_REVISION, ID_PROGIF, ID_CLASS, ID_TYPE, ID_SUBVENDOR,
       ID_SUBDEVICE, ID__COUNT };

static const struct pg_row_def id_rows[ID__COUNT] = {
	[ID_VENDOR] = EMUL(REG_VENDOR, 2, "hdr.vendor", 0xffffu),
	[ID_DEVICE] = EMUL(REG_DEVICE, 2, "hdr.device", 0xffffu),
	[ID_REVISION] = EMUL(REG_REVISION, 1, "hdr.revision", 0xffu),
	[ID_PROGIF] = EMUL(REG_PROGIF, 1, "hdr.progif", 0xffu),
	[ID_CLASS] = EMUL(REG_CLASS, 2, "hdr.class", 0xffffu),
	[ID_TYPE] = EMUL(REG_HEADER_TYPE, 1, "hdr.type", HDR_TYPE_LAYOUT),
	[ID_SUBVENDOR] = EMUL(REG_SUBVENDOR, 2, "hdr.subvendor", 0xffffu),
	[ID_SUBDEVICE] = EMUL(REG_SUBDEVICE, 2, "hdr.subdevice", 0xffffu),
};

static int add_identity(struct pg_mediator *m, const struct pg_mediator_ids *ids)
{
	uint32_t over[ID__COUNT] = { 0 };
	bool has[ID__COUNT] = { false };
	int rc = 0;

	if (ids) {
		has[ID_VENDOR] = ids->has_vendor;
		over[ID_VENDOR] = ids->vendor;
		has[ID_DEVICE] = ids->has_device;
		over[ID_DEVICE] = ids->device;
		has[ID_REVISION] = ids->has_revision;
		over[ID_REVISION] = ids->revision;
		has[ID_PROGIF] = has[ID_CLASS] = ids->has_class;
		over[ID_PROGIF] = ids->class_code & 0xffu;
		over[ID_CLASS] = (ids->class_code >> 8) & 0xffffu;
		has[ID_SUBVENDOR] = has[ID_SUBDEVICE] = ids->has_subsys;
		over[ID_SUBVENDOR] = ids->subvendor;
		over[ID_SUBDEVICE] = ids->subdevice;
	}
	for (unsigned i = 0; i < ID__COUNT && rc == 0; i++) {
		struct pg_reg r;

		pg_med_def_row(m, 0, &id_rows[i], 0, &r);
		if (has[i])
			r.value = over[i] & r.virt;
		rc = pg_med_add(m, &r, NULL);
	}
	return rc;
}

/* Cache Line Size and Latency Timer are the guest's (virtual; permissive: the device's).
 * BIST reads "not capable"; Start could run a self-test that resets the function, so a
 * guest setting it is refused and audited. A policy rule may open any of the three. */
static const struct pg_row_def misc_policy_rows[] = {
	{ .rel = REG_CACHE_LINE, .size = 1, .id = "hdr.cacheline", .virt = 0xffu,
	  .perm_open = 0xffu, .snap = 0xffu },
	{ .rel = REG_LATENCY, .size = 1, .id = "hdr.latency", .virt = 0xffu,
	  .perm_open = 0xffu, .snap = 0xffu },
	{ .rel = REG_BIST, .size = 1, .id = "hdr.bist", .virt = 0xffu,
	  .ro = 0xffu & ~BIST_START, .deny = BIST_START, .perm_open = 0xffu },
};

/* Interrupt Line is emulation (the guest's routing), not a denial: virtual in every
 * profile, starting at 0 rather than the host's line. Interrupt Pin reads 0 with the
 * no-intx flag (hook-free: its value is set at init). */
static const struct pg_row_def misc_rows[] = {
	EMUL(REG_CIS, 4, "hdr.cis", 0),
	{ .rel = REG_INT_LINE, .size = 1, .id = "hdr.intline", .virt = 0xffu },
	EMUL(REG_INT_PIN, 1, "hdr.intpin", 0xffu),
	EMUL(REG_MIN_GNT, 1, "hdr.mingnt", 0xffu),
	EMUL(REG_MAX_LAT, 1, "hdr.maxlat", 0xffu),
};

static int add_misc(struct pg_mediator *m, const struct pg_policy_entry *pol)
{
	int rc = 0;

	for (size_t i = 0; i < sizeof(misc_policy_rows) / sizeof(misc_policy_rows[0]); i++)
		if (rc == 0 && !pg_med_policy_covers(pol, misc_policy_rows[i].rel))
			rc = pg_med_add_def(m, 0, &misc_policy_rows[i], 0, NULL);
	for (size_t i = 0; i < sizeof(misc_rows) / sizeof(misc_rows[0]) && rc == 0; i++) {
		struct pg_reg r;

		pg_med_def_row(m, 0, &misc_rows[i], 0, &r);
		if (r.off == REG_INT_PIN && (m->pflags & PG_POLICY_F_NO_INTX))
			r.value = 0;
		rc = pg_med_add(m, &r, NULL);
	}
	return rc;
}

static const struct pg_row_def row_capptr = EMUL(REG_CAP_PTR, 1, "hdr.capptr", 0);

int pg_med_header_init(struct pg_mediator *m, const struct pg_cfg_layout *l,
		       const struct pg_policy_entry *pol, const struct pg_mediator_ids *ids)
{
	int rc = add_identity(m, ids);

	if (!rc)
		rc = add_command_status(m);
	if (!rc)
		rc = add_misc(m, pol);
	if (!rc)
		rc = add_bars(m, l);
	if (!rc)
		rc = pg_med_add_def(m, 0, &row_capptr, 0, &m->row_capptr);
	return rc;
}
