/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bench-guard: the guard daemon's cost per hot-plug event, daemon side (issue 11 §4).
 *
 * Nothing here touches the host's devices: a sysfs-shaped tree of plain files is built in a
 * temporary directory (one root port, one device held by pci-stub, with a 4096-byte config
 * space carrying a Device Serial Number) and the library is pointed at it. Timed with
 * CLOCK_MONOTONIC, medians over ROUNDS:
 *   uevent parse        pg_guard_uevent_parse() of a kernel add message
 *   sysfs read          pg_guard_sys_read(): ~12 attribute files, links, config parse and
 *                       inspect findings (the device identity the rules match on)
 *   decide N rules      pg_guard_decide() when only the last of N rules matches
 *   add event           pg_guard_daemon_uevent(add) end to end with a quarantine decision
 *                       (the action is "already quarantined": no sysfs write), audit JSON
 *                       built; without and with the decisions file (written + fsync'd)
 * Baseline in the same process: open+read+close of one attribute file (the floor of any
 * sysfs access), so ratios compare across machines. Numbers only; never fails on timing.
 * usage: bench-guard [-r ROUNDS]
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <pcigate/guard.h>

#define BDF "0000:05:00.0"
#define DEVDIR "devices/pci0000:00/0000:00:1c.0/" BDF

static char root[256];

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp);
	return v[n / 2];
}

static void put(const char *rel, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

static void mk(const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			(void)mkdir(path, 0755);
			*p = '/';
		}
	(void)mkdir(path, 0755);
}

static void lnk(const char *target, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (symlink(target, path) < 0) {
		perror(path);
		exit(1);
	}
}

static void build_tree(void)
{
	static const char *const attrs[][2] = {
		{ "vendor", "0x8086\n" }, { "device", "0x10d3\n" },
		{ "subsystem_vendor", "0x8086\n" }, { "subsystem_device", "0x0000\n" },
		{ "class", "0x020000\n" }, { "revision", "0x00\n" }, { "removable", "removable\n" },
	};
	unsigned char cfg[4096] = { 0x86, 0x80, 0xd3, 0x10, 0, 0, 0x10, 0, 0, 0, 0, 0x02 };
	char rel[256];

	strcpy(root, "/tmp/pg-bench-guard-XXXXXX");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		exit(1);
	}
	mk("bus/pci/devices");
	mk("bus/pci/slots");
	mk("bus/pci/drivers/pci-stub");
	mk(DEVDIR);
	for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
		snprintf(rel, sizeof(rel), DEVDIR "/%s", attrs[i][0]);
		put(rel, attrs[i][1], strlen(attrs[i][1]));
	}
	cfg[0x34] = 0x40;
	cfg[0x40] = 0x10;
	cfg[0x42] = 0x02;
	cfg[0x100] = 0x03;
	cfg[0x102] = 0x01;
	cfg[0x104] = 0x42;
	put(DEVDIR "/config", cfg, sizeof(cfg));
	lnk("../../../" DEVDIR, "bus/pci/devices/" BDF);
	lnk("../../../../bus/pci/drivers/pci-stub", DEVDIR "/driver");
}

static const char uevent[] =
	"add@/" DEVDIR "\0ACTION=add\0DEVPATH=/" DEVDIR "\0SUBSYSTEM=pci\0PCI_CLASS=20000\0"
	"PCI_ID=8086:10D3\0PCI_SUBSYS_ID=8086:0000\0PCI_SLOT_NAME=" BDF "\0"
	"MODALIAS=pci:v00008086d000010D3sv00008086sd00000000bc02sc00i00\0SEQNUM=2411\0";

static void no_audit(void *data, const char *json)
{
	(void)data;
	(void)json;
}

/* N rules of which only the last matches the device. */
static struct pg_guard_rules *rules_n(unsigned n)
{
	size_t cap = 64 + (size_t)n * 96, len;
	char *text = malloc(cap);
	struct pg_guard_rules *r = NULL;

	len = (size_t)snprintf(text, cap, "version: 1\nrules:\n");
	for (unsigned i = 0; i + 1 < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"  - { action: reject, match: { id: \"1af4:%04x\", "
					"class: \"0c03\" } }\n", i);
	len += (size_t)snprintf(text + len, cap - len,
				"  - { action: quarantine, match: { id: \"8086:10d3\", port: "
				"\"0000:00:1c.0\", serial: \"00-00-00-00-00-00-00-42\" } }\n");
	if (pg_guard_rules_load_buf(text, len, &r, NULL) < 0) {
		fprintf(stderr, "bench-guard: rules did not load\n");
		exit(1);
	}
	free(text);
	return r;
}

static double time_add(unsigned rounds, const char *state, double *samples)
{
	struct pg_guard_config cfg = { .sysfs_root = root, .state_path = state,
				       .rules = rules_n(16), .audit = no_audit };
	struct pg_guard_daemon *d = NULL;
	struct pg_guard_uevent ev;

	if (pg_guard_daemon_new(&cfg, &d) < 0 ||
	    pg_guard_uevent_parse(uevent, sizeof(uevent) - 1, &ev) < 0) {
		fprintf(stderr, "bench-guard: daemon setup failed\n");
		exit(1);
	}
	for (unsigned i = 0; i < rounds; i++) {
		double t0 = now_ns();

		(void)pg_guard_daemon_uevent(d, &ev, 0);
		samples[i] = now_ns() - t0;
	}
	pg_guard_daemon_free(d);
	return median(samples, rounds);
}

/* Median of rounds timed calls of fn(arg); fn returns < 0 on failure (then exit 1). */
static double timed(unsigned rounds, double *s, int (*fn)(void *), void *arg)
{
	for (unsigned i = 0; i < rounds; i++) {
		double t0 = now_ns();

		if (fn(arg) < 0) {
			fprintf(stderr, "bench-guard: a timed call failed\n");
			exit(1);
		}
		s[i] = now_ns() - t0;
	}
	return median(s, rounds);
}

static int one_attr(void *arg)
{
	char buf[64];
	int fd = open(arg, O_RDONLY | O_CLOEXEC), r = -1;

	if (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
		r = 0;
	if (fd >= 0)
		close(fd);
	return r;
}

static int one_parse(void *arg)
{
	return pg_guard_uevent_parse(uevent, sizeof(uevent) - 1, arg);
}

static int one_read(void *arg)
{
	return pg_guard_sys_read(root, BDF, arg);
}

struct decide_arg {
	struct pg_guard_rules *r;
	const struct pg_guard_dev *dev;
};

static int one_decide(void *arg)
{
	struct decide_arg *a = arg;

	return pg_guard_decide(a->r, a->dev) ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned rounds = 2000;
	double *s, base, parse, rd, add, add_state;
	struct pg_guard_uevent ev;
	struct pg_guard_dev dev;
	char path[512], state[600], cmd[600];
	static const unsigned sizes[] = { 1, 16, 256, 1024 };

	if (argc == 3 && !strcmp(argv[1], "-r"))
		rounds = (unsigned)strtoul(argv[2], NULL, 10);
	if (rounds < 10 || rounds > 1000000) {
		fprintf(stderr, "usage: bench-guard [-r ROUNDS (10-1000000)]\n");
		return 2;
	}
	s = calloc(rounds, sizeof(*s));
	build_tree();
	snprintf(path, sizeof(path), "%s/" DEVDIR "/vendor", root);
	base = timed(rounds, s, one_attr, path);
	parse = timed(rounds, s, one_parse, &ev);
	rd = timed(rounds, s, one_read, &dev);
	printf("bench-guard (%u rounds, medians; fake sysfs of plain files in %s)\n", rounds, root);
	printf("  baseline: open+read+close of one attribute  %8.0f ns\n", base);
	printf("  uevent parse (kernel add message)            %8.0f ns  (%.2fx baseline)\n",
	       parse, parse / base);
	printf("  sysfs read of the device (identity, config)  %8.0f ns  (%.1fx baseline)\n",
	       rd, rd / base);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct decide_arg a = { rules_n(sizes[k]), &dev };

		printf("  decide, match at rule %4u of %4u            %8.0f ns\n", sizes[k],
		       sizes[k], timed(rounds, s, one_decide, &a));
		pg_guard_rules_free(a.r);
	}
	add = time_add(rounds, NULL, s);
	snprintf(state, sizeof(state), "%s/state.json", root);
	add_state = time_add(rounds < 500 ? rounds : 500, state, s);
	printf("  add event end to end (16 rules, no state)    %8.0f ns  (%.3f ms)\n", add,
	       add / 1e6);
	printf("  add event end to end, decisions file fsync'd %8.0f ns  (%.3f ms)\n", add_state,
	       add_state / 1e6);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0)
		fprintf(stderr, "bench-guard: could not remove %s\n", root);
	free(s);
	return 0;
}
