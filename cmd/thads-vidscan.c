/*
 * thads-vidscan: CCTV analytics that warn: scan recordings (batch) or
 * watch streams, and record fights, gatherings, fire, smoke,
 * intrusions, loitering, quiet-hours activity, headcounts, tampering
 * and lost cameras.
 */
#define _XOPEN_SOURCE 700	/* strptime */
#define _DEFAULT_SOURCE

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "paths.h"
#include "record.h"
#include "viddb.h"
#include "vidscan.h"
#include "vidwatch.h"

enum { O_CAMERAS = 'c', O_EVERY = 'n', O_ANNOTATE = 'a', O_SET = 's',
	O_CAMERA = THADS_OPT_LONG, O_SCALE, O_DETECTORS, O_NOPEOPLE, O_START,
	O_FORCE, O_SNAPS, O_NODB, O_EXITCODE, O_LIST, O_TIMEOUT, O_BACKOFF,
	O_RUNFOR, O_QUEUE, O_LOGFILE, O_PRIME, O_SINCE, O_TYPE };

static const struct thads_opt opts[] = {
	{ "cameras", O_CAMERAS, "FILE", "camera file (default: the cameras "
	    "imported in the database)" },
	{ "camera", O_CAMERA, "ID", "camera of the recordings given" },
	{ "every", O_EVERY, "N", "analyse every Nth frame (default 1)" },
	{ "scale", O_SCALE, "W", "analysis width in pixels (motion.width)" },
	{ "set", O_SET, "NAME=VALUE", "set a detector parameter (repeatable)" },
	{ "detectors", O_DETECTORS, "LIST", "only these: motion,fire,smoke,"
	    "fight,people,tamper, or none" },
	{ "no-people", O_NOPEOPLE, NULL, "people detector off (people.on=no)" },
	{ "start", O_START, "TIME", "wall time of a recording's first frame" },
	{ "prime", O_PRIME, "SECONDS", "seconds sampled for the background "
	    "(default 3)" },
	{ "annotate", O_ANNOTATE, "FILE", "write the video with what was seen "
	    "drawn on it" },
	{ "force", O_FORCE, NULL, "replace an existing annotated video" },
	{ "snapshots", O_SNAPS, "DIR", "write snapshots under DIR, not in the "
	    "database" },
	{ "no-db", O_NODB, NULL, "do not write to the database" },
	{ "exit-code", O_EXITCODE, NULL, "exit 1 when an event was found" },
	{ "list-params", O_LIST, NULL, "print the detector parameters" },
	{ "timeout", O_TIMEOUT, "MS", "watch: stream open and read timeout "
	    "(default 5000)" },
	{ "backoff", O_BACKOFF, "SECONDS", "watch: longest wait between "
	    "reconnections (default 30)" },
	{ "run-for", O_RUNFOR, "SECONDS", "watch: stop after this long" },
	{ "queue", O_QUEUE, "N", "watch: frames queued per camera (default 4)" },
	{ "log-file", O_LOGFILE, "FILE", "append messages to FILE" },
	{ "since", O_SINCE, "TIME", "events: only those starting at or after" },
	{ "type", O_TYPE, "TYPE", "events: only this type" },
	{ NULL, 0, NULL, NULL }
};

static const struct thads_tool tool = {
	"thads-vidscan",
	"[-qv] [-d db] [-f fmt] [-c cameras] [-n every] [-a video] "
	"[-s name=value] file|folder ...\n"
	"       thads-vidscan watch [options] [camera=url ...]\n"
	"       thads-vidscan cameras import|check file | template | list\n"
	"       thads-vidscan events [--since time] [--type type]",
	"Scan CCTV recordings, pictures or live streams for fights, "
	"gatherings,\nfire, smoke, intrusions, loitering, quiet-hours "
	"activity, headcounts,\ntampering and lost cameras; write the events "
	"to the database and stdout.",
	THADS_CLI_DB | THADS_CLI_OUTPUT,
	opts
};

struct ctx {
	struct thads_vscan_opts so;
	struct thads_vwatch_opts wo;
	const char *cameras;
	const char *snapdir;
	const char *since;
	char	 since_buf[80];
	int	 type;
	int	 nodb;
	int	 exitcode;
	int	 list;
	char	 setbuf[64][80];
};

static int
add_set(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
add_set(struct ctx *c, const char *fmt, ...)
{
	struct thads_vparams p;
	struct thads_err err;
	va_list ap;
	int n = c->so.noverset;

	if (n >= 64)
		return thads_error("too many --set options");
	va_start(ap, fmt);
	vsnprintf(c->setbuf[n], sizeof(c->setbuf[n]), fmt, ap);
	va_end(ap);
	thads_vparams_default(&p);
	thads_clearerr(&err);
	if (thads_vparams_assign(&p, c->setbuf[n], &err) != 0)
		return thads_error("%s", err.msg);
	c->so.overset[c->so.noverset++] = c->setbuf[n];
	return 0;
}

static int
detectors(struct ctx *c, char *list)
{
	static const struct { const char *name; unsigned bits; } d[] = {
		{ "motion", THADS_VW_MOTION }, { "fire", THADS_VW_FIRE },
		{ "smoke", THADS_VW_SMOKE },
		{ "fight", THADS_VW_FLOW | THADS_VW_MOTION },
		{ "people", THADS_VW_PEOPLE | THADS_VW_FULLSCAN |
		    THADS_VW_MOTION },
		{ "tamper", THADS_VW_TAMPER }, { "none", 0x80000000u } };
	char *s, *save = NULL;
	size_t i;

	c->so.run.detectors = 0;
	for (s = strtok_r(list, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(d) / sizeof(d[0]); i++)
			if (strcmp(s, d[i].name) == 0)
				break;
		if (i == sizeof(d) / sizeof(d[0]))
			return thads_error("unknown detector '%s'", s);
		c->so.run.detectors |= d[i].bits;
	}
	return 0;
}

static int
parse_time(const char *s, double *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
	if (end == NULL)
		end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	tm.tm_isdst = -1;
	*out = (double)mktime(&tm);
	return 0;
}

/*
 * --since as the events store their wall times, "YYYY-MM-DD HH:MM:SS":
 * a real date, then optionally ' ' or 'T' and HH:MM or HH:MM:SS, so
 * that the comparison with the stored text is a comparison of times.
 */
static int
two(const char *t)
{
	return t[0] >= '0' && t[0] <= '9' && t[1] >= '0' && t[1] <= '9';
}

static int
since_time(const char *s, char *buf, size_t size)
{
	size_t n = strlen(s);
	int y, m, d, hh = 0, mm = 0, ss = 0;
	char date[11];

	if (n < 10 || size < 20)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (thads_date_parse(date, &y, &m, &d) != 0)
		return -1;
	if (n > 10) {
		const char *t = s + 11;

		if ((s[10] != ' ' && s[10] != 'T') ||
		    (n != 16 && n != 19) || !two(t) || t[2] != ':' ||
		    !two(t + 3) || (n == 19 && (t[5] != ':' || !two(t + 6))))
			return -1;
		hh = (t[0] - '0') * 10 + t[1] - '0';
		mm = (t[3] - '0') * 10 + t[4] - '0';
		ss = n == 19 ? (t[6] - '0') * 10 + t[7] - '0' : 0;
		if (hh > 23 || mm > 59 || ss > 59)
			return -1;
	}
	snprintf(buf, size, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d, hh, mm,
	    ss);
	return 0;
}

static int
opt(int key, char *arg, void *p)
{
	struct ctx *c = p;
	long v;

	switch (key) {
	case O_CAMERAS: c->cameras = arg; return 0;
	case O_CAMERA: c->so.camera = arg; return 0;
	case O_EVERY:
		if (thads_parse_long(arg, 1, 1000, &v) != 0)
			return thads_error("bad --every '%s'", arg);
		c->so.every = v;
		return 0;
	case O_SCALE: return add_set(c, "motion.width=%s", arg);
	case O_SET: return add_set(c, "%s", arg);
	case O_DETECTORS: return detectors(c, arg);
	case O_NOPEOPLE: return add_set(c, "people.on=no");
	case O_START:
		if (parse_time(arg, &c->so.start) != 0)
			return thads_error("bad --start '%s': want "
			    "'YYYY-MM-DD HH:MM:SS'", arg);
		return 0;
	case O_PRIME:
		if (thads_parse_long(arg, 0, 600, &v) != 0)
			return thads_error("bad --prime '%s'", arg);
		c->so.prime = (double)v;
		return 0;
	case O_ANNOTATE: c->so.run.annotate = arg; return 0;
	case O_FORCE: c->so.run.force = 1; return 0;
	case O_SNAPS: c->snapdir = arg; return 0;
	case O_NODB: c->nodb = 1; return 0;
	case O_EXITCODE: c->exitcode = 1; return 0;
	case O_LIST: c->list = 1; return 0;
	case O_TIMEOUT:
		if (thads_parse_long(arg, 100, 600000, &v) != 0)
			return thads_error("bad --timeout '%s'", arg);
		c->wo.timeout_ms = (int)v;
		return 0;
	case O_BACKOFF:
		if (thads_parse_long(arg, 1, 3600, &v) != 0)
			return thads_error("bad --backoff '%s'", arg);
		c->wo.backoff_max = (double)v;
		return 0;
	case O_RUNFOR:
		if (thads_parse_long(arg, 1, 100000000, &v) != 0)
			return thads_error("bad --run-for '%s'", arg);
		c->wo.run_for = (double)v;
		return 0;
	case O_QUEUE:
		if (thads_parse_long(arg, 1, 256, &v) != 0)
			return thads_error("bad --queue '%s'", arg);
		c->wo.queue = (int)v;
		return 0;
	case O_LOGFILE:
		if (freopen(arg, "a", stderr) == NULL)
			thads_fatal(EX_CANTCREAT, "cannot open log file '%s'",
			    arg);
		setvbuf(stderr, NULL, _IOLBF, 0);
		return 0;
	case O_SINCE:
		if (since_time(arg, c->since_buf, sizeof(c->since_buf)) != 0)
			return thads_error("bad --since '%s': a real date, "
			    "YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS] (wall time)",
			    arg);
		c->since = c->since_buf;
		return 0;
	case O_TYPE:
		if ((c->type = thads_vetype_parse(arg)) < 0)
			return thads_error("unknown event type '%s'", arg);
		return 0;
	}
	return -1;
}

static void
note(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	thads_info("video: %s", buf);
}

/* -vv: one line of measures per frame, for tuning. */
static void
trace(const char *camera, double pts, const struct thads_vmeas *m)
{
	const struct thads_vzmeas *z = &m->zone[0];
	float jerk = 0, flow = 0;
	int i;

	for (i = 0; i < m->nblobs; i++)
		if (m->blob[i].jerk > jerk) {
			jerk = m->blob[i].jerk;
			flow = m->blob[i].flow;
		}
	thads_debug("video: %s %.2f%s%s%s bright %.0f shake %.1f,%.1f "
	    "contrast %.1f sharp %.2f overlap %.2f blobs %d motion %.4f "
	    "fire %.4f smoke %.4f flow %.2f jerk %.2f people %d/%d", camera,
	    pts, m->corrupt ? " CORRUPT" : "", m->light_change ? " LIGHT" :
	    "", m->grey ? " grey" : "", m->brightness, m->shake_x,
	    m->shake_y, m->contrast, m->sharpness, m->overlap, m->nblobs,
	    z->motion, z->fire, z->smoke, flow, jerk, m->npeople,
	    m->people_done);
}

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Watch mode's messages: 0 warnings, 1 notes, 2 debugging. */
static void
watch_log(int level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (level == 0)
		thads_warn("video: %s", buf);
	else if (level == 1)
		thads_info("video: %s", buf);
	else
		thads_debug("video: %s", buf);
}

static void
file_failed(const struct thads_err *err)
{
	thads_report(THADS_LOG_ERROR, err);
}

static void
list_params(void)
{
	const struct thads_vparam *e;
	char def[32], range[48];

	printf("%-24s %-8s %-14s %-8s %s\n", "parameter", "default",
	    "range", "unit", "meaning");
	for (e = thads_vparam_table; e->name != NULL; e++) {
		if (e->type == THADS_VP_BOOL) {
			snprintf(def, sizeof(def), "%s", e->def ? "yes" : "no");
			snprintf(range, sizeof(range), "yes|no");
		} else {
			snprintf(def, sizeof(def), "%g", e->def);
			snprintf(range, sizeof(range), "%g..%g", e->min,
			    e->max);
		}
		printf("%-24s %-8s %-14s %-8s %s\n", e->name, def, range,
		    e->unit, e->help);
	}
}

/* The camera schema, found like the interchange schema. */
static const char *
xsd(void)
{
	static char path[4096];

	if (thads_datafile("schema/thads-cameras.xsd", path, sizeof(path)))
		thads_fatal(EX_CONFIG, "cannot find schema/thads-cameras.xsd "
		    "(set THADS_DATADIR)");
	return path;
}

static struct thads_db *
open_db(const struct thads_cli *cli, unsigned flags)
{
	struct thads_db *db;
	struct thads_err err;

	thads_clearerr(&err);
	if (thads_db_open(cli->db, flags, cli->busy_ms, tool.name, &db,
	    &err) != 0 || thads_vdb_ensure(db, &err) != 0)
		thads_die(&err);
	db->actor = cli->actor;
	thads_cli_db_warn(db, cli->db);
	return db;
}

/* "cameras import|check FILE", "cameras template", "cameras list". */
static int
cameras(const struct thads_cli *cli, int argc, char **argv)
{
	struct thads_vcams cams;
	struct thads_err err;
	struct thads_db *db;
	int i;

	thads_clearerr(&err);
	if (argc == 1 && strcmp(argv[0], "template") == 0)
		return fputs(thads_vcams_template, stdout) == EOF ? EX_IOERR :
		    EX_OK;
	if (argc == 1 && strcmp(argv[0], "list") == 0) {
		db = open_db(cli, THADS_DB_NOCREATE);
		if (thads_vdb_cameras_load(db, xsd(), &cams, &err) != 0)
			thads_die(&err);
		for (i = 0; i < cams.n; i++)
			printf("%s\t%d zones\t%s\t%s\n", cams.cam[i].id,
			    cams.cam[i].nzones, cams.cam[i].place,
			    cams.cam[i].url);
		thads_vcams_free(&cams);
		thads_db_close(db);
		return EX_OK;
	}
	if (argc != 2 || (strcmp(argv[0], "import") != 0 &&
	    strcmp(argv[0], "check") != 0)) {
		thads_error("cameras: want import FILE, check FILE, template "
		    "or list");
		thads_cli_usage(&tool);
		return EX_USAGE;
	}
	if (thads_vcams_load(argv[1], xsd(), &cams, &err) != 0)
		thads_die(&err);
	if (strcmp(argv[0], "import") == 0) {
		db = open_db(cli, 0);
		if (thads_vdb_cameras_store(db, &cams, &err) != 0)
			thads_die(&err);
		thads_db_close(db);
	}
	thads_info("%s: %d camera%s %s", argv[1], cams.n, cams.n == 1 ? "" :
	    "s", strcmp(argv[0], "import") == 0 ? "imported" : "valid");
	thads_vcams_free(&cams);
	return EX_OK;
}

/* The cameras: from --cameras, else from the database. */
static void
load_cameras(struct ctx *c, struct thads_db *db, struct thads_vcams *cams)
{
	struct thads_err err;

	thads_clearerr(&err);
	memset(cams, 0, sizeof(*cams));
	if (c->cameras != NULL) {
		if (thads_vcams_load(c->cameras, xsd(), cams, &err) != 0)
			thads_die(&err);
	} else if (db != NULL && thads_vdb_cameras_load(db, xsd(), cams,
	    &err) != 0)
		thads_die(&err);
}

static int
finish(struct ctx *c, struct thads_vsink *sink, int status)
{
	struct thads_err err;

	thads_clearerr(&err);
	if (sink->out != NULL && thads_out_close(sink->out, &err) != 0) {
		thads_report(THADS_LOG_ERROR, &err);
		status = status ? status : EX_IOERR;
	}
	thads_db_close(sink->db);
	if (status == EX_OK && c->exitcode && sink->nevents > 0)
		status = 1;
	return status;
}

static int
run(struct ctx *c, const struct thads_cli *cli, int argc, char **argv,
    int watch)
{
	struct thads_vsink sink;
	struct thads_vcams cams;
	struct thads_vscan_stats st;
	struct thads_err err;
	int i, rc = 0, status = EX_OK;

	memset(&sink, 0, sizeof(sink));
	memset(&st, 0, sizeof(st));
	thads_clearerr(&err);
	if (!c->nodb)
		sink.db = open_db(cli, 0);
	load_cameras(c, sink.db, &cams);
	c->so.cams = &cams;
	sink.snapdir = c->snapdir;
	sink.fp = stdout;
	sink.opens = watch;
	if (thads_out_open(stdout, cli->fmt, "event", thads_vsink_cols,
	    thads_vsink_ncols, cli->outflags, &sink.out, &err) != 0)
		thads_die(&err);
	if (watch) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		c->wo.scan = &c->so;
		c->wo.stop = &stop;
		c->wo.log = watch_log;
		rc = thads_vwatch_run(&c->wo, argc, argv, &sink, &err);
	}
	for (i = 0; !watch && i < argc && rc == 0; i++)
		rc = thads_vscan_path(argv[i], &c->so, &sink, &st, file_failed,
		    &err);
	thads_vcams_free(&cams);
	c->so.cams = NULL;
	if (rc != 0) {
		thads_report(THADS_LOG_ERROR, &err);
		status = thads_exit_status(rc);
	} else if (st.failed > 0)
		status = EX_NOINPUT;
	if (!watch)
		thads_info("video: %ld files (%ld failed), %ld frames analysed, "
		    "%ld broken skipped, %.1f s of video in %.1f s CPU; %ld "
		    "events", st.files, st.failed, st.frames, st.corrupt,
		    st.video_s, st.cpu_s, sink.nevents);
	return finish(c, &sink, status);
}

/* "events": the stored events, newest last. */
static int
events(struct ctx *c, const struct thads_cli *cli)
{
	struct thads_err err;
	struct thads_db *db = open_db(cli, THADS_DB_NOCREATE);
	int rc;

	thads_clearerr(&err);
	rc = thads_vdb_list(db, c->since, c->type >= 0 ?
	    thads_vetype_name(c->type) : NULL, stdout, cli->fmt,
	    cli->outflags, &err);
	thads_db_close(db);
	if (rc != 0)
		thads_die(&err);
	return EX_OK;
}

int
main(int argc, char **argv)
{
	struct thads_cli cli;
	struct ctx c;
	int first, status;

	thads_cli_init(argv[0]);
	/* OpenCV's own warnings would break the one-line message format. */
	setenv("OPENCV_LOG_LEVEL", "ERROR", 0);
	memset(&c, 0, sizeof(c));
	c.so.every = 1;
	c.so.start = -1;
	c.so.prime = 3;
	c.so.note = note;
	c.type = -1;
	thads_vwatch_defaults(&c.wo);
	thads_cli_defaults(&cli);
	cli.fmt = THADS_FMT_TSV;
	if ((first = thads_cli_parse(&tool, argc, argv, &cli, opt, &c,
	    &status)) < 0)
		return status;
	if (cli.verbose >= 2)
		c.so.run.trace = trace;
	/* Options may also follow a subcommand. */
	if (first < argc && (!strcmp(argv[first], "watch") ||
	    !strcmp(argv[first], "cameras") || !strcmp(argv[first], "events"))) {
		int sub = first;
		if ((first = thads_cli_parse(&tool, argc - sub, argv + sub,
		    &cli, opt, &c, &status)) < 0)
			return status;
		first += sub;
		if (!strcmp(argv[sub], "cameras"))
			return cameras(&cli, argc - first, argv + first);
		if (!strcmp(argv[sub], "events"))
			return events(&c, &cli);
		return run(&c, &cli, argc - first, argv + first, 1);
	}
	if (c.list) {
		list_params();
		return EX_OK;
	}
	if (first == argc) {
		thads_error("no recording, picture or folder given");
		thads_cli_usage(&tool);
		return EX_USAGE;
	}
	return run(&c, &cli, argc - first, argv + first, 0);
}
