/*
 * geofence_int.h: what geofence.c (the run) and geostate.c (the state
 * machines) share.  Not for use outside those two files.
 */
#ifndef THADS_GEOFENCE_INT_H
#define THADS_GEOFENCE_INT_H

#include <stdint.h>

#include "geodb.h"
#include "geofence.h"
#include "geozone.h"

#define GF_MAXFAR	16	/* the re-anchoring count is capped here */

/* An event being built. */
struct gfev {
	int	 open;		/* raised and not ended */
	enum thads_ev_type type;
	int64_t	 start, end, confirmed;
	double	 maxd;		/* NAN when it does not apply */
	long	 nfix;		/* fixes during it */
	long	 nclear;	/* of which clearly beyond the boundary */
	int	 transit;
	int	 seq;
	double	 conf;		/* fixed confidence, or < 0: from the counts */
	int	 dirty;		/* changed since stored */
};

/* A run of fixes on the other side of a zone's boundary. */
struct run {
	int	 on;
	int64_t	 t0;		/* its first fix */
	long	 n;		/* fixes clearly on that side */
	long	 nfix;		/* all fixes since t0 */
	double	 maxd;
	int	 seq;
};

enum { CF_NONE, CF_PENDING, CF_OPEN };

/* One zone of one person. */
struct zst {
	struct thads_zone *z;	/* shared by every person bound to it */
	int64_t	 from, to;	/* the assignment, to -1 when open */
	int	 raw;		/* last containment: -1 unknown, 0, 1 */
	/*
	 * The last exact distance: a fix within dist of (clat, clon), less
	 * what it moved, is on the same side, with no test.  See locate()
	 * in geostate.c.
	 */
	int	 cache;		/* 1 when clat, clon, cin, cdist hold */
	double	 clat, clon, cdist;
	int	 cin;
	int	 hits, misses;	/* since the cache was last filled */
	int	 viol;		/* on the violating side, confirmed */
	struct run run;		/* towards the other side */
	struct gfev ev;		/* the breach */
	struct gfev abs;	/* absconding, inclusion zones */
	/* Curfew zones: the home side above, the curfew breach here. */
	int64_t	 out_since;	/* start of the confirmed time out */
	long	 out_n, out_clear;	/* the run that confirmed it */
	double	 out_maxd;
	int	 cf;		/* CF_* */
	int64_t	 cf_start, cf_close;
	long	 cf_nfix, cf_nclear;
	double	 cf_maxd;
	struct gfev cev;
	int64_t	 last;		/* windows up to here are handled */
};

/* A fix as the state machines see it. */
struct pfix {
	int64_t	 t;
	double	 lat, lon, acc;
	int	 battery, tamper;
};

/* An event reported in this run, so that a re-evaluation that finds it
 * again does not report it twice. */
struct gfrep {
	int	 type;
	long long zone;
	int64_t	 start, end;
	long	 nfix;
};

struct gfperson {
	long long id;
	char	 ext[80];
	struct zst *z;
	size_t	 nz;
	int64_t	 processed;	/* time of the last fix processed, or -1 */
	int64_t	 prev;		/* time of the last fix (any), or -1 */
	int	 have_anchor;
	struct pfix anchor;	/* the last fix accepted */
	struct pfix far[GF_MAXFAR];	/* far fixes waiting to re-anchor */
	int	 nfar;
	struct pfix *buf;	/* the reorder window, in time order */
	size_t	 nbuf, bufcap;
	int64_t	 wm;		/* newest fix time seen */
	struct gfev sig, bat, tam;
	int64_t	 dirty_from;	/* earliest late fix, or -1 */
	int	 changed;	/* state changed since saved */
	struct gfrep *rep;
	size_t	 nrep, repcap;
};

struct thads_gf {
	struct thads_db *db;
	struct thads_geodb *gdb;
	struct thads_geo *geo;
	struct thads_gf_opts o;
	struct thads_gf_stats st;
	int64_t	 minfar_ms;	/* ms per metre at max speed, see geostate */
	/* Maps: id text -> who; person id -> state; zone id -> zone. */
	struct idmap *ids;
	struct i64map *persons;
	struct i64map *zones;
	/* Fixes waiting to be stored. */
	struct thads_geodb_fix *batch;
	size_t	 nbatch;
	long long source;	/* the input being read */
	double	 lastcommit;	/* wall clock, seconds */
	long	 sincecheck;	/* fixes since the clock was read */
	int	 stream;	/* the input is a pipe: commit by the clock */
	int	 replaying;	/* re-evaluating: store nothing new */
	int	 pending;	/* work not committed yet */
	int	 failed;	/* an error of thads_gf_idle(), sticky */
	struct thads_err ferr;
};

/* geostate.c */
int	gf_process(struct thads_gf *g, struct gfperson *p,
	    const struct pfix *f, struct thads_err *err);
int	gf_finish(struct thads_gf *g, struct gfperson *p, int64_t until,
	    struct thads_err *err);
int	gf_store_open(struct thads_gf *g, struct gfperson *p,
	    struct thads_err *err);
int	gf_report_open(struct thads_gf *g, struct gfperson *p);
void	gf_reset(struct gfperson *p);
char	*gf_state_save(const struct gfperson *p);
void	gf_state_load(struct gfperson *p, const char *json);

/* geofence.c: store e (and report it when final: it has ended). */
int	gf_event(struct thads_gf *g, struct gfperson *p, struct zst *zs,
	    struct gfev *e, int final, struct thads_err *err);
/* Report e to the caller, once per run. */
void	gf_report(struct thads_gf *g, struct gfperson *p, struct zst *zs,
	    const struct gfev *e);

#endif /* THADS_GEOFENCE_INT_H */
