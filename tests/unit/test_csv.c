/*
 * test_csv.c: unit tests for lib/csv.c, the CSV reader and writer.
 * Inputs are made in a temporary directory from byte strings.  Rows are
 * compared as text: "start-end:field|field|...\n" per record.
 */
#define _GNU_SOURCE		/* nftw() */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "unit.h"

#include "thads.h"
#include "csv.h"
#include "zio.h"

static char tmpdir[] = "/tmp/thads-csv-XXXXXX";

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

static const char *
tpath(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", tmpdir, name);
	return buf;
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

struct text {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

static void
addtext(struct text *t, const char *s, size_t len)
{
	if (t->cap - t->len < len + 1) {
		t->cap = (t->len + len + 1) * 2;
		assert_non_null(t->s = realloc(t->s, t->cap));
	}
	memcpy(t->s + t->len, s, len);
	t->len += len;
	t->s[t->len] = '\0';
}

/*
 * Read every record of path as text into *out (malloc'ed), with the
 * given delimiter, flags and field limit (0: default).  Returns the
 * last code of thads_csv_next(): 0 for a clean end.
 */
static int
dumpf(const char *path, int delim, unsigned flags, size_t maxfield,
    char **out, struct thads_err *err)
{
	struct text t = { NULL, 0, 0 };
	struct thads_rd *rd;
	struct thads_csv *c;
	struct thads_row row;
	char head[64];
	size_t i;
	int rc;

	addtext(&t, "", 0);
	assert_int_equal(thads_rd_open(path, &rd, err), 0);
	assert_int_equal(thads_csv_open(rd, delim, flags, &c, err), 0);
	if (maxfield > 0)
		thads_csv_set_max_field(c, maxfield);
	while ((rc = thads_csv_next(c, &row, err)) == 1) {
		snprintf(head, sizeof(head), "%ld-%ld:", row.line,
		    row.end_line);
		addtext(&t, head, strlen(head));
		for (i = 0; i < row.n; i++) {
			assert_int_equal(strlen(row.f[i]), row.len[i]);
			if (i > 0)
				addtext(&t, "|", 1);
			addtext(&t, row.f[i], row.len[i]);
		}
		addtext(&t, "\n", 1);
	}
	thads_csv_close(c);
	thads_rd_close(rd);
	*out = t.s;
	return rc;
}

/* Write data (len bytes) to a file and dump it. */
static int
dump(const void *data, size_t len, int delim, char **out,
    struct thads_err *err)
{
	writefile(tpath("in.csv"), data, len);
	return dumpf(tpath("in.csv"), delim, 0, 0, out, err);
}

/* Expect data to read cleanly as want. */
#define EXPECT_ROWS(data, delim, want) do {				\
	struct thads_err e_;						\
	char *got_;							\
	thads_clearerr(&e_);						\
	assert_int_equal(dump(data, sizeof(data) - 1, delim, &got_,	\
	    &e_), 0);							\
	assert_string_equal(got_, want);				\
	free(got_);							\
} while (0)

/* Expect data to fail with code at line wline with message wmsg, after
 * the records in want. */
#define EXPECT_FAIL(data, code, wline, wmsg, want) do {		\
	struct thads_err e_;						\
	char *got_;							\
	thads_clearerr(&e_);						\
	assert_int_equal(dump(data, sizeof(data) - 1, ',', &got_,	\
	    &e_), code);						\
	assert_string_equal(got_, want);				\
	assert_string_equal(e_.msg, wmsg);				\
	assert_int_equal(e_.line, wline);				\
	assert_string_equal(e_.file, tpath("in.csv"));			\
	free(got_);							\
} while (0)

/* csv-1.1: plain records; the last line may lack its newline. */
static void
test_basic(void **state)
{
	(void)state;
	EXPECT_ROWS("id,name\n1,An\n2,Binh", ',',
	    "1-1:id|name\n2-2:1|An\n3-3:2|Binh\n");
	EXPECT_ROWS("a,,c\n,\n", ',', "1-1:a||c\n2-2:|\n");
	EXPECT_ROWS("\"q,1\",\"say \"\"hi\"\"\",\"\"\n", ',',
	    "1-1:q,1|say \"hi\"|\n");
}

/* csv-1.2: an empty file, and a file of a BOM only, have no records. */
static void
test_empty(void **state)
{
	(void)state;
	EXPECT_ROWS("", ',', "");
	EXPECT_ROWS("\xef\xbb\xbf", ',', "");
	EXPECT_ROWS("\n\r\n\n", ',', "");
}

/* csv-1.3: a BOM at the very start is dropped, elsewhere it is data. */
static void
test_bom(void **state)
{
	(void)state;
	EXPECT_ROWS("\xef\xbb\xbfid,name\n1,\xef\xbb\xbfx\n", ',',
	    "1-1:id|name\n2-2:1|\xef\xbb\xbfx\n");
}

/* csv-1.4: CRLF line ends, after quoted and empty fields too; a CR
 * inside quotes or inside a field is data. */
static void
test_crlf(void **state)
{
	(void)state;
	EXPECT_ROWS("a,b\r\n\"c\",d\r\ne,\"f\"\r\ng,\r\n", ',',
	    "1-1:a|b\n2-2:c|d\n3-3:e|f\n4-4:g|\n");
	EXPECT_ROWS("\"x\ry\",a\rb\r\n", ',', "1-1:x\ry|a\rb\n");
	EXPECT_ROWS("a,b\r\nc,d", ',', "1-1:a|b\n2-2:c|d\n");
}

/* csv-1.5: a record with quoted newlines reports the line where it
 * starts and where it ends; skipped blank lines still count. */
static void
test_quoted_newline(void **state)
{
	(void)state;
	EXPECT_ROWS("h1,h2\n\"multi\nline\",x\n\nlast,\"a\r\nb\nc\"\r\nz,z\n",
	    ',',
	    "1-1:h1|h2\n2-3:multi\nline|x\n5-7:last|a\r\nb\nc\n8-8:z|z\n");
	EXPECT_ROWS("a,\"\n\",b\n", ',', "1-2:a|\n|b\n");
}

/* csv-1.6: semicolon and pipe delimiters; commas are then data. */
static void
test_semicolon(void **state)
{
	(void)state;
	EXPECT_ROWS("a;b,c;\"d;e\"\n", ';', "1-1:a|b,c|d;e\n");
	EXPECT_ROWS("a|b,c\n", '|', "1-1:a|b,c\n");
}

/* csv-1.7: tab delimiter; spaces are data. */
static void
test_tab(void **state)
{
	(void)state;
	EXPECT_ROWS("a\tb c\t\"d\te\"\n", '\t', "1-1:a|b c|d\te\n");
	EXPECT_ROWS("\t\n", '\t', "1-1:|\n");
}

/* csv-1.8: leading and trailing spaces and tabs are kept as data. */
static void
test_spaces(void **state)
{
	(void)state;
	EXPECT_ROWS("  a , b\t,\t\n \n", ',', "1-1:  a | b\t|\t\n2-2: \n");
}

/* csv-1.9: ragged records keep their own field counts. */
static void
test_ragged(void **state)
{
	(void)state;
	EXPECT_ROWS("a,b,c\nd\ne,f,g,h\n", ',',
	    "1-1:a|b|c\n2-2:d\n3-3:e|f|g|h\n");
}

/* csv-2.1: a NUL byte is refused with its line and byte; the records
 * before it come first. */
static void
test_nul(void **state)
{
	(void)state;
	EXPECT_FAIL("a,b\nc,d\nef,g\0h\n", THADS_EDATA, 3,
	    "NUL byte at byte 5", "1-1:a|b\n2-2:c|d\n");
	EXPECT_FAIL("\0", THADS_EDATA, 1, "NUL byte at byte 1", "");
	EXPECT_FAIL("\xef\xbb\xbf\0", THADS_EDATA, 1, "NUL byte at byte 4",
	    "");
}

/* csv-2.2: invalid UTF-8 is refused: a stray byte, overlong forms, a
 * surrogate, a code point past U+10FFFF, a sequence cut by the end. */
static void
test_bad_utf8(void **state)
{
	(void)state;
	EXPECT_FAIL("ok\nab\xff\n", THADS_EDATA, 2,
	    "invalid UTF-8 at byte 3", "1-1:ok\n");
	EXPECT_FAIL("x,\xc0\xaf\n", THADS_EDATA, 1,
	    "invalid UTF-8 at byte 3", "");
	EXPECT_FAIL("\xe0\x80\xaf\n", THADS_EDATA, 1,
	    "invalid UTF-8 at byte 1", "");
	EXPECT_FAIL("\xf0\x80\x80\xaf", THADS_EDATA, 1,
	    "invalid UTF-8 at byte 1", "");
	EXPECT_FAIL("a\n\"\xed\xa0\x80\"\n", THADS_EDATA, 2,
	    "invalid UTF-8 at byte 2", "1-1:a\n");
	EXPECT_FAIL("\xf4\x90\x80\x80\n", THADS_EDATA, 1,
	    "invalid UTF-8 at byte 1", "");
	EXPECT_FAIL("abc\xe1\xba", THADS_EDATA, 1,
	    "invalid UTF-8 at byte 4", "");
	EXPECT_FAIL("\"a\nb\",\xe1\n", THADS_EDATA, 2,
	    "invalid UTF-8 at byte 4", "");
}

/* csv-2.3: an unterminated quoted field at EOF names its first line. */
static void
test_unterminated(void **state)
{
	(void)state;
	EXPECT_FAIL("a,b\n\"x\ny\",\"open\nmore\n", THADS_EDATA, 3,
	    "unterminated quoted field starting at line 3", "1-1:a|b\n");
	EXPECT_FAIL("\"", THADS_EDATA, 1,
	    "unterminated quoted field starting at line 1", "");
	EXPECT_FAIL("\"ab\"\"", THADS_EDATA, 1,
	    "unterminated quoted field starting at line 1", "");
}

/* csv-2.4: libcsv's strict-mode errors: a quote in an unquoted field,
 * text after a closing quote. */
static void
test_strict(void **state)
{
	(void)state;
	EXPECT_FAIL("a,b\nc,d\"e\n", THADS_EDATA, 2,
	    "misplaced quote at byte 4 (a field with a quote in it must be "
	    "quoted whole, with the quote doubled)",
	    "1-1:a|b\n");
	EXPECT_FAIL("\"a\"b,c\n", THADS_EDATA, 1,
	    "misplaced quote at byte 4 (a field with a quote in it must be "
	    "quoted whole, with the quote doubled)",
	    "");
	EXPECT_FAIL("\"a\" ,c\n", THADS_EDATA, 1,
	    "misplaced quote at byte 4 (a field with a quote in it must be "
	    "quoted whole, with the quote doubled)",
	    "");
}

/* csv-2.5: a field over the limit fails, whether it ended or not; the
 * limit is per field, not per record. */
static void
test_field_limit(void **state)
{
	static const char data[] = "ok,1234567890\nx,12345678901\n";
	struct thads_err err;
	size_t n = 3 * 1024 * 1024, i;
	char *big, *got;

	(void)state;
	writefile(tpath("in.csv"), data, sizeof(data) - 1);
	assert_int_equal(dumpf(tpath("in.csv"), ',', 0, 9, &got, &err),
	    THADS_EDATA);
	assert_string_equal(got, "");
	assert_string_equal(err.msg, "field longer than 9 bytes");
	assert_int_equal(err.line, 1);
	free(got);
	assert_int_equal(dumpf(tpath("in.csv"), ',', 0, 10, &got, &err),
	    THADS_EDATA);
	assert_string_equal(got, "1-1:ok|1234567890\n");
	assert_int_equal(err.line, 2);
	free(got);
	assert_int_equal(dumpf(tpath("in.csv"), ',', 0, 11, &got, &err), 0);
	free(got);

	/* One unterminated quoted field of 3 MiB over many lines. */
	assert_non_null(big = malloc(n));
	big[0] = 'a';
	big[1] = ',';
	big[2] = '"';
	for (i = 3; i < n; i++)
		big[i] = i % 80 == 0 ? '\n' : 'z';
	writefile(tpath("in.csv"), big, n);
	assert_int_equal(dumpf(tpath("in.csv"), ',', 0, 1000000, &got, &err),
	    THADS_EDATA);
	assert_string_equal(err.msg, "field longer than 1000000 bytes");
	assert_int_equal(err.line, 1);
	free(got);
	free(big);
}

/* csv-2.6: an error sticks; bad arguments are usage errors. */
static void
test_sticky(void **state)
{
	struct thads_err err;
	struct thads_rd *rd;
	struct thads_csv *c;
	struct thads_row row;

	(void)state;
	writefile(tpath("in.csv"), "a\nb\xff\nc\n", 7);
	assert_int_equal(thads_rd_open(tpath("in.csv"), &rd, &err), 0);
	assert_int_equal(thads_csv_open(rd, '"', 0, &c, &err), THADS_EUSAGE);
	assert_int_equal(thads_csv_open(rd, '\n', 0, &c, &err),
	    THADS_EUSAGE);
	assert_int_equal(thads_csv_open(rd, 0xe9, 0, &c, &err),
	    THADS_EUSAGE);
	assert_int_equal(thads_csv_open(rd, ',', 0x80, &c, &err),
	    THADS_EUSAGE);
	assert_int_equal(thads_csv_open(rd, ',', 0, &c, &err), 0);
	assert_int_equal(thads_csv_next(c, &row, &err), 1);
	assert_int_equal(thads_csv_next(c, &row, &err), THADS_EDATA);
	thads_clearerr(&err);
	assert_int_equal(thads_csv_next(c, &row, &err), THADS_EDATA);
	assert_string_equal(err.msg, "invalid UTF-8 at byte 2");
	assert_int_equal(thads_csv_line(c), 2);
	thads_csv_close(c);
	thads_rd_close(rd);
	thads_csv_close(NULL);
}

/* csv-3.1: fields are NFC-normalised: decomposed Vietnamese becomes
 * precomposed; THADS_CSV_NONFC keeps the bytes. */
static void
test_nfc(void **state)
{
	static const char data[] =
	    "Nguye\xcc\x82\xcc\x83n,Nguy\xc3\xaa\xcc\x83n\n";
	struct thads_err err;
	char *got;

	(void)state;
	EXPECT_ROWS(data, ',', "1-1:Nguy\xe1\xbb\x85n|Nguy\xe1\xbb\x85n\n");
	assert_int_equal(dumpf(tpath("in.csv"), ',', THADS_CSV_NONFC, 0,
	    &got, &err), 0);
	assert_string_equal(got, "1-1:" "Nguye\xcc\x82\xcc\x83n|"
	    "Nguy\xc3\xaa\xcc\x83n\n");
	free(got);
}

/*
 * csv-3.2: chunk boundaries.  A field of 3-byte characters longer than
 * three 64 KiB reads has characters cut by the reads, which is no
 * error.  A field whose decomposed letter lies in its first chunk and
 * whose end lies in an all-ASCII chunk is still normalised.
 */
static void
test_chunks(void **state)
{
	size_t k = 80000, n = 1 + 3 * k + 2, i;
	struct thads_err err;
	char *data, *got;

	(void)state;
	assert_non_null(data = malloc(n));
	data[0] = '"';
	for (i = 0; i < k; i++)
		memcpy(data + 1 + 3 * i, "\xe1\xbb\x85", 3);
	memcpy(data + n - 2, "\"\n", 2);
	writefile(tpath("in.csv"), data, n);
	assert_int_equal(dumpf(tpath("in.csv"), ',', 0, 0, &got, &err), 0);
	assert_int_equal(strlen(got), 4 + 3 * k + 1);
	assert_memory_equal(got + 4, data + 1, 3 * k);
	free(got);

	n = 1 + 5 + 150000 + 2;
	data[0] = '"';
	memcpy(data + 1, "e\xcc\x82\xcc\x83", 5);
	memset(data + 6, 'a', 150000);
	memcpy(data + n - 2, "\"\n", 2);
	writefile(tpath("in.csv"), data, n);
	assert_int_equal(dumpf(tpath("in.csv"), ',', 0, 0, &got, &err), 0);
	assert_int_equal(strlen(got), 4 + 3 + 150000 + 1);
	assert_memory_equal(got, "1-1:\xe1\xbb\x85" "aaa", 10);
	free(got);
	free(data);
}

/* csv-3.3: a .zst input is read through zio, as is a sniffed one. */
static void
test_zst(void **state)
{
	static const char data[] =
	    "\xef\xbb\xbfid;name\r\n7;\"Tr\xe1\xba\xa7n\"\r\n";
	struct thads_err err;
	size_t cap = ZSTD_compressBound(sizeof(data)), n;
	char *z, *got;

	(void)state;
	assert_non_null(z = malloc(cap));
	n = ZSTD_compress(z, cap, data, sizeof(data) - 1, 3);
	assert_false(ZSTD_isError(n));
	writefile(tpath("in.csv.zst"), z, n);
	assert_int_equal(dumpf(tpath("in.csv.zst"), ';', 0, 0, &got, &err),
	    0);
	assert_string_equal(got, "1-1:id|name\n2-2:7|Tr\xe1\xba\xa7n\n");
	free(got);

	writefile(tpath("in.csv"), z, n - 1);
	assert_int_equal(dumpf(tpath("in.csv"), ';', 0, 0, &got, &err),
	    THADS_EDATA);
	assert_non_null(strstr(err.msg, "truncated zstd stream"));
	free(got);
	free(z);
}

/* csv-3.4: input that trickles through a pipe one byte at a time. */
static void
test_trickle(void **state)
{
	static const char data[] = "\xef\xbb\xbf\"a\nb\",\xe1\xbb\x85\r\nc,d";
	struct thads_err err;
	int fds[2], saved, status;
	char *got;
	size_t i;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	if ((pid = fork()) == 0) {
		close(fds[0]);
		for (i = 0; i < sizeof(data) - 1; i++) {
			if (write(fds[1], data + i, 1) != 1)
				_exit(1);
			usleep(2000);
		}
		_exit(0);
	}
	assert_true(pid > 0);
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);

	assert_int_equal(dumpf("-", ',', 0, 0, &got, &err), 0);
	assert_string_equal(got, "1-2:a\nb|\xe1\xbb\x85\n3-3:c|d\n");
	free(got);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(status, 0);
	dup2(saved, STDIN_FILENO);
	close(saved);
}

static char *
readback(const char *path, size_t *len)
{
	struct thads_err err;
	struct thads_rd *rd;
	static char buf[4096];
	long n;

	*len = 0;
	assert_int_equal(thads_rd_open(path, &rd, &err), 0);
	while ((n = thads_rd_read(rd, buf + *len, sizeof(buf) - 1 - *len,
	    &err)) > 0)
		*len += (size_t)n;
	assert_int_equal(n, 0);
	buf[*len] = '\0';
	thads_rd_close(rd);
	return buf;
}

/* Write rows (fields separated by '|' in the spec, rows by '\n') to a
 * fresh file with the given writer settings. */
static void
writerows(const char *path, int delim, unsigned flags,
    const char *const *rows, size_t nrows)
{
	struct thads_err err;
	struct thads_wr *w;
	struct thads_csvw *cw;
	size_t i;

	unlink(path);
	assert_int_equal(thads_wr_open(path, 0, &w, &err), 0);
	assert_int_equal(thads_csvw_open(w, delim, flags, &cw), 0);
	for (i = 0; i < nrows; i++) {
		const char *s = rows[i], *bar;

		while ((bar = strchr(s, '|')) != NULL) {
			assert_int_equal(thads_csvw_field(cw, s,
			    (size_t)(bar - s)), 0);
			s = bar + 1;
		}
		assert_int_equal(thads_csvw_field(cw, s, strlen(s)), 0);
		assert_int_equal(thads_csvw_end_row(cw), 0);
	}
	assert_int_equal(thads_csvw_close(cw, &err), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);
}

/* csv-4.1: RFC 4180 output: CRLF, quoting where needed, doubled quotes;
 * it reads back as written, line numbers included. */
static void
test_write_roundtrip(void **state)
{
	static const char *const rows[] = {
		"id|name|note",
		"1|Nguy\xe1\xbb\x85n| two  spaces ",
		"2|say \"hi\"|a,b",
		"3|multi\r\nline|",
		"||",
	};
	struct thads_err err;
	size_t len;
	char *got;

	(void)state;
	writerows(tpath("out.csv"), ',', 0, rows, 5);
	assert_string_equal(readback(tpath("out.csv"), &len),
	    "id,name,note\r\n"
	    "1,Nguy\xe1\xbb\x85n, two  spaces \r\n"
	    "2,\"say \"\"hi\"\"\",\"a,b\"\r\n"
	    "3,\"multi\r\nline\",\r\n"
	    ",,\r\n");
	assert_int_equal(dumpf(tpath("out.csv"), ',', 0, 0, &got, &err), 0);
	assert_string_equal(got, "1-1:id|name|note\n"
	    "2-2:1|Nguy\xe1\xbb\x85n| two  spaces \n"
	    "3-3:2|say \"hi\"|a,b\n"
	    "4-5:3|multi\r\nline|\n"
	    "6-6:||\n");
	free(got);
}

/* csv-4.2: LF line ends and a semicolon delimiter; a row of one empty
 * field is written as "" so that it is not skipped on reading. */
static void
test_write_lf(void **state)
{
	static const char *const rows[] = { "a;b|c,d", "", "x" };
	struct thads_err err;
	size_t len;
	char *got;

	(void)state;
	writerows(tpath("out.csv"), ';', THADS_CSVW_LF, rows, 3);
	assert_string_equal(readback(tpath("out.csv"), &len),
	    "\"a;b\";c,d\n\"\"\nx\n");
	assert_int_equal(dumpf(tpath("out.csv"), ';', 0, 0, &got, &err), 0);
	assert_string_equal(got, "1-1:a;b|c,d\n2-2:\n3-3:x\n");
	free(got);
}

/* csv-4.3: TSV escapes tab, CR, LF and backslash, quotes nothing, ends
 * rows with LF. */
static void
test_write_tsv(void **state)
{
	static const char *const rows[] = { "a\tb|c\r\nd|e\\f|\"q\"" };
	size_t len;

	(void)state;
	writerows(tpath("out.tsv"), ',', THADS_CSVW_TSV, rows, 1);
	assert_string_equal(readback(tpath("out.tsv"), &len),
	    "a\\tb\tc\\r\\nd\te\\\\f\t\"q\"\n");
}

/* csv-4.4: the writer to a .zst file; a row left open is ended by
 * close; bad arguments are usage errors. */
static void
test_write_zst(void **state)
{
	struct thads_err err;
	struct thads_wr *w;
	struct thads_csvw *cw;
	char *got;

	(void)state;
	assert_int_equal(thads_wr_open(tpath("out.csv.zst"), 0, &w, &err),
	    0);
	assert_int_equal(thads_csvw_open(w, '"', 0, &cw), THADS_EUSAGE);
	assert_int_equal(thads_csvw_open(w, ',', 0x100, &cw), THADS_EUSAGE);
	assert_int_equal(thads_csvw_open(w, ',', 0, &cw), 0);
	assert_int_equal(thads_csvw_field(cw, "k", 1), 0);
	assert_int_equal(thads_csvw_field(cw, "v\"", 2), 0);
	assert_int_equal(thads_csvw_close(cw, &err), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);
	assert_int_equal(dumpf(tpath("out.csv.zst"), ',', 0, 0, &got, &err),
	    0);
	assert_string_equal(got, "1-1:k|v\"\n");
	free(got);
	assert_int_equal(thads_csvw_close(NULL, &err), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_quoted_newline),
		cmocka_unit_test(test_semicolon),
		cmocka_unit_test(test_tab),
		cmocka_unit_test(test_spaces),
		cmocka_unit_test(test_ragged),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_unterminated),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_field_limit),
		cmocka_unit_test(test_sticky),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_zst),
		cmocka_unit_test(test_trickle),
		cmocka_unit_test(test_write_roundtrip),
		cmocka_unit_test(test_write_lf),
		cmocka_unit_test(test_write_tsv),
		cmocka_unit_test(test_write_zst),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
