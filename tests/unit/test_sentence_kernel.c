/*
 * test_sentence_kernel.c: the day numbers and the two date kernels of
 * lib/sentence_kernel.c, each on its own.  Expected values are worked
 * out by hand from the rules written in sentence.h; the day numbers
 * are checked against a plain walk through the calendar, one day at a
 * time, that shares no code with days.c.
 */
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "days.h"
#include "sentence.h"

static struct thads_rules *pack;

static int
setup(void **state)
{
	struct thads_err err;

	(void)state;
	return thads_rules_load("rules/thads-rules.ini", &pack, &err);
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

	if (thads_day_parse(s, &d) != 0)
		fail_msg("bad date in test: %s", s);
	return d;
}

static void
same(int got, const char *want)
{
	char buf[THADS_DAYBUF];

	if (got != D(want))
		fail_msg("got %s, want %s", thads_day_fmt(got, buf), want);
}

/* kernel-1.1: every day from 1900 to 2100, walked by hand. */
static void
walk_calendar(void **state)
{
	static const int len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int y = 1900, m = 1, d = 1, n, yy, mm, dd, leap;
	int first = thads_day(1900, 1, 1);

	(void)state;
	/* 1900-01-01 is 25567 days before 1970-01-01 (70 years, 17 leap). */
	assert_int_equal(first, -(70 * 365 + 17));
	for (n = first; y <= 2100; n++) {
		assert_int_equal(thads_day(y, m, d), n);
		thads_day_ymd(n, &yy, &mm, &dd);
		if (yy != y || mm != m || dd != d)
			fail_msg("%d: %d-%d-%d", n, yy, mm, dd);
		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (++d > len[m - 1] + (m == 2 && leap)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
}

/* kernel-1.2: days of the week and text forms. */
static void
weekdays(void **state)
{
	char buf[THADS_DAYBUF];
	int d;

	(void)state;
	assert_int_equal(thads_day_wday(D("1970-01-01")), 4);
	assert_int_equal(thads_day_wday(D("2026-03-02")), 1);
	assert_int_equal(thads_day_wday(D("2000-02-29")), 2);
	assert_int_equal(thads_day_wday(D("1969-12-28")), 0);
	assert_string_equal(thads_day_fmt(D("2024-02-29"), buf), "2024-02-29");
	assert_string_equal(thads_day_fmt(THADS_NODAY, buf), "-");
	assert_int_equal(thads_day_parse("2023-02-29", &d), THADS_EDATA);
	assert_int_equal(thads_day_parse("2024-2-29", &d), THADS_EDATA);
	assert_int_equal(thads_day_parse("2019-01-01 10:15:00", &d), 0);
	assert_int_equal(d, D("2019-01-01"));
	assert_int_equal(thads_day_secs("2019-01-01 10:15:30"), 36930);
	assert_int_equal(thads_day_secs("2019-01-01"), 0);
	assert_int_equal(thads_day_secs("2019-01-01 25:00"), -1);
}

/* kernel-1.3: calendar months with the month-end rule. */
static void
months(void **state)
{
	static const struct {
		const char *from;
		int	 n;
		const char *to;
	} t[] = {
		{ "2020-01-31", 1, "2020-02-29" },	/* leap February */
		{ "2021-01-31", 1, "2021-02-28" },
		{ "2020-02-29", 12, "2021-02-28" },
		{ "2020-02-29", 48, "2024-02-29" },
		{ "2020-03-31", 1, "2020-04-30" },
		{ "2020-12-31", 2, "2021-02-28" },
		{ "2021-03-31", -1, "2021-02-28" },
		{ "2020-01-15", 13, "2021-02-15" },
		{ "2019-12-31", 1, "2020-01-31" },
		{ "2020-05-31", -3, "2020-02-29" },
		{ "2020-01-01", -1, "2019-12-01" },
		{ "2020-01-01", -13, "2018-12-01" },
		{ "2018-08-31", 6, "2019-02-28" },
		{ "2020-10-31", 360, "2050-10-31" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		same(thads_add_months(D(t[i].from), t[i].n), t[i].to);
}

/* kernel-2.1: kernel D, the example of the issue and its neighbours. */
static void
kernel_d(void **state)
{
	struct thads_dur three = { 3, 0, 0 }, nine = { 0, 9, 0 };

	(void)state;
	assert_int_equal(thads_kd_days(&three), 90);
	assert_int_equal(thads_kd_days(&nine), 9);
	/* 2026-03-02 is day 1, day 88 is 87 days later: 2026-05-28. */
	same(thads_kd_last(D("2026-03-02"), 90, 2), "2026-05-28");
	/* No deduction: day 90 = 2026-03-02 + 89 = 2026-05-30. */
	same(thads_kd_last(D("2026-03-02"), 90, 0), "2026-05-30");
	/* February in a leap year counts its 29 days, nothing else moves. */
	same(thads_kd_last(D("2024-02-01"), 30, 0), "2024-03-01");
	same(thads_kd_last(D("2023-02-01"), 30, 0), "2023-03-02");
	/* A holiday at the end does not move it: 2026-02-17 is Tết. */
	same(thads_kd_last(D("2026-01-19"), 30, 0), "2026-02-17");
}

/* kernel-2.2: kernel D in hours, for custody. */
static void
kernel_d_hours(void **state)
{
	struct thads_dur three = { 0, 3, 0 }, h = { 0, 0, 12 };
	long long at = (long long)D("2026-03-01") * 86400 + 22 * 3600 +
	    30 * 60;

	(void)state;
	assert_int_equal(thads_kd_until(at, &three),
	    (long long)D("2026-03-04") * 86400 + 22 * 3600 + 30 * 60);
	assert_int_equal(thads_kd_until(at, &h),
	    (long long)D("2026-03-02") * 86400 + 10 * 3600 + 30 * 60);
}

/* kernel-3.1: kernel S, terms with the end day included. */
static void
kernel_s(void **state)
{
	(void)state;
	same(thads_ks_last(D("2020-01-10"), 36, 0), "2023-01-09");
	same(thads_ks_end(D("2020-01-10"), 36, 0), "2023-01-10");
	/* 31 January + 1 month = 29 February 2020, less a day. */
	same(thads_ks_last(D("2020-01-31"), 1, 0), "2020-02-28");
	same(thads_ks_last(D("2021-01-31"), 1, 0), "2021-02-27");
	/* 29 February + 12 months = 28 February 2021, less a day. */
	same(thads_ks_last(D("2020-02-29"), 12, 0), "2021-02-27");
	/* 13 months in one step: 2020-02-29 + 13 = 2021-03-29. */
	same(thads_ks_last(D("2020-02-29"), 13, 0), "2021-03-28");
	/* Months then days: 2019-12-31 + 2 months = 2020-02-29, + 10. */
	same(thads_ks_last(D("2019-12-31"), 2, 10), "2020-03-09");
	/* A year end. */
	same(thads_ks_last(D("2020-01-01"), 12, 0), "2020-12-31");
	/* Days only: 45 days from 2020-12-01 is 2020-12-01 .. 2021-01-14. */
	same(thads_ks_last(D("2020-12-01"), 0, 45), "2021-01-14");
}

/* kernel-3.2: procedural limits and the working-day rule. */
static void
kernel_p(void **state)
{
	int moved = -1;

	(void)state;
	/* 15 days after Sunday 2026-02-01: Monday 16 February, Tết, to
	 * Monday 23 February (16-20 Tết, 21-22 the weekend). */
	same(thads_kp_deadline(pack, D("2026-02-01"), 0, 15, 1, 1, &moved),
	    "2026-02-23");
	assert_int_equal(moved, 7);
	same(thads_kp_deadline(pack, D("2026-02-01"), 0, 15, 1, 0, &moved),
	    "2026-02-16");
	assert_int_equal(moved, 0);
	/* 10 days before 2026-02-25 is Sunday 15 February: back to Friday
	 * 13 February. */
	same(thads_kp_deadline(pack, D("2026-02-25"), 0, 10, -1, 1, &moved),
	    "2026-02-13");
	assert_int_equal(moved, 2);
	/* One month after 2026-01-31: 28 February, a Saturday: Monday
	 * 2 March. */
	same(thads_kp_deadline(pack, D("2026-01-31"), 1, 0, 1, 1, &moved),
	    "2026-03-02");
	assert_int_equal(moved, 2);
	/* A working day stays: 2026-03-02 + 1 day = Tuesday 3 March. */
	same(thads_kp_deadline(pack, D("2026-03-02"), 0, 1, 1, 1, &moved),
	    "2026-03-03");
	assert_int_equal(moved, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(walk_calendar),
		cmocka_unit_test(weekdays),
		cmocka_unit_test(months),
		cmocka_unit_test(kernel_d),
		cmocka_unit_test(kernel_d_hours),
		cmocka_unit_test(kernel_s),
		cmocka_unit_test(kernel_p),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
