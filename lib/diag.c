/*
 * diag.c: diagnostics on stderr.
 *
 * The program name and the level are the only process-wide state in the
 * library: they describe the process, not a piece of work.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

static char progname[64] = "thads";
static int level = THADS_LOG_WARN;

void
thads_diag_init(const char *argv0)
{
	const char *base;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	snprintf(progname, sizeof(progname), "%s", base);
}

const char *
thads_progname(void)
{
	return progname;
}

void
thads_diag_level(int l)
{
	level = l;
}

int
thads_diag_get_level(void)
{
	return level;
}

/* Replace control characters, so that a line stays one line. */
static void
defang(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* Write one line: the program name, an optional place, the message. */
static void
emit(const char *where, long line, const char *fmt, va_list ap)
{
	char msg[1024], fbuf[512];
	const char *file = NULL;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	defang(msg);
	if (where != NULL) {
		snprintf(fbuf, sizeof(fbuf), "%s", where);
		defang(fbuf);
		file = fbuf;
	}
	if (file != NULL && *file != '\0' && line > 0)
		fprintf(stderr, "%s: %s:%ld: %s\n", progname, file, line, msg);
	else if (file != NULL && *file != '\0')
		fprintf(stderr, "%s: %s: %s\n", progname, file, msg);
	else
		fprintf(stderr, "%s: %s\n", progname, msg);
}

void
thads_fatal(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, 0, fmt, ap);
	va_end(ap);
	exit(status);
}

int
thads_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(NULL, 0, fmt, ap);
	va_end(ap);
	return -1;
}

#define LEVELLED(name, lvl)					\
void								\
name(const char *fmt, ...)					\
{								\
	va_list ap;						\
								\
	if (level < (lvl))					\
		return;						\
	va_start(ap, fmt);					\
	emit(NULL, 0, fmt, ap);					\
	va_end(ap);						\
}

LEVELLED(thads_warn, THADS_LOG_WARN)
LEVELLED(thads_info, THADS_LOG_INFO)
LEVELLED(thads_debug, THADS_LOG_DEBUG)

/* emit() takes a va_list; this passes the message through "%s". */
static void
emit_msg(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(file, line, fmt, ap);
	va_end(ap);
}

void
thads_report(int lvl, const struct thads_err *err)
{
	const char *msg;

	/* A reader that went away (| head) is no error to tell. */
	if (level < lvl || err->code == THADS_EPIPE)
		return;
	msg = err->msg[0] ? err->msg : thads_strerror(err->code);
	emit_msg(err->file, err->line, "%s", msg);
}

void
thads_die(const struct thads_err *err)
{
	thads_report(THADS_LOG_ERROR, err);
	exit(thads_exit_status(err->code));
}
