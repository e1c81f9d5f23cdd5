/*
 * map.h: mapping files, which turn the rows of a foreign CSV export into
 * flat records (record.h) without the export being edited.
 *
 * A mapping file is UTF-8 text, read line by line.  Blank lines are
 * ignored, and '#' outside double quotes starts a comment that runs to
 * the end of the line.  Leading and trailing spaces and tabs of every
 * line, key and value are dropped.  A value may be written in double
 * quotes to keep spaces, '#', '|', ',' or '=' in it; inside the quotes
 * \" stands for a quote and \\ for a backslash.  Three kinds of section
 * follow each other in any order:
 *
 *	# NYC Department of Correction "Daily Inmates In Custody"
 *	[source]
 *	delimiter = ,	# one byte, or tab, semicolon, pipe, comma, space
 *	header = yes	# the first row names the columns
 *	trim = yes	# strip spaces and tabs around every cell
 *	skip = 0	# rows to skip before the header (or the data)
 *
 *	[fields]
 *	person.id        = INMATEID, inmate_id
 *	person.age       = AGE | int
 *	person.age_on    = @filedate
 *	person.sex       = GENDER | map sex
 *	episode.facility = "NYC-DOC"
 *	episode.admitted = ADMITTED_DT | date %Y-%m-%d %H:%M:%S ; %m/%d/%Y
 *	episode.released = DISCHARGED_DT? | date %Y-%m-%d %H:%M:%S
 *	extra.top_charge = TOP_CHARGE?
 *
 *	[map sex]
 *	M = male
 *	F = female
 *	* = unknown
 *
 * [source] is optional, and so is each of its keys; the values shown
 * above are the defaults.  The booleans take yes, no, true, false, 1 or
 * 0.  delimiter is one byte or one of the words tab, semicolon, pipe,
 * comma, space.  skip counts rows as the CSV reader returns them.
 *
 * [fields] (required) has one line per target, "FIELD = SOURCE [| STEP]
 * ...".  FIELD is a canonical field of fields.c ("person.id") or
 * "extra.NAME", NAME made of letters, digits and '_', for a source
 * column kept verbatim; each target appears once.  SOURCE is one of:
 *
 *	NAME[, NAME ...]  a column named in the header; the first name
 *			  listed that the header holds wins.  Names match
 *			  ASCII case-insensitively (and after trimming the
 *			  header cells when trim = yes).
 *	$N		  column N, counting from 1; the only way to name
 *			  a column when header = no.
 *	"TEXT"		  a constant.
 *	@filedate	  the date written YYYYMMDD or YYYY-MM-DD in the
 *			  input file's name (the first one that is a real
 *			  date between 1900 and 2100), as YYYY-MM-DD.
 *
 * A '?' after a column name, a $N or @filedate makes the source
 * optional: when the header lacks every listed name (or a row is shorter
 * than N, or the file name holds no date), the field is absent instead
 * of being an error.  One '?' anywhere in a list of names covers the
 * list.
 *
 * Each STEP transforms the value in turn; steps are applied only to a
 * present value.  A cell that is empty (after trimming, when trim = yes)
 * is absent: the field stays NULL.  The steps:
 *
 *	upper, lower	ASCII case change.
 *	int		a whole number: "47", "47.0", "47.00" and "047"
 *			give "47"; "47.5" is an error.
 *	date F[; F ...]	a date read with the first format F that
 *			matches, written YYYY-MM-DD, or YYYY-MM-DD
 *			HH:MM:SS when F has an hour.  The day must exist.
 *	map NAME	the value looked up in [map NAME].
 *
 * Date formats are parsed here, not by strptime(3), and do not depend
 * on the locale: %Y four-digit year, %y two-digit year (00-68 is 20xx,
 * 69-99 is 19xx), %m month, %d day, %H hour 0-23, %I hour 1-12 with %p
 * (AM or PM), %M minute, %S second (one or two digits each), %b an
 * English month abbreviation (Jan ... Dec), %f one or more digits that
 * are ignored (fractions of a second), %% a '%'.  Any other character
 * must match itself.  ';', '|' and '#' cannot appear in a format.
 *
 * [map NAME] has lines "KEY = VALUE".  A value equal to KEY (byte for
 * byte, after trimming when trim = yes) becomes VALUE; an empty VALUE
 * makes the field absent.  The key '*' (unquoted) gives the value of
 * any other key; without it an unlisted value is a data error.
 *
 * Errors.  A syntax error, an unknown section, key, field, step or date
 * conversion, a duplicate field or map key, a "map NAME" without its
 * [map NAME], or a mapping with no fields is THADS_ECONFIG with
 * err->file the mapping file and err->line its line.  When a required
 * column is missing from an input's header (or its file name holds no
 * date for @filedate), thads_map_bind() returns THADS_ECONFIG with the
 * mapping file and line of the field, naming the column and the input.
 * A bad value found while applying the mapping is THADS_EDATA with
 * err->file the input and err->line the row's first line.
 *
 * The interchange CSV has no mapping file: its header row holds the
 * canonical field names themselves, and its cells are taken verbatim
 * (never trimmed; an empty cell is absent).  thads_map_identity() makes
 * the mapping for it.
 */
#ifndef THADS_MAP_H
#define THADS_MAP_H

#include "record.h"

struct thads_map;
struct thads_row;		/* csv.h */

/*
 * Read the mapping file at path.  On success *out is a new mapping that
 * the caller frees with thads_map_free(), and 0 is returned.  Returns
 * THADS_ENOINPUT when path cannot be read, THADS_ECONFIG for a bad
 * mapping (err->file = path, err->line = the line at fault), or
 * THADS_ENOMEM; *out is then NULL.
 */
int	thads_map_load(const char *path, struct thads_map **out,
	    struct thads_err *err);

/*
 * Make the mapping of the interchange CSV: comma-separated, a header of
 * canonical field names ("person.id", "extra.NAME"), cells verbatim.
 * The fields are only known once thads_map_bind() has seen the header.
 * *out is freed with thads_map_free().  Returns 0 or THADS_ENOMEM.
 */
int	thads_map_identity(struct thads_map **out, struct thads_err *err);

/* The field delimiter byte of the input, ',' by default. */
int	thads_map_delim(const struct thads_map *m);

/* 1 if the first row of the input (after the skipped lines) is a header. */
int	thads_map_header(const struct thads_map *m);

/* How many rows of the input to skip before the header or the data. */
int	thads_map_skip(const struct thads_map *m);

/*
 * Prepare m for one input file: find each field's column in header (the
 * input's header row; NULL when thads_map_header() is 0) and the date
 * in the file name input for @filedate.  Call it again for each new
 * input.  For an identity map, this also builds the list of fields from
 * the header.  input is only read during the call.
 *
 * Returns 0; THADS_ECONFIG when a required column or the file date is
 * missing (err->file and err->line point into the mapping file); for an
 * identity map, THADS_EDATA on an unknown or repeated column name
 * (err->file = input, err->line = the header's line); THADS_EUSAGE when
 * header is NULL but the map wants one; THADS_ENOMEM.  After a failure
 * m cannot be applied until a bind succeeds.
 */
int	thads_map_bind(struct thads_map *m, const struct thads_row *header,
	    const char *input, struct thads_err *err);

/*
 * Turn one data row of input into the flat record rec, which must be
 * empty.  rec->file is set to input (the pointer is kept, not copied)
 * and rec->line to row->line.  Values are copied into rec.
 *
 * Returns 0 when rec is filled, 1 when the row is a blank line (one
 * empty field) that the caller skips, leaving rec empty; THADS_EDATA
 * for a bad row: a field count that differs from the header's (with
 * header = no: fewer fields than a required $N), a value outside its
 * map, a bad date or number (err->file = input, err->line = row->line);
 * THADS_EUSAGE when m is not bound; THADS_ENOMEM.  On an error rec is
 * left empty.  Does not allocate besides the copies held by rec, and
 * does not change m: threads may apply one bound mapping at once.
 */
int	thads_map_apply(const struct thads_map *m, const struct thads_row *row,
	    const char *input, struct thads_rec *rec, struct thads_err *err);

/* Free m and all it holds.  m may be NULL. */
void	thads_map_free(struct thads_map *m);

#endif /* THADS_MAP_H */
