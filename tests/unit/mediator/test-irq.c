/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Interrupt mode (src/lib/mediator/irq.c): which of INTx, MSI and MSI-X is live, one type
 * at a time, and INTx Disable on the hardware whenever a message interrupt is enabled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "medtest.h"

struct step {
	const char *what;
	uint16_t off;
	uint8_t size;
	uint32_t value;
	enum pg_irq_type type;    /* pg_mediator_irq_type() afterwards */
	bool hw_intx_off;         /* Command INTx Disable on the device afterwards */
	bool refused;             /* audited "irq-exclusive" */
};

static unsigned exclusive_audits(const struct mt *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < t->rec.naudits; i++)
		n += strcmp(t->rec.audits[i].rule, "irq-exclusive") == 0;
	return n;
}

static void run_steps(struct mt *t, const struct step *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned before = exclusive_audits(t);

		assert_int_equal(mt_wr(t, s[i].off, s[i].size, s[i].value), 0);
		if (pg_mediator_irq_type(t->m) != s[i].type ||
		    !!(mt_hw(t, 0x04, 2) & 0x0400u) != s[i].hw_intx_off ||
		    (exclusive_audits(t) > before) != s[i].refused)
			fail_msg("%s: type %d (want %d), hardware INTx Disable %d (want %d), "
				 "refused %d (want %d)", s[i].what, pg_mediator_irq_type(t->m),
				 s[i].type, !!(mt_hw(t, 0x04, 2) & 0x0400u), s[i].hw_intx_off,
				 exclusive_audits(t) > before, s[i].refused);
	}
}

static void test_guest_sequence(void **state)
{
	static const struct step steps[] = {
		{ "INTx on", 0x04, 2, 0x0006, PG_IRQ_INTX, false, false },
		{ "MSI on", MT_MSI + 2, 2, 0x0001, PG_IRQ_MSI, true, false },
		{ "MSI-X on while MSI", MT_MSIX + 2, 2, 0x8000, PG_IRQ_MSI, true, true },
		{ "MSI off", MT_MSI + 2, 2, 0x0000, PG_IRQ_INTX, false, false },
		{ "MSI-X on", MT_MSIX + 2, 2, 0x8000, PG_IRQ_MSIX, true, false },
		{ "MSI on while MSI-X", MT_MSI + 2, 2, 0x0001, PG_IRQ_MSIX, true, true },
		{ "guest INTx off", 0x04, 2, 0x0406, PG_IRQ_MSIX, true, false },
		{ "MSI-X off", MT_MSIX + 2, 2, 0x0000, PG_IRQ_NONE, true, false },
	};
	struct mt *t = mt_new(PG_PROFILE_GUEST, NULL);

	(void)state;
	assert_int_equal(pg_mediator_irq_type(t->m), PG_IRQ_NONE); /* INTx Disable set */
	run_steps(t, steps, sizeof(steps) / sizeof(steps[0]));
	assert_int_equal(pg_mediator_irq_type(NULL), PG_IRQ_NONE);
	mt_free(t);
}

/* no-intx: Interrupt Pin reads 0, INTx is never live and stays off on the device. */
static void test_no_intx(void **state)
{
	static const struct step steps[] = {
		{ "INTx on", 0x04, 2, 0x0006, PG_IRQ_NONE, true, false },
		{ "MSI on", MT_MSI + 2, 2, 0x0001, PG_IRQ_MSI, true, false },
		{ "MSI off", MT_MSI + 2, 2, 0x0000, PG_IRQ_NONE, true, false },
	};
	struct pg_policy_entry pol;
	struct mt *t;

	(void)state;
	memset(&pol, 0, sizeof(pol));
	pol.flags = PG_POLICY_F_NO_INTX;
	t = mt_new(PG_PROFILE_GUEST, &pol);
	assert_int_equal(mt_rd(t, 0x3d, 1), 0);
	run_steps(t, steps, sizeof(steps) / sizeof(steps[0]));
	mt_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_sequence),
		cmocka_unit_test(test_no_intx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
