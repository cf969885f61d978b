/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate launch --device DEVICE[,addr=DD[.F]][,multifunction=on|off][,rom=FILE|off]: one
 * device's guest slot and expansion ROM, as properties of its x-pci-proxy-dev
 * (docs/serve.md, "pcigate launch").
 *
 * The ROM. QEMU 7.2's proxy never maps the device's own ROM (docs/serve.md, mpqemu §3, §8),
 * so the server always hides it. What a guest can get instead is a ROM file QEMU serves
 * from its own memory: QEMU's generic PCI properties romfile= and romsize= register a ROM
 * BAR backed by the file, mapped where QEMU's copy of the ROM register says. Guest config
 * reads of that register are forwarded to the server, so the server must show a ROM BAR
 * of exactly romsize (pg_serve_config.rom_size): then the address the guest programs, the
 * enable bit and the sizing read back agree with where QEMU maps the file (PCI 3.0
 * §6.2.5.2). launch picks romsize itself, the file's size rounded up to a power of two and
 * at least 2 KiB, and gives the same number to QEMU and to the server.
 *
 * The file is the operator's, not the guest's, but it is still checked before QEMU starts:
 * a regular file of 1 byte to 16 MiB (the largest ROM BAR the mediator shows), readable,
 * named by an absolute path (QEMU looks a relative romfile= up in its firmware directory
 * first, which could pick another file of that name). A file without the 55 AA ROM
 * signature (PCI Firmware 3.0 §5.1) is accepted with a warning: guests ignore it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define ROM_MAX (16u << 20)
#define ROM_MIN 2048u

/* Append to the QEMU properties; -E2BIG when they do not fit. */
static int add(struct pg_launch_dev *d, const char *text)
{
	size_t used = strlen(d->qemu), n = strlen(text);

	if (n >= sizeof(d->qemu) - used)
		return -E2BIG;
	memcpy(d->qemu + used, text, n + 1);
	return 0;
}

static uint32_t rom_bar_size(uint64_t len)
{
	uint32_t s = ROM_MIN;

	while (s < len)
		s <<= 1; /* len <= ROM_MAX: bounded */
	return s;
}

/* The ROM file: checked, then ",romfile=PATH,romsize=N" with QEMU's ",," for a comma in
 * PATH. why gets the reason of a failure: -2 the file, -1 the option. */
static int rom_file(struct pg_launch_dev *d, const char *file, char *why, size_t n)
{
	char abs[PATH_MAX], prop[2 * PATH_MAX + 48];
	unsigned char sig[2] = { 0, 0 };
	struct stat st;
	size_t k = 0;
	int fd;

	fd = realpath(file, abs) ? open(abs, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY) : -1;
	if (fd < 0 || fstat(fd, &st) < 0) {
		(void)snprintf(why, n, "%s", strerror(errno));
		if (fd >= 0)
			(void)close(fd);
		return -2;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 1 || (uint64_t)st.st_size > ROM_MAX) {
		if (S_ISREG(st.st_mode))
			(void)snprintf(why, n, "%lld bytes, expected 1 byte to 16 MiB",
				       (long long)st.st_size);
		else
			(void)snprintf(why, n, "not a regular file");
		(void)close(fd);
		return -2;
	}
	if (read(fd, sig, 2) != 2 || sig[0] != 0x55 || sig[1] != 0xaa)
		pg_cli_warn("launch", "--device rom=%s: no 55 AA expansion ROM signature at the "
			    "start; guests will ignore this ROM", file);
	(void)close(fd);
	d->rom_size = rom_bar_size((uint64_t)st.st_size);
	memcpy(prop, ",romfile=", 9);
	k = 9;
	for (const char *p = abs; *p && k + 2 < sizeof(prop); p++) {
		if (*p == ',')
			prop[k++] = ',';
		prop[k++] = *p;
	}
	(void)snprintf(prop + k, sizeof(prop) - k, ",romsize=%u", (unsigned)d->rom_size);
	if (add(d, prop) < 0) {
		(void)snprintf(why, n, "path too long");
		return -1;
	}
	return 0;
}

/* One option (its value with QEMU's ",," already made ","): 0, or -1 (bad option) or -2
 * (an unusable ROM file) with why set. */
static int device_opt(struct pg_launch_dev *d, const char *t, char *why, size_t n)
{
	unsigned dev, fn = 0;
	int k = -1;
	char buf[24];

	if (!strncmp(t, "addr=", 5)) {
		if (sscanf(t + 5, "%2x%n.%1u%n", &dev, &k, &fn, &k) < 1 || k < 0 ||
		    t[5 + k] != '\0' || dev > 0x1f || fn > 7) {
			(void)snprintf(why, n, "addr=DD[.F] with slot 00-1f hex and function 0-7");
			return -1;
		}
		(void)snprintf(buf, sizeof(buf), ",addr=%02x.%u", dev, fn);
		return add(d, buf);
	}
	if (!strcmp(t, "multifunction=on") || !strcmp(t, "multifunction=off"))
		return t[15] == 'n' ? add(d, ",multifunction=on") : 0;
	if (!strncmp(t, "rom=", 4) && t[4]) {
		if (d->rom_set) {
			(void)snprintf(why, n, "rom= given twice");
			return -1;
		}
		d->rom_set = true;
		return strcmp(t + 4, "off") ? rom_file(d, t + 4, why, n) : 0;
	}
	(void)snprintf(why, n, "expected addr=DD[.F], multifunction=on|off, rom=FILE or "
		       "rom=off");
	return -1;
}

/* Where the options start: the first ",addr=", ",multifunction=" or ",rom=" (a dump path
 * may hold commas). */
static const char *first_option(const char *v)
{
	static const char *const keys[] = { ",addr=", ",multifunction=", ",rom=" };
	const char *cut = NULL;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *c = strstr(v, keys[i]);

		if (c && (!cut || c < cut))
			cut = c;
	}
	return cut;
}

int pg_launch_device_parse(const char *v, struct pg_launch_dev *d)
{
	const char *cut = first_option(v), *t;
	char opt[PATH_MAX + 8], why[160];

	memset(d, 0, sizeof(*d));
	d->device = v;
	if (!cut)
		return 0;
	if (cut == v || (size_t)(cut - v) >= sizeof(d->path)) {
		pg_cli_error("launch", "--device '%s': bad DEVICE before the options", v);
		return PG_EXIT_USAGE;
	}
	memcpy(d->path, v, (size_t)(cut - v));
	d->device = d->path;
	/* options end at a single ','; ",," is a comma inside a value (QEMU's rule) */
	for (t = cut + 1; *t; ) {
		size_t k = 0;

		while (*t && k + 1 < sizeof(opt) && (*t != ',' || t[1] == ',')) {
			opt[k++] = *t;
			t += *t == ',' ? 2 : 1;
		}
		opt[k] = '\0';
		why[0] = '\0';
		if (*t && *t != ',') {
			pg_cli_error("launch", "--device '%s': option too long", v);
			return PG_EXIT_USAGE;
		}
		switch (device_opt(d, opt, why, sizeof(why))) {
		case 0:
			break;
		case -2:
			pg_cli_error("launch", "--device '%s': ROM file %s: %s", v, opt + 4, why);
			return PG_EXIT_INPUT;
		default:
			pg_cli_error("launch", "--device '%s': bad option '%s' (%s)", v, opt,
				     why[0] ? why : "too long");
			return PG_EXIT_USAGE;
		}
		t += *t == ',';
	}
	return 0;
}
