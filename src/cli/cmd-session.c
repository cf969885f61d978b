/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pcigate session [--profile P] [--policy FILE] [--sysfs-root DIR] [--strict] DEVICE
 *
 * Run guest accesses read from standard input through the mediator and print, for each,
 * the result, the effects the mediator decided, what reached the device and the audit
 * records: a way to probe a profile or policy by hand, in demos and in tests.
 *
 * Input, one access per line (numbers hexadecimal with 0x, or decimal; '#' starts a
 * comment; blank lines are ignored):
 *     r OFF SIZE            config read
 *     w OFF SIZE VALUE      config write
 *     br BAR OFF SIZE       BAR read (the MSI-X table and PBA are mediated)
 *     bw BAR OFF SIZE VALUE BAR write
 * Sizes and offsets are passed to the mediator as given (an invalid one is its to refuse);
 * only what cannot be represented (an offset above 0xffff, a value wider than the access
 * space) is a malformed line.
 *
 * Output (pcigate(1) documents it): one result line per access, then two-space indented
 * "effect" lines (the mediator's decision, in execution order) and "hw" lines (what the
 * backend received), and audit records as JSON Lines (lines starting with '{'). Lines
 * starting with '#' are informational. Malformed input lines are reported on stderr with
 * their line number; the session goes on unless --strict.
 *
 * Threat: the input is as hostile as a guest. Lines are length-bounded, numbers are range
 * checked before use, and a live host device (a BDF) is opened read-only and wrapped so
 * that no write, BAR access or reset ever reaches it: they are refused (-EROFS/-EPERM)
 * and the refusal is reported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pcigate/pcigate.h>

#include "cli.h"

#define LINE_MAX_LEN 1024u
#define MAX_TOKENS 6u

struct session {
	struct pg_guest_opts o;
	bool strict;
	struct pg_guest g;
	struct pg_backend *wrap;  /* forwarding backend over g.be: reports what reaches it */
	struct pg_mediator *m;
	FILE *ev;                 /* consequences of the current access (memstream) */
	unsigned long lines, accesses, malformed;
};

/* ---- output helpers --------------------------------------------------------------------- */

static FILE *evout(const struct session *s)
{
	return s->ev ? s->ev : stdout;
}

static const char *errname(int rc)
{
	const char *n = strerrorname_np(rc < 0 ? -rc : rc);

	return n ? n : "E?";
}

/* Hex with the width of an access of size bytes (8 digits for an invalid size). */
static void put_hex(FILE *f, uint64_t v, unsigned size)
{
	int w = size == 1 || size == 2 || size == 4 || size == 8 ? (int)size * 2 : 8;

	fprintf(f, "0x%0*llx", w, (unsigned long long)v);
}

/* ---- what reaches the device: "hw" lines from a forwarding backend's observer ---------- */

static void hw_line(struct session *s, const char *what, int rc)
{
	FILE *f = evout(s);

	fputs(what, f);
	if (rc < 0)
		fprintf(f, " refused=%s", errname(rc));
	fputc('\n', f);
}

static void hw_cfg_write(void *data, uint16_t off, uint8_t size, uint32_t val, bool old_valid,
			 uint32_t old, int rc)
{
	char buf[80];

	(void)old_valid;
	(void)old;
	(void)snprintf(buf, sizeof(buf), "  hw cfg-write off=0x%03x size=%u value=0x%0*x", off,
		       size, 2 * size, val);
	hw_line(data, buf, rc);
}

static void hw_bar_write(void *data, unsigned bar, uint64_t off, uint8_t size, uint64_t val,
			 int rc)
{
	char buf[96];

	(void)snprintf(buf, sizeof(buf), "  hw bar-write bar=%u off=0x%llx size=%u value=0x%0*llx",
		       bar, (unsigned long long)off, size, 2 * size, (unsigned long long)val);
	hw_line(data, buf, rc);
}

static void hw_reset(void *data, enum pg_reset_method method, int rc)
{
	char buf[48];

	(void)snprintf(buf, sizeof(buf), "  hw reset method=%s", pg_policy_reset_name(method));
	hw_line(data, buf, rc);
}

static const struct pg_backend_observer hw_observer = {
	.cfg_write = hw_cfg_write,
	.bar_write = hw_bar_write,
	.reset = hw_reset,
};

/* ---- audit and effects ------------------------------------------------------------------ */

static void session_audit(void *data, const struct pg_audit_record *rec)
{
	char *json = NULL;

	if (pg_audit_record_to_json(rec, &json) < 0) {
		fputs("  audit record lost (out of memory)\n", evout(data));
		return;
	}
	fprintf(evout(data), "%s\n", json);
	free(json);
}

static const char *const irq_names[] = { "none", "intx", "msi", "msix" };

static void print_irq(FILE *f, const struct pg_irq_effect *e)
{
	fprintf(f, "  effect irq type=%s vector=", (unsigned)e->type < 4 ? irq_names[e->type] : "?");
	if (e->vector == PG_IRQ_ALL_VECTORS)
		fputs("all", f);
	else
		fprintf(f, "%u", e->vector);
	fprintf(f, " enabled=%d", e->enabled);
	if (e->type == PG_IRQ_MSIX)
		fprintf(f, " function-masked=%d", e->function_masked);
	if (e->type == PG_IRQ_MSI || e->type == PG_IRQ_MSIX)
		fprintf(f, " nvectors=%u masked=%d addr=0x%llx data=0x%x", e->nvectors, e->masked,
			(unsigned long long)e->addr, e->data);
	if (e->type == PG_IRQ_MSI)
		fprintf(f, " mask-bits=0x%x", e->msi_mask);
	fputc('\n', f);
}

static void print_effect(FILE *f, const struct pg_effect *e)
{
	switch (e->kind) {
	case PG_EFFECT_CFG_WRITE:
		fprintf(f, "  effect cfg-write off=0x%03x size=%u value=0x%0*x mask=0x%0*x "
			"rw1c=0x%0*x\n", e->u.cfg.off, e->u.cfg.size, 2 * e->u.cfg.size,
			e->u.cfg.value, 2 * e->u.cfg.size, e->u.cfg.write_mask, 2 * e->u.cfg.size,
			e->u.cfg.rw1c_mask);
		break;
	case PG_EFFECT_BAR_WRITE:
		fprintf(f, "  effect bar-write bar=%u off=0x%llx size=%u value=0x%0*llx\n",
			e->u.bar.bar, (unsigned long long)e->u.bar.off, e->u.bar.size,
			2 * e->u.bar.size, (unsigned long long)e->u.bar.value);
		break;
	case PG_EFFECT_IRQ:
		print_irq(f, &e->u.irq);
		break;
	case PG_EFFECT_RESET:
		fprintf(f, "  effect reset why=%s\n", e->u.reset.why ? e->u.reset.why : "?");
		break;
	case PG_EFFECT_BAR_MAP:
		fprintf(f, "  effect bar-map bar=%u kind=%s mapped=%d addr=0x%llx size=0x%llx\n",
			e->u.map.bar, e->u.map.io ? "io" : "mem", e->u.map.mapped,
			(unsigned long long)e->u.map.guest_addr, (unsigned long long)e->u.map.size);
		break;
	case PG_EFFECT_PM_STATE:
		fprintf(f, "  effect pm-state from=D%u to=D%u no-soft-reset=%d\n", e->u.pm.from,
			e->u.pm.to, e->u.pm.no_soft_reset);
		break;
	case PG_EFFECT_RESTORE:
		fputs("  effect restore\n", f);
		break;
	default:
		fprintf(f, "  effect unknown kind=%d\n", (int)e->kind);
		break;
	}
}

/* ---- accesses --------------------------------------------------------------------------- */

struct access {
	bool write, bar;
	unsigned bar_idx;
	uint64_t off, value;
	unsigned size;
};

static const char *why(int rc)
{
	switch (rc) {
	case -EINVAL: return "invalid access";
	case -EROFS: return "refused by the backend: the device is read-only";
	case -EPERM: return "refused by the backend";
	default: return strerror(-rc);
	}
}

static void print_access(const struct access *a)
{
	printf("%s%s ", a->bar ? "b" : "", a->write ? "w" : "r");
	if (a->bar)
		printf("%u 0x%llx/%u", a->bar_idx, (unsigned long long)a->off, a->size);
	else
		printf("0x%03llx/%u", (unsigned long long)a->off, a->size);
	if (a->write) {
		putchar(' ');
		put_hex(stdout, a->value, a->size);
	}
	fputs(" -> ", stdout);
}

static int do_read(struct session *s, const struct access *a, uint64_t *val, uint64_t *hw)
{
	struct pg_read_decision d;
	uint32_t v32 = 0;
	int rc;

	if (a->bar) {
		rc = pg_mediator_bar_decide_read(s->m, a->bar_idx, a->off, (uint8_t)a->size, &d);
		if (rc == 0)
			rc = pg_mediator_bar_read(s->m, a->bar_idx, a->off, (uint8_t)a->size, val);
	} else {
		rc = pg_mediator_decide_read(s->m, (uint16_t)a->off, (uint8_t)a->size, &d);
		if (rc == 0)
			rc = pg_mediator_cfg_read(s->m, (uint16_t)a->off, (uint8_t)a->size, &v32);
		*val = v32;
	}
	if (rc == 0)
		*hw = d.hw_mask;
	return rc;
}

static int do_write(struct session *s, const struct access *a)
{
	struct pg_write_decision d;
	int rc;

	if (a->bar)
		rc = pg_mediator_bar_decide_write(s->m, a->bar_idx, a->off, (uint8_t)a->size,
						  a->value, &d);
	else
		rc = pg_mediator_decide_write(s->m, (uint16_t)a->off, (uint8_t)a->size,
					      (uint32_t)a->value, &d);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < d.neffects && i < PG_MEDIATOR_MAX_EFFECTS; i++)
		print_effect(s->ev, &d.effects[i]);
	return pg_mediator_apply(s->m, &d);
}

/* Run one access; its consequences are collected first so that they print after the
 * result line they belong to. */
static int run_access(struct session *s, const struct access *a)
{
	uint64_t val = 0, hw = 0;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	s->ev = open_memstream(&buf, &len);
	if (!s->ev)
		return -ENOMEM;
	rc = a->write ? do_write(s, a) : do_read(s, a, &val, &hw);
	fclose(s->ev);
	s->ev = NULL;
	s->accesses++;
	print_access(a);
	if (rc < 0) {
		printf("error %s (%s)\n", errname(rc), why(rc));
	} else if (a->write) {
		fputs("ok\n", stdout);
	} else {
		put_hex(stdout, val, a->size);
		fputs(" hw-mask ", stdout);
		put_hex(stdout, hw, a->size);
		putchar('\n');
	}
	if (buf)
		fwrite(buf, 1, len, stdout);
	free(buf);
	return 0;
}

/* ---- input ------------------------------------------------------------------------------ */

/* A number: 0x-prefixed hex or decimal, nothing else (no sign, no space, no suffix). */
static int parse_num(const char *t, uint64_t max, uint64_t *ret)
{
	int base = (t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) ? 16 : 10;
	const char *p = base == 16 ? t + 2 : t;
	uint64_t v = 0;

	if (!*p)
		return -EINVAL;
	for (; *p; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = (unsigned)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned)(*p - 'A' + 10);
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / (uint64_t)base)
			return -ERANGE;
		v = v * (uint64_t)base + d;
	}
	if (v > max)
		return -ERANGE;
	*ret = v;
	return 0;
}

struct field {
	const char *name;
	uint64_t max;
};

/* Fill a from the tokens after the command word; why names the problem on failure. */
static int parse_fields(char **tok, unsigned ntok, struct access *a, char *err, size_t errlen)
{
	const struct field cfg[] = { { "OFF", 0xffff }, { "SIZE", 0xff }, { "VALUE", UINT32_MAX } };
	const struct field bar[] = { { "BAR", 0xff }, { "OFF", UINT64_MAX }, { "SIZE", 0xff },
				     { "VALUE", UINT64_MAX } };
	const struct field *f = a->bar ? bar : cfg;
	unsigned want = (a->bar ? 3u : 2u) + (a->write ? 1u : 0u);
	uint64_t v[4] = { 0 };

	if (ntok != want) {
		(void)snprintf(err, errlen, "'%s' takes %u arguments, got %u", tok[0], want, ntok);
		return -EINVAL;
	}
	for (unsigned i = 0; i < ntok; i++) {
		int rc = parse_num(tok[i + 1], f[i].max, &v[i]);

		if (rc < 0) {
			(void)snprintf(err, errlen, "%s '%.40s': %s", f[i].name, tok[i + 1],
				       rc == -ERANGE ? "out of range" : "not a number (hex with 0x, "
				       "or decimal)");
			return rc;
		}
	}
	if (a->bar) {
		a->bar_idx = (unsigned)v[0];
		a->off = v[1];
		a->size = (unsigned)v[2];
		a->value = v[3];
	} else {
		a->off = v[0];
		a->size = (unsigned)v[1];
		a->value = v[2];
	}
	return 0;
}

static int parse_line(char *line, struct access *a, bool *empty, char *err, size_t errlen)
{
	static const char *const cmds[] = { "r", "w", "br", "bw" };
	char *tok[MAX_TOKENS + 1], *save = NULL, *hash = strchr(line, '#');
	unsigned n = 0;

	if (hash)
		*hash = '\0';
	for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		if (n > MAX_TOKENS) {
			(void)snprintf(err, errlen, "too many fields");
			return -EINVAL;
		}
		tok[n++] = t;
	}
	*empty = n == 0;
	if (!n)
		return 0;
	memset(a, 0, sizeof(*a));
	for (unsigned c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
		if (strcmp(tok[0], cmds[c]))
			continue;
		a->bar = c >= 2;
		a->write = c % 2 == 1;
		return parse_fields(tok, n - 1, a, err, errlen);
	}
	(void)snprintf(err, errlen, "unknown command '%.20s' (r, w, br or bw)", tok[0]);
	return -EINVAL;
}

/* Read one line of at most LINE_MAX_LEN bytes (without its newline) into buf. A longer
 * line is consumed to its end and reported, and so is a NUL byte (text input has none).
 * Returns 1 with a line, 0 at EOF, -E2BIG or -EINVAL. */
static int read_line(char *buf, size_t size)
{
	size_t n = 0;
	bool nul = false;
	int c;

	while ((c = getchar()) != EOF && c != '\n') {
		if (c == '\0')
			nul = true;
		if (n + 1 < size)
			buf[n] = (char)c;
		n++;
	}
	if (c == EOF && n == 0)
		return 0;
	buf[n + 1 < size ? n : size - 1] = '\0';
	if (n + 1 >= size)
		return -E2BIG;
	return nul ? -EINVAL : 1;
}

static int run_input(struct session *s)
{
	char line[LINE_MAX_LEN + 1], err[160];
	struct access a;
	int r;

	while ((r = read_line(line, sizeof(line))) != 0) {
		bool empty = false;

		s->lines++;
		if (r == -E2BIG)
			(void)snprintf(err, sizeof(err), "line longer than %u bytes", LINE_MAX_LEN);
		else if (r == -EINVAL)
			(void)snprintf(err, sizeof(err), "NUL byte in the line");
		if (r > 0)
			r = parse_line(line, &a, &empty, err, sizeof(err));
		if (r < 0) {
			fflush(stdout);
			pg_cli_error("session", "<stdin>:%lu: %s", s->lines, err);
			s->malformed++;
			if (s->strict)
				return PG_EXIT_FINDING;
			continue;
		}
		if (!empty && run_access(s, &a) < 0) {
			pg_cli_error("session", "out of memory");
			return PG_EXIT_INPUT;
		}
	}
	if (ferror(stdin)) {
		pg_cli_error("session", "reading stdin: %s", strerror(errno));
		return PG_EXIT_INPUT;
	}
	return s->malformed ? PG_EXIT_FINDING : PG_EXIT_OK;
}

/* ---- command line ----------------------------------------------------------------------- */

void pg_cmd_session_usage(FILE *out)
{
	fputs("usage: pcigate session [--profile P] [--policy FILE] [--sysfs-root DIR]\n"
	      "                       [--strict] DEVICE  < ACCESSES\n"
	      "\n"
	      "Run guest accesses from stdin through the mediator; print each result, the\n"
	      "effects decided, what reached the device (hw) and the audit records (JSON).\n"
	      "  input lines      r OFF SIZE | w OFF SIZE VALUE | br BAR OFF SIZE |\n"
	      "                   bw BAR OFF SIZE VALUE   (0x hex or decimal; # comments)\n"
	      "  DEVICE           an lspci -x dump file (modelled device: writes change the\n"
	      "                   model only) or a BDF (live device, read-only: every write,\n"
	      "                   BAR access and reset is refused and reported), or\n"
	      "                   vfio:BDF (bound to vfio-pci: what the mediator passes\n"
	      "                   reaches the device; quiesced at exit)\n"
	      "  --profile P      guest (default), device-model or permissive\n"
	      "  --policy FILE    per-device policy; its entry's profile replaces --profile\n"
	      "  --sysfs-root DIR read live devices under DIR instead of /sys (testing)\n"
	      "  --force          a device `pcigate inspect` rates HIGH (otherwise refused,\n"
	      "                   naming the findings, unless --policy has an entry for it)\n"
	      "  -h, --help       show this help\n"
	      "  --strict         stop at the first malformed line\n"
	      "exit status: 0 every line was well-formed (accesses may still have been\n"
	      "refused); 1 a line was malformed; 2 usage error; 3 the device or policy could\n"
	      "not be read or mediated.\n", out);
}

static int parse_session(int argc, char **argv, struct session *s)
{
	static const struct option longopts[] = {
		PG_GUEST_LONGOPTS, { "strict", no_argument, NULL, 'S' }, PG_CLI_OPT_HELP, { 0 }
	};
	static const struct pg_cli_parser parser = { "session", ":h", longopts,
						     pg_cmd_session_usage };
	int c, r;

	pg_cli_opts_begin();
	while ((c = pg_cli_next_opt(&parser, argc, argv)) != PG_OPT_END) {
		if (c == PG_OPT_HELP)
			return -1;
		if (c == PG_OPT_BAD)
			return PG_EXIT_USAGE;
		r = pg_guest_opt(c, optarg, &s->o);
		if (r < 0)
			return -r;
		if (!r)
			s->strict = true; /* 'S' */
	}
	return pg_guest_operand(argc, argv, &s->o);
}

static int session_open(struct session *s)
{
	struct pg_mediator_config mc;
	int rc;

	if (pg_cli_guest_open(&s->o, &s->g) < 0)
		return -EIO;
	/* A live device is never written, whatever the mediator decided: the fence refuses
	 * writes, BAR accesses and resets, and the refusals are reported as hw lines. */
	rc = pg_backend_forward_new(s->g.dev.be, s->g.dev.live ? PG_FORWARD_READONLY : 0, &hw_observer, s,
				    &s->wrap);
	if (rc < 0) {
		pg_cli_error("session", "%s: %s", s->o.device, strerror(-rc));
		return rc;
	}
	pg_mediator_config_init(&mc);
	mc.audit = session_audit;
	mc.audit_data = s;
	mc.rate.burst = 0; /* a probe shows every record */
	return pg_guest_mediator(&s->o, &s->g, s->wrap, &mc, &s->m);
}

static void print_summary(const struct session *s)
{
	struct pg_audit_counters c;

	pg_mediator_counters(s->m, &c);
	printf("# %lu lines, %lu accesses, %lu malformed; audit: %llu denied, %llu permissive\n",
	       s->lines, s->accesses, s->malformed, (unsigned long long)c.denied,
	       (unsigned long long)c.permissive);
}

int pg_cmd_session(int argc, char **argv)
{
	struct session s;
	int rc;

	memset(&s, 0, sizeof(s));
	s.o.cmd = "session";
	s.o.profile = PG_PROFILE_GUEST;
	rc = parse_session(argc, argv, &s);
	if (rc)
		return rc < 0 ? PG_EXIT_OK : rc;
	if (session_open(&s) < 0) {
		rc = PG_EXIT_INPUT;
		goto out;
	}
	printf("# session %s: %s, profile %s%s\n", s.g.dev.slot, s.g.dev.vfio ?
	       "VFIO device (writes, BAR accesses and resets reach it through the mediator)" :
	       s.g.dev.live ?
	       "live device, read-only (writes, BAR accesses and resets are refused)" :
	       "modelled device", pg_profile_name(pg_mediator_profile(s.m)),
	       s.g.dev.entry ? " (from the policy entry)" : "");
	rc = run_input(&s);
	pg_mediator_audit_flush(s.m);
	print_summary(&s);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		pg_cli_error("session", "writing the output failed");
		rc = PG_EXIT_INPUT;
	}
out:
	pg_mediator_free(s.m);
	pg_backend_close(s.wrap);
	pg_cli_guest_close(&s.g);
	return rc;
}
