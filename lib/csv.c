/*
 * csv.c: the CSV reader on libcsv and the RFC 4180 writer.  See csv.h.
 *
 * The reader checks each chunk it reads (NUL bytes, UTF-8) before libcsv
 * sees it, then feeds libcsv one physical line at a time.  libcsv is set
 * to end records at LF only, so a record can only end at the last byte
 * of a piece fed to it: a piece yields at most one record, nothing needs
 * queueing, and the line counter is exact when the callbacks run.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistr.h>
#include <uninorm.h>

/* libcsv's header; ours is "csv.h" (the Makefile uses -iquote lib). */
#include <csv.h>

#include "csv.h"
#include "thads.h"
#include "zio.h"

#define CHUNK		(64 * 1024)
#define UTF8_MAX	4	/* longest UTF-8 sequence */

/* libcsv grows its field buffer by this much at a time, linearly. */
#define CSV_BLK		(16 * 1024)

enum bad {
	BAD_NONE,
	BAD_NUL,
	BAD_UTF8
};

struct thads_csv {
	struct thads_rd *rd;
	const char *name;
	struct csv_parser p;
	unsigned flags;
	size_t	 maxfield;

	/*
	 * buf[pos, good) is checked and not yet parsed; buf[good] is a bad
	 * byte when bad != BAD_NONE, else buf[good, len) is the start of a
	 * UTF-8 sequence cut by the end of a read, kept for the next one.
	 */
	unsigned char *buf;
	size_t	 pos;
	size_t	 good;
	size_t	 len;
	enum bad bad;
	int	 ascii;		/* buf[pos, good) is all ASCII */
	int	 hiseen;	/* a field in progress may hold non-ASCII */
	int	 started;	/* the BOM check is done */
	int	 eof;		/* thads_rd_read() returned 0 */
	int	 done;		/* csv_fini() was called */

	long	 line;		/* physical line of buf[pos] */
	long	 col;		/* bytes of that line before buf[pos] */
	long	 rec_line;	/* line where the current record starts */
	long	 field_line;	/* line where the current field starts */
	long	 end_line;
	int	 need_start;	/* no record begun since the last one */
	int	 rowdone;	/* libcsv ended a record */

	int	 failed;	/* sticky error code */
	struct thads_err ferr;	/* and its detail */

	/* The record being built: fields end to end, each NUL-ended. */
	char	*arena;
	size_t	 alen;
	size_t	 acap;
	size_t	*off;
	size_t	*flen;
	char	**fp;
	size_t	 nf;
	size_t	 fcap;

	uint8_t	*nfc;		/* reused output of u8_normalize() */
	size_t	 nfccap;
};

struct thads_csvw {
	struct thads_wr *w;
	int	 delim;
	unsigned flags;
	size_t	 nf;		/* fields in the current row */
	int	 lastempty;	/* the last field was empty */
	int	 failed;
	struct thads_err ferr;
};

/* Record the reader's first error; later calls return it again. */
static int
fail(struct thads_csv *c, int code, long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
fail(struct thads_csv *c, int code, long line, const char *fmt, ...)
{
	char msg[sizeof(c->ferr.msg)];
	va_list ap;

	if (c->failed)
		return c->failed;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->failed = code;
	return thads_seterr(&c->ferr, code, c->name, line, "%s", msg);
}

/* libcsv: records end at LF only; see the comment at the top. */
static int
isterm(unsigned char ch)
{
	return ch == '\n';
}

/*
 * libcsv trims "space" around unquoted fields.  Spaces and tabs are
 * data here, so only CR counts: that drops the CR of CRLF, including
 * after a closing quote, which strict mode would otherwise reject.
 */
static int
isspc(unsigned char ch)
{
	return ch == '\r';
}

static int
isascii_buf(const unsigned char *s, size_t n)
{
	uint64_t acc = 0, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		acc |= w;
	}
	for (; i < n; i++)
		acc |= s[i];
	return (acc & 0x8080808080808080ULL) == 0;
}

static int
grow(void *pp, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 16;
	void *np;

	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / size)
			return -1;
		ncap *= 2;
	}
	if ((np = realloc(*(void **)pp, ncap * size)) == NULL)
		return -1;
	*(void **)pp = np;
	*cap = ncap;
	return 0;
}

static int
growfields(struct thads_csv *c)
{
	size_t cap = c->fcap;

	if (grow(&c->off, &cap, c->nf + 1, sizeof(*c->off)) != 0)
		return -1;
	cap = c->fcap;
	if (grow(&c->flen, &cap, c->nf + 1, sizeof(*c->flen)) != 0)
		return -1;
	cap = c->fcap;
	if (grow(&c->fp, &cap, c->nf + 1, sizeof(*c->fp)) != 0)
		return -1;
	c->fcap = cap;
	return 0;
}

static void
append(struct thads_csv *c, const void *s, size_t len)
{
	if (c->nf == c->fcap && growfields(c) != 0) {
		fail(c, THADS_ENOMEM, c->field_line, "out of memory");
		return;
	}
	if (c->acap - c->alen < len + 1 &&
	    grow(&c->arena, &c->acap, c->alen + len + 1, 1) != 0) {
		fail(c, THADS_ENOMEM, c->field_line, "out of memory");
		return;
	}
	memcpy(c->arena + c->alen, s, len);
	c->arena[c->alen + len] = '\0';
	c->off[c->nf] = c->alen;
	c->flen[c->nf] = len;
	c->nf++;
	c->alen += len + 1;
}

/*
 * Normalise to NFC into the reused buffer.  When the result does not
 * fit, u8_normalize() returns a new buffer, which is kept for next time.
 */
static void
append_nfc(struct thads_csv *c, const uint8_t *s, size_t len)
{
	size_t n = c->nfccap;
	uint8_t *r;

	if ((r = u8_normalize(UNINORM_NFC, s, len, c->nfc, &n)) == NULL) {
		fail(c, errno == ENOMEM ? THADS_ENOMEM : THADS_ELIB,
		    c->field_line, "cannot normalise a field: %s",
		    strerror(errno));
		return;
	}
	if (r != c->nfc) {
		free(c->nfc);
		c->nfc = r;
		c->nfccap = n;
	}
	append(c, r, n);
}

/*
 * Undo the TSV writer's escapes in place: \t, \n, \r and \\ become tab,
 * LF, CR and backslash; a backslash before anything else is kept.
 */
static size_t
tsv_unescape(char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len && strchr("tnr\\", s[i + 1])) {
			i++;
			s[n++] = s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' :
			    s[i] == 'r' ? '\r' : '\\';
		} else {
			s[n++] = s[i];
		}
	}
	s[n] = '\0';
	return n;
}

/* libcsv's field callback: s is NUL-ended (CSV_APPEND_NULL). */
static void
on_field(void *s, size_t len, void *arg)
{
	struct thads_csv *c = arg;

	if (c->failed)
		return;
	if ((c->flags & THADS_CSV_TSV) && memchr(s, '\\', len) != NULL)
		len = tsv_unescape(s, len);
	if (len > c->maxfield)
		fail(c, THADS_EDATA, c->field_line,
		    "field longer than %zu bytes", c->maxfield);
	else if (len == 0)
		append(c, "", 0);
	else if (!c->hiseen || (c->flags & THADS_CSV_NONFC) ||
	    isascii_buf(s, len))
		append(c, s, len);
	else
		append_nfc(c, s, len);
	c->field_line = c->line;
}

/* libcsv's record callback: ch is the LF, or -1 from csv_fini(). */
static void
on_row(int ch, void *arg)
{
	struct thads_csv *c = arg;

	(void)ch;
	c->hiseen = !c->ascii;
	c->rowdone = 1;
	c->end_line = c->line;
	c->need_start = 1;
}

int
thads_csv_open(struct thads_rd *rd, int delim, unsigned flags,
    struct thads_csv **out, struct thads_err *err)
{
	struct thads_csv *c;

	*out = NULL;
	if (delim <= 0 || delim > 0x7f || delim == '"' || delim == '\r' ||
	    delim == '\n')
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "bad CSV delimiter %#x", (unsigned)delim);
	if (flags & ~(unsigned)(THADS_CSV_NONFC | THADS_CSV_TSV))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "unknown CSV reader flags %#x", flags);
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (c->buf = malloc(CHUNK + UTF8_MAX)) == NULL ||
	    csv_init(&c->p, CSV_STRICT | CSV_STRICT_FINI |
	    CSV_APPEND_NULL) != 0) {
		free(c != NULL ? c->buf : NULL);
		free(c);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}

	csv_set_delim(&c->p, (unsigned char)delim);
	/* TSV has no quoting: a NUL quote byte never matches, since NUL
	 * bytes are refused before libcsv sees the data. */
	if (flags & THADS_CSV_TSV)
		csv_set_quote(&c->p, '\0');
	csv_set_term_func(&c->p, isterm);
	csv_set_space_func(&c->p, isspc);
	csv_set_blk_size(&c->p, CSV_BLK);
	c->rd = rd;
	c->name = thads_rd_name(rd);
	c->flags = flags;
	c->maxfield = THADS_CSV_MAX_FIELD;
	c->line = 1;
	c->need_start = 1;
	*out = c;
	return 0;
}

void
thads_csv_set_max_field(struct thads_csv *c, size_t max)
{
	c->maxfield = max > 0 ? max : 1;
}

/*
 * Find how much of buf[pos, len) is good: up to the first NUL byte or
 * invalid UTF-8 sequence.  A sequence cut short by the end of the read
 * is not bad yet: it stays at buf[good, len) for the next read.
 */
static void
check(struct thads_csv *c)
{
	const unsigned char *s = c->buf + c->pos, *nul;
	const uint8_t *bad;
	size_t n = c->len - c->pos;
	ucs4_t uc;

	nul = memchr(s, '\0', n);
	if (nul != NULL)
		n = (size_t)(nul - s);
	c->good = c->pos + n;
	c->bad = nul != NULL ? BAD_NUL : BAD_NONE;
	if ((c->ascii = isascii_buf(s, n)))
		return;
	c->hiseen = 1;
	if ((bad = u8_check(s, n)) == NULL)
		return;

	c->good = (size_t)(bad - c->buf);
	if (nul == NULL && !c->eof && c->len - c->good < UTF8_MAX &&
	    u8_mbtoucr(&uc, bad, c->len - c->good) == -2)
		c->bad = BAD_NONE;
	else
		c->bad = BAD_UTF8;
}

/*
 * Read the next chunk after what was kept of the last one.  The first
 * read goes on until it has three bytes, to see a whole BOM even on a
 * pipe that trickles.
 */
static int
refill(struct thads_csv *c)
{
	struct thads_err e;
	size_t keep = c->len - c->good;
	long n;

	memmove(c->buf, c->buf + c->good, keep);
	c->pos = c->good = 0;
	c->len = keep;
	do {
		n = thads_rd_read(c->rd, c->buf + c->len, CHUNK, &e);
		if (n < 0) {
			c->failed = (int)n;
			c->ferr = e;
			return (int)n;
		}
		c->eof = n == 0;
		c->len += (size_t)n;
	} while (!c->started && !c->eof && c->len < 3);

	if (!c->started && c->len >= 3 &&
	    memcmp(c->buf, "\xef\xbb\xbf", 3) == 0) {
		c->pos = 3;
		c->col = 3;
	}
	c->started = 1;
	check(c);
	return 0;
}

/* Whether libcsv, between records, would skip all of s[0, n). */
static int
blank(const unsigned char *s, size_t n)
{
	while (n > 0 && *s == '\r') {
		s++;
		n--;
	}
	return n == 0 || *s == '\n';
}

/* Feed libcsv the rest of the current physical line in the buffer. */
static int
feed(struct thads_csv *c)
{
	const unsigned char *s = c->buf + c->pos, *nl;
	size_t n = c->good - c->pos, used;

	if ((nl = memchr(s, '\n', n)) != NULL)
		n = (size_t)(nl - s) + 1;
	if (c->need_start && !blank(s, n)) {
		c->rec_line = c->field_line = c->line;
		c->need_start = 0;
	}
	used = csv_parse(&c->p, s, n, on_field, on_row, c);
	if (c->failed)
		return c->failed;
	/* In strict mode libcsv's only parse error is a misplaced quote. */
	if (used < n && csv_error(&c->p) == CSV_EPARSE)
		return fail(c, THADS_EDATA, c->line, "misplaced quote at byte "
		    "%ld (a field with a quote in it must be quoted whole, "
		    "with the quote doubled)", c->col + (long)used + 1);
	if (used < n)	/* CSV_ENOMEM or CSV_ETOOBIG */
		return fail(c, THADS_ENOMEM, c->line, "out of memory");
	if (c->p.entry_pos > c->maxfield)
		return fail(c, THADS_EDATA, c->field_line,
		    "field longer than %zu bytes", c->maxfield);

	c->pos += n;
	c->col += (long)n;
	if (nl != NULL) {
		c->line++;
		c->col = 0;
	}
	return 0;
}

static int
baddata(struct thads_csv *c)
{
	return fail(c, THADS_EDATA, c->line, "%s at byte %ld",
	    c->bad == BAD_NUL ? "NUL byte" : "invalid UTF-8", c->col + 1);
}

static int
finish(struct thads_csv *c)
{
	c->done = 1;
	if (csv_fini(&c->p, on_field, on_row, c) != 0)
		return fail(c, THADS_EDATA, c->field_line,
		    "unterminated quoted field starting at line %ld",
		    c->field_line);
	return c->failed;
}

static int
emit(struct thads_csv *c, struct thads_row *row)
{
	size_t i;

	for (i = 0; i < c->nf; i++)
		c->fp[i] = c->arena + c->off[i];
	row->n = c->nf;
	row->f = c->fp;
	row->len = c->flen;
	row->line = c->rec_line;
	row->end_line = c->end_line;
	c->rowdone = 0;
	return 1;
}

int
thads_csv_next(struct thads_csv *c, struct thads_row *row,
    struct thads_err *err)
{
	c->nf = 0;
	c->alen = 0;

	/* Each step records its error in c->failed. */
	while (!c->failed && !c->rowdone && !c->done) {
		if (c->pos < c->good)
			feed(c);
		else if (c->bad != BAD_NONE)
			baddata(c);
		else if (c->eof)
			finish(c);
		else
			refill(c);
	}

	if (c->failed) {
		if (err != NULL)
			*err = c->ferr;
		return c->failed;
	}
	return c->rowdone ? emit(c, row) : 0;
}

long
thads_csv_line(const struct thads_csv *c)
{
	return c->line;
}

void
thads_csv_close(struct thads_csv *c)
{
	if (c == NULL)
		return;
	csv_free(&c->p);
	free(c->buf);
	free(c->arena);
	free(c->off);
	free(c->flen);
	free(c->fp);
	free(c->nfc);
	free(c);
}

int
thads_csvw_open(struct thads_wr *w, int delim, unsigned flags,
    struct thads_csvw **out)
{
	struct thads_csvw *cw;

	*out = NULL;
	if (flags & ~(unsigned)(THADS_CSVW_LF | THADS_CSVW_TSV))
		return THADS_EUSAGE;
	if (flags & THADS_CSVW_TSV)
		delim = '\t';
	if (delim <= 0 || delim > 0x7f || delim == '"' || delim == '\r' ||
	    delim == '\n')
		return THADS_EUSAGE;
	if ((cw = calloc(1, sizeof(*cw))) == NULL)
		return THADS_ENOMEM;
	cw->w = w;
	cw->delim = delim;
	cw->flags = flags;
	*out = cw;
	return 0;
}

static int
put(struct thads_csvw *cw, const void *s, size_t len)
{
	int rc;

	if (cw->failed || len == 0)
		return cw->failed;
	if ((rc = thads_wr_write(cw->w, s, len, &cw->ferr)) != 0)
		cw->failed = rc;
	return rc;
}

/* TSV: write s with tab, CR, LF and backslash escaped. */
static int
put_tsv(struct thads_csvw *cw, const char *s, size_t len)
{
	size_t i, start = 0;
	const char *esc;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\t':
			esc = "\\t";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\\':
			esc = "\\\\";
			break;
		default:
			continue;
		}
		put(cw, s + start, i - start);
		put(cw, esc, 2);
		start = i + 1;
	}
	return put(cw, s + start, len - start);
}

/* RFC 4180: quote s if it needs it, doubling the quotes inside. */
static int
put_csv(struct thads_csvw *cw, const char *s, size_t len)
{
	const char *q, *end = s + len;
	size_t i;

	for (i = 0; i < len; i++)
		if (s[i] == cw->delim || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n')
			break;
	if (i == len)
		return put(cw, s, len);

	put(cw, "\"", 1);
	while ((q = memchr(s, '"', (size_t)(end - s))) != NULL) {
		put(cw, s, (size_t)(q - s) + 1);
		put(cw, "\"", 1);
		s = q + 1;
	}
	put(cw, s, (size_t)(end - s));
	return put(cw, "\"", 1);
}

int
thads_csvw_field(struct thads_csvw *cw, const char *s, size_t len)
{
	char d = (char)cw->delim;

	if (cw->nf > 0)
		put(cw, &d, 1);
	cw->nf++;
	cw->lastempty = len == 0;
	if (len == 0)
		return cw->failed;
	if (cw->flags & THADS_CSVW_TSV)
		return put_tsv(cw, s, len);
	return put_csv(cw, s, len);
}

int
thads_csvw_end_row(struct thads_csvw *cw)
{
	if (cw->nf == 1 && cw->lastempty && !(cw->flags & THADS_CSVW_TSV))
		put(cw, "\"\"", 2);
	cw->nf = 0;
	if (cw->flags & (THADS_CSVW_LF | THADS_CSVW_TSV))
		return put(cw, "\n", 1);
	return put(cw, "\r\n", 2);
}

int
thads_csvw_close(struct thads_csvw *cw, struct thads_err *err)
{
	int rc;

	if (cw == NULL)
		return 0;
	if (cw->nf > 0)
		thads_csvw_end_row(cw);
	rc = cw->failed;
	if (rc != 0 && err != NULL)
		*err = cw->ferr;
	free(cw);
	return rc;
}
