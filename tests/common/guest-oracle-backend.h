/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The guest oracle's recording backend (invariants W1, W2 and B1 of guest-oracle.h):
 * "perfect RAM" hardware with RW1C bits that checks every config write as it arrives and
 * every BAR access against the MSI-X table and PBA, and the mediator configuration that
 * serves it. Included by guest-oracle.h only, after the allowed-bits model.
 */
#ifndef PG_TEST_GUEST_ORACLE_BACKEND_H
#define PG_TEST_GUEST_ORACLE_BACKEND_H

/* ---- the recording backend --------------------------------------------------------------- */

static inline bool go_bar_reg(unsigned b)
{
	return (b >= 0x10 && b < 0x28) || (b >= 0x30 && b < 0x34);
}

/* A byte written during a reset/restore: the host's own value of a BAR (ROM: enable
 * cleared) or of the low Command byte (the decode bits the host set up), rewritten after
 * the function lost them. */
static inline bool go_restore_byte(const struct go_oracle *o, unsigned b, uint8_t nb)
{
	return o->restore_ok && (go_bar_reg(b) || b == 0x04) &&
	       (nb == o->snap[b] || (b == 0x30 && nb == (o->snap[b] & 0xfeu)));
}

static inline void go_check_byte(struct go_oracle *o, unsigned b, uint8_t nb)
{
	uint8_t cur = o->hw[b], rw1c = o->hwrw1c[b];
	uint8_t changed = (uint8_t)((nb ^ cur) & ~rw1c);
	uint8_t ok_change = (uint8_t)(o->chg[b] | (o->zero[b] & ~nb));

	if (go_restore_byte(o, b, nb)) {
		o->restores++;
		return;
	}
	if (go_bar_reg(b))
		go_fail(o, "%s: BAR/ROM register byte 0x%03x written (0x%02x, host 0x%02x)",
			pg_profile_name(o->profile), b, nb, o->snap[b]);
	else if (o->zread[b])
		go_fail(o, "%s: write into hidden byte 0x%03x (0x%02x)", pg_profile_name(o->profile),
			b, nb);
	else if (!(o->chg[b] | o->w1c[b] | o->zero[b]))
		go_fail(o, "%s: write covers byte 0x%03x, which the profile never opens (0x%02x)",
			pg_profile_name(o->profile), b, nb);
	else if (changed & ~ok_change)
		go_fail(o, "%s: byte 0x%03x: bits 0x%02x changed (0x%02x -> 0x%02x), allowed 0x%02x",
			pg_profile_name(o->profile), b, changed & ~ok_change, cur, nb, ok_change);
	else if (nb & rw1c & ~o->w1c[b])
		go_fail(o, "%s: byte 0x%03x: RW1C bits 0x%02x cleared, allowed 0x%02x",
			pg_profile_name(o->profile), b, nb & rw1c & ~o->w1c[b], o->w1c[b]);
}

static inline int go_cfg_read(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t *val)
{
	struct go_oracle *o = pg_backend_priv(be);

	o->cfg_reads++;
	*val = go_rd(o->hw, off, size);
	return 0;
}

static inline int go_cfg_write(struct pg_backend *be, uint16_t off, uint8_t size, uint32_t val)
{
	struct go_oracle *o = pg_backend_priv(be);

	o->cfg_writes++;
	o->ext_writes += off >= PG_CFG_STD_LEN;
	for (unsigned i = 0; i < size; i++) {
		unsigned b = off + i;
		uint8_t nb = (uint8_t)(val >> (8u * i)), rw1c = o->hwrw1c[b];

		go_check_byte(o, b, nb);
		o->hw[b] = (uint8_t)((nb & ~rw1c) | (o->hw[b] & rw1c & ~nb));
	}
	return 0;
}

static inline int go_bar_info(struct pg_backend *be, unsigned bar, struct pg_bar_info *info)
{
	struct go_oracle *o = pg_backend_priv(be);

	*info = o->bars[bar];
	return 0;
}

/* Does [off, off + size) of bar meet the MSI-X table or PBA? */
static inline bool go_in_msix(const struct go_oracle *o, unsigned bar, uint64_t off, unsigned size)
{
	if (!o->msix_trap)
		return false;
	return (bar == o->tbir && off < o->toff + o->tlen && off + size > o->toff) ||
	       (bar == o->pbir && off < o->poff + o->plen && off + size > o->poff);
}

/* May a read of [off, off + size) reach the device? Not in the table; in the PBA only when
 * the access holds the Pending Bit of a vector the table has (vector n is bit n of the PBA,
 * PCI 3.0 §6.8.2.10; the table has tlen / 16 entries), and only while the capability is
 * visible (a hidden one's PBA reads 0). */
static inline bool go_read_in_msix(const struct go_oracle *o, unsigned bar, uint64_t off,
				   unsigned size)
{
	bool in_tbl = o->msix_trap && bar == o->tbir && off < o->toff + o->tlen &&
		      off + size > o->toff;
	bool visible = false;

	if (in_tbl || !go_in_msix(o, bar, off, size))
		return in_tbl;
	for (unsigned i = 0; i < o->ncaps; i++) /* the trapped one: the first MSI-X */
		if (!o->caps[i].ext && o->caps[i].id == PG_CAP_MSIX) {
			visible = o->caps[i].visible;
			break;
		}
	return !visible || off < o->poff || (off - o->poff) * 8u >= o->tlen / 16u;
}

/* The bits a PBA read may show set: the Pending Bits of the table's vectors, bit by bit. */
static inline uint64_t go_pba_visible(const struct go_oracle *o, uint64_t off, unsigned size)
{
	uint64_t mask = 0;

	if (go_read_in_msix(o, o->pbir, off, size))
		return 0;
	for (unsigned i = 0; i < size * 8u; i++)
		if ((off - o->poff) * 8u + i < o->tlen / 16u)
			mask |= 1ull << i;
	return mask;
}

static inline int go_bar_read(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			      uint64_t *val)
{
	struct go_oracle *o = pg_backend_priv(be);

	o->bar_reads++;
	if (go_read_in_msix(o, bar, off, size))
		go_fail(o, "%s: BAR%u read at 0x%llx/%u reached the MSI-X table or PBA",
			pg_profile_name(o->profile), bar, (unsigned long long)off, size);
	return o->model ? pg_backend_bar_read(o->model, bar, off, size, val) : -EPERM;
}

static inline int go_bar_write(struct pg_backend *be, unsigned bar, uint64_t off, uint8_t size,
			       uint64_t val)
{
	struct go_oracle *o = pg_backend_priv(be);

	o->bar_writes++;
	if (go_in_msix(o, bar, off, size))
		go_fail(o, "%s: BAR%u write at 0x%llx/%u reached the MSI-X table or PBA",
			pg_profile_name(o->profile), bar, (unsigned long long)off, size);
	return o->model ? pg_backend_bar_write(o->model, bar, off, size, val) : -EPERM;
}

/* A reset puts the device back to its power-on (here: start) state. */
static inline int go_reset(struct pg_backend *be, const enum pg_reset_method *methods,
			   unsigned n, enum pg_reset_method *used)
{
	struct go_oracle *o = pg_backend_priv(be);

	(void)n;
	*used = methods[0];
	o->resets++;
	memcpy(o->hw, o->snap, o->cfg_len);
	return 0;
}

static const struct pg_backend_ops go_ops = {
	.kind = "guest-oracle",
	.cfg_read = go_cfg_read,
	.cfg_write = go_cfg_write,
	.bar_info = go_bar_info,
	.bar_read = go_bar_read,
	.bar_write = go_bar_write,
	.reset = go_reset,
	.destroy = NULL,
};

static inline int go_effect_cb(void *data, const struct pg_effect *e)
{
	(void)e;
	((struct go_oracle *)data)->effects++;
	return 0;
}

/* Mediator config: the profile, effects counted, audit records only counted. */
static inline void go_config(struct go_oracle *o, struct pg_mediator_config *cfg)
{
	pg_mediator_config_init(cfg);
	cfg->profile = o->profile;
	cfg->name = "oracle";
	cfg->effect = go_effect_cb;
	cfg->effect_data = o;
	cfg->rate.burst = 0;
}

#endif
