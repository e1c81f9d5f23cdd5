/*
 * geoops.h: the operations of thads-geofence, one function each, so
 * that the command only parses options and turns results into exit
 * statuses: importing zones, assigning them, listing zones and events,
 * checking tracks, archiving fixes, drawing a day and exporting it.
 */
#ifndef THADS_GEOOPS_H
#define THADS_GEOOPS_H

#include <signal.h>
#include <stdint.h>

#include "db.h"
#include "geofence.h"
#include "geozone.h"
#include "gpsfix.h"
#include "out.h"

/*
 * Parse a time given on the command line: anything thads_time_parse()
 * takes, a date alone (YYYY-MM-DD: its local midnight), or "now".
 * Returns 0 or THADS_EDATA.
 */
int	thads_geo_time_arg(const char *s, int64_t *ms);

/* Counts of an import or an assignment. */
struct thads_geo_counts {
	long	 inserted, updated, unchanged;
};

/*
 * Read the zones of path (format fmt, or NULL to tell by name and
 * content), check and compile every one, and store them all in one
 * transaction, or none when one is refused.  dflt and name_prop as for
 * thads_zdefs_read().  Returns 0, THADS_ENOINPUT, THADS_EDATA (err says
 * which zone and why, with the file and line), THADS_EDB, THADS_EBUSY,
 * THADS_ENOMEM, THADS_ELIB.
 */
int	thads_geo_import_zones(struct thads_db *db, const char *path,
	    const char *fmt, const struct thads_zdef *dflt,
	    const char *name_prop, struct thads_geo_counts *n,
	    struct thads_err *err);

/*
 * Assign zones in bulk from the CSV file at path, with a header row
 * naming the columns person, zone, and optionally from and to (times as
 * thads_geo_time_arg() takes them; empty from: from now (ms), as
 * thads_geodb_assign() says; empty to: open).  One transaction: every
 * row or none.  Returns 0, THADS_ENOINPUT, THADS_EDATA (err says which
 * row and why), THADS_EDB, THADS_EBUSY.
 */
int	thads_geo_assign_file(struct thads_db *db, const char *path,
	    int64_t now, struct thads_geo_counts *n, struct thads_err *err);

/* The columns of the zone listing and the event rows. */
extern const struct thads_col thads_geo_zone_cols[];
extern const size_t thads_geo_nzone_cols;
extern const struct thads_col thads_geo_event_cols[];
extern const size_t thads_geo_nevent_cols;

/* Write every zone, with the persons bound to it, as rows to out; a
 * curfew's time zone is the one it is judged in, the default included. */
int	thads_geo_list_zones(struct thads_db *db, struct thads_out *out,
	    struct thads_err *err);

/*
 * Write the stored events to out, in the order they started (then by
 * sequence): those of person (dossier number; NULL: everyone) that
 * overlap [from, to) (ms; -1 for no bound).
 */
int	thads_geo_list_events(struct thads_db *db, const char *person,
	    int64_t from, int64_t to, struct thads_out *out,
	    struct thads_err *err);

/* Write one event handed over by a check run as a row to out. */
int	thads_geo_event_row(struct thads_out *out,
	    const struct thads_gf_event *ev, struct thads_err *err);

/* A check: the readers' and the run's options. */
struct thads_geo_check {
	struct thads_trk_opts trk;
	struct thads_gf_opts gf;
	/* An input that could not be read to its end; may be NULL. */
	void	(*bad_input)(const struct thads_err *err, void *ctx);
	void	*ctx;
	volatile sig_atomic_t *stop;	/* set: stop reading, finish */
};

/* The outcome of a check. */
struct thads_geo_checked {
	struct thads_gf_stats st;
	long	 skipped;	/* records skipped by the readers */
	int	 bad_inputs;	/* inputs not read to their end */
	int	 bad_code;	/* the THADS_E* code of the first */
};

/*
 * Check the n tracks in paths ("-" is standard input) in one run.  An
 * input that cannot be opened or read on is reported through
 * c->bad_input and counted; the fixes read from it before stay.
 * Returns 0 or the error that stopped the run (THADS_EDB, THADS_EBUSY,
 * THADS_ENOMEM, THADS_ELIB, THADS_EDATA for a stored zone that does not
 * compile), after which nothing since the last commit is kept.
 */
int	thads_geo_check(struct thads_db *db, char *const *paths, int n,
	    const struct thads_geo_check *c, struct thads_geo_checked *out,
	    struct thads_err *err);

/*
 * Move the fixes older than before (ms) out of the database into a new
 * zstd-compressed CSV at path (mode 0600; an existing file is refused
 * unless force), which check and plot read again.  The file is written
 * and read back and its SHA-256 compared before any row is deleted; the
 * checksum goes to "path.sha256" (sha256sum(1) format) and to the
 * geo_archive table.  *count gets the fixes moved, hex the checksum (65
 * bytes).  Returns 0, THADS_ECANTCREAT, THADS_EIO, THADS_EDB,
 * THADS_EBUSY, THADS_ENOMEM.
 */
int	thads_geo_archive(struct thads_db *db, int64_t before,
	    const char *path, int force, long *count, char *hex,
	    struct thads_err *err);

/*
 * Check an archive against its "path.sha256": 1 matches, 0 there is no
 * checksum file, or THADS_EDATA (mismatch), THADS_ENOINPUT.
 */
int	thads_geo_archive_verify(const char *path, struct thads_err *err);

/*
 * Draw person's track of [from, to) with their zones and the stretches
 * in violation, as SVG at path (mode 0600, force to replace; see
 * thads_geo_wrflags()).  Fixes
 * come from the database and from the archives named in arch (narch
 * of them).  Returns 0, THADS_EDATA (no such person), THADS_ECANTCREAT,
 * THADS_EIO, THADS_EDB, THADS_ENOMEM.
 */
int	thads_geo_plot(struct thads_db *db, const char *person, int64_t from,
	    int64_t to, char *const *arch, int narch, const char *path,
	    int force, const struct thads_gf_rules *r, struct thads_err *err);

/*
 * Write person's zones, the track of [from, to) and its events as a
 * GeoJSON FeatureCollection (RFC 7946) to path ("-": standard output).
 * Returns as thads_geo_plot().
 */
int	thads_geo_export(struct thads_db *db, const char *person, int64_t from,
	    int64_t to, char *const *arch, int narch, const char *path,
	    int force, struct thads_err *err);

/*
 * The writer flags (zio.h) of every file these commands write: replaced
 * in one step through a temporary file, never through a symbolic link,
 * an existing file only when force.
 */
int	thads_geo_wrflags(int force);

#endif /* THADS_GEOOPS_H */
