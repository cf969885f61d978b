/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Helper of test-cli.sh: reads `pcigate inspect --json` output on stdin, parses it with
 * json-c in strict mode and checks the document shape.
 *
 *   test-cli-jsoncheck [--devices N] [--finding CODE]...
 *
 * Exits 0 when the text is one strict JSON object with schema_version 2, a string
 * pcigate_version and a devices array (of N entries when given) whose every entry has a
 * findings array and a worst_severity, and some device has each finding CODE; 1 (with a
 * message) otherwise.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#define MAX_INPUT (64u << 20)

static int complain(const char *msg, const char *arg)
{
	fprintf(stderr, "test-cli-jsoncheck: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
	return 1;
}

static char *read_stdin(size_t *ret_len)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);

	while (buf) {
		size_t n = fread(buf + len, 1, cap - len, stdin);

		len += n;
		if (n == 0)
			break;
		if (len == cap) {
			char *p = cap < MAX_INPUT ? realloc(buf, cap * 2) : NULL;

			if (!p) {
				free(buf);
				return NULL;
			}
			buf = p;
			cap *= 2;
		}
	}
	*ret_len = len;
	return buf;
}

static struct json_object *parse_strict(const char *text, size_t len)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc;
	size_t end;

	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	doc = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(doc);
		doc = NULL;
	}
	json_tokener_free(tok);
	/* Only whitespace may follow the document. */
	for (; doc && end < len; end++) {
		if (!strchr(" \t\r\n", text[end])) {
			json_object_put(doc);
			doc = NULL;
		}
	}
	return doc;
}

static bool has_finding(struct json_object *devs, const char *code)
{
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *f = NULL;

		json_object_object_get_ex(json_object_array_get_idx(devs, i), "findings", &f);
		for (size_t j = 0; j < json_object_array_length(f); j++) {
			struct json_object *c = NULL;

			json_object_object_get_ex(json_object_array_get_idx(f, j), "code", &c);
			if (c && !strcmp(json_object_get_string(c), code))
				return true;
		}
	}
	return false;
}

static int check(struct json_object *doc, long want_devices, char **findings, int nfind)
{
	struct json_object *v = NULL, *devs = NULL;

	if (!json_object_is_type(doc, json_type_object))
		return complain("not a JSON object", NULL);
	if (!json_object_object_get_ex(doc, "schema_version", &v) || json_object_get_int(v) != 2)
		return complain("schema_version is not 2", NULL);
	if (!json_object_object_get_ex(doc, "pcigate_version", &v) ||
	    !json_object_is_type(v, json_type_string))
		return complain("pcigate_version is not a string", NULL);
	if (!json_object_object_get_ex(doc, "devices", &devs) ||
	    !json_object_is_type(devs, json_type_array))
		return complain("devices is not an array", NULL);
	if (want_devices >= 0 && json_object_array_length(devs) != (size_t)want_devices) {
		fprintf(stderr, "test-cli-jsoncheck: %zu devices, expected %ld\n",
			json_object_array_length(devs), want_devices);
		return 1;
	}
	for (size_t i = 0; i < json_object_array_length(devs); i++) {
		struct json_object *d = json_object_array_get_idx(devs, i);

		if (!json_object_object_get_ex(d, "findings", &v) ||
		    !json_object_is_type(v, json_type_array) ||
		    !json_object_object_get_ex(d, "worst_severity", &v))
			return complain("a device lacks findings/worst_severity", NULL);
	}
	for (int i = 0; i < nfind; i++)
		if (!has_finding(devs, findings[i]))
			return complain("no device has finding", findings[i]);
	return 0;
}

int main(int argc, char **argv)
{
	long want_devices = -1;
	char **findings = calloc((size_t)argc, sizeof(*findings));
	int nfind = 0, r;
	struct json_object *doc;
	size_t len = 0;
	char *text;

	if (!findings)
		return complain("out of memory", NULL);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--devices") && i + 1 < argc)
			want_devices = strtol(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--finding") && i + 1 < argc)
			findings[nfind++] = argv[++i];
		else
			return complain("bad argument", argv[i]);
	}
	text = read_stdin(&len);
	if (!text)
		return complain("cannot read stdin", NULL);
	doc = parse_strict(text, len);
	free(text);
	if (!doc)
		return complain("stdin is not one strict JSON document", NULL);
	r = check(doc, want_devices, findings, nfind);
	json_object_put(doc);
	free(findings);
	return r;
}
