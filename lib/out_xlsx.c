/*
 * out_xlsx.c: the xlsx format of the output layer, on libxlsxwriter.
 *
 * libxlsxwriter writes a workbook to a file name, not to a stream, so
 * the workbook goes to a private temporary file (mode 0600, in $TMPDIR
 * or /tmp) that is copied to the caller's stream when the output is
 * closed, then removed.  The workbook is built in libxlsxwriter's
 * constant-memory mode: each row is flushed to disk when the next one
 * starts, so a large export does not grow in memory; the price is that
 * rows must come in order, which is how the output layer works anyway.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "thads.h"
#include "out.h"
#include "out_doc.h"
#include "record.h"
#include "text.h"

#define MAXWIDTH	60	/* widest column, in characters */
#define MINWIDTH	6
#define MAXSTR		32767	/* bytes in one cell (LXW_STR_MAX) */
#define SHEETNAME	31	/* characters in a sheet name */
#define HEADER_BG	0x1F4E79
#define HEADER_FG	0xFFFFFF

struct thads_xlsx {
	FILE		*fp;
	char		 path[4096];	/* the temporary workbook */
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	lxw_format	*fhead;		/* header row */
	lxw_format	*ftitle;
	lxw_format	*fkey;		/* metadata keys */
	lxw_format	*fdate;
	lxw_format	*fdatetime;
	size_t		 nsheets;
	struct thads_col *cols;		/* the current sheet's columns */
	size_t		 ncols;
	double		*width;		/* per column */
	lxw_row_t	 headrow;	/* row of the header */
	lxw_row_t	 row;		/* next row to write */
	char		 names[64][SHEETNAME + 1];	/* names used */
};

/* The longest prefix of s (len bytes) within max bytes that ends on a
 * character boundary. */
static size_t
utf8_prefix(const char *s, size_t len, size_t max)
{
	if (len <= max)
		return len;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

static int
lxw_fail(struct thads_err *err, lxw_error e, const char *what)
{
	return thads_seterr(err, THADS_ELIB, NULL, 0,
	    "cannot write xlsx output: %s: %s", what, lxw_strerror(e));
}

static int
make_formats(struct thads_xlsx *x)
{
	if ((x->fhead = workbook_add_format(x->wb)) == NULL ||
	    (x->ftitle = workbook_add_format(x->wb)) == NULL ||
	    (x->fkey = workbook_add_format(x->wb)) == NULL ||
	    (x->fdate = workbook_add_format(x->wb)) == NULL ||
	    (x->fdatetime = workbook_add_format(x->wb)) == NULL)
		return THADS_ENOMEM;
	format_set_bold(x->fhead);
	format_set_font_color(x->fhead, HEADER_FG);
	format_set_bg_color(x->fhead, HEADER_BG);
	format_set_pattern(x->fhead, LXW_PATTERN_SOLID);
	format_set_border(x->fhead, LXW_BORDER_THIN);
	format_set_text_wrap(x->fhead);
	format_set_align(x->fhead, LXW_ALIGN_VERTICAL_TOP);
	format_set_bold(x->ftitle);
	format_set_font_size(x->ftitle, 14);
	format_set_bold(x->fkey);
	format_set_num_format(x->fdate, "yyyy-mm-dd");
	format_set_num_format(x->fdatetime, "yyyy-mm-dd hh:mm:ss");
	return 0;
}

int
thads_xlsx_open(FILE *fp, struct thads_xlsx **out, struct thads_err *err)
{
	lxw_workbook_options wo = { .constant_memory = LXW_TRUE };
	const char *tmp = getenv("TMPDIR");
	struct thads_xlsx *x;
	int fd;

	if (isatty(fileno(fp)))
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "will not write an xlsx workbook to a terminal: "
		    "redirect it or name a file");
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	x->fp = fp;
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	snprintf(x->path, sizeof(x->path), "%s/thads-xlsx-XXXXXX", tmp);
	if ((fd = mkstemp(x->path)) < 0) {
		free(x);
		return thads_seterr(err, THADS_ECANTCREAT, NULL, 0,
		    "cannot create a temporary file in '%s': %s", tmp,
		    strerror(errno));
	}
	close(fd);
	wo.tmpdir = (char *)tmp;
	if ((x->wb = workbook_new_opt(x->path, &wo)) == NULL ||
	    make_formats(x) != 0) {
		thads_xlsx_close(x, 0, NULL);
		return thads_seterr(err, THADS_ELIB, NULL, 0,
		    "cannot start an xlsx workbook");
	}
	*out = x;
	return 0;
}

/*
 * A sheet name Excel takes: at most 31 characters, none of []:*?/\,
 * not empty, unique whatever the case ("_2", "_3"... added).
 */
static void
sheet_name(struct thads_xlsx *x, const char *want, char *buf)
{
	char base[SHEETNAME + 1];
	size_t i, n, k;
	int dup, nth = 1;

	n = utf8_prefix(want, strlen(want), SHEETNAME - 3);
	memcpy(base, want, n);
	base[n] = '\0';
	for (i = 0; i < n; i++)
		if (strchr("[]:*?/\\'", base[i]) != NULL)
			base[i] = '_';
	if (n == 0)
		snprintf(base, sizeof(base), "Sheet");
	snprintf(buf, SHEETNAME + 1, "%s", base);
	do {
		dup = 0;
		for (k = 0; k < x->nsheets && k < 64; k++)
			if (strcasecmp(x->names[k], buf) == 0)
				dup = 1;
		if (dup)
			snprintf(buf, SHEETNAME + 1, "%s_%d", base, ++nth);
	} while (dup);
	if (x->nsheets < 64)
		snprintf(x->names[x->nsheets], SHEETNAME + 1, "%s", buf);
}

/* Write a string cell, cleaned and cut to what a cell holds. */
static lxw_error
put_string(struct thads_xlsx *x, lxw_row_t r, lxw_col_t c, const char *s,
    lxw_format *f)
{
	char *v = thads_out_clean_xml(s);
	lxw_error e;
	size_t n;

	if (v == NULL)
		return LXW_ERROR_MEMORY_MALLOC_FAILED;
	if ((n = strlen(v)) > MAXSTR) {
		n = utf8_prefix(v, n, MAXSTR);
		v[n] = '\0';
	}
	e = worksheet_write_string(x->ws, r, c, v, f);
	free(v);
	return e;
}

/* Widen column c for a value of display width w. */
static void
widen(struct thads_xlsx *x, size_t c, double w)
{
	if (w + 2 > x->width[c])
		x->width[c] = w + 2;
}

static lxw_error
put_meta(struct thads_xlsx *x, const struct thads_table *t)
{
	lxw_error e = LXW_NO_ERROR;
	size_t i;

	if (t->title != NULL)
		e = put_string(x, x->row++, 0, t->title, x->ftitle);
	for (i = 0; e == LXW_NO_ERROR && i < t->nmeta; i++) {
		e = put_string(x, x->row, 0, t->meta[i].key, x->fkey);
		if (e == LXW_NO_ERROR)
			e = put_string(x, x->row, 1, t->meta[i].value ?
			    t->meta[i].value : "", NULL);
		x->row++;
	}
	if (t->title != NULL || t->nmeta > 0)
		x->row++;
	return e;
}

/* Set the finished sheet's widths, filter and frozen header. */
static lxw_error
end_sheet(struct thads_xlsx *x)
{
	lxw_error e = LXW_NO_ERROR;
	size_t i;
	double w;

	if (x->ws == NULL)
		return LXW_NO_ERROR;
	for (i = 0; e == LXW_NO_ERROR && i < x->ncols; i++) {
		w = x->width[i];
		w = w < MINWIDTH ? MINWIDTH : w > MAXWIDTH ? MAXWIDTH : w;
		e = worksheet_set_column(x->ws, (lxw_col_t)i, (lxw_col_t)i, w,
		    NULL);
	}
	if (e == LXW_NO_ERROR)
		e = worksheet_autofilter(x->ws, x->headrow, 0,
		    x->row > x->headrow + 1 ? x->row - 1 : x->headrow,
		    (lxw_col_t)(x->ncols - 1));
	worksheet_freeze_panes(x->ws, x->headrow + 1, 0);
	free(x->cols);
	free(x->width);
	x->cols = NULL;
	x->width = NULL;
	return e;
}

int
thads_xlsx_table(struct thads_xlsx *x, const struct thads_table *t,
    struct thads_err *err)
{
	char name[SHEETNAME + 1];
	lxw_error e;
	size_t i;

	if ((e = end_sheet(x)) != LXW_NO_ERROR)
		return lxw_fail(err, e, "sheet");
	if (t->ncols > LXW_COL_MAX)
		return thads_seterr(err, THADS_EDATA, NULL, 0,
		    "an xlsx sheet holds at most %d columns", LXW_COL_MAX);
	sheet_name(x, t->name != NULL ? t->name : "Sheet", name);
	x->nsheets++;
	x->cols = calloc(t->ncols, sizeof(*x->cols));
	x->width = calloc(t->ncols, sizeof(*x->width));
	if (x->cols == NULL || x->width == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	memcpy(x->cols, t->cols, t->ncols * sizeof(*x->cols));
	x->ncols = t->ncols;
	if ((x->ws = workbook_add_worksheet(x->wb, name)) == NULL)
		return thads_seterr(err, THADS_ELIB, NULL, 0,
		    "cannot add the xlsx sheet '%s'", name);
	x->row = 0;
	if ((e = put_meta(x, t)) != LXW_NO_ERROR)
		return lxw_fail(err, e, "metadata");
	x->headrow = x->row;
	for (i = 0; i < t->ncols; i++) {
		if ((e = put_string(x, x->row, (lxw_col_t)i, t->cols[i].name,
		    x->fhead)) != LXW_NO_ERROR)
			return lxw_fail(err, e, "header");
		widen(x, i, (double)thads_text_width(t->cols[i].name,
		    strlen(t->cols[i].name)) + 1);
	}
	x->row++;
	return 0;
}

/* "YYYY-MM-DD" or "YYYY-MM-DD HH:MM:SS" as a date-time; 0 if it is. */
static int
parse_dt(const char *s, lxw_datetime *dt, int *has_time)
{
	char d[11];
	int y, m, day, hh = 0, mm = 0, ss = 0, n = 0;
	size_t len = strlen(s);

	if (len != 10 && len != 19)
		return -1;
	memcpy(d, s, 10);
	d[10] = '\0';
	if (thads_date_parse(d, &y, &m, &day) != 0)
		return -1;
	if (len == 19 && (sscanf(s + 10, " %2d:%2d:%2d%n", &hh, &mm, &ss,
	    &n) != 3 || n != 9 || hh > 23 || mm > 59 || ss > 59))
		return -1;
	dt->year = y;
	dt->month = m;
	dt->day = day;
	dt->hour = hh;
	dt->min = mm;
	dt->sec = ss;
	*has_time = len == 19;
	return 0;
}

/* Write value s of column c in its type; returns the width it shows. */
static lxw_error
put_cell(struct thads_xlsx *x, size_t c, const char *s, double *w)
{
	lxw_col_t col = (lxw_col_t)c;
	lxw_datetime dt;
	int t;

	*w = (double)thads_text_width(s, strlen(s));
	switch (x->cols[c].type) {
	case THADS_COL_INT:
	case THADS_COL_REAL:
		if (thads_out_is_number(s))
			return worksheet_write_number(x->ws, x->row, col,
			    strtod(s, NULL), NULL);
		break;
	case THADS_COL_DATE:
		if (parse_dt(s, &dt, &t) == 0)
			return worksheet_write_datetime(x->ws, x->row, col,
			    &dt, t ? x->fdatetime : x->fdate);
		break;
	case THADS_COL_BOOL:
		if (strcmp(s, "1") == 0 || strcasecmp(s, "true") == 0 ||
		    strcasecmp(s, "yes") == 0 || strcmp(s, "0") == 0 ||
		    strcasecmp(s, "false") == 0 || strcasecmp(s, "no") == 0)
			return worksheet_write_boolean(x->ws, x->row, col,
			    s[0] == '1' || s[0] == 't' || s[0] == 'T' ||
			    s[0] == 'y' || s[0] == 'Y', NULL);
		break;
	case THADS_COL_TEXT:
		break;
	}
	return put_string(x, x->row, col, s, NULL);
}

int
thads_xlsx_row(struct thads_xlsx *x, const char *const *vals,
    struct thads_err *err)
{
	lxw_error e;
	size_t i;
	double w;

	if (x->row >= LXW_ROW_MAX)
		return thads_seterr(err, THADS_EDATA, NULL, 0,
		    "an xlsx sheet holds at most %d rows", LXW_ROW_MAX);
	for (i = 0; i < x->ncols; i++) {
		if (vals[i] == NULL)
			continue;
		if ((e = put_cell(x, i, vals[i], &w)) != LXW_NO_ERROR)
			return lxw_fail(err, e, "cell");
		widen(x, i, w);
	}
	x->row++;
	return 0;
}

/* Copy the finished workbook file to the caller's stream. */
static int
copy_out(struct thads_xlsx *x, struct thads_err *err)
{
	char buf[65536];
	size_t n;
	FILE *in;

	if ((in = fopen(x->path, "rb")) == NULL)
		return thads_seterr(err, THADS_EIO, NULL, 0,
		    "cannot read back the xlsx workbook: %s", strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, x->fp) != n)
			break;
	if (ferror(in)) {
		fclose(in);
		return thads_seterr(err, THADS_EIO, NULL, 0,
		    "cannot read back the xlsx workbook");
	}
	fclose(in);
	return 0;	/* a write error is seen on x->fp by the caller */
}

int
thads_xlsx_close(struct thads_xlsx *x, int ok, struct thads_err *err)
{
	lxw_error e = LXW_NO_ERROR;
	int rc = 0;

	if (x == NULL)
		return 0;
	if (x->wb != NULL) {
		if (ok && x->nsheets == 0 &&
		    workbook_add_worksheet(x->wb, "empty") == NULL)
			ok = 0;
		if ((e = end_sheet(x)) != LXW_NO_ERROR && ok) {
			rc = lxw_fail(err, e, "sheet");
			ok = 0;
		}
		/* workbook_close() also frees, so it runs in every case. */
		if ((e = workbook_close(x->wb)) != LXW_NO_ERROR && ok)
			rc = lxw_fail(err, e, "workbook");
	}
	if (ok && rc == 0)
		rc = copy_out(x, err);
	if (x->path[0] != '\0')
		(void)unlink(x->path);	/* ours; nothing to do if gone */
	free(x->cols);
	free(x->width);
	free(x);
	return rc;
}
