/*
 * vidrun.h: one camera's analysis of one source, frame by frame: the
 * shim measures, the detectors decide, hold filters apply durations,
 * the event book makes and merges events, and the annotated video is
 * written.  File mode (vidscan.h) and watch mode (vidwatch.h) both
 * drive it.
 */
#ifndef THADS_VIDRUN_H
#define THADS_VIDRUN_H

#include "vidcam.h"
#include "videvent.h"
#include "vision.h"

struct thads_err;
struct thads_vrun;

struct thads_vrun_opts {
	unsigned detectors;	/* THADS_VW_* allowed; 0 means all */
	const char *annotate;	/* video to write, or NULL */
	int	 force;		/* annotate may replace a file */
	thads_vevent_fn *fn;	/* events, as they open and close */
	void	*ctx;
	/* Called with each frame's measures when not NULL (debugging). */
	void	(*trace)(const char *camera, double pts,
	    const struct thads_vmeas *m);
};

struct thads_vrun_stats {
	long	 frames;	/* analysed */
	long	 corrupt;	/* skipped as broken */
	long	 light;		/* lighting changes */
	long	 people_looks;	/* frames searched for people */
	int	 grey_warned;	/* "fire needs colour" said once */
	int	 grey;		/* frames without colour */
};

/*
 * Start analysing source (its name, for events) of camera cam (copied)
 * whose frames are as info says.  Returns 0 or an error from the shim.
 */
int	thads_vrun_open(const struct thads_vcam *cam, const char *source,
	    const struct thads_vsrc_info *info,
	    const struct thads_vrun_opts *o, struct thads_vrun **out,
	    struct thads_err *err);

/* Background priming, as thads_vis_prime() and thads_vis_prime_end(). */
int	thads_vrun_prime(struct thads_vrun *r, const struct thads_vframe *f,
	    struct thads_err *err);
int	thads_vrun_prime_end(struct thads_vrun *r, struct thads_err *err);

/*
 * Analyse frame f, taken at wall time wall (seconds since the epoch):
 * the frame's presentation time plus the start for a file, the clock
 * for a stream.  Returns 0, or an error of the shim, the callback or
 * the annotated video.
 */
int	thads_vrun_frame(struct thads_vrun *r, const struct thads_vframe *f,
	    double wall, struct thads_err *err);

/*
 * Record an event that the driver itself sees (the stream lost: type
 * THADS_VE_LOST), on or off, at video time pts and wall time wall.
 */
int	thads_vrun_state(struct thads_vrun *r, int type, int on,
	    const char *detail, double pts, double wall,
	    struct thads_err *err);

/* Counts so far. */
const struct thads_vrun_stats *thads_vrun_stats(const struct thads_vrun *r);

/*
 * Close every event (end of the source), finish the annotated video and
 * free r.  Returns 0 or the first error.  r may be NULL.
 */
int	thads_vrun_close(struct thads_vrun *r, struct thads_err *err);

#endif /* THADS_VIDRUN_H */
