/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replay driver: feed files to a fuzz target's LLVMFuzzerTestOneInput() without libFuzzer,
 * so ordinary (gcc, ASan/UBSan) builds run the committed seeds and regression inputs.
 *
 * Usage: fuzz-X-replay PATH...   (each PATH a file or a directory of files, not recursive;
 *                                 in a directory, dotfiles and README* are skipped)
 * Exit status: 0 when at least one input ran and none aborted; 1 on an unreadable path
 * or when no input was found (an empty or missing corpus must not pass silently).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz-common.h"

#define REPLAY_MAX_INPUT (16u << 20)

static int run_file(const char *path, unsigned *count)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct stat st;
	FILE *f;
	int r = -1;

	f = fopen(path, "rbe");
	if (!f || fstat(fileno(f), &st) < 0 || st.st_size < 0 || st.st_size > REPLAY_MAX_INPUT) {
		fprintf(stderr, "%s: %s\n", path, f ? "unreadable or too large" : strerror(errno));
		goto out;
	}
	buf = malloc((size_t)st.st_size + 1); /* +1: never malloc(0) */
	if (!buf)
		goto out;
	len = fread(buf, 1, (size_t)st.st_size, f);
	if (len != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		goto out;
	}
	/* An exact-size copy so ASan flags any read past the input. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (!exact)
			goto out;
		memcpy(exact, buf, len);
		(void)LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	(*count)++;
	r = 0;
out:
	free(buf);
	if (f)
		fclose(f);
	return r;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned *count)
{
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int r = 0;
	DIR *d = opendir(dir);

	if (!d) {
		fprintf(stderr, "%s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strncmp(e->d_name, "README", 6))
			continue; /* hidden files and the folder's README are not inputs */
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof(*names));

			if (!nn) {
				r = -1;
				break;
			}
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (!names[n]) {
			r = -1;
			break;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str); /* stable order for reproducible logs */
	for (size_t i = 0; i < n; i++) {
		char path[4096];

		if (r == 0 && (size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]) <
				      sizeof(path))
			r = run_file(path, count);
		free(names[i]);
	}
	free(names);
	return r;
}

int main(int argc, char **argv)
{
	unsigned count = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;
		int r;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		r = S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) : run_file(argv[i], &count);
		if (r < 0)
			return 1;
	}
	printf("%u inputs replayed\n", count);
	return count ? 0 : 1;
}
