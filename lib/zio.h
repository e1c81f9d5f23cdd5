/*
 * zio.h: reading and writing byte streams that may be zstd-compressed,
 * with read(2) and write(2) and no stdio.
 *
 * A reader hands back the bytes of a file or of standard input ("-"),
 * decompressing them on the fly when the name ends in ".zst" or when
 * the data starts with a zstd frame (the first four bytes are sniffed
 * and then replayed, so a compressed pipe works too).  Concatenated
 * frames and skippable frames are accepted.  The decoder never holds
 * the whole file: it streams, and it refuses frames that need a window
 * over 128 MiB, so a hostile header cannot force a huge allocation.
 *
 * A writer creates a file with mode 0600, or uses standard output for
 * "-", and compresses what it is given when the name ends in ".zst"
 * (one frame, with a checksum).
 *
 * Errors fill a struct thads_err: err->file is the stream's name
 * ("(stdin)" or "(stdout)" for "-"), err->line is 0, and the message
 * names the file itself, e.g. "cannot read 'x.zst': truncated zstd
 * stream".
 */
#ifndef THADS_ZIO_H
#define THADS_ZIO_H

#include <stddef.h>

struct thads_err;
struct thads_rd;
struct thads_wr;

/*
 * Open path for reading; "-" is standard input.  The stream is
 * decompressed when path ends in ".zst" or its first four bytes are the
 * zstd frame magic (or a skippable frame's).  On success *out is a
 * reader that thads_rd_close() frees.
 *
 * Returns 0, THADS_EUSAGE (path NULL or empty), THADS_ENOINPUT (cannot
 * open: strerror text; or a directory), THADS_EIO (the first read
 * failed), THADS_EDATA (a ".zst" name whose data is not zstd),
 * THADS_ENOMEM or THADS_ELIB (libzstd failed); *out is then NULL.
 */
int	thads_rd_open(const char *path, struct thads_rd **out,
	    struct thads_err *err);

/*
 * Read up to len bytes, decompressed if need be, into buf.  Returns the
 * number of bytes read (at least 1 when len > 0 and the stream is not
 * over), 0 at the end of the stream, or a negative code: THADS_EIO (a
 * read error, strerror text) or THADS_EDATA (corrupt zstd data, a
 * checksum mismatch, a frame asking for a window over 128 MiB, or a
 * "truncated zstd stream" that ends inside a frame).
 */
long	thads_rd_read(struct thads_rd *r, void *buf, size_t len,
	    struct thads_err *err);

/*
 * Push back the len bytes at buf, which the next reads return first,
 * before the rest of the stream (decompressed bytes: what
 * thads_rd_read() gave).  Meant for a reader that looks at the start of
 * a stream to tell its format, then hands the stream on.  Bytes pushed
 * back by a later call come out before those of an earlier one, as
 * with ungetc(3).  Returns 0 or THADS_ENOMEM.
 */
int	thads_rd_unread(struct thads_rd *r, const void *buf, size_t len,
	    struct thads_err *err);

/*
 * For a stream that is not a regular file (a pipe, a terminal): call
 * fn(ctx) whenever a read would wait for input, and again each time
 * the milliseconds it returns pass with nothing to read (-1: wait as
 * long as it takes), so that a reader of a slow pipe can do other work
 * (commit what it has) meanwhile.  fn NULL removes the hook.  Ignored
 * for regular files.
 */
void	thads_rd_set_idle(struct thads_rd *r, long (*fn)(void *ctx),
	    void *ctx);

/* The name to show for the stream: the path, or "(stdin)" for "-".
 * The string belongs to r. */
const char *thads_rd_name(const struct thads_rd *r);

/* The size in bytes of the file on disk when it is a regular file (the
 * compressed size for zstd), else -1.  Meant for progress reports. */
long long thads_rd_size(const struct thads_rd *r);

/* The number of raw bytes read from the file or pipe so far, to be
 * compared with thads_rd_size(). */
long long thads_rd_consumed(const struct thads_rd *r);

/* Close the file (not standard input) and free r.  r may be NULL. */
void	thads_rd_close(struct thads_rd *r);

#define THADS_WR_FORCE		0x1	/* an existing file may be replaced */
#define THADS_WR_NOFOLLOW	0x2	/* refuse path if it is a symlink */
#define THADS_WR_ATOMIC		0x4	/* replace path in one step at close */

/*
 * Open path for writing; "-" is standard output, where flags do not
 * apply.  A new file is created with mode 0600 whatever the umask; an
 * existing regular file replaced under THADS_WR_FORCE is truncated and
 * set to mode 0600 too.  Without THADS_WR_FORCE an existing path (even
 * a dangling symlink) is refused.  A path ending in ".zst" gets a zstd
 * stream with a checksum.  On success *out is a writer that
 * thads_wr_close() finishes and frees.
 *
 * Under THADS_WR_ATOMIC the bytes go to a new temporary file beside path
 * (thads_temp_beside()), which thads_wr_close() syncs and renames over
 * path, then syncs the directory: path is never seen half written, and
 * a run that fails or is killed leaves path as it was.  path must then
 * be absent, or with THADS_WR_FORCE a regular file (or a symbolic link
 * without THADS_WR_NOFOLLOW: the link is replaced, not its target).
 *
 * Returns 0, THADS_EUSAGE (path NULL or empty, unknown flag),
 * THADS_ECANTCREAT ("'x' exists (use --force)", a symlink refused under
 * THADS_WR_NOFOLLOW, or open(2) or fchmod(2) failed: strerror text),
 * THADS_ENOMEM or THADS_ELIB; *out is then NULL.
 */
int	thads_wr_open(const char *path, int flags, struct thads_wr **out,
	    struct thads_err *err);

/*
 * Write len bytes from buf.  Data is buffered; a write error may show
 * here or only at thads_wr_close().  Returns 0, THADS_EIO (write(2)
 * failed, e.g. ENOSPC: strerror text with the file name), THADS_EPIPE
 * (a pipe whose reader went away, which thads_report() does not print)
 * or THADS_ELIB (libzstd failed).  After an error every later call
 * returns the same code and message.
 */
int	thads_wr_write(struct thads_wr *w, const void *buf, size_t len,
	    struct thads_err *err);

/* Like thads_wr_write() with the output of printf(fmt, ...); also
 * THADS_ENOMEM or THADS_EUSAGE (a bad format). */
int	thads_wr_printf(struct thads_wr *w, struct thads_err *err,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The name to show for the stream: the path, or "(stdout)" for "-".
 * The string belongs to w. */
const char *thads_wr_name(const struct thads_wr *w);

/*
 * Flush the buffer, end the zstd frame, fsync(2) a regular file and
 * close it (standard output is flushed and synced but stays open).
 * Frees w in every case; w may be NULL.  Returns 0 or the first error
 * of this writer: THADS_EIO (with the file name and strerror text, so
 * that ENOSPC is never lost) or THADS_ELIB.
 */
int	thads_wr_close(struct thads_wr *w, struct thads_err *err);

/*
 * Give up w after an error of the caller's: free it without finishing
 * the stream; under THADS_WR_ATOMIC the temporary file is removed and
 * path left as it was.  w may be NULL.
 */
void	thads_wr_abort(struct thads_wr *w);

#endif /* THADS_ZIO_H */
