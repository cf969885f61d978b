/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of the mediator: the register engine (regtable), the mediator object, the
 * hooks capability handlers plug in, the audit sink and the effect helpers.
 *
 * Register rows carry typed bit masks (Xen vPCI's vocabulary plus a virtual and a denied
 * class). Within a row, these masks are pairwise disjoint: pass, rw1c, rsvdp, rsvdz, ro,
 * deny; virt must not meet pass, rw1c, rsvdp or rsvdz; wo must lie inside pass; value must
 * lie inside virt. Bits in no mask read from the hardware and ignore writes (as ro).
 *
 *   class         read                        guest write
 *   pass          hardware                    read-modify-written to hardware
 *   pass & wo     0                           read-modify-written to hardware
 *   rw1c          hardware                    a 1 clears the hardware bit, a 0 is a no-op
 *   rsvdp         0                           ignored, hardware value preserved
 *   rsvdz         0                           0 written to hardware
 *   virt          value                       stored in value (unless also ro or deny)
 *   ro            hardware (value if virt)    ignored
 *   deny          hardware (value if virt)    ignored and audited when it would change the
 *                                             bit: a virtual deny bit differing from value,
 *                                             a hardware deny bit written as 1 (the RW1C
 *                                             action); permissive compiles deny into pass
 *
 * Rows are registered once at compile time and never move (append-only; a failed
 * capability init truncates back to where it started). A per-byte index map gives O(1)
 * lookup; map entries are 0 (gap), row index + 1, or PG_MAP_HIDDEN | cap index.
 */
#ifndef PG_MEDIATOR_PRIVATE_H
#define PG_MEDIATOR_PRIVATE_H

#include <string.h>

#include <pcigate/mediator.h>

#include "backend/backend-private.h"
#include "util/util.h"

#define PG_MAP_HIDDEN 0x8000u
#define PG_ROW_NONE 0xffffu
#define PG_MED_HIDE_NO_EXT 0x7fffu /* hidden index: the no-ext-cfg policy flag */
#define PG_REG_ID_LEN 24u

struct pg_mediator;
struct pg_reg;
struct pg_wctx;

/* A write hook runs after the masks were applied to a row: it may adjust the virtual value
 * (r->value), the pending hardware write (w->hw_*), deny bits (pg_med_deny) and queue
 * further effects (pg_med_post). It must not do I/O. */
typedef void (*pg_reg_hook)(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w);

struct pg_reg {
	uint16_t off;
	uint8_t size;
	uint32_t pass, rw1c, rsvdp, rsvdz, ro, deny, virt, wo;
	uint32_t value;        /* virtual value (bits inside virt) */
	uint32_t init;         /* value at compile time, restored on reset */
	uint32_t perm_open;    /* template: bits the permissive profile sends to hardware */
	uint32_t paudit;       /* compiled: permissive-only bits, audited when changed */
	uint32_t pvalue;       /* compiled: last value of paudit bits (snapshot, then writes) */
	uint32_t rd_hw;        /* compiled: bits read from hardware */
	/* Compiled by pg_regtable_add() from the masks above, which never change once a row
	 * is added: the write path uses them instead of recombining the masks per access. */
	uint32_t wr_virt;      /* virtual bits a guest write stores: virt & ~ro & ~deny */
	uint32_t wr_hw;        /* bits whose guest value goes to hardware: pass | rw1c */
	uint32_t wr_all;       /* every bit of the register: the size mask */
	uint8_t wr_shift;      /* bit position of the register in its dword: 8 * (off & 3) */
	uint8_t wr_end;        /* byte after the register in its dword: (off & 3) + size */
	bool wr_plain;         /* no hook, no deny or permissive-audit bits: masks alone */
	bool wr_audit;         /* deny or permissive-audit bits: audit_row() looks */
	pg_reg_hook write;
	uint16_t priv;         /* hook data: BAR index, ... */
	char id[PG_REG_ID_LEN];/* stable rule id, e.g. "hdr.command" */
	uint8_t pad_[14];      /* to 128 bytes: a row index scales by a shift on the hot path */
};
_Static_assert(sizeof(struct pg_reg) == 128, "struct pg_reg: keep it 128 bytes (pad_)");

/*
 * A dword's read plan, derived from the map and the rows' compiled masks, both of which
 * change only in pg_regtable_add/truncate/hide (which re-plan the dwords they touch): when
 * every byte of the dword belongs to at most two rows (no gap, no hidden byte), a whole-dword
 * read needs only those rows' virtual values, read live (hooks change them), and hw, the
 * constant OR of their hardware-read masks. rows: index + 1 (the second repeats the first
 * when one row covers the dword; OR-ing it twice changes nothing); rows[0] == 0: no plan,
 * the read steps through the map (read_plan() in dispatch.c).
 */
struct pg_dw_plan {
	uint32_t hw;
	uint16_t rows[2];
};

struct pg_regtable {
	struct pg_reg *rows;
	uint16_t nrows, cap;
	uint16_t len;          /* config bytes of the device */
	uint16_t map[PG_CFG_EXT_LEN];
	struct pg_dw_plan dw[PG_CFG_EXT_LEN / 4u];
};

/* regtable.c */
void pg_regtable_init(struct pg_regtable *t, uint16_t cfg_len);
void pg_regtable_free(struct pg_regtable *t);
/* Validate and append a copy of r. Returns the row index through ret_idx (may be NULL).
 * -EINVAL: size, alignment, range, mask wider than the register, contradictory masks;
 * -EEXIST: a byte already belongs to a row; -ENOSPC: table full; -ENOMEM. */
int pg_regtable_add(struct pg_regtable *t, const struct pg_reg *r, uint16_t *ret_idx)
	__attribute__((warn_unused_result));
/* Remove every row with index >= n (unmapping their bytes). */
void pg_regtable_truncate(struct pg_regtable *t, uint16_t n);
/* Mark [off, off + len) as belonging to hidden capability h, where no row is. */
void pg_regtable_hide(struct pg_regtable *t, uint16_t off, uint16_t len, uint16_t h);
/* Row owning byte off, or NULL. */
static inline struct pg_reg *pg_regtable_row_at(const struct pg_regtable *t, uint16_t off)
{
	uint16_t e = off < PG_CFG_EXT_LEN ? t->map[off] : 0;

	return (e && !(e & PG_MAP_HIDDEN)) ? &t->rows[e - 1u] : NULL;
}

/* The bits of a size-byte access: util's one size-mask helper, at register width. */
static inline uint64_t pg_size_mask64(uint8_t size)
{
	return pg_util_size_mask(size);
}

static inline uint32_t pg_size_mask(uint8_t size)
{
	/* pg_util_size_mask() in 32 bits (4 or more bytes: all 32), as a table: it runs
	 * several times on every config write */
	static const uint32_t masks[5] = { 0, 0xffu, 0xffffu, 0xffffffu, UINT32_MAX };

	return masks[size < 4 ? size : 4];
}

/* ---- the mediator ------------------------------------------------------------------- */

struct pg_med_bar {
	enum pg_bar_kind kind;     /* PG_BAR_NONE when absent or rejected */
	bool prefetchable;
	uint64_t size;
	uint16_t row;              /* row of the (low) register */
	uint32_t host_lo, host_hi; /* hardware register values at compile time (restore) */
	bool host64;               /* the hardware BAR is 64-bit: restore host_hi too */
	uint32_t flags;            /* type/prefetch bits the guest reads (I/O: bits 1:0) */
	bool vmm;                  /* ROM only: served by the VMM (vmm_rom_size), never the
	                              device's: its register is never restored */
	uint64_t last_addr;        /* where the last BAR_MAP effect mapped it (mapped: bit i
	                              of bar_mapped; 0 when unmapped) */
	uint64_t addr;             /* the address its registers hold: pg_med_bars_refresh() */
	/* compiled with the kinds (add_bars): what bars_sync() checks on a decode toggle */
	uint32_t lo_mask, hi_mask; /* address bits of the (low, high) register */
	uint16_t decode;           /* the Command bit that enables it: CMD_IO or CMD_MEM */
};

struct pg_med_cap {
	uint16_t off;
	uint16_t id;
	uint16_t len;              /* the cfg parser's length (clamped to the config) */
	bool extended;
	bool visible;
	uint16_t hdr_row;
	/* The parser's capability: geometry and decoded fields for the handlers. Borrowed
	 * from the layout, valid only while the mediator is compiled (NULL afterwards). */
	const struct pg_cap *src;
};

struct pg_med_msix_entry {
	uint32_t addr_lo, addr_hi, data, ctrl;
};

struct pg_mediator {
	struct pg_backend *be;
	enum pg_profile profile;
	char name[64];
	uint16_t cfg_len;
	uint8_t snap[PG_CFG_EXT_LEN];  /* config at compile time (hardware values) */

	pg_mediator_log_fn log;
	void *log_data;
	pg_audit_fn audit;
	void *audit_data;
	pg_effect_fn effect;
	void *effect_data;
	pg_clock_fn clock;
	void *clock_data;

	uint32_t pflags;               /* enum pg_policy_flag bits */
	unsigned opts;                 /* PG_MEDIATOR_OPT_* bits */
	uint32_t vmm_rom_size;         /* pg_mediator_config.vmm_rom_size, validated */
	/* Reset methods the policy allows, in order (see reset_order() in mediator.c);
	 * n_reset 0: none allowed, every reset is refused. */
	enum pg_reset_method reset_order[PG_RESET_MAX_METHODS];
	uint8_t n_reset;

	struct pg_regtable rt;
	struct pg_med_bar bars[PG_CFG_NUM_BARS];
	/* bar_sync[d], bit i: bars[i] is a BAR pg_med_bars_sync() maps, decoded by one of the
	 * Command bits of d (CMD_IO, CMD_MEM; set once at compile time) */
	uint8_t bar_sync[4];
	uint8_t bar_mapped;        /* bit i: the last BAR_MAP effect of bars[i] mapped it */
	uint8_t bar_addr;          /* bit i: bars[i].addr is one it maps at when decoding */
	struct pg_med_cap caps[PG_CFG_MAX_CAPS];
	uint16_t ncaps;
	uint16_t row_cmd, row_status, row_capptr;
	uint16_t cmd_hw;               /* Command bits the guest wrote that reach hardware */

	struct {
		bool present;
		uint16_t cap;
		bool is64, maskable;
		uint8_t mmc;
		uint16_t hw_ctrl;          /* device-model: Enable as the hardware has it */
		uint16_t row_ctrl, row_alo, row_ahi, row_data, row_mask;
	} msi;
	struct {
		bool present;
		bool hidden;               /* hidden capability: its table and PBA still trapped */
		uint16_t cap;
		uint16_t nent;
		uint8_t tbir, pbir;
		uint32_t toff, poff, plen;
		uint16_t row_ctrl;
		uint16_t warned_cap;       /* capability whose bad layout was logged (0: none) */
		uint16_t hw_ctrl;          /* device-model: Enable/Function Mask in hardware */
		struct pg_med_msix_entry *table;
	} msix;
	struct {
		bool present;
		bool no_soft_reset;
		uint16_t row_pmcsr;
		bool d1, d2;               /* D1/D2 supported (PMC) */
	} pm;
	bool pcie_flr;                 /* DevCap Function Level Reset capable */
	bool af_flr;                   /* Advanced Features: TP and FLR capable */

	struct {
		struct pg_audit_counters c;
		struct pg_audit_rate rate;
		uint64_t tokens;           /* scaled by 1e9 */
		struct timespec last;
		bool have_last;
		uint64_t pending;          /* suppressed since the last summary */
	} audit_state;
};

/* Context of one row segment of a write. Coordinates are the row's (bit 0 = r->off). */
struct pg_wctx {
	struct pg_write_decision *d;
	uint16_t off;                  /* guest bytes within this row, for audit */
	uint8_t size;
	uint32_t bm;                   /* bits written by the guest */
	uint32_t val;                  /* guest value (bm bits meaningful) */
	uint32_t old;                  /* virtual value before the write */
	uint32_t hw_value, hw_mask;    /* pending hardware write */
	/* d->effects[slot] is reserved for this row's own hardware write, which goes before
	 * what the hook posts (PG_MEDIATOR_MAX_EFFECTS: none, the decision was full); posts
	 * are written straight into d after it */
	unsigned slot;
	bool overflow;                 /* a post found the decision full */
};

/* A register row as data: named masks in designated initialisers, rel the offset from
 * the base the row is added at (a capability, or 0 for the header). Masks wider than size
 * are cut to it. snap names the virtual bits whose compile-time value is the device's
 * (the snapshot); a caller adds computed bits through value. */
struct pg_row_def {
	uint16_t rel;
	uint8_t size;
	const char *id;
	uint32_t pass, rw1c, rsvdp, rsvdz, ro, deny, virt, wo, perm_open;
	uint32_t snap;
	pg_reg_hook write;
};

/* The guest's value of the bytes it wrote in this row segment (for audit records). */
static inline uint64_t pg_wctx_guest_value(const struct pg_reg *r, const struct pg_wctx *w)
{
	return (w->val >> ((w->off - r->off) * 8u)) & pg_size_mask(w->size);
}

/* effects.c: building effects (no I/O) */
bool pg_med_push(struct pg_write_decision *d, const struct pg_effect *e);
/* Queue e after the current row's hardware write (a hook's effect); a full decision sets
 * w->overflow, and the write fails with -ENOSPC. */
void pg_med_post(struct pg_wctx *w, const struct pg_effect *e);

/* pg_med_post() building the effect in place: the next effect of the decision, which the
 * caller must fill whole (every byte: assign a compound literal), or NULL (w->overflow
 * set) when the decision is full. */
static inline struct pg_effect *pg_med_post_slot(struct pg_wctx *w)
{
	struct pg_write_decision *d = w->d;

	if (d->neffects >= PG_MEDIATOR_MAX_EFFECTS) {
		w->overflow = true;
		return NULL;
	}
	return &d->effects[d->neffects++];
}

/* pg_med_post_slot() zeroed, for callers filling it field by field. */
static inline struct pg_effect *pg_med_post_new(struct pg_wctx *w)
{
	struct pg_effect *e = pg_med_post_slot(w);

	if (e)
		memset(e, 0, sizeof(*e));
	return e;
}
/* pg_med_cfg_effect() fills e as a config write of (value, mask) bits in a register at off
 * of size bytes, narrowed to the smallest naturally aligned chunk holding the masked
 * bytes; pg_med_push_cfg() queues one (false when the decision is full). Inline: every
 * hardware write of the hot path builds one. */
/* Smallest naturally aligned chunk (1, 2 or 4 bytes) of a size-byte register holding every
 * byte of mask (mask non-zero and within size). */
static inline void pg_med_narrow(uint8_t size, uint32_t mask, unsigned *ret_first, uint8_t *ret_n)
{
	unsigned lo = (unsigned)__builtin_ctz(mask) / 8u;
	unsigned hi = (31u - (unsigned)__builtin_clz(mask)) / 8u;

	if (lo == hi) {
		*ret_first = lo;
		*ret_n = 1;
	} else if (lo / 2u == hi / 2u) {
		*ret_first = lo & ~1u;
		*ret_n = 2;
	} else {
		*ret_first = 0;
		*ret_n = size;
	}
}

static inline void pg_med_cfg_effect(struct pg_effect *e, uint16_t off, uint8_t size,
				     uint32_t value, uint32_t mask, uint32_t rw1c)
{
	uint32_t mm = mask & pg_size_mask(size);
	unsigned first = 0;
	uint8_t n = size;

	/* a mask touching the register's first and last byte narrows to the whole register
	 * (pg_med_narrow() would say so too): the common case, decided in two tests */
	if (mm && (!(mm & 0xffu) || !(mm >> (8u * (size - 1u)))))
		pg_med_narrow(size, mm, &first, &n);
	e->kind = PG_EFFECT_CFG_WRITE;
	e->u.cfg.off = (uint16_t)(off + first);
	e->u.cfg.size = n;
	e->u.cfg.value = (value >> (8u * first)) & pg_size_mask(n);
	e->u.cfg.write_mask = (mask >> (8u * first)) & pg_size_mask(n);
	e->u.cfg.rw1c_mask = (rw1c >> (8u * first)) & pg_size_mask(n);
}

static inline bool pg_med_push_cfg(struct pg_write_decision *d, uint16_t off, uint8_t size,
				   uint32_t value, uint32_t mask, uint32_t rw1c)
{
	if (d->neffects >= PG_MEDIATOR_MAX_EFFECTS)
		return false;
	pg_med_cfg_effect(&d->effects[d->neffects++], off, size, value, mask, rw1c); /* in place */
	return true;
}


void pg_med_post_cfg(struct pg_wctx *w, uint16_t off, uint8_t size, uint32_t value,
		     uint32_t mask);

/* Queue bits of the row being written for the hardware with value want, unless *hw (the
 * mediator's record of those bits on the device) already holds them; updates *hw. */
void pg_med_hw_bits(struct pg_wctx *w, uint32_t bits, uint32_t want, uint16_t *hw);
/* Refuse bits of the current write: restore their virtual value, drop them from the
 * hardware write, audit. In the permissive profile a non-hard denial is let through and
 * audited as permissive instead. */
void pg_med_deny(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w, uint32_t bits,
		 const char *rule, bool hard);
/* A PG_EFFECT_RESET carrying the allowed method order; off/size/value name the request
 * (the register and bit the guest wrote; 0 for a VMM reset) for the audit record. */
void pg_med_reset_effect(const struct pg_mediator *m, const char *why, uint16_t off,
			 uint8_t size, uint32_t value, struct pg_effect *ret);

/* exec.c: the executor */
int pg_med_restore_host(struct pg_mediator *m) __attribute__((warn_unused_result));
/* exec.c: one effect of any kind but a config write (pg_med_exec_cfg() below), and every
 * effect in read-only mode, which drops those acting on the device. */
int pg_med_apply_one(struct pg_mediator *m, const struct pg_effect *e)
	__attribute__((warn_unused_result));

/* The effect callback for what only the VMM carries out (IRQ, BAR_MAP, PM_STATE, and the
 * notifications after RESET/RESTORE): none set, nothing to do. */
static inline int pg_med_notify(struct pg_mediator *m, const struct pg_effect *e)
{
	return m->effect ? m->effect(m->effect_data, e) : 0;
}

/* The executor's config write: read-modify-write through the backend, RW1C bits outside
 * write_mask written as 0 (part of the mask, value 0) so nothing is cleared by accident.
 * own: the effect is one this mediator built from its rows during pg_mediator_cfg_write()
 * (size 1/2/4, naturally aligned, inside cfg_len, which is the backend's: snapshot()), so
 * the backend's geometry check is skipped (pg_backend_cfg_update_trusted()); effects from
 * anywhere else (pg_mediator_apply()'s caller) take the checked call. Inline with
 * pg_med_apply(): every config write of a guest runs them. */
static inline __attribute__((always_inline)) int
pg_med_exec_cfg_as(struct pg_mediator *m, const struct pg_effect *e, bool own)
{
	/* the backend takes value's bits under mask only, and cuts both to size */
	uint32_t value = e->u.cfg.value & e->u.cfg.write_mask;
	uint32_t mask = e->u.cfg.write_mask | e->u.cfg.rw1c_mask;

	if (!e->u.cfg.write_mask)
		return 0;
	if (own)
		return pg_backend_cfg_update_trusted(m->be, e->u.cfg.off, e->u.cfg.size, value,
						     mask);
	return pg_backend_cfg_update(m->be, e->u.cfg.off, e->u.cfg.size, value, mask);
}

static inline int pg_med_exec_cfg(struct pg_mediator *m, const struct pg_effect *e)
{
	return pg_med_exec_cfg_as(m, e, false);
}

/* pg_mediator_apply() without the argument checks (m non-NULL, d->neffects within
 * PG_MEDIATOR_MAX_EFFECTS): in order, stopping at the first error. Config writes, most of
 * what a decision holds, run in the loop itself; own as for pg_med_exec_cfg_as(): true
 * only for a decision pg_mediator_cfg_write() has just made. */
static inline __attribute__((always_inline)) int
pg_med_apply(struct pg_mediator *m, const struct pg_write_decision *d, bool own)
{
	bool ro = m->opts & PG_MEDIATOR_OPT_READONLY;
	int rc = 0;

	for (unsigned i = 0; i < d->neffects && rc == 0; i++) {
		const struct pg_effect *e = &d->effects[i];

		if (__builtin_expect(e->kind == PG_EFFECT_CFG_WRITE && !ro, 1))
			rc = pg_med_exec_cfg_as(m, e, own);
		else if (e->kind == PG_EFFECT_IRQ || e->kind == PG_EFFECT_BAR_MAP ||
			 e->kind == PG_EFFECT_PM_STATE)
			rc = pg_med_notify(m, e); /* the VMM's in every mode */
		else
			rc = pg_med_apply_one(m, e);
	}
	return rc;
}
void pg_med_reinit_virtual(struct pg_mediator *m);

/* irq.c: interrupt mode */
bool pg_med_msi_enabled(const struct pg_mediator *m);
bool pg_med_msix_enabled(const struct pg_mediator *m);
/* A PG_EFFECT_IRQ describing type (vector: an MSI-X entry or PG_IRQ_ALL_VECTORS). */
void pg_med_irq_effect(const struct pg_mediator *m, enum pg_irq_type type, uint16_t vector,
		       struct pg_effect *ret);
void pg_med_post_irq(struct pg_mediator *m, struct pg_wctx *w, enum pg_irq_type type,
		     uint16_t vector);
/* One type at a time: a write of row r turning enable on while the other message type is
 * enabled is refused and audited ("irq-exclusive"). Returns false when it refused. */
bool pg_med_irq_exclusive(struct pg_mediator *m, struct pg_reg *r, struct pg_wctx *w,
			  enum pg_irq_type type, uint32_t enable);
/* Command INTx Disable as the hardware should have it (guest value OR MSI/MSI-X on OR
 * the no-intx flag), and queue its write when it differs from what the hardware has. */
uint16_t pg_med_intx_want(const struct pg_mediator *m);
void pg_med_intx_sync(struct pg_mediator *m, struct pg_wctx *w);

/* audit.c */
void pg_med_audit(struct pg_mediator *m, enum pg_access_space space, uint8_t bar,
		  uint64_t off, uint8_t size, uint64_t value, enum pg_audit_verdict verdict,
		  const char *rule);
void pg_med_log(const struct pg_mediator *m, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "hidden-cap:<name>" for map entry h into buf. */
void pg_med_hidden_rule(const struct pg_mediator *m, uint16_t h, char *buf, size_t n);
/* The policy name of a capability ("msix", "ext:aer"), or "0x.." / "ext:0x.." in buf. */
const char *pg_med_cap_short(bool extended, uint16_t id, char *buf, size_t n);

/* profile.c: rows and what a profile/policy opens */
/* Add a row, applying the profile (permissive opening) first. */
int pg_med_add(struct pg_mediator *m, const struct pg_reg *r, uint16_t *ret_idx)
	__attribute__((warn_unused_result));
/* The row def describes at base, with value added to its snapshot bits, into *ret. */
void pg_med_def_row(const struct pg_mediator *m, uint16_t base, const struct pg_row_def *def,
		    uint32_t value, struct pg_reg *ret);
int pg_med_add_def(struct pg_mediator *m, uint16_t base, const struct pg_row_def *def,
		   uint32_t value, uint16_t *ret_idx) __attribute__((warn_unused_result));
/* Add every row of defs[0..n) lying within the first len bytes from base; ret_idx (may be
 * NULL, else n entries) gets each row's index, PG_ROW_NONE when it was not added. */
int pg_med_add_defs(struct pg_mediator *m, uint16_t base, const struct pg_row_def *defs,
		    size_t n, uint32_t len, uint16_t *ret_idx) __attribute__((warn_unused_result));
/* Register generic read-only rows over [from, to): used for visible caps without handler. */
int pg_med_ro_rows(struct pg_mediator *m, uint16_t from, uint16_t to, const char *id)
	__attribute__((warn_unused_result));
bool pg_med_cap_allowed(const struct pg_mediator *m, const struct pg_policy_entry *pol,
			bool extended, uint16_t id);
int pg_med_policy_rows(struct pg_mediator *m, const struct pg_policy_entry *pol)
	__attribute__((warn_unused_result));
bool pg_med_policy_covers(const struct pg_policy_entry *pol, uint16_t off);

/* header.c */
int pg_med_header_init(struct pg_mediator *m, const struct pg_cfg_layout *l,
		       const struct pg_policy_entry *pol, const struct pg_mediator_ids *ids)
	__attribute__((warn_unused_result));
/* Post a BAR_MAP effect for each BAR whose mapping changed, among the BARs decoded by a
 * Command bit in decode (CMD_IO, CMD_MEM: the inputs that changed; both after a BAR
 * write). */
void pg_med_bars_sync(struct pg_mediator *m, struct pg_wctx *w, uint32_t decode);
/* Recompute what the BAR registers hold (bars[].addr, bar_addr) after they changed: a BAR
 * write does it through pg_med_bars_sync(), a reset through pg_med_reinit_virtual(). */
void pg_med_bars_refresh(struct pg_mediator *m);
/* Command as the guest sees it (virtual bits and the hardware bits it wrote). */
uint32_t pg_med_guest_cmd(const struct pg_mediator *m);

/* caps-filter.c */
int pg_med_caps_init(struct pg_mediator *m, const struct pg_cfg_layout *l,
		     const struct pg_policy_entry *pol) __attribute__((warn_unused_result));

/* Capability handlers: register rows for the capability at cap (its header row is added
 * by caps-filter.c). Return 0 or a negative errno (then the capability is hidden). */
int pg_med_msi_init(struct pg_mediator *m, const struct pg_med_cap *cap)
	__attribute__((warn_unused_result));
int pg_med_msix_init(struct pg_mediator *m, const struct pg_med_cap *cap)
	__attribute__((warn_unused_result));
int pg_med_pm_init(struct pg_mediator *m, const struct pg_med_cap *cap)
	__attribute__((warn_unused_result));
int pg_med_pcie_init(struct pg_mediator *m, const struct pg_med_cap *cap)
	__attribute__((warn_unused_result));
int pg_med_af_init(struct pg_mediator *m, const struct pg_med_cap *cap)
	__attribute__((warn_unused_result));
/* Extended capability handlers (aer.c, ecap-*.c): the same contract. */
int pg_med_aer_init(struct pg_mediator *m, const struct pg_med_cap *cap)
	__attribute__((warn_unused_result));
/* ecap-lock.c: Resizable BAR, VF Resizable BAR, SR-IOV, ATS, PASID, PRI and ACS (their
 * control registers refused in every profile); -EINVAL for another capability. */
int pg_med_ecap_lock_init(struct pg_mediator *m, const struct pg_med_cap *cap)
	__attribute__((warn_unused_result));
/* ecap-common.c: add row r of an extended capability, reduced first for the device-model
 * profile (pass bits become virtual from the device's value, RW1C bits refused); r may be
 * changed. Returns pg_med_add()'s result. */
int pg_med_ecap_add(struct pg_mediator *m, struct pg_reg *r) __attribute__((warn_unused_result));
/* Cover every byte of the capability past its header that no row owns with read-only
 * rows named id (pg_med_ro_rows()). */
int pg_med_ecap_fill(struct pg_mediator *m, const struct pg_med_cap *cap, const char *id)
	__attribute__((warn_unused_result));
/* An extended capability whose rows need nothing device-specific: its row table, and
 * the row id of the read-only rest. */
struct pg_ecap_table {
	uint16_t id;
	const struct pg_row_def *rows;
	size_t nrows;
	const char *name;
};
#define PG_ECAP_TABLE(i, t, n) { .id = (i), .rows = (t), .nrows = sizeof(t) / sizeof((t)[0]), \
				 .name = (n) }
/* Register cap from the entry of t[0..n) with its ID: the rows lying within the capability
 * (pg_med_ecap_add()), then pg_med_ecap_fill() for the rest. -EINVAL: no entry. */
int pg_med_ecap_table_init(struct pg_mediator *m, const struct pg_med_cap *cap,
			   const struct pg_ecap_table *t, size_t n)
	__attribute__((warn_unused_result));
/* ecap-power.c: LTR, L1 PM Substates, Power Budgeting. */
int pg_med_ecap_power_init(struct pg_mediator *m, const struct pg_med_cap *cap)
	__attribute__((warn_unused_result));
void pg_med_msix_reinit(struct pg_mediator *m);
/* Record where a hidden MSI-X capability's table and PBA are, when valid, so they stay
 * trapped (read 0, writes audited). */
void pg_med_msix_note_hidden(struct pg_mediator *m, const struct pg_med_cap *cap);
/* msix.c: BAR path */
bool pg_med_msix_bar_read(struct pg_mediator *m, unsigned bar, uint64_t off, uint8_t size,
			  struct pg_read_decision *ret);
bool pg_med_msix_bar_write(struct pg_mediator *m, unsigned bar, uint64_t off, uint8_t size,
			   uint64_t value, struct pg_write_decision *d);

/* Helpers for handlers: snapshot readers (hardware values at compile time). */
static inline uint32_t pg_med_snap(const struct pg_mediator *m, uint16_t off, uint8_t size)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < size && (uint32_t)off + i < PG_CFG_EXT_LEN; i++)
		v |= (uint32_t)m->snap[off + i] << (8u * i);
	return v;
}

/* Set a row id to a followed by b (b may be NULL), truncated to fit. */
static inline void pg_reg_set_id(struct pg_reg *r, const char *a, const char *b)
{
	size_t n = 0;

	for (; a && *a && n + 1 < PG_REG_ID_LEN; a++)
		r->id[n++] = *a;
	for (; b && *b && n + 1 < PG_REG_ID_LEN; b++)
		r->id[n++] = *b;
	r->id[n] = '\0';
}

static inline struct pg_reg *pg_med_row(struct pg_mediator *m, uint16_t idx)
{
	return idx == PG_ROW_NONE || idx >= m->rt.nrows ? NULL : &m->rt.rows[idx];
}

static inline const struct pg_reg *pg_med_crow(const struct pg_mediator *m, uint16_t idx)
{
	return idx == PG_ROW_NONE || idx >= m->rt.nrows ? NULL : &m->rt.rows[idx];
}

#endif
