/*
 * geoxml.h: a hardened libxml2 reader for the XML formats of electronic
 * monitoring: KML zones and GPX tracks.
 *
 * The protection is that of the interchange reader (xml.c): the bytes
 * go through a scanner of the prolog before libxml2 sees them, which
 * refuses any DOCTYPE (so no entity is ever declared or expanded) and
 * any encoding that does not spell markup in ASCII (UTF-16, UTF-32,
 * EBCDIC: the scanner could not vouch for them); the parser runs with
 * XML_PARSE_NONET and none of the options that load a DTD, substitute
 * entities or lift size limits; the process-wide external entity loader
 * refuses everything.  Nesting deeper than 64 elements and a text node
 * over 16 MiB are refused.  libxml2 never prints.
 *
 * The document is streamed (xmlTextReader), so a GPX track of any
 * length is read in constant memory.
 */
#ifndef THADS_GEOXML_H
#define THADS_GEOXML_H

#include <stddef.h>

#include "thads.h"

struct thads_rd;
struct thads_gxml;

enum thads_gxml_node {
	THADS_GX_START = 1,	/* an element starts (empty ones too) */
	THADS_GX_END,		/* an element ends (empty ones too) */
	THADS_GX_TEXT		/* text or CDATA */
};

/*
 * Start reading XML from rd (streamed), or when rd is NULL from the len
 * bytes at buf (which must outlive the reader).  name is used in
 * messages.  Returns 0 and *out, or THADS_ENOMEM.  Errors in the
 * document show at thads_gxml_next().
 */
int	thads_gxml_open(struct thads_rd *rd, const char *buf, size_t len,
	    const char *name, struct thads_gxml **out, struct thads_err *err);

/*
 * Move to the next node of interest and return its kind
 * (THADS_GX_START, THADS_GX_END, THADS_GX_TEXT), 0 at the end of the
 * document, or a negative code: THADS_EDATA for a DOCTYPE, a refused
 * encoding, malformed XML or a limit exceeded (err->file and err->line
 * say where), or the reader's error.  Every error is final.
 */
int	thads_gxml_next(struct thads_gxml *x, struct thads_err *err);

/* The local name of the element at hand (no prefix), or "". */
const char *thads_gxml_name(struct thads_gxml *x);

/* The namespace URI of the element at hand, or "". */
const char *thads_gxml_ns(struct thads_gxml *x);

/* The value of the text node at hand, or "". */
const char *thads_gxml_text(struct thads_gxml *x);

/*
 * The attribute called name (no namespace) of the element at hand, as
 * a malloc'd string the caller frees, or NULL when absent.
 */
char	*thads_gxml_attr(struct thads_gxml *x, const char *name);

/* The line of the node at hand. */
long	thads_gxml_line(struct thads_gxml *x);

/* The element depth of the node at hand (the root is 0). */
int	thads_gxml_depth(struct thads_gxml *x);

void	thads_gxml_close(struct thads_gxml *x);

#endif /* THADS_GEOXML_H */
