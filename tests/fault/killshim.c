/*
 * killshim: an LD_PRELOAD library that kills its process with SIGKILL
 * right after a chosen rename(2), to stop a tool at an exact moment that
 * a random kill would seldom hit.
 *
 *	KILLSHIM_SUFFIX	the rename whose new name ends with this
 *	KILLSHIM_NTH	the how-manieth such rename (default 1)
 *
 * Built and used by the command-line tests only.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int	rename(const char *from, const char *to);

int
rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);
	static long seen;
	const char *suf = getenv("KILLSHIM_SUFFIX");
	const char *nth = getenv("KILLSHIM_NTH");
	size_t n, m;
	int rc;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "rename");
	rc = real(from, to);
	if (rc == 0 && suf != NULL && to != NULL) {
		n = strlen(to);
		m = strlen(suf);
		if (n >= m && strcmp(to + n - m, suf) == 0 &&
		    ++seen == (nth ? atol(nth) : 1))
			raise(SIGKILL);
	}
	return rc;
}
