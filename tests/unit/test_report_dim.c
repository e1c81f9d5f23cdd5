/*
 * test_report_dim.c: the days, periods, dimensions and pseudonyms of
 * the reports (report_dim.c, report.c).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thads.h"
#include "report_int.h"

static int
day(const char *s)
{
	int d = 0;

	assert_int_equal(rpt_day(s, &d), 0);
	return d;
}

static const char *
date(int d)
{
	static char buf[11];

	rpt_date(d, buf);
	return buf;
}

/* dim-1.1: day numbers both ways, and what rpt_day() refuses. */
static void
days(void **state)
{
	int d;

	(void)state;
	assert_int_equal(day("1970-01-01"), 0);
	assert_int_equal(day("2025-06-30"), 20269);
	assert_int_equal(day("2024-02-29 23:59:59"), day("2024-03-01") - 1);
	assert_string_equal(date(day("2000-02-29")), "2000-02-29");
	assert_string_equal(date(-1), "1969-12-31");
	assert_int_equal(rpt_day("2023-02-29", &d), THADS_EDATA);
	assert_int_equal(rpt_day("2023-1-01", &d), THADS_EDATA);
	assert_int_equal(rpt_day("2023-01-01x", &d), THADS_EDATA);
	assert_int_equal(rpt_day(NULL, &d), THADS_EDATA);
}

/* dim-1.2: calendar months: the same day, or the month's last. */
static void
months(void **state)
{
	static const struct {
		const char *from;
		int	 n;
		const char *to;
	} cases[] = {
		{ "2023-01-31", 1, "2023-02-28" },
		{ "2024-01-31", 1, "2024-02-29" },
		{ "2024-02-29", 12, "2025-02-28" },
		{ "2024-02-29", 48, "2028-02-29" },
		{ "2023-03-31", -1, "2023-02-28" },
		{ "2023-12-15", 1, "2024-01-15" },
		{ "2023-01-15", -13, "2021-12-15" },
		{ "2023-08-31", 6, "2024-02-29" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(date(rpt_add_months(day(cases[i].from),
		    cases[i].n)), cases[i].to);
}

/* dim-1.3: whole years, and ages from a birth date or a recorded age. */
static void
years(void **state)
{
	(void)state;
	assert_int_equal(rpt_years_between(day("1990-05-10"),
	    day("2023-03-10")), 32);
	assert_int_equal(rpt_years_between(day("1990-05-10"),
	    day("2023-05-10")), 33);
	/* Born on 29 February: a year older on 28 February. */
	assert_int_equal(rpt_years_between(day("1992-02-29"),
	    day("2023-02-27")), 30);
	assert_int_equal(rpt_years_between(day("1992-02-29"),
	    day("2023-02-28")), 31);
	assert_int_equal(rpt_age("1992-02-29", -1, NULL, day("2024-02-29")),
	    32);
	assert_int_equal(rpt_age(NULL, 47, "2019-01-01", day("2019-01-01")),
	    47);
	assert_int_equal(rpt_age(NULL, 47, "2019-01-01", day("2021-06-30")),
	    49);
	assert_int_equal(rpt_age(NULL, -1, "2019-01-01", day("2021-06-30")),
	    -1);
	assert_int_equal(rpt_age("2030-01-01", -1, NULL, day("2021-06-30")),
	    -1);
}

/* dim-2.1: periods: starts, next starts, labels (ISO weeks too). */
static void
periods(void **state)
{
	static const struct {
		const char *day;
		enum thads_every e;
		const char *start, *next, *label;
	} cases[] = {
		{ "2024-03-05", THADS_EVERY_DAY, "2024-03-05", "2024-03-06",
		    "2024-03-05" },
		{ "2024-03-05", THADS_EVERY_WEEK, "2024-03-04", "2024-03-11",
		    "2024-W10" },
		{ "2018-12-31", THADS_EVERY_WEEK, "2018-12-31", "2019-01-07",
		    "2019-W01" },
		{ "2021-01-03", THADS_EVERY_WEEK, "2020-12-28", "2021-01-04",
		    "2020-W53" },
		{ "1970-01-01", THADS_EVERY_WEEK, "1969-12-29", "1970-01-05",
		    "1970-W01" },
		{ "2024-02-29", THADS_EVERY_MONTH, "2024-02-01", "2024-03-01",
		    "2024-02" },
		{ "2024-08-15", THADS_EVERY_QUARTER, "2024-07-01",
		    "2024-10-01", "2024-Q3" },
		{ "2024-12-31", THADS_EVERY_YEAR, "2024-01-01", "2025-01-01",
		    "2024" },
	};
	char label[32];
	size_t i;
	int s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = rpt_period_start(day(cases[i].day), cases[i].e);
		assert_string_equal(date(s), cases[i].start);
		assert_string_equal(date(rpt_period_next(s, cases[i].e)),
		    cases[i].next);
		rpt_period_label(s, cases[i].e, label, sizeof(label));
		assert_string_equal(label, cases[i].label);
	}
}

/* dim-2.2: a period's parts, and which part holds a day. */
static void
period_list(void **state)
{
	struct rpt_periods p;

	(void)state;
	assert_int_equal(rpt_periods_init(&p, day("2023-02-15"),
	    day("2023-08-15"), THADS_EVERY_QUARTER), 0);
	assert_int_equal(p.n, 3);
	assert_string_equal(date(p.start[0]), "2023-01-01");
	assert_string_equal(date(p.start[3]), "2023-10-01");
	assert_int_equal(rpt_period_of(&p, day("2023-02-15")), 0);
	assert_int_equal(rpt_period_of(&p, day("2023-04-01")), 1);
	assert_int_equal(rpt_period_of(&p, day("2023-08-15")), 2);
	free(p.start);
}

/* dim-3.1: bands, offence groups and the order of values. */
static void
bands(void **state)
{
	struct unit u;

	(void)state;
	memset(&u, 0, sizeof(u));
	u.age = 17;
	assert_string_equal(rpt_dim_value(D_AGE_BAND, &u), "0-17");
	u.age = 18;
	assert_string_equal(rpt_dim_value(D_AGE_BAND, &u), "18-24");
	u.age = 65;
	assert_string_equal(rpt_dim_value(D_AGE_BAND, &u), "65+");
	u.age = -1;
	assert_string_equal(rpt_dim_value(D_AGE_BAND, &u), "unknown");
	assert_string_equal(rpt_dim_value(D_SENTENCE_BAND, &u), "unsentenced");
	u.stype = "fixed_term";
	u.term_months = 36;
	assert_string_equal(rpt_dim_value(D_SENTENCE_BAND, &u), "0-3y");
	u.term_months = 37;
	assert_string_equal(rpt_dim_value(D_SENTENCE_BAND, &u), "3-7y");
	u.term_months = 241;
	assert_string_equal(rpt_dim_value(D_SENTENCE_BAND, &u), "20-30y");
	u.stype = "suspended";
	assert_string_equal(rpt_dim_value(D_SENTENCE_BAND, &u),
	    "non_custodial");
	u.article = "173";
	assert_string_equal(rpt_dim_value(D_OFFENCE_GROUP, &u), "property");
	u.article = "251a";
	assert_string_equal(rpt_dim_value(D_OFFENCE_GROUP, &u), "drugs");
	u.article = "108";
	assert_string_equal(rpt_dim_value(D_OFFENCE_GROUP, &u),
	    "national_security");
	u.article = "VTL 509";
	assert_string_equal(rpt_dim_value(D_OFFENCE_GROUP, &u), "other");
	assert_string_equal(rpt_dim_value(D_LEVEL, &u), "none");
	assert_true(rpt_dim_cmp(D_AGE_BAND, "65+", "unknown") < 0);
	assert_true(rpt_dim_cmp(D_SENTENCE_BAND, "3-7y", "15-20y") < 0);
	assert_true(rpt_dim_cmp(D_FACILITY, RPT_ALL, "ZZZ") > 0);
	assert_true(rpt_dim_cmp(D_SEX, "male", "female") < 0);
	assert_int_equal(rpt_dim_find("age_band"), D_AGE_BAND);
	assert_int_equal(rpt_dim_find("nope"), -1);
}

/* dim-4.1: pseudonyms are HMAC-SHA-256 (RFC 4231, test case 2). */
static void
pseudonyms(void **state)
{
	const unsigned char key[] = "Jefe";
	char a[40], b[40];

	(void)state;
	thads_report_pseudonym(key, 4, "what do ya want for nothing?", a,
	    sizeof(a));
	assert_string_equal(a, "5bdcc146bf60754e6a042426089575c7");
	thads_report_pseudonym(key, 4, "HS-1", a, sizeof(a));
	thads_report_pseudonym(key, 4, "HS-1", b, sizeof(b));
	assert_string_equal(a, b);
	thads_report_pseudonym(key, 4, "HS-2", b, sizeof(b));
	assert_string_not_equal(a, b);
	thads_report_pseudonym((const unsigned char *)"Jeff", 4, "HS-1", b,
	    sizeof(b));
	assert_string_not_equal(a, b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(days),
		cmocka_unit_test(months),
		cmocka_unit_test(years),
		cmocka_unit_test(periods),
		cmocka_unit_test(period_list),
		cmocka_unit_test(bands),
		cmocka_unit_test(pseudonyms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
