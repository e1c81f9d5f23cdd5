/*
 * test_xml.c: unit tests for lib/xml.c, the interchange XML reader, and
 * for schema/thads-interchange.xsd against the field table.  Inputs are
 * written to a temporary directory; the tests run from the top of the
 * tree, where the schema and testdata/xml are found.
 */
#define _GNU_SOURCE		/* nftw() */

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include "unit.h"

#include "thads.h"
#include "record.h"
#include "xml.h"
#include "zio.h"

#define XSD	"schema/thads-interchange.xsd"
#define TODAY	"2026-12-31"
#define MAXREC	16

static char tmpdir[] = "/tmp/thads-xml-XXXXXX";

/* The opening every hand-made document shares: lines 1 and 2. */
#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" \
	"<thads xmlns=\"urn:thads:interchange:1\" version=\"1\">\n"

/* A document of one dossier holding only the person body. */
#define ONE(body) HEAD "<dossier>\n<person>" body "</person>\n" \
	"</dossier>\n</thads>\n"

static int
rmone(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rmone, 16, FTW_DEPTH | FTW_PHYS);
}

/* A path in the temporary directory, in a static buffer. */
static const char *
tpath(const char *name)
{
	static char buf[2][512];
	static int i;

	i = !i;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static void
writefile(const char *path, const void *data, size_t len)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* Write s to a file of the temporary directory; returns its path. */
static const char *
put(const char *name, const char *s)
{
	const char *path = tpath(name);

	writefile(path, s, strlen(s));
	return path;
}

/* A growable string, for the generated documents. */
struct str {
	char	*s;
	size_t	 len;
};

static void
add(struct str *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	b->s = realloc(b->s, b->len + (size_t)n + 1);
	assert_non_null(b->s);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* The records of a file, and how reading ended. */
struct got {
	struct thads_rec rec[MAXREC];
	int	 n;
	int	 rc;		/* 0 at a clean end, or the error */
	struct thads_err err;
	long	 dossier[MAXREC];	/* thads_xml_dossier() of each */
	char	 file[512];	/* rec->file, kept past the close */
};

static void
got_free(struct got *g)
{
	int i;

	for (i = 0; i < g->n; i++) {
		thads_rec_clear(&g->rec[i]);
		free(g->rec[i].extra);
	}
	memset(g, 0, sizeof(*g));
}

/*
 * Read every record of path into g (g->rc is then 0) or up to the first
 * error.  g->err.file is checked against path when an error comes.
 */
static void
readall(const char *path, const char *xsd, struct got *g)
{
	struct thads_rd *rd;
	struct thads_xml *x;
	struct thads_rec rec;
	int rc;

	memset(g, 0, sizeof(*g));
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(thads_rd_open(path, &rd, &g->err), 0);
	g->rc = thads_xml_open(rd, xsd, &x, &g->err);
	if (g->rc != 0) {
		assert_null(x);
		thads_rd_close(rd);
		return;
	}
	while ((rc = thads_xml_next(x, &rec, &g->err)) > 0) {
		assert_true(g->n < MAXREC);
		g->dossier[g->n] = thads_xml_dossier(x);
		snprintf(g->file, sizeof(g->file), "%s", rec.file);
		rec.file = g->file;
		g->rec[g->n++] = rec;
		memset(&rec, 0, sizeof(rec));
	}
	g->rc = rc;
	thads_rec_clear(&rec);
	free(rec.extra);
	thads_xml_close(x);
	thads_rd_close(rd);
}

/* Read a document given as a string, with or without the schema. */
static void
readstr(const char *s, const char *xsd, struct got *g)
{
	readall(put("doc.xml", s), xsd, g);
}

/* The value of extra key in r, or NULL. */
static const char *
extra(const struct thads_rec *r, const char *key)
{
	size_t i;

	for (i = 0; i < r->nextra; i++)
		if (strcmp(r->extra[i].key, key) == 0)
			return r->extra[i].val;
	return NULL;
}

/* The error must be THADS_EDATA at line, with msg containing text. */
static void
expect_edata(const struct got *g, long line, const char *text)
{
	if (g->rc != THADS_EDATA || strstr(g->err.msg, text) == NULL ||
	    (line > 0 && g->err.line != line))
		fail_msg("want EDATA at line %ld with '%s', got %d at line "
		    "%ld: %s", line, text, g->rc, g->err.line, g->err.msg);
	assert_string_equal(g->err.file, tpath("doc.xml"));
}

static const char good[] =
	HEAD						/* 1-2 */
	"  <dossier>\n"					/* 3 */
	"    <person>\n"				/* 4 */
	"      <id>HS-2024-0001</id>\n"			/* 5 */
	"      <national_id>001085012345</national_id>\n"	/* 6 */
	"      <name>Đặng Văn Ân</name>\n"		/* 7 */
	"      <birth_date>1985-03-02</birth_date>\n"	/* 8 */
	"      <sex>male</sex>\n"			/* 9 */
	"    </person>\n"				/* 10 */
	"    <episode>\n"				/* 11 */
	"      <facility>TG-HN1</facility>"
	"<status>pretrial_detention</status>\n"		/* 12 */
	"      <admitted>2026-03-02 08:30:00</admitted>\n"	/* 13 */
	"      <extra name=\"BRADH\">N</extra>\n"	/* 14 */
	"    </episode>\n"				/* 15 */
	"    <episode><facility>TG-HN2</facility><status>serving</status>\n"
	"      <admitted>2026-04-01</admitted>"
	"<extra name=\"NOTE\">A &amp; B &lt;x&gt;</extra></episode>\n"
	"  </dossier>\n"				/* 18 */
	"  <dossier><person><id>HS-2024-0002</id>"
	"<name>Nguyễn Thị Bích Ngọc</name></person></dossier>\n"	/* 19 */
	"</thads>\n";

/* xml-1.1: two episodes make two records, each with the person. */
static void
test_two_episodes(void **state)
{
	struct got g;
	int i;

	(void)state;
	readstr(good, NULL, &g);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 3);
	for (i = 0; i < 2; i++) {
		assert_string_equal(g.rec[i].v[F_PERSON_ID], "HS-2024-0001");
		assert_string_equal(g.rec[i].v[F_PERSON_NAME], "Đặng Văn Ân");
		assert_string_equal(g.rec[i].v[F_PERSON_NATID],
		    "001085012345");
		assert_string_equal(g.rec[i].v[F_PERSON_BIRTH], "1985-03-02");
		assert_string_equal(g.rec[i].v[F_PERSON_SEX], "male");
		assert_string_equal(g.rec[i].file, tpath("doc.xml"));
		assert_int_equal(g.dossier[i], 1);
		assert_int_equal(thads_rec_validate(&g.rec[i], TODAY,
		    &g.err), 0);
	}
	assert_string_equal(g.rec[0].v[F_EP_FACILITY], "TG-HN1");
	assert_string_equal(g.rec[0].v[F_EP_STATUS], "pretrial_detention");
	assert_string_equal(g.rec[0].v[F_EP_ADMITTED], "2026-03-02 08:30:00");
	assert_int_equal(g.rec[0].line, 11);
	assert_string_equal(g.rec[1].v[F_EP_FACILITY], "TG-HN2");
	assert_int_equal(g.rec[1].line, 16);
	assert_int_equal(g.dossier[2], 2);
	got_free(&g);
}

/* xml-1.2: a dossier with only a person makes one record. */
static void
test_lone_person(void **state)
{
	struct got g;
	int f;

	(void)state;
	readstr(good, NULL, &g);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.rec[2].v[F_PERSON_ID], "HS-2024-0002");
	assert_string_equal(g.rec[2].v[F_PERSON_NAME], "Nguyễn Thị Bích Ngọc");
	assert_int_equal(g.rec[2].line, 19);
	assert_int_equal(g.rec[2].nextra, 0);
	for (f = F_FAC_CODE; f < F_COUNT; f++)
		assert_null(g.rec[2].v[f]);
	got_free(&g);
}

/* xml-1.3: extras stay with their own episode, entities decoded. */
static void
test_extras(void **state)
{
	struct got g;

	(void)state;
	readstr(good, NULL, &g);
	assert_int_equal(g.rec[0].nextra, 1);
	assert_string_equal(extra(&g.rec[0], "BRADH"), "N");
	assert_int_equal(g.rec[1].nextra, 1);
	assert_null(extra(&g.rec[1], "BRADH"));
	assert_string_equal(extra(&g.rec[1], "NOTE"), "A & B <x>");
	got_free(&g);

	/* An extra outside an episode is an unknown element. */
	readstr(ONE("<id>X</id>\n<extra name=\"A\">1</extra>"), NULL, &g);
	expect_edata(&g, 5, "unknown element <extra> in <person>");
	got_free(&g);

	/* An extra needs a proper name, and only once. */
	readstr(HEAD "<dossier><person><id>X</id></person>\n<episode>"
	    "<extra>1</extra></episode></dossier></thads>", NULL, &g);
	expect_edata(&g, 4, "needs a name");
	got_free(&g);
	readstr(HEAD "<dossier><person><id>X</id></person>\n<episode>"
	    "<extra name=\"A\">1</extra><extra name=\"A\">2</extra>"
	    "</episode></dossier></thads>", NULL, &g);
	expect_edata(&g, 4, "duplicate <extra name=\"A\">");
	got_free(&g);
}

/* xml-1.4: decomposed text is stored NFC; white space is trimmed. */
static void
test_nfc(void **state)
{
	struct got g;

	(void)state;
	/* "Nguyễn": e, U+0302 circumflex, U+0303 tilde. */
	readstr(ONE("<id>\n  HS-9 \t</id><name>  Nguye\xcc\x82\xcc\x83n "
	    "Va\xcc\x86n  </name>"), NULL, &g);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.rec[0].v[F_PERSON_ID], "HS-9");
	assert_string_equal(g.rec[0].v[F_PERSON_NAME],
	    "Nguy\xe1\xbb\x85n V\xc4\x83n");
	got_free(&g);
}

/* xml-1.5: an empty element is an absent value, schema or not. */
static void
test_empty(void **state)
{
	static const char doc[] = ONE("<id>HS-1</id><national_id>"
	    "</national_id><name>   </name><sex/><birth_date/>");
	struct got g;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		readstr(doc, pass ? XSD : NULL, &g);
		assert_int_equal(g.rc, 0);
		assert_int_equal(g.n, 1);
		assert_string_equal(g.rec[0].v[F_PERSON_ID], "HS-1");
		assert_null(g.rec[0].v[F_PERSON_NATID]);
		assert_null(g.rec[0].v[F_PERSON_NAME]);
		assert_null(g.rec[0].v[F_PERSON_SEX]);
		assert_null(g.rec[0].v[F_PERSON_BIRTH]);
		got_free(&g);
	}
}

/* xml-1.6: raw is the dossier, standalone, in the namespace. */
static void
test_raw(void **state)
{
	struct thads_rec rec;
	struct thads_err err;
	struct thads_rd *rd;
	struct thads_xml *x;
	const char *raw;
	xmlDocPtr doc;
	xmlNodePtr root;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(thads_rd_open(put("doc.xml", good), &rd, &err), 0);
	assert_int_equal(thads_xml_open(rd, NULL, &x, &err), 0);
	assert_string_equal(thads_xml_raw(x), "");
	assert_int_equal(thads_xml_dossier(x), 0);
	assert_int_equal(thads_xml_next(x, &rec, &err), 1);
	raw = thads_xml_raw(x);
	assert_non_null(strstr(raw, "<name>Đặng Văn Ân</name>"));
	assert_non_null(strstr(raw, "<extra name=\"NOTE\">A &amp; B &lt;x&gt;"
	    "</extra>"));
	assert_int_equal(strncmp(raw, "<dossier xmlns=\"urn:thads:"
	    "interchange:1\">", 41), 0);
	doc = xmlReadMemory(raw, (int)strlen(raw), "raw", NULL,
	    XML_PARSE_NONET);
	assert_non_null(doc);
	root = xmlDocGetRootElement(doc);
	assert_string_equal((const char *)root->name, "dossier");
	assert_string_equal((const char *)root->ns->href,
	    "urn:thads:interchange:1");
	xmlFreeDoc(doc);

	/* The same dossier for its second record, another for the third. */
	assert_int_equal(thads_xml_next(x, &rec, &err), 1);
	assert_non_null(strstr(thads_xml_raw(x), "Đặng"));
	assert_int_equal(thads_xml_dossier(x), 1);
	assert_int_equal(thads_xml_next(x, &rec, &err), 1);
	assert_null(strstr(thads_xml_raw(x), "Đặng"));
	assert_non_null(strstr(thads_xml_raw(x), "HS-2024-0002"));
	assert_int_equal(thads_xml_dossier(x), 2);
	assert_int_equal(thads_xml_next(x, &rec, &err), 0);
	assert_int_equal(thads_xml_next(x, &rec, &err), 0);
	thads_rec_clear(&rec);
	free(rec.extra);
	thads_xml_close(x);
	thads_rd_close(rd);
}

/* xml-1.7: testdata/xml/good-dossiers.xml, with the schema: each record
 * also passes thads_rec_validate(). */
static void
test_testdata_good(void **state)
{
	struct got g;
	int i;

	(void)state;
	readall("testdata/xml/good-dossiers.xml", XSD, &g);
	if (g.rc != 0)
		fail_msg("%s:%ld: %s", g.err.file, g.err.line, g.err.msg);
	assert_int_equal(g.n, 10);
	assert_int_equal(g.dossier[9], 3);
	for (i = 0; i < g.n; i++)
		if (thads_rec_validate(&g.rec[i], TODAY, &g.err) != 0)
			fail_msg("record %d: %s", i, g.err.msg);
	assert_string_equal(g.rec[2].v[F_JU_OFFENCE], "Trộm cắp tài sản");
	assert_string_equal(g.rec[3].v[F_PERSON_NAME], "Nguyễn Thị Bích Ngọc");
	assert_string_equal(extra(&g.rec[1], "TOP_CHARGE"), "Điều 173");
	got_free(&g);
}

/* xml-1.8: a zstd-compressed input reads the same. */
static void
test_zst(void **state)
{
	size_t cap = ZSTD_compressBound(sizeof(good)), n;
	void *z = malloc(cap);
	struct got g;

	(void)state;
	assert_non_null(z);
	n = ZSTD_compress(z, cap, good, sizeof(good) - 1, 3);
	assert_false(ZSTD_isError(n));
	writefile(tpath("doc.xml.zst"), z, n);
	free(z);
	readall(tpath("doc.xml.zst"), XSD, &g);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(g.rec[0].v[F_PERSON_NAME], "Đặng Văn Ân");
	assert_int_equal(g.rec[1].line, 16);
	assert_string_equal(g.rec[1].file, tpath("doc.xml.zst"));
	got_free(&g);
}

/* xml-1.9: lines past 65535 (where libxml2 keeps 16 bits) stay right. */
static void
test_big_lines(void **state)
{
	struct str b = { 0 };
	struct got g;
	long i;

	(void)state;
	add(&b, HEAD "<dossier>\n<person><id>HS-1</id></person>\n");
	for (i = 0; i < 70000; i++)
		add(&b, "\n");
	/* Lines 70005, 70006 (and 70007), 70008, then 70011 and 70015. */
	add(&b, "<episode><facility>A</facility></episode>\n");
	add(&b, "<episode>\n<facility>B</facility></episode>\n");
	add(&b, "<episode/>\n</dossier>\n");
	add(&b, "<dossier>\n<person><id>HS-2</id></person>\n");
	add(&b, "</dossier>\n<dossier><person>\n<id>HS-3</id>\n");
	add(&b, "</person><violation><kind>x</kind></violation>\n");
	add(&b, "</dossier></thads>\n");
	readstr(b.s, NULL, &g);
	free(b.s);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 5);
	assert_int_equal(g.rec[0].line, 70005);
	assert_int_equal(g.rec[1].line, 70006);
	assert_int_equal(g.rec[2].line, 70008);
	assert_int_equal(g.rec[3].line, 70011);
	assert_int_equal(g.rec[4].line, 70015);
	got_free(&g);
}

/* xml-2.1: an unknown element is refused with its name and line. */
static void
test_unknown(void **state)
{
	struct got g;

	(void)state;
	readstr(HEAD "<dossier><person><id>X</id></person>\n"
	    "<episode>\n<facility>A</facility>\n<foo>1</foo>\n</episode>"
	    "</dossier></thads>\n", NULL, &g);
	expect_edata(&g, 6, "unknown element <foo> in <episode>");
	got_free(&g);

	readstr(HEAD "<dossier><person><id>X</id></person>\n<prisoner/>"
	    "</dossier></thads>\n", NULL, &g);
	expect_edata(&g, 4, "unknown element <prisoner> in <dossier>");
	got_free(&g);

	readstr(HEAD "<person/></thads>\n", NULL, &g);
	expect_edata(&g, 3, "unknown element <person> in <thads>");
	got_free(&g);

	/* An element of another namespace is unknown, whatever its name. */
	readstr(ONE("<id xmlns=\"urn:other\">X</id>"), NULL, &g);
	expect_edata(&g, 4, "unknown element <id> in <person>");
	got_free(&g);

	readall("testdata/xml/bad-unknown-element.xml", NULL, &g);
	assert_int_equal(g.rc, THADS_EDATA);
	assert_int_equal(g.err.line, 11);
	assert_string_equal(g.err.msg, "unknown element <cell> in <episode>");
	got_free(&g);
}

/* xml-2.2: the root must be <thads version="1"> in the namespace. */
static void
test_root(void **state)
{
	struct got g;

	(void)state;
	readstr("<thads version=\"1\"/>", NULL, &g);
	expect_edata(&g, 1, "not in namespace urn:thads:interchange:1");
	got_free(&g);

	readstr("<x:thads xmlns:x=\"urn:thads:interchange:2\" version=\"1\"/>",
	    NULL, &g);
	expect_edata(&g, 1, "not in namespace");
	got_free(&g);

	readstr("\n<records xmlns=\"urn:thads:interchange:1\"/>", NULL, &g);
	expect_edata(&g, 2, "root element is <records>, not <thads>");
	got_free(&g);

	readstr("<thads xmlns=\"urn:thads:interchange:1\"/>", NULL, &g);
	expect_edata(&g, 1, "no version attribute");
	got_free(&g);

	readstr("<thads xmlns=\"urn:thads:interchange:1\" version=\"2\"/>",
	    NULL, &g);
	expect_edata(&g, 1, "version '2' not supported");
	got_free(&g);

	/* An empty document of the right kind has no records. */
	readstr("<thads xmlns=\"urn:thads:interchange:1\" version=\"1\"/>",
	    XSD, &g);
	assert_int_equal(g.rc, 0);
	assert_int_equal(g.n, 0);
	got_free(&g);
}

/* xml-2.3: a truncated document is refused, after what came whole. */
static void
test_truncated(void **state)
{
	char *half = strndup(good, strstr(good, "<status>serving") - good);
	struct got g;

	(void)state;
	readstr(half, NULL, &g);
	free(half);
	expect_edata(&g, 16, "input ends inside <episode>: truncated");
	assert_true(g.n <= 1);
	got_free(&g);

	readstr("", NULL, &g);
	expect_edata(&g, 1, "the input is empty");
	got_free(&g);

	/* Junk after the root is not a truncation. */
	readstr(HEAD "</thads>\n<thads/>", NULL, &g);
	expect_edata(&g, 4, "Extra content at the end of the document");
	got_free(&g);
}

/* xml-2.4: <person> comes first and once; a dossier needs one. */
static void
test_person_rules(void **state)
{
	struct got g;

	(void)state;
	readstr(HEAD "<dossier>\n<episode/><person/></dossier></thads>",
	    NULL, &g);
	expect_edata(&g, 4, "<person> must be the first child");
	got_free(&g);

	readstr(HEAD "<dossier><person/>\n<person/></dossier></thads>",
	    NULL, &g);
	expect_edata(&g, 4, "more than one <person>");
	got_free(&g);

	readstr(HEAD "<dossier/></thads>", NULL, &g);
	expect_edata(&g, 3, "<dossier> has no <person>");
	got_free(&g);

	readstr(HEAD "<dossier>\n</dossier></thads>", NULL, &g);
	expect_edata(&g, 3, "<dossier> has no <person>");
	got_free(&g);
}

/* xml-2.5: a field given twice, or text between elements, is refused. */
static void
test_duplicate(void **state)
{
	struct got g;

	(void)state;
	readstr(ONE("<id>A</id>\n<id>B</id>"), NULL, &g);
	expect_edata(&g, 5, "duplicate <id> in <person>");
	got_free(&g);

	readstr(ONE("<id>A</id>\nstray"), NULL, &g);
	expect_edata(&g, 0, "unexpected text in <person>");
	got_free(&g);
}

/* xml-2.6: an error ends the stream: later calls repeat it. */
static void
test_sticky(void **state)
{
	struct thads_rec rec;
	struct thads_err err, err2;
	struct thads_rd *rd;
	struct thads_xml *x;

	(void)state;
	memset(&rec, 0, sizeof(rec));
	put("doc.xml", HEAD "<dossier><person><id>A</id></person></dossier>"
	    "\n<dossier><person><bad/></person></dossier>"
	    "<dossier><person><id>C</id></person></dossier></thads>");
	assert_int_equal(thads_rd_open(tpath("doc.xml"), &rd, &err), 0);
	assert_int_equal(thads_xml_open(rd, NULL, &x, &err), 0);
	assert_int_equal(thads_xml_next(x, &rec, &err), 1);
	assert_int_equal(thads_xml_next(x, &rec, &err), THADS_EDATA);
	assert_null(rec.v[F_PERSON_ID]);
	assert_non_null(strstr(thads_xml_raw(x), "<bad/>"));
	assert_int_equal(thads_xml_next(x, &rec, &err2), THADS_EDATA);
	assert_string_equal(err.msg, err2.msg);
	assert_int_equal(err.line, err2.line);
	assert_int_equal(err.line, 4);
	free(rec.extra);
	thads_xml_close(x);
	thads_rd_close(rd);
}

/* xml-2.7: UTF-8 only; a lying declaration gets libxml2's message. */
static void
test_encoding(void **state)
{
	static const char utf16[] = "\xff\xfe<\0t\0/\0>\0";
	struct got g;

	(void)state;
	readstr(ONE("<id>A</id>\n<name>\xc9lise</name>"), NULL, &g);
	expect_edata(&g, 5, "cannot parse XML: Input is not proper UTF-8");
	got_free(&g);
	/* The same with the schema, which takes over libxml2's handlers. */
	readstr(ONE("<id>A</id>\n<name>\xc9lise</name>"), XSD, &g);
	expect_edata(&g, 5, "cannot parse XML: Input is not proper UTF-8");
	got_free(&g);

	readstr("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
	    "<thads xmlns=\"urn:thads:interchange:1\" version=\"1\"/>",
	    NULL, &g);
	expect_edata(&g, 1, "encoding 'ISO-8859-1' not accepted");
	got_free(&g);

	/* Declared UTF-16 over UTF-8 bytes: refused by name as well. */
	readstr("<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n"
	    "<thads xmlns=\"urn:thads:interchange:1\" version=\"1\"/>",
	    NULL, &g);
	expect_edata(&g, 1, "encoding 'UTF-16' not accepted");
	got_free(&g);

	writefile(tpath("doc.xml"), utf16, sizeof(utf16) - 1);
	readall(tpath("doc.xml"), NULL, &g);
	expect_edata(&g, 1, "not an XML document in UTF-8");
	got_free(&g);

	/* A byte order mark and the declaration are fine. */
	readstr("\xef\xbb\xbf<?xml version='1.0' encoding='utf-8'?>"
	    "<!-- <!DOCTYPE in a comment is only text -->\n"
	    "<thads xmlns=\"urn:thads:interchange:1\" version=\"1\"/>",
	    NULL, &g);
	assert_int_equal(g.rc, 0);
	got_free(&g);
}

/* xml-2.8: with the schema, a bad enumeration value is refused. */
static void
test_schema_violation(void **state)
{
	struct got g;

	(void)state;
	readstr(HEAD "<dossier>\n<person>\n<id>A</id>\n<sex>mail</sex>\n"
	    "</person></dossier></thads>\n", XSD, &g);
	expect_edata(&g, 6, "schema violation: ");
	assert_non_null(strstr(g.err.msg, "'mail'"));
	got_free(&g);

	/* Without it, the reader passes the value on to the validator. */
	readstr(HEAD "<dossier>\n<person>\n<id>A</id>\n<sex>mail</sex>\n"
	    "</person></dossier></thads>\n", NULL, &g);
	assert_int_equal(g.rc, 0);
	assert_int_equal(thads_rec_validate(&g.rec[0], TODAY, &g.err),
	    THADS_EDATA);
	got_free(&g);

	/* A schema that is missing is a configuration error. */
	readstr(good, "schema/no-such.xsd", &g);
	assert_int_equal(g.rc, THADS_ECONFIG);
	got_free(&g);
}

/* xml-3.1: a DOCTYPE with an external entity is refused, unread. */
static void
test_external_entity(void **state)
{
	struct str b = { 0 };
	struct got g;

	(void)state;
	readall("testdata/xml/bad-external-entity.xml", NULL, &g);
	assert_int_equal(g.rc, THADS_EDATA);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.err.line, 2);
	assert_string_equal(g.err.msg, "DOCTYPE not allowed");
	got_free(&g);

	/*
	 * The entity names a FIFO that nothing writes to: opening it to
	 * read would block, and the alarm would end the test.
	 */
	assert_int_equal(mkfifo(tpath("fifo"), 0600), 0);
	add(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE thads [\n<!ENTITY x "
	    "SYSTEM \"file://%s\">\n<!ENTITY %% p SYSTEM \"file://%s\">\n"
	    "%%p;\n]>\n", tpath("fifo"), tpath("fifo"));
	add(&b, "<thads xmlns=\"urn:thads:interchange:1\" version=\"1\">"
	    "<dossier><person><name>&x;</name></person></dossier></thads>\n");
	alarm(10);
	readstr(b.s, XSD, &g);
	alarm(0);
	free(b.s);
	expect_edata(&g, 2, "DOCTYPE not allowed");
	got_free(&g);
}

static double
now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static long
maxrss(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* xml-3.2: billion laughs is refused at once, memory flat. */
static void
test_entity_bomb(void **state)
{
	long rss = maxrss();
	double t = now();
	struct got g;

	(void)state;
	readall("testdata/xml/bad-entity-bomb.xml", XSD, &g);
	assert_true(now() - t < 2.0);
	assert_true(maxrss() - rss < 32 * 1024);
	assert_int_equal(g.rc, THADS_EDATA);
	assert_int_equal(g.err.line, 2);
	assert_string_equal(g.err.msg, "DOCTYPE not allowed");
	got_free(&g);
}

/* xml-3.3: a DOCTYPE is refused even without entities, any case. */
static void
test_plain_doctype(void **state)
{
	struct got g;

	(void)state;
	readstr("<!-- a comment -->\n<!DOCTYPE thads>\n"
	    "<thads xmlns=\"urn:thads:interchange:1\" version=\"1\"/>",
	    NULL, &g);
	expect_edata(&g, 2, "DOCTYPE not allowed");
	got_free(&g);

	readstr("<?xml version=\"1.0\"?><?pi x?>\n\n<!doctype thads "
	    "SYSTEM \"x.dtd\">\n<thads/>", NULL, &g);
	expect_edata(&g, 3, "DOCTYPE not allowed");
	got_free(&g);

	/* After the root a DOCTYPE is not well-formed: libxml2 says so. */
	readstr(HEAD "<!DOCTYPE thads>\n</thads>", NULL, &g);
	assert_int_equal(g.rc, THADS_EDATA);
	got_free(&g);
}

/* xml-3.4: XInclude is never processed: the element is unknown. */
static void
test_xinclude(void **state)
{
	struct got g;

	(void)state;
	readstr(HEAD "<dossier xmlns:xi=\"http://www.w3.org/2001/XInclude\">"
	    "\n<person><id>A</id></person>\n"
	    "<xi:include href=\"/etc/passwd\" parse=\"text\"/>\n"
	    "</dossier></thads>\n", NULL, &g);
	expect_edata(&g, 5, "unknown element <xi:include> in <dossier>");
	assert_null(strstr(g.err.msg, "root:"));
	got_free(&g);

	readstr(ONE("<id>A</id><name><xi:include xmlns:xi=\"http://www.w3."
	    "org/2001/XInclude\" href=\"/etc/hostname\" parse=\"text\"/>"
	    "</name>"), NULL, &g);
	expect_edata(&g, 4, "unknown element <xi:include> in <name>");
	got_free(&g);
}

/* xml-3.5: element nesting deeper than 16 is refused. */
static void
test_depth(void **state)
{
	struct str b = { 0 };
	struct got g;
	int i;

	(void)state;
	add(&b, HEAD "<dossier><person><id>A</id><name>\n");
	for (i = 0; i < 40; i++)
		add(&b, "<n>");
	for (i = 0; i < 40; i++)
		add(&b, "</n>");
	add(&b, "</name></person></dossier></thads>\n");
	readstr(b.s, NULL, &g);
	free(b.s);
	expect_edata(&g, 4, "element nesting deeper than 16");
	got_free(&g);
}

/* xml-3.6: a value longer than 1 MiB is refused. */
static void
test_long_value(void **state)
{
	size_t n = 1024 * 1024 + 1;
	struct str b = { 0 };
	struct got g;
	char *v = malloc(n + 1);

	(void)state;
	assert_non_null(v);
	memset(v, 'a', n);
	v[n] = '\0';
	add(&b, HEAD "<dossier><person><id>A</id>\n<name>%s</name>", v);
	add(&b, "</person></dossier></thads>\n");
	readstr(b.s, NULL, &g);
	expect_edata(&g, 0, "value longer than 1 MiB");
	got_free(&g);

	/* Split by a comment and CDATA, it is still one value. */
	v[n / 2] = '\0';
	b.len = 0;
	add(&b, HEAD "<dossier><person><name>%s<!-- -->", v);
	add(&b, "<![CDATA[%s]]>aa</name></person></dossier></thads>", v);
	readstr(b.s, NULL, &g);
	expect_edata(&g, 0, "value longer than 1 MiB");
	got_free(&g);
	free(b.s);
	free(v);
}

/* xml-3.7: a dossier of more than 10,000 children is refused. */
static void
test_children(void **state)
{
	struct str b = { 0 };
	struct got g;
	int i;

	(void)state;
	add(&b, HEAD "<dossier><person><id>A</id></person>\n");
	for (i = 0; i < 10000; i++)
		add(&b, "<violation/>");
	add(&b, "\n<violation/></dossier></thads>\n");
	readstr(b.s, NULL, &g);
	free(b.s);
	expect_edata(&g, 4, "more than 10000 children in <dossier>");
	got_free(&g);
}

/* xml-3.8: once a reader is open, libxml2 opens no entity file. */
static void
test_loader(void **state)
{
	static const char doc[] = "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
	    "<r>&x;</r>\n";
	xmlChar *text;
	xmlDocPtr d;
	struct got g;

	(void)state;
	readstr(good, NULL, &g);
	got_free(&g);

	/* Asked to substitute entities, libxml2 still gets nothing. */
	d = xmlReadMemory(doc, sizeof(doc) - 1, "r.xml", NULL,
	    XML_PARSE_NOENT | XML_PARSE_DTDLOAD);
	if (d != NULL) {
		text = xmlNodeGetContent(xmlDocGetRootElement(d));
		assert_true(text == NULL || strstr((char *)text, "root:") ==
		    NULL);
		xmlFree(text);
		xmlFreeDoc(d);
	}
	assert_null(xmlReadFile("/etc/passwd", NULL, 0));
}

/* xml-3.9: libxml2 prints nothing on stderr, whatever goes wrong. */
static void
test_quiet(void **state)
{
	struct stat st;
	struct got g;
	int fd, saved;

	(void)state;
	fflush(stderr);
	saved = dup(2);
	fd = open(tpath("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	readstr(HEAD "<dossier><person><id>A</i></person></dossier>", NULL,
	    &g);
	got_free(&g);
	readstr(HEAD "<dossier><person><sex>x</sex></person></dossier>"
	    "</thads>", XSD, &g);
	got_free(&g);
	readstr(ONE("<id>&undefined;</id>"), XSD, &g);
	got_free(&g);
	readstr(good, "testdata/xml/bad-unknown-element.xml", &g);
	got_free(&g);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	assert_int_equal(stat(tpath("stderr"), &st), 0);
	assert_int_equal(st.st_size, 0);
}

/* XPath over the schema, with "xs" bound. */
struct xsd {
	xmlDocPtr doc;
	xmlXPathContextPtr ctx;
};

static void
xsd_open(struct xsd *s)
{
	FILE *fp = fopen(XSD, "r");
	char *buf = malloc(1 << 20);
	size_t n;

	assert_non_null(fp);
	assert_non_null(buf);
	n = fread(buf, 1, 1 << 20, fp);
	fclose(fp);
	s->doc = xmlReadMemory(buf, (int)n, XSD, NULL, XML_PARSE_NONET);
	free(buf);
	assert_non_null(s->doc);
	s->ctx = xmlXPathNewContext(s->doc);
	assert_non_null(s->ctx);
	xmlXPathRegisterNs(s->ctx, BAD_CAST "xs",
	    BAD_CAST "http://www.w3.org/2001/XMLSchema");
}

static void
xsd_close(struct xsd *s)
{
	xmlXPathFreeContext(s->ctx);
	xmlFreeDoc(s->doc);
}

/* The string value of an XPath expression, in a static buffer. */
static const char *
xstr(struct xsd *s, const char *fmt, ...)
{
	static char out[256];
	xmlXPathObjectPtr o;
	char expr[512];
	xmlChar *v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(expr, sizeof(expr), fmt, ap);
	va_end(ap);
	o = xmlXPathEvalExpression(BAD_CAST expr, s->ctx);
	assert_non_null(o);
	v = xmlXPathCastToString(o);
	snprintf(out, sizeof(out), "%s", v ? (char *)v : "");
	xmlFree(v);
	xmlXPathFreeObject(o);
	return out;
}

/* The named type t: of the element name inside complex type ct. */
static const char *
eltype(struct xsd *s, const char *ct, const char *name)
{
	const char *t = xstr(s, "string(/xs:schema/xs:complexType[@name="
	    "'%s']//xs:element[@name='%s']/@type)", ct, name);

	return strncmp(t, "t:", 2) == 0 ? t + 2 : t;
}

static long
facet(struct xsd *s, const char *type, const char *name)
{
	return strtol(xstr(s, "string(/xs:schema/xs:simpleType[@name='%s']"
	    "//xs:%s/@value)", type, name), NULL, 10);
}

/* Check the simple type of field fd against the table. */
static void
check_ftype(struct xsd *s, const struct thads_field *fd, const char *t)
{
	static const char *const prefix[] = { "text", "code", "natid", "date",
	    "datetime", "int", "", "list" };
	const char *const *v;
	char want[32];
	int n = 0;

	snprintf(want, sizeof(want), "%s%ld", prefix[fd->type], fd->max);
	if (fd->type == THADS_T_NATID || fd->type == THADS_T_DATE ||
	    fd->type == THADS_T_DATETIME)
		snprintf(want, sizeof(want), "%s", prefix[fd->type]);
	if (fd->type != THADS_T_ENUM && strcmp(t, want) != 0)
		fail_msg("%s: schema type '%s', want '%s'", fd->name, t, want);
	if (fd->type == THADS_T_TEXT || fd->type == THADS_T_LIST ||
	    fd->type == THADS_T_CODE)
		assert_int_equal(facet(s, t, "maxLength"), fd->max);
	if (fd->type == THADS_T_INT)
		assert_int_equal(facet(s, t, "maxInclusive"), fd->max);
	if (fd->type != THADS_T_ENUM)
		return;
	for (v = fd->values; *v != NULL; v++, n++)
		if (strcmp(xstr(s, "count(/xs:schema/xs:simpleType[@name='%s']"
		    "//xs:enumeration[@value='%s'])", t, *v), "1") != 0)
			fail_msg("%s: '%s' missing from schema type '%s'",
			    fd->name, *v, t);
	if (strtol(xstr(s, "count(/xs:schema/xs:simpleType[@name='%s']"
	    "//xs:enumeration)", t), NULL, 10) != n)
		fail_msg("%s: schema type '%s' has values that fields.c has "
		    "not", fd->name, t);
}

/* xml-4.1: every field of the table is in the schema, inside its
 * kind, with its type, bounds and values. */
static void
test_xsd_fields(void **state)
{
	const struct thads_field *fd;
	char kt[64], t[64];
	struct xsd s;
	int f;

	(void)state;
	xsd_open(&s);
	for (f = 0; f < F_COUNT; f++) {
		fd = thads_field(f);
		snprintf(kt, sizeof(kt), "%s", eltype(&s, "dossierType",
		    thads_kind_name(fd->kind)));
		if (kt[0] == '\0')
			fail_msg("%s: no <%s> in the schema's dossierType",
			    fd->name, thads_kind_name(fd->kind));
		snprintf(t, sizeof(t), "%s", eltype(&s, kt,
		    strchr(fd->name, '.') + 1));
		if (t[0] == '\0')
			fail_msg("%s: no element <%s> in schema type %s",
			    fd->name, strchr(fd->name, '.') + 1, kt);
		check_ftype(&s, fd, t);
	}
	xsd_close(&s);
}

/* xml-4.2: and the schema holds nothing that the table has not. */
static void
test_xsd_nothing_else(void **state)
{
	struct xsd s;
	long n, want;
	char kt[64];
	int k, f;

	(void)state;
	xsd_open(&s);
	assert_string_equal(xstr(&s, "count(/xs:schema/xs:complexType[@name="
	    "'dossierType']//xs:element)"), "8");
	for (k = 0; k < THADS_K_COUNT; k++) {
		snprintf(kt, sizeof(kt), "%s", eltype(&s, "dossierType",
		    thads_kind_name(k)));
		for (want = k == THADS_K_EPISODE, f = 0; f < F_COUNT; f++)
			want += thads_field(f)->kind == (enum thads_kind)k;
		n = strtol(xstr(&s, "count(/xs:schema/xs:complexType[@name="
		    "'%s']//xs:element)", kt), NULL, 10);
		if (n != want)
			fail_msg("schema type %s: %ld elements, fields.c has "
			    "%ld", kt, n, want);
	}
	xsd_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_episodes),
		cmocka_unit_test(test_lone_person),
		cmocka_unit_test(test_extras),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_raw),
		cmocka_unit_test(test_testdata_good),
		cmocka_unit_test(test_zst),
		cmocka_unit_test(test_big_lines),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_person_rules),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_encoding),
		cmocka_unit_test(test_schema_violation),
		cmocka_unit_test(test_external_entity),
		cmocka_unit_test(test_entity_bomb),
		cmocka_unit_test(test_plain_doctype),
		cmocka_unit_test(test_xinclude),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_long_value),
		cmocka_unit_test(test_children),
		cmocka_unit_test(test_loader),
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_xsd_fields),
		cmocka_unit_test(test_xsd_nothing_else),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
