/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pure decoding and encoding of QEMU 7.2 mpqemu messages (QEMU 7.2
 * include/hw/remote/mpqemu-link.h; docs/serve.md, mpqemu §1-§2). No I/O, no fds: the
 * fuzzer and the connection layer share this code.
 *
 * The peer is a possibly compromised VMM. What each command may carry is one row of
 * rules[] (payload size, fd range, reply); the decoders of the payloads check every field
 * before anything acts on it. Integers are host-endian on the wire (QEMU copies its structs
 * verbatim), so fields are loaded with memcpy at their x86_64 ABI offsets.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proto-private.h"
#include "util/util.h"

_Static_assert(sizeof(size_t) == 8, "mpqemu layouts are those of a 64-bit host");

int pg_proto_fail(struct pg_proto_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		(void)vsnprintf(err->text, sizeof(err->text), fmt, ap);
		va_end(ap);
	}
	return code;
}

void pg_proto_close_fds(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n && i < PG_PROTO_MAX_FDS; i++) {
		if (fds[i] >= 0)
			(void)close(fds[i]);
		fds[i] = -1;
	}
}

void pg_proto_msg_clear(struct pg_proto_msg *msg)
{
	if (!msg)
		return;
	pg_proto_close_fds(msg->fds, msg->nfds);
	msg->nfds = 0;
}

static uint32_t ld32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t ld64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int decode_cfg(const struct pg_proto_rule *r, const uint8_t *p, unsigned nfds,
		      struct pg_proto_msg *m, struct pg_proto_error *err)
{
	const char *name = r->name;
	bool write = r->write;
	struct pg_proto_cfg *c = &m->u.cfg;
	uint32_t addr = ld32(p), val = ld32(p + 4);
	int32_t len = (int32_t)ld32(p + 8);

	if (len != 1 && len != 2 && len != 4)
		return pg_proto_fail(err, -EPROTO, "%s: len %d is not 1, 2 or 4", name, (int)len);
	/* 64-bit sum: a hostile addr near UINT32_MAX must not wrap past the check. */
	if ((uint64_t)addr + (uint64_t)len > PG_PROTO_CFG_SPACE)
		return pg_proto_fail(err, -EPROTO,
				     "%s: addr 0x%x + len %d is beyond the %u-byte config space",
				     name, addr, (int)len, PG_PROTO_CFG_SPACE);
	if (addr % (uint32_t)len)
		return pg_proto_fail(err, -EPROTO, "%s: addr 0x%x is not aligned to len %d", name,
				     addr, (int)len);
	if (write && (val & ~(uint32_t)pg_util_size_mask((unsigned)len)))
		return pg_proto_fail(err, -EPROTO, "%s: val 0x%x is wider than len %d", name, val,
				     (int)len);
	c->addr = (uint16_t)addr;
	c->len = (uint8_t)len;
	c->val = write ? val : 0;
	return 0;
}

static int decode_bar(const struct pg_proto_rule *r, const uint8_t *p, unsigned nfds,
		      struct pg_proto_msg *m, struct pg_proto_error *err)
{
	const char *name = r->name;
	bool write = r->write;
	struct pg_proto_bar *b = &m->u.bar;
	uint64_t addr = ld64(p), val = ld64(p + 8);
	uint32_t size = ld32(p + 16);
	uint8_t memory = p[20];

	if (size != 1 && size != 2 && size != 4 && size != 8)
		return pg_proto_fail(err, -EPROTO, "%s: size %u is not 1, 2, 4 or 8", name, size);
	if (memory > 1)
		return pg_proto_fail(err, -EPROTO, "%s: memory flag %u is not a bool", name,
				     memory);
	if (addr % size)
		return pg_proto_fail(err, -EPROTO, "%s: addr 0x%llx is not aligned to size %u",
				     name, (unsigned long long)addr, size);
	if (addr > UINT64_MAX - (size - 1))
		return pg_proto_fail(err, -EPROTO, "%s: addr 0x%llx + size %u wraps", name,
				     (unsigned long long)addr, size);
	if (!memory && addr > 0xffff)
		return pg_proto_fail(err, -EPROTO, "%s: I/O port 0x%llx is beyond 0xffff", name,
				     (unsigned long long)addr);
	if (write && (val & ~pg_util_size_mask(size)))
		return pg_proto_fail(err, -EPROTO, "%s: val 0x%llx is wider than size %u", name,
				     (unsigned long long)val, size);
	b->addr = addr;
	b->val = write ? val : 0;
	b->size = (uint8_t)size;
	b->memory = memory;
	return 0;
}

static int decode_sysmem(const struct pg_proto_rule *r, const uint8_t *p, unsigned nfds,
			 struct pg_proto_msg *m, struct pg_proto_error *err)
{
	struct pg_proto_sysmem *s = &m->u.sysmem;
	struct pg_proto_sysmem tmp = { .nregions = nfds };

	/* Entry i pairs with fd i; entries beyond the fd count are ignored (QEMU zeroes them). */
	for (unsigned i = 0; i < nfds && i < PG_PROTO_MAX_FDS; i++) {
		tmp.gpa[i] = ld64(p + 8 * i);
		tmp.size[i] = ld64(p + 64 + 8 * i);
		tmp.offset[i] = ld64(p + 128 + 8 * i);
		if (tmp.size[i] == 0)
			return pg_proto_fail(err, -EPROTO, "SYNC_SYSMEM: region %u has size 0", i);
		if (tmp.gpa[i] > UINT64_MAX - tmp.size[i])
			return pg_proto_fail(err, -EPROTO,
					     "SYNC_SYSMEM: region %u gpa 0x%llx + size 0x%llx "
					     "wraps",
					     i, (unsigned long long)tmp.gpa[i],
					     (unsigned long long)tmp.size[i]);
		/* off_t on the wire: a negative or wrapping offset is never a valid mapping.
		 * size is checked first: INT64_MAX - size would itself wrap for a size above
		 * INT64_MAX and let offset + size wrap past the file-size check (found by
		 * fuzz-proto: size 0xffffffffffff0000 at offset 0xc0000). */
		if (tmp.size[i] > (uint64_t)INT64_MAX ||
		    tmp.offset[i] > (uint64_t)INT64_MAX - tmp.size[i])
			return pg_proto_fail(err, -EPROTO,
					     "SYNC_SYSMEM: region %u offset 0x%llx + size 0x%llx "
					     "is out of range", i,
					     (unsigned long long)tmp.offset[i],
					     (unsigned long long)tmp.size[i]);
	}
	*s = tmp;
	return 0;
}

/*
 * What each command may carry: one row per command, indexed by wire value. RET is a
 * server->VMM message; receiving it is a protocol error.
 */
static const struct pg_proto_rule rules[PG_PROTO_CMD_MAX] = {
	[PG_PROTO_SYNC_SYSMEM] = { "SYNC_SYSMEM", true, false, PG_PROTO_SYSMEM_SIZE, 1,
				   PG_PROTO_MAX_FDS, false, decode_sysmem },
	[PG_PROTO_RET] = { "RET", false, false, 8, 0, 0, false, NULL },
	[PG_PROTO_CFGWRITE] = { "CFGWRITE", true, true, PG_PROTO_CFG_SIZE, 0, 0, true,
				decode_cfg },
	[PG_PROTO_CFGREAD] = { "CFGREAD", true, false, PG_PROTO_CFG_SIZE, 0, 0, true,
			       decode_cfg },
	[PG_PROTO_BAR_WRITE] = { "BAR_WRITE", true, true, PG_PROTO_BAR_SIZE, 0, 0, true,
				 decode_bar },
	[PG_PROTO_BAR_READ] = { "BAR_READ", true, false, PG_PROTO_BAR_SIZE, 0, 0, true,
				decode_bar },
	[PG_PROTO_SET_IRQFD] = { "SET_IRQFD", true, false, 0, 2, 2, false, NULL },
	[PG_PROTO_DEVICE_RESET] = { "DEVICE_RESET", true, false, 0, 0, 0, true, NULL },
};

const struct pg_proto_rule *pg_proto_rule(int cmd)
{
	if (cmd < 0 || cmd >= (int)PG_PROTO_CMD_MAX)
		return NULL;
	return &rules[cmd];
}

const char *pg_proto_cmd_name(int cmd)
{
	const struct pg_proto_rule *r = pg_proto_rule(cmd);

	return r ? r->name : "UNKNOWN";
}

int pg_proto_decode_header(const uint8_t buf[PG_PROTO_HDR_SIZE], struct pg_proto_hdr *hdr,
			   struct pg_proto_error *err)
{
	const struct pg_proto_rule *r;
	int32_t cmd;
	uint64_t size;

	if (!buf || !hdr)
		return pg_proto_fail(err, -EINVAL, "NULL argument");
	cmd = (int32_t)ld32(buf);
	/* Bytes 4..7 are struct padding; QEMU zeroes them but their value carries nothing. */
	size = ld64(buf + 8);
	r = pg_proto_rule(cmd);
	if (!r)
		return pg_proto_fail(err, -EPROTO, "unknown command %d", (int)cmd);
	if (!r->from_vmm)
		return pg_proto_fail(err, -EPROTO, "command %s is a server reply, not a request",
				     r->name);
	/* Checked from the header alone, before a payload byte is read or buffered. */
	if (size > PG_PROTO_MAX_PAYLOAD)
		return pg_proto_fail(err, -EPROTO, "%s: size %llu exceeds the %u-byte limit",
				     r->name, (unsigned long long)size, PG_PROTO_MAX_PAYLOAD);
	if (size != r->payload)
		return pg_proto_fail(err, -EPROTO, "%s: size %llu, expected %u", r->name,
				     (unsigned long long)size, r->payload);
	hdr->cmd = (enum pg_proto_cmd)cmd;
	hdr->size = (uint32_t)size;
	return 0;
}

int pg_proto_decode(const struct pg_proto_hdr *hdr, const uint8_t *payload, unsigned nfds,
		    struct pg_proto_msg *msg, struct pg_proto_error *err)
{
	const struct pg_proto_rule *r;
	struct pg_proto_msg tmp;
	int rc = 0;

	if (!hdr || !msg || (hdr->size && !payload))
		return pg_proto_fail(err, -EINVAL, "NULL argument");
	r = pg_proto_rule((int)hdr->cmd);
	if (!r || !r->from_vmm || hdr->size != r->payload)
		return pg_proto_fail(err, -EPROTO, "header not validated (command %d size %u)",
				     (int)hdr->cmd, hdr->size);
	if (nfds < r->min_fds || nfds > r->max_fds) {
		if (r->min_fds == r->max_fds)
			return pg_proto_fail(err, -EPROTO, "%s: %u fds, expected exactly %u",
					     r->name, nfds, r->min_fds);
		return pg_proto_fail(err, -EPROTO, "%s: %u fds, expected %u..%u", r->name, nfds,
				     r->min_fds, r->max_fds);
	}
	memset(&tmp.u, 0, sizeof(tmp.u));
	tmp.cmd = hdr->cmd;
	/* SET_IRQFD and DEVICE_RESET carry no payload: the fd count above is all there is. */
	if (r->decode)
		rc = r->decode(r, payload, nfds, &tmp, err);
	if (rc < 0)
		return rc;
	msg->cmd = tmp.cmd;
	msg->u = tmp.u;
	return 0;
}

void pg_proto_encode_ret(uint64_t val, uint8_t buf[PG_PROTO_REPLY_SIZE])
{
	uint32_t cmd = PG_PROTO_RET;
	uint64_t size = 8;

	memset(buf, 0, PG_PROTO_REPLY_SIZE);
	memcpy(buf, &cmd, sizeof(cmd));
	memcpy(buf + 8, &size, sizeof(size));
	memcpy(buf + 16, &val, sizeof(val));
}
