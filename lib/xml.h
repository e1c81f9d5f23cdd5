/*
 * xml.h: reading the THADS interchange XML (namespace
 * urn:thads:interchange:1, described by schema/thads-interchange.xsd).
 *
 * The input is streamed with libxml2's xmlTextReader, one node at a time,
 * so memory is bounded by one <dossier>.  Each dossier becomes flat
 * records (record.h): one record per child other than <person>, each
 * with a copy of the person's fields, or a single record holding only
 * the person when the dossier has no other child.
 *
 * The reader is hardened for hostile input.  Any DOCTYPE is refused
 * before libxml2 parses it, so no entity is ever declared or expanded;
 * the input must be UTF-8; no file or URL other than the input and the
 * schema is ever opened (a process-wide external entity loader refuses
 * everything else); nesting deeper than 16 elements, a value over
 * 1 MiB, a dossier over 10,000 children or over 64 MiB are refused.
 * libxml2 never prints: its messages come back in struct thads_err.
 *
 * thads_xml_open() changes libxml2's settings for the whole process:
 * its generic error output is silenced and the entity loader stays in
 * place, so other users of libxml2 in the process open no entity either.
 * XXX: the loader's one allowed file is a static; two threads must not
 * open readers at the same time.
 */
#ifndef THADS_XML_H
#define THADS_XML_H

#include "record.h"

struct thads_rd;
struct thads_xml;

/*
 * Start reading the interchange XML from rd, which the caller opened
 * and closes after thads_xml_close().  When xsd is not NULL, it is the
 * path of the schema the input is validated against while it streams.
 * The prolog and the root element are read here: the root must be
 * <thads version="1"> in the interchange namespace.
 *
 * On success *out is a reader to free with thads_xml_close().  Returns
 * 0, or THADS_EDATA (a DOCTYPE, an encoding other than UTF-8, a wrong
 * root, malformed XML: err->file and err->line say where), THADS_EIO
 * or another code from thads_rd_read(), THADS_ECONFIG (the schema cannot
 * be loaded or is invalid), THADS_ENOMEM or THADS_ELIB; *out is then
 * NULL.
 */
int	thads_xml_open(struct thads_rd *rd, const char *xsd,
	    struct thads_xml **out, struct thads_err *err);

/*
 * Fill rec with the next record.  rec must be zeroed before the first
 * call; whatever it holds is cleared first.  The caller owns the values
 * put in rec and clears them with thads_rec_clear().  rec->file points
 * to the input's name, which stays valid until thads_xml_close();
 * rec->line is the line of the dossier child the record comes from (of
 * <person> for a dossier with no other child).  Values are trimmed of
 * leading and trailing white space and NFC-normalised; an empty
 * element is an absent value.
 *
 * Returns 1 for a record, 0 at the end of the input, or a negative
 * code: THADS_EDATA (malformed XML, a schema violation, an unknown or
 * misplaced element, a limit exceeded), a thads_rd_read() code,
 * THADS_ENOMEM.  Every error ends the stream: later calls return the
 * same code and message again.
 */
int	thads_xml_next(struct thads_xml *x, struct thads_rec *rec,
	    struct thads_err *err);

/*
 * The dossier the last record came from (or that was being read when
 * an error occurred), serialised as a standalone element
 * <dossier xmlns="urn:thads:interchange:1">, for a rejects file.  Text
 * is as read (not normalised); comments and processing instructions
 * are dropped.  "" before the first dossier.  The string belongs to x
 * and is valid until the next call to thads_xml_next() that starts a
 * new dossier.  Two dossiers may be given the same address: tell them
 * apart with thads_xml_dossier(), not by comparing pointers.
 */
const char *thads_xml_raw(struct thads_xml *x);

/* The number of the dossier the last record came from: 1, 2, ... */
long	thads_xml_dossier(const struct thads_xml *x);

/* Free x and everything it holds (not the thads_rd).  x may be NULL. */
void	thads_xml_close(struct thads_xml *x);

#endif /* THADS_XML_H */
