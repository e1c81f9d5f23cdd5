/*
 * thads.h: what every part of the THADS core shares: the version, the
 * error codes that library functions return, and the error record that
 * carries the detail of a failure back to the caller.
 *
 * Library functions never print and never exit.  They return 0 on
 * success or a negative THADS_E* code, and fill a struct thads_err with
 * a one-line message (no program name, no trailing newline) and, where
 * the failure is tied to input, the file and line.
 */
#ifndef THADS_H
#define THADS_H

#include <stddef.h>

#define THADS_VERSION "0.1.0"

enum thads_code {
	THADS_OK = 0,
	THADS_ENOMEM = -1,	/* out of memory */
	THADS_EUSAGE = -2,	/* the caller used an interface wrongly */
	THADS_EDATA = -3,	/* bad input data */
	THADS_ENOINPUT = -4,	/* input missing or unreadable */
	THADS_ECANTCREAT = -5,	/* cannot create an output file */
	THADS_EIO = -6,		/* read or write error */
	THADS_EDB = -7,		/* database error */
	THADS_EBUSY = -8,	/* database locked past the busy timeout */
	THADS_ECONFIG = -9,	/* bad configuration or mapping */
	THADS_ESOFTWARE = -10,	/* internal error: a bug */
	THADS_ETOONEW = -11,	/* database written by a newer THADS */
	THADS_ELIB = -12,	/* a library we depend on failed */
	THADS_EPIPE = -13	/* the reader of the output went away */
};

struct thads_err {
	int	 code;		/* THADS_E*, 0 when no error */
	char	 file[256];	/* input file, "" when not tied to one */
	long	 line;		/* line in file, 0 when unknown */
	char	 msg[512];	/* one line, lower case, no final stop */
};

/*
 * Record an error and return its code, so that a function can fail with
 * "return thads_seterr(err, THADS_EDATA, NULL, 0, "bad date '%s'", s);".
 * err may be NULL.  file may be NULL.
 */
int	thads_seterr(struct thads_err *err, int code, const char *file,
	    long line, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));

/* Clear an error record. */
void	thads_clearerr(struct thads_err *err);

/* A static English text for a THADS_E* code. */
const char *thads_strerror(int code);

/*
 * The sysexits.h status that a tool exits with for a THADS_E* code.
 * THADS_EPIPE is the exception: 141 (128 + SIGPIPE), the status a shell
 * shows for a program that a broken pipe killed, so that a pipeline
 * such as "| head" sees what it sees from any other filter.
 */
int	thads_exit_status(int code);

/*
 * Parse a whole decimal number within [min, max]: no sign where min >= 0,
 * no leading or trailing junk.  Returns 0, or THADS_EDATA.
 */
int	thads_parse_long(const char *s, long min, long max, long *out);

#include "banned.h"

#endif /* THADS_H */
