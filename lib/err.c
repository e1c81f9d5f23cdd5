/*
 * err.c: filling and reading the error record of thads.h.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "thads.h"

int
thads_seterr(struct thads_err *err, int code, const char *file, long line,
    const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void
thads_clearerr(struct thads_err *err)
{
	if (err == NULL)
		return;
	err->code = 0;
	err->file[0] = '\0';
	err->line = 0;
	err->msg[0] = '\0';
}

static const struct {
	int	 code;
	int	 status;
	const char *text;
} codes[] = {
	{ THADS_OK, EX_OK, "success" },
	{ THADS_ENOMEM, EX_OSERR, "out of memory" },
	{ THADS_EUSAGE, EX_USAGE, "usage error" },
	{ THADS_EDATA, EX_DATAERR, "bad input data" },
	{ THADS_ENOINPUT, EX_NOINPUT, "cannot open input" },
	{ THADS_ECANTCREAT, EX_CANTCREAT, "cannot create output" },
	{ THADS_EIO, EX_IOERR, "input/output error" },
	{ THADS_EDB, EX_SOFTWARE, "database error" },
	{ THADS_EBUSY, EX_TEMPFAIL, "database busy" },
	{ THADS_ECONFIG, EX_CONFIG, "bad configuration" },
	{ THADS_ESOFTWARE, EX_SOFTWARE, "internal error" },
	{ THADS_ETOONEW, EX_CONFIG, "database is newer than this program" },
	{ THADS_ELIB, EX_UNAVAILABLE, "library failure" },
	{ THADS_EPIPE, 128 + SIGPIPE, "broken pipe" },
};

const char *
thads_strerror(int code)
{
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return codes[i].text;
	return "unknown error";
}

int
thads_exit_status(int code)
{
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (codes[i].code == code)
			return codes[i].status;
	return EX_SOFTWARE;
}

int
thads_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	/* strtol() would skip any white space and take a '+'. */
	if (s == NULL || !(isdigit((unsigned char)*s) || (*s == '-' &&
	    min < 0 && isdigit((unsigned char)s[1]))))
		return THADS_EDATA;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return THADS_EDATA;
	*out = v;
	return 0;
}
