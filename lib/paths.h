/*
 * paths.h: where the tools find their shipped data files (the XML
 * schema, the mapping files, later the rule pack), and private
 * temporary files beside the files they replace.
 */
#ifndef THADS_PATHS_H
#define THADS_PATHS_H

#include <stddef.h>

/*
 * Find the shipped file rel ("schema/thads-interchange.xsd") and write
 * its path into buf.  Looked for, in order: under $THADS_DATADIR; under
 * the data directory chosen at build time (THADS_DATADIR, from the
 * Makefile's DATADIR); in the source tree the running program was built
 * in (two levels above the binary: build/bin/..).  Returns 0, or -1 when
 * none exists.
 */
int	thads_datafile(const char *rel, char *buf, size_t size);

struct thads_err;

/*
 * Create a new, empty file of mode 0600 in the directory of path, named
 * path + ".tmp-XXXXXX" + suffix (X random), opened with O_CREAT, O_EXCL
 * and O_NOFOLLOW so that nothing already there, a symbolic link
 * included, is ever opened.  Renamed over path once complete, it
 * replaces path in one step.  Its name goes into buf.  With fd NULL the
 * file is closed; else *fd gets it, open for reading and writing.
 * Returns 0, or THADS_ECANTCREAT (name too long, or open(2) failed:
 * strerror text).
 */
int	thads_temp_beside(const char *path, const char *suffix, char *buf,
	    size_t size, int *fd, struct thads_err *err);

#endif /* THADS_PATHS_H */
