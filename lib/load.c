/*
 * load.c: reading input files and feeding their rows to the importer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "load.h"
#include "map.h"
#include "xml.h"
#include "zio.h"

struct thads_load {
	struct thads_db *db;
	struct thads_import *im;
	struct thads_load_opts o;
	struct thads_map *map;	/* the mapping file, loaded once */
	struct thads_wr *rw;	/* rejects file */
	struct thads_csvw *rcsv;
	long	 rfile;	/* the input whose header rejects last wrote */
	int	 rxml_open;	/* the XML rejects document is started */
	long	 rxml_file;	/* input and number of the last dossier */
	long	 rxml_dossier;	/* written to the XML rejects */
	struct thads_rec rec;
	long	 read;
	long	 rejected;
	long	 nfiles;	/* files started, for the XML rejects */
	char	 rtmp[4200];	/* the rejects file's temporary name */
	long long done_before;	/* bytes of the files already read */
};

/*
 * The rejects file is written under a temporary name beside it and put
 * in place only when the load is committed: a load that fails or a dry
 * run leaves an existing file as it was and creates none.  It must be a
 * regular file, never a link or a device, and not exist unless
 * THADS_WR_FORCE was given.
 */
static int
open_rejects(struct thads_load *l, struct thads_err *err)
{
	const char *path = l->o.rejects;
	size_t n = strlen(path);
	int zst = n > 4 && strcmp(path + n - 4, ".zst") == 0, fd;
	struct stat sb;

	if (lstat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "not a regular file: refused as a rejects file");
	if (lstat(path, &sb) == 0 && !(l->o.rejects_flags & THADS_WR_FORCE))
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "exists (use --force)");
	if (snprintf(l->rtmp, sizeof(l->rtmp), "%s.tmp-XXXXXX%s", path,
	    zst ? ".zst" : "") >= (int)sizeof(l->rtmp))
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "path too long");
	if ((fd = mkstemps(l->rtmp, zst ? 4 : 0)) < 0) {
		l->rtmp[0] = '\0';
		return thads_seterr(err, THADS_ECANTCREAT, path, 0,
		    "cannot create a file beside it: %s", strerror(errno));
	}
	close(fd);
	return thads_wr_open(l->rtmp, THADS_WR_FORCE | THADS_WR_NOFOLLOW,
	    &l->rw, err);
}

/* Put the rejects in place, or drop them; 0 or an error code. */
static int
close_rejects(struct thads_load *l, int keep, struct thads_err *err)
{
	if (l->rtmp[0] == '\0')
		return 0;
	if (keep && rename(l->rtmp, l->o.rejects) == 0)
		return 0;
	if (keep)
		thads_seterr(err, THADS_ECANTCREAT, l->o.rejects, 0,
		    "cannot put the rejects file in place: %s",
		    strerror(errno));
	(void)unlink(l->rtmp);	/* not kept: a partial file helps nobody */
	return keep ? THADS_ECANTCREAT : 0;
}

int
thads_load_begin(struct thads_db *db, const struct thads_load_opts *o,
    struct thads_load **out, struct thads_err *err)
{
	struct thads_load *l;
	int rc;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	l->db = db;
	l->o = *o;
	if (o->map != NULL && (rc = thads_map_load(o->map, &l->map, err)))
		goto fail;
	if (o->rejects != NULL && (rc = open_rejects(l, err)))
		goto fail;
	if ((rc = thads_db_begin(db, err)) ||
	    (rc = thads_import_new(db, &l->im, err)))
		goto fail;
	*out = l;
	return 0;
fail:
	thads_load_end(l, 0, NULL);
	return rc;
}

long
thads_load_read(const struct thads_load *l)
{
	return l->read;
}

long
thads_load_rejected(const struct thads_load *l)
{
	return l->rejected;
}

const struct thads_import_stats *
thads_load_stats(const struct thads_load *l)
{
	return thads_import_stats(l->im);
}

/* The input format: as asked, else by the name without ".zst". */
static enum thads_infmt
infmt(const struct thads_load *l, const char *path)
{
	size_t n = strlen(path);

	if (l->o.infmt != THADS_IN_AUTO)
		return l->o.infmt;
	if (n > 4 && strcmp(path + n - 4, ".zst") == 0)
		n -= 4;
	if (n > 4 && strncasecmp(path + n - 4, ".xml", 4) == 0)
		return THADS_IN_XML;
	if (n > 4 && strncasecmp(path + n - 4, ".tsv", 4) == 0)
		return THADS_IN_TSV;
	return THADS_IN_CSV;
}

/*
 * Write one CSV row of fields, padded with empty cells to width (a short
 * ragged row), then a last cell.
 */
static int
reject_row(struct thads_load *l, const struct thads_row *row, size_t width,
    const char *extra, struct thads_err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < row->n && rc == 0; i++)
		rc = thads_csvw_field(l->rcsv, row->f[i], row->len[i]);
	for (; i < width && rc == 0; i++)
		rc = thads_csvw_field(l->rcsv, "", 0);
	if (rc == 0)
		rc = thads_csvw_field(l->rcsv, extra, strlen(extra));
	if (rc == 0)
		rc = thads_csvw_end_row(l->rcsv);
	return rc ? thads_seterr(err, THADS_EIO, thads_wr_name(l->rw), 0,
	    "cannot write rejects") : 0;
}

static int
reject_csv(struct thads_load *l, int delim,
    const struct thads_row *header, const struct thads_row *row,
    const char *reason, struct thads_err *err)
{
	int rc;

	if (l->rcsv == NULL && (rc = thads_csvw_open(l->rw, delim,
	    THADS_CSVW_LF, &l->rcsv)))
		return thads_seterr(err, rc, thads_wr_name(l->rw), 0,
		    "cannot write rejects: %s", thads_strerror(rc));
	if (l->rfile != l->nfiles && header != NULL) {
		l->rfile = l->nfiles;
		if ((rc = reject_row(l, header, 0, "reason", err)))
			return rc;
	}
	return reject_row(l, row, header ? header->n : 0, reason, err);
}

/* Write text inside an XML comment, where "--" may not appear. */
static int
comment_text(struct thads_load *l, const char *s, struct thads_err *err)
{
	char buf[512];
	size_t n = 0;

	for (; *s != '\0' && n < sizeof(buf) - 2; s++) {
		buf[n++] = *s;
		if (*s == '-' && (s[1] == '-' || s[1] == '\0'))
			buf[n++] = ' ';
	}
	buf[n] = '\0';
	return thads_wr_printf(l->rw, err, "%s", buf);
}

/*
 * Write the dossier a bad record came from, once per dossier (one dossier
 * gives several records), preceded by a comment with the reason.
 */
static int
reject_xml(struct thads_load *l, struct thads_xml *x,
    const char *reason, struct thads_err *err)
{
	long n = thads_xml_dossier(x);
	int rc = 0;

	if (!l->rxml_open) {
		rc = thads_wr_printf(l->rw, err, "<?xml version=\"1.0\" "
		    "encoding=\"UTF-8\"?>\n<rejects>\n");
		l->rxml_open = 1;
	}
	if (rc != 0 || (l->rxml_file == l->nfiles && l->rxml_dossier == n))
		return rc;
	l->rxml_file = l->nfiles;
	l->rxml_dossier = n;
	if ((rc = thads_wr_printf(l->rw, err, "<!-- ")) == 0 &&
	    (rc = comment_text(l, reason, err)) == 0)
		rc = thads_wr_printf(l->rw, err, " -->\n%s\n",
		    thads_xml_raw(x));
	return rc;
}

/*
 * Validate and apply the record in l->rec.  A bad record is reported and
 * counted, and 1 is returned so that the caller can write it to the
 * rejects file; 0 when applied; <0 when the load must stop.
 */
static int
apply(struct thads_load *l, struct thads_err *bad, struct thads_err *err)
{
	int rc;

	l->read++;
	rc = thads_rec_validate(&l->rec, l->o.today, bad);
	if (rc == 0)
		rc = thads_import_rec(l->im, &l->rec, bad);
	if (rc == 0) {
		if (l->o.applied)
			l->o.applied(l->im, &l->rec, l->o.ctx);
		return 0;
	}
	if (rc != THADS_EDATA) {
		*err = *bad;
		return rc;
	}
	if (bad->file[0] == '\0')
		snprintf(bad->file, sizeof(bad->file), "%s", l->rec.file);
	if (bad->line == 0)
		bad->line = l->rec.line;
	l->rejected++;
	if (l->o.bad)
		l->o.bad(bad, l->o.ctx);
	return 1;
}

static void
progress(struct thads_load *l, struct thads_rd *rd)
{
	long long total = thads_rd_size(rd);

	if (l->o.progress == NULL || (l->read & 0x3fff) != 0)
		return;
	l->o.progress(l->read, l->done_before + thads_rd_consumed(rd),
	    total < 0 ? -1 : l->done_before + total, l->o.ctx);
}

/* A bad mapped row: report it, and keep it in the rejects file. */
static int
bad_row(struct thads_load *l, int delim,
    const struct thads_row *header, const struct thads_row *row,
    struct thads_err *bad, struct thads_err *err)
{
	l->read++;
	l->rejected++;
	if (l->o.bad)
		l->o.bad(bad, l->o.ctx);
	if (l->rw == NULL)
		return 0;
	return reject_csv(l, delim, header, row, bad->msg, err);
}

/* Copy a row (the header), since the reader reuses its buffers. */
static int
copy_row(const struct thads_row *src, struct thads_row *dst)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	dst->f = calloc(src->n, sizeof(char *));
	dst->len = calloc(src->n, sizeof(size_t));
	if (dst->f == NULL || dst->len == NULL)
		return THADS_ENOMEM;
	dst->n = src->n;
	dst->line = src->line;
	for (i = 0; i < src->n; i++) {
		if ((dst->f[i] = strdup(src->f[i])) == NULL)
			return THADS_ENOMEM;
		dst->len[i] = src->len[i];
	}
	return 0;
}

static void
free_row(struct thads_row *r)
{
	size_t i;

	for (i = 0; r->f != NULL && i < r->n; i++)
		free(r->f[i]);
	free(r->f);
	free(r->len);
	memset(r, 0, sizeof(*r));
}

/* Skip the mapping's leading lines and read the header, if any. */
static int
read_header(struct thads_csv *c, struct thads_map *m, const char *path,
    struct thads_row *hdr, struct thads_err *err)
{
	struct thads_row row;
	int i, rc;

	for (i = 0; i < thads_map_skip(m); i++)
		if ((rc = thads_csv_next(c, &row, err)) <= 0)
			return rc < 0 ? rc : 0;
	if (!thads_map_header(m))
		return thads_map_bind(m, NULL, path, err);
	if ((rc = thads_csv_next(c, &row, err)) < 0)
		return rc;
	if (rc == 0)
		return thads_seterr(err, THADS_EDATA, path, 1,
		    "empty file: no header row");
	if ((rc = copy_row(&row, hdr)) != 0)
		return thads_seterr(err, rc, path, 0, "out of memory");
	return thads_map_bind(m, hdr, path, err);
}

static int
csv_rows(struct thads_load *l, struct thads_csv *c, struct thads_rd *rd,
    struct thads_map *m, const char *path, int delim,
    const struct thads_row *hdr, struct thads_err *err)
{
	struct thads_err bad;
	struct thads_row row;
	int rc;

	while ((rc = thads_csv_next(c, &row, err)) > 0) {
		thads_clearerr(&bad);
		rc = thads_map_apply(m, &row, path, &l->rec, &bad);
		if (rc == 1)
			continue;
		if (rc == THADS_EDATA)
			rc = bad_row(l, delim, hdr, &row, &bad, err);
		else if (rc == 0 && (rc = apply(l, &bad, err)) == 1)
			rc = l->rw ? reject_csv(l, delim, hdr, &row,
			    bad.msg, err) : 0;
		else if (rc < 0 && rc != THADS_EDATA && err->code == 0)
			*err = bad;
		thads_rec_clear(&l->rec);
		if (rc < 0)
			return rc;
		progress(l, rd);
	}
	return rc;
}

static int
load_csv(struct thads_load *l, struct thads_rd *rd, const char *path,
    int tsv, struct thads_err *err)
{
	struct thads_map *m = l->map, *own = NULL;
	struct thads_csv *c = NULL;
	struct thads_row hdr;
	int delim, rc;

	memset(&hdr, 0, sizeof(hdr));
	if (m == NULL && (rc = thads_map_identity(&own, err)) != 0)
		return rc;
	if (m == NULL)
		m = own;
	delim = l->map ? thads_map_delim(m) : tsv ? '\t' : ',';
	/* Messages name stdin as the reader does, "(stdin)", not "-". */
	path = thads_rd_name(rd);
	if ((rc = thads_csv_open(rd, delim, !l->map && tsv ? THADS_CSV_TSV :
	    0, &c, err)) == 0 &&
	    (rc = read_header(c, m, path, &hdr, err)) == 0)
		rc = csv_rows(l, c, rd, m, path, delim, hdr.n ? &hdr : NULL,
		    err);
	thads_csv_close(c);
	thads_map_free(own);
	free_row(&hdr);
	return rc;
}

static int
load_xml(struct thads_load *l, struct thads_rd *rd, struct thads_err *err)
{
	struct thads_xml *x;
	struct thads_err bad;
	int rc;

	if ((rc = thads_xml_open(rd, l->o.xsd, &x, err)) != 0)
		return rc;
	while ((rc = thads_xml_next(x, &l->rec, err)) > 0) {
		thads_clearerr(&bad);
		if ((rc = apply(l, &bad, err)) == 1)
			rc = l->rw ? reject_xml(l, x, bad.msg, err) : 0;
		thads_rec_clear(&l->rec);
		if (rc < 0)
			break;
		progress(l, rd);
	}
	thads_xml_close(x);
	return rc;
}

int
thads_load_file(struct thads_load *l, const char *path,
    struct thads_err *err)
{
	struct thads_rd *rd;
	enum thads_infmt f = infmt(l, path);
	int rc;

	if (f == THADS_IN_XML && l->map != NULL)
		return thads_seterr(err, THADS_EUSAGE, path, 0,
		    "a mapping file applies to CSV and TSV input, not XML");
	if ((rc = thads_rd_open(path, &rd, err)) != 0)
		return rc;
	l->nfiles++;
	if (f == THADS_IN_XML)
		rc = load_xml(l, rd, err);
	else
		rc = load_csv(l, rd, path, f == THADS_IN_TSV, err);
	if (rc == 0 && thads_rd_size(rd) > 0)
		l->done_before += thads_rd_size(rd);
	thads_rd_close(rd);
	return rc;
}

int
thads_load_end(struct thads_load *l, int commit, struct thads_err *err)
{
	int rc = 0, wrc = 0, crc;

	if (l == NULL)
		return 0;
	thads_import_free(l->im);
	if (l->rxml_open)
		wrc = thads_wr_printf(l->rw, err, "</rejects>\n");
	if (l->rcsv != NULL && wrc == 0)
		wrc = thads_csvw_close(l->rcsv, err);
	if (l->rw != NULL && (rc = thads_wr_close(l->rw, err)) != 0)
		wrc = wrc ? wrc : rc;
	if (commit && wrc == 0 && l->db->intx)
		rc = thads_db_commit(l->db, err);
	else
		rc = thads_db_rollback(l->db);
	crc = close_rejects(l, commit && wrc == 0 && rc == 0, err);
	thads_rec_clear(&l->rec);
	thads_map_free(l->map);
	free(l->rec.extra);
	free(l);
	return wrc ? wrc : rc ? rc : crc;
}
