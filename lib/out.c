/*
 * out.c: the output layer of out.h: csv, tsv, jsonl, xml and table, and
 * the documents of several tables; xlsx and html are in out_xlsx.c and
 * out_html.c behind out_doc.h.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/xmlwriter.h>
#include <unistr.h>

#include "thads.h"
#include "out.h"
#include "out_doc.h"
#include "text.h"

/* A buffered table cell: the cleaned text and its display width. */
struct cell {
	char	*s;
	size_t	 w;
};

struct thads_out {
	FILE		*fp;
	enum thads_fmt	 fmt;
	unsigned	 flags;
	size_t		 ncols;
	struct thads_col *cols;		/* names are our copies */
	char		**keys;		/* jsonl: each name as "name": */
	char		*metajson;	/* jsonl: ,"key":"value"... or NULL */
	xmlTextWriterPtr xw;		/* xml */
	char		*rec;		/* xml: record element name */
	struct cell	*cells;		/* table: nrows * ncols */
	size_t		 nrows;
	size_t		 caprows;
	char		*head;		/* table: title and metadata lines */
	char		*docname;	/* a document: root or page title */
	int		 ntables;	/* tables started so far */
	struct thads_xlsx *xlsx;
	struct thads_html *html;
	int		 rc;		/* first error, sticky */
	struct thads_err first;		/* its detail */
};

static const char *const fmtnames[] = {
	[THADS_FMT_TABLE] = "table",
	[THADS_FMT_CSV] = "csv",
	[THADS_FMT_TSV] = "tsv",
	[THADS_FMT_JSONL] = "jsonl",
	[THADS_FMT_XML] = "xml",
	[THADS_FMT_XLSX] = "xlsx",
	[THADS_FMT_HTML] = "html",
};

#define NFMTS	(sizeof(fmtnames) / sizeof(fmtnames[0]))
#define UTF8_BOM	"\xef\xbb\xbf"
#define REPLACEMENT	"\xef\xbf\xbd"	/* U+FFFD */

int
thads_fmt_parse(const char *name, enum thads_fmt *out)
{
	size_t i;

	if (name == NULL)
		return THADS_EUSAGE;
	for (i = 0; i < NFMTS; i++)
		if (strcmp(name, fmtnames[i]) == 0) {
			*out = (enum thads_fmt)i;
			return 0;
		}
	return THADS_EUSAGE;
}

const char *
thads_fmt_name(enum thads_fmt fmt)
{
	if ((size_t)fmt >= NFMTS)
		return "unknown";
	return fmtnames[fmt];
}

/*
 * Cleaning values.  clean() copies s with every invalid UTF-8 byte and
 * every character for which bad() is true replaced by repl; when there
 * is nothing to replace it returns s itself, which the caller must not
 * free.  Returns NULL when out of memory.
 */

static int
bad_none(ucs4_t uc)
{
	(void)uc;
	return 0;
}

/* Characters that XML 1.0 does not allow (surrogates cannot occur). */
static int
bad_xml(ucs4_t uc)
{
	if (uc < 0x20)
		return uc != '\t' && uc != '\n' && uc != '\r';
	return uc == 0xfffe || uc == 0xffff;
}

/* Characters that can drive a terminal or reorder what it shows. */
static int
bad_tty(ucs4_t uc)
{
	return uc < 0x20 || (uc >= 0x7f && uc <= 0x9f) ||
	    (uc >= 0x202a && uc <= 0x202e) || (uc >= 0x2066 && uc <= 0x2069);
}

/*
 * Decode the character at p (left bytes remain).  Returns its length,
 * or 1 with *bad set for an invalid or truncated sequence.
 */
static size_t
step(const uint8_t *p, size_t left, int (*bad)(ucs4_t), int *isbad)
{
	ucs4_t uc;
	int k;

	if (*p >= 0x20 && *p < 0x7f) {
		*isbad = 0;
		return 1;
	}
	k = u8_mbtoucr(&uc, p, left);
	if (k < 0) {
		*isbad = 1;
		return 1;
	}
	*isbad = bad(uc);
	return (size_t)k;
}

static char *
clean(const char *s, int (*bad)(ucs4_t), const char *repl)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
	size_t k, n = 0, rl = strlen(repl);
	char *r, *o;
	int isbad, changed = 0;

	for (; p < end; p += k) {
		k = step(p, end - p, bad, &isbad);
		n += isbad ? rl : k;
		changed |= isbad;
	}
	if (!changed)
		return (char *)s;
	if ((r = o = malloc(n + 1)) == NULL)
		return NULL;

	for (p = (const uint8_t *)s; p < end; p += k) {
		k = step(p, end - p, bad, &isbad);
		memcpy(o, isbad ? (const void *)repl : (const void *)p,
		    isbad ? rl : k);
		o += isbad ? rl : k;
	}
	*o = '\0';
	return r;
}

static void
unclean(const char *s, char *c)
{
	if (c != s)
		free(c);
}

/*
 * Number syntax.  is_number() takes a decimal number with an optional
 * sign, fraction and exponent ("-1.5e3", ".5"); is_canon_int() takes a
 * whole number as JSON writes it ("0", "-12", not "007", "+1" or "-0").
 */

static const char *
digits(const char *s, int *n)
{
	*n = 0;
	while (*s >= '0' && *s <= '9') {
		s++;
		(*n)++;
	}
	return s;
}

static int
is_number(const char *s)
{
	int a, b = 0;

	if (*s == '-' || *s == '+')
		s++;
	s = digits(s, &a);
	if (*s == '.')
		s = digits(s + 1, &b);
	if (a + b == 0)
		return 0;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		s = digits(s, &a);
		if (a == 0)
			return 0;
	}
	return *s == '\0';
}

static int
is_canon_int(const char *s)
{
	int n, neg = *s == '-';

	s += neg;
	if (s[0] == '0')
		return s[1] == '\0' && !neg;
	return *digits(s, &n) == '\0' && n > 0;
}

int
thads_out_is_number(const char *s)
{
	return s != NULL && is_number(s);
}

char *
thads_out_clean_xml(const char *s)
{
	char *c = clean(s, bad_xml, REPLACEMENT);

	return c == s ? strdup(s) : c;
}

/* Whether value s of column i gets a leading apostrophe in csv/tsv. */
static int
neutralise(const struct thads_out *o, size_t i, const char *s)
{
	enum thads_coltype t = o->cols[i].type;

	if ((o->flags & THADS_OUT_RAW) || !thads_text_has_formula_lead(s))
		return 0;
	return !((t == THADS_COL_INT || t == THADS_COL_REAL) && is_number(s));
}

/*
 * Errors.  A handle keeps its first error: fail() records it unless
 * there is one already, again() hands it back, and io() turns a write
 * error on the stream into THADS_EIO, or THADS_EPIPE when the reader of
 * a pipe went away.
 */

static int
again(const struct thads_out *o, struct thads_err *err)
{
	if (err != NULL)
		*err = o->first;
	return o->rc;
}

static int
fail(struct thads_out *o, struct thads_err *err, int code, const char *what)
{
	if (o->rc == 0) {
		o->rc = code;
		thads_seterr(&o->first, code, NULL, 0,
		    "cannot write %s output: %s", thads_fmt_name(o->fmt),
		    what);
	}
	return again(o, err);
}

static int
io(struct thads_out *o, struct thads_err *err)
{
	if (!ferror(o->fp))
		return 0;
	if (errno == EPIPE)
		return fail(o, err, THADS_EPIPE, strerror(errno));
	return fail(o, err, THADS_EIO, errno != 0 ? strerror(errno) :
	    "write error");
}

/*
 * csv and tsv.
 */

static void
csv_field(FILE *fp, const char *s, int apos)
{
	size_t k;
	int quote;

	quote = *s == '\0' || s[strcspn(s, ",\"\r\n")] != '\0';
	if (quote)
		putc('"', fp);
	if (apos)
		putc('\'', fp);
	while (*s != '\0') {
		k = strcspn(s, "\"");
		fwrite(s, 1, k, fp);
		s += k;
		if (*s == '"') {
			fputs("\"\"", fp);
			s++;
		}
	}
	if (quote)
		putc('"', fp);
}

static void
tsv_field(FILE *fp, const char *s, int apos)
{
	size_t k;

	if (apos)
		putc('\'', fp);
	while (*s != '\0') {
		k = strcspn(s, "\t\n\r\\");
		fwrite(s, 1, k, fp);
		s += k;
		switch (*s) {
		case '\0':
			return;
		case '\t':
			fputs("\\t", fp);
			break;
		case '\n':
			fputs("\\n", fp);
			break;
		case '\r':
			fputs("\\r", fp);
			break;
		default:
			fputs("\\\\", fp);
			break;
		}
		s++;
	}
}

/* Write one csv or tsv line; names says vals are the column names. */
static void
sep_line(struct thads_out *o, const char *const *vals, int names)
{
	int csv = o->fmt == THADS_FMT_CSV;
	size_t i;

	for (i = 0; i < o->ncols; i++) {
		if (i > 0)
			putc(csv ? ',' : '\t', o->fp);
		if (vals[i] == NULL)
			continue;
		if (csv)
			csv_field(o->fp, vals[i], !names &&
			    neutralise(o, i, vals[i]));
		else
			tsv_field(o->fp, vals[i], !names &&
			    neutralise(o, i, vals[i]));
	}
	fputs(csv ? "\r\n" : "\n", o->fp);
}

static int
sep_open(struct thads_out *o)
{
	const char **names;
	size_t i;

	if (o->flags & THADS_OUT_BOM)
		fputs(UTF8_BOM, o->fp);
	if (o->flags & THADS_OUT_NOHEADER)
		return 0;
	if ((names = calloc(o->ncols, sizeof(*names))) == NULL)
		return THADS_ENOMEM;
	for (i = 0; i < o->ncols; i++)
		names[i] = o->cols[i].name;
	sep_line(o, names, 1);
	free(names);
	return 0;
}

/*
 * jsonl.  Each value is dumped on its own so that each REAL gets the
 * precision it needs: jansson's default of 17 digits would write "0.1"
 * as 0.10000000000000001.
 */

static int
json_open(struct thads_out *o)
{
	json_t *j;
	size_t i;

	if ((o->keys = calloc(o->ncols, sizeof(*o->keys))) == NULL)
		return THADS_ENOMEM;
	for (i = 0; i < o->ncols; i++) {
		if ((j = json_string(o->cols[i].name)) == NULL)
			return THADS_ENOMEM;
		o->keys[i] = json_dumps(j, JSON_ENCODE_ANY);
		json_decref(j);
		if (o->keys[i] == NULL)
			return THADS_ENOMEM;
	}
	return 0;
}

/*
 * The fewest significant digits (up to 17) that give back v: as many
 * as s has when that is at most 15, since any 15-digit decimal survives
 * the trip through a double, else 16 when that is enough, else 17.
 */
static int
real_precision(const char *s, double v)
{
	char buf[32];
	int n = 0, lead = 1;

	for (; *s != '\0' && *s != 'e' && *s != 'E'; s++) {
		if (*s == '0' && lead)
			continue;
		if (*s >= '0' && *s <= '9') {
			lead = 0;
			n++;
		}
	}
	if (n <= 15)
		return n > 0 ? n : 1;
	snprintf(buf, sizeof(buf), "%.16g", v);
	return strtod(buf, NULL) == v ? 16 : 17;
}

static json_t *
json_bool(const char *s)
{
	if (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0 ||
	    strcasecmp(s, "yes") == 0)
		return json_true();
	if (strcmp(s, "0") == 0 || strcasecmp(s, "false") == 0 ||
	    strcasecmp(s, "no") == 0)
		return json_false();
	return NULL;
}

/*
 * The number for s in an INT or REAL column, or NULL when s is not one
 * (or out of memory: the caller then fails on the string instead).
 * errno is kept, since io() may still need it.
 */
static json_t *
json_num(enum thads_coltype t, const char *s, int *prec)
{
	int saved = errno;
	json_t *j = NULL;
	long long v;
	double d;

	errno = 0;
	if (t == THADS_COL_INT && is_canon_int(s)) {
		v = strtoll(s, NULL, 10);
		if (errno == 0)
			j = json_integer(v);
	} else if (t == THADS_COL_REAL && is_number(s)) {
		d = strtod(s, NULL);
		if (errno == 0 && isfinite(d)) {
			*prec = real_precision(s, d);
			j = json_real(d);
		}
	}
	errno = saved;
	return j;
}

/* The JSON value for s in a column of type t; NULL when out of memory. */
static json_t *
json_cell(enum thads_coltype t, const char *s, int *prec)
{
	json_t *j = NULL;
	char *c;

	*prec = 17;
	if (s == NULL)
		return json_null();
	if (t == THADS_COL_BOOL)
		j = json_bool(s);
	else if (t == THADS_COL_INT || t == THADS_COL_REAL)
		j = json_num(t, s, prec);
	if (j != NULL)
		return j;

	/* jansson refuses invalid UTF-8; keep the rest of the value. */
	if ((c = clean(s, bad_none, REPLACEMENT)) == NULL)
		return NULL;
	j = json_string(c);
	unclean(s, c);
	return j;
}

static int
json_row(struct thads_out *o, const char *const *vals)
{
	json_t *j;
	size_t i;
	int prec;

	putc('{', o->fp);
	for (i = 0; i < o->ncols; i++) {
		if ((j = json_cell(o->cols[i].type, vals[i], &prec)) == NULL)
			return THADS_ENOMEM;
		if (i > 0)
			putc(',', o->fp);
		fputs(o->keys[i], o->fp);
		putc(':', o->fp);
		json_dumpf(j, o->fp, JSON_COMPACT | JSON_ENCODE_ANY |
		    JSON_REAL_PRECISION(prec));
		json_decref(j);
	}
	if (o->metajson != NULL)
		fputs(o->metajson, o->fp);
	fputs("}\n", o->fp);
	return 0;
}

/* The metadata as ,"key":"value" pairs to close each object with. */
static int
json_meta(struct thads_out *o, const struct thads_table *t)
{
	const char *v;
	json_t *j;
	size_t i;
	char *c;
	int rc;

	if (t->nmeta == 0)
		return 0;
	if ((j = json_object()) == NULL)
		return THADS_ENOMEM;
	for (i = 0; i < t->nmeta; i++) {
		v = t->meta[i].value ? t->meta[i].value : "";
		if ((c = clean(v, bad_none, REPLACEMENT)) == NULL) {
			json_decref(j);
			return THADS_ENOMEM;
		}
		rc = json_object_set_new(j, t->meta[i].key, json_string(c));
		unclean(v, c);
		if (rc != 0) {
			json_decref(j);
			return THADS_ENOMEM;
		}
	}
	c = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (c == NULL)
		return THADS_ENOMEM;
	/* "{...}" becomes ",..." to follow the last column. */
	c[0] = ',';
	c[strlen(c) - 1] = '\0';
	o->metajson = c;
	return 0;
}

/*
 * xml, through libxml2's xmlTextWriter.  The output callback always
 * reports success so that libxml2 never prints an I/O error of its own;
 * write errors are seen through ferror() on the stream instead.
 */

static int
xml_write(void *ctx, const char *buf, int len)
{
	struct thads_out *o = ctx;

	fwrite(buf, 1, (size_t)len, o->fp);
	return len;
}

/* Whether s is an XML name of the restricted ASCII form of out.h. */
static int
is_xml_name(const char *s)
{
	const char *p;

	if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
	    *s == '_'))
		return 0;
	for (p = s + 1; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("_-.", *p) != NULL))
			return 0;
	return 1;
}

/* The writer and the XML declaration, once per output. */
static int
xml_start(struct thads_out *o)
{
	xmlOutputBufferPtr ob;

	if ((ob = xmlOutputBufferCreateIO(xml_write, NULL, o, NULL)) == NULL ||
	    (o->xw = xmlNewTextWriter(ob)) == NULL) {
		if (ob != NULL)
			xmlOutputBufferClose(ob);
		return THADS_ELIB;
	}
	if (xmlTextWriterSetIndent(o->xw, 1) < 0 ||
	    xmlTextWriterSetIndentString(o->xw, BAD_CAST "  ") < 0 ||
	    xmlTextWriterStartDocument(o->xw, "1.0", "UTF-8", NULL) < 0)
		return THADS_ELIB;
	return 0;
}

/*
 * The English plural of a record element's name, for its table: a
 * consonant and y become "ies" (community, communities); s, x, z, ch
 * and sh take "es" (status, statuses); anything else takes "s".  The
 * names are ASCII (is_xml_name()).  NULL when out of memory.
 */
static char *
plural(const char *name)
{
	size_t n = strlen(name), k;
	const char *end = "s";
	int last = n > 0 ? tolower((unsigned char)name[n - 1]) : 0;
	int before = n > 1 ? tolower((unsigned char)name[n - 2]) : 0;
	char *p;

	if (last == 'y' && before != 0 && strchr("aeiou", before) == NULL) {
		n--;
		end = "ies";
	} else if (last == 's' || last == 'x' || last == 'z' ||
	    (last == 'h' && (before == 'c' || before == 's')))
		end = "es";
	k = strlen(end);
	if ((p = malloc(n + k + 1)) == NULL)
		return NULL;
	memcpy(p, name, n);
	memcpy(p + n, end, k + 1);
	return p;
}

/* A table's element, named after its records, with its metadata. */
static int
xml_open(struct thads_out *o, const char *name, const struct thads_table *t)
{
	size_t i;
	char *root, *c;
	int rc = 0;

	if ((o->rec = strdup(name)) == NULL || (root = plural(name)) == NULL)
		return THADS_ENOMEM;
	if (o->xw == NULL && (rc = xml_start(o)) != 0) {
		free(root);
		return rc;
	}
	if (xmlTextWriterStartElement(o->xw, BAD_CAST root) < 0)
		rc = THADS_ELIB;
	free(root);
	for (i = 0; rc == 0 && i < t->nmeta; i++) {
		c = thads_out_clean_xml(t->meta[i].value ? t->meta[i].value :
		    "");
		if (c == NULL)
			return THADS_ENOMEM;
		if (xmlTextWriterWriteAttribute(o->xw,
		    BAD_CAST t->meta[i].key, BAD_CAST c) < 0)
			rc = THADS_ELIB;
		free(c);
	}
	return rc;
}

static int
xml_row(struct thads_out *o, const char *const *vals)
{
	size_t i;
	char *c;
	int rc;

	if (xmlTextWriterStartElement(o->xw, BAD_CAST o->rec) < 0)
		return THADS_ELIB;
	for (i = 0; i < o->ncols; i++) {
		if (vals[i] == NULL)
			continue;
		if ((c = clean(vals[i], bad_xml, REPLACEMENT)) == NULL)
			return THADS_ENOMEM;
		rc = xmlTextWriterWriteElement(o->xw,
		    BAD_CAST o->cols[i].name, BAD_CAST c);
		unclean(vals[i], c);
		if (rc < 0)
			return THADS_ELIB;
	}
	return xmlTextWriterEndElement(o->xw) < 0 ? THADS_ELIB : 0;
}

static int
xml_close(struct thads_out *o)
{
	int rc = 0;

	if (o->rc == 0 && xmlTextWriterEndDocument(o->xw) < 0)
		rc = THADS_ELIB;
	xmlFreeTextWriter(o->xw);
	o->xw = NULL;
	return rc;
}

/*
 * table.
 */

static int
is_numeric(const struct thads_out *o, size_t i)
{
	return o->cols[i].type == THADS_COL_INT ||
	    o->cols[i].type == THADS_COL_REAL;
}

static int
table_row(struct thads_out *o, const char *const *vals)
{
	struct cell *row, *t;
	const char *v;
	size_t i, cap;
	char *c;

	if (o->nrows == o->caprows) {
		cap = o->caprows ? o->caprows * 2 : 64;
		if (cap > SIZE_MAX / o->ncols)
			return THADS_ENOMEM;
		t = reallocarray(o->cells, cap * o->ncols, sizeof(*t));
		if (t == NULL)
			return THADS_ENOMEM;
		o->cells = t;
		o->caprows = cap;
	}
	row = o->cells + o->nrows * o->ncols;
	for (i = 0; i < o->ncols; i++) {
		v = vals[i] != NULL ? vals[i] : "";
		c = clean(v, bad_tty, "?");
		if (c == NULL || (c == v && (c = strdup(v)) == NULL)) {
			while (i-- > 0)
				free(row[i].s);
			return THADS_ENOMEM;
		}
		row[i].s = c;
		row[i].w = thads_text_width(c, strlen(c));
	}
	o->nrows++;
	return 0;
}

static void
pad(FILE *fp, size_t n)
{
	while (n-- > 0)
		putc(' ', fp);
}

/*
 * Write one table line; width holds each column's width.  Padding is
 * held back until more text follows, so no line ends in spaces.
 */
static void
table_line(struct thads_out *o, const struct cell *row, const size_t *width)
{
	size_t i, gap, pend = 0;

	for (i = 0; i < o->ncols; i++) {
		gap = width[i] - row[i].w;
		if (i > 0)
			pend += 2;
		if (is_numeric(o, i))
			pend += gap;
		if (row[i].s[0] != '\0') {
			pad(o->fp, pend);
			pend = 0;
			fputs(row[i].s, o->fp);
		}
		if (!is_numeric(o, i))
			pend += gap;
	}
	putc('\n', o->fp);
}

static void
table_header(struct thads_out *o, struct cell *head, const size_t *width)
{
	size_t i, j;

	table_line(o, head, width);
	for (i = 0; i < o->ncols; i++) {
		if (i > 0)
			fputs("  ", o->fp);
		for (j = 0; j < width[i]; j++)
			putc('-', o->fp);
	}
	putc('\n', o->fp);
}

static int
table_close(struct thads_out *o)
{
	struct cell *head;
	size_t *width, i, r;

	head = calloc(o->ncols, sizeof(*head));
	width = calloc(o->ncols, sizeof(*width));
	if (head == NULL || width == NULL) {
		free(head);
		free(width);
		return THADS_ENOMEM;
	}
	for (i = 0; i < o->ncols; i++) {
		head[i].s = (char *)o->cols[i].name;
		head[i].w = thads_text_width(head[i].s, strlen(head[i].s));
		if (!(o->flags & THADS_OUT_NOHEADER))
			width[i] = head[i].w;
		for (r = 0; r < o->nrows; r++)
			if (o->cells[r * o->ncols + i].w > width[i])
				width[i] = o->cells[r * o->ncols + i].w;
	}

	if (o->ntables > 1)
		putc('\n', o->fp);
	if (o->head != NULL)
		fputs(o->head, o->fp);
	if (!(o->flags & THADS_OUT_NOHEADER))
		table_header(o, head, width);
	for (r = 0; r < o->nrows; r++)
		table_line(o, o->cells + r * o->ncols, width);
	free(head);
	free(width);
	return 0;
}

/*
 * The lines a table block starts with in a document: its title, then
 * "key: value" for each metadata pair, then an empty line; cleaned as
 * the cells are.
 */
static int
table_head(struct thads_out *o, const struct thads_table *t)
{
	const char *v;
	char *buf = NULL, *c;
	size_t len = 0, i;
	FILE *mf;

	if (t->title == NULL && t->nmeta == 0)
		return 0;
	if ((mf = open_memstream(&buf, &len)) == NULL)
		return THADS_ENOMEM;
	for (i = 0; i <= t->nmeta; i++) {
		if (i == 0 && t->title == NULL)
			continue;
		v = i == 0 ? t->title : t->meta[i - 1].value;
		if (v == NULL)
			v = "";
		if ((c = clean(v, bad_tty, "?")) == NULL)
			break;
		if (i > 0)
			fprintf(mf, "%s: ", t->meta[i - 1].key);
		fprintf(mf, "%s\n", c);
		unclean(v, c);
	}
	fputc('\n', mf);
	if (fclose(mf) != 0 || i <= t->nmeta) {
		free(buf);
		return THADS_ENOMEM;
	}
	o->head = buf;
	return 0;
}

/*
 * Opening and closing.
 */

/* Free what belongs to the current table. */
static void
table_free(struct thads_out *o)
{
	size_t i;

	for (i = 0; i < o->nrows * o->ncols; i++)
		free(o->cells[i].s);
	free(o->cells);
	o->cells = NULL;
	o->nrows = o->caprows = 0;
	for (i = 0; i < o->ncols; i++) {
		free((char *)o->cols[i].name);
		if (o->keys != NULL)
			free(o->keys[i]);
	}
	free(o->keys);
	free(o->cols);
	free(o->rec);
	free(o->head);
	free(o->metajson);
	o->keys = NULL;
	o->cols = NULL;
	o->ncols = 0;
	o->rec = o->head = o->metajson = NULL;
}

static void
out_free(struct thads_out *o)
{
	if (o->xw != NULL)
		xmlFreeTextWriter(o->xw);
	if (o->xlsx != NULL)
		(void)thads_xlsx_close(o->xlsx, 0, NULL);	/* discard */
	if (o->html != NULL)
		(void)thads_html_close(o->html, 0, NULL);
	table_free(o);
	free(o->docname);
	free(o);
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

static int
check_cols(enum thads_fmt fmt, const char *name, const struct thads_col *cols,
    size_t ncols, struct thads_err *err)
{
	const char *s;
	size_t i, j;

	if (fmt == THADS_FMT_XML && !is_xml_name(name))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "bad xml element name '%s'", name);
	if (ncols == 0)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0, "no columns");
	for (i = 0; i < ncols; i++) {
		if ((s = cols[i].name) == NULL || *s == '\0' ||
		    !thads_text_valid_utf8(s, strlen(s), NULL) ||
		    has_control(s) ||
		    (fmt == THADS_FMT_XML && !is_xml_name(s)))
			return thads_seterr(err, THADS_EUSAGE, NULL, 0,
			    "bad column name %zu", i);
		for (j = 0; j < i; j++)
			if (strcmp(s, cols[j].name) == 0)
				return thads_seterr(err, THADS_EUSAGE, NULL,
				    0, "duplicate column name '%s'", s);
	}
	return 0;
}

/* Metadata keys: XML names, none twice, none a column name. */
static int
check_meta(const struct thads_table *t, struct thads_err *err)
{
	const char *k;
	size_t i, j;

	for (i = 0; i < t->nmeta; i++) {
		if ((k = t->meta[i].key) == NULL || !is_xml_name(k))
			return thads_seterr(err, THADS_EUSAGE, NULL, 0,
			    "bad metadata key %zu", i);
		for (j = 0; j < t->ncols; j++)
			if (strcmp(k, t->cols[j].name) == 0)
				return thads_seterr(err, THADS_EUSAGE, NULL,
				    0, "metadata key '%s' is a column", k);
		for (j = 0; j < i; j++)
			if (strcmp(k, t->meta[j].key) == 0)
				return thads_seterr(err, THADS_EUSAGE, NULL,
				    0, "duplicate metadata key '%s'", k);
	}
	return 0;
}

static int
set_cols(struct thads_out *o, const struct thads_col *cols, size_t ncols)
{
	size_t i;

	if ((o->cols = calloc(ncols, sizeof(*o->cols))) == NULL)
		return THADS_ENOMEM;
	o->ncols = ncols;
	for (i = 0; i < ncols; i++) {
		o->cols[i].type = cols[i].type;
		if ((o->cols[i].name = strdup(cols[i].name)) == NULL)
			return THADS_ENOMEM;
	}
	return 0;
}

/* Start table t in the format's own way: header, element, sheet. */
static int
start(struct thads_out *o, const struct thads_table *t, const char *name,
    struct thads_err *err)
{
	int rc;

	switch (o->fmt) {
	case THADS_FMT_CSV:
	case THADS_FMT_TSV:
		return sep_open(o);
	case THADS_FMT_JSONL:
		if ((rc = json_open(o)) != 0)
			return rc;
		return json_meta(o, t);
	case THADS_FMT_XML:
		return xml_open(o, name, t);
	case THADS_FMT_TABLE:
		return o->docname != NULL ? table_head(o, t) : 0;
	case THADS_FMT_XLSX:
		return thads_xlsx_table(o->xlsx, t, err);
	case THADS_FMT_HTML:
		return thads_html_table(o->html, t, err);
	}
	return 0;
}

/* End the current table; the document stays open. */
static int
finish(struct thads_out *o, struct thads_err *err)
{
	int rc = 0;

	if (o->ntables == 0 || o->rc != 0)
		return 0;
	if (o->fmt == THADS_FMT_TABLE)
		rc = table_close(o);
	else if (o->fmt == THADS_FMT_XML && o->docname != NULL &&
	    xmlTextWriterEndElement(o->xw) < 0)
		rc = THADS_ELIB;
	if (rc != 0)
		return fail(o, err, rc, thads_strerror(rc));
	return io(o, err);
}

/* Record a backend's error, whose detail is already in e. */
static int
fail_detail(struct thads_out *o, struct thads_err *err, int code,
    const struct thads_err *e)
{
	if (o->rc == 0) {
		o->rc = code;
		o->first = *e;
	}
	return again(o, err);
}

int
thads_out_begin(FILE *fp, enum thads_fmt fmt, const char *docname,
    unsigned flags, struct thads_out **out, struct thads_err *err)
{
	struct thads_out *o;
	struct thads_err e;
	int rc = 0;

	if (fp == NULL || (size_t)fmt >= NFMTS)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "bad output arguments");
	if (docname != NULL && !is_xml_name(docname))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "bad document name '%s'", docname);
	if ((o = calloc(1, sizeof(*o))) == NULL ||
	    (docname != NULL && (o->docname = strdup(docname)) == NULL)) {
		free(o);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	o->fp = fp;
	o->fmt = fmt;
	o->flags = flags;

	errno = 0;
	thads_clearerr(&e);
	if (fmt == THADS_FMT_XLSX)
		rc = thads_xlsx_open(fp, &o->xlsx, &e);
	else if (fmt == THADS_FMT_HTML)
		rc = thads_html_open(fp, docname, &o->html, &e);
	else if (fmt == THADS_FMT_XML && docname != NULL &&
	    ((rc = xml_start(o)) != 0 ||
	    xmlTextWriterStartElement(o->xw, BAD_CAST docname) < 0))
		rc = rc ? rc : THADS_ELIB;
	if (rc != 0 && e.code != 0)
		rc = fail_detail(o, err, rc, &e);
	else if (rc != 0)
		rc = fail(o, err, rc, thads_strerror(rc));
	else
		rc = io(o, err);
	if (rc != 0) {
		out_free(o);
		return rc;
	}
	*out = o;
	return 0;
}

int
thads_out_next(struct thads_out *o, const struct thads_table *t,
    struct thads_err *err)
{
	const char *name;
	struct thads_err e;
	int rc;

	if (o == NULL || t == NULL || t->cols == NULL)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "bad output arguments");
	if (o->rc != 0)
		return again(o, err);
	if (o->ntables > 0 && (o->docname == NULL ||
	    o->fmt == THADS_FMT_CSV || o->fmt == THADS_FMT_TSV))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "%s output holds one table only", thads_fmt_name(o->fmt));
	name = t->name != NULL ? t->name : "row";
	if ((rc = check_cols(o->fmt, name, t->cols, t->ncols, err)) != 0 ||
	    (rc = check_meta(t, err)) != 0)
		return rc;
	if ((rc = finish(o, err)) != 0)
		return rc;

	table_free(o);
	o->ntables++;
	errno = 0;
	thads_clearerr(&e);
	if ((rc = set_cols(o, t->cols, t->ncols)) == 0)
		rc = start(o, t, name, &e);
	if (rc != 0 && e.code != 0)
		return fail_detail(o, err, rc, &e);
	if (rc != 0)
		return fail(o, err, rc, thads_strerror(rc));
	return io(o, err);
}

int
thads_out_open(FILE *fp, enum thads_fmt fmt, const char *name,
    const struct thads_col *cols, size_t ncols, unsigned flags,
    struct thads_out **out, struct thads_err *err)
{
	struct thads_out *o = NULL;
	struct thads_table t;
	int rc;

	if (fp == NULL || cols == NULL || (size_t)fmt >= NFMTS)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "bad output arguments");
	if (name == NULL)
		name = "row";
	if ((rc = check_cols(fmt, name, cols, ncols, err)) != 0)
		return rc;
	memset(&t, 0, sizeof(t));
	t.name = name;
	t.cols = cols;
	t.ncols = ncols;
	if ((rc = thads_out_begin(fp, fmt, NULL, flags, &o, err)) != 0 ||
	    o == NULL)
		return rc ? rc : THADS_ESOFTWARE;
	if ((rc = thads_out_next(o, &t, err)) != 0) {
		out_free(o);
		return rc;
	}
	*out = o;
	return 0;
}

int
thads_out_row(struct thads_out *o, const char *const *vals,
    struct thads_err *err)
{
	struct thads_err e;
	int rc = 0;

	if (o == NULL || vals == NULL || o->ntables == 0)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "bad output arguments");
	if (o->rc != 0)
		return again(o, err);

	errno = 0;
	thads_clearerr(&e);
	switch (o->fmt) {
	case THADS_FMT_CSV:
	case THADS_FMT_TSV:
		sep_line(o, vals, 0);
		break;
	case THADS_FMT_JSONL:
		rc = json_row(o, vals);
		break;
	case THADS_FMT_XML:
		rc = xml_row(o, vals);
		break;
	case THADS_FMT_TABLE:
		rc = table_row(o, vals);
		break;
	case THADS_FMT_XLSX:
		rc = thads_xlsx_row(o->xlsx, vals, &e);
		break;
	case THADS_FMT_HTML:
		rc = thads_html_row(o->html, vals, &e);
		break;
	}
	if (rc != 0 && e.code != 0)
		return fail_detail(o, err, rc, &e);
	if (rc != 0)
		return fail(o, err, rc, thads_strerror(rc));
	return io(o, err);
}

/* End the document: root element, workbook, page. */
static int
finish_doc(struct thads_out *o, struct thads_err *e)
{
	struct thads_xlsx *x = o->xlsx;
	struct thads_html *h = o->html;

	o->xlsx = NULL;
	o->html = NULL;
	if (x != NULL)
		return thads_xlsx_close(x, o->rc == 0, e);
	if (h != NULL)
		return thads_html_close(h, o->rc == 0, e);
	if (o->xw != NULL)
		return xml_close(o);
	return 0;
}

int
thads_out_close(struct thads_out *o, struct thads_err *err)
{
	struct thads_err e;
	int rc;

	if (o == NULL)
		return 0;
	errno = 0;
	thads_clearerr(&e);
	(void)finish(o, NULL);	/* an error sticks in o->rc */
	if ((rc = finish_doc(o, &e)) != 0) {
		if (e.code != 0)
			fail_detail(o, err, rc, &e);
		else
			fail(o, err, rc, thads_strerror(rc));
	}
	if (fflush(o->fp) == EOF || ferror(o->fp))
		io(o, err);

	if ((rc = o->rc) != 0)
		again(o, err);
	out_free(o);
	return rc;
}
