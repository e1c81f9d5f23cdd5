/*
 * thads-geofence: electronic monitoring: zones, GPS tracks, events.
 */
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "geodb.h"
#include "geoops.h"
#include "geotime.h"
#include "map.h"
#include "zio.h"

enum {
	O_MAP = 'm', O_OUTPUT = 'o',
	O_KIND = THADS_OPT_LONG, O_BUFFER, O_RADIUS, O_SCHEDULE, O_ZONETZ,
	O_NAME, O_NAMEPROP, O_ZONEFMT, O_FROM, O_TO, O_TZ, O_INFMT, O_ID,
	O_NMEADATE, O_UNTIL, O_EXITCODE, O_MARGIN, O_MINFIX, O_MINDUR,
	O_MAXSPEED, O_REANCHOR, O_REORDER, O_GAP, O_BATTERY, O_ABSCONDT,
	O_ABSCONDD, O_GRACE, O_DEFACC, O_HDOP, O_BEFORE, O_FORCE, O_DAY,
	O_ARCHIVE, O_NOW, O_AHEAD
};

static const struct thads_opt opts[] = {
	{ "kind", O_KIND, "KIND", "zones: inclusion, exclusion or curfew" },
	{ "buffer", O_BUFFER, "M", "zones: metres around an exclusion zone" },
	{ "radius", O_RADIUS, "M", "zones: radius of a point zone" },
	{ "schedule", O_SCHEDULE, "S", "zones: curfew windows, '22:00-06:00'" },
	{ "zone-tz", O_ZONETZ, "TZ", "zones: the curfew's time zone" },
	{ "name", O_NAME, "NAME", "zones: the name of a file's zone" },
	{ "name-property", O_NAMEPROP, "P", "zones: property holding names" },
	{ "zone-format", O_ZONEFMT, "F", "zones: geojson, kml or wkt" },
	{ "from", O_FROM, "TIME", "start of a period or an assignment" },
	{ "to", O_TO, "TIME", "end of a period or an assignment" },
	{ "tz", O_TZ, "TZ", "time zone of time stamps without an offset" },
	{ "map", O_MAP, "FILE", "check: read CSV columns through a mapping" },
	{ "input-format", O_INFMT, "F", "check: csv, jsonl, gpx or nmea" },
	{ "id", O_ID, "ID", "check: device or person of an input without" },
	{ "nmea-date", O_NMEADATE, "DATE", "check: date of NMEA's first fix" },
	{ "until", O_UNTIL, "TIME", "check: end of observation ('now')" },
	{ "now", O_NOW, "TIME", "the run's clock (default: the system's)" },
	{ "ahead", O_AHEAD, "S", "check: a fix later than now + S is "
	    "skipped (600)" },
	{ "exit-code", O_EXITCODE, NULL, "check: exit 1 when events were "
	    "raised" },
	{ "margin", O_MARGIN, "M", "rule: metres beyond accuracy (20)" },
	{ "min-fixes", O_MINFIX, "N", "rule: fixes to change side (3)" },
	{ "min-duration", O_MINDUR, "S", "rule: seconds to change side (60)" },
	{ "max-speed", O_MAXSPEED, "KMH", "rule: faster is an outlier (200)" },
	{ "reanchor", O_REANCHOR, "N", "rule: far fixes to re-anchor (3)" },
	{ "reorder", O_REORDER, "S", "rule: reorder window, seconds (300)" },
	{ "gap", O_GAP, "S", "rule: seconds without fix: signal lost (900)" },
	{ "battery-low", O_BATTERY, "PCT", "rule: low battery below (15)" },
	{ "abscond-after", O_ABSCONDT, "S", "rule: seconds out: absconding "
	    "(7200)" },
	{ "abscond-distance", O_ABSCONDD, "M", "rule: metres out: absconding "
	    "(5000)" },
	{ "grace", O_GRACE, "S", "rule: curfew grace, seconds (300)" },
	{ "default-accuracy", O_DEFACC, "M", "rule: accuracy when none (15)" },
	{ "hdop-metres", O_HDOP, "M", "rule: metres per unit of HDOP (5)" },
	{ "before", O_BEFORE, "TIME", "archive: move fixes older than this" },
	{ "output", O_OUTPUT, "FILE", "archive, plot, export: the file" },
	{ "force", O_FORCE, NULL, "replace an existing output file" },
	{ "day", O_DAY, "DATE", "plot, export: the local day to show" },
	{ "archive", O_ARCHIVE, "FILE", "plot, export: read this archive too" },
	{ NULL, 0, NULL, NULL }
};

static const char *const xfmts[] = { "geojson", NULL };

static const struct thads_tool tool = {
	"thads-geofence",
	"[-qv] [-d db] [-f fmt] [-o file] command [arg ...]",
	"Electronic monitoring.  Commands:\n"
	"  zones import FILE...       zones from GeoJSON, KML or WKT\n"
	"  zones assign PERSON ZONE   bind a person (--from, --to)\n"
	"  zones assign FILE.csv      bind many: person,zone[,from,to]\n"
	"  zones list                 the zones and who is bound\n"
	"  devices assign DEVICE PERSON  give a device (--from, --to)\n"
	"  check [FILE|-]...          GPS tracks against the zones\n"
	"  events [PERSON]            the events stored (--from, --to)\n"
	"  archive --before DATE -o FILE.zst  move old fixes out\n"
	"  plot PERSON --day DATE -o FILE.svg  a day on a map\n"
	"  export PERSON --day DATE -f geojson  a day for GIS tools",
	THADS_CLI_DB | THADS_CLI_OUTPUT,
	opts,
	xfmts
};

#define MAXARCH	32

struct ctx {
	struct thads_zdef dflt;
	const char *zonefmt, *nameprop, *tz, *map, *output;
	const char *from_s, *to_s, *until_s, *before_s, *day_s, *now_s;
	int64_t	 now;		/* --now, else the time the run started */
	struct thads_geo_check chk;
	int	 exitcode, force;
	char	*arch[MAXARCH];
	int	 narch;
	struct thads_cli *cli;
	struct thads_out *out;
	int	 outerr;
};

static volatile sig_atomic_t stop;

/* SIGINT, SIGTERM: stop reading and finish, even a blocked stdin. */
static void
onsignal(int sig)
{
	int fd;

	(void)sig;
	stop = 1;
	if ((fd = open("/dev/null", O_RDONLY)) >= 0) {
		(void)dup2(fd, STDIN_FILENO);	/* a read now sees its end */
		(void)close(fd);
	}
}

static int
real(const char *arg, const char *name, double lo, double hi, double *v)
{
	char *end;

	*v = strtod(arg, &end);
	if (end == arg || *end != '\0' || !(*v >= lo && *v <= hi))
		return thads_error("bad --%s '%s' (%g to %g)", name, arg, lo,
		    hi);
	return 0;
}

static int
whole(const char *arg, const char *name, long lo, long hi, long *v)
{
	if (thads_parse_long(arg, lo, hi, v) != 0)
		return thads_error("bad --%s '%s' (%ld to %ld)", name, arg, lo,
		    hi);
	return 0;
}

static int
rule(struct ctx *c, int key, char *arg)
{
	struct thads_gf_rules *r = &c->chk.gf.r;
	long v;
	int rc;

	switch (key) {
	case O_MARGIN:
		return real(arg, "margin", 0, 10000, &r->margin);
	case O_MAXSPEED:
		return real(arg, "max-speed", 1, 100000, &r->max_kmh);
	case O_ABSCONDD:
		return real(arg, "abscond-distance", 0, 1e7, &r->abscond_m);
	case O_DEFACC:
		return real(arg, "default-accuracy", 0, 10000,
		    &r->default_acc);
	case O_HDOP:
		return real(arg, "hdop-metres", 0.1, 1000, &c->chk.trk.hdop_m);
	}
	if ((rc = whole(arg, "rule", 0, 100000000, &v)) != 0)
		return rc;
	switch (key) {
	case O_MINFIX:
		r->min_fixes = (int)(v < 1 ? 1 : v > 1000 ? 1000 : v);
		return 0;
	case O_REANCHOR:
		r->reanchor = (int)(v < 1 ? 1 : v > 16 ? 16 : v);
		return 0;
	case O_BATTERY:
		r->battery_low = (int)(v > 100 ? 100 : v);
		return 0;
	case O_MINDUR:
		r->min_secs = v;
		return 0;
	case O_REORDER:
		r->reorder_secs = v;
		return 0;
	case O_GAP:
		r->gap_secs = v;
		return 0;
	case O_ABSCONDT:
		r->abscond_secs = v;
		return 0;
	default:
		r->grace_secs = v;
		return 0;
	}
}

static int
zone_opt(struct ctx *c, int key, char *arg)
{
	switch (key) {
	case O_KIND:
		if (thads_zone_kind_parse(arg, &c->dflt.kind) != 0)
			return thads_error("bad --kind '%s' (inclusion, "
			    "exclusion or curfew)", arg);
		return 0;
	case O_BUFFER:
		return real(arg, "buffer", 0, 100000, &c->dflt.buffer);
	case O_RADIUS:
		return real(arg, "radius", 0, 100000, &c->dflt.radius);
	case O_SCHEDULE:
		c->dflt.schedule = arg;
		return 0;
	case O_ZONETZ:
		c->dflt.tz = arg;
		return 0;
	case O_NAME:
		c->dflt.name = arg;
		return 0;
	case O_NAMEPROP:
		c->nameprop = arg;
		return 0;
	default:
		if (strcmp(arg, "geojson") != 0 && strcmp(arg, "kml") != 0 &&
		    strcmp(arg, "wkt") != 0)
			return thads_error("bad --zone-format '%s' (geojson, "
			    "kml or wkt)", arg);
		c->zonefmt = arg;
		return 0;
	}
}

static int
opt(int key, char *arg, void *p)
{
	static const char *const infmts[] = { "auto", "csv", "jsonl", "gpx",
	    "nmea" };
	struct ctx *c = p;
	size_t i;
	long v;

	if (key >= O_KIND && key <= O_ZONEFMT)
		return zone_opt(c, key, arg);
	if (key >= O_MARGIN && key <= O_HDOP)
		return rule(c, key, arg);
	switch (key) {
	case O_FROM:
		c->from_s = arg;
		return 0;
	case O_TO:
		c->to_s = arg;
		return 0;
	case O_TZ:
		c->tz = arg;
		return 0;
	case O_MAP:
		c->map = arg;
		return 0;
	case O_ID:
		c->chk.trk.id = arg;
		return 0;
	case O_NMEADATE:
		c->chk.trk.nmea_date = arg;
		return 0;
	case O_UNTIL:
		c->until_s = arg;
		return 0;
	case O_EXITCODE:
		c->exitcode = 1;
		return 0;
	case O_BEFORE:
		c->before_s = arg;
		return 0;
	case O_OUTPUT:
		c->output = arg;
		return 0;
	case O_FORCE:
		c->force = 1;
		return 0;
	case O_DAY:
		c->day_s = arg;
		return 0;
	case O_NOW:
		c->now_s = arg;
		return 0;
	case O_AHEAD:
		if (whole(arg, "ahead", 0, 100000000, &v) != 0)
			return -1;
		c->chk.trk.ahead = v ? v * 1000 : 1;	/* 0 is the default */
		return 0;
	case O_ARCHIVE:
		if (c->narch == MAXARCH)
			return thads_error("at most %d --archive", MAXARCH);
		c->arch[c->narch++] = arg;
		return 0;
	case O_INFMT:
		for (i = 1; i < sizeof(infmts) / sizeof(infmts[0]); i++)
			if (strcmp(arg, infmts[i]) == 0) {
				c->chk.trk.fmt = (enum thads_trkfmt)i;
				return 0;
			}
		return thads_error("bad --input-format '%s' (csv, jsonl, gpx "
		    "or nmea)", arg);
	}
	return -1;
}

/* The run's clock in ms: --now, else the system's at the start. */
static int64_t run_now = -1;

/* A time option ("now": the run's clock), or exit 64 after a message. */
static int64_t
time_opt(const char *s, const char *name, int64_t dflt)
{
	int64_t ms;

	if (s == NULL)
		return dflt;
	if (strcmp(s, "now") == 0 && run_now >= 0)
		return run_now;
	if (thads_geo_time_arg(s, &ms) != 0) {
		thads_error("bad --%s '%s' (YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM] "
		    "or now)", name, s);
		thads_cli_usage(&tool);
		exit(EX_USAGE);
	}
	return ms;
}

/* --day DATE: its local midnight to the next one. */
static void
day_range(const char *day, int64_t *from, int64_t *to)
{
	int64_t ms;
	int y, m, d;
	char next[16];

	*from = time_opt(day, "day", -1);
	if (sscanf(day, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
	    thads_geo_time_arg(day, &ms) != 0)
		thads_fatal(EX_USAGE, "bad --day '%s' (YYYY-MM-DD)", day);
	thads_civil_from_days(thads_days_from_civil(y, m, d) + 1, &y, &m, &d);
	snprintf(next, sizeof(next), "%04d-%02d-%02d", y, m, d);
	*to = time_opt(next, "day", -1);
}

/* --- the commands --------------------------------------------------------- */

static int
status_of(int rc, const struct thads_err *err)
{
	if (rc == 0)
		return EX_OK;
	thads_report(THADS_LOG_ERROR, err);
	return thads_exit_status(rc);
}

static int
zones_import(struct thads_db *db, struct ctx *c, char **av, int ac)
{
	struct thads_geo_counts n;
	struct thads_err err;
	int i, rc = 0;

	memset(&n, 0, sizeof(n));
	thads_clearerr(&err);
	for (i = 0; i < ac && rc == 0; i++)
		rc = thads_geo_import_zones(db, av[i], c->zonefmt, &c->dflt,
		    c->nameprop, &n, &err);
	if (rc == 0)
		thads_info("zones: %ld inserted, %ld updated, %ld unchanged",
		    n.inserted, n.updated, n.unchanged);
	return status_of(rc, &err);
}

static int
assign(struct thads_db *db, struct ctx *c, char **av, int ac, int dev)
{
	struct thads_err err;
	int64_t from = time_opt(c->from_s, "from", -1);
	int64_t to = time_opt(c->to_s, "to", -1);
	int rc, action;

	thads_clearerr(&err);
	if (to >= 0 && to <= from)
		thads_fatal(EX_USAGE, "--to must be after --from");
	if (ac == 1 && !dev) {
		struct thads_geo_counts n;

		memset(&n, 0, sizeof(n));
		rc = thads_geo_assign_file(db, av[0], c->now, &n, &err);
		if (rc == 0)
			thads_info("assignments: %ld inserted, %ld updated, "
			    "%ld unchanged", n.inserted, n.updated,
			    n.unchanged);
		return status_of(rc, &err);
	}
	if ((rc = thads_db_begin(db, &err)) == 0) {
		/* A device without --from: its fixes from the start. */
		if (dev)
			rc = thads_geodb_device_put(db, av[0], av[1],
			    from < 0 ? 0 : from, to, &action, &err);
		else
			rc = thads_geodb_assign(db, av[0], av[1], from, to,
			    c->now, &action, &err);
		if (rc == 0)
			rc = thads_db_commit(db, &err);
		else
			thads_db_rollback(db);
	}
	return status_of(rc, &err);
}

static int
zones_assign(struct thads_db *db, struct ctx *c, char **av, int ac)
{
	return assign(db, c, av, ac, 0);
}

static int
devices_assign(struct thads_db *db, struct ctx *c, char **av, int ac)
{
	return assign(db, c, av, ac, 1);
}

/* Open the table of rows on stdout. */
static int
rows_open(struct ctx *c, const struct thads_col *cols, size_t n,
    const char *name, struct thads_err *err)
{
	return thads_out_open(stdout, c->cli->fmt, name, cols, n,
	    c->cli->outflags, &c->out, err);
}

static int
rows_close(struct ctx *c, int status)
{
	struct thads_err err;

	thads_clearerr(&err);
	if (thads_out_close(c->out, &err) != 0) {
		thads_report(THADS_LOG_ERROR, &err);
		return status ? status : EX_IOERR;
	}
	return status;
}

static int
zones_list(struct thads_db *db, struct ctx *c, char **av, int ac)
{
	struct thads_err err;
	int rc;

	(void)av;
	(void)ac;
	thads_clearerr(&err);
	if ((rc = rows_open(c, thads_geo_zone_cols, thads_geo_nzone_cols,
	    "zone", &err)) != 0)
		return status_of(rc, &err);
	rc = thads_geo_list_zones(db, c->out, &err);
	return rows_close(c, status_of(rc, &err));
}

static int
events(struct thads_db *db, struct ctx *c, char **av, int ac)
{
	struct thads_err err;
	int rc;

	thads_clearerr(&err);
	if ((rc = rows_open(c, thads_geo_event_cols, thads_geo_nevent_cols,
	    "event", &err)) != 0)
		return status_of(rc, &err);
	rc = thads_geo_list_events(db, ac ? av[0] : NULL, time_opt(c->from_s,
	    "from", -1), time_opt(c->to_s, "to", -1), c->out, &err);
	return rows_close(c, status_of(rc, &err));
}

static void
on_event(const struct thads_gf_event *ev, void *p)
{
	struct ctx *c = p;
	struct thads_err err;

	if (c->outerr)
		return;
	if (thads_geo_event_row(c->out, ev, &err) != 0) {
		thads_report(THADS_LOG_ERROR, &err);
		c->outerr = 1;
	}
	(void)fflush(stdout);	/* a follower of stdout sees it at once */
}

static void
on_note(const struct thads_err *e, void *p)
{
	(void)p;
	thads_report(THADS_LOG_WARN, e);
}

/* Records skipped, by reason, for the summary. */
#define MAXWHY	16
static struct why {
	char	 text[64];
	long	 n;
} whys[MAXWHY + 1];		/* the last one: every other reason */

/*
 * The reason of a skip without its particulars: the message up to the
 * first quoted value, digit or colon ("bad time '2024-13-01'" is "bad
 * time").  A message that starts with a count ("12 NMEA fixes without a
 * date") counts that many.
 */
static void
count_skip(const char *msg)
{
	char key[64];
	long n = 1;
	size_t k = 0;
	int i;

	if (*msg >= '0' && *msg <= '9') {
		n = strtol(msg, (char **)&msg, 10);
		while (*msg == ' ')
			msg++;
	}
	while (msg[k] != '\0' && strchr("':0123456789(", msg[k]) == NULL &&
	    k < sizeof(key) - 1) {
		key[k] = msg[k];
		k++;
	}
	while (k > 0 && key[k - 1] == ' ')
		k--;
	key[k] = '\0';
	for (i = 0; i < MAXWHY && whys[i].n > 0; i++)
		if (strcmp(whys[i].text, key) == 0)
			break;
	if (i < MAXWHY && whys[i].n == 0)
		snprintf(whys[i].text, sizeof(whys[i].text), "%s", key);
	else if (i == MAXWHY)
		snprintf(whys[i].text, sizeof(whys[i].text), "other");
	whys[i].n += n;
}

/* Skipped records: the first few, then a count; the reasons summed. */
static void
on_skip(const struct thads_err *e, void *p)
{
	static long n;

	(void)p;
	count_skip(e->msg);
	if (++n <= 20)
		thads_report(THADS_LOG_WARN, e);
	else if (n == 21)
		thads_warn("more records skipped: see the summary at the end");
}

/* "records skipped: 388 (bad GGA sentence 12, not an NMEA sentence 376)" */
static void
skip_summary(long total)
{
	char buf[1200];
	size_t len = 0;
	int i;

	if (total == 0)
		return;
	for (i = 0; i <= MAXWHY && len < sizeof(buf); i++)
		if (whys[i].n > 0)
			len += (size_t)snprintf(buf + len, sizeof(buf) - len,
			    "%s%s %ld", len ? ", " : "", whys[i].text,
			    whys[i].n);
	thads_warn("records skipped: %ld (%s)", total, buf);
}

static void
on_bad_input(const struct thads_err *e, void *p)
{
	(void)p;
	thads_report(THADS_LOG_ERROR, e);
}

static void
summary(const struct thads_geo_checked *k, double secs)
{
	const struct thads_gf_stats *s = &k->st;

	thads_info("%ld fixes read, %ld stored, %ld duplicates, %ld of no "
	    "person, %ld late, %ld outliers, %ld re-anchored, %ld skipped; "
	    "%ld persons, %ld events; %.2f s, %.0f fixes/s", s->read,
	    s->stored, s->duplicates, s->unknown, s->late, s->outliers,
	    s->reanchored, k->skipped, s->persons, s->events, secs,
	    secs > 0 ? (double)s->read / secs : 0.0);
}

static int
check(struct thads_db *db, struct ctx *c, char **av, int ac)
{
	static char *stdin_only[] = { "-", NULL };
	struct thads_geo_checked k;
	struct thads_err err;
	struct timespec t0, t1;
	int rc, st;

	thads_clearerr(&err);
	if (c->map != NULL && (rc = thads_map_load(c->map, &c->chk.trk.map,
	    &err)) != 0)
		return status_of(rc, &err);
	c->chk.gf.until = time_opt(c->until_s, "until", -1);
	if ((rc = rows_open(c, thads_geo_event_cols, thads_geo_nevent_cols,
	    "event", &err)) != 0)
		return status_of(rc, &err);
	signal(SIGINT, onsignal);
	signal(SIGTERM, onsignal);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = thads_geo_check(db, ac ? av : stdin_only, ac ? ac : 1, &c->chk,
	    &k, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	thads_map_free(c->chk.trk.map);
	summary(&k, (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	skip_summary(k.skipped);
	st = rows_close(c, status_of(rc, &err));
	if (st == EX_OK && k.bad_inputs > 0)
		st = thads_exit_status(k.bad_code);
	if (st == EX_OK && c->exitcode && k.st.events > 0)
		st = 1;
	return st;
}

static int
archive(struct thads_db *db, struct ctx *c, char **av, int ac)
{
	struct thads_err err;
	char hex[72];
	long n;
	int rc;

	(void)av;
	(void)ac;
	if (c->before_s == NULL || c->output == NULL)
		thads_fatal(EX_USAGE, "archive needs --before DATE and -o FILE");
	thads_clearerr(&err);
	rc = thads_geo_archive(db, time_opt(c->before_s, "before", -1),
	    c->output, c->force, &n, hex, &err);
	if (rc == 0)
		thads_info("%ld fixes moved to %s (sha256 %s)", n, c->output,
		    hex);
	return status_of(rc, &err);
}

static int
plot(struct thads_db *db, struct ctx *c, char **av, int ac)
{
	struct thads_err err;
	int64_t from, to;
	int rc;

	(void)ac;
	if (c->output == NULL)
		thads_fatal(EX_USAGE, "%s needs -o FILE", c->cli->xfmt ?
		    "export" : "plot");
	if (c->day_s != NULL)
		day_range(c->day_s, &from, &to);
	else {
		from = time_opt(c->from_s, "from", -1);
		to = time_opt(c->to_s, "to", -1);
		if (from < 0 || to <= from)
			thads_fatal(EX_USAGE, "give --day DATE, or --from and "
			    "--to");
	}
	thads_clearerr(&err);
	if (c->cli->xfmt != NULL)
		rc = thads_geo_export(db, av[0], from, to, c->arch, c->narch,
		    c->output, c->force, &err);
	else
		rc = thads_geo_plot(db, av[0], from, to, c->arch, c->narch,
		    c->output, c->force, &c->chk.gf.r, &err);
	return status_of(rc, &err);
}

static int
export(struct thads_db *db, struct ctx *c, char **av, int ac)
{
	if (c->cli->xfmt == NULL)
		thads_fatal(EX_USAGE, "export writes GeoJSON: give -f geojson");
	if (c->output == NULL)
		c->output = "-";
	return plot(db, c, av, ac);
}

typedef int cmdfn(struct thads_db *, struct ctx *, char **, int);

static const struct cmd {
	const char *name, *sub;
	int	 min, max;	/* operands after the command words */
	cmdfn	*fn;
} cmds[] = {
	{ "zones", "import", 1, 1000000, zones_import },
	{ "zones", "assign", 1, 2, zones_assign },
	{ "zones", "list", 0, 0, zones_list },
	{ "devices", "assign", 2, 2, devices_assign },
	{ "check", NULL, 0, 1000000, check },
	{ "events", NULL, 0, 1, events },
	{ "archive", NULL, 0, 0, archive },
	{ "plot", NULL, 1, 1, plot },
	{ "export", NULL, 1, 1, export },
};

/*
 * Parse the whole command line: options may come before the command,
 * between its words and after them; "--" ends the options.  The
 * operands are gathered in order into ops.  Returns their count, or -1
 * with *status set.
 */
static int
parse(int argc, char **argv, struct thads_cli *cli, struct ctx *c,
    char **ops, int *status)
{
	int i = 1, n = 0, first;

	while (i < argc) {
		first = thads_cli_parse(&tool, argc - i + 1, argv + i - 1, cli,
		    opt, c, status);
		if (first < 0)
			return -1;
		i += first - 1;
		if (i < argc && strcmp(argv[i - 1], "--") == 0 && i > 1) {
			while (i < argc)
				ops[n++] = argv[i++];
			break;
		}
		if (i < argc)
			ops[n++] = argv[i++];
	}
	if (argc <= 1 && thads_cli_parse(&tool, argc, argv, cli, opt, c,
	    status) < 0)
		return -1;
	return n;
}

static const struct cmd *
find(char **ops, int n, int *used)
{
	size_t i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (n < 1 || strcmp(ops[0], cmds[i].name) != 0)
			continue;
		if (cmds[i].sub == NULL) {
			*used = 1;
			return &cmds[i];
		}
		if (n >= 2 && strcmp(ops[1], cmds[i].sub) == 0) {
			*used = 2;
			return &cmds[i];
		}
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	struct thads_cli cli;
	struct thads_db *db;
	struct thads_err err;
	const struct cmd *cmd;
	struct ctx c;
	char **ops;
	int n, used = 0, status;

	thads_cli_init(argv[0]);
	memset(&c, 0, sizeof(c));
	thads_cli_defaults(&cli);
	cli.fmt = THADS_FMT_TSV;
	c.cli = &cli;
	thads_gf_defaults(&c.chk.gf.r);
	c.chk.gf.event = on_event;
	c.chk.gf.note = on_note;
	c.chk.gf.ctx = &c;
	c.chk.trk.skip = on_skip;
	c.chk.bad_input = on_bad_input;
	c.chk.stop = &stop;
	if ((ops = calloc((size_t)argc + 1, sizeof(*ops))) == NULL)
		thads_fatal(EX_OSERR, "out of memory");
	if ((n = parse(argc, argv, &cli, &c, ops, &status)) < 0) {
		free(ops);
		return status;
	}
	if ((cmd = find(ops, n, &used)) == NULL || n - used < cmd->min ||
	    n - used > cmd->max) {
		thads_error(cmd ? "wrong number of arguments for '%s'" :
		    n ? "unknown command '%s'" : "no command%s", n ? ops[0] : "");
		thads_cli_usage(&tool);
		free(ops);
		return EX_USAGE;
	}
	if (c.tz != NULL && !thads_tz_valid(c.tz))
		thads_fatal(EX_USAGE, "unknown time zone '%s'", c.tz);
	if (c.tz != NULL && (setenv("TZ", c.tz, 1) == 0))
		tzset();
	c.now = time_opt(c.now_s ? c.now_s : "now", "now", -1);
	run_now = c.now;
	if (c.now_s != NULL)
		c.chk.trk.now = c.now;	/* else the clock, read as it goes */
	thads_clearerr(&err);
	if (thads_db_open(cli.db, 0, cli.busy_ms, tool.name, &db, &err) != 0 ||
	    thads_geodb_setup(db, &err) != 0)
		thads_die(&err);
	db->actor = cli.actor;
	thads_cli_db_warn(db, cli.db);
	status = cmd->fn(db, &c, ops + used, n - used);
	thads_db_close(db);
	free(ops);
	return status;
}
