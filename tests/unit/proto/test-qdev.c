/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tests of the served-device adapter (src/lib/proto/qdev.c) on a real mediator over the
 * model backend of a corpus NVMe dump (64-bit BAR0, MSI-X table in BAR0): QEMU 7.2's realize
 * probe sees power-of-two 32-bit BARs and zeros at the 64-bit upper half, 0x28 and the ROM;
 * absolute BAR addresses route to the BAR the guest programmed; unrouted accesses answer all
 * ones; MSI-X table writes stay virtual; read-only mode never changes the backend; quiesce
 * turns Bus Master off in the backend; SYNC_SYSMEM and SET_IRQFD ownership.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include <pcigate/pcigate.h>

#define NVME "144d-a808_samsung-electronics-co-nvme-ssd-controller-sm981_256.txt"

struct fixture {
	struct pg_backend *be;
	struct pg_mediator *med;
	struct pg_proto_dev *dev;
	const struct pg_proto_handler *h;
};

static int open_fixture(struct fixture *f, unsigned flags)
{
	struct pg_mediator_config cfg;
	const char *dir = getenv("PG_CORPUS");
	char path[4096];

	memset(f, 0, sizeof(*f));
	if (!dir)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, NVME);
	if (pg_backend_model_open(path, &f->be, NULL) < 0)
		return -1;
	pg_mediator_config_init(&cfg);
	cfg.options = PG_MEDIATOR_TRANSPORT_QEMU72 |
		      ((flags & PG_PROTO_DEV_READONLY) ? PG_MEDIATOR_OPT_READONLY : 0);
	if (pg_mediator_new(f->be, &cfg, &f->med) < 0)
		return -1;
	if (pg_proto_dev_new(f->med, f->be, flags, NULL, NULL, &f->dev) < 0)
		return -1;
	f->h = pg_proto_dev_handler();
	return 0;
}

struct audits {
	unsigned avoided, unsupported;
};

static void count_audit(void *data, const struct pg_audit_record *rec)
{
	struct audits *a = data;

	if (strcmp(rec->rule, "reset:avoided") == 0)
		a->avoided++;
	else if (strcmp(rec->rule, "reset:unsupported") == 0)
		a->unsupported++;
}

/* An endpoint like QEMU's edu: no capabilities at all, so no FLR and no PM reset; one
 * 1 MiB memory BAR (size from the pcigate annotation). */
#define EDU_LIKE "00:02.0 Unclassified device [00ff]: Device 1234:11e8 (rev 10)\n" \
	"# pcigate: bar0=1M\n" \
	"00: 34 12 e8 11 07 01 10 00 10 00 ff 00 00 00 00 00\n" \
	"10: 00 00 a0 fe 00 00 00 00 00 00 00 00 00 00 00 00\n" \
	"20: 00 00 00 00 00 00 00 00 00 00 00 00 f4 1a 00 11\n" \
	"30: 00 00 00 00 00 00 00 00 00 00 00 00 0b 01 00 00\n"

/*
 * A VMM reset nobody can carry out (docs/serve.md "Resets"): QEMU sends one at every
 * machine start, so it is refused to the VMM (PG_PROTO_REFUSED: all ones, connection kept)
 * and audited, the device gets Bus Master (and, outside device-model, decode) off but no
 * reset, and the guest's Command reads 0; with PG_PROTO_DEV_RESET_REQUIRED it is the
 * mediator's error (a device failure). Issue 7: "avoid" naming every method never reaches
 * the backend as "any".
 */
static const struct reset_case {
	const char *name;
	bool edu;                  /* the edu-like dump, else the NVMe dump */
	bool avoid_all;            /* avoid [flr, pm, bus], else prefer [flr, pm] */
	enum pg_profile profile;
	unsigned flags;
	int rc;
	unsigned avoided, unsupported;
	uint32_t cmd_after;        /* the device's Command after 0x0107 before the reset */
} reset_cases[] = {
	{ "avoid all", false, true, PG_PROFILE_GUEST, 0, PG_PROTO_REFUSED, 1, 0, 0x0100 },
	{ "avoid all, required", false, true, PG_PROFILE_GUEST, PG_PROTO_DEV_RESET_REQUIRED,
	  -EPERM, 1, 0, 0x0107 },
	{ "edu: no method", true, false, PG_PROFILE_GUEST, 0, PG_PROTO_REFUSED, 0, 1, 0x0100 },
	{ "edu: no method, required", true, false, PG_PROFILE_GUEST,
	  PG_PROTO_DEV_RESET_REQUIRED, -EOPNOTSUPP, 0, 1, 0x0107 },
	{ "edu: device-model", true, false, PG_PROFILE_DEVICE_MODEL, 0, PG_PROTO_REFUSED, 0, 1,
	  0x0103 },
};

static void reset_case(const struct reset_case *c, const char *edu_path)
{
	struct pg_policy_entry pol;
	struct pg_mediator_config cfg;
	struct pg_proto_dev_stats st;
	struct fixture f0, *f = &f0;
	struct audits audits = { 0, 0 };
	uint32_t v = 0;
	char path[4096];

	print_message("case: %s\n", c->name);
	memset(f, 0, sizeof(*f));
	memset(&pol, 0, sizeof(pol));
	pol.profile = c->profile;
	if (c->avoid_all) {
		pol.reset_avoid = PG_POLICY_RESET_BIT(PG_RESET_FLR) |
				  PG_POLICY_RESET_BIT(PG_RESET_PM) | PG_POLICY_RESET_BIT(PG_RESET_BUS);
	} else {
		pol.reset_prefer[0] = PG_RESET_FLR;
		pol.reset_prefer[1] = PG_RESET_PM;
		pol.n_reset_prefer = 2;
	}
	pg_mediator_config_init(&cfg);
	cfg.options = PG_MEDIATOR_TRANSPORT_QEMU72;
	cfg.profile = c->profile;
	cfg.policy = &pol;
	cfg.audit = count_audit;
	cfg.audit_data = &audits;
	snprintf(path, sizeof(path), "%s/%s", getenv("PG_CORPUS"), NVME);
	assert_int_equal(pg_backend_model_open(c->edu ? edu_path : path, &f->be, NULL), 0);
	assert_int_equal(pg_mediator_new(f->be, &cfg, &f->med), 0);
	assert_int_equal(pg_proto_dev_new(f->med, f->be, c->flags, NULL, NULL, &f->dev), 0);
	f->h = pg_proto_dev_handler();
	/* the device decodes and masters; Cache Line Size shows whether a reset happened */
	assert_int_equal(pg_backend_cfg_write(f->be, 0x04, 2, 0x0107), 0);
	assert_int_equal(pg_backend_cfg_write(f->be, 0x0c, 1, 0x10), 0);
	assert_int_equal(f->h->reset(f->dev), c->rc);
	assert_int_equal(audits.avoided, c->avoided);
	assert_int_equal(audits.unsupported, c->unsupported);
	assert_int_equal(pg_backend_cfg_read(f->be, 0x04, 2, &v), 0);
	assert_int_equal(v, c->cmd_after);
	assert_int_equal(pg_backend_cfg_read(f->be, 0x0c, 1, &v), 0);
	assert_int_equal(v, 0x10); /* no reset reached the device */
	pg_proto_dev_stats(f->dev, &st);
	assert_int_equal(st.resets, 1);
	assert_int_equal(st.resets_refused, c->rc == PG_PROTO_REFUSED ? 1 : 0);
	if (c->profile != PG_PROFILE_DEVICE_MODEL && c->rc == PG_PROTO_REFUSED) {
		/* the guest's view started over, and the device agrees: Command reads 0 */
		assert_int_equal(f->h->cfg_read(f->dev, 0x04, 2, &v), 0);
		assert_int_equal(v & 0x7, 0);
	}
	/* quiesce: Bus Master off but no reset (a reset would clear Cache Line Size) */
	assert_int_equal(pg_proto_dev_quiesce(f->dev), 0);
	assert_int_equal(pg_backend_cfg_read(f->be, 0x04, 2, &v), 0);
	assert_int_equal(v & 0x4, 0);
	assert_int_equal(pg_backend_cfg_read(f->be, 0x0c, 1, &v), 0);
	assert_int_equal(v, 0x10);
	pg_proto_dev_free(f->dev);
	pg_mediator_free(f->med);
	pg_backend_close(f->be);
}

static void test_reset_refused(void **state)
{
	char dir[] = "/tmp/pg-qdev-unit-XXXXXX", edu[128];
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(edu, sizeof(edu), "%s/edu.txt", dir);
	fp = fopen(edu, "w");
	assert_non_null(fp);
	assert_true(fputs(EDU_LIKE, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	for (size_t i = 0; i < sizeof(reset_cases) / sizeof(reset_cases[0]); i++)
		reset_case(&reset_cases[i], edu);
	assert_int_equal(unlink(edu), 0);
	assert_int_equal(rmdir(dir), 0);
}

static int setup_rw(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return f && open_fixture(f, 0) == 0 ? 0 : -1;
}

static int setup_ro(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	return f && open_fixture(f, PG_PROTO_DEV_READONLY) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	pg_proto_dev_free(f->dev);
	pg_mediator_free(f->med);
	pg_backend_close(f->be);
	free(f);
	return 0;
}

static uint32_t rd(struct fixture *f, uint16_t off, uint8_t len)
{
	uint32_t v = 0xdeadbeef;

	assert_int_equal(f->h->cfg_read(f->dev, off, len, &v), 0);
	return v;
}

static void wr(struct fixture *f, uint16_t off, uint8_t len, uint32_t v)
{
	assert_int_equal(f->h->cfg_write(f->dev, off, len, v), 0);
}

/* QEMU 7.2's probe_pci_info() for i = 0..6 at 0x10 + 4i; returns the size it derives. */
static uint32_t qemu_probe(struct fixture *f, unsigned i, uint32_t *flags)
{
	uint16_t reg = (uint16_t)(0x10 + 4 * i);
	uint32_t orig = rd(f, reg, 4), v;

	wr(f, reg, 4, 0xffffffff);
	v = rd(f, reg, 4);
	wr(f, reg, 4, orig);
	*flags = v & 0xf;
	return ~(v & 0xfffffff0u) + 1;
}

static void test_realize_probe(void **state)
{
	struct fixture *f = *state;
	uint32_t flags, size;

	size = qemu_probe(f, 0, &flags);
	assert_true(size >= 4096 && !(size & (size - 1)));  /* power of two, or QEMU aborts */
	assert_int_equal(flags & 0x7, 0);                    /* 32-bit memory BAR */
	for (unsigned i = 1; i < 7; i++) {
		size = qemu_probe(f, i, &flags);
		if (size != 0)
			fail_msg("BAR slot %u (0x%x) sizes to 0x%x, expected 0", i, 0x10 + 4 * i,
				 size);
	}
	/* the ROM is never probed by QEMU; the guest must not see one either */
	wr(f, 0x30, 4, 0xffffffff);
	assert_int_equal(rd(f, 0x30, 4), 0);
	/* IDs come through the mediator */
	assert_int_equal(rd(f, 0x00, 4), 0xa808144d);
}

static void program_bar0(struct fixture *f, uint32_t base)
{
	wr(f, 0x10, 4, base);
	wr(f, 0x14, 4, 0);
	wr(f, 0x04, 2, 0x0006); /* Memory + Bus Master */
	assert_int_equal(rd(f, 0x10, 4) & 0xfffffff0u, base);
}

static void test_bar_routing(void **state)
{
	struct fixture *f = *state;
	struct pg_proto_dev_stats st;
	uint64_t v = 0, hw = 0;
	struct pg_mediator_msix_entry e;

	program_bar0(f, 0xfeb00000);
	assert_int_equal(f->h->bar_write(f->dev, 0xfeb00100, 4, true, 0xcafef00d), 0);
	assert_int_equal(f->h->bar_read(f->dev, 0xfeb00100, 4, true, &v), 0);
	assert_true(v == 0xcafef00d);
	assert_int_equal(pg_backend_bar_read(f->be, 0, 0x100, 4, &hw), 0);
	assert_true(hw == 0xcafef00d); /* reached the (model) hardware at offset 0x100 */

	/* MSI-X table (BAR0 + 0x3000): virtual, never written to the device */
	assert_int_equal(f->h->bar_write(f->dev, 0xfeb03000, 4, true, 0xfee00000), 0);
	assert_int_equal(pg_backend_bar_read(f->be, 0, 0x3000, 4, &hw), 0);
	assert_true(hw != 0xfee00000);
	assert_int_equal(pg_mediator_msix_entry(f->med, 0, &e), 0);
	assert_true(e.addr == 0xfee00000);

	/* outside every BAR, or the wrong space: all ones, nothing written */
	assert_int_equal(f->h->bar_read(f->dev, 0xfe000000, 4, true, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(f->h->bar_read(f->dev, 0xfeb00100, 4, false, &v), 0);
	assert_true(v == UINT64_MAX);
	assert_int_equal(f->h->bar_write(f->dev, 0xfeb00000 + (1u << 20), 4, true, 1), 0);
	/* an access straddling the end of the BAR is not routed either */
	assert_int_equal(f->h->bar_read(f->dev, 0xfeb00000 + (1u << 20) - 4, 8, true, &v), 0);
	assert_true(v == UINT64_MAX);
	pg_proto_dev_stats(f->dev, &st);
	assert_true(st.unrouted == 4);
	assert_true(st.bar_reads == 4 && st.bar_writes == 3);
}

/* A BAR decodes only while the guest enabled its space in Command (PCI Local Bus 3.0
 * §6.2.2): with Memory Space off, BAR messages are not routed, whatever QEMU sends. */
static void test_bar_decode_off(void **state)
{
	struct fixture *f = *state;
	struct pg_proto_dev_stats st;
	uint64_t v = 0, hw = 0;

	program_bar0(f, 0xfeb00000);
	wr(f, 0x04, 2, 0x0004); /* Bus Master only: memory decode off */
	assert_int_equal(f->h->bar_write(f->dev, 0xfeb00100, 4, true, 0xcafef00d), 0);
	assert_int_equal(pg_backend_bar_read(f->be, 0, 0x100, 4, &hw), 0);
	assert_true(hw != 0xcafef00d); /* never reached the device */
	assert_int_equal(f->h->bar_read(f->dev, 0xfeb00100, 4, true, &v), 0);
	assert_true(v == UINT64_MAX);
	pg_proto_dev_stats(f->dev, &st);
	assert_true(st.unrouted == 2);
	wr(f, 0x04, 2, 0x0006); /* decode on again: routed */
	assert_int_equal(f->h->bar_write(f->dev, 0xfeb00100, 4, true, 0xcafef00d), 0);
	assert_int_equal(f->h->bar_read(f->dev, 0xfeb00100, 4, true, &v), 0);
	assert_true(v == 0xcafef00d);
}

/* A device modelled from a 64-byte dump (what `lspci -x` prints): the guest's reads past
 * the dump read 0, like `pcigate view` shows them, and writes there are dropped; neither
 * is a handler failure (which would close QEMU's connection). */
static void test_short_dump(void **state)
{
	static const char text[] =
		"00:02.0 short\n"
		"00: 86 80 d3 10 00 00 10 00 01 00 00 02 00 00 00 00\n"
		"10: 00 00 bf fe 00 00 00 00 00 00 00 00 00 00 00 00\n"
		"20: 00 00 00 00 00 00 00 00 00 00 00 00 86 80 00 00\n"
		"30: 00 00 00 00 00 00 00 00 00 00 00 00 00 01 00 00\n";
	struct fixture g = { 0 };
	struct pg_mediator_config cfg;
	struct pg_dump_dev dev;
	size_t n = 0;
	uint32_t v = 0xdeadbeef;

	(void)state;
	assert_int_equal(pg_dump_parse(text, sizeof(text) - 1, &dev, 1, &n, NULL), 0);
	assert_int_equal(pg_backend_model_new(&dev, "short", &g.be), 0);
	pg_mediator_config_init(&cfg);
	cfg.options = PG_MEDIATOR_TRANSPORT_QEMU72; /* what serve builds (qdev requires it) */
	assert_int_equal(pg_mediator_new(g.be, &cfg, &g.med), 0);
	assert_int_equal(pg_proto_dev_new(g.med, g.be, 0, NULL, NULL, &g.dev), 0);
	g.h = pg_proto_dev_handler();
	assert_int_equal(rd(&g, 0x00, 4), 0x10d38086);
	for (uint16_t off = 0x40; off < 0x100; off += 4)
		if (rd(&g, off, 4) != 0)
			fail_msg("read at 0x%02x past the 64-byte dump is not 0", off);
	assert_int_equal(rd(&g, 0xfe, 2), 0);
	assert_int_equal(g.h->cfg_write(g.dev, 0x80, 4, 0x12345678), 0);
	assert_int_equal(g.h->cfg_read(g.dev, 0x80, 4, &v), 0);
	assert_int_equal(v, 0);
	pg_proto_dev_free(g.dev);
	pg_mediator_free(g.med);
	pg_backend_close(g.be);
}

static void test_upper_half_hidden(void **state)
{
	struct fixture *f = *state;
	uint64_t v = 0;

	program_bar0(f, 0xfeb00000);
	/* a guest trying to move BAR0 above 4 GiB: the write is dropped, routing unchanged */
	wr(f, 0x14, 4, 0x1);
	assert_int_equal(rd(f, 0x14, 4), 0);
	assert_int_equal(f->h->bar_write(f->dev, 0xfeb00200, 4, true, 0x55), 0);
	assert_int_equal(f->h->bar_read(f->dev, 0xfeb00200, 4, true, &v), 0);
	assert_true(v == 0x55);
}

static void test_quiesce(void **state)
{
	struct fixture *f = *state;
	uint32_t cmd = 0;

	program_bar0(f, 0xfeb00000);
	assert_int_equal(pg_backend_cfg_read(f->be, 0x04, 2, &cmd), 0);
	assert_true(cmd & 0x4); /* the guest profile passes Bus Master to the device */
	assert_int_equal(pg_proto_dev_quiesce(f->dev), 0);
	assert_int_equal(pg_backend_cfg_read(f->be, 0x04, 2, &cmd), 0);
	assert_false(cmd & 0x4);
	assert_int_equal(f->h->reset(f->dev), 0);
}

static void test_readonly(void **state)
{
	struct fixture *f = *state;
	uint32_t before = 0, after = 0;
	uint64_t v = 0, hw = 1;
	struct pg_mediator_msix_entry e;

	assert_int_equal(pg_backend_cfg_read(f->be, 0x04, 2, &before), 0);
	program_bar0(f, 0xfeb00000);  /* virtual BAR still programmable: QEMU must size it */
	assert_int_equal(pg_backend_cfg_read(f->be, 0x04, 2, &after), 0);
	assert_int_equal(after, before);
	assert_int_equal(f->h->bar_write(f->dev, 0xfeb00100, 4, true, 0x1234), 0);
	assert_int_equal(pg_backend_bar_read(f->be, 0, 0x100, 4, &hw), 0);
	assert_true(hw == 0);
	assert_int_equal(f->h->bar_read(f->dev, 0xfeb00100, 4, true, &v), 0);
	assert_true(v == 0xffffffff);
	/* the MSI-X table is virtual: served from the mediator, not all ones */
	assert_int_equal(f->h->bar_write(f->dev, 0xfeb03008, 4, true, 0x4021), 0);
	assert_int_equal(f->h->bar_read(f->dev, 0xfeb03008, 4, true, &v), 0);
	assert_true(v == 0x4021);
	assert_int_equal(pg_mediator_msix_entry(f->med, 0, &e), 0);
	assert_int_equal(e.data, 0x4021);
	assert_int_equal(f->h->reset(f->dev), 0);
	assert_int_equal(pg_proto_dev_quiesce(f->dev), 0);
	assert_int_equal(pg_backend_cfg_read(f->be, 0x04, 2, &after), 0);
	assert_int_equal(after, before);
}

static void test_fds(void **state)
{
	struct fixture *f = *state;
	struct pg_proto_msg m = { .cmd = PG_PROTO_SET_IRQFD, .nfds = 2 };
	int a = eventfd(0, EFD_CLOEXEC), b = eventfd(0, EFD_CLOEXEC);

	m.fds[0] = a;
	m.fds[1] = b;
	assert_int_equal(f->h->set_irqfd(f->dev, &m), 0);
	assert_int_equal(m.fds[0], -1);  /* stolen */
	assert_true(fcntl(a, F_GETFD) >= 0);
	m.fds[0] = eventfd(0, EFD_CLOEXEC);
	m.fds[1] = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(f->h->set_irqfd(f->dev, &m), 0);
	assert_true(fcntl(a, F_GETFD) < 0); /* replaced: the old pair is closed */
	assert_true(fcntl(b, F_GETFD) < 0);

	/* SYNC_SYSMEM with an fd that is not memory: refused, fd left to the message */
	memset(&m, 0, sizeof(m));
	m.cmd = PG_PROTO_SYNC_SYSMEM;
	m.nfds = 1;
	m.fds[0] = eventfd(0, EFD_CLOEXEC);
	m.u.sysmem.nregions = 1;
	m.u.sysmem.size[0] = 4096;
	assert_int_equal(f->h->sync_sysmem(f->dev, &m), -EPROTO);
	assert_true(m.fds[0] >= 0);
	pg_proto_msg_clear(&m);
	assert_int_equal(pg_sysmem_count(pg_proto_dev_sysmem(f->dev)), 0);
}

static void test_args(void **state)
{
	struct fixture *f = *state;
	struct pg_proto_dev *d = NULL;

	assert_int_equal(pg_proto_dev_new(NULL, f->be, 0, NULL, NULL, &d), -EINVAL);
	assert_int_equal(pg_proto_dev_new(f->med, f->be, 0x80, NULL, NULL, &d), -EINVAL);
	/* the mediator must carry the transport's view: read-write mediator, read-only dev */
	assert_int_equal(pg_proto_dev_new(f->med, f->be, PG_PROTO_DEV_READONLY, NULL, NULL, &d),
			 -EINVAL);
	assert_null(d);
	assert_int_equal(pg_proto_dev_quiesce(NULL), -EINVAL);
	pg_proto_dev_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_realize_probe, setup_rw, teardown),
		cmocka_unit_test_setup_teardown(test_bar_routing, setup_rw, teardown),
		cmocka_unit_test_setup_teardown(test_bar_decode_off, setup_rw, teardown),
		cmocka_unit_test_setup_teardown(test_short_dump, setup_rw, teardown),
		cmocka_unit_test_setup_teardown(test_upper_half_hidden, setup_rw, teardown),
		cmocka_unit_test_setup_teardown(test_quiesce, setup_rw, teardown),
		cmocka_unit_test_setup_teardown(test_readonly, setup_ro, teardown),
		cmocka_unit_test_setup_teardown(test_realize_probe, setup_ro, teardown),
		cmocka_unit_test_setup_teardown(test_fds, setup_rw, teardown),
		cmocka_unit_test_setup_teardown(test_args, setup_rw, teardown),
		cmocka_unit_test(test_reset_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
