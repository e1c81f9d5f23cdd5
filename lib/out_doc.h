/*
 * out_doc.h: the document formats of the output layer (xlsx, html),
 * private to out.c, out_xlsx.c and out_html.c.  Callers use out.h.
 *
 * Each backend follows the same life: open on the caller's stream,
 * table for each table of the document (the description is only
 * borrowed for the call: what is kept is copied), row for each row,
 * close once, which writes what is still pending and frees the handle
 * whatever happens.  Every function returns 0 or a THADS_E* code with
 * the detail in err.
 */
#ifndef THADS_OUT_DOC_H
#define THADS_OUT_DOC_H

#include <stdio.h>

#include "out.h"

struct thads_err;
struct thads_xlsx;
struct thads_html;

int	thads_xlsx_open(FILE *fp, struct thads_xlsx **out,
	    struct thads_err *err);
int	thads_xlsx_table(struct thads_xlsx *x, const struct thads_table *t,
	    struct thads_err *err);
int	thads_xlsx_row(struct thads_xlsx *x, const char *const *vals,
	    struct thads_err *err);
/* Write the workbook to the stream when ok, else only free it. */
int	thads_xlsx_close(struct thads_xlsx *x, int ok, struct thads_err *err);

int	thads_html_open(FILE *fp, const char *title, struct thads_html **out,
	    struct thads_err *err);
int	thads_html_table(struct thads_html *h, const struct thads_table *t,
	    struct thads_err *err);
int	thads_html_row(struct thads_html *h, const char *const *vals,
	    struct thads_err *err);
int	thads_html_close(struct thads_html *h, int ok, struct thads_err *err);

/*
 * Helpers of out.c shared with the backends.  thads_out_clean_xml()
 * returns a copy of s in which invalid UTF-8 and the characters XML 1.0
 * forbids are U+FFFD (NULL when out of memory; free it).
 * thads_out_is_number() says whether s is a decimal number ("-1.5e3").
 */
char	*thads_out_clean_xml(const char *s);
int	 thads_out_is_number(const char *s);

#endif /* THADS_OUT_DOC_H */
