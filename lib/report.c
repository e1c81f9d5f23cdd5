/*
 * report.c: the list of reports, their options and metadata, and what
 * every report needs from the database.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nettle/hmac.h>

#include "db.h"
#include "report_int.h"

#define D(x)	static const char *const x[]

D(dims_population) = { "facility", "ward", "status", "custody_level", "sex",
	"age_band", "sentence_band", "sentence_type", "offence_group", NULL };
D(dims_flow) = { "facility", "status", "custody_level", "sex", "age_band",
	"sentence_band", "offence_group", NULL };
D(dims_stay) = { "facility", "status", "custody_level", "sex", "age_band",
	"sentence_band", "offence_group", "reason", NULL };
D(dims_classif) = { "facility", "status", "custody_level", "sex",
	"age_band", "sentence_band", "offence_group", NULL };
D(dims_reduct) = { "facility", "sex", "age_band", "sentence_band",
	"offence_group", NULL };
D(dims_recid) = { "offence_group", "sex", "age_band", "facility", "status",
	"reason", "sentence_band", NULL };
D(dims_superv) = { "status", "ward", "facility", "sex", "age_band", NULL };
D(dims_training) = { "kind", "programme", "facility", "sex", "age_band",
	NULL };
D(dims_due) = { "facility", "status", "sex", "age_band", "sentence_band",
	"offence_group", NULL };
D(dims_events) = { "kind", "facility", NULL };
D(none) = { NULL };
D(by_facility) = { "facility", NULL };
D(by_status_ward) = { "status", "ward", NULL };
D(by_kind) = { "kind", NULL };

#define P	THADS_RPT_PERIOD
#define E	THADS_RPT_EVERY
#define L	THADS_RPT_LIST
#define C	THADS_RPT_COUNTS
#define W	THADS_RPT_WINDOWS

static const struct thads_report reports[] = {
	{ "population", "population/1", "Population on a day",
	    "persons held or supervised on the --as-of day",
	    L | C, dims_population, none },
	{ "flow", "flow/1", "Admissions and releases",
	    "admissions and releases (stays) per period, releases by reason",
	    P | E | C, dims_flow, none },
	{ "stay", "stay/1", "Length of stay",
	    "length of the stays ended in the period; time served so far",
	    P | C, dims_stay, none },
	{ "classification", "classification/1", "Classification results",
	    "classification results per assessment period and facility",
	    P | C, dims_classif, by_facility },
	{ "reductions", "reductions/1", "Sentence reductions",
	    "reduction decisions and time reduced per period",
	    P | E | C, dims_reduct, none },
	{ "releases-due", "releases-due/1", "Releases due",
	    "expected releases per month and facility",
	    P | E | L | C, dims_due, by_facility },
	{ "recidivism", "recidivism/1", "Re-admission after release",
	    "share of a release cohort re-admitted within 1, 2, 3 years",
	    P | C | W | L, dims_recid, none },
	{ "supervision", "supervision/1", "Community sentences completed",
	    "community sentences due to end in the period: share completed",
	    P | C, dims_superv, by_status_ward },
	{ "training", "training/1", "Education and vocational training",
	    "enrolments and completions of education and training",
	    P | C, dims_training, by_kind },
	{ "community", "community/1", "Community sentences",
	    "persons on community sentences and their violations",
	    P | C, dims_superv, by_status_ward },
	{ "events", "events/1", "Camera and monitoring events",
	    "camera and electronic-monitoring events by kind and hour",
	    P | C, dims_events, by_kind },
};

#define NREPORTS	(sizeof(reports) / sizeof(reports[0]))

static int (*const runners[NREPORTS])(struct rctx *) = {
	rpt_population, rpt_flow, rpt_stay, rpt_classification,
	rpt_reductions, rpt_releases_due, rpt_recidivism, rpt_supervision,
	rpt_training, rpt_community, rpt_events,
};

const struct thads_report *
thads_report_list(size_t *n)
{
	*n = NREPORTS;
	return reports;
}

const struct thads_report *
thads_report_find(const char *name)
{
	size_t i;

	for (i = 0; i < NREPORTS; i++)
		if (strcmp(reports[i].name, name) == 0)
			return &reports[i];
	return NULL;
}

void
thads_report_defaults(struct thads_report_opts *o)
{
	memset(o, 0, sizeof(*o));
	thads_today(o->as_of, sizeof(o->as_of));
	o->every = THADS_EVERY_MONTH;
	o->windows[0] = 1;
	o->windows[1] = 2;
	o->windows[2] = 3;
	o->nwindows = 3;
}

int
thads_report_every(const char *s, enum thads_every *out)
{
	static const char *const names[] = {
		"day", "week", "month", "quarter", "year"
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum thads_every)i;
			return 0;
		}
	return THADS_EUSAGE;
}

static const char *
every_name(enum thads_every e)
{
	static const char *const names[] = {
		"day", "week", "month", "quarter", "year"
	};

	return (size_t)e < 5 ? names[e] : "?";
}

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static int
usage(struct thads_err *err, const struct thads_report *r, const char *what)
{
	return thads_seterr(err, THADS_EUSAGE, NULL, 0, "%s: %s", r->name,
	    what);
}

int
thads_report_check(const struct thads_report *r,
    const struct thads_report_opts *o, struct thads_err *err)
{
	int a, b, d;
	size_t i;

	for (i = 0; i < o->nby; i++)
		if (!in_list(r->dims, o->by[i]))
			return thads_seterr(err, THADS_EUSAGE, NULL, 0,
			    "%s: cannot group by '%s'", r->name, o->by[i]);
	if (o->list && !(r->flags & THADS_RPT_LIST))
		return usage(err, r, "--list is not available");
	if (o->list && (o->suppress > 0 || o->nby > 0))
		return usage(err, r, "--list lists persons: no --suppress, "
		    "no --by");
	if (rpt_day(o->as_of, &d) != 0 || (o->from[0] &&
	    rpt_day(o->from, &a) != 0) || (o->to[0] &&
	    rpt_day(o->to, &b) != 0))
		return usage(err, r, "bad date");
	if (o->from[0] && o->to[0] && a > b)
		return usage(err, r, "--from is after --to");
	return 0;
}

/*
 * Metadata.
 */

static void
join(char *buf, size_t size, const char *const *v, size_t n)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
		    i ? "," : "", v[i]);
}

void
rpt_meta(struct rctx *c, struct rtab *t)
{
	const struct thads_report_opts *o = c->o;
	const char *by[THADS_REPORT_MAXBY];
	char buf[512], d[11];
	size_t i;

	rtab_meta(t, "report", c->r->name);
	rtab_meta(t, "definition", c->r->version);
	rtab_meta(t, "as_of", o->as_of);
	if (c->r->flags & THADS_RPT_PERIOD) {
		rpt_date(c->from, d);
		rtab_meta(t, "period_from", d);
		rpt_date(c->to, d);
		rtab_meta(t, "period_to", d);
	}
	if (c->r->flags & THADS_RPT_EVERY)
		rtab_meta(t, "every", every_name(o->every));
	for (i = 0; i < c->nby; i++)
		by[i] = rpt_dim_name(c->by[i]);
	join(buf, sizeof(buf), by, c->nby);
	if (c->nby > 0)
		rtab_meta(t, "by", buf);
	join(buf, sizeof(buf), o->facility, o->nfacility);
	if (o->nfacility > 0)
		rtab_meta(t, "filter_facility", buf);
	join(buf, sizeof(buf), o->status, o->nstatus);
	if (o->nstatus > 0)
		rtab_meta(t, "filter_status", buf);
	if (c->r->flags & THADS_RPT_WINDOWS) {
		for (i = 0, buf[0] = '\0'; i < o->nwindows; i++)
			snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf),
			    "%s%d", i ? "," : "", o->windows[i]);
		rtab_meta(t, "windows_years", buf);
	}
	if (o->suppress > 0) {
		snprintf(buf, sizeof(buf), "counts from 1 to %ld hidden (x), "
		    "with the cells that would reveal them", o->suppress - 1);
		rtab_meta(t, "suppression", buf);
	}
	if (o->key != NULL && o->list)
		rtab_meta(t, "person_ids", "pseudonyms (HMAC-SHA-256, keyed)");
}

/*
 * Database helpers.
 */

int
rpt_dbfail(struct rctx *c, int rc)
{
	return thads_db_fail(c->db, rc, c->err);
}

int
rpt_prepare(struct rctx *c, const char *sql, sqlite3_stmt **st)
{
	return thads_db_prepare(c->db, sql, st, c->err);
}

int
rpt_has_table(struct rctx *c, const char *name)
{
	sqlite3_stmt *st;
	int yes = 0;

	if (sqlite3_prepare_v2(c->db->h, "SELECT 1 FROM sqlite_schema"
	    " WHERE name = ?1 AND (type = 'table' OR type = 'view')", -1, &st,
	    NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

const char *
rpt_text(sqlite3_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st, col);
}

int
rpt_int(sqlite3_stmt *st, int col, int def)
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return def;
	return sqlite3_column_int(st, col);
}

void
rpt_unit_person(struct unit *u, sqlite3_stmt *st, int first, int day)
{
	u->sex = rpt_text(st, first);
	u->age = rpt_age(rpt_text(st, first + 1), rpt_int(st, first + 2, -1),
	    rpt_text(st, first + 3), day);
	u->stype = rpt_text(st, first + 4);
	u->term_months = rpt_term_months(rpt_int(st, first + 5, -1),
	    rpt_int(st, first + 6, -1), rpt_int(st, first + 7, -1));
	u->article = rpt_text(st, first + 8);
}

int
rpt_keep(const struct rctx *c, const char *facility, const char *status)
{
	size_t i;
	int ok;

	if (c->o->nfacility > 0) {
		for (ok = 0, i = 0; i < c->o->nfacility && !ok; i++)
			ok = facility != NULL &&
			    strcmp(facility, c->o->facility[i]) == 0;
		if (!ok)
			return 0;
	}
	if (c->o->nstatus > 0) {
		for (ok = 0, i = 0; i < c->o->nstatus && !ok; i++)
			ok = status != NULL &&
			    strcmp(status, c->o->status[i]) == 0;
		if (!ok)
			return 0;
	}
	return 1;
}

/*
 * Pseudonyms.
 */

void
thads_report_pseudonym(const unsigned char *key, size_t keylen,
    const char *id, char *buf, size_t size)
{
	struct hmac_sha256_ctx h;
	uint8_t mac[SHA256_DIGEST_SIZE];
	size_t i;

	hmac_sha256_set_key(&h, keylen, key);
	hmac_sha256_update(&h, strlen(id), (const uint8_t *)id);
	hmac_sha256_digest(&h, sizeof(mac), mac);
	buf[0] = '\0';
	for (i = 0; i < 16 && 2 * i + 2 < size; i++)
		snprintf(buf + 2 * i, 3, "%02x", mac[i]);
}

void
rpt_person_id(const struct rctx *c, const struct unit *u, char *buf,
    size_t size)
{
	char id[64];

	if (u->ext_id != NULL)
		snprintf(id, sizeof(id), "%s", u->ext_id);
	else
		snprintf(id, sizeof(id), "#%lld", u->pid);
	if (c->o->key != NULL)
		thads_report_pseudonym(c->o->key, c->o->keylen, id, buf, size);
	else
		snprintf(buf, size, "%s", id);
}

/*
 * Running.
 */

/* The run's context: options resolved to days and dimensions. */
static void
setup(struct rctx *cp, struct thads_db *db, const struct thads_report *r,
    const struct thads_report_opts *o, struct thads_out *out,
    struct thads_err *err)
{
	const char *const *by;
	struct rctx c;
	size_t i, n;

	memset(&c, 0, sizeof(c));
	c.db = db;
	c.r = r;
	c.o = o;
	c.out = out;
	c.err = err;
	(void)rpt_day(o->as_of, &c.as_of);
	if (o->to[0] == '\0' || rpt_day(o->to, &c.to) != 0)
		c.to = c.as_of;
	if (o->from[0] == '\0' || rpt_day(o->from, &c.from) != 0)
		c.from = rpt_add_months(c.to, -12) + 1;
	by = o->by_set ? o->by : r->by_default;
	n = o->by_set ? o->nby : 0;
	if (!o->by_set)
		while (by[n] != NULL)
			n++;
	for (i = 0; i < n; i++)
		c.by[c.nby++] = rpt_dim_find(by[i]);
	*cp = c;
}

int
thads_report_run(struct thads_db *db, const struct thads_report *r,
    const struct thads_report_opts *o, struct thads_out *out,
    struct thads_err *err)
{
	struct rctx c;
	int rc;

	if ((rc = thads_report_check(r, o, err)) != 0)
		return rc;
	setup(&c, db, r, o, out, err);
	return runners[r - reports](&c);
}

int
thads_report_meta(const struct thads_report *r,
    const struct thads_report_opts *o, struct thads_out *out,
    struct thads_err *err)
{
	const char *row[3];
	struct rctx c;
	struct rtab t;
	size_t i;
	int rc;

	if ((rc = thads_report_check(r, o, err)) != 0)
		return rc;
	setup(&c, NULL, r, o, out, err);
	rtab_init(&t, "meta", NULL);
	rpt_meta(&c, &t);
	if (t.oom)
		rc = thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	for (i = 0; rc == 0 && i < t.nmeta; i++) {
		row[0] = r->name;
		row[1] = t.meta[i].key;
		row[2] = t.meta[i].value;
		rc = thads_out_row(out, row, err);
	}
	rtab_free(&t);
	return rc;
}
