/*
 * diag.h: the one place where THADS tools write diagnostics.
 *
 * Every message goes to stderr as "PROGRAM: message", or
 * "PROGRAM: FILE:LINE: message" when it is tied to input.  Control
 * characters in a message are replaced by '?' so that a hostile value
 * quoted in an error cannot drive the terminal.  Data never goes here.
 *
 * Levels: 0 errors only (-q), 1 warnings too (the default), 2 notes
 * (-v), 3 debugging (-vv).
 */
#ifndef THADS_DIAG_H
#define THADS_DIAG_H

#include "thads.h"

enum { THADS_LOG_ERROR, THADS_LOG_WARN, THADS_LOG_INFO, THADS_LOG_DEBUG };

/* Set the program name shown in messages (the base name of argv0). */
void	thads_diag_init(const char *argv0);

/* The program name set by thads_diag_init(). */
const char *thads_progname(void);

/* Set or read the level. */
void	thads_diag_level(int level);
int	thads_diag_get_level(void);

/* Print an error and exit with status. */
void	thads_fatal(int status, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/* Print an error; returns -1 so that "return thads_error(...)" works. */
int	thads_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Warnings, notes and debugging lines, shown by level. */
void	thads_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	thads_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	thads_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Print the error recorded in err at level (THADS_LOG_ERROR or
 * THADS_LOG_WARN), with its file and line when it has them.  Nothing is
 * printed for THADS_EPIPE: the reader of the output closed it (as
 * "| head" does), which stops the tool but is not worth a message.
 */
void	thads_report(int level, const struct thads_err *err);

/* Print err and exit with the status of its code (thads_exit_status()). */
void	thads_die(const struct thads_err *err) __attribute__((noreturn));

#endif /* THADS_DIAG_H */
