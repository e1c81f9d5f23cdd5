/*
 * test_report_out.c: the document extension of the output layer
 * (thads_out_begin, thads_out_next, metadata, charts) and its xlsx and
 * html formats.  The single-table behaviour is test_out.c's.
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thads.h"
#include "out.h"

static const struct thads_col cols[] = {
	{ "facility", THADS_COL_TEXT }, { "persons", THADS_COL_INT },
	{ "share", THADS_COL_REAL }, { "as_of", THADS_COL_DATE },
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

static const char *const rows[][4] = {
	{ "HOALO", "30", "0.6", "2024-01-31" },
	{ "=CHIHOA()", "15", "0.3", "2024-01-31" },
	{ "<b>&", "5", "0.1", NULL },
};
#define NROWS	(sizeof(rows) / sizeof(rows[0]))

static const struct thads_meta meta[] = {
	{ "definition", "population/1" }, { "as_of_date", "2024-01-31" },
};

static const struct thads_chart bars = {
	THADS_CHART_BAR, "Persons", { 0 }, 1, { 1 }, 1, -1, NULL
};

/* Write two tables (or one) to memory; returns the bytes. */
static char *
doc(enum thads_fmt fmt, int ntables, size_t *len, int *rc)
{
	struct thads_table t = { "population", "Population", cols, NCOLS,
	    meta, 2, &bars, 1 };
	struct thads_out *o;
	struct thads_err err;
	char *buf = NULL;
	size_t n = 0, r;
	FILE *fp;
	int k;

	fp = open_memstream(&buf, &n);
	assert_non_null(fp);
	assert_int_equal(thads_out_begin(fp, fmt, "report", 0, &o, &err), 0);
	*rc = 0;
	for (k = 0; k < ntables && *rc == 0; k++) {
		if ((*rc = thads_out_next(o, &t, &err)) != 0)
			break;
		for (r = 0; r < NROWS; r++)
			assert_int_equal(thads_out_row(o, rows[r], &err), 0);
		t.name = "flow";
		t.title = "Flow";
	}
	assert_int_equal(thads_out_close(o, &err), 0);
	fclose(fp);
	*len = n;
	return buf;
}

static int
count(const char *s, const char *needle)
{
	int n = 0;

	while ((s = strstr(s, needle)) != NULL) {
		n++;
		s++;
	}
	return n;
}

/* Whether the len bytes at s hold needle. */
static const char *
find(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (memcmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

/* report-out-1.1: jsonl appends the metadata to every object. */
static void
jsonl_meta(void **state)
{
	size_t len;
	char *s;
	int rc;

	(void)state;
	s = doc(THADS_FMT_JSONL, 2, &len, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "{\"facility\":\"HOALO\",\"persons\":30,"
	    "\"share\":0.6,\"as_of\":\"2024-01-31\","
	    "\"definition\":\"population/1\","
	    "\"as_of_date\":\"2024-01-31\"}\n"));
	assert_int_equal(count(s, "\"definition\""), 6);
	free(s);
}

/* report-out-1.2: xml nests a table element, with the metadata as its
 * attributes, per table in the document's root. */
static void
xml_meta(void **state)
{
	size_t len;
	char *s;
	int rc;

	(void)state;
	s = doc(THADS_FMT_XML, 2, &len, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "<report>\n  <populations "
	    "definition=\"population/1\" as_of_date=\"2024-01-31\">\n"
	    "    <population>\n      <facility>HOALO</facility>"));
	assert_non_null(strstr(s, "</populations>\n  <flows "));
	assert_non_null(strstr(s, "</flows>\n</report>\n"));
	free(s);
}

/* report-out-1.3: csv holds one table and no metadata. */
static void
csv_one_table(void **state)
{
	size_t len;
	char *s;
	int rc;

	(void)state;
	s = doc(THADS_FMT_CSV, 1, &len, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(s, "facility,persons,share,as_of\r\n"
	    "HOALO,30,0.6,2024-01-31\r\n'=CHIHOA(),15,0.3,2024-01-31\r\n"
	    "<b>&,5,0.1,\r\n");
	free(s);
	s = doc(THADS_FMT_CSV, 2, &len, &rc);
	assert_int_equal(rc, THADS_EUSAGE);
	free(s);
}

/* report-out-1.4: table blocks start with the title and metadata and
 * are one empty line apart. */
static void
table_blocks(void **state)
{
	size_t len;
	char *s;
	int rc;

	(void)state;
	s = doc(THADS_FMT_TABLE, 2, &len, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(s, "Population\ndefinition: population/1\n"
	    "as_of_date: 2024-01-31\n\nfacility   persons  share  as_of\n"));
	assert_non_null(strstr(s, "0.1\n\nFlow\ndefinition: "));
	free(s);
}

/* report-out-1.5: bad metadata keys are usage errors. */
static void
meta_errors(void **state)
{
	const struct thads_meta clash[] = { { "persons", "x" } };
	const struct thads_meta bad[] = { { "a b", "x" } };
	struct thads_table t = { "t", NULL, cols, NCOLS, clash, 1, NULL, 0 };
	struct thads_out *o;
	struct thads_err err;
	FILE *fp = fopen("/dev/null", "w");

	(void)state;
	assert_non_null(fp);
	assert_int_equal(thads_out_begin(fp, THADS_FMT_JSONL, "d", 0, &o,
	    &err), 0);
	assert_int_equal(thads_out_next(o, &t, &err), THADS_EUSAGE);
	t.meta = bad;
	assert_int_equal(thads_out_next(o, &t, &err), THADS_EUSAGE);
	assert_int_equal(thads_out_row(o, rows[0], &err), THADS_EUSAGE);
	assert_int_equal(thads_out_close(o, &err), 0);
	assert_int_equal(thads_out_begin(fp, THADS_FMT_XML, "1d", 0, &o,
	    &err), THADS_EUSAGE);
	fclose(fp);
}

/* report-out-2.1: html: one page, escaped, one bar per number with its
 * value, the metadata shown, no script and no external resource. */
static void
html_page(void **state)
{
	size_t len;
	char *s;
	int rc;

	(void)state;
	s = doc(THADS_FMT_HTML, 2, &len, &rc);
	assert_int_equal(rc, 0);
	assert_true(strncmp(s, "<!DOCTYPE html>", 15) == 0);
	assert_int_equal(count(s, "<section "), 2);
	assert_int_equal(count(s, "<svg "), 2);
	assert_int_equal(count(s, "class=\"bar s0\""), 6);
	assert_non_null(strstr(s, "data-value=\"30\""));
	assert_non_null(strstr(s, "&lt;b&gt;&amp;"));
	assert_null(strstr(s, "<b>&"));
	assert_non_null(strstr(s, "<dt>definition</dt><dd>population/1</dd>"));
	assert_non_null(strstr(s, "<td class=\"n\">30</td>"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "http:/" "/www.w3.org/1999"));
	assert_int_equal(count(s, "src="), 0);
	assert_int_equal(count(s, "href="), 0);
	assert_non_null(strstr(s, "</html>\n"));
	free(s);
}

/* report-out-2.2: bar lengths are proportional to the values. */
static void
html_bar_lengths(void **state)
{
	const char *p;
	size_t len;
	char *s;
	int rc, w[3], i = 0;

	(void)state;
	s = doc(THADS_FMT_HTML, 1, &len, &rc);
	for (p = s; i < 3 && (p = strstr(p, "class=\"bar s0\"")) != NULL;
	    p++) {
		p = strstr(p, "width=\"");
		w[i++] = (int)strtol(p + 7, NULL, 10);
	}
	assert_int_equal(i, 3);
	/* 30, 15, 5 on an axis to 50: 0.6, 0.3 and 0.1 of the plot. */
	assert_true(w[0] == 2 * w[1] || w[0] == 2 * w[1] + 1);
	assert_true(w[1] == 3 * w[2] || w[1] == 3 * w[2] + 1 ||
	    w[1] == 3 * w[2] - 1);
	free(s);
}

/* report-out-3.1: xlsx: a zip archive with one sheet per table. */
static void
xlsx_sheets(void **state)
{
	size_t len;
	char *s;
	int rc;

	(void)state;
	s = doc(THADS_FMT_XLSX, 2, &len, &rc);
	assert_int_equal(rc, 0);
	assert_true(len > 1000);
	assert_memory_equal(s, "PK\x03\x04", 4);
	assert_non_null(find(s, len, "xl/worksheets/sheet2.xml"));
	assert_null(find(s, len, "xl/worksheets/sheet3.xml"));
	free(s);
}

/* report-out-3.2: xlsx is refused on a terminal, and a write error on
 * the stream is reported at close. */
static void
xlsx_errors(void **state)
{
	struct thads_out *o;
	struct thads_err err;
	FILE *fp;

	(void)state;
	if ((fp = fopen("/dev/full", "w")) == NULL)
		skip();
	assert_int_equal(thads_out_open(fp, THADS_FMT_XLSX, "t", cols, NCOLS,
	    0, &o, &err), 0);
	assert_int_equal(thads_out_row(o, rows[0], &err), 0);
	assert_int_equal(thads_out_close(o, &err), THADS_EIO);
	fclose(fp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jsonl_meta),
		cmocka_unit_test(xml_meta),
		cmocka_unit_test(csv_one_table),
		cmocka_unit_test(table_blocks),
		cmocka_unit_test(meta_errors),
		cmocka_unit_test(html_page),
		cmocka_unit_test(html_bar_lengths),
		cmocka_unit_test(xlsx_sheets),
		cmocka_unit_test(xlsx_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
