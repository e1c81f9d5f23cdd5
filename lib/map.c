/*
 * map.c: mapping files (see map.h for the format).
 *
 * Loading turns the file into a list of rules, one per target field,
 * each a source (column, constant or file date) and a chain of steps.
 * Binding resolves column names to indexes once per input file, so that
 * applying a row only indexes cells, trims them and runs the steps.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thads.h"
#include "csv.h"
#include "map.h"
#include "record.h"
#include "text.h"

/* Bytes a value may have when upper or lower must copy it. */
#define SCRATCH		4096

/* Bytes of a value quoted in a message. */
#define SHOWN		60

/* Highest column number accepted in $N. */
#define MAXCOL		100000L

/* The UTF-8 byte order mark, which some exports start with. */
#define BOM		"\xef\xbb\xbf"

enum step_kind { ST_UPPER, ST_LOWER, ST_INT, ST_DATE, ST_MAP };

enum src_kind { SRC_COLUMN, SRC_CONST, SRC_FILEDATE };

enum section { SEC_NONE, SEC_SOURCE, SEC_FIELDS, SEC_MAP };

struct dfmt {
	char	*text;
	int	 time;		/* has an hour: the output has a time */
};

struct pair {
	char	*key;
	size_t	 klen;
	char	*val;
	size_t	 vlen;
	long	 line;
};

struct vmap {
	char	*name;
	struct pair *pair;	/* sorted by key once loaded */
	size_t	 n, cap;
	char	*dflt;		/* value for '*', NULL when none */
	size_t	 dlen;
	long	 line;
};

struct step {
	enum step_kind kind;
	struct dfmt *fmt;
	size_t	 nfmt;
	char	*mapname;
	const struct vmap *map;	/* resolved when the file is read */
};

struct colname {
	char	*name;		/* NULL for $N */
	long	 num;		/* N of $N, from 1 */
};

struct rule {
	int	 fid;		/* canonical field, -1 for an extra */
	char	*name;		/* "person.id", "extra.top_charge" */
	const char *key;	/* an extra's NAME, inside name */
	enum src_kind src;
	struct colname *alt;
	size_t	 nalt;
	int	 optional;
	char	*text;		/* SRC_CONST */
	size_t	 tlen;
	struct step *step;
	size_t	 nstep;
	long	 line;		/* in the mapping file */
	long	 col;		/* bound column from 0, -1 when absent */
};

struct thads_map {
	char	*path;
	int	 delim;
	int	 header;
	int	 trim;
	int	 skip;
	int	 identity;
	struct rule *rule;
	size_t	 nrule, rulecap;
	struct vmap *map;
	size_t	 nmap, mapcap;
	long	 maxcol;	/* largest required $N, for header = no */
	size_t	 ncols;		/* fields in the bound header */
	int	 bound;
	int	 hasdate;
	char	 filedate[11];
};

struct loader {
	struct thads_map *m;
	struct thads_err *err;
	long	 line;
	enum section sec;
	int	 seen_source;
	int	 seen_fields;
};

/* A parsed date and time. */
struct dt {
	int	 y, mo, d, h, mi, s;
	int	 pm;		/* -1 without %p, else 0 for AM, 1 for PM */
};

static const char *const months[12] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};

/*
 * Small helpers on ASCII text.  The locale is never consulted: mapping
 * files and source headers are matched byte for byte apart from ASCII
 * case.
 */

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int
is_word(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '_';
}

/* Whether s is a non-empty run of letters, digits and '_' (and '-'). */
static int
is_name(const char *s, int dash)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!is_word((unsigned char)*s) && !(dash && *s == '-'))
			return 0;
	return 1;
}

/* Case-insensitive equality of the len bytes at a with the string b. */
static int
ieq(const char *a, size_t len, const char *b)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] == '\0' || lower((unsigned char)a[i]) !=
		    lower((unsigned char)b[i]))
			return 0;
	return b[len] == '\0';
}

/* Drop the spaces and tabs around the len bytes at *p. */
static void
trim_span(const char **p, size_t *len)
{
	const char *s = *p;
	size_t n = *len;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*p = s;
	*len = n;
}

/* Trim the string s in place; returns its new start. */
static char *
trim(char *s)
{
	char *e;

	while (is_blank((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank((unsigned char)e[-1]))
		e--;
	*e = '\0';
	return s;
}

static char *
dupn(const char *s, size_t len)
{
	char *r;

	if ((r = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(r, s, len);
	r[len] = '\0';
	return r;
}

/*
 * Make room for item n of the array a of *cap items of sz bytes: the
 * array itself, moved or grown with its new items zeroed, or NULL when
 * out of memory (a is then left as it was).
 */
static void *
grow(void *a, size_t *cap, size_t n, size_t sz)
{
	size_t c;

	if (n < *cap)
		return a;
	c = *cap ? *cap * 2 : 8;
	if ((a = realloc(a, c * sz)) == NULL)
		return NULL;
	memset((char *)a + *cap * sz, 0, (c - *cap) * sz);
	*cap = c;
	return a;
}

/*
 * Quoting in the mapping file.  A '"' opens and closes a quoted run, in
 * which a backslash escapes the next byte.
 */

/* The first c in s outside quotes, or NULL. */
static char *
find_outside(char *s, int c)
{
	int q = 0;

	for (; *s != '\0'; s++) {
		if (q && *s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '"')
			q = !q;
		else if (!q && *s == c)
			return s;
	}
	return NULL;
}

/* Whether every quote that s opens is closed. */
static int
balanced(const char *s)
{
	int q = 0;

	for (; *s != '\0'; s++) {
		if (q && *s == '\\' && s[1] != '\0')
			s++;
		else if (*s == '"')
			q = !q;
	}
	return !q;
}

/*
 * Remove the quotes of a trimmed token in place and give its length.
 * An unquoted token is left as it is.  Returns -1 when text follows the
 * closing quote.
 */
static int
unquote(char *s, size_t *len)
{
	char *r, *w;

	if (*s != '"') {
		*len = strlen(s);
		return 0;
	}
	for (r = s + 1, w = s; *r != '"'; r++) {
		if (*r == '\0')
			return -1;
		if (*r == '\\' && r[1] != '\0')
			r++;
		*w++ = *r;
	}
	if (r[1] != '\0')
		return -1;
	*w = '\0';
	*len = (size_t)(w - s);
	return 0;
}

/* Fail loading with THADS_ECONFIG at the current line. */
static int
cfg(struct loader *ld, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
cfg(struct loader *ld, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	thads_seterr(ld->err, THADS_ECONFIG, ld->m->path, ld->line, "%s",
	    msg);
	return THADS_ECONFIG;
}

static int
nomem(struct thads_err *err)
{
	thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	return THADS_ENOMEM;
}

/*
 * Date formats: checking one when the mapping is read, matching a value
 * against it, and writing the canonical form.
 */

/* Why the format f is refused, or NULL; *time says if it has an hour. */
static const char *
check_fmt(const char *f, int *time)
{
	int seen[128] = { 0 };

	for (; *f != '\0'; f++) {
		if (*f != '%')
			continue;
		f++;
		if (*f == '\0' || strchr("YymdHMSIpbf%", *f) == NULL)
			return "unknown conversion (use %Y %y %m %b %d %H "
			    "%I %p %M %S %f %%)";
		if (*f != '%' && *f != 'f' && seen[(unsigned char)*f]++)
			return "a conversion appears twice";
	}
	if (!(seen['Y'] || seen['y']) || !(seen['m'] || seen['b']) ||
	    !seen['d'])
		return "needs a year, a month and a day";
	if (seen['Y'] + seen['y'] > 1 || seen['m'] + seen['b'] > 1 ||
	    seen['H'] + seen['I'] > 1)
		return "a date part appears twice";
	if (seen['I'] != seen['p'])
		return "%I and %p go together";
	if ((seen['M'] || seen['S']) && !(seen['H'] || seen['I']))
		return "minutes or seconds without an hour";
	*time = seen['H'] || seen['I'];
	return NULL;
}

/*
 * Read min to max digits at s[*i].  Only the first 9 count in *out, so
 * that the long runs of %f cannot overflow it.
 */
static int
num(const char *s, size_t len, size_t *i, int min, int max, int *out)
{
	int n = 0, v = 0;

	while (n < max && *i < len && is_digit((unsigned char)s[*i])) {
		if (n < 9)
			v = v * 10 + (s[*i] - '0');
		(*i)++;
		n++;
	}
	*out = v;
	return n >= min ? 0 : -1;
}

/* Read an English month abbreviation at s[*i]. */
static int
month_name(const char *s, size_t len, size_t *i, int *out)
{
	int k;

	if (len - *i < 3)
		return -1;
	for (k = 0; k < 12; k++)
		if (ieq(s + *i, 3, months[k])) {
			*out = k + 1;
			*i += 3;
			return 0;
		}
	return -1;
}

/* Read AM or PM at s[*i]. */
static int
ampm(const char *s, size_t len, size_t *i, int *pm)
{
	if (len - *i < 2)
		return -1;
	if (ieq(s + *i, 2, "am"))
		*pm = 0;
	else if (ieq(s + *i, 2, "pm"))
		*pm = 1;
	else
		return -1;
	*i += 2;
	return 0;
}

/* Match one conversion c of a format at s[*i]. */
static int
conv(int c, const char *s, size_t len, size_t *i, struct dt *t)
{
	int skip;

	switch (c) {
	case 'Y':
		return num(s, len, i, 4, 4, &t->y);
	case 'y':
		if (num(s, len, i, 2, 2, &t->y))
			return -1;
		/* The POSIX pivot: 69-99 are the 1900s. */
		t->y += t->y < 69 ? 2000 : 1900;
		return 0;
	case 'm':
		return num(s, len, i, 1, 2, &t->mo);
	case 'b':
		return month_name(s, len, i, &t->mo);
	case 'd':
		return num(s, len, i, 1, 2, &t->d);
	case 'H':
	case 'I':
		return num(s, len, i, 1, 2, &t->h);
	case 'M':
		return num(s, len, i, 1, 2, &t->mi);
	case 'S':
		return num(s, len, i, 1, 2, &t->s);
	case 'p':
		return ampm(s, len, i, &t->pm);
	case 'f':
		return num(s, len, i, 1, 1000, &skip);
	default:
		return *i < len && s[(*i)++] == '%' ? 0 : -1;
	}
}

/* Whether the len bytes at s match the whole format f. */
static int
match_date(const char *f, const char *s, size_t len, struct dt *t)
{
	size_t i = 0;

	memset(t, 0, sizeof(*t));
	t->pm = -1;
	for (; *f != '\0'; f++) {
		if (*f == '%') {
			if (conv(*++f, s, len, &i, t))
				return -1;
		} else if (i >= len || s[i++] != *f)
			return -1;
	}
	return i == len ? 0 : -1;
}

/* Whether the matched t is a real date and time. */
static int
real_date(struct dt *t)
{
	if (t->pm >= 0) {
		if (t->h < 1 || t->h > 12)
			return -1;
		t->h = t->h % 12 + (t->pm ? 12 : 0);
	}
	if (t->y < 1 || t->mo < 1 || t->mo > 12 || t->d < 1 ||
	    t->d > thads_date_mdays(t->y, t->mo))
		return -1;
	if (t->h > 23 || t->mi > 59 || t->s > 59)
		return -1;
	return 0;
}

static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/* Write t as YYYY-MM-DD[ HH:MM:SS] at buf; returns the length. */
static size_t
write_date(char *buf, const struct dt *t, int time)
{
	put2(buf, t->y / 100);
	put2(buf + 2, t->y % 100);
	buf[4] = '-';
	put2(buf + 5, t->mo);
	buf[7] = '-';
	put2(buf + 8, t->d);
	if (!time)
		return 10;
	buf[10] = ' ';
	put2(buf + 11, t->h);
	buf[13] = ':';
	put2(buf + 14, t->mi);
	buf[16] = ':';
	put2(buf + 17, t->s);
	return 19;
}

/*
 * Reading the mapping file: sections, then the lines of each kind of
 * section.
 */

static int
new_map(struct loader *ld, const char *name)
{
	struct thads_map *m = ld->m;
	struct vmap *v;
	size_t i;

	if (!is_name(name, 1))
		return cfg(ld, "bad map name '%s'", name);
	for (i = 0; i < m->nmap; i++)
		if (strcmp(m->map[i].name, name) == 0)
			return cfg(ld, "section [map %s] given twice (first "
			    "at line %ld)", name, m->map[i].line);
	if ((v = grow(m->map, &m->mapcap, m->nmap, sizeof(*v))) == NULL)
		return nomem(ld->err);
	m->map = v;
	v = &m->map[m->nmap];
	if ((v->name = strdup(name)) == NULL)
		return nomem(ld->err);
	v->line = ld->line;
	m->nmap++;
	ld->sec = SEC_MAP;
	return 0;
}

static int
section(struct loader *ld, char *s)
{
	size_t n = strlen(s);
	char *in;

	if (s[n - 1] != ']')
		return cfg(ld, "section header without ']'");
	s[n - 1] = '\0';
	in = trim(s + 1);
	if (strcmp(in, "source") == 0) {
		if (ld->seen_source++)
			return cfg(ld, "section [source] given twice");
		ld->sec = SEC_SOURCE;
		return 0;
	}
	if (strcmp(in, "fields") == 0) {
		if (ld->seen_fields++)
			return cfg(ld, "section [fields] given twice");
		ld->sec = SEC_FIELDS;
		return 0;
	}
	if (strncmp(in, "map", 3) == 0 && is_blank((unsigned char)in[3]))
		return new_map(ld, trim(in + 3));
	return cfg(ld, "unknown section [%s]", in);
}

static int
boolean(const char *v)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		return 1;
	if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		return 0;
	return -1;
}

static int
delimiter(const char *v, size_t len)
{
	static const struct {
		const char *word;
		int	 c;
	} words[] = {
		{ "tab", '\t' }, { "semicolon", ';' }, { "pipe", '|' },
		{ "comma", ',' }, { "space", ' ' }
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (ieq(v, len, words[i].word))
			return words[i].c;
	if (len != 1 || *v == '"' || *v == '\n' || *v == '\r')
		return -1;
	return (unsigned char)*v;
}

static int
source_line(struct loader *ld, const char *key, char *val)
{
	struct thads_map *m = ld->m;
	size_t len;
	long n;
	int b;

	if (unquote(val, &len))
		return cfg(ld, "text after a closing quote");
	if (strcmp(key, "delimiter") == 0) {
		if ((m->delim = delimiter(val, len)) < 0)
			return cfg(ld, "bad delimiter '%s' (one byte, or tab, "
			    "semicolon, pipe, comma, space)", val);
	} else if (strcmp(key, "header") == 0 || strcmp(key, "trim") == 0) {
		if ((b = boolean(val)) < 0)
			return cfg(ld, "%s: expected yes or no, not '%s'", key,
			    val);
		if (key[0] == 'h')
			m->header = b;
		else
			m->trim = b;
	} else if (strcmp(key, "skip") == 0) {
		if (thads_parse_long(val, 0, 1000000, &n))
			return cfg(ld, "skip: not a row count '%s'", val);
		m->skip = (int)n;
	} else
		return cfg(ld, "unknown key '%s' in [source] (delimiter, "
		    "header, trim, skip)", key);
	return 0;
}

/* Check the target name of a [fields] line: its field number or -1. */
static int
target(struct loader *ld, const char *name, int *fid)
{
	size_t i;

	*fid = -1;
	if (strncmp(name, "extra.", 6) == 0) {
		if (!is_name(name + 6, 0))
			return cfg(ld, "bad extra name '%s' (letters, digits "
			    "and '_' after 'extra.')", name);
	} else if ((*fid = thads_field_find(name)) < 0)
		return cfg(ld, "unknown field '%s'", name);
	for (i = 0; i < ld->m->nrule; i++)
		if (strcmp(ld->m->rule[i].name, name) == 0)
			return cfg(ld, "field '%s' mapped twice (first at "
			    "line %ld)", name, ld->m->rule[i].line);
	return 0;
}

/* Add the rule of a [fields] line: the rule, or NULL and *rc. */
static struct rule *
new_rule(struct loader *ld, const char *name, int *rc)
{
	struct thads_map *m = ld->m;
	struct rule *r;
	int fid;

	if ((*rc = target(ld, name, &fid)) != 0)
		return NULL;
	if ((r = grow(m->rule, &m->rulecap, m->nrule, sizeof(*r))) == NULL) {
		*rc = nomem(ld->err);
		return NULL;
	}
	m->rule = r;
	r = &m->rule[m->nrule++];
	if ((r->name = strdup(name)) == NULL) {
		*rc = nomem(ld->err);
		return NULL;
	}
	r->fid = fid;
	r->key = fid < 0 ? r->name + 6 : NULL;
	r->line = ld->line;
	r->col = -1;
	*rc = 0;
	return r;
}

/* One alternative of a column source: "NAME", "NAME?", "$N", "$N?". */
static int
add_alt(struct loader *ld, struct rule *r, char *s, size_t *cap)
{
	struct colname *c;
	size_t n;

	s = trim(s);
	n = strlen(s);
	if (n > 0 && s[n - 1] == '?') {
		r->optional = 1;
		s[n - 1] = '\0';
		s = trim(s);
	}
	if (*s == '\0' || strchr(s, '"') != NULL || *s == '@')
		return cfg(ld, "%s: bad column name '%s'", r->name, s);
	if ((c = grow(r->alt, cap, r->nalt, sizeof(*c))) == NULL)
		return nomem(ld->err);
	r->alt = c;
	c = &r->alt[r->nalt++];
	if (*s == '$') {
		if (thads_parse_long(s + 1, 1, MAXCOL, &c->num))
			return cfg(ld, "%s: bad column number '%s'", r->name,
			    s);
		return 0;
	}
	if ((c->name = strdup(s)) == NULL)
		return nomem(ld->err);
	return 0;
}

static int
parse_source(struct loader *ld, struct rule *r, char *s)
{
	size_t cap = 0, n = strlen(s);
	char *comma;
	int rc;

	if (*s == '\0')
		return cfg(ld, "%s: no source given", r->name);
	if (*s == '"') {
		r->src = SRC_CONST;
		if (unquote(s, &r->tlen))
			return cfg(ld, "%s: text after a closing quote",
			    r->name);
		if ((r->text = dupn(s, r->tlen)) == NULL)
			return nomem(ld->err);
		return 0;
	}
	if (*s == '@') {
		r->src = SRC_FILEDATE;
		if (s[n - 1] == '?') {
			r->optional = 1;
			s[n - 1] = '\0';
		}
		if (strcmp(trim(s), "@filedate") != 0)
			return cfg(ld, "%s: unknown source '%s' (@filedate)",
			    r->name, s);
		return 0;
	}
	r->src = SRC_COLUMN;
	for (; (comma = strchr(s, ',')) != NULL; s = comma + 1) {
		*comma = '\0';
		if ((rc = add_alt(ld, r, s, &cap)) != 0)
			return rc;
	}
	return add_alt(ld, r, s, &cap);
}

static int
parse_dates(struct loader *ld, struct rule *r, struct step *st, char *s)
{
	const char *why;
	struct dfmt *d;
	size_t cap = 0;
	char *semi, *f;

	for (;;) {
		if ((semi = strchr(s, ';')) != NULL)
			*semi = '\0';
		f = trim(s);
		if (*f == '\0')
			return cfg(ld, "%s: empty date format", r->name);
		if ((d = grow(st->fmt, &cap, st->nfmt, sizeof(*d))) == NULL)
			return nomem(ld->err);
		st->fmt = d;
		d = &st->fmt[st->nfmt];
		if ((why = check_fmt(f, &d->time)) != NULL)
			return cfg(ld, "%s: date format '%s': %s", r->name, f,
			    why);
		if ((d->text = strdup(f)) == NULL)
			return nomem(ld->err);
		st->nfmt++;
		if (semi == NULL)
			return 0;
		s = semi + 1;
	}
}

static int
parse_step(struct loader *ld, struct rule *r, char *s, size_t *cap)
{
	struct step *st;
	char *arg;
	size_t n;

	for (n = 0; s[n] != '\0' && !is_blank((unsigned char)s[n]); n++)
		continue;
	arg = trim(s + n);
	if ((st = grow(r->step, cap, r->nstep, sizeof(*st))) == NULL)
		return nomem(ld->err);
	r->step = st;
	st = &r->step[r->nstep++];
	if (n == 4 && strncmp(s, "date", 4) == 0) {
		st->kind = ST_DATE;
		return parse_dates(ld, r, st, arg);
	}
	if (n == 3 && strncmp(s, "map", 3) == 0) {
		st->kind = ST_MAP;
		if (!is_name(arg, 1))
			return cfg(ld, "%s: map needs a map name", r->name);
		return (st->mapname = strdup(arg)) ? 0 : nomem(ld->err);
	}
	s[n] = '\0';
	if (strcmp(s, "upper") == 0)
		st->kind = ST_UPPER;
	else if (strcmp(s, "lower") == 0)
		st->kind = ST_LOWER;
	else if (strcmp(s, "int") == 0)
		st->kind = ST_INT;
	else
		return cfg(ld, "%s: unknown step '%s' (upper, lower, int, "
		    "date, map)", r->name, s);
	if (*arg != '\0')
		return cfg(ld, "%s: '%s' takes no argument", r->name, s);
	return 0;
}

static int
fields_line(struct loader *ld, const char *key, char *val)
{
	struct rule *r;
	size_t cap = 0;
	char *bar, *seg = val;
	int rc;

	if ((r = new_rule(ld, key, &rc)) == NULL)
		return rc;
	if ((bar = find_outside(val, '|')) != NULL)
		*bar = '\0';
	if ((rc = parse_source(ld, r, trim(seg))) != 0)
		return rc;
	while (bar != NULL) {
		seg = bar + 1;
		if ((bar = find_outside(seg, '|')) != NULL)
			*bar = '\0';
		if ((rc = parse_step(ld, r, trim(seg), &cap)) != 0)
			return rc;
	}
	return 0;
}

static int
map_line(struct loader *ld, char *key, char *val)
{
	struct vmap *v = &ld->m->map[ld->m->nmap - 1];
	struct pair *p;
	size_t klen, vlen;
	int star = strcmp(key, "*") == 0;

	if (unquote(key, &klen) || unquote(val, &vlen))
		return cfg(ld, "text after a closing quote");
	if (klen == 0)
		return cfg(ld, "empty key in [map %s]", v->name);
	if (star) {
		if (v->dflt != NULL)
			return cfg(ld, "'*' given twice in [map %s]", v->name);
		v->dlen = vlen;
		return (v->dflt = dupn(val, vlen)) ? 0 : nomem(ld->err);
	}
	if ((p = grow(v->pair, &v->cap, v->n, sizeof(*p))) == NULL)
		return nomem(ld->err);
	v->pair = p;
	p = &v->pair[v->n++];
	p->klen = klen;
	p->vlen = vlen;
	p->line = ld->line;
	if ((p->key = dupn(key, klen)) == NULL ||
	    (p->val = dupn(val, vlen)) == NULL)
		return nomem(ld->err);
	return 0;
}

/* Dispatch one line of the mapping file. */
static int
load_line(struct loader *ld, char *s)
{
	char *c, *eq, *key;

	if (!balanced(s))
		return cfg(ld, "unterminated quote");
	if ((c = find_outside(s, '#')) != NULL)
		*c = '\0';
	s = trim(s);
	if (*s == '\0')
		return 0;
	if (*s == '[')
		return section(ld, s);
	if ((eq = find_outside(s, '=')) == NULL)
		return cfg(ld, "expected 'key = value' or '[section]'");
	*eq = '\0';
	key = trim(s);
	if (*key == '\0')
		return cfg(ld, "no key before '='");
	switch (ld->sec) {
	case SEC_SOURCE:
		return source_line(ld, key, trim(eq + 1));
	case SEC_FIELDS:
		return fields_line(ld, key, trim(eq + 1));
	case SEC_MAP:
		return map_line(ld, key, trim(eq + 1));
	default:
		return cfg(ld, "'%s' outside a section", key);
	}
}

static int
pair_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);

	if (c != 0)
		return c;
	return alen < blen ? -1 : alen > blen;
}

static int
pair_sort(const void *a, const void *b)
{
	const struct pair *p = a, *q = b;
	int c = pair_cmp(p->key, p->klen, q->key, q->klen);

	/* Equal keys sort by line, so that a repeat is reported last. */
	return c ? c : (p->line > q->line) - (p->line < q->line);
}

/* Sort each map for the lookups and refuse repeated keys. */
static int
finish_maps(struct loader *ld)
{
	struct vmap *v;
	size_t i, k;

	for (i = 0; i < ld->m->nmap; i++) {
		v = &ld->m->map[i];
		if (v->n > 1)
			qsort(v->pair, v->n, sizeof(*v->pair), pair_sort);
		for (k = 1; k < v->n; k++) {
			if (pair_cmp(v->pair[k - 1].key, v->pair[k - 1].klen,
			    v->pair[k].key, v->pair[k].klen) != 0)
				continue;
			ld->line = v->pair[k].line;
			return cfg(ld, "key '%s' given twice in [map %s]",
			    v->pair[k].key, v->name);
		}
	}
	return 0;
}

static const struct vmap *
find_map(const struct thads_map *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nmap; i++)
		if (strcmp(m->map[i].name, name) == 0)
			return &m->map[i];
	return NULL;
}

/* Resolve map names and check what the header setting allows. */
static int
finish_rule(struct loader *ld, struct rule *r)
{
	struct thads_map *m = ld->m;
	size_t k;

	ld->line = r->line;
	for (k = 0; k < r->nstep; k++) {
		if (r->step[k].kind != ST_MAP)
			continue;
		r->step[k].map = find_map(m, r->step[k].mapname);
		if (r->step[k].map == NULL)
			return cfg(ld, "%s: no section [map %s]", r->name,
			    r->step[k].mapname);
	}
	if (r->src != SRC_COLUMN || m->header)
		return 0;
	if (r->nalt > 1)
		return cfg(ld, "%s: alternatives need header = yes", r->name);
	if (r->alt[0].name != NULL)
		return cfg(ld, "%s: column names need header = yes (use $N)",
		    r->name);
	if (!r->optional && r->alt[0].num > m->maxcol)
		m->maxcol = r->alt[0].num;
	return 0;
}

static int
finish(struct loader *ld)
{
	size_t i;
	int rc;

	if ((rc = finish_maps(ld)) != 0)
		return rc;
	for (i = 0; i < ld->m->nrule; i++)
		if ((rc = finish_rule(ld, &ld->m->rule[i])) != 0)
			return rc;
	if (ld->m->nrule == 0) {
		ld->line = 0;
		return cfg(ld, "no fields mapped (a [fields] section with at "
		    "least one line is needed)");
	}
	return 0;
}

/* Read every line of f into the loader. */
static int
load_lines(struct loader *ld, FILE *f)
{
	char *buf = NULL, *s;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	while (rc == 0 && (n = getline(&buf, &cap, f)) >= 0) {
		ld->line++;
		s = buf;
		if (n > 0 && s[n - 1] == '\n')
			s[--n] = '\0';
		if (ld->line == 1 && n >= 3 && memcmp(s, BOM, 3) == 0)
			s += 3;
		if (strlen(s) != (size_t)(n - (s - buf)))
			rc = cfg(ld, "NUL byte in the line");
		else if (!thads_text_valid_utf8(s, strlen(s), NULL))
			rc = cfg(ld, "not valid UTF-8");
		else
			rc = load_line(ld, s);
	}
	free(buf);
	if (rc == 0 && ferror(f))
		rc = thads_seterr(ld->err, THADS_EIO, ld->m->path, ld->line,
		    "cannot read mapping: %s", strerror(errno));
	return rc;
}

static struct thads_map *
map_new(const char *path)
{
	struct thads_map *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	if ((m->path = strdup(path)) == NULL) {
		free(m);
		return NULL;
	}
	m->delim = ',';
	m->header = 1;
	m->trim = 1;
	return m;
}

int
thads_map_load(const char *path, struct thads_map **out,
    struct thads_err *err)
{
	struct loader ld;
	FILE *f;
	int rc;

	*out = NULL;
	thads_clearerr(err);
	memset(&ld, 0, sizeof(ld));
	ld.err = err;
	if ((f = fopen(path, "r")) == NULL)
		return thads_seterr(err, THADS_ENOINPUT, path, 0,
		    "cannot open mapping: %s", strerror(errno));
	if ((ld.m = map_new(path)) == NULL) {
		fclose(f);
		return nomem(err);
	}
	rc = load_lines(&ld, f);
	fclose(f);
	if (rc == 0)
		rc = finish(&ld);
	if (rc != 0) {
		thads_map_free(ld.m);
		return rc;
	}
	*out = ld.m;
	return 0;
}

int
thads_map_identity(struct thads_map **out, struct thads_err *err)
{
	thads_clearerr(err);
	if ((*out = map_new("(interchange CSV)")) == NULL)
		return nomem(err);
	(*out)->identity = 1;
	(*out)->trim = 0;
	return 0;
}

int
thads_map_delim(const struct thads_map *m)
{
	return m->delim;
}

int
thads_map_header(const struct thads_map *m)
{
	return m->header;
}

int
thads_map_skip(const struct thads_map *m)
{
	return m->skip;
}

/*
 * Binding to an input: the date in its name and the columns of its
 * header.
 */

/* Read a date of 1900 to 2100 from 8 digits (sep 0) or YYYY-MM-DD. */
static int
name_date(const char *s, int sep, char *out)
{
	struct dt t;
	size_t n = sep ? 10 : 8;
	const char *f = sep ? "%Y-%m-%d" : "%Y%m%d";

	if (strlen(s) < n || is_digit((unsigned char)s[n]) ||
	    match_date(f, s, n, &t) || real_date(&t) ||
	    t.y < 1900 || t.y > 2100)
		return -1;
	if (sep && (s[4] != '-' || s[7] != '-'))
		return -1;
	write_date(out, &t, 0);
	out[10] = '\0';
	return 0;
}

/* Find YYYYMMDD or YYYY-MM-DD in the last component of path. */
static int
file_date(const char *path, char *out)
{
	const char *s = strrchr(path, '/');

	for (s = s ? s + 1 : path; *s != '\0'; s++) {
		if (!is_digit((unsigned char)*s) ||
		    (s > path && is_digit((unsigned char)s[-1])))
			continue;
		if (name_date(s, 0, out) == 0 || name_date(s, 1, out) == 0)
			return 0;
	}
	return -1;
}

/* The cell i of a header row as compared: trimmed, without a BOM. */
static void
header_cell(const struct thads_map *m, const struct thads_row *h, size_t i,
    const char **p, size_t *len)
{
	*p = h->f[i];
	*len = h->len[i];
	if (i == 0 && *len >= 3 && memcmp(*p, BOM, 3) == 0) {
		*p += 3;
		*len -= 3;
	}
	if (m->trim)
		trim_span(p, len);
}

/* The column called name in h: its index, or -1. */
static long
find_column(const struct thads_map *m, const struct thads_row *h,
    const char *name, long *twice)
{
	const char *p;
	size_t i, len;
	long found = -1;

	*twice = -1;
	for (i = 0; i < h->n; i++) {
		header_cell(m, h, i, &p, &len);
		if (!ieq(p, len, name))
			continue;
		if (found >= 0) {
			*twice = (long)i;
			break;
		}
		found = (long)i;
	}
	return found;
}

/* Name the columns of r for a message: "'A' (or 'B', 'C')". */
static void
alt_names(const struct rule *r, char *buf, size_t size)
{
	size_t k, n = 0;

	buf[0] = '\0';
	for (k = 0; k < r->nalt && n < size; k++) {
		const char *sep = k == 0 ? "" : k == 1 ? " (or " : ", ";

		if (r->alt[k].name != NULL)
			n += snprintf(buf + n, size - n, "%s'%s'", sep,
			    r->alt[k].name);
		else
			n += snprintf(buf + n, size - n, "%s$%ld", sep,
			    r->alt[k].num);
	}
	if (r->nalt > 1 && n < size)
		snprintf(buf + n, size - n, ")");
}

static int
bind_rule(struct thads_map *m, struct rule *r, const struct thads_row *h,
    const char *input, struct thads_err *err)
{
	char names[200];
	size_t k;
	long twice;

	r->col = -1;
	for (k = 0; k < r->nalt && r->col < 0; k++) {
		if (r->alt[k].name == NULL) {
			if ((size_t)r->alt[k].num <= h->n)
				r->col = r->alt[k].num - 1;
			continue;
		}
		r->col = find_column(m, h, r->alt[k].name, &twice);
		if (r->col >= 0 && twice >= 0)
			return thads_seterr(err, THADS_EDATA, input, h->line,
			    "column '%s' appears twice in the header "
			    "(columns %ld and %ld)", r->alt[k].name,
			    r->col + 1, twice + 1);
	}
	if (r->col >= 0 || r->optional)
		return 0;
	alt_names(r, names, sizeof(names));
	return thads_seterr(err, THADS_ECONFIG, m->path, r->line,
	    "%s: column %s not in the header of '%s'", r->name, names,
	    input);
}

static int
bind_foreign(struct thads_map *m, const struct thads_row *h,
    const char *input, struct thads_err *err)
{
	struct rule *r;
	size_t i;
	int rc;

	m->hasdate = file_date(input, m->filedate) == 0;
	for (i = 0; i < m->nrule; i++) {
		r = &m->rule[i];
		if (r->src == SRC_FILEDATE && !m->hasdate && !r->optional)
			return thads_seterr(err, THADS_ECONFIG, m->path,
			    r->line, "%s: no date (YYYYMMDD) in the file "
			    "name '%s'", r->name, input);
		if (r->src != SRC_COLUMN)
			continue;
		if (!m->header)
			r->col = r->alt[0].num - 1;
		else if ((rc = bind_rule(m, r, h, input, err)) != 0)
			return rc;
	}
	return 0;
}

static void
free_rule(struct rule *r)
{
	size_t i, k;

	free(r->name);
	free(r->text);
	for (i = 0; i < r->nalt; i++)
		free(r->alt[i].name);
	free(r->alt);
	for (i = 0; i < r->nstep; i++) {
		for (k = 0; k < r->step[i].nfmt; k++)
			free(r->step[i].fmt[k].text);
		free(r->step[i].fmt);
		free(r->step[i].mapname);
	}
	free(r->step);
}

/* Add the rule for column i of an interchange header called name. */
static int
identity_rule(struct thads_map *m, const char *name, size_t i,
    const char *input, long line, struct thads_err *err)
{
	struct rule *r;
	int fid = -1, extra;

	extra = strncmp(name, "extra.", 6) == 0 && is_name(name + 6, 0);
	if (!extra && (fid = thads_field_find(name)) < 0)
		return thads_seterr(err, THADS_EDATA, input, line,
		    "unknown column '%.*s' (column %zu)", SHOWN, name, i + 1);
	if ((r = grow(m->rule, &m->rulecap, m->nrule, sizeof(*r))) == NULL)
		return nomem(err);
	m->rule = r;
	r = &m->rule[m->nrule];
	memset(r, 0, sizeof(*r));
	if ((r->name = strdup(name)) == NULL)
		return nomem(err);
	m->nrule++;
	r->fid = fid;
	r->key = fid < 0 ? r->name + 6 : NULL;
	r->src = SRC_COLUMN;
	r->col = (long)i;
	return 0;
}

/* Order rules by name, then by column: for qsort(). */
static int
by_name(const void *a, const void *b)
{
	const struct rule *x = *(const struct rule *const *)a;
	const struct rule *y = *(const struct rule *const *)b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->col > y->col) - (x->col < y->col);
}

/*
 * A column named twice.  Sorting keeps this O(n log n): a header of a
 * hundred thousand columns must not take minutes.  Of several
 * duplicates, the one whose second column comes first is reported.
 */
static int
duplicates(struct thads_map *m, const char *input, long line,
    struct thads_err *err)
{
	const struct rule **v, *a = NULL, *b = NULL;
	size_t i;

	if (m->nrule < 2)
		return 0;
	if ((v = malloc(m->nrule * sizeof(*v))) == NULL)
		return nomem(err);
	for (i = 0; i < m->nrule; i++)
		v[i] = &m->rule[i];
	qsort(v, m->nrule, sizeof(*v), by_name);
	for (i = 1; i < m->nrule; i++)
		if (strcmp(v[i - 1]->name, v[i]->name) == 0 &&
		    (b == NULL || v[i]->col < b->col)) {
			a = v[i - 1];
			b = v[i];
		}
	free(v);
	if (b == NULL)
		return 0;
	return thads_seterr(err, THADS_EDATA, input, line,
	    "duplicate column '%s' (columns %ld and %ld)", a->name,
	    a->col + 1, b->col + 1);
}

static int
bind_identity(struct thads_map *m, const struct thads_row *h,
    const char *input, struct thads_err *err)
{
	const char *p;
	size_t i, len;
	int rc;

	for (i = 0; i < m->nrule; i++)
		free_rule(&m->rule[i]);
	m->nrule = 0;
	for (i = 0; i < h->n; i++) {
		header_cell(m, h, i, &p, &len);
		if ((rc = identity_rule(m, p, i, input, h->line, err)) != 0)
			return rc;
	}
	return duplicates(m, input, h->line, err);
}

int
thads_map_bind(struct thads_map *m, const struct thads_row *header,
    const char *input, struct thads_err *err)
{
	int rc;

	thads_clearerr(err);
	m->bound = 0;
	if (input == NULL)
		input = "-";
	if (m->header && header == NULL)
		return thads_seterr(err, THADS_EUSAGE, input, 0,
		    "the mapping wants a header row");
	m->ncols = m->header ? header->n : 0;
	if (m->identity)
		rc = bind_identity(m, header, input, err);
	else
		rc = bind_foreign(m, header, input, err);
	if (rc == 0)
		m->bound = 1;
	return rc;
}

/*
 * Applying a row: each rule takes its cell, then runs its steps on the
 * value, which may move into the scratch buffer of the row.
 */

/* A value on its way through the steps of a rule. */
struct val {
	const char *p;
	size_t	 len;
	char	*buf;		/* scratch, SCRATCH bytes */
	const struct rule *r;
	const char *input;
	long	 line;
};

static int
bad(const struct val *v, struct thads_err *err, const char *what,
    const char *detail)
{
	int n = v->len > SHOWN ? SHOWN : (int)v->len;

	return thads_seterr(err, THADS_EDATA, v->input, v->line,
	    "%s: %s '%.*s'%s", v->r->name, what, n, v->p, detail);
}

static int
step_case(struct val *v, int up, struct thads_err *err)
{
	size_t i;
	char c;

	/* XXX: values longer than the scratch buffer cannot change case. */
	if (v->len >= SCRATCH)
		return bad(v, err, "value too long to change case:", "");
	for (i = 0; i < v->len; i++) {
		c = v->p[i];
		if (up && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!up && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		v->buf[i] = c;
	}
	v->p = v->buf;
	return 0;
}

static int
step_int(struct val *v, struct thads_err *err)
{
	const char *s = v->p;
	size_t i = 0, n = v->len, digits;
	int neg = n > 0 && s[0] == '-';

	for (i = neg; i < n && is_digit((unsigned char)s[i]); i++)
		continue;
	digits = i - neg;
	if (digits == 0)
		return bad(v, err, "not a whole number", "");
	if (i < n && s[i++] == '.')
		while (i < n && s[i] == '0')
			i++;
	if (i != n)
		return bad(v, err, "not a whole number", "");
	s += neg;
	while (digits > 1 && *s == '0') {
		s++;
		digits--;
	}
	if (neg && !(digits == 1 && *s == '0')) {
		/* XXX: a negative number must fit the scratch buffer. */
		if (digits >= SCRATCH)
			return bad(v, err, "number too long", "");
		v->buf[0] = '-';
		memmove(v->buf + 1, s, digits);
		s = v->buf;
		digits++;
	}
	v->p = s;
	v->len = digits;
	return 0;
}

/* The list of formats tried, for a message. */
static void
fmt_names(const struct step *st, char *buf, size_t size)
{
	size_t k, n = 0;

	buf[0] = '\0';
	for (k = 0; k < st->nfmt && n < size; k++)
		n += snprintf(buf + n, size - n, "%s'%s'", k ? ", " : "",
		    st->fmt[k].text);
}

static int
step_date(struct val *v, const struct step *st, struct thads_err *err)
{
	char tried[300], tail[340];
	struct dt t;
	size_t k;
	int matched = 0;

	for (k = 0; k < st->nfmt; k++) {
		if (match_date(st->fmt[k].text, v->p, v->len, &t))
			continue;
		matched = 1;
		if (real_date(&t) == 0) {
			v->len = write_date(v->buf, &t, st->fmt[k].time);
			v->p = v->buf;
			return 0;
		}
	}
	if (matched)
		return bad(v, err, "not a real date", "");
	fmt_names(st, tried, sizeof(tried));
	snprintf(tail, sizeof(tail), " (formats tried: %s)", tried);
	return bad(v, err, "date does not match", tail);
}

static int
step_map(struct val *v, const struct vmap *map, struct thads_err *err)
{
	char tail[100];
	size_t lo = 0, hi = map->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = pair_cmp(v->p, v->len, map->pair[mid].key,
		    map->pair[mid].klen);
		if (c == 0) {
			v->p = map->pair[mid].val;
			v->len = map->pair[mid].vlen;
			return 0;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (map->dflt == NULL) {
		snprintf(tail, sizeof(tail), " not in map %s", map->name);
		return bad(v, err, "value", tail);
	}
	v->p = map->dflt;
	v->len = map->dlen;
	return 0;
}

static int
run_step(struct val *v, const struct step *st, struct thads_err *err)
{
	switch (st->kind) {
	case ST_UPPER:
		return step_case(v, 1, err);
	case ST_LOWER:
		return step_case(v, 0, err);
	case ST_INT:
		return step_int(v, err);
	case ST_DATE:
		return step_date(v, st, err);
	case ST_MAP:
		return step_map(v, st->map, err);
	}
	return THADS_ESOFTWARE;
}

/* Point v at the source value of r in row; v->len 0 when absent. */
static void
source_value(const struct thads_map *m, const struct rule *r,
    const struct thads_row *row, struct val *v)
{
	v->len = 0;
	switch (r->src) {
	case SRC_COLUMN:
		if (r->col < 0 || (size_t)r->col >= row->n)
			return;
		v->p = row->f[r->col];
		v->len = row->len[r->col];
		if (m->trim)
			trim_span(&v->p, &v->len);
		return;
	case SRC_CONST:
		v->p = r->text;
		v->len = r->tlen;
		return;
	case SRC_FILEDATE:
		if (m->hasdate) {
			v->p = m->filedate;
			v->len = 10;
		}
		return;
	}
}

static int
apply_rule(const struct thads_map *m, const struct rule *r,
    const struct thads_row *row, struct val *v, struct thads_rec *rec,
    struct thads_err *err)
{
	size_t k;
	int rc;

	v->r = r;
	source_value(m, r, row, v);
	for (k = 0; k < r->nstep && v->len > 0; k++)
		if ((rc = run_step(v, &r->step[k], err)) != 0)
			return rc;
	if (v->len == 0)
		return 0;
	if (r->fid >= 0)
		rc = thads_rec_set(rec, r->fid, v->p, v->len);
	else
		rc = thads_rec_extra(rec, r->key, v->p, v->len);
	return rc ? nomem(err) : 0;
}

/* Refuse a row whose field count does not fit the header or mapping. */
static int
check_width(const struct thads_map *m, const struct thads_row *row,
    const char *input, struct thads_err *err)
{
	if (m->header && row->n != m->ncols)
		return thads_seterr(err, THADS_EDATA, input, row->line,
		    "row has %zu fields, header has %zu", row->n, m->ncols);
	if (!m->header && (long)row->n < m->maxcol)
		return thads_seterr(err, THADS_EDATA, input, row->line,
		    "row has %zu fields, the mapping needs %ld", row->n,
		    m->maxcol);
	return 0;
}

int
thads_map_apply(const struct thads_map *m, const struct thads_row *row,
    const char *input, struct thads_rec *rec, struct thads_err *err)
{
	char scratch[SCRATCH];
	struct val v;
	size_t i;
	int rc;

	if (!m->bound)
		return thads_seterr(err, THADS_EUSAGE, input, row->line,
		    "mapping applied before it was bound to a header");
	rec->file = input;
	rec->line = row->line;
	if (row->n == 1 && row->len[0] == 0)
		return 1;
	if ((rc = check_width(m, row, input, err)) != 0)
		return rc;
	v.buf = scratch;
	v.input = input;
	v.line = row->line;
	for (i = 0; i < m->nrule; i++) {
		rc = apply_rule(m, &m->rule[i], row, &v, rec, err);
		if (rc != 0) {
			thads_rec_clear(rec);
			return rc;
		}
	}
	return 0;
}

void
thads_map_free(struct thads_map *m)
{
	size_t i, k;

	if (m == NULL)
		return;
	for (i = 0; i < m->nrule; i++)
		free_rule(&m->rule[i]);
	free(m->rule);
	for (i = 0; i < m->nmap; i++) {
		for (k = 0; k < m->map[i].n; k++) {
			free(m->map[i].pair[k].key);
			free(m->map[i].pair[k].val);
		}
		free(m->map[i].pair);
		free(m->map[i].name);
		free(m->map[i].dflt);
	}
	free(m->map);
	free(m->path);
	free(m);
}
