/*
 * fuzz.h: what the libFuzzer harnesses of tests/fuzz share.
 *
 * The parsers under test read files by name (they sniff compression,
 * stat the file, report its name), so each input is written to a file
 * in a private scratch directory and handed over by path, the way the
 * tools receive it.  The directory is made once per process and
 * removed at exit; the file is rewritten for every input.
 *
 * Include it first: banned.h, which the library headers pull in, must
 * come after the system headers.
 *
 * FUZZ_SRCDIR (set by the Makefile) is the source tree, for the
 * schemas that some parsers validate against.
 */
#ifndef THADS_FUZZ_H
#define THADS_FUZZ_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_SRCDIR
#define FUZZ_SRCDIR "."
#endif

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[64];
static char fuzz_paths[4][128];
static int fuzz_npaths;

static __attribute__((unused)) void
fuzz_cleanup(void)
{
	int i;

	for (i = 0; i < fuzz_npaths; i++)
		unlink(fuzz_paths[i]);
	if (fuzz_dir[0] != '\0')
		rmdir(fuzz_dir);
}

/*
 * Write the size bytes at data to the scratch file called name (at
 * most four distinct names per harness) and return its path.  Any
 * failure here is the machine's, not the parser's: abort loudly.
 */
static __attribute__((unused)) const char *
fuzz_file(const char *name, const void *data, size_t size)
{
	const char *base = getenv("TMPDIR");
	char path[128];
	int fd, i;

	if (fuzz_dir[0] == '\0') {
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/thads-fuzz.XXXXXX",
		    base != NULL && strlen(base) < 40 ? base : "/tmp");
		if (mkdtemp(fuzz_dir) == NULL) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(fuzz_cleanup);
	}
	snprintf(path, sizeof(path), "%s/%s", fuzz_dir, name);
	for (i = 0; i < fuzz_npaths; i++)
		if (strcmp(fuzz_paths[i], path) == 0)
			break;
	if (i == fuzz_npaths) {
		if (fuzz_npaths == 4)
			abort();
		memcpy(fuzz_paths[fuzz_npaths++], path, sizeof(path));
	}
	fd = open(fuzz_paths[i], O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size)) {
		perror("fuzz: writing the input");
		abort();
	}
	close(fd);
	return fuzz_paths[i];
}

/* The path of a file of the source tree, in a static buffer. */
static __attribute__((unused)) const char *
fuzz_src(const char *rel)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", FUZZ_SRCDIR, rel);
	return buf;
}

#endif /* THADS_FUZZ_H */
