/*
 * test_out.c: unit tests for lib/out.c.
 */
#include "unit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "thads.h"
#include "out.h"

static const struct thads_col cols[] = {
	{ "id", THADS_COL_INT },
	{ "name", THADS_COL_TEXT },
	{ "note", THADS_COL_TEXT },
	{ "score", THADS_COL_REAL },
	{ "active", THADS_COL_BOOL },
	{ "born", THADS_COL_DATE },
};
#define NCOLS	(sizeof(cols) / sizeof(cols[0]))

/*
 * The small table every format is tried on: a comma, quotes, a newline,
 * a Vietnamese name, NULLs, a formula and an ESC byte.
 */
static const char *const rows[] = {
	"1", "Nguyễn Văn Đặng", "a,b", "-3.5", "1", "1990-01-02",
	"2", "Lê \"Tèo\"", "line1\nline2", NULL, "no", NULL,
	"-12", "=HYPERLINK(\"x\")", "esc\x1b[31mred", "0.1", "maybe",
	"2001-01-01",
};
#define NROWS	(sizeof(rows) / sizeof(rows[0]) / NCOLS)

/*
 * Write nrows rows of vals through a thads_out of format fmt and return
 * what came out (malloc'd, NUL-terminated); *len gets its length.
 */
static char *
render(enum thads_fmt fmt, const char *name, const struct thads_col *c,
    size_t nc, const char *const *vals, size_t nrows, unsigned flags,
    size_t *len)
{
	struct thads_out *o;
	struct thads_err err;
	char *buf = NULL;
	size_t i, n;
	FILE *fp;

	fp = open_memstream(&buf, &n);
	assert_non_null(fp);
	assert_int_equal(thads_out_open(fp, fmt, name, c, nc, flags, &o,
	    &err), 0);
	for (i = 0; i < nrows; i++)
		assert_int_equal(thads_out_row(o, vals + i * nc, &err), 0);
	assert_int_equal(thads_out_close(o, &err), 0);
	assert_int_equal(fclose(fp), 0);
	if (len != NULL)
		*len = n;
	return buf;
}

static char *
render_all(enum thads_fmt fmt, unsigned flags)
{
	return render(fmt, "person", cols, NCOLS, rows, NROWS, flags, NULL);
}

/* out-1.1: format names both ways. */
static void
fmt_names(void **state)
{
	enum thads_fmt f = THADS_FMT_TABLE;
	const char *names[] = { "table", "csv", "tsv", "jsonl", "xml" };
	size_t i;

	(void)state;
	for (i = 0; i < 5; i++) {
		assert_int_equal(thads_fmt_parse(names[i], &f), 0);
		assert_string_equal(thads_fmt_name(f), names[i]);
	}
	assert_int_equal(thads_fmt_parse("json", &f), THADS_EUSAGE);
	assert_int_equal(thads_fmt_parse("CSV", &f), THADS_EUSAGE);
	assert_int_equal(thads_fmt_parse(NULL, &f), THADS_EUSAGE);
	assert_int_equal(f, THADS_FMT_XML);
	assert_string_equal(thads_fmt_name((enum thads_fmt)42), "unknown");
}

/* out-1.2: bad column lists and xml names are usage errors. */
static void
open_errors(void **state)
{
	const struct thads_col dup[] = {
		{ "a", THADS_COL_TEXT }, { "a", THADS_COL_INT } };
	const struct thads_col sp[] = { { "a b", THADS_COL_TEXT } };
	const struct thads_col nul[] = { { NULL, THADS_COL_TEXT } };
	const struct thads_col ctl[] = { { "a\x1b[2J", THADS_COL_TEXT } };
	struct thads_out *o = NULL;
	struct thads_err err;

	(void)state;
	assert_int_equal(thads_out_open(stdout, THADS_FMT_CSV, NULL, dup, 2,
	    0, &o, &err), THADS_EUSAGE);
	assert_non_null(strstr(err.msg, "duplicate"));
	assert_int_equal(thads_out_open(stdout, THADS_FMT_CSV, NULL, cols, 0,
	    0, &o, &err), THADS_EUSAGE);
	assert_int_equal(thads_out_open(stdout, THADS_FMT_JSONL, NULL, nul,
	    1, 0, &o, &err), THADS_EUSAGE);
	assert_int_equal(thads_out_open(stdout, THADS_FMT_TABLE, NULL, ctl,
	    1, 0, &o, &err), THADS_EUSAGE);
	assert_int_equal(thads_out_open(stdout, THADS_FMT_XML, NULL, sp, 1,
	    0, &o, &err), THADS_EUSAGE);
	assert_int_equal(thads_out_open(stdout, THADS_FMT_XML, "1x", cols,
	    NCOLS, 0, &o, &err), THADS_EUSAGE);
	assert_int_equal(thads_out_open(stdout, THADS_FMT_XML, "a<b", cols,
	    NCOLS, 0, &o, &err), THADS_EUSAGE);
	assert_null(o);
	assert_int_equal(thads_out_close(NULL, &err), 0);
}

/* out-2.1: csv: quoting, CRLF, NULL, formula neutralised. */
static void
csv_basic(void **state)
{
	char *r;

	(void)state;
	r = render_all(THADS_FMT_CSV, 0);
	assert_string_equal(r,
	    "id,name,note,score,active,born\r\n"
	    "1,Nguyễn Văn Đặng,\"a,b\",-3.5,1,1990-01-02\r\n"
	    "2,\"Lê \"\"Tèo\"\"\",\"line1\nline2\",,no,\r\n"
	    "-12,\"'=HYPERLINK(\"\"x\"\")\",esc\x1b[31mred,0.1,maybe,"
	    "2001-01-01\r\n");
	free(r);
}

/* out-2.2: csv --raw leaves formulas alone; NOHEADER; BOM. */
static void
csv_flags(void **state)
{
	char *r;

	(void)state;
	r = render_all(THADS_FMT_CSV, THADS_OUT_RAW | THADS_OUT_NOHEADER);
	assert_string_equal(r,
	    "1,Nguyễn Văn Đặng,\"a,b\",-3.5,1,1990-01-02\r\n"
	    "2,\"Lê \"\"Tèo\"\"\",\"line1\nline2\",,no,\r\n"
	    "-12,\"=HYPERLINK(\"\"x\"\")\",esc\x1b[31mred,0.1,maybe,"
	    "2001-01-01\r\n");
	free(r);

	r = render_all(THADS_FMT_CSV, THADS_OUT_BOM);
	assert_memory_equal(r, "\xef\xbb\xbfid,name,", 11);
	free(r);
}

/* out-2.3: csv: "" versus NULL, numbers, full-width and bad numbers. */
static void
csv_cells(void **state)
{
	const struct thads_col c[] = {
		{ "t", THADS_COL_TEXT }, { "i", THADS_COL_INT },
		{ "r", THADS_COL_REAL } };
	const char *const v[] = {
		"", "-7", "-1.5e3",
		NULL, "=1+1", "+2",
		"＝A1", "12", "@x",
		"-12", NULL, "-3.5",
		"+84 912", "0", "\t1",
	};
	char *r;

	(void)state;
	r = render(THADS_FMT_CSV, NULL, c, 3, v, 5, THADS_OUT_NOHEADER, NULL);
	assert_string_equal(r,
	    "\"\",-7,-1.5e3\r\n"
	    ",'=1+1,+2\r\n"
	    "'＝A1,12,'@x\r\n"
	    "-12,,-3.5\r\n"
	    "'+84 912,0,'\t1\r\n");
	free(r);
}

/* out-3.1: tsv: backslash escapes, formula neutralised, BOM. */
static void
tsv_basic(void **state)
{
	const struct thads_col c[] = { { "a\\b", THADS_COL_TEXT } };
	const char *const v[] = { "x\\y\tz\r\n", "-1", "+1" };
	char *r;

	(void)state;
	r = render_all(THADS_FMT_TSV, 0);
	assert_string_equal(r,
	    "id\tname\tnote\tscore\tactive\tborn\n"
	    "1\tNguyễn Văn Đặng\ta,b\t-3.5\t1\t1990-01-02\n"
	    "2\tLê \"Tèo\"\tline1\\nline2\t\tno\t\n"
	    "-12\t'=HYPERLINK(\"x\")\tesc\x1b[31mred\t0.1\tmaybe\t"
	    "2001-01-01\n");
	free(r);

	r = render(THADS_FMT_TSV, NULL, c, 1, v, 3, THADS_OUT_BOM, NULL);
	assert_string_equal(r,
	    "\xef\xbb\xbf" "a\\\\b\nx\\\\y\\tz\\r\\n\n-1\n'+1\n");
	free(r);

	r = render(THADS_FMT_TSV, NULL, c, 1, v, 3, THADS_OUT_RAW, NULL);
	assert_string_equal(r, "a\\\\b\nx\\\\y\\tz\\r\\n\n-1\n+1\n");
	free(r);
}

/* out-4.1: jsonl: the small table, no formula change, ESC escaped. */
static void
jsonl_basic(void **state)
{
	json_error_t je;
	json_t *j;
	char *r, *line, *save;
	int n = 0;

	(void)state;
	r = render_all(THADS_FMT_JSONL, THADS_OUT_BOM | THADS_OUT_NOHEADER);
	assert_string_equal(r,
	    "{\"id\":1,\"name\":\"Nguyễn Văn Đặng\",\"note\":\"a,b\","
	    "\"score\":-3.5,\"active\":true,\"born\":\"1990-01-02\"}\n"
	    "{\"id\":2,\"name\":\"Lê \\\"Tèo\\\"\","
	    "\"note\":\"line1\\nline2\","
	    "\"score\":null,\"active\":false,\"born\":null}\n"
	    "{\"id\":-12,\"name\":\"=HYPERLINK(\\\"x\\\")\","
	    "\"note\":\"esc\\u001B[31mred\",\"score\":0.1,"
	    "\"active\":\"maybe\",\"born\":\"2001-01-01\"}\n");

	for (line = strtok_r(r, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save), n++) {
		j = json_loads(line, 0, &je);
		assert_non_null(j);
		assert_true(json_is_object(j));
		assert_int_equal(json_object_size(j), NCOLS);
		json_decref(j);
	}
	assert_int_equal(n, 3);
	free(r);
}

/* out-4.2: jsonl types: integers, reals, booleans, fallbacks. */
static void
jsonl_types(void **state)
{
	const struct thads_col c[] = {
		{ "i", THADS_COL_INT }, { "r", THADS_COL_REAL },
		{ "b", THADS_COL_BOOL }, { "t", THADS_COL_TEXT } };
	const char *const v[] = {
		"0", "0.1", "TRUE", "12",
		"007", "1e5", "Yes", "Nguy\xe1\xbb",
		"+3", "3.14159265358979", "NO", "",
		"99999999999999999999", "inf", "2", "\x7f",
		"12abc", "1e999", "0", "\xc3\x28",
		"-0", "0.1234567890123456789", NULL, NULL,
		"-9223372036854775808", "-0.0", "false", "x",
	};
	char *r;

	(void)state;
	r = render(THADS_FMT_JSONL, NULL, c, 4, v, 7, 0, NULL);
	assert_string_equal(r,
	    "{\"i\":0,\"r\":0.1,\"b\":true,\"t\":\"12\"}\n"
	    "{\"i\":\"007\",\"r\":1e5,\"b\":true,\"t\":\"Nguy\xef\xbf\xbd"
	    "\xef\xbf\xbd\"}\n"
	    "{\"i\":\"+3\",\"r\":3.14159265358979,\"b\":false,\"t\":\"\"}\n"
	    "{\"i\":\"99999999999999999999\",\"r\":\"inf\",\"b\":\"2\","
	    "\"t\":\"\x7f\"}\n"
	    "{\"i\":\"12abc\",\"r\":\"1e999\",\"b\":false,"
	    "\"t\":\"\xef\xbf\xbd(\"}\n"
	    "{\"i\":\"-0\",\"r\":0.12345678901234568,\"b\":null,\"t\":null}\n"
	    "{\"i\":-9223372036854775808,\"r\":-0.0,\"b\":false,"
	    "\"t\":\"x\"}\n");
	free(r);
}

/* Return the text of child element name of node n, or NULL. */
static char *
child_text(xmlNodePtr n, const char *name)
{
	xmlNodePtr c;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, name) == 0)
			return (char *)xmlNodeGetContent(c);
	return NULL;
}

static void
expect_child(xmlNodePtr n, const char *name, const char *want)
{
	char *s = child_text(n, name);

	if (want == NULL) {
		assert_null(s);
		return;
	}
	assert_non_null(s);
	assert_string_equal(s, want);
	xmlFree(s);
}

/* Return the next element sibling from n on, or NULL. */
static xmlNodePtr
element(xmlNodePtr n)
{
	while (n != NULL && n->type != XML_ELEMENT_NODE)
		n = n->next;
	return n;
}

/* out-5.1: xml parses back with the same values; no raw ESC. */
static void
xml_roundtrip(void **state)
{
	const char *head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<persons>\n  <person>\n    <id>1</id>\n";
	xmlDocPtr doc;
	xmlNodePtr root, rec;
	size_t len;
	char *r;

	(void)state;
	r = render(THADS_FMT_XML, "person", cols, NCOLS, rows, NROWS, 0,
	    &len);
	assert_memory_equal(r, head, strlen(head));
	assert_null(memchr(r, 0x1b, len));
	assert_non_null(strstr(r, "Nguyễn Văn Đặng"));

	doc = xmlReadMemory(r, (int)len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "persons");
	rec = element(root->children);
	expect_child(rec, "name", "Nguyễn Văn Đặng");
	expect_child(rec, "note", "a,b");
	rec = element(rec->next);
	expect_child(rec, "name", "Lê \"Tèo\"");
	expect_child(rec, "note", "line1\nline2");
	expect_child(rec, "score", NULL);
	expect_child(rec, "born", NULL);
	rec = element(rec->next);
	expect_child(rec, "name", "=HYPERLINK(\"x\")");
	expect_child(rec, "note", "esc\xef\xbf\xbd[31mred");
	expect_child(rec, "id", "-12");
	assert_null(element(rec->next));
	xmlFreeDoc(doc);
	free(r);
}

/* out-5.2: xml escaping of markup, CR, illegal and invalid bytes. */
static void
xml_escaping(void **state)
{
	const struct thads_col c[] = { { "v", THADS_COL_TEXT } };
	const char *const v[] = {
		"a&b<c>d\"e'f", "x\ry", "\x01\x08\x0b\x0c\x1f",
		"\xef\xbf\xbe", "bad\xff", "]]>",
	};
	xmlDocPtr doc;
	xmlNodePtr rec;
	size_t len;
	char *r;

	(void)state;
	r = render(THADS_FMT_XML, NULL, c, 1, v, 6, 0, &len);
	assert_non_null(strstr(r, "<rows>"));
	assert_non_null(strstr(r, "a&amp;b&lt;c&gt;d"));
	doc = xmlReadMemory(r, (int)len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	rec = element(xmlDocGetRootElement(doc)->children);
	expect_child(rec, "v", "a&b<c>d\"e'f");
	rec = element(rec->next);
	expect_child(rec, "v", "x\ry");
	rec = element(rec->next);
	expect_child(rec, "v", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd");
	rec = element(rec->next);
	expect_child(rec, "v", "\xef\xbf\xbd");
	rec = element(rec->next);
	expect_child(rec, "v", "bad\xef\xbf\xbd");
	rec = element(rec->next);
	expect_child(rec, "v", "]]>");
	xmlFreeDoc(doc);
	free(r);
}

/* out-5.3: xml with no rows is still a document. */
static void
xml_empty(void **state)
{
	xmlDocPtr doc;
	size_t len;
	char *r;

	(void)state;
	r = render(THADS_FMT_XML, "alert", cols, NCOLS, rows, 0, 0, &len);
	doc = xmlReadMemory(r, (int)len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	assert_string_equal((const char *)xmlDocGetRootElement(doc)->name,
	    "alerts");
	xmlFreeDoc(doc);
	free(r);
}

/* out-6.1: table: widths in columns, numbers right, controls '?'. */
static void
table_basic(void **state)
{
	const struct thads_col c[] = {
		{ "id", THADS_COL_INT }, { "name", THADS_COL_TEXT },
		{ "note", THADS_COL_TEXT } };
	const char *const v[] = {
		"1", "Nguyễn Văn Đặng", "a\x1b[31mb",
		"-12", "Lê", NULL,
		"3", "=x", "tab\there",
	};
	char *r;

	(void)state;
	r = render(THADS_FMT_TABLE, NULL, c, 3, v, 3, 0, NULL);
	assert_string_equal(r,
	    " id  name             note\n"
	    "---  ---------------  --------\n"
	    "  1  Nguyễn Văn Đặng  a?[31mb\n"
	    "-12  Lê\n"
	    "  3  =x               tab?here\n");
	free(r);
}

/* out-6.2: table: the small table has no ESC; NOHEADER; C1 and bidi. */
static void
table_hostile(void **state)
{
	const struct thads_col c[] = { { "v", THADS_COL_TEXT } };
	const char *const v[] = {
		"\xc2\x9b" "2J", "\x9b" "2J", "a\xe2\x80\xae" "b", "\x7f",
		"\xcc\x81" "x",
	};
	size_t len;
	char *r;

	(void)state;
	r = render(THADS_FMT_TABLE, NULL, cols, NCOLS, rows, NROWS, 0, &len);
	assert_null(memchr(r, 0x1b, len));
	assert_non_null(strstr(r, "line1?line2"));
	free(r);

	r = render(THADS_FMT_TABLE, NULL, c, 1, v, 5, THADS_OUT_NOHEADER,
	    NULL);
	assert_string_equal(r, "?2J\n?2J\na?b\n?\n\xcc\x81x\n");
	free(r);
}

/* out-6.3: table with many rows grows its buffer. */
static void
table_many(void **state)
{
	const struct thads_col c[] = { { "n", THADS_COL_INT } };
	const char *v[1000];
	char num[1000][8];
	size_t i, len;
	char *r;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(num[i], sizeof(num[i]), "%zu", i);
		v[i] = num[i];
	}
	r = render(THADS_FMT_TABLE, NULL, c, 1, v, 1000, 0, &len);
	assert_memory_equal(r, "  n\n---\n  0\n  1\n", 16);
	assert_int_equal(len, 8 + 1000 * 4);
	free(r);
}

/* out-7.1: a write error (ENOSPC) comes back as THADS_EIO. */
static void
write_error(void **state)
{
	struct thads_out *o;
	struct thads_err err;
	enum thads_fmt f;
	FILE *fp;

	(void)state;
	for (f = THADS_FMT_TABLE; f <= THADS_FMT_XML; f++) {
		if ((fp = fopen("/dev/full", "w")) == NULL)
			skip();
		assert_int_equal(thads_out_open(fp, f, NULL, cols, NCOLS, 0,
		    &o, &err), 0);
		assert_int_equal(thads_out_row(o, rows, &err), 0);
		assert_int_equal(thads_out_close(o, &err), THADS_EIO);
		assert_non_null(strstr(err.msg, "No space left"));
		fclose(fp);
	}
}

/* out-7.2: unbuffered: the row fails at once and the error sticks. */
static void
write_error_sticky(void **state)
{
	struct thads_out *o;
	struct thads_err err;
	FILE *fp;

	(void)state;
	if ((fp = fopen("/dev/full", "w")) == NULL)
		skip();
	setvbuf(fp, NULL, _IONBF, 0);
	assert_int_equal(thads_out_open(fp, THADS_FMT_CSV, NULL, cols, NCOLS,
	    THADS_OUT_NOHEADER, &o, &err), 0);
	assert_int_equal(thads_out_row(o, rows, &err), THADS_EIO);
	assert_non_null(strstr(err.msg, "No space left"));
	thads_clearerr(&err);
	assert_int_equal(thads_out_row(o, rows, &err), THADS_EIO);
	assert_non_null(strstr(err.msg, "No space left"));
	thads_clearerr(&err);
	assert_int_equal(thads_out_close(o, &err), THADS_EIO);
	assert_string_equal(err.msg,
	    "cannot write csv output: No space left on device");
	fclose(fp);
}

/* The table element is the English plural of the record element. */
static void
xml_plural(void **state)
{
	static const char *const names[][2] = {
		{ "person", "persons" }, { "community", "communities" },
		{ "day", "days" }, { "status", "statuses" },
		{ "box", "boxes" }, { "match", "matches" },
		{ "flash", "flashes" }, { "month", "months" },
		{ "y", "ys" }, { "Facility", "Facilities" },
	};
	char *out, want[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		out = render(THADS_FMT_XML, names[i][0], cols, NCOLS, rows, 1,
		    0, NULL);
		snprintf(want, sizeof(want), "\n<%s>\n  <%s>\n", names[i][1],
		    names[i][0]);
		if (strstr(out, want) == NULL)
			fail_msg("%s: want %s in:\n%s", names[i][0], want, out);
		free(out);
	}
}

/*
 * A pipe whose reader went away (| head) is THADS_EPIPE, not THADS_EIO,
 * in every format, so that the tools can stop without a message.
 * SIGPIPE is ignored here as thads_cli_init() ignores it in the tools.
 */
static void
write_broken_pipe(void **state)
{
	struct thads_out *o;
	struct thads_err err;
	enum thads_fmt f;
	FILE *fp;
	int p[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	for (f = THADS_FMT_TABLE; f <= THADS_FMT_XML; f++) {
		assert_int_equal(pipe(p), 0);
		close(p[0]);
		assert_non_null(fp = fdopen(p[1], "w"));
		assert_int_equal(thads_out_open(fp, f, NULL, cols, NCOLS, 0,
		    &o, &err), 0);
		(void)thads_out_row(o, rows, &err);
		assert_int_equal(thads_out_close(o, &err), THADS_EPIPE);
		assert_int_equal(err.code, THADS_EPIPE);
		fclose(fp);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fmt_names),
		cmocka_unit_test(open_errors),
		cmocka_unit_test(csv_basic),
		cmocka_unit_test(csv_flags),
		cmocka_unit_test(csv_cells),
		cmocka_unit_test(tsv_basic),
		cmocka_unit_test(jsonl_basic),
		cmocka_unit_test(jsonl_types),
		cmocka_unit_test(xml_roundtrip),
		cmocka_unit_test(xml_escaping),
		cmocka_unit_test(xml_empty),
		cmocka_unit_test(table_basic),
		cmocka_unit_test(table_hostile),
		cmocka_unit_test(table_many),
		cmocka_unit_test(write_error),
		cmocka_unit_test(write_error_sticky),
		cmocka_unit_test(write_broken_pipe),
		cmocka_unit_test(xml_plural),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
