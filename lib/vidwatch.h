/*
 * vidwatch.h: thads-vidscan's watch mode: several live streams at once,
 * for a systemd unit.
 *
 * Each camera has a reader thread and an analysis thread joined by a
 * bounded queue.  The reader opens the stream with a timeout that also
 * bounds every read, so a camera that stalls with its socket open is
 * noticed as surely as one that drops; it then reconnects with a
 * back-off that doubles from one second up to backoff_max, also when
 * the port refuses.  The loss is an event ("lost") that ends when the
 * camera is back.  Under overload the reader keeps only every k-th
 * frame, k following the rate the analysis achieves, and the queue
 * drops its oldest frame rather than grow: memory stays bounded
 * whatever the cameras send.  Event times come from the wall clock and
 * the stream's presentation time, both stored; a drift between them
 * beyond 2 s is logged.
 */
#ifndef THADS_VIDWATCH_H
#define THADS_VIDWATCH_H

#include <signal.h>

#include "vidscan.h"

struct thads_vwatch_opts {
	int	 timeout_ms;	/* open and read timeout */
	double	 backoff_max;	/* seconds */
	double	 run_for;	/* seconds; 0: until stopped */
	int	 queue;		/* frames queued per camera */
	double	 rate_every;	/* seconds between rate reports */
	const struct thads_vscan_opts *scan;	/* cameras, overrides */
	volatile sig_atomic_t *stop;	/* set by a signal handler */
	void	(*log)(int level, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
};

/* Fill o with the defaults: 5000 ms, 30 s, forever, 4 frames, 60 s. */
void	thads_vwatch_defaults(struct thads_vwatch_opts *o);

/*
 * Watch the cameras named by the operands ("ID=URL", or a bare URL,
 * whose camera is "cam1", "cam2", ... in order), or, with no operand,
 * every camera of o->scan->cams that has a url.  Returns when run_for
 * has passed or *stop is set, after closing every event: 0, or an
 * error that stopped everything (THADS_EUSAGE: nothing to watch;
 * THADS_ECONFIG; the database; stdout).
 */
int	thads_vwatch_run(const struct thads_vwatch_opts *o, int argc,
	    char **argv, struct thads_vsink *sink, struct thads_err *err);

#endif /* THADS_VIDWATCH_H */
