/*
 * test_zio.c: unit tests for lib/zio.c, the plain and zstd streams.
 * Inputs are made in a temporary directory from byte strings; zstd
 * data is made with libzstd.
 */
#define _GNU_SOURCE		/* nftw() */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "unit.h"

#include "thads.h"
#include "zio.h"

static char tmpdir[] = "/tmp/thads-zio-XXXXXX";

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

/* Compress src into a fresh buffer, one frame with a checksum. */
static unsigned char *
zcompress(const void *src, size_t len, size_t *outlen)
{
	ZSTD_CCtx *cctx = ZSTD_createCCtx();
	size_t cap = ZSTD_compressBound(len), n;
	unsigned char *dst = malloc(cap);

	assert_non_null(cctx);
	assert_non_null(dst);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);
	n = ZSTD_compress2(cctx, dst, cap, src, len);
	assert_false(ZSTD_isError(n));
	ZSTD_freeCCtx(cctx);
	*outlen = n;
	return dst;
}

/*
 * Read all of path with reads of at most chunk bytes into a malloc'ed
 * buffer.  Returns the final code (0 at a clean end) and fills *out and
 * *outlen with what was read before it.
 */
static int
slurp(const char *path, size_t chunk, char **out, size_t *outlen,
    struct thads_err *err)
{
	struct thads_rd *r;
	size_t len = 0, cap = 1024;
	char *buf = malloc(cap);
	long n;
	int rc;

	assert_non_null(buf);
	*out = NULL;
	*outlen = 0;
	if ((rc = thads_rd_open(path, &r, err)) != 0) {
		free(buf);
		return rc;
	}
	for (;;) {
		if (cap - len < chunk) {
			cap = cap * 2 + chunk;
			assert_non_null(buf = realloc(buf, cap));
		}
		if ((n = thads_rd_read(r, buf + len, chunk, err)) <= 0)
			break;
		len += (size_t)n;
	}
	thads_rd_close(r);
	*out = buf;
	*outlen = len;
	return (int)n;
}

static void
expect_content(const char *path, const char *want, size_t wantlen)
{
	struct thads_err err;
	size_t len;
	char *got;

	thads_clearerr(&err);
	assert_int_equal(slurp(path, 65536, &got, &len, &err), 0);
	assert_int_equal(len, wantlen);
	assert_memory_equal(got, want, wantlen);
	free(got);
}

/* zio-1.1: a plain file reads back as is, with size and progress. */
static void
test_plain_read(void **state)
{
	static const char data[] = "id,name\n1,An\n";
	struct thads_err err;
	struct thads_rd *r;
	char buf[64];
	size_t len = 3;
	long n;

	(void)state;
	writefile(tpath("plain.csv"), data, sizeof(data) - 1);
	assert_int_equal(thads_rd_open(tpath("plain.csv"), &r, &err), 0);
	assert_string_equal(thads_rd_name(r), tpath("plain.csv"));
	assert_int_equal(thads_rd_size(r), sizeof(data) - 1);
	assert_int_equal(thads_rd_read(r, buf, 3, &err), 3);
	assert_memory_equal(buf, "id,", 3);

	/* Reads may come short (the sniffed bytes are replayed first). */
	while ((n = thads_rd_read(r, buf + len, sizeof(buf) - len, &err)) > 0)
		len += (size_t)n;
	assert_int_equal(n, 0);
	assert_int_equal(len, sizeof(data) - 1);
	assert_memory_equal(buf, data, len);
	assert_int_equal(thads_rd_consumed(r), sizeof(data) - 1);
	thads_rd_close(r);
}

/* zio-1.2: a .zst file is decompressed; size is the on-disk size. */
static void
test_zst_read(void **state)
{
	static const char data[] = "id,name\n1,Nguyễn\n2,Trần\n";
	struct thads_err err;
	struct thads_rd *r;
	unsigned char *z;
	size_t zlen;
	char buf[128];

	(void)state;
	z = zcompress(data, sizeof(data) - 1, &zlen);
	writefile(tpath("a.csv.zst"), z, zlen);
	expect_content(tpath("a.csv.zst"), data, sizeof(data) - 1);

	assert_int_equal(thads_rd_open(tpath("a.csv.zst"), &r, &err), 0);
	assert_int_equal(thads_rd_size(r), (long long)zlen);
	while (thads_rd_read(r, buf, sizeof(buf), &err) > 0)
		continue;
	assert_int_equal(thads_rd_consumed(r), (long long)zlen);
	thads_rd_close(r);
	free(z);
}

/* zio-1.3: zstd data under a name without .zst is sniffed. */
static void
test_zst_sniff(void **state)
{
	static const char data[] = "a,b\n";
	unsigned char *z;
	size_t zlen;

	(void)state;
	z = zcompress(data, sizeof(data) - 1, &zlen);
	writefile(tpath("sniffed.csv"), z, zlen);
	expect_content(tpath("sniffed.csv"), data, sizeof(data) - 1);
	free(z);
}

/* zio-1.4: concatenated frames with a skippable frame between them. */
static void
test_zst_concat(void **state)
{
	static const unsigned char skip[] = {
		0x53, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 'x', 'y', 'z'
	};
	unsigned char *z1, *z2, *all;
	size_t n1, n2, n;

	(void)state;
	z1 = zcompress("first\n", 6, &n1);
	z2 = zcompress("second\n", 7, &n2);
	n = n1 + sizeof(skip) + n2 + sizeof(skip);
	assert_non_null(all = malloc(n));
	memcpy(all, z1, n1);
	memcpy(all + n1, skip, sizeof(skip));
	memcpy(all + n1 + sizeof(skip), z2, n2);
	memcpy(all + n1 + sizeof(skip) + n2, skip, sizeof(skip));
	writefile(tpath("cat.zst"), all, n);
	expect_content(tpath("cat.zst"), "first\nsecond\n", 13);

	/* A file that starts with a skippable frame is sniffed too. */
	writefile(tpath("skipfirst"), all + n1, n - n1);
	expect_content(tpath("skipfirst"), "second\n", 7);
	free(z1);
	free(z2);
	free(all);
}

/*
 * zio-1.5: every cut of a small frame fails cleanly as data error:
 * never a success, never a crash.  Under a .zst name the short cuts
 * fail on the magic; under another name the cuts past the magic fail.
 */
static void
test_zst_truncated(void **state)
{
	static const char data[] = "id,name,dob\n1,An,2000-01-01\n";
	struct thads_err err;
	unsigned char *z;
	size_t zlen, cut, len;
	char *got;

	(void)state;
	z = zcompress(data, sizeof(data) - 1, &zlen);
	for (cut = 0; cut < zlen; cut++) {
		writefile(tpath("cut.zst"), z, cut);
		thads_clearerr(&err);
		assert_int_equal(slurp(tpath("cut.zst"), 5, &got, &len, &err),
		    THADS_EDATA);
		assert_string_equal(err.file, tpath("cut.zst"));
		if (cut >= 4)
			assert_non_null(strstr(err.msg,
			    "truncated zstd stream"));
		free(got);

		if (cut < 4)
			continue;
		writefile(tpath("cut.bin"), z, cut);
		assert_int_equal(slurp(tpath("cut.bin"), 4096, &got, &len,
		    &err), THADS_EDATA);
		free(got);
	}
	free(z);
}

/* zio-1.6: a .zst name whose data is not zstd is refused by name. */
static void
test_zst_badmagic(void **state)
{
	struct thads_err err;
	struct thads_rd *r = (struct thads_rd *)&err;

	(void)state;
	writefile(tpath("fake.csv.zst"), "id,name\n", 8);
	thads_clearerr(&err);
	assert_int_equal(thads_rd_open(tpath("fake.csv.zst"), &r, &err),
	    THADS_EDATA);
	assert_null(r);
	assert_non_null(strstr(err.msg, tpath("fake.csv.zst")));
	assert_non_null(strstr(err.msg, "not in zstd format"));
	assert_string_equal(err.file, tpath("fake.csv.zst"));
}

/* zio-1.7: a checksum mismatch is a data error, and it sticks. */
static void
test_zst_checksum(void **state)
{
	static const char data[] = "checksummed data\n";
	struct thads_err err;
	struct thads_rd *r;
	char buf[64];
	unsigned char *z;
	size_t zlen, len;
	char *got;

	(void)state;
	z = zcompress(data, sizeof(data) - 1, &zlen);
	z[zlen - 1] ^= 0x55;	/* the last byte is the checksum's */
	writefile(tpath("sum.zst"), z, zlen);
	assert_int_equal(slurp(tpath("sum.zst"), 4096, &got, &len, &err),
	    THADS_EDATA);
	assert_non_null(strstr(err.msg, "checksum"));
	free(got);

	/* The error sticks. */
	assert_int_equal(thads_rd_open(tpath("sum.zst"), &r, &err), 0);
	while (thads_rd_read(r, buf, sizeof(buf), &err) > 0)
		continue;
	thads_clearerr(&err);
	assert_int_equal(thads_rd_read(r, buf, sizeof(buf), &err),
	    THADS_EDATA);
	assert_non_null(strstr(err.msg, "checksum"));
	thads_rd_close(r);
	free(z);
}

/* zio-1.8: a missing file and a directory cannot be opened. */
static void
test_missing(void **state)
{
	struct thads_err err;
	struct thads_rd *r;

	(void)state;
	assert_int_equal(thads_rd_open(tpath("nope.csv"), &r, &err),
	    THADS_ENOINPUT);
	assert_null(r);
	assert_non_null(strstr(err.msg, strerror(ENOENT)));
	assert_non_null(strstr(err.msg, tpath("nope.csv")));
	assert_string_equal(err.file, tpath("nope.csv"));

	assert_int_equal(thads_rd_open(tmpdir, &r, &err), THADS_ENOINPUT);
	assert_int_equal(thads_rd_open("", &r, &err), THADS_EUSAGE);
}

/*
 * zio-1.9: a frame whose header asks for a 1 GiB window is refused; the
 * same frame asking for 128 MiB is read.  The frames are made by hand:
 * magic, a descriptor byte of 0, a window byte (exponent << 3, for
 * windowLog = 10 + exponent), then one last raw block of one byte.
 */
static void
test_zst_window(void **state)
{
	unsigned char frame[] = {
		0x28, 0xb5, 0x2f, 0xfd, 0x00, 20 << 3, 0x09, 0x00, 0x00, 'x'
	};
	struct thads_err err;
	size_t len;
	char *got;

	(void)state;
	writefile(tpath("huge.zst"), frame, sizeof(frame));
	assert_int_equal(slurp(tpath("huge.zst"), 4096, &got, &len, &err),
	    THADS_EDATA);
	assert_non_null(strstr(err.msg, "window"));
	free(got);

	frame[5] = 17 << 3;
	writefile(tpath("big.zst"), frame, sizeof(frame));
	expect_content(tpath("big.zst"), "x", 1);
}

/* zio-1.10: zstd data on a pipe as standard input is sniffed. */
static void
test_stdin_pipe(void **state)
{
	static const char data[] = "from,a,pipe\n";
	struct thads_err err;
	struct thads_rd *r;
	unsigned char *z;
	size_t zlen;
	int fds[2], saved;
	char buf[64];

	(void)state;
	z = zcompress(data, sizeof(data) - 1, &zlen);
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], z, zlen), (ssize_t)zlen);
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);

	assert_int_equal(thads_rd_open("-", &r, &err), 0);
	assert_string_equal(thads_rd_name(r), "(stdin)");
	assert_int_equal(thads_rd_size(r), -1);
	assert_int_equal(thads_rd_read(r, buf, sizeof(buf), &err),
	    sizeof(data) - 1);
	assert_memory_equal(buf, data, sizeof(data) - 1);
	assert_int_equal(thads_rd_read(r, buf, sizeof(buf), &err), 0);
	thads_rd_close(r);

	dup2(saved, STDIN_FILENO);
	close(saved);
	free(z);
}

/* zio-1.11: bytes after a frame that are no frame are an error. */
static void
test_zst_trailing(void **state)
{
	struct thads_err err;
	unsigned char *z, *all;
	size_t zlen, len;
	char *got;

	(void)state;
	z = zcompress("ok\n", 3, &zlen);
	assert_non_null(all = malloc(zlen + 8));
	memcpy(all, z, zlen);
	memcpy(all + zlen, "garbage!", 8);
	writefile(tpath("trail.zst"), all, zlen + 8);
	assert_int_equal(slurp(tpath("trail.zst"), 4096, &got, &len, &err),
	    THADS_EDATA);
	assert_string_equal(err.file, tpath("trail.zst"));
	free(got);
	free(all);
	free(z);
}

/* zio-1.12: a large stream read a few bytes at a time comes back whole. */
static void
test_zst_smallreads(void **state)
{
	size_t n = 3 * 1024 * 1024 + 17, i, zlen, len;
	struct thads_err err;
	unsigned char *z;
	char *data, *got;

	(void)state;
	assert_non_null(data = malloc(n));
	for (i = 0; i < n; i++)
		data[i] = (char)('a' + (i * 7 + i / 1000) % 26);
	z = zcompress(data, n, &zlen);
	writefile(tpath("large.zst"), z, zlen);
	assert_int_equal(slurp(tpath("large.zst"), 7, &got, &len, &err), 0);
	assert_int_equal(len, n);
	assert_memory_equal(got, data, n);
	free(got);
	assert_int_equal(slurp(tpath("large.zst"), 1 << 20, &got, &len,
	    &err), 0);
	assert_int_equal(len, n);
	assert_memory_equal(got, data, n);
	free(got);
	free(z);
	free(data);
}

static mode_t
modeof(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 07777;
}

/* zio-2.1: the plain writer, including a long printf, reads back. */
static void
test_write_plain(void **state)
{
	struct thads_err err;
	struct thads_wr *w;
	char *big, *want;
	size_t n = 100000, wl;

	(void)state;
	assert_non_null(big = malloc(n + 1));
	memset(big, 'q', n);
	big[n] = '\0';
	assert_int_equal(thads_wr_open(tpath("out.txt"), 0, &w, &err), 0);
	assert_string_equal(thads_wr_name(w), tpath("out.txt"));
	assert_int_equal(thads_wr_write(w, "head\n", 5, &err), 0);
	assert_int_equal(thads_wr_printf(w, &err, "%d:%s\n", 42, big), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);

	wl = 5 + 3 + n + 1;
	assert_non_null(want = malloc(wl));
	memcpy(want, "head\n42:", 8);
	memcpy(want + 8, big, n);
	want[wl - 1] = '\n';
	expect_content(tpath("out.txt"), want, wl);
	free(want);
	free(big);
}

/* zio-2.2: the .zst writer makes one frame with a checksum. */
static void
test_write_zst(void **state)
{
	struct thads_err err;
	struct thads_wr *w;
	unsigned char head[32];
	size_t i;
	int fd;

	(void)state;
	assert_int_equal(thads_wr_open(tpath("out.csv.zst"), 0, &w, &err),
	    0);
	for (i = 0; i < 20000; i++)
		assert_int_equal(thads_wr_printf(w, &err, "%zu,row\n", i), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);

	assert_true((fd = open(tpath("out.csv.zst"), O_RDONLY)) >= 0);
	assert_true(read(fd, head, sizeof(head)) > 4);
	close(fd);
	assert_memory_equal(head, "\x28\xb5\x2f\xfd", 4);
	assert_true(head[4] & 0x04);	/* Content_Checksum_flag */

	assert_int_equal(thads_wr_open(tpath("short.zst"), 0, &w, &err), 0);
	assert_int_equal(thads_wr_write(w, "a;b\r\n", 5, &err), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);
	expect_content(tpath("short.zst"), "a;b\r\n", 5);
}

/* zio-2.3: new files are 0600 even under umask 000, and so is a file
 * replaced with FORCE. */
static void
test_write_mode(void **state)
{
	struct thads_err err;
	struct thads_wr *w;
	mode_t old;

	(void)state;
	old = umask(0);
	assert_int_equal(thads_wr_open(tpath("m.csv"), 0, &w, &err), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);
	assert_int_equal(modeof(tpath("m.csv")), 0600);
	assert_int_equal(thads_wr_open(tpath("m.csv.zst"), 0, &w, &err), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);
	assert_int_equal(modeof(tpath("m.csv.zst")), 0600);

	writefile(tpath("open.csv"), "x", 1);
	assert_int_equal(chmod(tpath("open.csv"), 0666), 0);
	assert_int_equal(thads_wr_open(tpath("open.csv"), THADS_WR_FORCE, &w,
	    &err), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);
	assert_int_equal(modeof(tpath("open.csv")), 0600);
	umask(old);
}

/* zio-2.4: an existing file is kept unless FORCE is given. */
static void
test_write_exists(void **state)
{
	struct thads_err err;
	struct thads_wr *w = (struct thads_wr *)&err;

	(void)state;
	writefile(tpath("keep.csv"), "precious", 8);
	assert_int_equal(thads_wr_open(tpath("keep.csv"), 0, &w, &err),
	    THADS_ECANTCREAT);
	assert_null(w);
	assert_non_null(strstr(err.msg, "exists (use --force)"));
	assert_non_null(strstr(err.msg, tpath("keep.csv")));
	expect_content(tpath("keep.csv"), "precious", 8);

	assert_int_equal(thads_wr_open(tpath("keep.csv"), THADS_WR_FORCE, &w,
	    &err), 0);
	assert_int_equal(thads_wr_write(w, "new", 3, &err), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);
	expect_content(tpath("keep.csv"), "new", 3);
}

/* zio-2.5: NOFOLLOW refuses a symlink even with FORCE; without it the
 * link is followed. */
static void
test_write_nofollow(void **state)
{
	struct thads_err err;
	struct thads_wr *w;

	(void)state;
	writefile(tpath("target.csv"), "t", 1);
	assert_int_equal(symlink(tpath("target.csv"), tpath("link.csv")), 0);
	assert_int_equal(thads_wr_open(tpath("link.csv"),
	    THADS_WR_FORCE | THADS_WR_NOFOLLOW, &w, &err), THADS_ECANTCREAT);
	assert_non_null(strstr(err.msg, "symbolic link"));
	assert_int_equal(thads_wr_open(tpath("link.csv"), THADS_WR_NOFOLLOW,
	    &w, &err), THADS_ECANTCREAT);
	expect_content(tpath("target.csv"), "t", 1);

	assert_int_equal(thads_wr_open(tpath("link.csv"), THADS_WR_FORCE, &w,
	    &err), 0);
	assert_int_equal(thads_wr_write(w, "via", 3, &err), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);
	expect_content(tpath("target.csv"), "via", 3);
}

/* zio-2.6: ENOSPC is reported as THADS_EIO with the file name, and the
 * error sticks. */
static void
test_write_enospc(void **state)
{
	char big[100000];
	struct thads_err err;
	struct thads_wr *w;

	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	memset(big, 'x', sizeof(big));
	assert_int_equal(thads_wr_open("/dev/full", THADS_WR_FORCE, &w, &err),
	    0);
	assert_int_equal(thads_wr_write(w, big, sizeof(big), &err),
	    THADS_EIO);
	assert_int_equal(thads_wr_write(w, "y", 1, &err), THADS_EIO);
	thads_clearerr(&err);
	assert_int_equal(thads_wr_close(w, &err), THADS_EIO);
	assert_non_null(strstr(err.msg, "/dev/full"));
	assert_non_null(strstr(err.msg, strerror(ENOSPC)));
	assert_string_equal(err.file, "/dev/full");

	/* A small write fails only when the buffer is flushed. */
	assert_int_equal(thads_wr_open("/dev/full", THADS_WR_FORCE, &w, &err),
	    0);
	assert_int_equal(thads_wr_write(w, "y", 1, &err), 0);
	assert_int_equal(thads_wr_close(w, &err), THADS_EIO);
	assert_non_null(strstr(err.msg, strerror(ENOSPC)));
}

/* A pipe whose reader went away is THADS_EPIPE on "-", not THADS_EIO,
 * so that a tool stops quietly (SIGPIPE ignored, as the tools do). */
static void
test_write_epipe(void **state)
{
	char big[100000];
	struct thads_err err;
	struct thads_wr *w;
	int p[2], saved;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	memset(big, 'x', sizeof(big));
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	saved = dup(1);
	assert_int_equal(dup2(p[1], 1), 1);
	close(p[1]);
	assert_int_equal(thads_wr_open("-", 0, &w, &err), 0);
	assert_int_equal(thads_wr_write(w, big, sizeof(big), &err),
	    THADS_EPIPE);
	thads_clearerr(&err);
	assert_int_equal(thads_wr_close(w, &err), THADS_EPIPE);
	assert_int_equal(err.code, THADS_EPIPE);
	assert_int_equal(dup2(saved, 1), 1);
	close(saved);
}

/* zio-2.7: "-" writes to standard output and leaves it open. */
static void
test_write_stdout(void **state)
{
	struct thads_err err;
	struct thads_wr *w;
	int fd, saved;

	(void)state;
	fd = open(tpath("stdout.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	close(fd);

	assert_int_equal(thads_wr_open("-", 0, &w, &err), 0);
	assert_string_equal(thads_wr_name(w), "(stdout)");
	assert_int_equal(thads_wr_write(w, "out\n", 4, &err), 0);
	assert_int_equal(thads_wr_close(w, &err), 0);
	assert_true(fcntl(STDOUT_FILENO, F_GETFD) != -1);

	dup2(saved, STDOUT_FILENO);
	close(saved);
	expect_content(tpath("stdout.txt"), "out\n", 4);
}

/* zio-2.8: bad arguments are usage errors. */
static void
test_write_usage(void **state)
{
	struct thads_err err;
	struct thads_wr *w;

	(void)state;
	assert_int_equal(thads_wr_open("", 0, &w, &err), THADS_EUSAGE);
	assert_int_equal(thads_wr_open(tpath("u.csv"), 0x100, &w, &err),
	    THADS_EUSAGE);
	assert_int_equal(access(tpath("u.csv"), F_OK), -1);
	assert_int_equal(thads_wr_close(NULL, &err), 0);
	thads_rd_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_read),
		cmocka_unit_test(test_zst_read),
		cmocka_unit_test(test_zst_sniff),
		cmocka_unit_test(test_zst_concat),
		cmocka_unit_test(test_zst_truncated),
		cmocka_unit_test(test_zst_badmagic),
		cmocka_unit_test(test_zst_checksum),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_zst_window),
		cmocka_unit_test(test_stdin_pipe),
		cmocka_unit_test(test_zst_trailing),
		cmocka_unit_test(test_zst_smallreads),
		cmocka_unit_test(test_write_plain),
		cmocka_unit_test(test_write_zst),
		cmocka_unit_test(test_write_mode),
		cmocka_unit_test(test_write_exists),
		cmocka_unit_test(test_write_nofollow),
		cmocka_unit_test(test_write_enospc),
		cmocka_unit_test(test_write_epipe),
		cmocka_unit_test(test_write_stdout),
		cmocka_unit_test(test_write_usage),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
