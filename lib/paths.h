/*
 * paths.h: where the tools find their shipped data files (the XML
 * schema, the mapping files, later the rule pack).
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

#endif /* THADS_PATHS_H */
