/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's logic (src/lib/guard/daemon.c, state.c) over umockdev's fake sysfs: what
 * it decides for each uevent, what it writes, what it audits, what survives a restart,
 * and who may ask it for what.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <pcigate/guard.h>

#include "fakesys.h"

#define NIC "0000:05:00.0"
#define DP "/devices/0000:00:1c.0/" NIC

struct t {
	struct fakesys f;
	char *port, *nic;
	char audit[16384];
	char state[128];
};

static void on_audit(void *data, const char *json)
{
	struct t *t = data;

	strncat(t->audit, json, sizeof(t->audit) - strlen(t->audit) - 2);
	strcat(t->audit, "\n");
}

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));
	int fd;

	assert_non_null(t);
	fakesys_init(&t->f);
	t->port = fs_device(&t->f, NULL, "0000:00:1c.0", 0x8086, 0xa110, 0x060400, "pcieport",
			    false);
	t->nic = fs_device(&t->f, t->port, NIC, 0x8086, 0x10d3, 0x020000, "pci-stub", false);
	strcpy(t->state, "/tmp/pg-guard-state-XXXXXX");
	fd = mkstemp(t->state);
	assert_true(fd >= 0);
	close(fd);
	unlink(t->state); /* a first start: no file */
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	unlink(t->state);
	g_free(t->port);
	g_free(t->nic);
	fakesys_done(&t->f);
	free(t);
	return 0;
}

static struct pg_guard_daemon *daemon_with(struct t *t, const char *rules_text)
{
	struct pg_guard_config cfg = { .sysfs_root = t->f.sys, .state_path = t->state,
				       .audit = on_audit, .data = t };
	struct pg_guard_daemon *d = NULL;

	if (rules_text)
		assert_int_equal(pg_guard_rules_load_buf(rules_text, strlen(rules_text),
							 &cfg.rules, NULL), 0);
	else
		cfg.rules_error = "rules.yaml:3:5: error: something";
	assert_int_equal(pg_guard_daemon_new(&cfg, &d), 0);
	return d;
}

static void event(struct pg_guard_daemon *d, enum pg_guard_uevent_action a, const char *bdf,
		  const char *driver)
{
	struct pg_guard_uevent ev;

	memset(&ev, 0, sizeof(ev));
	ev.action = a;
	strcpy(ev.bdf, bdf);
	snprintf(ev.devpath, sizeof(ev.devpath), "/devices/0000:00:1c.0/%s", bdf);
	if (driver)
		strcpy(ev.driver, driver);
	(void)pg_guard_daemon_uevent(d, &ev, 1);
}

static char *ask(struct pg_guard_daemon *d, uid_t uid, gid_t gid, const char *req)
{
	struct pg_guard_peer p = { .uid = uid, .gid = gid };
	char *reply = NULL;

	assert_int_equal(pg_guard_daemon_request(d, &p, 1234, req, strlen(req), &reply), 0);
	return reply;
}

#define NO_RULES "version: 1\nrules: []\n"

static void test_default_quarantine(void **state)
{
	struct t *t = *state;
	struct pg_guard_daemon *d = daemon_with(t, NO_RULES);

	event(d, PG_UEV_ADD, NIC, NULL);
	assert_non_null(strstr(t->audit, "\"event\":\"add\",\"bdf\":\"" NIC "\""));
	assert_non_null(strstr(t->audit, "\"driver\":\"pci-stub\",\"command\":0,"
					 "\"bus_master\":false"));
	assert_non_null(strstr(t->audit, "\"event\":\"decision\""));
	assert_non_null(strstr(t->audit, "\"action\":\"quarantine\",\"by\":\"default\""));
	/* Quarantine of a device pci-stub holds writes nothing. */
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers_probe"), "");
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/" NIC "/driver_override"), "(null)");
	pg_guard_daemon_free(d);
}

static void test_fail_closed(void **state)
{
	struct t *t = *state;
	struct pg_guard_daemon *d = daemon_with(t, NULL);
	char *r;

	event(d, PG_UEV_ADD, NIC, NULL);
	assert_non_null(strstr(t->audit, "\"by\":\"fail-closed\""));
	assert_non_null(strstr(t->audit, "\"why\":\"rules.yaml:3:5: error: something\""));
	r = ask(d, 0, 0, "list");
	assert_non_null(strstr(r, "# fail-closed: no valid rules (rules.yaml:3:5"));
	free(r);
	pg_guard_daemon_free(d);
}

/* A malformed capability chain: the finding rule rejects (removes) the device. */
static void test_finding_reject(void **state)
{
	struct t *t = *state;
	char *bad = fs_device(&t->f, t->port, "0000:05:00.1", 0x1b36, 0x0001, 0xff0000,
			      "pci-stub", true);
	struct pg_guard_daemon *d = daemon_with(t, "version: 1\nrules:\n  - name: malformed\n"
					      "    action: reject\n"
					      "    match: { finding: [cap-chain-malformed] }\n");

	event(d, PG_UEV_ADD, NIC, NULL);
	event(d, PG_UEV_ADD, "0000:05:00.1", NULL);
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/0000:05:00.1/remove"), "1");
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/" NIC "/remove"), "");
	assert_non_null(strstr(t->audit, "\"findings\":[\"cap-chain-malformed\""));
	assert_non_null(strstr(t->audit, "\"action\":\"reject\",\"by\":\"rule\","
					 "\"rule\":\"malformed\""));
	g_free(bad);
	pg_guard_daemon_free(d);
}

/* No driver yet at add: the decision waits for the bind, then acts. */
static void test_pending_until_bind(void **state)
{
	struct t *t = *state;
	char *dp = fs_device(&t->f, t->port, "0000:05:00.2", 0x8086, 0x10d3, 0x020000, NULL,
			     false);
	struct pg_guard_daemon *d = daemon_with(t, "version: 1\nrules:\n  - action: allow\n"
					      "    driver: e1000e\n    match: { class: \"02\" }\n");

	event(d, PG_UEV_ADD, "0000:05:00.2", NULL);
	assert_null(strstr(t->audit, "\"event\":\"decision\""));
	fs_set_driver(&t->f, dp, "pci-stub");
	event(d, PG_UEV_BIND, "0000:05:00.2", "pci-stub");
	assert_non_null(strstr(t->audit, "\"event\":\"decision\",\"bdf\":\"0000:05:00.2\""));
	/* The allow ran (pci-stub unbound, a probe asked); the fake has no kernel, so e1000e
	 * never binds: the daemon reports it and gives the device back to pci-stub. */
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers/pci-stub/unbind"), "0000:05:00.2");
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers_probe"), "0000:05:00.2");
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/0000:05:00.2/driver_override"),
			    "pci-stub");
	assert_non_null(strstr(t->audit, "\"action\":\"allow\",\"by\":\"rule\",\"rule\":\"line 3\","
					 "\"result\":\"No such device or address\",\"how\":\"failed\""));
	g_free(dp);
	pg_guard_daemon_free(d);
}

/* Regression (found by vm-guard-failsafe): the kernel sends an SR-IOV VF's add uevent
 * before it links `physfn`, so a VF looked like a PF at add and a "vf: false" allow rule
 * gave it the PF's driver. The decision is now made again at the bind. */
static void test_vf_decided_at_bind(void **state)
{
	struct t *t = *state;
	char *vf = fs_device(&t->f, t->port, "0000:05:00.3", 0x1b36, 0x0010, 0x010802, NULL,
			     false);
	struct pg_guard_daemon *d = daemon_with(t, "version: 1\nrules:\n"
					      "  - { name: vfs, action: quarantine, match: { vf: true } }\n"
					      "  - { name: pf, action: allow, driver: nvme, "
					      "match: { vf: false } }\n");
	char link[1024];

	event(d, PG_UEV_ADD, "0000:05:00.3", NULL);
	snprintf(link, sizeof(link), "%s%s/physfn", t->f.sys, vf + 4);
	assert_int_equal(symlink("../0000:05:00.0", link), 0);
	fs_set_driver(&t->f, vf, "pci-stub");
	event(d, PG_UEV_BIND, "0000:05:00.3", "pci-stub");
	assert_non_null(strstr(t->audit, "\"action\":\"quarantine\",\"by\":\"rule\","
					 "\"rule\":\"vfs\""));
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/0000:05:00.3/driver_override"),
			    "(null)");
	g_free(vf);
	pg_guard_daemon_free(d);
}

/* Another driver bound an undecided device: audited as a breach, taken back. */
static void test_breach(void **state)
{
	struct t *t = *state;
	struct pg_guard_daemon *d = daemon_with(t, NO_RULES);

	fs_set_driver(&t->f, t->nic, "e1000e");
	event(d, PG_UEV_BIND, NIC, "e1000e");
	assert_non_null(strstr(t->audit, "\"event\":\"gate-breach\",\"bdf\":\"" NIC "\""));
	assert_string_equal(fs_read(&t->f, "bus/pci/devices/" NIC "/driver_override"), "pci-stub");
	assert_string_equal(fs_read(&t->f, "bus/pci/drivers/e1000e/unbind"), NIC);
	pg_guard_daemon_free(d);
}

static void test_requests(void **state)
{
	struct t *t = *state;
	struct pg_guard_daemon *d = daemon_with(t, NO_RULES);
	gid_t groups[] = { 7, 1234 };
	struct pg_guard_peer p = { .uid = 1000, .gid = 1000, .groups = groups, .ngroups = 2 };
	char *r;

	r = ask(d, 1000, 1000, "list");
	assert_string_equal(r, "error: permission denied (root or the guard group only)\n");
	free(r);
	r = ask(d, 1000, 1234, "reject " NIC);   /* primary group */
	assert_true(!strncmp(r, "ok\n", 3));
	free(r);
	assert_int_equal(pg_guard_daemon_request(d, &p, 1234, "list", 4, &r), 0);
	assert_true(!strncmp(r, "ok\n", 3));  /* supplementary group */
	assert_non_null(strstr(r, NIC " 8086:10d3 class=020000 quarantined driver=pci-stub "
				  "path=0000:00:1c.0/" NIC));
	free(r);
	r = ask(d, 0, 0, "allow " NIC);
	assert_non_null(strstr(r, "error: " NIC ": no allow rule names its driver"));
	free(r);
	r = ask(d, 0, 0, "allow " NIC " driver=e1000e sometimes");
	assert_string_equal(r, "error: unexpected 'sometimes'\n");
	free(r);
	r = ask(d, 0, 0, "frobnicate " NIC);
	assert_non_null(strstr(r, "error: unknown request"));
	free(r);
	assert_int_equal(pg_guard_daemon_request(d, &(struct pg_guard_peer){ 0 }, 1234,
						 "list\0x", 6, &r), 0);
	assert_string_equal(r, "error: malformed request\n");
	free(r);
	r = ask(d, 0, 0, "assign 0000:09:00.0");
	assert_non_null(strstr(r, "error: 0000:09:00.0: No such device"));
	free(r);
	assert_non_null(strstr(t->audit, "\"event\":\"request\",\"request\":\"list\",\"uid\":1000,"
					 "\"authorized\":false"));
	pg_guard_daemon_free(d);
}

/* Decisions survive a restart: listed as kept, not redone; permanent ones apply to a new
 * plug of the same device. */
static void test_restart(void **state)
{
	struct t *t = *state;
	struct pg_guard_daemon *d = daemon_with(t, NO_RULES);
	char *r;

	event(d, PG_UEV_ADD, NIC, NULL);
	r = ask(d, 0, 0, "quarantine " NIC " permanent");
	assert_true(!strncmp(r, "ok\n", 3));
	free(r);
	pg_guard_daemon_free(d);
	t->audit[0] = '\0';
	d = daemon_with(t, NO_RULES);
	r = ask(d, 0, 0, "list");
	assert_non_null(strstr(r, NIC " 8086:10d3 class=020000 quarantined driver=pci-stub "
				  "path=0000:00:1c.0/" NIC " decision=quarantine by=command "
				  "permanent\n"));
	free(r);
	assert_int_equal(pg_guard_daemon_scan(d), 0); /* kept quarantine: nothing to redo */
	event(d, PG_UEV_REMOVE, NIC, NULL);
	event(d, PG_UEV_ADD, NIC, NULL);
	assert_non_null(strstr(t->audit, "\"action\":\"quarantine\",\"by\":\"permanent\""));
	pg_guard_daemon_free(d);
}

static void test_bad_state_file(void **state)
{
	struct t *t = *state;
	struct pg_guard_config cfg = { .sysfs_root = t->f.sys, .state_path = t->state };
	struct pg_guard_daemon *d = NULL;
	static const char *const bad[] = {
		"{", "[]", "{\"decisions\":{}}",
		"{\"decisions\":[{\"bdf\":\"0000:05:00.0\"}]}",
		"{\"decisions\":[{\"bdf\":\"05:00.0\",\"vendor\":1,\"device\":1,\"subvendor\":1,"
		"\"subdevice\":1,\"class\":1,\"revision\":1,\"path\":\"x\",\"action\":\"allow\","
		"\"driver\":\"e1000e\",\"permanent\":false,\"by\":\"rule\",\"rule\":\"\"}]}",
		"{\"decisions\":[{\"bdf\":\"0000:05:00.0\",\"vendor\":65536,\"device\":1,"
		"\"subvendor\":1,\"subdevice\":1,\"class\":1,\"revision\":1,\"path\":\"x\","
		"\"action\":\"allow\",\"driver\":\"e1000e\",\"permanent\":false,\"by\":\"rule\","
		"\"rule\":\"\"}]}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		FILE *f = fopen(t->state, "w");

		assert_non_null(f);
		fputs(bad[i], f);
		fclose(f);
		if (pg_guard_daemon_new(&cfg, &d) != -EINVAL)
			fail_msg("state file %zu was accepted: %s", i, bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_quarantine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finding_reject, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_until_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_decided_at_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_breach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_requests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_restart, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_state_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
