/*
 * gpsfix.h: GPS fixes and the readers of GPS tracks: CSV (by column
 * names, or through a mapping file as thads-import reads foreign
 * exports), JSON Lines, GPX 1.0 and 1.1, and NMEA 0183 (RMC, GGA, with
 * ZDA for the date).
 *
 * Every reader streams: a fix is handed over as soon as it is read, in
 * memory bounded by one record (NMEA: plus the fixes waiting for a date,
 * at most THADS_NMEA_BACKFILL), so a receiver's log can be piped in
 * while it grows.  Input may be a file or standard input ("-"), plain or
 * zstd-compressed (zio.h).
 *
 * A record that cannot be used (a bad number, a time that does not
 * parse or cannot be true: before 2000 or ahead of the clock, a
 * position out of range or at exactly 0,0 which receivers
 * write when they have no fix, an NMEA sentence with a bad checksum) is
 * skipped: counted, and passed to the skip callback with its file, line
 * and reason.  Only a stream that cannot be read at all (no such file,
 * a broken zstd stream, malformed XML, a CSV without the columns
 * needed) ends the read with an error.
 */
#ifndef THADS_GPSFIX_H
#define THADS_GPSFIX_H

#include <stddef.h>
#include <stdint.h>

#include "thads.h"

struct thads_map;
struct thads_trk;

/* How many NMEA fixes may wait for a date (RMC or ZDA) at most. */
#define THADS_NMEA_BACKFILL	100000

struct thads_fix {
	char	 id[80];	/* device or person, "" when not given */
	int64_t	 t;		/* ms since 1970-01-01T00:00:00Z */
	double	 lat, lon;	/* WGS84 degrees */
	double	 acc;		/* horizontal accuracy in metres, or NAN */
	int	 battery;	/* percent, -1 when not given */
	int	 tamper;	/* 1 tampered, 0 not, -1 when not given */
	long	 line;		/* line of the input it comes from */
};

enum thads_trkfmt {
	THADS_TRK_AUTO,		/* by name, else by the first bytes */
	THADS_TRK_CSV,
	THADS_TRK_JSONL,
	THADS_TRK_GPX,
	THADS_TRK_NMEA
};

struct thads_trk_opts {
	enum thads_trkfmt fmt;
	struct thads_map *map;	/* CSV columns through a mapping file */
	const char *id;		/* id of fixes whose input gives none */
	const char *nmea_date;	/* YYYY-MM-DD of NMEA's first fix when
				   the input has no RMC or ZDA */
	double	 hdop_m;	/* metres of accuracy per unit of HDOP
				   (0: THADS_HDOP_M) */
	int64_t	 now;		/* the run's clock, ms (0: the system's) */
	int64_t	 ahead;		/* ms a fix may lie ahead of now (0:
				   THADS_TRK_AHEAD_MS; -1: no bound) */
	/* Called for every record skipped; may be NULL. */
	void	(*skip)(const struct thads_err *err, void *ctx);
	/*
	 * For a pipe: called when the reader would wait for input, and
	 * again each time the milliseconds it returns pass with nothing
	 * to read (-1: wait as long as it takes).  May be NULL.
	 */
	long	(*idle)(void *ctx);
	void	*ctx;
	void	*idle_ctx;
};

#define THADS_HDOP_M	5.0

/*
 * Fix times that cannot be true are skipped: before THADS_TRK_FLOOR_MS
 * (2000-01-01T00:00:00Z; no monitoring device logs earlier, and a
 * receiver without a fix writes 1970 or 1980), or more than ahead ms
 * after now.  The default tolerance allows for a device clock running a
 * little fast.
 */
#define THADS_TRK_FLOOR_MS	946684800000LL
#define THADS_TRK_AHEAD_MS	(10 * 60 * 1000LL)

/*
 * Open path ("-" for standard input) as a track.  The format is o->fmt,
 * or found by the name (.csv, .jsonl, .ndjson, .json, .gpx, .nmea,
 * each maybe followed by .zst) or else by the first bytes ('<' GPX, '$'
 * or '!' NMEA, '{' JSON Lines, anything else CSV).
 *
 * CSV has a header row.  Without a mapping, the columns are found by
 * name (ASCII case ignored): id, device, device_id, person, person_id;
 * time, timestamp, t; lat, latitude; lon, lng, longitude; accuracy,
 * acc, hacc; battery, bat; tamper.  time, lat and lon are required, and
 * an id column unless o->id is given.  With a mapping file, the targets
 * are extra.id, extra.time, extra.lat, extra.lon, extra.accuracy,
 * extra.battery, extra.tamper (thads-mapping(5)).  JSON Lines: one
 * object per line with the same names as keys.
 *
 * Returns 0 and *out, or THADS_ENOINPUT, THADS_EIO, THADS_EDATA (a
 * header without the columns needed, a broken stream), THADS_ECONFIG
 * (the mapping does not fit the file), THADS_EUSAGE (GPX or NMEA and no
 * o->id), THADS_ENOMEM.  o is copied.
 */
int	thads_trk_open(const char *path, const struct thads_trk_opts *o,
	    struct thads_trk **out, struct thads_err *err);

/*
 * Read the next fix into *f.  Returns 1, 0 at the end of the input, or
 * a negative code when the input cannot be read on: THADS_EIO,
 * THADS_EDATA (err->file and err->line say where), THADS_ENOMEM.
 * Records skipped on the way are counted and passed to o->skip.
 */
int	thads_trk_next(struct thads_trk *t, struct thads_fix *f,
	    struct thads_err *err);

/* Records skipped so far, and the format being read ("csv", ...). */
long	thads_trk_skipped(const struct thads_trk *t);
const char *thads_trk_format(const struct thads_trk *t);
const char *thads_trk_name(const struct thads_trk *t);

/* 1 when the input is not a regular file (a pipe, a terminal). */
int	thads_trk_stream(const struct thads_trk *t);

void	thads_trk_close(struct thads_trk *t);

/*
 * Parse one NMEA 0183 sentence (without the line end): 1 when its
 * checksum is right, 0 when it is wrong or missing, with the sentence's
 * body (between '$' and '*') in *body and *bodylen.
 */
int	thads_nmea_checksum(const char *s, const char **body,
	    size_t *bodylen);

#endif /* THADS_GPSFIX_H */
