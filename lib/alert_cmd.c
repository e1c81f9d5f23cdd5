/*
 * alert_cmd.c: the commands of thads-alert on top of the engine.
 *
 * Each command writes its rows through the output layer, so every
 * --format works the same way for all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert.h"

/* ---- a sorted set of keys, read from one column of a table ---- */

struct keyset {
	char	**k;
	size_t	 n, cap;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
table_exists(struct thads_db *db, const char *name)
{
	sqlite3_stmt *st;
	int found;

	if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM sqlite_master WHERE "
	    "type = 'table' AND name = ?1", -1, &st, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

static void
keyset_free(struct keyset *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		free(ks->k[i]);
	free(ks->k);
	memset(ks, 0, sizeof(*ks));
}

static int
keyset_load(struct thads_db *db, const char *table, const char *sql,
    struct keyset *ks, struct thads_err *err)
{
	sqlite3_stmt *st;
	const unsigned char *s;
	void *p;
	int rc;

	memset(ks, 0, sizeof(*ks));
	if (!table_exists(db, table))
		return 0;
	if ((rc = thads_db_prepare(db, sql, &st, err)) != 0)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((s = sqlite3_column_text(st, 0)) == NULL)
			continue;
		if (ks->n == ks->cap) {
			ks->cap = ks->cap ? ks->cap * 2 : 256;
			if ((p = realloc(ks->k, ks->cap * sizeof(char *))) ==
			    NULL)
				break;
			ks->k = p;
		}
		if ((ks->k[ks->n] = strdup((const char *)s)) == NULL)
			break;
		ks->n++;
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW) {
		keyset_free(ks);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	if (rc != SQLITE_DONE)
		return thads_db_fail(db, rc, err);
	if (ks->n > 1)
		qsort(ks->k, ks->n, sizeof(char *), cmp_str);
	return 0;
}

static int
keyset_has(const struct keyset *ks, const char *key)
{
	return ks->n > 0 && bsearch(&key, ks->k, ks->n, sizeof(char *),
	    cmp_str) != NULL;
}

/* ---- run ---- */

static const struct thads_col alert_cols[] = {
	{ "severity", THADS_COL_TEXT }, { "key", THADS_COL_TEXT },
	{ "rule", THADS_COL_TEXT }, { "person", THADS_COL_TEXT },
	{ "date", THADS_COL_DATE }, { "days_left", THADS_COL_INT },
	{ "reason", THADS_COL_TEXT },
};

/* By date, the most severe first, then rule, then person. */
static int
cmp_alert(const void *a, const void *b)
{
	const struct thads_alert *x = a, *y = b;

	if (x->date != y->date)
		return (x->date > y->date) - (x->date < y->date);
	if (x->sev != y->sev)
		return y->sev - x->sev;
	if (x->rule != y->rule)
		return x->rule - y->rule;
	if (x->row != y->row)
		return (x->row > y->row) - (x->row < y->row);
	return strcmp(x->reason, y->reason);
}

static int
same_key(const struct thads_alert *x, const struct thads_alert *y)
{
	return x->date == y->date && x->rule == y->rule && x->row == y->row;
}

/* Every alert of every person, sorted, duplicates dropped. */
static int
collect(struct thads_db *db, const struct thads_alert_opts *o,
    struct thads_alerts *al, struct thads_err *err)
{
	struct thads_people *pp;
	struct thads_sentences s;
	size_t i, k, n;
	int rc;

	if ((rc = thads_people_load(db, 0, &pp, err)) != 0)
		return rc;
	memset(&s, 0, sizeof(s));
	for (i = 0, n = thads_people_count(pp); rc == 0 && i < n; i++) {
		if ((rc = thads_sentence_run(o->rules, thads_people_at(pp, i),
		    o->as_of, &s)) == 0)
			rc = thads_alert_person(o->conf, o->rules,
			    thads_people_at(pp, i), &s, o->as_of, o->now, al);
	}
	thads_sentences_free(&s);
	thads_people_free(pp);
	if (rc != 0)
		return thads_seterr(err, rc, NULL, 0, "out of memory");
	if (al->n > 1)
		qsort(al->a, al->n, sizeof(*al->a), cmp_alert);
	/* Equal keys sort next to each other unless their severities
	 * differ; a person has one alert per rule and date anyway. */
	for (i = k = 0; i < al->n; i++)
		if (k == 0 || !same_key(&al->a[k - 1], &al->a[i]))
			al->a[k++] = al->a[i];
	al->n = k;
	return 0;
}

static int
record_seen(struct thads_db *db, const struct thads_alerts *al,
    const char *keep, struct thads_err *err)
{
	sqlite3_stmt *st;
	char now[32], key[200], js[96];
	size_t i, n;
	int rc;

	/* In the transaction thads_alert_run() began. */
	thads_now_utc(now, sizeof(now));
	if ((rc = thads_db_prepare(db, "INSERT INTO alert_seen (key, "
	    "first_at, last_at) VALUES (?1, ?2, ?2) ON CONFLICT (key) DO "
	    "UPDATE SET last_at = ?2", &st, err)) != 0) {
		thads_db_rollback(db);
		return rc;
	}
	for (i = 0; i < al->n; i++) {
		if (!keep[i])
			continue;
		thads_alert_key(&al->a[i], key, sizeof(key));
		sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_STATIC);
		if ((rc = sqlite3_step(st)) != SQLITE_DONE)
			break;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (i < al->n) {
		rc = thads_db_fail(db, rc, err);
		thads_db_rollback(db);
		return rc;
	}
	/* Who marked them seen: one entry for the run. */
	for (i = 0, n = 0; i < al->n; i++)
		n += keep[i] != 0;
	snprintf(js, sizeof(js), "{\"seen\":%zu,\"at\":\"%s\"}", n, now);
	if ((rc = thads_db_audit(db, "update", "alert_seen", 0, "--new-only",
	    NULL, js, NULL, err)) != 0) {
		thads_db_rollback(db);
		return rc;
	}
	return thads_db_commit(db, err);
}

static int
write_alerts(const struct thads_alert_opts *o, const struct thads_alerts *al,
    const char *keep, FILE *fp, struct thads_err *err)
{
	struct thads_out *out;
	const char *v[7];
	char date[THADS_DAYBUF], left[16], key[200];
	size_t i;
	int rc;

	if ((rc = thads_out_open(fp, o->fmt, "alert", alert_cols, 7,
	    o->outflags, &out, err)) != 0)
		return rc;
	for (i = 0; rc == 0 && i < al->n; i++) {
		if (!keep[i])
			continue;
		snprintf(left, sizeof(left), "%d", al->a[i].days_left);
		if (al->a[i].date == THADS_NODAY)
			left[0] = '\0';
		thads_alert_key(&al->a[i], key, sizeof(key));
		v[0] = thads_sev_name(al->a[i].sev);
		v[1] = key;
		v[2] = thads_arule_name(al->a[i].rule);
		v[3] = al->a[i].person;
		v[4] = thads_day_fmt(al->a[i].date, date);
		v[5] = left;
		v[6] = al->a[i].reason;
		rc = thads_out_row(out, v, err);
	}
	if (rc != 0) {
		(void)thads_out_close(out, NULL);	/* already failing */
		return rc;
	}
	return thads_out_close(out, err);
}

int
thads_alert_run(struct thads_db *db, const struct thads_alert_opts *o,
    FILE *fp, long *emitted, struct thads_err *err)
{
	struct thads_alerts al;
	struct keyset acks, seen;
	char *keep = NULL, key[200];
	size_t i;
	int rc;

	*emitted = 0;
	memset(&al, 0, sizeof(al));
	memset(&seen, 0, sizeof(seen));
	memset(&acks, 0, sizeof(acks));
	if ((rc = collect(db, o, &al, err)) != 0)
		return rc;
	/*
	 * --new-only takes the write lock before it reads what was seen and
	 * before it prints anything: a database that stays busy fails the
	 * run with nothing printed, and two runs at once cannot both emit
	 * the same alert.  The lock is held while the alerts are written.
	 */
	if (o->new_only && ((rc = thads_alert_schema_ensure(db, err)) != 0 ||
	    (rc = thads_db_begin(db, err)) != 0))
		goto done;
	if ((rc = keyset_load(db, "alert_ack", "SELECT key FROM alert_ack",
	    &acks, err)) != 0 || (o->new_only && (rc = keyset_load(db,
	    "alert_seen", "SELECT key FROM alert_seen", &seen, err)) != 0))
		goto done;
	if ((keep = calloc(al.n + 1, 1)) == NULL) {
		rc = thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
		goto done;
	}
	for (i = 0; i < al.n; i++) {
		if (al.a[i].sev < o->min_sev)
			continue;
		if (acks.n > 0 || seen.n > 0)
			thads_alert_key(&al.a[i], key, sizeof(key));
		keep[i] = !keyset_has(&acks, key) &&
		    !(o->new_only && keyset_has(&seen, key));
		*emitted += keep[i];
	}
	if ((rc = write_alerts(o, &al, keep, fp, err)) == 0 && o->new_only)
		rc = record_seen(db, &al, keep, err);
done:
	if (rc != 0 && o->new_only)
		thads_db_rollback(db);
	free(keep);
	keyset_free(&acks);
	keyset_free(&seen);
	thads_alerts_free(&al);
	return rc;
}

/* ---- explain ---- */

static const struct thads_col explain_cols[] = {
	{ "judgment", THADS_COL_TEXT }, { "item", THADS_COL_TEXT },
	{ "date", THADS_COL_DATE }, { "explanation", THADS_COL_TEXT },
	{ "rule", THADS_COL_TEXT }, { "basis", THADS_COL_TEXT },
};

/* Load one person and compute, with steps and problems. */
static int
one(struct thads_db *db, const struct thads_alert_opts *o, const char *who,
    struct thads_people **pp, struct thads_sentences *s,
    struct thads_explain *ex, struct thads_problems *pb,
    struct thads_err *err)
{
	long long row;
	int rc;

	memset(s, 0, sizeof(*s));
	memset(ex, 0, sizeof(*ex));
	memset(pb, 0, sizeof(*pb));
	if ((rc = thads_person_find(db, who, &row, err)) != 0 ||
	    (rc = thads_people_load(db, row, pp, err)) != 0)
		return rc;
	if (thads_people_count(*pp) != 1) {
		thads_people_free(*pp);
		return thads_seterr(err, THADS_ENOINPUT, NULL, 0,
		    "no person '%s'", who);
	}
	s->ex = ex;
	s->pb = pb;
	if (thads_sentence_run(o->rules, thads_people_at(*pp, 0), o->as_of,
	    s) != 0) {
		thads_people_free(*pp);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	return 0;
}

static void
one_free(struct thads_people *pp, struct thads_sentences *s,
    struct thads_explain *ex, struct thads_problems *pb)
{
	thads_sentences_free(s);
	thads_explain_free(ex);
	thads_problems_free(pb);
	thads_people_free(pp);
}

int
thads_alert_explain(struct thads_db *db, const struct thads_alert_opts *o,
    const char *who, FILE *fp, struct thads_err *err)
{
	struct thads_people *pp;
	struct thads_sentences s;
	struct thads_explain ex;
	struct thads_problems pb;
	struct thads_alerts al;
	struct thads_out *out;
	const struct thads_step *st;
	const char *v[6];
	char date[THADS_DAYBUF], msg[640], key[200];
	size_t i;
	int rc;

	if ((rc = one(db, o, who, &pp, &s, &ex, &pb, err)) != 0)
		return rc;
	memset(&al, 0, sizeof(al));
	if ((rc = thads_alert_person(o->conf, o->rules, thads_people_at(pp,
	    0), &s, o->as_of, o->now, &al)) != 0 ||
	    (rc = thads_out_open(fp, o->fmt, "step", explain_cols, 6,
	    o->outflags, &out, err)) != 0)
		goto done;
	for (i = 0; rc == 0 && i < ex.n; i++) {
		st = &ex.s[i];
		v[0] = st->judgment;
		v[1] = thads_item_name(st->item);
		v[2] = st->date == THADS_NODAY ? NULL :
		    thads_day_fmt(st->date, date);
		v[3] = st->text;
		v[4] = st->fig >= 0 ? thads_fig_name(st->fig) : NULL;
		v[5] = st->basis[0] ? st->basis : NULL;
		rc = thads_out_row(out, v, err);
	}
	for (i = 0; rc == 0 && i < pb.n; i++) {
		snprintf(msg, sizeof(msg), "%s %s (%s): %s", pb.p[i].code,
		    pb.p[i].name, pb.p[i].error ? "error" : "warning",
		    pb.p[i].msg);
		v[0] = pb.p[i].judgment;
		v[1] = "problem";
		v[2] = NULL;
		v[3] = msg;
		v[4] = v[5] = NULL;
		rc = thads_out_row(out, v, err);
	}
	for (i = 0; rc == 0 && i < al.n; i++) {
		thads_alert_key(&al.a[i], key, sizeof(key));
		snprintf(msg, sizeof(msg), "%s %s: %s",
		    thads_sev_name(al.a[i].sev), key, al.a[i].reason);
		v[0] = "";
		v[1] = "alert";
		v[2] = thads_day_fmt(al.a[i].date, date);
		v[3] = msg;
		v[4] = thads_arule_name(al.a[i].rule);
		v[5] = thads_arule_basis(al.a[i].rule);
		rc = thads_out_row(out, v, err);
	}
	if (rc != 0)
		(void)thads_out_close(out, NULL);	/* already failing */
	else
		rc = thads_out_close(out, err);
done:
	thads_alerts_free(&al);
	one_free(pp, &s, &ex, &pb);
	return rc;
}

/* ---- check ---- */

static const struct thads_col check_cols[] = {
	{ "code", THADS_COL_TEXT }, { "problem", THADS_COL_TEXT },
	{ "level", THADS_COL_TEXT }, { "person", THADS_COL_TEXT },
	{ "judgment", THADS_COL_TEXT }, { "message", THADS_COL_TEXT },
};

int
thads_alert_check(struct thads_db *db, const struct thads_alert_opts *o,
    FILE *fp, long *found, struct thads_err *err)
{
	struct thads_people *pp;
	struct thads_sentences s;
	struct thads_problems pb;
	struct thads_out *out;
	const char *v[6];
	char who[65];
	size_t i, k;
	int rc;

	*found = 0;
	if ((rc = thads_people_load(db, 0, &pp, err)) != 0)
		return rc;
	memset(&s, 0, sizeof(s));
	memset(&pb, 0, sizeof(pb));
	s.pb = &pb;
	if ((rc = thads_out_open(fp, o->fmt, "problem", check_cols, 6,
	    o->outflags, &out, err)) != 0)
		goto done;
	for (i = 0; rc == 0 && i < thads_people_count(pp); i++) {
		pb.n = 0;
		if (thads_sentence_run(o->rules, thads_people_at(pp, i),
		    o->as_of, &s) != 0) {
			rc = thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
			break;
		}
		thads_person_label(thads_people_at(pp, i), who, sizeof(who));
		for (k = 0; rc == 0 && k < pb.n; k++) {
			v[0] = pb.p[k].code;
			v[1] = pb.p[k].name;
			v[2] = pb.p[k].error ? "error" : "warning";
			v[3] = who;
			v[4] = pb.p[k].judgment[0] ? pb.p[k].judgment : NULL;
			v[5] = pb.p[k].msg;
			rc = thads_out_row(out, v, err);
			(*found)++;
		}
	}
	if (rc != 0)
		(void)thads_out_close(out, NULL);	/* already failing */
	else
		rc = thads_out_close(out, err);
done:
	thads_sentences_free(&s);
	thads_problems_free(&pb);
	thads_people_free(pp);
	return rc;
}
