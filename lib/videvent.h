/*
 * videvent.h: what thads-vidscan reports, and how detections become
 * events.
 *
 * A detector says, frame by frame and zone by zone, whether its
 * condition holds (struct thads_vdecision).  A hold filter
 * (struct thads_vhold) turns a condition into a state that starts when
 * the condition first held, once it has held for the detector's
 * duration, and ends when it has stopped holding for a release time.
 * The event book (struct thads_vbook) then makes events of the states:
 * one per camera, zone and type, with its peak value and the frame of
 * the peak, and merges two events of one type and zone closer than the
 * gap, as CCTV tools do.
 */
#ifndef THADS_VIDEVENT_H
#define THADS_VIDEVENT_H

#include "vision.h"

struct thads_err;

enum thads_vetype {
	THADS_VE_MOTION,	/* activity */
	THADS_VE_QUIET,		/* activity in quiet hours */
	THADS_VE_INTRUSION,	/* a person in a restricted zone */
	THADS_VE_GATHERING,	/* more people than allowed, long enough */
	THADS_VE_LOITERING,	/* one person in a zone too long */
	THADS_VE_FIGHT,		/* violent motion among people */
	THADS_VE_FIRE,
	THADS_VE_SMOKE,
	THADS_VE_HEADCOUNT,	/* roll call: count and expected */
	THADS_VE_TAMPER,	/* covered, blurred, moved */
	THADS_VE_LOST,		/* stream lost, until back */
	THADS_VE_COUNT
};

/* "motion", "quiet", ..., as in the output and the database. */
const char *thads_vetype_name(int type);

/* The type named s, or -1. */
int	thads_vetype_parse(const char *s);

/* What the peak value of a type measures: "people", "area", ... */
const char *thads_vetype_unit(int type);

struct thads_vdecision {
	int	 cond;		/* the condition holds on this frame */
	double	 value;		/* its strength, in the type's unit */
	float	 confidence;	/* 0..1 */
	struct thads_vbox box;
	int	 expected;	/* headcount: the roll call's figure */
	char	 detail[96];
};

struct thads_vhold {
	double	 since;		/* condition first held, -1 when not */
	double	 last;		/* condition last held */
	int	 on;
};

/*
 * Feed the condition at time t (seconds).  The state turns on once the
 * condition has held for duration, and off once it has not held for
 * release.  Short gaps shorter than release do not restart the count.
 * Returns 1 while the state is on.  *start gets the time the condition
 * first held.
 */
int	thads_vhold_step(struct thads_vhold *h, int cond, double t,
	    double duration, double release, double *start);

void	thads_vhold_reset(struct thads_vhold *h);

struct thads_vevent {
	char	 camera[64];
	char	 zone[64];
	int	 type;
	char	 source[512];	/* file or stream */
	double	 v_start, v_end;	/* presentation time, seconds */
	double	 w_start, w_end;	/* wall time, seconds since the epoch */
	double	 peak;
	int	 expected;	/* headcount; -1 otherwise */
	float	 confidence;
	struct thads_vbox box;	/* at the peak */
	char	 detail[96];
	struct thads_vframe *snap;	/* the peak frame, or NULL */
	int	 quality;	/* JPEG quality for the snapshot */
	int	 closed;	/* no longer open (may still merge) */
	long long rowid;	/* in the database, 0 before */
};

/*
 * Called when an event opens (closed == 0) and when it is final
 * (closed == 1, no more merging).  The book keeps ownership of ev.
 */
typedef int thads_vevent_fn(struct thads_vevent *ev, int closed,
	    void *ctx, struct thads_err *err);

struct thads_vbook;

/*
 * A book for one camera and source: gap is the merge gap in seconds,
 * quality the JPEG quality of the snapshots.  Returns NULL when out of
 * memory.
 */
struct thads_vbook *thads_vbook_new(const char *camera,
	    const char *source, double gap, int quality, thads_vevent_fn *fn,
	    void *ctx);

/*
 * The state of (zone, type) on the frame f at video time pts and wall
 * time wall: on with decision d, or off.  start is the video time the
 * condition first held.  Returns 0 or the callback's error.
 */
int	thads_vbook_update(struct thads_vbook *b, const char *zone, int type,
	    int on, double start, const struct thads_vdecision *d,
	    const struct thads_vframe *f, double pts, double wall,
	    struct thads_err *err);

/* Record an instant event (headcount): opened and closed at once. */
int	thads_vbook_instant(struct thads_vbook *b, const char *zone,
	    int type, const struct thads_vdecision *d,
	    const struct thads_vframe *f, double pts, double wall,
	    struct thads_err *err);

/*
 * Close every event whose gap has passed at video time pts; with
 * pts < 0, close all (end of the source).  Returns 0 or the callback's
 * error.
 */
int	thads_vbook_flush(struct thads_vbook *b, double pts,
	    struct thads_err *err);

/* The events now open, for drawing: fills up to max, returns count. */
int	thads_vbook_open(const struct thads_vbook *b,
	    const struct thads_vevent **out, int max);

/* Free b and any event it still holds (without calling back). */
void	thads_vbook_free(struct thads_vbook *b);

#endif /* THADS_VIDEVENT_H */
