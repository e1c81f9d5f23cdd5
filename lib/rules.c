/*
 * rules.c: reading the rule pack.
 *
 * The pack is small (a few hundred lines), read once per run, and
 * looked up millions of times in a large alert pass, so lookups go by
 * figure number into per-figure lists of versions sorted by date, and
 * the holidays are a sorted array searched by bisection.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "days.h"
#include "rules.h"

#define LINEMAX 1024
#define TET_FIRST 1900
#define TET_LAST 2100

struct thads_rules {
	char	*path;
	char	 name[128];
	char	 version[64];
	struct thads_fig *figs;		/* every version, in file order */
	size_t	 nfigs, capfigs;
	size_t	*byid[THADS_F_COUNT];	/* versions of a figure, by date */
	size_t	 nbyid[THADS_F_COUNT];
	int	 tet[TET_LAST - TET_FIRST + 1];
	struct thads_holiday *hol;
	size_t	 nhol, caphol;
};

/*
 * The detention figures, in the order of thads_fig_det(): stage, then
 * part, then crime category.
 */
#define DET_CATS(stage, part) \
	"detention." stage "." part ".less_serious", \
	"detention." stage "." part ".serious", \
	"detention." stage "." part ".very_serious", \
	"detention." stage "." part ".especially_serious"
#define DET_STAGE(stage) \
	DET_CATS(stage, "base"), DET_CATS(stage, "extension"), \
	DET_CATS(stage, "extensions")

static const char *const detnames[THADS_NSTAGE * THADS_NDET * THADS_NCAT] = {
	DET_STAGE("investigation"), DET_STAGE("prosecution"),
	DET_STAGE("trial")
};

static const struct {
	int	 id;
	const char *name;
	enum thads_fig_kind kind;
} named[] = {
	{ THADS_F_CUSTODY_BASE, "custody.base", THADS_FK_DURATION },
	{ THADS_F_CUSTODY_EXT, "custody.extension", THADS_FK_DURATION },
	{ THADS_F_CUSTODY_EXTS, "custody.extensions", THADS_FK_COUNT },
	{ THADS_F_DET_REQUEST, "detention.investigation.request_lead",
	    THADS_FK_DURATION },
	{ THADS_F_FIXED_MIN, "term.fixed_min", THADS_FK_DURATION },
	{ THADS_F_FIXED_MAX, "term.fixed_max", THADS_FK_DURATION },
	{ THADS_F_CAP, "term.aggregate_cap", THADS_FK_DURATION },
	{ THADS_F_REFORM_MIN, "term.reform_min", THADS_FK_DURATION },
	{ THADS_F_REFORM_MAX, "term.reform_max", THADS_FK_DURATION },
	{ THADS_F_CREDIT_PRISON, "credit.prison", THADS_FK_COUNT },
	{ THADS_F_CREDIT_REFORM, "credit.reform", THADS_FK_COUNT },
	{ THADS_F_SUSP_MAX, "suspended.max_term", THADS_FK_DURATION },
	{ THADS_F_SUSP_FACTOR, "suspended.probation_factor", THADS_FK_COUNT },
	{ THADS_F_SUSP_MIN, "suspended.probation_min", THADS_FK_DURATION },
	{ THADS_F_SUSP_PMAX, "suspended.probation_max", THADS_FK_DURATION },
	{ THADS_F_LIFE_TERM, "life.commuted_term", THADS_FK_DURATION },
	{ THADS_F_LIFE_MIN, "life.min_served", THADS_FK_DURATION },
	{ THADS_F_RED_FIRST, "reduction.first_fraction", THADS_FK_FRACTION },
	{ THADS_F_RED_FIRST_LIFE, "reduction.first_life", THADS_FK_DURATION },
	{ THADS_F_RED_MIN, "reduction.min_served", THADS_FK_FRACTION },
	{ THADS_F_RED_NEW, "reduction.new_offence_fraction",
	    THADS_FK_FRACTION },
	{ THADS_F_RED_NEW_SERIOUS, "reduction.new_offence_serious_fraction",
	    THADS_FK_FRACTION },
	{ THADS_F_RED_ROUNDS, "reduction.rounds", THADS_FK_DATES },
	{ THADS_F_RED_PER_YEAR, "reduction.per_year", THADS_FK_COUNT },
	{ THADS_F_ER_FRACTION, "early_release.fraction", THADS_FK_FRACTION },
	{ THADS_F_ER_SPECIAL, "early_release.special_fraction",
	    THADS_FK_FRACTION },
	{ THADS_F_ER_AGE, "early_release.special_age", THADS_FK_DURATION },
	{ THADS_F_ER_ROUNDS, "early_release.rounds", THADS_FK_DATES },
	{ THADS_F_CL_WARNING, "clearance.warning", THADS_FK_DURATION },
	{ THADS_F_CL_FINE, "clearance.fine", THADS_FK_DURATION },
	{ THADS_F_CL_REFORM, "clearance.reform", THADS_FK_DURATION },
	{ THADS_F_CL_SUSPENDED, "clearance.suspended", THADS_FK_DURATION },
	{ THADS_F_CL_PRISON, "clearance.prison", THADS_FK_TIERS },
	{ THADS_F_CL_LIFE, "clearance.life", THADS_FK_DURATION },
	{ THADS_F_CL_COURT, "clearance.court_only", THADS_FK_RANGES },
	{ THADS_F_CLASS_QUARTERS, "classification.quarter_ends",
	    THADS_FK_DATES },
	{ THADS_F_HOLIDAY_YEARS, "calendar.holiday_years", THADS_FK_YEARS },
};

#define NNAMED (sizeof(named) / sizeof(named[0]))

const char *
thads_fig_name(int id)
{
	size_t i;

	if (id >= THADS_F_DET && id < THADS_F_DET_REQUEST)
		return detnames[id - THADS_F_DET];
	for (i = 0; i < NNAMED; i++)
		if (named[i].id == id)
			return named[i].name;
	return "?";
}

enum thads_fig_kind
thads_fig_kind(int id)
{
	size_t i;

	if (id >= THADS_F_DET && id < THADS_F_DET_REQUEST)
		return (id - THADS_F_DET) / THADS_NCAT % THADS_NDET ==
		    THADS_DET_EXTENSIONS ? THADS_FK_COUNT : THADS_FK_DURATION;
	for (i = 0; i < NNAMED; i++)
		if (named[i].id == id)
			return named[i].kind;
	return THADS_FK_COUNT;
}

static int
fig_find(const char *name)
{
	int i;

	for (i = 0; i < THADS_F_COUNT; i++)
		if (strcmp(thads_fig_name(i), name) == 0)
			return i;
	return -1;
}

/* Read a whole number of at most 6 digits at *p, moving p past it. */
static int
number(const char **p, int *out)
{
	const char *s = *p;
	int v = 0, n = 0;

	while (*s >= '0' && *s <= '9' && n < 6) {
		v = v * 10 + (*s++ - '0');
		n++;
	}
	if (n == 0 || (*s >= '0' && *s <= '9'))
		return -1;
	*out = v;
	*p = s;
	return 0;
}

/* "1y6m", "3d", "72h": at least one part, each unit at most once. */
static int
parse_dur(const char **p, struct thads_dur *d)
{
	const char *s = *p;
	int v, seen = 0, bit;

	memset(d, 0, sizeof(*d));
	while (*s >= '0' && *s <= '9') {
		if (number(&s, &v))
			return -1;
		switch (*s) {
		case 'y': bit = 1; d->months += 12 * v; break;
		case 'm': bit = 2; d->months += v; break;
		case 'd': bit = 4; d->days += v; break;
		case 'h': bit = 8; d->hours += v; break;
		default: return -1;
		}
		if (seen & bit)
			return -1;
		seen |= bit;
		s++;
	}
	if (!seen)
		return -1;
	*p = s;
	return 0;
}

static int
parse_dates(const char *s, struct thads_fig *f)
{
	int m, d;

	for (f->n = 0; *s; f->n++) {
		if (f->n == THADS_FIG_MAXLIST)
			return -1;
		if (strncmp(s, "tet", 3) == 0) {
			f->md[f->n] = THADS_MD_TET;
			s += 3;
		} else {
			if (number(&s, &m) || *s++ != '-' || number(&s, &d) ||
			    m < 1 || m > 12 || d < 1 ||
			    d > thads_days_in_month(2000, m))
				return -1;
			f->md[f->n] = m * 100 + d;
		}
		if (*s == ',' && s[1] != '\0')
			s++;
		else if (*s != '\0')
			return -1;
	}
	return f->n ? 0 : -1;
}

static int
parse_tiers(const char *s, struct thads_fig *f)
{
	struct thads_tier *t;

	for (f->n = 0; *s; f->n++) {
		if (f->n == THADS_FIG_MAXLIST)
			return -1;
		t = &f->tiers[f->n];
		memset(t, 0, sizeof(*t));
		if (*s == '*') {
			t->open = 1;
			s++;
		} else if (parse_dur(&s, &t->upto))
			return -1;
		if (*s++ != ':' || parse_dur(&s, &t->wait))
			return -1;
		if (*s == ',' && s[1] != '\0' && !t->open)
			s++;
		else if (*s != '\0')
			return -1;
	}
	return f->n && f->tiers[f->n - 1].open ? 0 : -1;
}

static int
parse_ranges(const char *s, struct thads_fig *f)
{
	for (f->n = 0; *s; f->n++) {
		if (f->n == THADS_FIG_MAXLIST)
			return -1;
		if (number(&s, &f->lo[f->n]))
			return -1;
		f->hi[f->n] = f->lo[f->n];
		if (*s == '-') {
			s++;
			if (number(&s, &f->hi[f->n]))
				return -1;
		}
		if (f->hi[f->n] < f->lo[f->n])
			return -1;
		if (*s == ',' && s[1] != '\0')
			s++;
		else if (*s != '\0')
			return -1;
	}
	return f->n ? 0 : -1;
}

/* Parse value v for the kind of figure f->id; 0 or -1. */
static int
parse_value(const char *v, struct thads_fig *f)
{
	const char *s = v;
	int a, b;

	switch (thads_fig_kind(f->id)) {
	case THADS_FK_DURATION:
		return parse_dur(&s, &f->dur) || *s ? -1 : 0;
	case THADS_FK_FRACTION:
		if (number(&s, &a) || *s++ != '/' || number(&s, &b) || *s ||
		    a < 1 || b < 1 || a > b)
			return -1;
		f->num = a;
		f->den = b;
		return 0;
	case THADS_FK_COUNT:
		if (number(&s, &a) || *s)
			return -1;
		f->count = a;
		return 0;
	case THADS_FK_DATES:
		return parse_dates(v, f);
	case THADS_FK_TIERS:
		return parse_tiers(v, f);
	case THADS_FK_RANGES:
	case THADS_FK_YEARS:
		return parse_ranges(v, f);
	}
	return -1;
}

static int
push_fig(struct thads_rules *r, const struct thads_fig *f)
{
	struct thads_fig *n;
	size_t cap;

	if (r->nfigs == r->capfigs) {
		cap = r->capfigs ? r->capfigs * 2 : 128;
		if ((n = realloc(r->figs, cap * sizeof(*n))) == NULL)
			return THADS_ENOMEM;
		r->figs = n;
		r->capfigs = cap;
	}
	r->figs[r->nfigs++] = *f;
	return 0;
}

static int
push_holiday(struct thads_rules *r, int day, const char *what)
{
	struct thads_holiday *n;
	size_t cap;

	if (r->nhol == r->caphol) {
		cap = r->caphol ? r->caphol * 2 : 128;
		if ((n = realloc(r->hol, cap * sizeof(*n))) == NULL)
			return THADS_ENOMEM;
		r->hol = n;
		r->caphol = cap;
	}
	r->hol[r->nhol].day = day;
	snprintf(r->hol[r->nhol].what, sizeof(r->hol[0].what), "%s", what);
	r->nhol++;
	return 0;
}

/* Cut s at the first space or tab; return what follows, skipped. */
static char *
word(char *s)
{
	s += strcspn(s, " \t");
	if (*s == '\0')
		return s;
	*s++ = '\0';
	return s + strspn(s, " \t");
}

static void
rtrim(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		s[--n] = '\0';
}

struct parse {
	const char *path;
	long	 line;
	char	 section[64];
	struct thads_err *err;
};

static int
bad(struct parse *p, const char *what, const char *s)
{
	return thads_seterr(p->err, THADS_ECONFIG, p->path, p->line,
	    "%s '%.80s'", what, s);
}

/* NAME = FROM VALUE BASIS in a figure section. */
static int
figure_line(struct thads_rules *r, struct parse *p, const char *key,
    char *rest)
{
	struct thads_fig f;
	char full[160], *from = rest, *value, *basis;
	size_t i;

	memset(&f, 0, sizeof(f));
	snprintf(full, sizeof(full), "%s.%s", p->section, key);
	if ((f.id = fig_find(full)) < 0)
		return bad(p, "unknown figure", full);
	value = word(from);
	basis = word(value);
	if (thads_day_parse(from, &f.from) || strlen(from) != 10)
		return bad(p, "bad first day (YYYY-MM-DD)", from);
	if (*value == '\0' || strlen(value) >= sizeof(f.value))
		return bad(p, "missing or too long value for", full);
	snprintf(f.value, sizeof(f.value), "%s", value);
	if (parse_value(value, &f))
		return bad(p, "bad value", value);
	if (strncmp(basis, "(to confirm)", 12) == 0) {
		f.confirm = 1;
		basis += 12;
		basis += strspn(basis, " \t");
	}
	if (*basis == '\0')
		return bad(p, "no legal basis for", full);
	snprintf(f.basis, sizeof(f.basis), "%s", basis);
	f.line = p->line;
	for (i = 0; i < r->nfigs; i++)
		if (r->figs[i].id == f.id && r->figs[i].from == f.from)
			return bad(p, "second version from the same day of",
			    full);
	return push_fig(r, &f) ? THADS_ENOMEM : 0;
}

static int
tet_line(struct thads_rules *r, struct parse *p, const char *key,
    const char *val)
{
	const char *s = key;
	int y, day;

	if (number(&s, &y) || *s || y < TET_FIRST || y > TET_LAST)
		return bad(p, "bad year", key);
	if (thads_day_parse(val, &day) || strlen(val) != 10 ||
	    thads_day_year(day) != y)
		return bad(p, "bad date of the Lunar New Year", val);
	r->tet[y - TET_FIRST] = day;
	return 0;
}

static int
holiday_line(struct thads_rules *r, struct parse *p, const char *key,
    const char *val)
{
	int day;

	if (thads_day_parse(key, &day) || strlen(key) != 10)
		return bad(p, "bad holiday date", key);
	if (*val == '\0')
		return bad(p, "holiday without a name", key);
	return push_holiday(r, day, val) ? THADS_ENOMEM : 0;
}

static int
pack_line(struct thads_rules *r, struct parse *p, const char *key,
    const char *val)
{
	if (strcmp(key, "name") == 0)
		snprintf(r->name, sizeof(r->name), "%s", val);
	else if (strcmp(key, "version") == 0)
		snprintf(r->version, sizeof(r->version), "%s", val);
	else
		return bad(p, "unknown [pack] key", key);
	return 0;
}

static int
line(struct thads_rules *r, struct parse *p, char *s)
{
	char *eq, *key, *val;

	s += strspn(s, " \t");
	rtrim(s);
	if (*s == '\0' || *s == '#' || *s == ';')
		return 0;
	if (*s == '[') {
		if ((eq = strchr(s, ']')) == NULL || eq[1] != '\0' ||
		    eq == s + 1 || (size_t)(eq - s) >= sizeof(p->section))
			return bad(p, "bad section", s);
		*eq = '\0';
		snprintf(p->section, sizeof(p->section), "%s", s + 1);
		return 0;
	}
	if ((eq = strchr(s, '=')) == NULL)
		return bad(p, "expected NAME = ..., got", s);
	*eq = '\0';
	key = s;
	rtrim(key);
	val = eq + 1 + strspn(eq + 1, " \t");
	if (p->section[0] == '\0')
		return bad(p, "line before any [section]:", key);
	if (strcmp(p->section, "pack") == 0)
		return pack_line(r, p, key, val);
	if (strcmp(p->section, "tet") == 0)
		return tet_line(r, p, key, val);
	if (strcmp(p->section, "holidays") == 0)
		return holiday_line(r, p, key, val);
	return figure_line(r, p, key, val);
}

static int
cmp_hol(const void *a, const void *b)
{
	const struct thads_holiday *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

/* Build the per-figure lists; every figure must have a version. */
static int
index_figs(struct thads_rules *r, struct thads_err *err)
{
	size_t i, j, t, *v, n[THADS_F_COUNT] = { 0 };
	int id;

	for (i = 0; i < THADS_F_COUNT; i++) {
		free(r->byid[i]);
		r->byid[i] = NULL;
		r->nbyid[i] = 0;
	}
	for (i = 0; i < r->nfigs; i++)
		n[r->figs[i].id]++;
	for (id = 0; id < THADS_F_COUNT; id++) {
		if (n[id] == 0)
			return thads_seterr(err, THADS_ECONFIG, r->path, 0,
			    "figure '%s' is missing", thads_fig_name(id));
		if ((r->byid[id] = malloc(n[id] * sizeof(size_t))) == NULL)
			return thads_seterr(err, THADS_ENOMEM, r->path, 0,
			    "out of memory");
	}
	/* Insertion by first day: a figure has a handful of versions. */
	for (i = 0; i < r->nfigs; i++) {
		id = r->figs[i].id;
		v = r->byid[id];
		j = r->nbyid[id]++;
		v[j] = i;
		while (j > 0 && r->figs[v[j - 1]].from > r->figs[v[j]].from) {
			t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
			j--;
		}
	}
	if (r->nhol > 1)
		qsort(r->hol, r->nhol, sizeof(*r->hol), cmp_hol);
	return 0;
}

static int
read_file(struct thads_rules *r, const char *path, struct thads_err *err)
{
	struct parse p;
	char buf[LINEMAX];
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(path, "r")) == NULL)
		return thads_seterr(err, THADS_ENOINPUT, path, 0,
		    "cannot open rule pack: %s", strerror(errno));
	memset(&p, 0, sizeof(p));
	p.path = path;
	p.err = err;
	while (rc == 0 && fgets(buf, sizeof(buf), fp) != NULL) {
		p.line++;
		if (strchr(buf, '\n') == NULL && !feof(fp))
			rc = bad(&p, "line too long:", "");
		else
			rc = line(r, &p, buf);
	}
	if (rc == 0 && ferror(fp))
		rc = thads_seterr(err, THADS_EIO, path, 0, "read error");
	fclose(fp);
	return rc;
}

int
thads_rules_load(const char *path, struct thads_rules **out,
    struct thads_err *err)
{
	struct thads_rules *r;
	int rc, i;

	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->path = strdup(path)) == NULL) {
		free(r);
		return thads_seterr(err, THADS_ENOMEM, path, 0,
		    "out of memory");
	}
	for (i = 0; i <= TET_LAST - TET_FIRST; i++)
		r->tet[i] = THADS_NODAY;
	if ((rc = read_file(r, path, err)) != 0 ||
	    (rc = index_figs(r, err)) != 0) {
		thads_rules_free(r);
		return rc;
	}
	*out = r;
	return 0;
}

int
thads_rules_add(struct thads_rules *r, const char *path,
    struct thads_err *err)
{
	size_t nfigs = r->nfigs, nhol = r->nhol;
	int tet[TET_LAST - TET_FIRST + 1], rc;

	memcpy(tet, r->tet, sizeof(tet));
	if ((rc = read_file(r, path, err)) != 0 ||
	    (rc = index_figs(r, err)) != 0) {
		r->nfigs = nfigs;
		r->nhol = nhol;
		memcpy(r->tet, tet, sizeof(tet));
		(void)index_figs(r, NULL);	/* it was complete before */
		return rc;
	}
	return 0;
}

void
thads_rules_free(struct thads_rules *r)
{
	int i;

	if (r == NULL)
		return;
	for (i = 0; i < THADS_F_COUNT; i++)
		free(r->byid[i]);
	free(r->figs);
	free(r->hol);
	free(r->path);
	free(r);
}

const char *
thads_rules_path(const struct thads_rules *r)
{
	return r->path;
}

const char *
thads_rules_name(const struct thads_rules *r)
{
	return r->name;
}

const char *
thads_rules_version(const struct thads_rules *r)
{
	return r->version;
}

const struct thads_fig *
thads_rules_get(const struct thads_rules *r, int id, int day)
{
	const struct thads_fig *best = NULL;
	size_t i;

	if (id < 0 || id >= THADS_F_COUNT)
		return NULL;
	for (i = 0; i < r->nbyid[id]; i++) {
		if (r->figs[r->byid[id][i]].from > day)
			break;
		best = &r->figs[r->byid[id][i]];
	}
	return best;
}

size_t
thads_rules_count(const struct thads_rules *r)
{
	return r->nfigs;
}

const struct thads_fig *
thads_rules_at(const struct thads_rules *r, size_t i)
{
	return i < r->nfigs ? &r->figs[i] : NULL;
}

int
thads_rules_tet(const struct thads_rules *r, int year)
{
	if (year < TET_FIRST || year > TET_LAST)
		return THADS_NODAY;
	return r->tet[year - TET_FIRST];
}

const struct thads_holiday *
thads_rules_holidays(const struct thads_rules *r, size_t *n)
{
	*n = r->nhol;
	return r->hol;
}

int
thads_rules_covers(const struct thads_rules *r, int year)
{
	const struct thads_fig *f;
	int i;

	f = thads_rules_get(r, THADS_F_HOLIDAY_YEARS, thads_day(year, 12, 31));
	if (f == NULL)
		return 0;
	for (i = 0; i < f->n; i++)
		if (year >= f->lo[i] && year <= f->hi[i])
			return 1;
	return 0;
}

int
thads_rules_day_off(const struct thads_rules *r, int day)
{
	size_t lo = 0, hi = r->nhol, mid;
	int w = thads_day_wday(day);

	if (w == 0 || w == 6)
		return 1;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (r->hol[mid].day == day)
			return 1;
		if (r->hol[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* The dates of figure id in year, into out (sorted); their number. */
static int
year_dates(const struct thads_rules *r, int id, int year, int *out)
{
	const struct thads_fig *f;
	int i, j, n = 0, t;

	f = thads_rules_get(r, id, thads_day(year, 1, 1));
	if (f == NULL)
		return 0;
	for (i = 0; i < f->n; i++) {
		if (f->md[i] == THADS_MD_TET) {
			if ((out[n] = thads_rules_tet(r, year)) == THADS_NODAY)
				continue;
		} else
			out[n] = thads_day(year, f->md[i] / 100,
			    f->md[i] % 100);
		for (j = n++; j > 0 && out[j - 1] > out[j]; j--) {
			t = out[j];
			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	}
	return n;
}

int
thads_rules_date(const struct thads_rules *r, int id, int day, int dir)
{
	int dates[THADS_FIG_MAXLIST], y0 = thads_day_year(day), y, i, n;

	for (y = y0; dir > 0 && y <= y0 + 3; y++) {
		n = year_dates(r, id, y, dates);
		for (i = 0; i < n; i++)
			if (dates[i] >= day)
				return dates[i];
	}
	for (y = y0; dir <= 0 && y >= y0 - 3; y--) {
		n = year_dates(r, id, y, dates);
		for (i = n - 1; i >= 0; i--)
			if (dates[i] < day)
				return dates[i];
	}
	return THADS_NODAY;
}

void
thads_dur_fmt(const struct thads_dur *d, char *buf, size_t size)
{
	int n = 0, y = d->months / 12, m = d->months % 12;

	buf[0] = '\0';
	if (y && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%dy", y);
	if (m && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%dm", m);
	if (d->days && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%dd", d->days);
	if (d->hours && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, "%dh", d->hours);
	if (n == 0)
		snprintf(buf, size, "0d");
}
