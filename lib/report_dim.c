/*
 * report_dim.c: days, periods and the dimensions that reports group
 * by: the values each one takes, in the order people read them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "report_int.h"

/*
 * Days.  A day number counts days from 1970-01-01 (H. Hinnant's
 * civil-from-days and days-from-civil algorithms).
 */

int
rpt_make_day(int y, int m, int d)
{
	int era, yoe, doy, doe;

	while (m > 12) {
		m -= 12;
		y++;
	}
	while (m < 1) {
		m += 12;
		y--;
	}
	if (d > thads_date_mdays(y, m))
		d = thads_date_mdays(y, m);
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
rpt_civil(int z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int
rpt_day(const char *s, int *day)
{
	char buf[11];
	int y, m, d;

	if (s == NULL || strlen(s) < 10 || (s[10] != '\0' && s[10] != ' ' &&
	    s[10] != 'T'))
		return THADS_EDATA;
	memcpy(buf, s, 10);
	buf[10] = '\0';
	if (thads_date_parse(buf, &y, &m, &d) != 0)
		return THADS_EDATA;
	*day = rpt_make_day(y, m, d);
	return 0;
}

void
rpt_date(int day, char *buf)
{
	char tmp[48];
	int y, m, d;

	rpt_civil(day, &y, &m, &d);
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
	memcpy(buf, tmp, 10);
	buf[10] = '\0';
}

int
rpt_add_months(int day, int months)
{
	int y, m, d;

	rpt_civil(day, &y, &m, &d);
	return rpt_make_day(y, m + months, d);
}

int
rpt_years_between(int a, int b)
{
	int ya, yb, m, d, n;

	rpt_civil(a, &ya, &m, &d);
	rpt_civil(b, &yb, &m, &d);
	n = yb - ya;
	if (n > 0 && rpt_add_months(a, 12 * n) > b)
		n--;
	if (n < 0 && rpt_add_months(a, 12 * n) < b)
		n++;
	return n;
}

/*
 * Periods.  Day 0 was a Thursday, so (day + 3) mod 7 counts days since
 * Monday.  The ISO year and week of a week are those of its Thursday.
 */

int
rpt_period_start(int day, enum thads_every e)
{
	int y, m, d;

	rpt_civil(day, &y, &m, &d);
	switch (e) {
	case THADS_EVERY_DAY:
		return day;
	case THADS_EVERY_WEEK:
		return day - ((day % 7 + 7 + 3) % 7);
	case THADS_EVERY_MONTH:
		return rpt_make_day(y, m, 1);
	case THADS_EVERY_QUARTER:
		return rpt_make_day(y, (m - 1) / 3 * 3 + 1, 1);
	case THADS_EVERY_YEAR:
		return rpt_make_day(y, 1, 1);
	}
	return day;
}

int
rpt_period_next(int start, enum thads_every e)
{
	switch (e) {
	case THADS_EVERY_DAY:
		return start + 1;
	case THADS_EVERY_WEEK:
		return start + 7;
	case THADS_EVERY_MONTH:
		return rpt_add_months(start, 1);
	case THADS_EVERY_QUARTER:
		return rpt_add_months(start, 3);
	case THADS_EVERY_YEAR:
		return rpt_add_months(start, 12);
	}
	return start + 1;
}

void
rpt_period_label(int start, enum thads_every e, char *buf, size_t size)
{
	int y, m, d, thu = start + 3, jan1;

	rpt_civil(start, &y, &m, &d);
	switch (e) {
	case THADS_EVERY_DAY:
		rpt_date(start, buf);
		return;
	case THADS_EVERY_WEEK:
		rpt_civil(thu, &y, &m, &d);
		jan1 = rpt_make_day(y, 1, 1);
		snprintf(buf, size, "%04d-W%02d", y, (thu - jan1) / 7 + 1);
		return;
	case THADS_EVERY_MONTH:
		snprintf(buf, size, "%04d-%02d", y, m);
		return;
	case THADS_EVERY_QUARTER:
		snprintf(buf, size, "%04d-Q%d", y, (m - 1) / 3 + 1);
		return;
	case THADS_EVERY_YEAR:
		snprintf(buf, size, "%04d", y);
		return;
	}
}

int
rpt_periods_init(struct rpt_periods *p, int from, int to, enum thads_every e)
{
	size_t cap = 0;
	int s, *n;

	memset(p, 0, sizeof(*p));
	p->every = e;
	p->from = from;
	p->to = to;
	for (s = rpt_period_start(from, e); ; s = rpt_period_next(s, e)) {
		if (p->n + 1 >= cap) {
			cap = cap ? cap * 2 : 64;
			if ((n = reallocarray(p->start, cap, sizeof(*n))) ==
			    NULL)
				return -1;
			p->start = n;
		}
		p->start[p->n] = s;
		if (s > to)
			break;
		p->n++;
	}
	return 0;
}

size_t
rpt_period_of(const struct rpt_periods *p, int day)
{
	size_t lo = 0, hi = p->n, mid;

	while (hi - lo > 1) {
		mid = (lo + hi) / 2;
		if (p->start[mid] <= day)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Dimensions.
 */

static const char *const o_status[] = {
	"temporary_custody", "pretrial_detention", "serving",
	"awaiting_execution", "suspended_sentence", "non_custodial_reform",
	"conditional_release", "residence_ban", "probation", "unknown", NULL
};
static const char *const o_level[] = {
	"minimum", "medium", "maximum", "special", "none", NULL
};
static const char *const o_sex[] = { "male", "female", "unknown", NULL };
static const char *const o_age[] = {
	"0-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+",
	"unknown", NULL
};
static const char *const o_band[] = {
	"0-3y", "3-7y", "7-15y", "15-20y", "20-30y", "life", "death",
	"non_custodial", "unsentenced", "unknown", NULL
};
static const char *const o_reason[] = {
	"sentence_served", "reduction", "amnesty", "conditional_release",
	"transfer", "death", "acquitted", "charges_dropped", "bail",
	"measure_changed", "escape", "other", "unknown", NULL
};
static const char *const o_stype[] = {
	"warning", "fine", "non_custodial_reform", "suspended", "fixed_term",
	"life", "death", "residence_ban", "probation", "expulsion", "none",
	NULL
};
static const char *const o_period[] = {
	"quarter", "half_year", "year", NULL
};
static const char *const o_result[] = {
	"good", "fair", "average", "poor", NULL
};

/*
 * The chapters of the special part of the Penal Code 2015 (as amended
 * in 2017), by their first and last article.
 */
static const struct {
	int	 first, last;
	const char *name;
} chapters[] = {
	{ 108, 122, "national_security" },
	{ 123, 156, "life_health_dignity" },
	{ 157, 167, "freedom_democratic_rights" },
	{ 168, 180, "property" },
	{ 181, 187, "marriage_family" },
	{ 188, 234, "economic_management" },
	{ 235, 246, "environment" },
	{ 247, 259, "drugs" },
	{ 260, 329, "public_safety_order" },
	{ 330, 351, "administrative_order" },
	{ 352, 366, "corruption_position" },
	{ 367, 391, "judicial_activities" },
	{ 392, 420, "military_duties" },
	{ 421, 425, "peace_humanity_war" },
};

static const char *const o_offence[] = {
	"national_security", "life_health_dignity",
	"freedom_democratic_rights", "property", "marriage_family",
	"economic_management", "environment", "drugs", "public_safety_order",
	"administrative_order", "corruption_position", "judicial_activities",
	"military_duties", "peace_humanity_war", "other", "unknown", NULL
};

static const struct {
	const char *name;
	const char *const *order;	/* NULL: alphabetical */
} dims[D_COUNT] = {
	[D_FACILITY] = { "facility", NULL },
	[D_WARD] = { "ward", NULL },
	[D_STATUS] = { "status", o_status },
	[D_LEVEL] = { "custody_level", o_level },
	[D_SEX] = { "sex", o_sex },
	[D_AGE_BAND] = { "age_band", o_age },
	[D_SENTENCE_BAND] = { "sentence_band", o_band },
	[D_OFFENCE_GROUP] = { "offence_group", o_offence },
	[D_REASON] = { "reason", o_reason },
	[D_SENTENCE_TYPE] = { "sentence_type", o_stype },
	[D_PERIOD] = { "period", o_period },
	[D_RESULT] = { "result", o_result },
	[D_KIND] = { "kind", NULL },
	[D_PROGRAMME] = { "programme", NULL },
	[D_TEXT] = { "text", NULL },	/* any text, in byte order */
};

int
rpt_dim_find(const char *name)
{
	int i;

	for (i = 0; i < D_COUNT; i++)
		if (strcmp(dims[i].name, name) == 0)
			return i;
	return -1;
}

const char *
rpt_dim_name(int dim)
{
	return dim >= 0 && dim < D_COUNT ? dims[dim].name : "?";
}

static const char *
age_band(int age)
{
	static const int upper[] = { 17, 24, 34, 44, 54, 64 };
	size_t i;

	if (age < 0)
		return "unknown";
	for (i = 0; i < sizeof(upper) / sizeof(upper[0]); i++)
		if (age <= upper[i])
			return o_age[i];
	return "65+";
}

static const char *
sentence_band(const char *stype, int months)
{
	if (stype == NULL)
		return "unsentenced";
	if (strcmp(stype, "life") == 0 || strcmp(stype, "death") == 0)
		return stype;
	if (strcmp(stype, "fixed_term") != 0)
		return "non_custodial";
	if (months < 0)
		return "unknown";
	return months <= 36 ? "0-3y" : months <= 84 ? "3-7y" :
	    months <= 180 ? "7-15y" : months <= 240 ? "15-20y" : "20-30y";
}

/* The chapter of the article's number ("173", "173.1", "251a"). */
static const char *
offence_group(const char *article)
{
	long n = 0;
	size_t i;

	if (article == NULL || *article == '\0')
		return "unknown";
	for (i = 0; article[i] >= '0' && article[i] <= '9' && i < 6; i++)
		n = n * 10 + (article[i] - '0');
	for (i = 0; i < sizeof(chapters) / sizeof(chapters[0]); i++)
		if (n >= chapters[i].first && n <= chapters[i].last)
			return chapters[i].name;
	return "other";
}

const char *
rpt_dim_value(int dim, const struct unit *u)
{
	const char *v = NULL;

	switch (dim) {
	case D_FACILITY:
		v = u->facility;
		break;
	case D_WARD:
		v = u->ward;
		break;
	case D_STATUS:
		v = u->status;
		break;
	case D_LEVEL:
		return u->level != NULL ? u->level : "none";
	case D_SEX:
		v = u->sex;
		break;
	case D_AGE_BAND:
		return age_band(u->age);
	case D_SENTENCE_BAND:
		return sentence_band(u->stype, u->term_months);
	case D_OFFENCE_GROUP:
		return offence_group(u->article);
	case D_REASON:
		v = u->reason;
		break;
	case D_SENTENCE_TYPE:
		return u->stype != NULL ? u->stype : "none";
	case D_PERIOD:
	case D_KIND:
		v = u->extra[0];
		break;
	case D_RESULT:
	case D_PROGRAMME:
		v = u->extra[1];
		break;
	}
	return v != NULL && *v != '\0' ? v : "unknown";
}

static int
rank(const char *const *order, const char *v)
{
	int i;

	for (i = 0; order[i] != NULL; i++)
		if (strcmp(order[i], v) == 0)
			return i;
	return i;
}

int
rpt_dim_cmp(int dim, const char *a, const char *b)
{
	int ra, rb;

	/* The total row comes after every value. */
	if (strcmp(a, RPT_ALL) == 0 || strcmp(b, RPT_ALL) == 0)
		return (strcmp(a, RPT_ALL) == 0) - (strcmp(b, RPT_ALL) == 0);
	if (dim >= 0 && dim < D_COUNT && dims[dim].order != NULL) {
		ra = rank(dims[dim].order, a);
		rb = rank(dims[dim].order, b);
		if (ra != rb)
			return ra < rb ? -1 : 1;
	}
	return strcmp(a, b);
}

int
rpt_age(const char *birth, int age, const char *age_on, int day)
{
	int b, on;

	if (rpt_day(birth, &b) == 0)
		return day >= b ? rpt_years_between(b, day) : -1;
	if (age < 0 || rpt_day(age_on, &on) != 0)
		return -1;
	age += day >= on ? rpt_years_between(on, day) :
	    -rpt_years_between(day, on);
	return age >= 0 ? age : -1;
}

int
rpt_term_months(int years, int months, int days)
{
	if (years < 0 && months < 0 && days < 0)
		return -1;
	return (years > 0 ? years * 12 : 0) + (months > 0 ? months : 0) +
	    (days > 0 ? days / 30 : 0);
}

int
rpt_is_custody(const char *status)
{
	return status != NULL && (strcmp(status, "temporary_custody") == 0 ||
	    strcmp(status, "pretrial_detention") == 0 ||
	    strcmp(status, "serving") == 0 ||
	    strcmp(status, "awaiting_execution") == 0);
}
