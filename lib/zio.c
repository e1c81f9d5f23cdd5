/*
 * zio.c: byte streams on read(2) and write(2), zstd-compressed or not.
 * See zio.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "paths.h"
#include "thads.h"
#include "zio.h"

/*
 * Frames that need a window over 2^27 bytes (128 MiB) are refused: the
 * window is what the decoder allocates, and the frame header chooses
 * it.  zstd's own command line uses the same default limit.
 */
#define ZIO_WINDOWLOG_MAX	27

#define ZIO_WBUFSZ		(64 * 1024)

#define ZSTD_MAGIC		0xFD2FB528U
#define ZSTD_SKIP_MAGIC		0x184D2A50U	/* low four bits are free */
#define ZSTD_SKIP_MASK		0xFFFFFFF0U

struct thads_rd {
	int	 fd;
	int	 ownfd;		/* fd is ours to close (not stdin) */
	char	*name;
	long long size;		/* on-disk size, -1 if not a regular file */
	long long consumed;	/* raw bytes read from fd */
	ZSTD_DCtx *dctx;	/* NULL for a plain stream */
	unsigned char *in;	/* raw bytes read ahead of the decoder */
	size_t	 incap;
	size_t	 inpos;
	size_t	 inlen;
	int	 midframe;	/* inside a frame: EOF now is truncation */
	int	 flushing;	/* the decoder may hold more output */
	int	 failed;	/* first read error, sticky */
	struct thads_err ferr;	/* its detail */
	unsigned char *back;	/* bytes pushed back by thads_rd_unread() */
	size_t	 backpos;
	size_t	 backlen;
	long	(*idle)(void *);	/* see thads_rd_set_idle() */
	void	*idlectx;
};

struct thads_wr {
	int	 fd;
	int	 ownfd;		/* fd is ours to close (not stdout) */
	int	 isreg;		/* a regular file: fsync it at the end */
	char	*name;
	ZSTD_CCtx *cctx;	/* NULL for a plain stream */
	unsigned char *buf;	/* bytes not yet written or compressed */
	size_t	 len;
	unsigned char *zbuf;	/* compressed output, cctx only */
	size_t	 zcap;
	int	 failed;	/* first error, sticky */
	struct thads_err ferr;	/* its detail */
	/* THADS_WR_ATOMIC: the file written, renamed over target at the
	   end; tmp is freed and NULL once renamed. */
	char	*tmp, *target;
	int	 flags;
};

static int
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && memcmp(s + n - m, suffix, m) == 0;
}

static int
iszstd(const unsigned char *p, size_t n)
{
	uint32_t magic;

	if (n < 4)
		return 0;
	magic = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
	return magic == ZSTD_MAGIC ||
	    (magic & ZSTD_SKIP_MASK) == ZSTD_SKIP_MAGIC;
}

/*
 * read(2) that retries on EINTR and counts what it got.  Returns the
 * byte count, 0 at EOF or THADS_EIO.
 */
/*
 * Before a read of a pipe that would block: while nothing comes, run
 * the idle hook each time it asks to be woken.
 */
static void
wait_input(struct thads_rd *r)
{
	struct pollfd pfd;
	long ms;

	if (r->idle == NULL || r->size >= 0)
		return;
	pfd.fd = r->fd;
	pfd.events = POLLIN;
	for (;;) {
		if (poll(&pfd, 1, 0) != 0)
			return;		/* input, its end, or an error */
		if ((ms = r->idle(r->idlectx)) < 0)
			return;
		if (poll(&pfd, 1, ms > 86400000 ? 86400000 : (int)ms) != 0)
			return;
	}
}

static long
rawread(struct thads_rd *r, void *buf, size_t len, struct thads_err *err)
{
	ssize_t n;

	wait_input(r);
	do
		n = read(r->fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return thads_seterr(err, THADS_EIO, r->name, 0,
		    "cannot read '%s': %s", r->name, strerror(errno));
	r->consumed += n;
	return (long)n;
}

static int
rd_openfd(struct thads_rd *r, const char *path, struct thads_err *err)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		r->fd = STDIN_FILENO;
	else if ((r->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return thads_seterr(err, THADS_ENOINPUT, r->name, 0,
		    "cannot open '%s': %s", r->name, strerror(errno));
	else
		r->ownfd = 1;

	if (fstat(r->fd, &st) == -1)
		return thads_seterr(err, THADS_ENOINPUT, r->name, 0,
		    "cannot open '%s': %s", r->name, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return thads_seterr(err, THADS_ENOINPUT, r->name, 0,
		    "cannot open '%s': %s", r->name, strerror(EISDIR));
	r->size = S_ISREG(st.st_mode) ? (long long)st.st_size : -1;
	return 0;
}

/*
 * Read the first four bytes (fewer only at EOF) into the read-ahead
 * buffer, where plain reads replay them, and set up a decoder if they
 * are a zstd magic.
 */
static int
rd_sniff(struct thads_rd *r, const char *path, struct thads_err *err)
{
	long n;

	r->incap = ZSTD_DStreamInSize();
	if ((r->in = malloc(r->incap)) == NULL)
		return thads_seterr(err, THADS_ENOMEM, r->name, 0,
		    "out of memory");
	while (r->inlen < 4) {
		if ((n = rawread(r, r->in + r->inlen, 4 - r->inlen, err)) < 0)
			return (int)n;
		if (n == 0)
			break;
		r->inlen += (size_t)n;
	}

	if (!iszstd(r->in, r->inlen)) {
		if (endswith(path, ".zst"))
			return thads_seterr(err, THADS_EDATA, r->name, 0,
			    "cannot read '%s': not in zstd format", r->name);
		return 0;
	}
	if ((r->dctx = ZSTD_createDCtx()) == NULL)
		return thads_seterr(err, THADS_ENOMEM, r->name, 0,
		    "out of memory");
	if (ZSTD_isError(ZSTD_DCtx_setParameter(r->dctx,
	    ZSTD_d_windowLogMax, ZIO_WINDOWLOG_MAX)))
		return thads_seterr(err, THADS_ELIB, r->name, 0,
		    "cannot set the zstd window limit");
	return 0;
}

int
thads_rd_open(const char *path, struct thads_rd **out,
    struct thads_err *err)
{
	struct thads_rd *r;
	int rc;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "no input file name");
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, path, 0,
		    "out of memory");
	r->fd = -1;
	r->size = -1;
	r->name = strdup(strcmp(path, "-") == 0 ? "(stdin)" : path);
	if (r->name == NULL) {
		free(r);
		return thads_seterr(err, THADS_ENOMEM, path, 0,
		    "out of memory");
	}

	if ((rc = rd_openfd(r, path, err)) != 0 ||
	    (rc = rd_sniff(r, path, err)) != 0) {
		thads_rd_close(r);
		return rc;
	}
	*out = r;
	return 0;
}

static long
plainread(struct thads_rd *r, void *buf, size_t len, struct thads_err *err)
{
	size_t n;

	if (r->inpos < r->inlen) {
		n = r->inlen - r->inpos < len ? r->inlen - r->inpos : len;
		memcpy(buf, r->in + r->inpos, n);
		r->inpos += n;
		return (long)n;
	}
	return rawread(r, buf, len, err);
}

static int
zerror(struct thads_rd *r, size_t ret, struct thads_err *err)
{
	const char *why;

	switch (ZSTD_getErrorCode(ret)) {
	case ZSTD_error_checksum_wrong:
		why = "zstd checksum mismatch";
		break;
	case ZSTD_error_frameParameter_windowTooLarge:
		why = "zstd frame needs a window over 128 MiB";
		break;
	case ZSTD_error_memory_allocation:
		return thads_seterr(err, THADS_ENOMEM, r->name, 0,
		    "out of memory");
	default:
		why = ZSTD_getErrorName(ret);
		break;
	}
	return thads_seterr(err, THADS_EDATA, r->name, 0,
	    "cannot read '%s': %s", r->name, why);
}

/*
 * Run the decoder until it yields at least one byte.  Input is read
 * only when the decoder has used all it had and has nothing left to
 * flush, so that no byte waits behind a blocking read on a pipe.
 */
static long
zread(struct thads_rd *r, void *buf, size_t len, struct thads_err *err)
{
	ZSTD_outBuffer out = { buf, len, 0 };
	ZSTD_inBuffer in;
	size_t ret;
	long n;

	while (out.pos == 0) {
		if (r->inpos == r->inlen && !r->flushing) {
			if ((n = rawread(r, r->in, r->incap, err)) < 0)
				return n;
			if (n == 0 && r->midframe)
				return thads_seterr(err, THADS_EDATA, r->name,
				    0, "cannot read '%s': truncated zstd "
				    "stream", r->name);
			if (n == 0)
				return 0;
			r->inpos = 0;
			r->inlen = (size_t)n;
		}

		in.src = r->in;
		in.size = r->inlen;
		in.pos = r->inpos;
		ret = ZSTD_decompressStream(r->dctx, &out, &in);
		r->inpos = in.pos;
		if (ZSTD_isError(ret))
			return zerror(r, ret, err);
		r->midframe = ret != 0;
		r->flushing = out.pos == out.size;
	}
	return (long)out.pos;
}

/* A read error sticks: the decoder cannot go on after one anyway. */
long
thads_rd_read(struct thads_rd *r, void *buf, size_t len,
    struct thads_err *err)
{
	long n;

	if (!r->failed && len == 0)
		return 0;
	if (!r->failed && r->backpos < r->backlen) {
		n = (long)(r->backlen - r->backpos < len ? r->backlen -
		    r->backpos : len);
		memcpy(buf, r->back + r->backpos, (size_t)n);
		r->backpos += (size_t)n;
		return n;
	}
	if (!r->failed) {
		n = r->dctx != NULL ? zread(r, buf, len, &r->ferr) :
		    plainread(r, buf, len, &r->ferr);
		if (n >= 0)
			return n;
		r->failed = (int)n;
	}
	if (err != NULL)
		*err = r->ferr;
	return r->failed;
}

int
thads_rd_unread(struct thads_rd *r, const void *buf, size_t len,
    struct thads_err *err)
{
	size_t left = r->backlen - r->backpos;
	unsigned char *b;

	if (len == 0)
		return 0;
	if ((b = malloc(len + left)) == NULL)
		return thads_seterr(err, THADS_ENOMEM, r->name, 0,
		    "out of memory");
	memcpy(b, buf, len);
	if (left > 0)
		memcpy(b + len, r->back + r->backpos, left);
	free(r->back);
	r->back = b;
	r->backpos = 0;
	r->backlen = len + left;
	return 0;
}

void
thads_rd_set_idle(struct thads_rd *r, long (*fn)(void *), void *ctx)
{
	r->idle = fn;
	r->idlectx = ctx;
}

const char *
thads_rd_name(const struct thads_rd *r)
{
	return r->name;
}

long long
thads_rd_size(const struct thads_rd *r)
{
	return r->size;
}

long long
thads_rd_consumed(const struct thads_rd *r)
{
	return r->consumed;
}

void
thads_rd_close(struct thads_rd *r)
{
	if (r == NULL)
		return;
	if (r->ownfd && r->fd != -1)
		close(r->fd);
	ZSTD_freeDCtx(r->dctx);
	free(r->in);
	free(r->back);
	free(r->name);
	free(r);
}

/* Hand back the writer's first error again. */
static int
wresend(struct thads_wr *w, struct thads_err *err)
{
	if (err != NULL)
		*err = w->ferr;
	return w->failed;
}

/* Record the writer's first error, "what 'name': why", and return it. */
static int
wfail(struct thads_wr *w, int code, struct thads_err *err,
    const char *what, const char *why)
{
	if (!w->failed) {
		w->failed = code;
		thads_seterr(&w->ferr, code, w->name, 0, "%s '%s': %s", what,
		    w->name, why);
	}
	return wresend(w, err);
}

static void
wr_free(struct thads_wr *w)
{
	if (w->ownfd)
		close(w->fd);
	if (w->tmp != NULL)
		(void)unlink(w->tmp);	/* never renamed: not complete */
	free(w->tmp);
	free(w->target);
	ZSTD_freeCCtx(w->cctx);
	free(w->zbuf);
	free(w->buf);
	free(w->name);
	free(w);
}

static int
writeall(struct thads_wr *w, const unsigned char *p, size_t len,
    struct thads_err *err)
{
	ssize_t n;

	while (len > 0) {
		n = write(w->fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return wfail(w, errno == EPIPE ? THADS_EPIPE :
			    THADS_EIO, err, "cannot write", strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Hand len bytes at p to the compressor under mode, writing out what it
 * produces, until it has taken them all (ZSTD_e_continue) or has ended
 * the frame (ZSTD_e_end).
 */
static int
zwrite(struct thads_wr *w, const void *p, size_t len, ZSTD_EndDirective mode,
    struct thads_err *err)
{
	ZSTD_inBuffer in = { p, len, 0 };
	ZSTD_outBuffer out;
	size_t left;
	int rc;

	do {
		out.dst = w->zbuf;
		out.size = w->zcap;
		out.pos = 0;
		left = ZSTD_compressStream2(w->cctx, &out, &in, mode);
		if (ZSTD_isError(left))
			return wfail(w, THADS_ELIB, err, "cannot compress",
			    ZSTD_getErrorName(left));
		if ((rc = writeall(w, w->zbuf, out.pos, err)) != 0)
			return rc;
	} while (mode == ZSTD_e_end ? left != 0 : in.pos < in.size);
	return 0;
}

static int
flushbuf(struct thads_wr *w, ZSTD_EndDirective mode, struct thads_err *err)
{
	int rc;

	if (w->cctx != NULL)
		rc = zwrite(w, w->buf, w->len, mode, err);
	else
		rc = writeall(w, w->buf, w->len, err);
	w->len = 0;
	return rc;
}

static int
wr_setup(struct thads_wr *w, const char *path, struct thads_err *err)
{
	w->fd = -1;
	w->name = strdup(strcmp(path, "-") == 0 ? "(stdout)" : path);
	w->buf = malloc(ZIO_WBUFSZ);
	if (w->name == NULL || w->buf == NULL)
		return thads_seterr(err, THADS_ENOMEM, path, 0,
		    "out of memory");
	if (!endswith(path, ".zst"))
		return 0;

	w->zcap = ZSTD_CStreamOutSize();
	w->zbuf = malloc(w->zcap);
	if ((w->cctx = ZSTD_createCCtx()) == NULL || w->zbuf == NULL)
		return thads_seterr(err, THADS_ENOMEM, path, 0,
		    "out of memory");
	if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx,
	    ZSTD_c_checksumFlag, 1)))
		return thads_seterr(err, THADS_ELIB, path, 0,
		    "cannot set up zstd compression");
	return 0;
}

static int
createerr(const char *path, int flags, int errnum, struct thads_err *err)
{
	if (errnum == EEXIST)
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "'%s' exists (use --force)", path);
	if (errnum == ELOOP && (flags & THADS_WR_NOFOLLOW))
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot create '%s': it is a symbolic link", path);
	return thads_seterr(err, THADS_ECANTCREAT, path, 0,
	    "cannot create '%s': %s", path, strerror(errnum));
}

/*
 * May path be replaced under flags?  Not a symbolic link under
 * THADS_WR_NOFOLLOW (its target is never written), never anything but a
 * regular file (renaming over a device or a directory would replace
 * it), and an existing file only under THADS_WR_FORCE.
 */
static int
target_ok(const char *path, int flags, struct thads_err *err)
{
	struct stat st;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : createerr(path, 0, errno, err);
	if (S_ISLNK(st.st_mode) && (flags & THADS_WR_NOFOLLOW))
		return createerr(path, flags, ELOOP, err);
	if (!(flags & THADS_WR_FORCE))
		return createerr(path, flags, EEXIST, err);
	if (!S_ISREG(st.st_mode) && !S_ISLNK(st.st_mode))
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot replace '%s': not a regular file", path);
	return 0;
}

/* THADS_WR_ATOMIC: write a temporary file beside path. */
static int
wr_opentmp(struct thads_wr *w, const char *path, int flags,
    struct thads_err *err)
{
	char tmp[4200];
	int rc;

	if ((rc = target_ok(path, flags, err)) != 0 ||
	    (rc = thads_temp_beside(path, "", tmp, sizeof(tmp), &w->fd,
	    err)) != 0)
		return rc;
	w->ownfd = 1;
	w->isreg = 1;
	w->flags = flags;
	if ((w->tmp = strdup(tmp)) == NULL ||
	    (w->target = strdup(path)) == NULL)
		return thads_seterr(err, THADS_ENOMEM, path, 0,
		    "out of memory");
	return 0;
}

/*
 * Put the complete, synced temporary file in place of the target, and
 * sync the directory so that the rename itself survives a crash.
 */
static int
wr_commit(struct thads_wr *w, struct thads_err *err)
{
	char dir[4200];
	char *slash;
	int rc, dfd;

	if ((rc = target_ok(w->target, w->flags, err)) != 0)
		return rc;
	if (rename(w->tmp, w->target) == -1)
		return thads_seterr(err, THADS_ECANTCREAT, w->target, 0,
		    "cannot rename into place: %s", strerror(errno));
	free(w->tmp);
	w->tmp = NULL;
	snprintf(dir, sizeof(dir), "%s", w->target);
	if ((slash = strrchr(dir, '/')) == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		slash[slash == dir] = '\0';
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return 0;	/* the file is complete; only its name may lag */
	if (fsync(dfd) == -1 && errno != EINVAL)
		rc = thads_seterr(err, THADS_EIO, w->target, 0,
		    "cannot sync the directory: %s", strerror(errno));
	close(dfd);
	return rc;
}

/*
 * Open the file.  O_EXCL (without THADS_WR_FORCE) also refuses any
 * symlink, dangling or not.  The fchmod() matters for a file that
 * existed: open(2) only applies the mode to a file it creates.  Only
 * regular files are touched, never a device such as /dev/null.
 */
static int
wr_openfd(struct thads_wr *w, const char *path, int flags,
    struct thads_err *err)
{
	int oflags = O_WRONLY | O_CREAT | O_CLOEXEC;
	struct stat st;

	if (strcmp(path, "-") == 0)
		w->fd = STDOUT_FILENO;
	else if (flags & THADS_WR_ATOMIC)
		return wr_opentmp(w, path, flags, err);
	else {
		oflags |= (flags & THADS_WR_FORCE) ? O_TRUNC : O_EXCL;
		if (flags & THADS_WR_NOFOLLOW)
			oflags |= O_NOFOLLOW;
		if ((w->fd = open(path, oflags, 0600)) == -1)
			return createerr(path, flags, errno, err);
		w->ownfd = 1;
	}

	if (fstat(w->fd, &st) == -1)
		return createerr(w->name, 0, errno, err);
	w->isreg = S_ISREG(st.st_mode);
	if (w->ownfd && w->isreg && (st.st_mode & 07777) != 0600 &&
	    fchmod(w->fd, 0600) == -1)
		return createerr(path, 0, errno, err);
	return 0;
}

int
thads_wr_open(const char *path, int flags, struct thads_wr **out,
    struct thads_err *err)
{
	struct thads_wr *w;
	int rc;

	*out = NULL;
	if (path == NULL || *path == '\0')
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "no output file name");
	if (flags & ~(THADS_WR_FORCE | THADS_WR_NOFOLLOW | THADS_WR_ATOMIC))
		return thads_seterr(err, THADS_EUSAGE, path, 0,
		    "unknown writer flags %#x", (unsigned)flags);
	if ((w = calloc(1, sizeof(*w))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, path, 0,
		    "out of memory");

	if ((rc = wr_setup(w, path, err)) != 0 ||
	    (rc = wr_openfd(w, path, flags, err)) != 0) {
		wr_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

int
thads_wr_write(struct thads_wr *w, const void *buf, size_t len,
    struct thads_err *err)
{
	const unsigned char *p = buf;
	size_t n;
	int rc;

	if (w->failed)
		return wresend(w, err);
	while (len > 0) {
		if (w->len == ZIO_WBUFSZ &&
		    (rc = flushbuf(w, ZSTD_e_continue, err)) != 0)
			return rc;
		n = ZIO_WBUFSZ - w->len < len ? ZIO_WBUFSZ - w->len : len;
		memcpy(w->buf + w->len, p, n);
		w->len += n;
		p += n;
		len -= n;
	}
	return 0;
}

static int
wr_vprintf(struct thads_wr *w, struct thads_err *err, const char *fmt,
    va_list ap)
{
	char small[1024], *big;
	va_list aq;
	int n, rc;

	va_copy(aq, ap);
	n = vsnprintf(small, sizeof(small), fmt, aq);
	va_end(aq);
	if (n < 0)
		return thads_seterr(err, THADS_EUSAGE, w->name, 0,
		    "bad format '%s'", fmt);
	if ((size_t)n < sizeof(small))
		return thads_wr_write(w, small, (size_t)n, err);

	if ((big = malloc((size_t)n + 1)) == NULL)
		return thads_seterr(err, THADS_ENOMEM, w->name, 0,
		    "out of memory");
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	rc = thads_wr_write(w, big, (size_t)n, err);
	free(big);
	return rc;
}

int
thads_wr_printf(struct thads_wr *w, struct thads_err *err, const char *fmt,
    ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = wr_vprintf(w, err, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
thads_wr_name(const struct thads_wr *w)
{
	return w->name;
}

/*
 * fsync(2) fails with EINVAL on some special files that still count as
 * written (a pipe shows up as not regular, so it is never synced).
 */
static int
wr_finish(struct thads_wr *w, struct thads_err *err)
{
	int rc;

	if ((rc = flushbuf(w, ZSTD_e_end, err)) != 0)
		return rc;
	if (w->isreg && fsync(w->fd) == -1 && errno != EINVAL)
		return wfail(w, THADS_EIO, err, "cannot write",
		    strerror(errno));
	if (w->ownfd) {
		w->ownfd = 0;
		if (close(w->fd) == -1)
			return wfail(w, THADS_EIO, err, "cannot write",
			    strerror(errno));
	}
	return w->tmp != NULL ? wr_commit(w, err) : 0;
}

int
thads_wr_close(struct thads_wr *w, struct thads_err *err)
{
	int rc;

	if (w == NULL)
		return 0;
	rc = w->failed ? wresend(w, err) : wr_finish(w, err);
	wr_free(w);
	return rc;
}

void
thads_wr_abort(struct thads_wr *w)
{
	if (w != NULL)
		wr_free(w);
}
