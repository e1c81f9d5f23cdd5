/*
 * validate.c: the one check of a flat record, shared by every path that
 * writes a dossier (the importer and the record editor).
 *
 * A value is first checked against its field's type, then the rules that
 * tie fields together are applied.  Enumerated words and date-times are
 * rewritten to their canonical spelling so that the database holds one
 * spelling of each value.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>

#include "record.h"

/* Dates outside these years are taken for typing errors. */
#define YEAR_MIN THADS_YEAR_MIN
#define YEAR_MAX THADS_YEAR_MAX

int
thads_date_mdays(int y, int m)
{
	static const int mdays[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m < 1 || m > 12)
		return 0;
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return mdays[m - 1];
}

/* Read exactly n digits from s. */
static int
digits(const char *s, int n, int *out)
{
	int i, v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parse YYYY-MM-DD at the start of s; the caller checks what follows. */
static int
date_prefix(const char *s, int *y, int *m, int *d)
{
	if (digits(s, 4, y) || s[4] != '-' || digits(s + 5, 2, m) ||
	    s[7] != '-' || digits(s + 8, 2, d))
		return THADS_EDATA;
	if (*y < YEAR_MIN || *y > YEAR_MAX || *m < 1 || *m > 12 ||
	    *d < 1 || *d > thads_date_mdays(*y, *m))
		return THADS_EDATA;
	return 0;
}

int
thads_date_parse(const char *s, int *y, int *m, int *d)
{
	if (strlen(s) != 10)
		return THADS_EDATA;
	return date_prefix(s, y, m, d);
}

/*
 * A date-time: a date, optionally followed by ' ' or 'T' and HH:MM:SS
 * (widen_minutes() has already added the seconds to HH:MM).  The 'T' is
 * rewritten to ' ' so that one spelling is stored.
 */
static int
check_datetime(char *s)
{
	int y, mo, d, h, mi, sec = 0;
	size_t n = strlen(s);

	if (n < 10 || date_prefix(s, &y, &mo, &d))
		return THADS_EDATA;
	if (n == 10)
		return 0;
	if ((s[10] != ' ' && s[10] != 'T') || n != 19)
		return THADS_EDATA;
	if (digits(s + 11, 2, &h) || s[13] != ':' || digits(s + 14, 2, &mi))
		return THADS_EDATA;
	if (n == 19 && (s[16] != ':' || digits(s + 17, 2, &sec)))
		return THADS_EDATA;
	if (h > 23 || mi > 59 || sec > 59)
		return THADS_EDATA;
	s[10] = ' ';
	return 0;
}

static int
check_code(const char *s, long max)
{
	const char *p;

	if ((long)strlen(s) > max)
		return THADS_EDATA;
	for (p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._/-:", *p)))
			return THADS_EDATA;
	return 0;
}

static int
check_text(const char *s, long max)
{
	const unsigned char *p;
	size_t n = strlen(s);

	if ((long)n > max * 4 || u8_check((const uint8_t *)s, n) != NULL)
		return THADS_EDATA;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return THADS_EDATA;
	return 0;
}

static int
check_natid(const char *s)
{
	size_t n = strlen(s), i;

	if (n != 9 && n != 12)
		return THADS_EDATA;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return THADS_EDATA;
	return 0;
}

/* Why a value of type t is refused, for the message. */
static const char *
type_reason(enum thads_ftype t)
{
	switch (t) {
	case THADS_T_CODE:
		return "not a valid code (letters, digits, . _ / - :)";
	case THADS_T_NATID:
		return "not a national ID (9 or 12 digits)";
	case THADS_T_DATE:
		return "not a real date (YYYY-MM-DD, 1900 to 2100)";
	case THADS_T_DATETIME:
		return "not a real date and time (YYYY-MM-DD[ HH:MM[:SS]], "
		    "1900 to 2100)";
	default:
		return "not valid";
	}
}

/*
 * Why s, refused as a value of field f, is refused: the range of a
 * number, the words of an enumeration, and for text the one check it
 * failed (UTF-8 first, then control characters, then the length).  One
 * line, into buf.
 */
static void
why_bad(enum thads_fid f, const char *s, char *buf, size_t size)
{
	const struct thads_field *fd = thads_field(f);
	const unsigned char *p;
	size_t i, n = strlen(s), len;

	switch (fd->type) {
	case THADS_T_INT:
		snprintf(buf, size, "not a whole number from 0 to %ld",
		    fd->max);
		return;
	case THADS_T_ENUM:
		len = (size_t)snprintf(buf, size, "not one of");
		for (i = 0; fd->values[i] != NULL && len < size; i++)
			len += (size_t)snprintf(buf + len, size - len, "%s%s",
			    i ? ", " : " ", fd->values[i]);
		return;
	case THADS_T_CODE:
		if ((long)n > fd->max) {
			snprintf(buf, size, "longer than %ld characters",
			    fd->max);
			return;
		}
		break;
	case THADS_T_TEXT:
	case THADS_T_LIST:
		if (u8_check((const uint8_t *)s, n) != NULL) {
			snprintf(buf, size, "not valid UTF-8");
			return;
		}
		for (p = (const unsigned char *)s; *p; p++)
			if (*p < 0x20 || *p == 0x7f) {
				snprintf(buf, size, "holding a control "
				    "character (byte 0x%02X)", *p);
				return;
			}
		snprintf(buf, size, "longer than %ld bytes", fd->max * 4);
		return;
	default:
		break;
	}
	snprintf(buf, size, "%s", type_reason(fd->type));
}

/* Rewrite a HH:MM date-time to HH:MM:SS in place of the old value. */
static int
widen_minutes(struct thads_rec *r, enum thads_fid f)
{
	char buf[20];

	if (strlen(r->v[f]) != 16)
		return 0;
	if (r->v[f][10] != ' ' && r->v[f][10] != 'T')
		return THADS_EDATA;
	memcpy(buf, r->v[f], 16);
	memcpy(buf + 16, ":00", 4);
	buf[10] = ' ';
	return thads_rec_set(r, f, buf, 19);
}

/* Store a number in one spelling ("007" becomes "7"). */
static int
canon_int(struct thads_rec *r, enum thads_fid f, long n)
{
	char buf[24];
	int len = snprintf(buf, sizeof(buf), "%ld", n);

	if (strcmp(buf, r->v[f]) == 0)
		return 0;
	return thads_rec_set(r, f, buf, (size_t)len);
}

static int
check_value(struct thads_rec *r, enum thads_fid f)
{
	const struct thads_field *fd = thads_field(f);
	const char *canon;
	char *s = r->v[f];
	int y, m, d, rc;
	long n;

	switch (fd->type) {
	case THADS_T_TEXT:
	case THADS_T_LIST:
		return check_text(s, fd->max);
	case THADS_T_CODE:
		return check_code(s, fd->max);
	case THADS_T_NATID:
		return check_natid(s);
	case THADS_T_DATE:
		return thads_date_parse(s, &y, &m, &d);
	case THADS_T_DATETIME:
		if ((rc = widen_minutes(r, f)) != 0)
			return rc;
		return check_datetime(r->v[f]);
	case THADS_T_INT:
		if (thads_parse_long(s, 0, fd->max, &n) != 0)
			return THADS_EDATA;
		return canon_int(r, f, n);
	case THADS_T_ENUM:
		if ((canon = thads_field_enum(f, s)) == NULL)
			return THADS_EDATA;
		return thads_rec_set(r, f, canon, strlen(canon));
	}
	return THADS_ESOFTWARE;
}

static int
fail(struct thads_rec *r, struct thads_err *err, const char *fmt,
    const char *a, const char *b)
{
	char msg[400];

	snprintf(msg, sizeof(msg), fmt, a, b);
	return thads_seterr(err, THADS_EDATA, r->file, r->line, "%s", msg);
}

/* Field f must be present when kind k is. */
static int
need(struct thads_rec *r, enum thads_fid f, struct thads_err *err)
{
	if (r->v[f] != NULL)
		return 0;
	return fail(r, err, "%s: missing (required with %s fields)",
	    thads_field(f)->name, thads_kind_name(thads_field(f)->kind));
}

/* a and b both present and b earlier than a: refused. */
static int
order(struct thads_rec *r, enum thads_fid a, enum thads_fid b,
    struct thads_err *err)
{
	if (r->v[a] == NULL || r->v[b] == NULL)
		return 0;
	if (strcmp(r->v[b], r->v[a]) >= 0)
		return 0;
	return fail(r, err, "%s: before %s", thads_field(b)->name,
	    thads_field(a)->name);
}

static int
not_future(struct thads_rec *r, enum thads_fid f, const char *today,
    struct thads_err *err)
{
	if (r->v[f] == NULL || strncmp(r->v[f], today, 10) <= 0)
		return 0;
	return fail(r, err, "%s: in the future ('%s')", thads_field(f)->name,
	    r->v[f]);
}

static int
any_of(struct thads_rec *r, enum thads_fid a, enum thads_fid b,
    enum thads_fid c)
{
	return r->v[a] != NULL || r->v[b] != NULL || r->v[c] != NULL;
}

static int
check_person(struct thads_rec *r, const char *today, struct thads_err *err)
{
	if (r->v[F_PERSON_ID] == NULL && r->v[F_PERSON_NATID] == NULL &&
	    (r->v[F_PERSON_NAME] == NULL || r->v[F_PERSON_BIRTH] == NULL))
		return fail(r, err, "%s%s", "person: no key (person.id, "
		    "person.national_id, or person.name with "
		    "person.birth_date)", "");
	if (not_future(r, F_PERSON_BIRTH, today, err) ||
	    not_future(r, F_PERSON_AGE_ON, today, err))
		return THADS_EDATA;
	return 0;
}

static int
check_episode(struct thads_rec *r, const char *today, struct thads_err *err)
{
	if (need(r, F_EP_ADMITTED, err) || need(r, F_EP_STATUS, err) ||
	    need(r, F_EP_FACILITY, err))
		return THADS_EDATA;
	if (not_future(r, F_EP_ADMITTED, today, err) ||
	    not_future(r, F_EP_RELEASED, today, err) ||
	    order(r, F_EP_ADMITTED, F_EP_RELEASED, err) ||
	    order(r, F_PERSON_BIRTH, F_EP_ADMITTED, err))
		return THADS_EDATA;
	if (r->v[F_EP_REASON] != NULL && r->v[F_EP_RELEASED] == NULL)
		return fail(r, err, "%s: given without %s",
		    "episode.release_reason", "episode.released");
	return 0;
}

static int
check_judgment(struct thads_rec *r, struct thads_err *err)
{
	const char *t;
	int term;

	if (need(r, F_JU_NUMBER, err) || need(r, F_JU_DATE, err) ||
	    need(r, F_JU_TYPE, err))
		return THADS_EDATA;
	if (order(r, F_JU_OFFENCE_DATE, F_JU_DATE, err) ||
	    order(r, F_PERSON_BIRTH, F_JU_OFFENCE_DATE, err))
		return THADS_EDATA;
	t = r->v[F_JU_TYPE];
	term = any_of(r, F_JU_YEARS, F_JU_MONTHS, F_JU_DAYS);
	if (!term && (!strcmp(t, "fixed_term") || !strcmp(t, "suspended") ||
	    !strcmp(t, "non_custodial_reform")))
		return fail(r, err, "judgment.term_years: no term given for a "
		    "%s sentence%s", t, "");
	if (term && (!strcmp(t, "life") || !strcmp(t, "death") ||
	    !strcmp(t, "warning") || !strcmp(t, "fine")))
		return fail(r, err, "judgment.term_years: a term given for a "
		    "%s sentence%s", t, "");
	if (r->v[F_JU_PROBATION] != NULL && strcmp(t, "suspended") != 0)
		return fail(r, err, "judgment.probation_months: only for a "
		    "suspended sentence, not %s%s", t, "");
	return 0;
}

static int
check_kinds(struct thads_rec *r, const char *today, struct thads_err *err)
{
	if (thads_rec_has(r, THADS_K_EPISODE) &&
	    check_episode(r, today, err))
		return THADS_EDATA;
	if (thads_rec_has(r, THADS_K_JUDGMENT) && check_judgment(r, err))
		return THADS_EDATA;
	if (thads_rec_has(r, THADS_K_ORDER) && (need(r, F_OR_START, err) ||
	    need(r, F_OR_END, err) || order(r, F_OR_START, F_OR_END, err)))
		return THADS_EDATA;
	if (thads_rec_has(r, THADS_K_CLASSIF) && (need(r, F_CL_PERIOD, err) ||
	    need(r, F_CL_END, err) || need(r, F_CL_RESULT, err)))
		return THADS_EDATA;
	if (thads_rec_has(r, THADS_K_REDUCTION) && need(r, F_RE_DATE, err))
		return THADS_EDATA;
	if (thads_rec_has(r, THADS_K_REDUCTION) &&
	    !any_of(r, F_RE_YEARS, F_RE_MONTHS, F_RE_DAYS))
		return fail(r, err, "%s%s", "reduction.days: no amount given "
		    "(years, months or days)", "");
	if (thads_rec_has(r, THADS_K_VIOLATION) && (need(r, F_VI_DATE, err) ||
	    need(r, F_VI_KIND, err) || not_future(r, F_VI_DATE, today, err)))
		return THADS_EDATA;
	if (thads_rec_has(r, THADS_K_FACILITY) &&
	    r->v[F_FAC_CODE] == NULL && r->v[F_EP_FACILITY] == NULL)
		return need(r, F_FAC_CODE, err);
	return 0;
}

int
thads_rec_validate(struct thads_rec *r, const char *today,
    struct thads_err *err)
{
	char why[300];
	int f, rc;

	thads_clearerr(err);
	for (f = 0; f < F_COUNT; f++) {
		if (r->v[f] == NULL)
			continue;
		if ((rc = check_value(r, f)) == THADS_ENOMEM)
			return rc;
		if (rc != 0) {
			why_bad(f, r->v[f], why, sizeof(why));
			return thads_seterr(err, THADS_EDATA, r->file, r->line,
			    "%s: '%.60s' is %s", thads_field(f)->name, r->v[f],
			    why);
		}
	}
	if (check_person(r, today, err))
		return THADS_EDATA;
	return check_kinds(r, today, err);
}
