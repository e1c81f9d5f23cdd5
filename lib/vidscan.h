/*
 * vidscan.h: thads-vidscan's batch mode (recordings and pictures, files
 * and folders) and the sink every mode writes events to: the database
 * and the rows on stdout.
 */
#ifndef THADS_VIDSCAN_H
#define THADS_VIDSCAN_H

#include <stdio.h>

#include "db.h"
#include "out.h"
#include "vidcam.h"
#include "videvent.h"
#include "vidrun.h"

/* Where events go. */
struct thads_vsink {
	struct thads_db *db;	/* NULL: no database */
	struct thads_out *out;	/* NULL: no rows */
	FILE	*fp;		/* out's stream, flushed after each row */
	const char *snapdir;	/* snapshots as files here, else in the db */
	int	 opens;		/* also a row when an event opens */
	long	 nevents;	/* closed events */
	long	 ntype[THADS_VE_COUNT];
};

/* The columns of an event row, and how many. */
extern const struct thads_col thads_vsink_cols[];
extern const size_t thads_vsink_ncols;

/* The callback to put in struct thads_vrun_opts, with the sink as ctx. */
int	thads_vsink_event(struct thads_vevent *ev, int closed, void *ctx,
	    struct thads_err *err);

struct thads_vscan_opts {
	const struct thads_vcams *cams;	/* may hold none */
	const char *camera;	/* --camera, or NULL */
	const char *overset[64];	/* the --set assignments */
	int	 noverset;
	long	 every;		/* analyse every Nth frame */
	double	 start;		/* wall time of the first frame, or < 0 */
	double	 prime;		/* seconds sampled for the background */
	struct thads_vrun_opts run;
	/* Notes for the caller, e.g. which camera a file was given. */
	void	(*note)(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2)));
};

struct thads_vscan_stats {
	long	 files;
	long	 failed;	/* files that could not be read */
	long	 frames;
	long	 corrupt;
	double	 video_s;	/* seconds of video analysed */
	double	 cpu_s;		/* wall seconds spent */
};

/*
 * The camera for the recording path: --camera when given, else the
 * camera whose id is the name of the folder holding path, else the
 * default camera named after that folder.  Returns 0 or THADS_ECONFIG
 * (--camera names no camera in cams).  cam is filled in every case.
 */
int	thads_vscan_camera(const struct thads_vscan_opts *o, const char *path,
	    struct thads_vcam *cam, struct thads_err *err);

/*
 * Scan path: a recording, a picture, or a folder, whose recordings and
 * pictures are scanned in name order (not recursively deeper than 8
 * levels).  A file that cannot be read is reported through err_fn and
 * counted as failed; the scan goes on.  Returns 0, or an error that
 * stops everything (the database, stdout, an annotated video).
 */
int	thads_vscan_path(const char *path, const struct thads_vscan_opts *o,
	    struct thads_vsink *sink, struct thads_vscan_stats *st,
	    void (*err_fn)(const struct thads_err *), struct thads_err *err);

#endif /* THADS_VIDSCAN_H */
