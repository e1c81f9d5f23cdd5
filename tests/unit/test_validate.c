/*
 * test_validate.c: unit tests for lib/validate.c and lib/fields.c: date
 * parsing, the field table, and thads_rec_validate() on flat records
 * built with thads_rec_set().
 *
 * Tests marked "known bug:" show a defect in lib/ and are skipped so
 * that the suite stays green; run with THADS_KNOWN_BUGS=1 in the
 * environment to see them fail.
 */
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thads.h"
#include "record.h"

/* The date every test takes for today. */
#define TODAY "2024-06-15"

/* Skip a test that shows a known bug, unless asked to run it. */
#define KNOWN_BUG() do {						\
	if (getenv("THADS_KNOWN_BUGS") == NULL)				\
		skip();							\
} while (0)

/* Set the field called name to val ("" clears it). */
static void
set(struct thads_rec *r, const char *name, const char *val)
{
	int f = thads_field_find(name);

	if (f < 0)
		fail_msg("no field '%s'", name);
	assert_int_equal(thads_rec_set(r, (enum thads_fid)f, val,
	    strlen(val)), 0);
}

/* The value of the field called name, or NULL. */
static const char *
get(const struct thads_rec *r, const char *name)
{
	int f = thads_field_find(name);

	if (f < 0)
		fail_msg("no field '%s'", name);
	return r->v[f];
}

/* Start a record from pairs of field name and value, ended by NULL. */
static void
build(struct thads_rec *r, ...)
{
	const char *name, *val;
	va_list ap;

	memset(r, 0, sizeof(*r));
	r->file = "in.csv";
	r->line = 12;
	va_start(ap, r);
	while ((name = va_arg(ap, const char *)) != NULL) {
		val = va_arg(ap, const char *);
		set(r, name, val);
	}
	va_end(ap);
}

static void
drop(struct thads_rec *r)
{
	thads_rec_clear(r);
	free(r->extra);
	memset(r, 0, sizeof(*r));
}

static void
expect_ok(struct thads_rec *r)
{
	struct thads_err err;
	int rc;

	rc = thads_rec_validate(r, TODAY, &err);
	if (rc != 0)
		fail_msg("refused (%d): %s", rc, err.msg);
	assert_int_equal(err.code, 0);
}

/*
 * Expect r to be refused with a message starting with want, and the
 * place taken from the record.
 */
static void
expect_bad(struct thads_rec *r, const char *want)
{
	struct thads_err err;
	int rc;

	rc = thads_rec_validate(r, TODAY, &err);
	if (rc != THADS_EDATA)
		fail_msg("expected THADS_EDATA for '%s', got %d", want, rc);
	assert_int_equal(err.code, THADS_EDATA);
	if (strncmp(err.msg, want, strlen(want)) != 0)
		fail_msg("message '%s' does not start with '%s'", err.msg,
		    want);
	assert_string_equal(err.file, "in.csv");
	assert_int_equal(err.line, 12);
}

/* A person with a custody episode that passes every rule. */
#define EPISODE "person.id", "P1", "episode.facility", "HN01",		\
	"episode.status", "serving", "episode.admitted", "2024-01-10 08:00:00"

/* The same with a fixed-term judgment. */
#define JUDGMENT "person.id", "P1", "judgment.number", "12/2023/HS-ST",	\
	"judgment.date", "2023-12-01", "judgment.sentence_type", "fixed_term"

/* Parse s as a date and expect failure. */
static void
date_bad(const char *s)
{
	int y = -1, m = -1, d = -1;

	if (thads_date_parse(s, &y, &m, &d) != THADS_EDATA)
		fail_msg("'%s' taken for a date", s);
}

/* Parse s as a date and expect y-m-d. */
static void
date_ok(const char *s, int wy, int wm, int wd)
{
	int y = -1, m = -1, d = -1;

	if (thads_date_parse(s, &y, &m, &d) != 0)
		fail_msg("'%s' refused", s);
	assert_int_equal(y, wy);
	assert_int_equal(m, wm);
	assert_int_equal(d, wd);
}

/* validate-1.1: 29 February exists in 2000 and 2024, not in 1900 or
 * 2023 (century rule, 400-year rule). */
static void
date_leap(void **state)
{
	(void)state;
	date_ok("2000-02-29", 2000, 2, 29);
	date_ok("2024-02-29", 2024, 2, 29);
	date_bad("1900-02-29");
	date_bad("2023-02-29");
	date_bad("2100-02-29");
	date_ok("2096-02-29", 2096, 2, 29);
}

/* validate-1.2: days that do not exist, and months out of range. */
static void
date_no_such_day(void **state)
{
	(void)state;
	date_bad("2024-02-30");
	date_bad("2024-04-31");
	date_bad("2024-06-31");
	date_bad("2024-09-31");
	date_bad("2024-11-31");
	date_bad("2024-01-32");
	date_bad("2024-01-00");
	date_bad("2024-00-10");
	date_bad("2024-13-01");
	date_ok("2024-04-30", 2024, 4, 30);
	date_ok("2024-12-31", 2024, 12, 31);
	date_ok("2024-01-01", 2024, 1, 1);
}

/* validate-1.3: years 1900 to 2100 only. */
static void
date_year_bounds(void **state)
{
	(void)state;
	date_bad("1899-12-31");
	date_ok("1900-01-01", 1900, 1, 1);
	date_ok("2100-12-31", 2100, 12, 31);
	date_bad("2101-01-01");
	date_bad("0000-01-01");
	date_bad("9999-12-31");
}

/* validate-1.4: only YYYY-MM-DD, nothing before or after. */
static void
date_shape(void **state)
{
	(void)state;
	date_bad("2024-2-01");
	date_bad("2024-02-1");
	date_bad("2024-02-01x");
	date_bad("2024-02-01 ");
	date_bad(" 2024-02-01");
	date_bad("2024-02-01\n");
	date_bad("2024/02/01");
	date_bad("20240201");
	date_bad("2024-0201-");
	date_bad("+024-02-01");
	date_bad("2024-+2-01");
	date_bad("2024-02- 1");
	date_bad("24-02-01");
	date_bad("");
	date_bad("2024-02-01 08:00:00");
}

/* validate-1.5: days in each month; February by the leap-year rule. */
static void
date_mdays(void **state)
{
	static const int want[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int m;

	(void)state;
	for (m = 1; m <= 12; m++)
		assert_int_equal(thads_date_mdays(2023, m), want[m - 1]);
	assert_int_equal(thads_date_mdays(2024, 2), 29);
	assert_int_equal(thads_date_mdays(2000, 2), 29);
	assert_int_equal(thads_date_mdays(1900, 2), 28);
	assert_int_equal(thads_date_mdays(2100, 2), 28);
	assert_int_equal(thads_date_mdays(2024, 1), 31);
	assert_int_equal(thads_date_mdays(2024, 3), 31);
}

/* validate-2.1: a code holds letters, digits and . _ / - : only, up to
 * the field's length. */
static void
type_code(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "HN/2024-001.a_b:7", (char *)NULL);
	expect_ok(&r);
	set(&r, "person.id", "AB 12");
	expect_bad(&r, "person.id: 'AB 12' is not a valid code");
	set(&r, "person.id", "AB\t12");
	expect_bad(&r, "person.id: ");
	set(&r, "person.id", "AB,12");
	expect_bad(&r, "person.id: ");
	set(&r, "person.id", "Đ12");
	expect_bad(&r, "person.id: ");
	set(&r, "person.id", "12345678901234567890123456789012");
	expect_ok(&r);
	set(&r, "person.id", "123456789012345678901234567890123");
	expect_bad(&r, "person.id: ");
	drop(&r);
}

/* validate-2.2: a national ID is 9 or 12 digits. */
static void
type_natid(void **state)
{
	static const char *const bad[] = {
		"1234567890", "12345678", "12345678901", "1234567890123",
		"00123456789a", "001 23456789", "-12345678", "12345678 ",
		NULL
	};
	struct thads_rec r;
	size_t i;

	(void)state;
	build(&r, "person.national_id", "123456789", (char *)NULL);
	expect_ok(&r);
	set(&r, "person.national_id", "001234567890");
	expect_ok(&r);
	assert_string_equal(get(&r, "person.national_id"), "001234567890");
	for (i = 0; bad[i] != NULL; i++) {
		set(&r, "person.national_id", bad[i]);
		expect_bad(&r, "person.national_id: ");
	}
	set(&r, "person.national_id", "1234567890");
	expect_bad(&r, "person.national_id: '1234567890' is not a national "
	    "ID");
	drop(&r);
}

/* validate-2.3: a date field takes a real date and nothing else. */
static void
type_date(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P1", "person.birth_date", "1990-02-28",
	    (char *)NULL);
	expect_ok(&r);
	set(&r, "person.birth_date", "1990-02-29");
	expect_bad(&r, "person.birth_date: '1990-02-29' is not a real date");
	set(&r, "person.birth_date", "1899-12-31");
	expect_bad(&r, "person.birth_date: ");
	set(&r, "person.birth_date", "1990-2-28");
	expect_bad(&r, "person.birth_date: ");
	set(&r, "person.birth_date", "1990-02-28 10:00");
	expect_bad(&r, "person.birth_date: ");
	drop(&r);
}

/* Validate episode.admitted given as in, expect it stored as want. */
static void
datetime_ok(const char *in, const char *want)
{
	struct thads_rec r;

	build(&r, EPISODE, (char *)NULL);
	set(&r, "episode.admitted", in);
	expect_ok(&r);
	assert_string_equal(get(&r, "episode.admitted"), want);
	drop(&r);
}

static void
datetime_bad(const char *in)
{
	struct thads_rec r;

	build(&r, EPISODE, (char *)NULL);
	set(&r, "episode.admitted", in);
	expect_bad(&r, "episode.admitted: ");
	drop(&r);
}

/* validate-2.4: a date-time is stored "YYYY-MM-DD[ HH:MM:SS]": a 'T'
 * becomes ' ', HH:MM gains ":00"; impossible times are refused. */
static void
type_datetime(void **state)
{
	(void)state;
	datetime_ok("2024-03-01", "2024-03-01");
	datetime_ok("2024-03-01 08:30:15", "2024-03-01 08:30:15");
	datetime_ok("2024-03-01T08:30:15", "2024-03-01 08:30:15");
	datetime_ok("2024-03-01 08:30", "2024-03-01 08:30:00");
	datetime_ok("2024-03-01T08:30", "2024-03-01 08:30:00");
	datetime_ok("2024-03-01 00:00:00", "2024-03-01 00:00:00");
	datetime_ok("2024-03-01 23:59:59", "2024-03-01 23:59:59");
	datetime_bad("2024-03-01 24:00");
	datetime_bad("2024-03-01 24:00:00");
	datetime_bad("2024-03-01 23:60");
	datetime_bad("2024-03-01 23:59:60");
	datetime_bad("2024-03-01 8:30");
	datetime_bad("2024-03-01 08:30:1");
	datetime_bad("2024-03-01 08:30:150");
	datetime_bad("2024-03-01 08-30-15");
	datetime_bad("2024-03-01x08:30:15");
	datetime_bad("2024-03-01 ");
	datetime_bad("2024-02-30 08:00");
	datetime_bad("2024-03-01 08:30Z");
	datetime_bad("2024-03-01T08:30:15Z");
}

/*
 * validate-2.5: a date-time with any byte but ' ' or 'T' between the date
 * and the time is refused, in the HH:MM form ("2024-03-01x08:30", which
 * is widened to HH:MM:SS first) as in the HH:MM:SS one.
 */
static void
type_datetime_separator(void **state)
{
	(void)state;
	datetime_bad("2024-03-01x08:30");
	datetime_bad("2024-03-01/08:30");
}

/* validate-2.6: a number is whole, >= 0, within the field's bound, and
 * stored in one spelling. */
static void
type_int(void **state)
{
	static const char *const bad[] = {
		"-1", "+5", " 5", "5 ", "5.0", "1e3", "0x10", "five", "131",
		"99999999999999999999", "-0", NULL
	};
	struct thads_rec r;
	size_t i;

	(void)state;
	build(&r, "person.id", "P1", "person.age", "007", (char *)NULL);
	expect_ok(&r);
	assert_string_equal(get(&r, "person.age"), "7");
	set(&r, "person.age", "0");
	expect_ok(&r);
	assert_string_equal(get(&r, "person.age"), "0");
	set(&r, "person.age", "000");
	expect_ok(&r);
	assert_string_equal(get(&r, "person.age"), "0");
	set(&r, "person.age", "130");
	expect_ok(&r);
	assert_string_equal(get(&r, "person.age"), "130");
	for (i = 0; bad[i] != NULL; i++) {
		set(&r, "person.age", bad[i]);
		expect_bad(&r, "person.age: ");
	}
	set(&r, "person.age", "131");
	expect_bad(&r, "person.age: '131' is not a whole number from 0 to 130");
	drop(&r);

	/* Each number field has its own bound. */
	build(&r, JUDGMENT, "judgment.term_years", "30", (char *)NULL);
	expect_ok(&r);
	set(&r, "judgment.term_years", "31");
	expect_bad(&r, "judgment.term_years: ");
	set(&r, "judgment.term_years", "");
	set(&r, "judgment.term_days", "11000");
	expect_ok(&r);
	set(&r, "judgment.term_days", "11001");
	expect_bad(&r, "judgment.term_days: ");
	drop(&r);
}

/* validate-2.7: enumerations ignore case and take '-' or ' ' for '_';
 * the value is rewritten to its canonical spelling. */
static void
type_enum(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, EPISODE, "person.sex", "FEMALE", (char *)NULL);
	set(&r, "episode.status", "Pretrial-Detention");
	expect_ok(&r);
	assert_string_equal(get(&r, "episode.status"), "pretrial_detention");
	assert_string_equal(get(&r, "person.sex"), "female");
	set(&r, "episode.status", "pretrial detention");
	expect_ok(&r);
	assert_string_equal(get(&r, "episode.status"), "pretrial_detention");
	set(&r, "episode.status", "SERVING");
	expect_ok(&r);
	assert_string_equal(get(&r, "episode.status"), "serving");
	set(&r, "episode.status", "pretrial");
	expect_bad(&r, "episode.status: 'pretrial' is not one of "
	    "temporary_custody, pretrial_detention, serving, "
	    "awaiting_execution, suspended_sentence, non_custodial_reform, "
	    "conditional_release, residence_ban, probation");
	set(&r, "episode.status", "serving ");
	expect_bad(&r, "episode.status: ");
	set(&r, "episode.status", "servingx");
	expect_bad(&r, "episode.status: ");
	set(&r, "episode.status", "serving");
	set(&r, "person.sex", "m");
	expect_bad(&r, "person.sex: ");
	drop(&r);
}

/* validate-2.8: free text is one line: no control characters; UTF-8
 * and its length limit (4 bytes a character) are allowed. */
static void
type_text(void **state)
{
	char big[802];
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P1", "person.name", "Nguyễn Văn An",
	    (char *)NULL);
	expect_ok(&r);
	set(&r, "person.name", "Nguyen\x01Van");
	expect_bad(&r, "person.name: 'Nguyen\x01Van' is holding a control "
	    "character (byte 0x01)");
	set(&r, "person.name", "Nguyen\tVan");
	expect_bad(&r, "person.name: 'Nguyen\tVan' is holding a control "
	    "character (byte 0x09)");
	set(&r, "person.name", "Nguyen\nVan");
	expect_bad(&r, "person.name: ");
	set(&r, "person.name", "Nguyen\x7fVan");
	expect_bad(&r, "person.name: ");
	set(&r, "person.name", "Nguyen\x1b[2JVan");
	expect_bad(&r, "person.name: ");

	memset(big, 'a', sizeof(big));
	big[800] = '\0';
	set(&r, "person.name", big);
	expect_ok(&r);
	big[800] = 'a';
	big[801] = '\0';
	set(&r, "person.name", big);
	expect_bad(&r, "person.name: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaa' is longer than 800 bytes");
	set(&r, "person.name", "");
	set(&r, "person.aliases", "An Nguyen; Ba An;Tư");
	expect_ok(&r);
	set(&r, "person.aliases", "An\rNguyen");
	expect_bad(&r, "person.aliases: ");
	drop(&r);
}

/*
 * validate-2.9: a text value that is not UTF-8 is refused by validation,
 * so that it never reaches the importer (which would fail to fold it).
 */
static void
type_text_utf8(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P1", "person.name", "Nguy\xff\xfen",
	    (char *)NULL);
	expect_bad(&r, "person.name: 'Nguy\xff\xfen' is not valid UTF-8");
	drop(&r);
}

/* validate-2.10: the first bad field (in table order) is reported, with
 * the place of the record; a good record clears err. */
static void
type_message(void **state)
{
	struct thads_err err;
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P 1", "episode.status", "nope", (char *)NULL);
	r.file = "dossiers/2024.csv";
	r.line = 4711;
	assert_int_equal(thads_rec_validate(&r, TODAY, &err), THADS_EDATA);
	assert_string_equal(err.msg, "person.id: 'P 1' is not a valid code "
	    "(letters, digits, . _ / - :)");
	assert_string_equal(err.file, "dossiers/2024.csv");
	assert_int_equal(err.line, 4711);
	drop(&r);

	build(&r, "person.id", "P1", (char *)NULL);
	assert_int_equal(thads_rec_validate(&r, TODAY, &err), 0);
	assert_int_equal(err.code, 0);
	assert_string_equal(err.msg, "");
	assert_string_equal(err.file, "");
	assert_int_equal(err.line, 0);
	drop(&r);
}

/* validate-3.1: a record must name its person: person.id, or
 * person.national_id, or person.name with person.birth_date. */
static void
rule_person_key(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.name", "Trần Thị Bình", (char *)NULL);
	expect_bad(&r, "person: no key");
	set(&r, "person.birth_date", "1985-07-04");
	expect_ok(&r);
	drop(&r);

	build(&r, "person.birth_date", "1985-07-04", "person.sex", "male",
	    (char *)NULL);
	expect_bad(&r, "person: no key");
	drop(&r);

	build(&r, "person.national_id", "079085001234", (char *)NULL);
	expect_ok(&r);
	drop(&r);

	build(&r, "episode.facility", "HN01", "episode.status", "serving",
	    "episode.admitted", "2024-01-10", (char *)NULL);
	expect_bad(&r, "person: no key");
	drop(&r);
}

/* validate-3.2: a birth (and the date of an age) may be today but not
 * after it. */
static void
rule_birth_future(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P1", "person.birth_date", TODAY, (char *)NULL);
	expect_ok(&r);
	set(&r, "person.birth_date", "2024-06-16");
	expect_bad(&r, "person.birth_date: in the future ('2024-06-16')");
	set(&r, "person.birth_date", "2090-01-01");
	expect_bad(&r, "person.birth_date: in the future");
	set(&r, "person.birth_date", "");
	set(&r, "person.age", "40");
	set(&r, "person.age_on", "2024-06-16");
	expect_bad(&r, "person.age_on: in the future");
	set(&r, "person.age_on", TODAY);
	expect_ok(&r);
	drop(&r);
}

/* validate-3.3: a release is not before the admission, nor the
 * admission before the birth; both may fall on the same moment. */
static void
rule_release_order(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, EPISODE, "episode.released", "2024-01-09", (char *)NULL);
	expect_bad(&r, "episode.released: before episode.admitted");
	set(&r, "episode.released", "2024-01-10 07:59:59");
	expect_bad(&r, "episode.released: before episode.admitted");
	set(&r, "episode.released", "2024-01-10T08:00");
	expect_ok(&r);
	assert_string_equal(get(&r, "episode.released"),
	    "2024-01-10 08:00:00");
	set(&r, "episode.released", "2024-03-01");
	expect_ok(&r);
	set(&r, "person.birth_date", "2024-01-11");
	expect_bad(&r, "episode.admitted: before person.birth_date");
	drop(&r);
}

/* validate-3.4: neither the admission nor the release is in the
 * future. */
static void
rule_episode_future(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, EPISODE, (char *)NULL);
	set(&r, "episode.admitted", "2024-06-15 23:59:59");
	expect_ok(&r);
	set(&r, "episode.admitted", "2024-06-16 00:00:00");
	expect_bad(&r, "episode.admitted: in the future");
	set(&r, "episode.admitted", "2024-01-10");
	set(&r, "episode.released", "2024-06-16");
	expect_bad(&r, "episode.released: in the future");
	drop(&r);
}

/* validate-3.5: a release reason needs a release. */
static void
rule_reason_without_release(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, EPISODE, "episode.release_reason", "Sentence Served",
	    (char *)NULL);
	expect_bad(&r, "episode.release_reason: given without "
	    "episode.released");
	set(&r, "episode.released", "2024-05-01");
	expect_ok(&r);
	assert_string_equal(get(&r, "episode.release_reason"),
	    "sentence_served");
	drop(&r);
}

/* validate-3.6: an episode needs its admission, status and facility,
 * whichever of its fields it carries. */
static void
rule_episode_required(void **state)
{
	static const char *const need[] = {
		"episode.admitted", "episode.status", "episode.facility", NULL
	};
	char want[128];
	struct thads_rec r;
	size_t i;

	(void)state;
	for (i = 0; need[i] != NULL; i++) {
		build(&r, EPISODE, (char *)NULL);
		set(&r, need[i], "");
		snprintf(want, sizeof(want), "%s: missing (required with "
		    "episode fields)", need[i]);
		expect_bad(&r, want);
		drop(&r);
	}
	build(&r, "person.id", "P1", "episode.custody_level", "maximum",
	    (char *)NULL);
	expect_bad(&r, "episode.admitted: missing");
	drop(&r);
}

/* validate-3.7: a judgment needs its number, date and sentence type;
 * a term goes with a fixed term, a suspended sentence or non-custodial
 * reform, and never with life, death, a warning or a fine. */
static void
rule_judgment_term(void **state)
{
	static const char *const termed[] = {
		"fixed_term", "suspended", "non_custodial_reform", NULL
	};
	static const char *const termless[] = {
		"life", "death", "warning", "fine", NULL
	};
	char want[128];
	struct thads_rec r;
	size_t i;

	(void)state;
	for (i = 0; termed[i] != NULL; i++) {
		build(&r, JUDGMENT, (char *)NULL);
		set(&r, "judgment.sentence_type", termed[i]);
		snprintf(want, sizeof(want), "judgment.term_years: no term "
		    "given for a %s sentence", termed[i]);
		expect_bad(&r, want);
		set(&r, "judgment.term_months", "18");
		expect_ok(&r);
		drop(&r);
	}
	for (i = 0; termless[i] != NULL; i++) {
		build(&r, JUDGMENT, (char *)NULL);
		set(&r, "judgment.sentence_type", termless[i]);
		expect_ok(&r);
		set(&r, "judgment.term_days", "10");
		snprintf(want, sizeof(want), "judgment.term_years: a term "
		    "given for a %s sentence", termless[i]);
		expect_bad(&r, want);
		drop(&r);
	}
	build(&r, JUDGMENT, "judgment.term_years", "2", (char *)NULL);
	set(&r, "judgment.number", "");
	expect_bad(&r, "judgment.number: missing (required with judgment "
	    "fields)");
	set(&r, "judgment.number", "5/2023");
	set(&r, "judgment.date", "");
	expect_bad(&r, "judgment.date: missing");
	set(&r, "judgment.date", "2023-12-01");
	set(&r, "judgment.sentence_type", "");
	expect_bad(&r, "judgment.sentence_type: missing");
	drop(&r);
}

/* validate-3.8: a probation period only with a suspended sentence. */
static void
rule_probation(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, JUDGMENT, "judgment.term_years", "2",
	    "judgment.probation_months", "48", (char *)NULL);
	expect_bad(&r, "judgment.probation_months: only for a suspended "
	    "sentence, not fixed_term");
	set(&r, "judgment.sentence_type", "Suspended");
	expect_ok(&r);
	assert_string_equal(get(&r, "judgment.sentence_type"), "suspended");
	set(&r, "judgment.probation_months", "61");
	expect_bad(&r, "judgment.probation_months: ");
	drop(&r);
}

/* validate-3.9: the offence comes before (or on) the judgment date, and
 * not before the birth. */
static void
rule_offence_date(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, JUDGMENT, "judgment.term_years", "2",
	    "judgment.offence_date", "2023-12-02", (char *)NULL);
	expect_bad(&r, "judgment.date: before judgment.offence_date");
	set(&r, "judgment.offence_date", "2023-12-01");
	expect_ok(&r);
	set(&r, "judgment.offence_date", "2022-05-01");
	expect_ok(&r);
	set(&r, "person.birth_date", "2022-05-02");
	expect_bad(&r, "judgment.offence_date: before person.birth_date");
	drop(&r);
}

/* validate-3.10: a detention order has a start and an end, the end not
 * before the start. */
static void
rule_order(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P1", "detention_order.start", "2024-03-01",
	    "detention_order.end", "2024-02-29", (char *)NULL);
	expect_bad(&r, "detention_order.end: before detention_order.start");
	set(&r, "detention_order.end", "2024-03-01");
	expect_ok(&r);
	set(&r, "detention_order.end", "2024-05-31");
	set(&r, "detention_order.category", "Very Serious");
	expect_ok(&r);
	assert_string_equal(get(&r, "detention_order.category"),
	    "very_serious");
	set(&r, "detention_order.end", "");
	expect_bad(&r, "detention_order.end: missing");
	set(&r, "detention_order.end", "2024-05-31");
	set(&r, "detention_order.start", "");
	expect_bad(&r, "detention_order.start: missing");
	drop(&r);
}

/* validate-3.11: a reduction has a date and an amount. */
static void
rule_reduction(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P1", "reduction.date", "2024-04-30",
	    "reduction.decision", "QD-17", (char *)NULL);
	expect_bad(&r, "reduction.days: no amount given");
	set(&r, "reduction.months", "6");
	expect_ok(&r);
	set(&r, "reduction.months", "");
	set(&r, "reduction.days", "0");
	expect_ok(&r);
	set(&r, "reduction.date", "");
	expect_bad(&r, "reduction.date: missing");
	drop(&r);
}

/* validate-3.12: a classification has its period, the period's end and
 * the result. */
static void
rule_classification(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P1", "classification.period", "Half Year",
	    "classification.period_end", "2024-05-25", (char *)NULL);
	expect_bad(&r, "classification.result: missing (required with "
	    "classification fields)");
	set(&r, "classification.result", "Good");
	expect_ok(&r);
	assert_string_equal(get(&r, "classification.period"), "half_year");
	assert_string_equal(get(&r, "classification.result"), "good");
	set(&r, "classification.period", "");
	expect_bad(&r, "classification.period: missing");
	drop(&r);
}

/* validate-3.13: facility fields need a facility code, given as
 * facility.code or as the episode's facility. */
static void
rule_facility(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P1", "facility.name", "Trại giam Hỏa Lò",
	    (char *)NULL);
	expect_bad(&r, "facility.code: missing (required with facility "
	    "fields)");
	set(&r, "facility.code", "HL");
	expect_ok(&r);
	drop(&r);

	build(&r, EPISODE, "facility.kind", "Detention Centre", (char *)NULL);
	expect_ok(&r);
	assert_string_equal(get(&r, "facility.kind"), "detention_centre");
	drop(&r);
}

/* validate-3.14: a violation has a date, not in the future, and a
 * kind. */
static void
rule_violation(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, "person.id", "P1", "violation.date", "2024-06-01",
	    "violation.kind", "curfew", (char *)NULL);
	expect_ok(&r);
	set(&r, "violation.date", "2024-06-16");
	expect_bad(&r, "violation.date: in the future");
	set(&r, "violation.date", "2024-06-01");
	set(&r, "violation.kind", "");
	expect_bad(&r, "violation.kind: missing");
	drop(&r);
}

/* validate-4.1: every field is found by its name, its name starts with
 * its kind's name, and unknown names give -1. */
static void
field_find(void **state)
{
	const struct thads_field *fd;
	size_t n;
	int i;

	(void)state;
	assert_int_equal(thads_field_find("person.id"), F_PERSON_ID);
	assert_int_equal(thads_field_find("episode.admitted"), F_EP_ADMITTED);
	assert_int_equal(thads_field_find("violation.note"), F_VI_NOTE);
	assert_int_equal(thads_field_find("person.nope"), -1);
	assert_int_equal(thads_field_find("person"), -1);
	assert_int_equal(thads_field_find(""), -1);
	assert_int_equal(thads_field_find("person.id "), -1);
	assert_int_equal(thads_field_find("extra.top_charge"), -1);
	for (i = 0; i < F_COUNT; i++) {
		fd = thads_field((enum thads_fid)i);
		assert_non_null(fd);
		assert_int_equal(thads_field_find(fd->name), i);
		n = strlen(thads_kind_name(fd->kind));
		assert_memory_equal(fd->name, thads_kind_name(fd->kind), n);
		assert_int_equal(fd->name[n], '.');
		assert_non_null(fd->doc);
		assert_int_equal(fd->type == THADS_T_ENUM,
		    fd->values != NULL);
	}
	assert_null(thads_field(F_COUNT));
	assert_null(thads_field((enum thads_fid)-1));
}

/* validate-4.2: enumerated values: case, '-' and ' ' ignored; the
 * canonical word is returned; NULL for other words and other fields. */
static void
field_enum(void **state)
{
	(void)state;
	assert_string_equal(thads_field_enum(F_EP_STATUS,
	    "Pretrial-Detention"), "pretrial_detention");
	assert_string_equal(thads_field_enum(F_EP_STATUS,
	    "PRETRIAL DETENTION"), "pretrial_detention");
	assert_string_equal(thads_field_enum(F_EP_STATUS,
	    "pretrial_detention"), "pretrial_detention");
	assert_string_equal(thads_field_enum(F_PERSON_SEX, "Male"), "male");
	assert_string_equal(thads_field_enum(F_JU_TYPE, "fixed-term"),
	    "fixed_term");
	assert_string_equal(thads_field_enum(F_FAC_KIND,
	    "Temporary Custody House"), "temporary_custody_house");
	assert_null(thads_field_enum(F_EP_STATUS, "pretrial"));
	assert_null(thads_field_enum(F_EP_STATUS, "pretrial_detention_"));
	assert_null(thads_field_enum(F_EP_STATUS, ""));
	assert_null(thads_field_enum(F_PERSON_SEX, "m"));
	assert_null(thads_field_enum(F_PERSON_NAME, "male"));
	assert_null(thads_field_enum(F_COUNT, "male"));
}

/* validate-4.3: the kinds' names as used in field names. */
static void
kind_names(void **state)
{
	(void)state;
	assert_string_equal(thads_kind_name(THADS_K_PERSON), "person");
	assert_string_equal(thads_kind_name(THADS_K_FACILITY), "facility");
	assert_string_equal(thads_kind_name(THADS_K_EPISODE), "episode");
	assert_string_equal(thads_kind_name(THADS_K_JUDGMENT), "judgment");
	assert_string_equal(thads_kind_name(THADS_K_ORDER),
	    "detention_order");
	assert_string_equal(thads_kind_name(THADS_K_CLASSIF),
	    "classification");
	assert_string_equal(thads_kind_name(THADS_K_REDUCTION), "reduction");
	assert_string_equal(thads_kind_name(THADS_K_VIOLATION), "violation");
	assert_string_equal(thads_kind_name(THADS_K_COUNT), "?");
}

/* validate-4.4: setting, clearing and testing fields of a record;
 * extras count as episode fields. */
static void
rec_basics(void **state)
{
	struct thads_rec r;

	(void)state;
	build(&r, (char *)NULL);
	assert_false(thads_rec_has(&r, THADS_K_PERSON));
	assert_int_equal(thads_rec_set(&r, F_PERSON_NAME, "An\0junk", 2), 0);
	assert_string_equal(r.v[F_PERSON_NAME], "An");
	assert_true(thads_rec_has(&r, THADS_K_PERSON));
	assert_false(thads_rec_has(&r, THADS_K_EPISODE));
	assert_int_equal(thads_rec_set(&r, F_PERSON_NAME, "x", 0), 0);
	assert_null(r.v[F_PERSON_NAME]);
	assert_false(thads_rec_has(&r, THADS_K_PERSON));

	assert_int_equal(thads_rec_extra(&r, "top_charge", "PL 1xx", 4), 0);
	assert_int_equal(r.nextra, 1);
	assert_string_equal(r.extra[0].key, "top_charge");
	assert_string_equal(r.extra[0].val, "PL 1");
	assert_true(thads_rec_has(&r, THADS_K_EPISODE));

	set(&r, "person.id", "P1");
	thads_rec_clear(&r);
	assert_null(r.v[F_PERSON_ID]);
	assert_int_equal(r.nextra, 0);
	assert_string_equal(r.file, "in.csv");
	assert_int_equal(r.line, 12);
	assert_false(thads_rec_has(&r, THADS_K_EPISODE));
	drop(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(date_leap),
		cmocka_unit_test(date_no_such_day),
		cmocka_unit_test(date_year_bounds),
		cmocka_unit_test(date_shape),
		cmocka_unit_test(date_mdays),
		cmocka_unit_test(type_code),
		cmocka_unit_test(type_natid),
		cmocka_unit_test(type_date),
		cmocka_unit_test(type_datetime),
		cmocka_unit_test(type_datetime_separator),
		cmocka_unit_test(type_int),
		cmocka_unit_test(type_enum),
		cmocka_unit_test(type_text),
		cmocka_unit_test(type_text_utf8),
		cmocka_unit_test(type_message),
		cmocka_unit_test(rule_person_key),
		cmocka_unit_test(rule_birth_future),
		cmocka_unit_test(rule_release_order),
		cmocka_unit_test(rule_episode_future),
		cmocka_unit_test(rule_reason_without_release),
		cmocka_unit_test(rule_episode_required),
		cmocka_unit_test(rule_judgment_term),
		cmocka_unit_test(rule_probation),
		cmocka_unit_test(rule_offence_date),
		cmocka_unit_test(rule_order),
		cmocka_unit_test(rule_reduction),
		cmocka_unit_test(rule_classification),
		cmocka_unit_test(rule_facility),
		cmocka_unit_test(rule_violation),
		cmocka_unit_test(field_find),
		cmocka_unit_test(field_enum),
		cmocka_unit_test(kind_names),
		cmocka_unit_test(rec_basics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
