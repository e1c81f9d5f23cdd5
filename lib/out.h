/*
 * out.h: the output layer through which every tool writes its data
 * rows to stdout, in one of five formats chosen by the user.
 *
 * A caller opens a struct thads_out on a FILE with a list of typed
 * columns, passes each row as an array of C strings (NULL for a missing
 * value), then closes it.  The formats:
 *
 * csv	RFC 4180: comma separated, CRLF line ends (what spreadsheets
 *	expect), a header row of column names unless THADS_OUT_NOHEADER.
 *	A field is quoted when it holds a comma, a double quote, CR or LF,
 *	or when it is the empty string; quotes inside are doubled.  A
 *	missing value (NULL) is an empty unquoted field, so NULL and ""
 *	stay apart, as in PostgreSQL's CSV.
 * tsv	tab separated, LF line ends, header row as for csv.  Tab, LF, CR
 *	and backslash in a value are written as \t \n \r and \\.  NULL and
 *	"" are both an empty field.
 * jsonl	one JSON object per line (LF), keys in column order.  TEXT and
 *	DATE are strings; INT is an integer when the value is a whole
 *	decimal number in canonical form ("12", "-3", not "012" or "+3"),
 *	otherwise a string; REAL is a number when the value is a finite
 *	decimal number, otherwise a string; BOOL is true for "1", "true",
 *	"yes" and false for "0", "false", "no" (any case), otherwise a
 *	string; NULL is null.
 * xml	<?xml version="1.0" encoding="UTF-8"?>, then a root element named
 *	after the plural of the record element ("alert" gives <alerts>,
 *	"community" <communities>, "status" <statuses>), holding one
 *	record element per row with one child element per column, named
 *	after the column, in column order.  A
 *	missing value has no element.  Values are written as given
 *	(escaped); characters not allowed in XML 1.0 (C0 controls other
 *	than tab, LF and CR, U+FFFE, U+FFFF) and invalid UTF-8 bytes
 *	become U+FFFD.
 * table	aligned columns for a terminal: a header row and a line of
 *	dashes (unless THADS_OUT_NOHEADER), then the rows, columns two
 *	spaces apart, padded by display width (thads_text_width()), INT
 *	and REAL right-aligned.  The table buffers every row in memory
 *	until thads_out_close(), since the widths depend on all of them;
 *	it is meant for humans, not for large exports.  Control
 *	characters (C0, DEL, C1), invalid UTF-8 bytes and the bidi
 *	embedding, override and isolate controls are each replaced by
 *	'?', so data can never move the cursor, send an escape sequence
 *	or reorder the line.  No colour is ever written.  NULL is shown
 *	as an empty cell.
 *
 * Formula neutralisation (csv and tsv only, unless THADS_OUT_RAW): a
 * value that thads_text_has_formula_lead() flags is written with a
 * leading apostrophe, as OWASP recommends, so that a spreadsheet shows
 * it as text instead of running it.  In INT and REAL columns a value
 * that is a well-formed decimal number ("-12", "-1.5e3") is never
 * changed; a value there that is not a number is neutralised like text,
 * since SQLite lets any column hold text.
 *
 * xlsx	an Office Open XML workbook (libxlsxwriter), written to fp when
 *	the output is closed; one worksheet per table.  A table's title
 *	and metadata come first (title in bold, then one "key | value"
 *	row each, then an empty row), then the header row (bold, white
 *	on dark blue, frozen, with an autofilter), then the rows.  INT
 *	and REAL values that are numbers are stored as numbers, DATE
 *	values "YYYY-MM-DD" (or with " HH:MM:SS") as dates shown in
 *	ISO 8601, BOOL values as booleans; anything else, and every TEXT
 *	value, is stored as a string, which a spreadsheet never runs as
 *	a formula (no apostrophe is added).  Column widths follow the
 *	widest value (capped at 60).  A worksheet holds at most 1,048,575
 *	rows under the header; more is THADS_EDATA.  Refused on a
 *	terminal (THADS_EUSAGE).
 * html	one self-contained UTF-8 page (no script, no external resource)
 *	with a section per table: the title, the metadata, the charts the
 *	table asks for (struct thads_chart: SVG drawn here), then the
 *	table itself, numbers right-aligned.  Styled for the screen and
 *	for print.  Values are escaped; invalid UTF-8 and characters HTML
 *	does not allow become U+FFFD.  The page is written as each table
 *	ends (its rows are buffered until then, for the charts).
 *
 * All values and column names must be UTF-8; invalid bytes in values
 * are passed through in csv and tsv and replaced as above elsewhere.
 *
 * Documents.  thads_out_open() writes one table.  thads_out_begin() and
 * thads_out_next() write several to one output, each with a title,
 * metadata (key and value pairs, such as the version of the definition
 * that made the table) and charts: xlsx gives one worksheet per table,
 * html one section, table format one block after a blank line (title
 * and "key: value" lines first), jsonl one run of objects with the
 * metadata appended to each object as string fields, xml one element
 * per table, named after the plural of the record element as above,
 * whose attributes are the metadata, inside the document's root
 * element.  csv and tsv stay pure data: they hold one table, and the
 * metadata is left out.
 */
#ifndef THADS_OUT_H
#define THADS_OUT_H

#include <stddef.h>
#include <stdio.h>

struct thads_err;

enum thads_fmt {
	THADS_FMT_TABLE,
	THADS_FMT_CSV,
	THADS_FMT_TSV,
	THADS_FMT_JSONL,
	THADS_FMT_XML,
	THADS_FMT_XLSX,
	THADS_FMT_HTML
};

enum thads_coltype {
	THADS_COL_TEXT,
	THADS_COL_INT,
	THADS_COL_REAL,
	THADS_COL_DATE,
	THADS_COL_BOOL
};

struct thads_col {
	const char	*name;
	enum thads_coltype type;
};

/* A metadata pair of a table: key is an XML name as for columns. */
struct thads_meta {
	const char	*key;
	const char	*value;
};

enum thads_chart_kind {
	THADS_CHART_BAR,	/* horizontal bars, one group per row */
	THADS_CHART_LINE	/* one line per series, rows along x */
};

#define THADS_CHART_MAXSERIES	8
#define THADS_CHART_MAXLABEL	4

/*
 * A chart that html draws from a table's own cells.  The label of a
 * row is its label columns joined by " / "; each series is a numeric
 * column.  split, when >= 0, is a column whose value starts a new chart
 * each time it changes (one chart per dimension of a long table).  Rows
 * in which a label column or the split column equals skip (when not
 * NULL) are left out, e.g. a total row.  A cell that is not a number
 * draws no bar or point.
 */
struct thads_chart {
	enum thads_chart_kind kind;
	const char	*title;
	size_t		 label[THADS_CHART_MAXLABEL];
	size_t		 nlabel;
	size_t		 series[THADS_CHART_MAXSERIES];
	size_t		 nseries;
	long		 split;
	const char	*skip;
};

/* A table of a document, for thads_out_next(). */
struct thads_table {
	const char	*name;	/* record element (xml), sheet; NULL: "row" */
	const char	*title;	/* heading, or NULL */
	const struct thads_col *cols;
	size_t		 ncols;
	const struct thads_meta *meta;
	size_t		 nmeta;
	const struct thads_chart *charts;	/* html only */
	size_t		 ncharts;
};

#define THADS_OUT_RAW		0x1	/* csv/tsv: no formula neutralising */
#define THADS_OUT_NOHEADER	0x2	/* csv/tsv/table: no header row */
#define THADS_OUT_BOM		0x4	/* csv/tsv: UTF-8 BOM first */

struct thads_out;

/*
 * Set *out to the format named name: "table", "csv", "tsv", "jsonl" or
 * "xml" (lower case, exactly).  Returns 0, or THADS_EUSAGE for any
 * other name (and for NULL), leaving *out untouched.
 */
int	thads_fmt_parse(const char *name, enum thads_fmt *out);

/* The static name of a format, as thads_fmt_parse() takes it, or
 * "unknown". */
const char *thads_fmt_name(enum thads_fmt fmt);

/*
 * Start writing rows to fp in format fmt, with the ncols columns cols
 * (copied: the caller may free cols and the names afterwards).  name is
 * the record element for xml (NULL means "row"); other formats ignore
 * it.  flags is a mask of THADS_OUT_*; a flag that does not apply to fmt
 * is ignored.  The csv and tsv header, the BOM and the xml declaration
 * are written now.  fp stays the caller's: it is never closed.
 *
 * On success *out is a handle that thads_out_close() frees.  Returns
 * THADS_EUSAGE (ncols 0; a column name that is NULL, empty, a
 * duplicate, not UTF-8 or holds a control character; for xml, a name
 * or column name that is not an XML name made of ASCII letters, digits,
 * '_', '-' and '.' starting with a letter or '_'), THADS_ENOMEM,
 * THADS_ELIB (libxml2 failed) or THADS_EIO (fp has a write error); err
 * gets the detail and *out is left untouched.
 */
int	thads_out_open(FILE *fp, enum thads_fmt fmt, const char *name,
	    const struct thads_col *cols, size_t ncols, unsigned flags,
	    struct thads_out **out, struct thads_err *err);

/*
 * Start a document of several tables in format fmt on fp: docname is
 * the root element for xml and the page title for html (an XML name as
 * for columns).  No table is open yet: call thads_out_next() for each.
 * Returns as thads_out_open().
 */
int	thads_out_begin(FILE *fp, enum thads_fmt fmt, const char *docname,
	    unsigned flags, struct thads_out **out, struct thads_err *err);

/*
 * End the current table, if any, and start table t (copied).  Returns
 * 0, THADS_EUSAGE (bad names as for thads_out_open(), a metadata key
 * that is not an XML name or repeats a column name, a second table in
 * csv or tsv or after thads_out_open()), or a write error as
 * thads_out_row().
 */
int	thads_out_next(struct thads_out *o, const struct thads_table *t,
	    struct thads_err *err);

/*
 * Write one row: vals holds ncols NUL-terminated values, NULL for a
 * missing one; they are copied where kept.  Returns 0, THADS_ENOMEM,
 * THADS_ELIB, THADS_EIO (fp has a write error, e.g. ENOSPC: the caller
 * should stop) or THADS_EPIPE (fp is a pipe whose reader went away, as
 * "| head" does: the caller should stop, and thads_report() keeps
 * quiet about it).  After an error every later call returns the
 * same code and detail without writing anything.
 */
int	thads_out_row(struct thads_out *o, const char *const *vals,
	    struct thads_err *err);

/*
 * Finish: write the table, or the xml closing tags, flush fp and check
 * it for write errors.  Frees o in every case (o may be NULL).  Returns
 * 0, or the first error of this handle, with its detail in err:
 * THADS_EIO for a write error (with strerror text when known),
 * THADS_ENOMEM or THADS_ELIB.
 */
int	thads_out_close(struct thads_out *o, struct thads_err *err);

#endif /* THADS_OUT_H */
