/*
 * paths.c: finding shipped data files; temporary files beside a target.
 */
#define _GNU_SOURCE		/* mkostemps() */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"
#include "thads.h"

#ifndef THADS_DATADIR
#define THADS_DATADIR "/usr/local/share/thads"
#endif

static int
try(const char *dir, const char *rel, char *buf, size_t size)
{
	int n;

	if (dir == NULL || *dir == '\0')
		return -1;
	n = snprintf(buf, size, "%s/%s", dir, rel);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return access(buf, R_OK) == 0 ? 0 : -1;
}

/* The directory two levels above the running binary. */
static int
tree(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	char *p;
	int i;

	if (n <= 0)
		return -1;
	dir[n] = '\0';
	for (i = 0; i < 3; i++) {
		if ((p = strrchr(dir, '/')) == NULL)
			return -1;
		*p = '\0';
	}
	return 0;
}

int
thads_datafile(const char *rel, char *buf, size_t size)
{
	char dir[4096];

	if (try(getenv("THADS_DATADIR"), rel, buf, size) == 0 ||
	    try(THADS_DATADIR, rel, buf, size) == 0)
		return 0;
	if (tree(dir, sizeof(dir)) == 0 && try(dir, rel, buf, size) == 0)
		return 0;
	return -1;
}

int
thads_temp_beside(const char *path, const char *suffix, char *buf,
    size_t size, int *fd, struct thads_err *err)
{
	int n, tfd;

	n = snprintf(buf, size, "%s.tmp-XXXXXX%s", path, suffix);
	if (n < 0 || (size_t)n >= size)
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "path too long");
	/* mkostemps() adds O_RDWR, O_CREAT and O_EXCL, and uses mode 0600. */
	if ((tfd = mkostemps(buf, (int)strlen(suffix), O_CLOEXEC |
	    O_NOFOLLOW)) < 0)
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot create a temporary file beside it: %s",
		    strerror(errno));
	if (fd != NULL)
		*fd = tfd;
	else
		close(tfd);
	return 0;
}
