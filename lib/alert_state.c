/*
 * alert_state.c: what officers record through thads-alert (an
 * acknowledged alert, an overridden date, each with who and why, each
 * in the audit trail), and the listing of the rules in force.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert.h"

/* A JSON object of string pairs for the audit trail; free() it. */
static char *
json_of(const char *k1, const char *v1, const char *k2, const char *v2,
    const char *k3, const char *v3)
{
	json_t *o = json_object();
	char *s;

	if (o == NULL)
		return NULL;
	if (v1 != NULL)
		json_object_set_new(o, k1, json_string(v1));
	if (v2 != NULL)
		json_object_set_new(o, k2, json_string(v2));
	if (k3 != NULL && v3 != NULL)
		json_object_set_new(o, k3, json_string(v3));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	return s;
}

/* A key is RULE:YYYY-MM-DD:PERSON with a known rule and a real date. */
static int
key_ok(const char *key)
{
	const char *c1 = strchr(key, ':'), *c2;
	char rule[64];
	int d;

	/* An alert without a date (a missing one is its reason) has "-". */
	if (c1 == NULL || (size_t)(c1 - key) >= sizeof(rule) ||
	    (c2 = strchr(c1 + 1, ':')) == NULL ||
	    (c2 - c1 != 11 && !(c2 - c1 == 2 && c1[1] == '-')) ||
	    c2[1] == '\0')
		return 0;
	memcpy(rule, key, (size_t)(c1 - key));
	rule[c1 - key] = '\0';
	return thads_arule_find(rule) >= 0 &&
	    (c1[1] == '-' || thads_day_parse(c1 + 1, &d) == 0);
}

static int
step_done(struct thads_db *db, sqlite3_stmt *st, struct thads_err *err)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : thads_db_fail(db, rc, err);
}

int
thads_alert_ack(struct thads_db *db, const struct thads_alert_opts *o,
    const char *key, struct thads_err *err)
{
	sqlite3_stmt *st;
	char now[32], *js;
	int rc;

	long long row;

	if (!key_ok(key))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0, "bad alert key "
		    "'%s' (RULE:YYYY-MM-DD:PERSON, as thads-alert prints it)",
		    key);
	/* The person the alert is about must exist. */
	if ((rc = thads_person_find(db, strchr(strchr(key, ':') + 1, ':') + 1,
	    &row, err)) != 0)
		return rc;
	thads_now_utc(now, sizeof(now));
	if ((rc = thads_alert_schema_ensure(db, err)) != 0 ||
	    (rc = thads_db_begin(db, err)) != 0)
		return rc;
	if ((rc = thads_db_prepare(db, "INSERT INTO alert_ack (key, acked_by, "
	    "acked_at, reason) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (key) DO "
	    "UPDATE SET acked_by = ?2, acked_at = ?3, reason = ?4", &st,
	    err)) != 0)
		goto fail;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, o->by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, o->reason, -1, SQLITE_STATIC);
	if ((rc = step_done(db, st, err)) != 0)
		goto fail;
	js = json_of("acked_by", o->by, "reason", o->reason, NULL, NULL);
	rc = thads_db_audit(db, "insert", "alert_ack", 0, key, NULL, js,
	    o->reason, err);
	free(js);
	if (rc != 0)
		goto fail;
	return thads_db_commit(db, err);
fail:
	thads_db_rollback(db);
	return rc;
}

/* The judgment an override names: o->judgment, or the only one. */
static const char *
which_judgment(const struct thads_dossier *d, const char *want,
    struct thads_err *err)
{
	size_t i;

	if (want == NULL && d->nju == 1)
		return d->ju[0].number;
	if (d->nju == 0) {
		thads_seterr(err, THADS_EDATA, NULL, 0, "the person has no "
		    "judgment: there is no date to override");
		return NULL;
	}
	if (want == NULL) {
		thads_seterr(err, THADS_EUSAGE, NULL, 0, "the person has %zu "
		    "judgments: name one with --judgment", d->nju);
		return NULL;
	}
	for (i = 0; i < d->nju; i++)
		if (strcmp(d->ju[i].number, want) == 0)
			return d->ju[i].number;
	thads_seterr(err, THADS_ENOINPUT, NULL, 0, "no judgment '%s' for this "
	    "person", want);
	return NULL;
}

static int
write_override(struct thads_db *db, const struct thads_alert_opts *o,
    long long row, const char *num, const char *item, const char *date,
    struct thads_err *err)
{
	sqlite3_stmt *st;
	char now[32], key[200], *js;
	int rc;

	thads_now_utc(now, sizeof(now));
	if ((rc = thads_db_prepare(db, o->clear ? "UPDATE sentence_override "
	    "SET deleted_at = ?4, updated_at = ?4 WHERE person_id = ?1 AND "
	    "judgment_number = ?2 AND item = ?3 AND deleted_at IS NULL" :
	    "INSERT INTO sentence_override (person_id, judgment_number, item, "
	    "value, reason, set_by, created_at, updated_at) VALUES (?1, ?2, "
	    "?3, ?5, ?6, ?7, ?4, ?4) ON CONFLICT (person_id, judgment_number, "
	    "item) DO UPDATE SET value = ?5, reason = ?6, set_by = ?7, "
	    "updated_at = ?4, deleted_at = NULL", &st, err)) != 0)
		return rc;
	sqlite3_bind_int64(st, 1, row);
	sqlite3_bind_text(st, 2, num, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, item, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, now, -1, SQLITE_STATIC);
	if (!o->clear) {
		sqlite3_bind_text(st, 5, date, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, o->reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, o->by, -1, SQLITE_STATIC);
	}
	if ((rc = step_done(db, st, err)) != 0)
		return rc;
	if (o->clear && sqlite3_changes(db->h) == 0)
		return thads_seterr(err, THADS_ENOINPUT, NULL, 0, "no override "
		    "of %s for judgment %s", item, num);
	snprintf(key, sizeof(key), "%lld/%s/%s", row, num, item);
	js = json_of("value", o->clear ? NULL : date, "set_by", o->by,
	    "reason", o->reason);
	rc = thads_db_audit(db, o->clear ? "delete" : "insert",
	    "sentence_override", row, key, o->clear ? js : NULL,
	    o->clear ? NULL : js, o->reason, err);
	free(js);
	return rc;
}

int
thads_alert_override(struct thads_db *db, const struct thads_alert_opts *o,
    const char *who, const char *item, const char *date,
    struct thads_err *err)
{
	struct thads_people *pp = NULL;
	const char *num;
	long long row;
	int rc, it, d;

	if ((it = thads_item_find(item)) < 0 || !thads_item_overridable(it))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0, "'%s' cannot "
		    "be overridden (release, reduction_first, "
		    "early_release_first, probation_end, reform_end, "
		    "penalty_end, clearance, ...)", item);
	const struct thads_dossier *ds;
	size_t j;
	int lo, hi;

	if (!o->clear && (date == NULL || thads_day_parse(date, &d) != 0 ||
	    strlen(date) != 10))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0, "bad date "
		    "'%s' (YYYY-MM-DD)", date ? date : "");
	/* The years the importer takes. */
	(void)thads_day_parse("1900-01-01", &lo);
	(void)thads_day_parse("2100-12-31", &hi);
	if (!o->clear && (d < lo || d > hi))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0, "date '%s' out "
		    "of range (1900-01-01 to 2100-12-31)", date);
	if ((rc = thads_person_find(db, who, &row, err)) != 0 ||
	    (rc = thads_people_load(db, row, &pp, err)) != 0)
		return rc;
	ds = thads_people_at(pp, 0);
	if ((num = which_judgment(ds, o->judgment, err)) == NULL) {
		rc = err->code;
		goto done;
	}
	/* No date of a sentence comes before the judgment that passed it. */
	for (j = 0; !o->clear && j < ds->nju; j++)
		if (strcmp(ds->ju[j].number, num) == 0 &&
		    ds->ju[j].date != THADS_NODAY && d < ds->ju[j].date) {
			char jd[THADS_DAYBUF];

			rc = thads_seterr(err, THADS_EDATA, NULL, 0, "%s %s is "
			    "before judgment %s of %s", item, date, num,
			    thads_day_fmt(ds->ju[j].date, jd));
			goto done;
		}
	if ((rc = thads_alert_schema_ensure(db, err)) != 0 ||
	    (rc = thads_db_begin(db, err)) != 0)
		goto done;
	if ((rc = write_override(db, o, row, num, item, date, err)) != 0) {
		thads_db_rollback(db);
		goto done;
	}
	rc = thads_db_commit(db, err);
done:
	thads_people_free(pp);
	return rc;
}

/* ---- rules ---- */

static const struct thads_col rule_cols[] = {
	{ "name", THADS_COL_TEXT }, { "value", THADS_COL_TEXT },
	{ "from", THADS_COL_DATE }, { "status", THADS_COL_TEXT },
	{ "basis", THADS_COL_TEXT },
};

static int
calendar(const struct thads_alert_opts *o, struct thads_out *out,
    struct thads_err *err)
{
	const struct thads_holiday *h;
	const char *v[5];
	char name[32], a[THADS_DAYBUF];
	size_t i, n;
	int y0 = thads_day_year(o->as_of), y, rc = 0;

	for (y = y0; rc == 0 && y <= y0 + 1; y++) {
		snprintf(name, sizeof(name), "tet.%d", y);
		v[0] = name;
		v[1] = thads_day_fmt(thads_rules_tet(o->rules, y), a);
		v[2] = NULL;
		v[3] = "calendar";
		v[4] = "first day of the Lunar New Year";
		rc = thads_out_row(out, v, err);
	}
	h = thads_rules_holidays(o->rules, &n);
	for (i = 0; rc == 0 && i < n; i++) {
		y = thads_day_year(h[i].day);
		if (y < y0 || y > y0 + 1)
			continue;
		v[0] = "holiday";
		v[1] = thads_day_fmt(h[i].day, a);
		v[2] = NULL;
		v[3] = strstr(h[i].what, "to confirm") ? "to confirm" :
		    "calendar";
		v[4] = h[i].what;
		rc = thads_out_row(out, v, err);
	}
	return rc;
}

int
thads_alert_rules(const struct thads_alert_opts *o, FILE *fp,
    struct thads_err *err)
{
	const struct thads_fig *f;
	struct thads_out *out;
	const char *v[5];
	char from[THADS_DAYBUF], name[80], val[80], lead[32];
	int id, rc;

	if ((rc = thads_out_open(fp, o->fmt, "rule", rule_cols, 5,
	    o->outflags, &out, err)) != 0)
		return rc;
	for (id = 0; rc == 0 && id < THADS_F_COUNT; id++) {
		f = thads_rules_get(o->rules, id, o->as_of);
		v[0] = thads_fig_name(id);
		v[1] = f ? f->value : NULL;
		v[2] = f ? thads_day_fmt(f->from, from) : NULL;
		v[3] = f == NULL ? "not in force" : f->confirm ? "to confirm" :
		    "in force";
		v[4] = f ? f->basis : NULL;
		rc = thads_out_row(out, v, err);
	}
	for (id = 0; rc == 0 && id < THADS_NARULE; id++) {
		snprintf(name, sizeof(name), "alert.%s", thads_arule_name(id));
		thads_dur_fmt(&o->conf->r[id].lead, lead, sizeof(lead));
		snprintf(val, sizeof(val), "lead %s, %s", lead,
		    thads_sev_name(o->conf->r[id].sev));
		v[0] = name;
		v[1] = val;
		v[2] = NULL;
		v[3] = o->conf->r[id].enabled ? "enabled" : "disabled";
		v[4] = thads_arule_basis(id);
		rc = thads_out_row(out, v, err);
	}
	if (rc == 0)
		rc = calendar(o, out, err);
	if (rc != 0) {
		(void)thads_out_close(out, NULL);	/* already failing */
		return rc;
	}
	return thads_out_close(out, err);
}
