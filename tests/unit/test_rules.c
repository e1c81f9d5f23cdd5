/*
 * test_rules.c: unit tests for lib/rules.c: the shipped rule pack loads
 * and holds what DOMAIN.md says; figures are chosen by date; the
 * calendar (Tết, holidays, review rounds, quarter ends); and every kind
 * of error in a pack is refused with its file and line.  Run from the
 * top of the tree (tests/run does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "days.h"
#include "rules.h"

#define PACK "rules/thads-rules.ini"

static struct thads_rules *pack;

static int
setup(void **state)
{
	struct thads_err err;

	(void)state;
	if (thads_rules_load(PACK, &pack, &err) != 0) {
		fprintf(stderr, "%s:%ld: %s\n", err.file, err.line, err.msg);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	thads_rules_free(pack);
	return 0;
}

static int
D(const char *s)
{
	int d = THADS_NODAY;

	assert_int_equal(thads_day_parse(s, &d), 0);
	return d;
}

/* rules-1.1: the shipped pack holds the figures of DOMAIN.md. */
static void
shipped_figures(void **state)
{
	const struct thads_fig *f;
	int on = D("2026-01-01");

	(void)state;
	f = thads_rules_get(pack, thads_fig_det(THADS_STAGE_INVESTIGATION,
	    THADS_DET_BASE, THADS_CAT_SERIOUS), on);
	assert_non_null(f);
	assert_int_equal(f->dur.months, 3);
	assert_string_equal(f->basis, "CPC Art. 173(2)");
	assert_int_equal(f->confirm, 0);
	f = thads_rules_get(pack, thads_fig_det(THADS_STAGE_INVESTIGATION,
	    THADS_DET_EXTENSIONS, THADS_CAT_ESP), on);
	assert_int_equal(f->count, 2);
	f = thads_rules_get(pack, THADS_F_CAP, on);
	assert_int_equal(f->dur.months, 360);
	f = thads_rules_get(pack, THADS_F_RED_FIRST, on);
	assert_int_equal(f->num, 1);
	assert_int_equal(f->den, 3);
	f = thads_rules_get(pack, THADS_F_CREDIT_REFORM, on);
	assert_int_equal(f->count, 3);
	f = thads_rules_get(pack, THADS_F_CL_PRISON, on);
	assert_int_equal(f->n, 3);
	assert_int_equal(f->tiers[0].upto.months, 60);
	assert_int_equal(f->tiers[0].wait.months, 24);
	assert_int_equal(f->tiers[2].open, 1);
	assert_int_equal(f->tiers[2].wait.months, 60);
	f = thads_rules_get(pack, THADS_F_CUSTODY_BASE, on);
	assert_int_equal(f->dur.days, 3);
}

/* rules-1.2: figures marked "(to confirm)" keep the mark. */
static void
shipped_to_confirm(void **state)
{
	const struct thads_fig *f;

	(void)state;
	f = thads_rules_get(pack, THADS_F_CLASS_QUARTERS, D("2026-01-01"));
	assert_int_equal(f->confirm, 1);
	assert_int_equal(f->n, 4);
	assert_int_equal(f->md[0], 225);
	f = thads_rules_get(pack, thads_fig_det(THADS_STAGE_TRIAL,
	    THADS_DET_BASE, THADS_CAT_VERY), D("2026-01-01"));
	assert_int_equal(f->confirm, 1);
	assert_int_equal(f->dur.months, 2);
	assert_string_equal(f->basis, "CPC Art. 277, 278");
}

/* rules-1.3: no figure before the codes came into force. */
static void
before_in_force(void **state)
{
	(void)state;
	assert_null(thads_rules_get(pack, THADS_F_CAP, D("2017-12-31")));
	assert_non_null(thads_rules_get(pack, THADS_F_CAP, D("2018-01-01")));
	assert_null(thads_rules_get(pack, THADS_F_ER_FRACTION,
	    D("2017-12-31")));
}

/* rules-1.4: every figure has a name that finds it back. */
static void
names(void **state)
{
	int id;

	(void)state;
	for (id = 0; id < THADS_F_COUNT; id++)
		assert_string_not_equal(thads_fig_name(id), "?");
	assert_string_equal(thads_fig_name(thads_fig_det(
	    THADS_STAGE_PROSECUTION, THADS_DET_EXTENSION, THADS_CAT_LESS)),
	    "detention.prosecution.extension.less_serious");
}

/* rules-2.1: Tết from the table, Vietnamese dates (2007, 2030). */
static void
tet(void **state)
{
	(void)state;
	assert_int_equal(thads_rules_tet(pack, 2007), D("2007-02-17"));
	assert_int_equal(thads_rules_tet(pack, 2026), D("2026-02-17"));
	assert_int_equal(thads_rules_tet(pack, 2030), D("2030-02-02"));
	assert_int_equal(thads_rules_tet(pack, 1989), THADS_NODAY);
}

/* rules-2.2: days off: weekends, holidays; a working Monday is not. */
static void
days_off(void **state)
{
	(void)state;
	assert_true(thads_rules_day_off(pack, D("2026-02-14")));   /* Sat */
	assert_true(thads_rules_day_off(pack, D("2026-02-16")));   /* Tết */
	assert_true(thads_rules_day_off(pack, D("2026-09-02")));
	assert_false(thads_rules_day_off(pack, D("2026-02-23")));
	assert_false(thads_rules_day_off(pack, D("2026-03-02")));
	assert_true(thads_rules_covers(pack, 2018));
	assert_true(thads_rules_covers(pack, 2027));
	assert_false(thads_rules_covers(pack, 2028));
}

/* rules-2.3: review rounds: 30 April, 2 September, Tết. */
static void
rounds(void **state)
{
	int id = THADS_F_RED_ROUNDS;

	(void)state;
	assert_int_equal(thads_rules_date(pack, id, D("2026-03-01"), 1),
	    D("2026-04-30"));
	assert_int_equal(thads_rules_date(pack, id, D("2026-04-30"), 1),
	    D("2026-04-30"));
	assert_int_equal(thads_rules_date(pack, id, D("2026-05-01"), 1),
	    D("2026-09-02"));
	assert_int_equal(thads_rules_date(pack, id, D("2026-09-03"), 1),
	    D("2027-02-06"));
	assert_int_equal(thads_rules_date(pack, id, D("2026-01-01"), 1),
	    D("2026-02-17"));
	assert_int_equal(thads_rules_date(pack, id, D("2026-04-30"), -1),
	    D("2026-02-17"));
	assert_int_equal(thads_rules_date(pack, id, D("2026-02-17"), -1),
	    D("2025-09-02"));
}

/* rules-2.4: quarter ends. */
static void
quarters(void **state)
{
	int id = THADS_F_CLASS_QUARTERS;

	(void)state;
	assert_int_equal(thads_rules_date(pack, id, D("2019-01-01"), 1),
	    D("2019-02-25"));
	assert_int_equal(thads_rules_date(pack, id, D("2019-01-01"), -1),
	    D("2018-11-25"));
	assert_int_equal(thads_rules_date(pack, id, D("2018-11-25"), 1),
	    D("2018-11-25"));
	assert_int_equal(thads_rules_date(pack, id, D("2018-11-26"), 1),
	    D("2019-02-25"));
}

/* Write text to a temporary file; returns its name (static). */
static const char *
tmpfile_with(const char *text)
{
	static char name[64];
	FILE *fp;
	int fd;

	snprintf(name, sizeof(name), "/tmp/thads-rules-XXXXXX");
	fd = mkstemp(name);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return name;
}

/* Load the shipped pack plus text; returns the error code. */
static int
add_text(const char *text, struct thads_err *err)
{
	const char *f = tmpfile_with(text);
	int rc = thads_rules_add(pack, f, err);

	unlink(f);
	return rc;
}

/* rules-3.1: a new version from a later date governs later cases. */
static void
change_in_law(void **state)
{
	struct thads_rules *r;
	struct thads_err err;
	const char *f;
	int id = thads_fig_det(THADS_STAGE_INVESTIGATION, THADS_DET_BASE,
	    THADS_CAT_SERIOUS);

	(void)state;
	assert_int_equal(thads_rules_load(PACK, &r, &err), 0);
	f = tmpfile_with("[detention.investigation]\n"
	    "base.serious = 2027-01-01 2m Law 99/2026 (example)\n");
	assert_int_equal(thads_rules_add(r, f, &err), 0);
	unlink(f);
	assert_int_equal(thads_rules_get(r, id, D("2026-12-31"))->dur.months,
	    3);
	assert_int_equal(thads_rules_get(r, id, D("2027-01-01"))->dur.months,
	    2);
	assert_string_equal(thads_rules_get(r, id, D("2027-06-01"))->basis,
	    "Law 99/2026 (example)");
	thads_rules_free(r);
}

/* rules-3.2: errors carry the file and line, and leave the pack be. */
static void
errors(void **state)
{
	static const struct {
		const char *text;
		long	 line;
		const char *msg;
	} t[] = {
		{ "[term]\nnothing = 2018-01-01 3m PC\n", 2,
		    "unknown figure 'term.nothing'" },
		{ "[term]\nfixed_min = 2018-13-01 3m PC\n", 2,
		    "bad first day" },
		{ "[term]\nfixed_min = 2019-01-01 3x PC\n", 2, "bad value" },
		{ "[term]\nfixed_min = 2019-01-01 3m\n", 2, "no legal basis" },
		{ "[term]\nfixed_min = 2018-01-01 4m PC\n", 2,
		    "second version from the same day" },
		{ "\n\nfixed_min = 2019-01-01 3m PC\n", 3,
		    "line before any [section]" },
		{ "[reduction]\nfirst_fraction = 2019-01-01 3/2 PC\n", 2,
		    "bad value" },
		{ "[clearance]\nprison = 2019-01-01 5y:2y PC\n", 2,
		    "bad value" },
		{ "[reduction]\nrounds = 2019-01-01 02-30 PC\n", 2,
		    "bad value" },
		{ "[tet]\n2019 = 2020-01-25\n", 2,
		    "bad date of the Lunar New Year" },
		{ "[holidays]\n2019-02-30 = nothing\n", 2,
		    "bad holiday date" },
		{ "[term\n", 1, "bad section" },
		{ "[pack]\nowner = me\n", 2, "unknown [pack] key" },
	};
	struct thads_err err;
	size_t i, before = thads_rules_count(pack);

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(add_text(t[i].text, &err), THADS_ECONFIG);
		if (err.line != t[i].line || strstr(err.msg, t[i].msg) == NULL)
			fail_msg("case %zu: line %ld '%s'", i, err.line,
			    err.msg);
		assert_int_equal(thads_rules_count(pack), before);
	}
	assert_int_equal(thads_rules_get(pack, THADS_F_FIXED_MIN,
	    D("2026-01-01"))->dur.months, 3);
}

/* rules-3.3: a pack missing a figure is refused as a whole. */
static void
missing_figure(void **state)
{
	struct thads_rules *r = NULL;
	struct thads_err err;
	const char *f;

	(void)state;
	f = tmpfile_with("[term]\nfixed_min = 2018-01-01 3m PC Art. 38\n");
	assert_int_equal(thads_rules_load(f, &r, &err), THADS_ECONFIG);
	unlink(f);
	assert_null(r);
	assert_non_null(strstr(err.msg, "is missing"));
	assert_int_equal(thads_rules_load("/nonexistent/pack.ini", &r, &err),
	    THADS_ENOINPUT);
}

/* rules-3.4: durations are written back as the pack writes them. */
static void
dur_fmt(void **state)
{
	struct thads_dur d = { 18, 0, 0 }, e = { 0, 3, 0 }, z = { 0, 0, 0 };
	struct thads_dur h = { 0, 0, 72 };
	char buf[32];

	(void)state;
	thads_dur_fmt(&d, buf, sizeof(buf));
	assert_string_equal(buf, "1y6m");
	thads_dur_fmt(&e, buf, sizeof(buf));
	assert_string_equal(buf, "3d");
	thads_dur_fmt(&z, buf, sizeof(buf));
	assert_string_equal(buf, "0d");
	thads_dur_fmt(&h, buf, sizeof(buf));
	assert_string_equal(buf, "72h");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_figures),
		cmocka_unit_test(shipped_to_confirm),
		cmocka_unit_test(before_in_force),
		cmocka_unit_test(names),
		cmocka_unit_test(tet),
		cmocka_unit_test(days_off),
		cmocka_unit_test(rounds),
		cmocka_unit_test(quarters),
		cmocka_unit_test(change_in_law),
		cmocka_unit_test(errors),
		cmocka_unit_test(missing_figure),
		cmocka_unit_test(dur_fmt),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
