/*
 * out_html.c: the html format of the output layer: one page, no script
 * and nothing fetched, with SVG charts drawn here from the table cells.
 *
 * Each table's rows are kept until the table ends, since a chart needs
 * its largest value before the first bar is drawn; the section (title,
 * metadata, charts, table) is then written at once.  Bars are drawn on
 * whole pixels with crisp edges and each carries its value in a
 * data-value attribute, so that a rendering can be checked against the
 * table (tests/t5040-report-html.sh does).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thads.h"
#include "out.h"
#include "out_doc.h"
#include "text.h"

#define WIDTH		720	/* chart width, px */
#define BAR_H		16	/* one bar */
#define BAR_GAP		2	/* between bars of a group */
#define GROUP_GAP	8	/* between groups */
#define LABEL_MAX	40	/* characters of a bar label */
#define LINE_H		260	/* line chart plot height */

static const char *const palette[THADS_CHART_MAXSERIES] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
	"#e377c2", "#7f7f7f"
};

static const char style[] =
"body{font-family:'DejaVu Sans',Arial,sans-serif;margin:24px;color:#111;"
"background:#fff;font-size:14px}\n"
"h1{font-size:22px;margin:0 0 16px}\n"
"h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #1f4e79}\n"
"dl.meta{display:grid;grid-template-columns:max-content auto;gap:2px 12px;"
"margin:0 0 12px;font-size:12px;color:#333}\n"
"dl.meta dt{font-weight:bold}dl.meta dd{margin:0}\n"
"figure{margin:8px 0 16px;break-inside:avoid;page-break-inside:avoid}\n"
"figcaption{font-weight:bold;margin-bottom:4px}\n"
"svg text{font-family:'DejaVu Sans',Arial,sans-serif;font-size:11px;"
"fill:#111}\n"
"svg{print-color-adjust:exact;-webkit-print-color-adjust:exact}\n"
"table{border-collapse:collapse;font-size:12px;margin-bottom:16px}\n"
"th,td{border:1px solid #999;padding:2px 6px;vertical-align:top}\n"
"td{white-space:nowrap}\n"
"th{background:#1f4e79;color:#fff;text-align:left}\n"
"td.n{text-align:right;font-variant-numeric:tabular-nums}\n"
"tbody tr:nth-child(even){background:#f3f6f9}\n"
"@media print{body{margin:0;font-size:11px}table{font-size:8px}"
"th{background:#fff;color:#000;border-bottom:2px solid #000}"
"tbody tr:nth-child(even){background:#fff}"
"thead{display:table-header-group}tr{break-inside:avoid}"
"section{break-before:auto}}\n";

struct thads_html {
	FILE		*fp;
	char		*title;		/* page */
	int		 started;	/* head written */
	/* The current table: copies of its description, and its rows. */
	int		 intable;
	char		*name;
	char		*ttitle;
	struct thads_col *cols;
	char		**colnames;
	size_t		 ncols;
	char		**mkeys;
	char		**mvals;
	size_t		 nmeta;
	struct thads_chart *charts;
	char		**ctitles;
	char		**cskips;
	size_t		 ncharts;
	char		**cells;	/* nrows * ncols; NULL is missing */
	size_t		 nrows;
	size_t		 caprows;
};

/* Write s escaped for text and attribute values. */
static void
esc(FILE *fp, const char *s)
{
	char *c = thads_out_clean_xml(s != NULL ? s : "");
	const char *p;

	for (p = c != NULL ? c : "?"; *p != '\0'; p++)
		switch (*p) {
		case '&':
			fputs("&amp;", fp);
			break;
		case '<':
			fputs("&lt;", fp);
			break;
		case '>':
			fputs("&gt;", fp);
			break;
		case '"':
			fputs("&quot;", fp);
			break;
		case '\'':
			fputs("&#39;", fp);
			break;
		default:
			putc(*p, fp);
		}
	free(c);
}

/* Write at most max characters of s, with an ellipsis if cut. */
static void
esc_cut(FILE *fp, const char *s, size_t max)
{
	size_t n = 0, i = 0;
	char *c;

	for (; s[i] != '\0'; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			break;
	if (s[i] == '\0') {
		esc(fp, s);
		return;
	}
	if ((c = strndup(s, i)) == NULL)
		return;
	esc(fp, c);
	fputs("\xe2\x80\xa6", fp);
	free(c);
}

static void
head(struct thads_html *h)
{
	if (h->started)
		return;
	h->started = 1;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<title>", h->fp);
	esc(h->fp, h->title);
	fprintf(h->fp, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>",
	    style);
	esc(h->fp, h->title);
	fputs("</h1>\n", h->fp);
}

int
thads_html_open(FILE *fp, const char *title, struct thads_html **out,
    struct thads_err *err)
{
	struct thads_html *h;

	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->title = strdup(title != NULL ? title : "report")) == NULL) {
		free(h);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	h->fp = fp;
	*out = h;
	return 0;
}

/*
 * Numbers of the chart.
 */

/* The value of a cell if it is a finite number. */
static int
cell_num(const char *s, double *v)
{
	if (s == NULL || !thads_out_is_number(s))
		return 0;
	*v = strtod(s, NULL);
	return isfinite(*v);
}

/* A round number at least v: 1, 2, 2.5 or 5 times a power of ten. */
static double
nice_max(double v)
{
	double p, f;

	if (v <= 0)
		return 1;
	p = pow(10, floor(log10(v)));
	f = v / p;
	if (f <= 1)
		return p;
	if (f <= 2)
		return 2 * p;
	if (f <= 2.5)
		return 2.5 * p;
	if (f <= 5)
		return 5 * p;
	return 10 * p;
}

/* Whether row r belongs in chart c (its split group is sv). */
static int
in_chart(const struct thads_html *h, const struct thads_chart *c, size_t r,
    const char *sv)
{
	const char *l, *s = c->split >= 0 ?
	    h->cells[r * h->ncols + (size_t)c->split] : NULL;
	size_t i;

	for (i = 0; c->skip != NULL && i < c->nlabel; i++) {
		l = h->cells[r * h->ncols + c->label[i]];
		if (l != NULL && strcmp(l, c->skip) == 0)
			return 0;
	}
	if (c->skip != NULL && s != NULL && strcmp(s, c->skip) == 0)
		return 0;
	if (c->split < 0)
		return 1;
	return s != NULL && sv != NULL ? strcmp(s, sv) == 0 : s == sv;
}

static void
row_label(FILE *fp, const struct thads_html *h, const struct thads_chart *c,
    size_t r, size_t max)
{
	char buf[512];
	size_t i, n = 0;
	const char *v;

	buf[0] = '\0';
	for (i = 0; i < c->nlabel; i++) {
		v = h->cells[r * h->ncols + c->label[i]];
		n += (size_t)snprintf(buf + n, n < sizeof(buf) ?
		    sizeof(buf) - n : 0, "%s%s", i ? " / " : "",
		    v != NULL ? v : "");
		if (n >= sizeof(buf))
			break;
	}
	esc_cut(fp, buf, max);
}

static void
legend(FILE *fp, const struct thads_html *h, const struct thads_chart *c,
    int y)
{
	size_t s;
	int x = 0;

	if (c->nseries < 2)
		return;
	for (s = 0; s < c->nseries; s++) {
		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"10\" "
		    "height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">", x, y,
		    palette[s], x + 14, y + 9);
		esc(fp, h->colnames[c->series[s]]);
		fputs("</text>\n", fp);
		x += 24 + 7 * (int)strlen(h->colnames[c->series[s]]);
	}
}

/*
 * A horizontal bar chart of the rows of group sv: one group of bars
 * per row, one bar per series, the value written after each bar.
 */
static void
bar_chart(struct thads_html *h, const struct thads_chart *c, const char *sv)
{
	size_t r, s, n = 0;
	double v, max = 0, top;
	int y, w, left = 200, plot, legend_h, height;
	FILE *fp = h->fp;

	for (r = 0; r < h->nrows; r++) {
		if (!in_chart(h, c, r, sv))
			continue;
		n++;
		for (s = 0; s < c->nseries; s++)
			if (cell_num(h->cells[r * h->ncols + c->series[s]],
			    &v) && v > max)
				max = v;
	}
	if (n == 0)
		return;
	top = nice_max(max);
	plot = WIDTH - left - 70;
	legend_h = c->nseries > 1 ? 20 : 0;
	height = legend_h + (int)n * ((int)c->nseries * (BAR_H + BAR_GAP) +
	    GROUP_GAP) + 8;

	fputs("<figure class=\"chart bar\">\n<figcaption>", fp);
	esc(fp, c->title != NULL ? c->title : "");
	if (sv != NULL) {
		fputs(c->title != NULL ? ": " : "", fp);
		esc(fp, sv);
	}
	fprintf(fp, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
	    WIDTH, height, WIDTH, height);
	legend(fp, h, c, 0);
	y = legend_h;
	for (r = 0; r < h->nrows; r++) {
		if (!in_chart(h, c, r, sv))
			continue;
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		    left - 6, y + BAR_H - 4);
		row_label(fp, h, c, r, LABEL_MAX);
		fputs("</text>\n", fp);
		for (s = 0; s < c->nseries; s++) {
			const char *cell = h->cells[r * h->ncols +
			    c->series[s]];

			w = cell_num(cell, &v) && v > 0 ?
			    (int)lround(v / top * plot) : 0;
			if (cell_num(cell, &v) && w > 0)
				fprintf(fp, "<rect class=\"bar s%zu\" x=\"%d\" "
				    "y=\"%d\" width=\"%d\" height=\"%d\" "
				    "fill=\"%s\" "
				    "shape-rendering=\"crispEdges\" "
				    "data-value=\"%s\"/>\n", s, left, y, w,
				    BAR_H, palette[s], cell);
			fprintf(fp, "<text x=\"%d\" y=\"%d\">", left + w + 4,
			    y + BAR_H - 4);
			esc(fp, cell != NULL ? cell : "");
			fputs("</text>\n", fp);
			y += BAR_H + BAR_GAP;
		}
		y += GROUP_GAP;
	}
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
	    "stroke=\"#333\" shape-rendering=\"crispEdges\"/>\n", left,
	    legend_h, left, y);
	fputs("</svg>\n</figure>\n", fp);
}

/* The y axis of a line chart: gridlines and ticks from 0 to top. */
static void
y_axis(FILE *fp, double top, int left, int y0, int plot_w)
{
	int i, y;

	for (i = 0; i <= 5; i++) {
		y = y0 - (int)lround((double)i / 5 * LINE_H);
		fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		    "stroke=\"%s\" shape-rendering=\"crispEdges\"/>\n"
		    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%g</text>\n",
		    left, y, left + plot_w, y, i ? "#ddd" : "#333", left - 4,
		    y + 4, top * i / 5);
	}
}

/* One series of a line chart; a missing value breaks the line. */
static void
line_series(struct thads_html *h, const struct thads_chart *c, size_t s,
    size_t n, double top, int left, int y0, double step)
{
	FILE *fp = h->fp;
	size_t r, k = 0;
	int open = 0, x, y;
	double v;

	for (r = 0; r < h->nrows; r++) {
		if (!in_chart(h, c, r, NULL))
			continue;
		x = left + (int)lround(step * (double)k++);
		if (!cell_num(h->cells[r * h->ncols + c->series[s]], &v)) {
			if (open)
				fputs("\"/>\n", fp);
			open = 0;
			continue;
		}
		y = y0 - (int)lround(v / top * LINE_H);
		if (!open)
			fprintf(fp, "<polyline class=\"line s%zu\" "
			    "fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
			    "points=\"", s,
			    palette[s]);
		fprintf(fp, "%s%d,%d", open ? " " : "", x, y);
		open = 1;
	}
	if (open)
		fputs("\"/>\n", fp);
	(void)n;
}

/* A line chart: the rows along x in their order, one line a series. */
static void
line_chart(struct thads_html *h, const struct thads_chart *c)
{
	size_t r, s, n = 0, k, every;
	int left = 56, legend_h = c->nseries > 1 ? 20 : 0, y0, plot_w, x;
	double v, max = 0, top, step;
	FILE *fp = h->fp;

	for (r = 0; r < h->nrows; r++) {
		if (!in_chart(h, c, r, NULL))
			continue;
		n++;
		for (s = 0; s < c->nseries; s++)
			if (cell_num(h->cells[r * h->ncols + c->series[s]],
			    &v) && v > max)
				max = v;
	}
	if (n == 0)
		return;
	top = nice_max(max);
	plot_w = WIDTH - left - 20;
	step = n > 1 ? (double)plot_w / (double)(n - 1) : 0;
	y0 = legend_h + 10 + LINE_H;
	every = n / 8 + 1;

	fputs("<figure class=\"chart line\">\n<figcaption>", fp);
	esc(fp, c->title != NULL ? c->title : "");
	fprintf(fp, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
	    WIDTH, y0 + 24, WIDTH, y0 + 24);
	legend(fp, h, c, 0);
	y_axis(fp, top, left, y0, plot_w);
	for (r = 0, k = 0; r < h->nrows; r++) {
		if (!in_chart(h, c, r, NULL))
			continue;
		x = left + (int)lround(step * (double)k);
		if (k++ % every == 0) {
			fprintf(fp, "<text x=\"%d\" y=\"%d\" "
			    "text-anchor=\"middle\">", x, y0 + 16);
			row_label(fp, h, c, r, 16);
			fputs("</text>\n", fp);
		}
	}
	for (s = 0; s < c->nseries; s++)
		line_series(h, c, s, n, top, left, y0, step);
	fputs("</svg>\n</figure>\n", fp);
}

/* Draw chart c: once, or once per value of its split column. */
static void
chart(struct thads_html *h, const struct thads_chart *c)
{
	const char *sv, *prev = NULL;
	size_t r;

	if (c->nlabel == 0 || c->nseries == 0)
		return;
	if (c->kind == THADS_CHART_LINE) {
		line_chart(h, c);
		return;
	}
	if (c->split < 0) {
		bar_chart(h, c, NULL);
		return;
	}
	for (r = 0; r < h->nrows; r++) {
		sv = h->cells[r * h->ncols + (size_t)c->split];
		if (sv == NULL || (prev != NULL && strcmp(sv, prev) == 0))
			continue;
		if (c->skip != NULL && strcmp(sv, c->skip) == 0)
			continue;
		bar_chart(h, c, sv);
		prev = sv;
	}
}

/* A column name that may break after each '_' in a narrow header. */
static void
head_name(FILE *fp, const char *name)
{
	char *c = strdup(name), *p, *q;

	if (c == NULL)
		return;
	for (p = c; (q = strchr(p, '_')) != NULL && q[1] != '\0';
	    p = q + 1) {
		*q = '\0';
		esc(fp, p);
		fputs("_<wbr>", fp);
	}
	esc(fp, p);
	free(c);
}

static void
table(struct thads_html *h)
{
	FILE *fp = h->fp;
	size_t r, i;
	const char *v;
	int num;

	fputs("<table>\n<thead><tr>", fp);
	for (i = 0; i < h->ncols; i++) {
		fputs("<th>", fp);
		head_name(fp, h->colnames[i]);
		fputs("</th>", fp);
	}
	fputs("</tr></thead>\n<tbody>\n", fp);
	for (r = 0; r < h->nrows; r++) {
		fputs("<tr>", fp);
		for (i = 0; i < h->ncols; i++) {
			v = h->cells[r * h->ncols + i];
			num = h->cols[i].type == THADS_COL_INT ||
			    h->cols[i].type == THADS_COL_REAL;
			fputs(num ? "<td class=\"n\">" : "<td>", fp);
			esc(fp, v != NULL ? v : "");
			fputs("</td>", fp);
		}
		fputs("</tr>\n", fp);
	}
	fputs("</tbody>\n</table>\n", fp);
}

/* Write the current table's section and forget the table. */
static void
section(struct thads_html *h)
{
	FILE *fp = h->fp;
	size_t i;

	head(h);
	fputs("<section id=\"", fp);
	esc(fp, h->name);
	fputs("\">\n<h2>", fp);
	esc(fp, h->ttitle != NULL ? h->ttitle : h->name);
	fputs("</h2>\n", fp);
	if (h->nmeta > 0) {
		fputs("<dl class=\"meta\">\n", fp);
		for (i = 0; i < h->nmeta; i++) {
			fputs("<dt>", fp);
			esc(fp, h->mkeys[i]);
			fputs("</dt><dd>", fp);
			esc(fp, h->mvals[i]);
			fputs("</dd>\n", fp);
		}
		fputs("</dl>\n", fp);
	}
	for (i = 0; i < h->ncharts; i++)
		chart(h, &h->charts[i]);
	table(h);
	fputs("</section>\n", fp);
}

static void
forget(struct thads_html *h)
{
	size_t i;

	for (i = 0; i < h->nrows * h->ncols; i++)
		free(h->cells[i]);
	for (i = 0; i < h->ncols; i++)
		free(h->colnames[i]);
	for (i = 0; i < h->nmeta; i++) {
		free(h->mkeys[i]);
		free(h->mvals[i]);
	}
	for (i = 0; i < h->ncharts; i++) {
		free(h->ctitles[i]);
		free(h->cskips[i]);
	}
	free(h->cells);
	free(h->colnames);
	free(h->cols);
	free(h->mkeys);
	free(h->mvals);
	free(h->charts);
	free(h->ctitles);
	free(h->cskips);
	free(h->name);
	free(h->ttitle);
	h->cells = NULL;
	h->colnames = h->mkeys = h->mvals = h->ctitles = h->cskips = NULL;
	h->cols = NULL;
	h->charts = NULL;
	h->name = h->ttitle = NULL;
	h->nrows = h->caprows = h->ncols = h->nmeta = h->ncharts = 0;
	h->intable = 0;
}

static char *
dup_or_null(const char *s, int *bad)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		*bad = 1;
	return d;
}

/* Whether chart c only names columns of t. */
static int
chart_ok(const struct thads_chart *c, size_t ncols)
{
	size_t i;

	if (c->nlabel > THADS_CHART_MAXLABEL ||
	    c->nseries > THADS_CHART_MAXSERIES || c->split >= (long)ncols)
		return 0;
	for (i = 0; i < c->nlabel; i++)
		if (c->label[i] >= ncols)
			return 0;
	for (i = 0; i < c->nseries; i++)
		if (c->series[i] >= ncols)
			return 0;
	return 1;
}

int
thads_html_table(struct thads_html *h, const struct thads_table *t,
    struct thads_err *err)
{
	size_t i;
	int bad = 0;

	if (h->intable) {
		section(h);
		forget(h);
	}
	for (i = 0; i < t->ncharts; i++)
		if (!chart_ok(&t->charts[i], t->ncols))
			return thads_seterr(err, THADS_EUSAGE, NULL, 0,
			    "chart %zu names a column the table lacks", i);
	h->intable = 1;
	h->ncols = t->ncols;
	h->name = dup_or_null(t->name != NULL ? t->name : "row", &bad);
	h->ttitle = dup_or_null(t->title, &bad);
	h->cols = calloc(t->ncols, sizeof(*h->cols));
	h->colnames = calloc(t->ncols, sizeof(*h->colnames));
	h->mkeys = calloc(t->nmeta + 1, sizeof(*h->mkeys));
	h->mvals = calloc(t->nmeta + 1, sizeof(*h->mvals));
	h->charts = calloc(t->ncharts + 1, sizeof(*h->charts));
	h->ctitles = calloc(t->ncharts + 1, sizeof(*h->ctitles));
	h->cskips = calloc(t->ncharts + 1, sizeof(*h->cskips));
	if (bad || !h->cols || !h->colnames || !h->mkeys || !h->mvals ||
	    !h->charts || !h->ctitles || !h->cskips)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	for (i = 0; i < t->ncols; i++) {
		h->cols[i] = t->cols[i];
		h->colnames[i] = dup_or_null(t->cols[i].name, &bad);
	}
	for (i = 0; i < t->nmeta; i++, h->nmeta++) {
		h->mkeys[i] = dup_or_null(t->meta[i].key, &bad);
		h->mvals[i] = dup_or_null(t->meta[i].value ?
		    t->meta[i].value : "", &bad);
	}
	for (i = 0; i < t->ncharts; i++, h->ncharts++) {
		h->charts[i] = t->charts[i];
		h->ctitles[i] = dup_or_null(t->charts[i].title, &bad);
		h->charts[i].title = h->ctitles[i];
		h->cskips[i] = dup_or_null(t->charts[i].skip, &bad);
		h->charts[i].skip = h->cskips[i];
	}
	return bad ? thads_seterr(err, THADS_ENOMEM, NULL, 0,
	    "out of memory") : 0;
}

int
thads_html_row(struct thads_html *h, const char *const *vals,
    struct thads_err *err)
{
	size_t i, cap;
	char **c, **row;

	if (h->nrows == h->caprows) {
		cap = h->caprows ? h->caprows * 2 : 64;
		if ((c = reallocarray(h->cells, cap * h->ncols,
		    sizeof(*c))) == NULL)
			return thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
		h->cells = c;
		h->caprows = cap;
	}
	row = h->cells + h->nrows * h->ncols;
	for (i = 0; i < h->ncols; i++) {
		row[i] = NULL;
		if (vals[i] != NULL && (row[i] = strdup(vals[i])) == NULL) {
			while (i-- > 0)
				free(row[i]);
			return thads_seterr(err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
		}
	}
	h->nrows++;
	return 0;
}

int
thads_html_close(struct thads_html *h, int ok, struct thads_err *err)
{
	(void)err;
	if (h == NULL)
		return 0;
	if (ok) {
		if (h->intable)
			section(h);
		head(h);
		fputs("</body>\n</html>\n", h->fp);
	}
	forget(h);
	free(h->title);
	free(h);
	return 0;
}
