/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Device-level pieces: audit records in the project's JSON Lines format, feature
 * negotiation (virtio 1.2 §2.2, §3.1.1), queue sizing and consistent config reads (§2.5.1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/jsonl.h"
#include "virtio-private.h"

static const char *const verdict_names[] = {
	[PG_VQ_BROKEN] = "broken",
	[PG_VQ_CLAMPED] = "clamped",
	[PG_VQ_FAILED] = "failed",
};

void pg_virtio_emit(pg_virtio_audit_fn fn, void *data, const char *device, int queue,
		    const char *layout, enum pg_vq_fault f, enum pg_vq_verdict v,
		    uint64_t value, uint64_t limit, const char *detail)
{
	struct pg_virtio_audit rec;

	if (!fn)
		return;
	memset(&rec, 0, sizeof(rec));
	if (clock_gettime(CLOCK_REALTIME, &rec.time) < 0)
		memset(&rec.time, 0, sizeof(rec.time));
	rec.device = device ? device : "virtio";
	rec.queue = queue;
	rec.layout = layout ? layout : "";
	rec.fault = f;
	rec.verdict = v;
	rec.value = value;
	rec.limit = limit;
	rec.detail = detail ? detail : "";
	fn(data, &rec);
}

static int fill(struct json_object *o, const void *rec)
{
	const struct pg_virtio_audit *r = rec;
	unsigned v = (unsigned)r->verdict;
	int rc = pg_jsonl_add(o, "time", pg_jsonl_time(&r->time));

	if (!rc)
		rc = pg_jsonl_add(o, "device", json_object_new_string(r->device ? r->device : ""));
	if (!rc)
		rc = pg_jsonl_add(o, "space", json_object_new_string("virtio"));
	if (!rc && r->queue >= 0)
		rc = pg_jsonl_add(o, "queue", json_object_new_int(r->queue));
	if (!rc && r->layout && r->layout[0])
		rc = pg_jsonl_add(o, "layout", json_object_new_string(r->layout));
	if (!rc)
		rc = pg_jsonl_add(o, "verdict", json_object_new_string(v <= PG_VQ_FAILED ?
							      verdict_names[v] : "invalid"));
	if (!rc)
		rc = pg_jsonl_add(o, "rule", json_object_new_string(pg_vq_fault_name(r->fault)));
	if (!rc)
		rc = pg_jsonl_add(o, "value", json_object_new_uint64(r->value));
	if (!rc)
		rc = pg_jsonl_add(o, "limit", json_object_new_uint64(r->limit));
	if (!rc)
		rc = pg_jsonl_add(o, "detail", json_object_new_string(r->detail ? r->detail : ""));
	return rc;
}

int pg_virtio_audit_to_json(const struct pg_virtio_audit *rec, char **ret)
{
	return pg_jsonl_record(fill, rec, ret);
}

int pg_virtio_negotiate(uint64_t offered, uint64_t driver, uint64_t required, uint64_t *ret)
{
	if (!ret || (required & ~driver))
		return -EINVAL;
	/* §2.2.1: the driver MUST NOT accept a feature the device did not offer, nor one it
	 * does not understand; a device offering unknown bits gets them dropped here. */
	if ((offered & required) != required)
		return -ENOTSUP;
	*ret = offered & driver;
	return 0;
}

int pg_virtio_queue_size(enum pg_vq_layout layout, uint32_t device_max, uint16_t wanted,
			 uint16_t *ret)
{
	uint32_t n;

	if (!ret || wanted == 0 || wanted > PG_VQ_MAX_SPLIT)
		return -EINVAL;
	if (device_max == 0)
		return -EPROTO; /* a device offering no ring cannot be driven */
	n = device_max < wanted ? device_max : wanted;
	if (layout == PG_VQ_SPLIT)
		while (n & (n - 1u))
			n &= n - 1u; /* round down to a power of 2: at most 15 steps */
	*ret = (uint16_t)n;
	return 0;
}

static int read_gen(int64_t (*gen)(void *), void *ctx, int64_t *ret)
{
	int64_t g = gen(ctx);

	if (g < 0)
		return (int)g;
	*ret = g;
	return 0;
}

static int read_with_gen(int (*read)(void *, void *, size_t), int64_t (*gen)(void *),
			 void *ctx, void *buf, size_t len, unsigned tries)
{
	for (unsigned t = 0; t < tries; t++) {
		int64_t before = 0, after = 0;
		int rc = read_gen(gen, ctx, &before);

		if (!rc)
			rc = read(ctx, buf, len);
		if (!rc)
			rc = read_gen(gen, ctx, &after);
		if (rc < 0)
			return rc;
		if (before == after)
			return 0;
	}
	return -EAGAIN;
}

int pg_virtio_config_read(int (*read)(void *ctx, void *buf, size_t len),
			  int64_t (*gen)(void *ctx), void *ctx, void *buf, size_t len,
			  unsigned tries)
{
	uint8_t *again;
	int rc;

	if (!read || !buf || !len || len > 4096 || tries == 0 || tries > 64)
		return -EINVAL;
	if (gen)
		return read_with_gen(read, gen, ctx, buf, len, tries);
	/* No generation counter (vhost-user GET_CONFIG): two reads in a row must agree. */
	again = malloc(len);
	if (!again)
		return -ENOMEM;
	rc = read(ctx, buf, len);
	for (unsigned t = 0; rc == 0; t++) {
		rc = read(ctx, again, len);
		if (rc < 0)
			break;
		if (!memcmp(buf, again, len))
			break;
		if (t + 1 >= tries) {
			rc = -EAGAIN;
			break;
		}
		memcpy(buf, again, len);
	}
	free(again);
	return rc;
}
