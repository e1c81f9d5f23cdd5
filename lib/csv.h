/*
 * csv.h: a streaming CSV reader built on libcsv, and an RFC 4180
 * writer, both on the streams of zio.h.
 *
 * The reader takes records one at a time from a struct thads_rd, in
 * memory bounded by the largest record (plus two 64 KiB buffers), so a
 * file of any size is read in constant space.  It is strict:
 *
 * - The input must be UTF-8.  A UTF-8 byte order mark at the very start
 *   is dropped.  A NUL byte, an invalid sequence (overlong forms and
 *   surrogates included) or a field longer than the limit stops the
 *   read with THADS_EDATA.
 * - Fields are separated by the delimiter and may be quoted with '"';
 *   a quote inside a quoted field is doubled.  A quote inside an
 *   unquoted field, or text after a closing quote, is an error.
 * - Records end at LF or CRLF.  Spaces and tabs around a field are
 *   data, never trimmed.  A CR right before a delimiter or the line end
 *   is dropped, as are CRs at the start of an unquoted field; a CR
 *   anywhere else, and any CR or LF inside quotes, is data.
 * - An empty line (or one of CRs only) is no record and is skipped; its
 *   line still counts.
 * - Every field is returned in Unicode normalisation form C, unless
 *   THADS_CSV_NONFC.
 *
 * Line numbers count LF bytes: a record whose quoted field holds a
 * newline reports the line where it starts and the line where it ends.
 * Byte positions in messages ("at byte N") are 1-based byte columns in
 * that physical line; a BOM counts as three bytes of line 1.
 *
 * Data errors set err->code THADS_EDATA, err->file to the input's name
 * and err->line to the physical line; the message does not repeat the
 * file, so a caller prints "file:line: message".
 */
#ifndef THADS_CSV_H
#define THADS_CSV_H

#include <stddef.h>

struct thads_err;
struct thads_rd;
struct thads_wr;
struct thads_csv;
struct thads_csvw;

/* A record as the reader returns it. */
struct thads_row {
	size_t	 n;		/* number of fields, at least 1 */
	char	**f;		/* f[i]: field i, NUL-terminated UTF-8 */
	size_t	*len;		/* len[i]: its length in bytes */
	long	 line;		/* physical line where the record starts */
	long	 end_line;	/* physical line where it ends */
};

#define THADS_CSV_NONFC		0x1	/* return fields as read, not NFC */
#define THADS_CSV_TSV		0x2	/* TSV: no quoting; \t \n \r \\ decoded */

/* The default longest field, in bytes: see thads_csv_set_max_field(). */
#define THADS_CSV_MAX_FIELD	(16 * 1024 * 1024)

/*
 * Start reading CSV from rd, with fields separated by delim: a single
 * ASCII byte other than NUL, '"', CR and LF (',', ';', '\t', '|').
 * flags is 0 or THADS_CSV_NONFC.  rd stays the caller's: it must
 * outlive the reader and is not closed by thads_csv_close().  Nothing
 * is read yet.  On success *out is a reader that thads_csv_close()
 * frees.
 *
 * Returns 0, THADS_EUSAGE (a bad delimiter or flag) or THADS_ENOMEM;
 * *out is then NULL.
 */
int	thads_csv_open(struct thads_rd *rd, int delim, unsigned flags,
	    struct thads_csv **out, struct thads_err *err);

/*
 * Set the longest field accepted, in bytes before normalisation (at
 * least 1; default THADS_CSV_MAX_FIELD).  A longer field fails with
 * "field longer than N bytes" instead of growing memory without bound.
 */
void	thads_csv_set_max_field(struct thads_csv *c, size_t max);

/*
 * Read the next record into *row.  The strings and arrays of row belong
 * to c and stay valid until the next call on c; the caller may change
 * the bytes of a field in place.  The number of fields is whatever the
 * line holds: comparing it with a header is the caller's business.
 *
 * Returns 1 when a record was read, 0 at the end of the input, or a
 * negative code: THADS_EDATA ("NUL byte at byte N", "invalid UTF-8 at
 * byte N", "unterminated quoted field starting at line L", "field
 * longer than N bytes", or libcsv's text for a quoting error followed
 * by "at byte N"), THADS_EIO or THADS_EDATA from thads_rd_read(), or
 * THADS_ENOMEM.  Records before a bad byte are returned first; once an
 * error is returned every later call returns it again.
 */
int	thads_csv_next(struct thads_csv *c, struct thads_row *row,
	    struct thads_err *err);

/* The physical line the reader has reached (1-based), for progress and
 * for messages about the input as a whole. */
long	thads_csv_line(const struct thads_csv *c);

/* Free c (not its struct thads_rd).  c may be NULL. */
void	thads_csv_close(struct thads_csv *c);

#define THADS_CSVW_LF	0x1	/* end rows with LF instead of CRLF */
#define THADS_CSVW_TSV	0x2	/* TSV with backslash escapes, see below */

/*
 * Start writing CSV rows to w, with fields separated by delim (an ASCII
 * byte other than NUL, '"', CR and LF).  w stays the caller's and must
 * outlive the writer.
 *
 * RFC 4180 (the default): rows end with CRLF (LF with THADS_CSVW_LF); a
 * field holding the delimiter, '"', CR or LF is quoted, with quotes
 * inside doubled.  A row made of one empty field is written as "" so
 * that it does not become an empty line, which readers skip.
 *
 * THADS_CSVW_TSV: delim is ignored and fields are separated by tabs;
 * rows end with LF; nothing is quoted; in a field, tab, CR, LF and
 * backslash are written as the two bytes \t, \r, \n and \\.  A row of
 * one empty field is an empty line.
 *
 * Formula neutralisation is not done here (see out.h).  On success *out
 * is a writer that thads_csvw_close() frees.  Returns 0, THADS_EUSAGE
 * (a bad delimiter or flag) or THADS_ENOMEM; *out is then NULL.
 */
int	thads_csvw_open(struct thads_wr *w, int delim, unsigned flags,
	    struct thads_csvw **out);

/*
 * Add a field of len bytes at s (any bytes, NUL included) to the
 * current row.  Returns 0 or the writer's error (THADS_EIO, THADS_ELIB);
 * after an error every later call returns it again and
 * thads_csvw_close() gives its detail.
 */
int	thads_csvw_field(struct thads_csvw *cw, const char *s, size_t len);

/* End the current row.  Returns as thads_csvw_field(). */
int	thads_csvw_end_row(struct thads_csvw *cw);

/*
 * End a row left open, then free cw (not its struct thads_wr, which the
 * caller still has to close to flush it).  cw may be NULL.  Returns 0
 * or the first error of cw, with its detail in err.
 */
int	thads_csvw_close(struct thads_csvw *cw, struct thads_err *err);

#endif /* THADS_CSV_H */
