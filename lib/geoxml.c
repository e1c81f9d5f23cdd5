/*
 * geoxml.c: the hardened XML reader of geoxml.h, for KML and GPX.
 *
 * NEEDSWORK: the prolog scanner repeats the idea of the one in xml.c
 * (refuse DOCTYPE before libxml2 parses it) in a smaller form; the two
 * could become one shared scanner.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "geoxml.h"
#include "zio.h"

#define MAX_DEPTH	64
#define MAX_TEXT	(16L * 1024 * 1024)
#define MAX_DECL	256

enum pst { S_BOM, S_TEXT, S_LT, S_PI, S_PIQ, S_BANG, S_DASH, S_COM,
	S_COM1, S_COM2, S_DONE };

struct thads_gxml {
	xmlTextReaderPtr r;
	struct thads_rd *rd;
	const char *buf;	/* in-memory input, when rd is NULL */
	size_t	 len, pos;
	char	*name;
	struct thads_err fail;
	enum pst st;
	int	 bomk;
	int	 first;		/* nothing but a BOM seen yet */
	int	 indecl;
	char	 decl[MAX_DECL];
	size_t	 decllen;
	long	 line;		/* of the prolog scanner */
	int	 pend_end;	/* an empty element: its end comes next */
};

static int gfail(struct thads_gxml *, int, long, const char *, ...)
    __attribute__((format(printf, 4, 5)));

static int
gfail(struct thads_gxml *x, int code, long line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (x->fail.code != 0)
		return x->fail.code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return thads_seterr(&x->fail, code, x->name, line, "%s", msg);
}

/*
 * Whether the XML declaration names an encoding that spells markup in
 * ASCII (UTF-8, ASCII, ISO-8859-N, windows-125N): 1 if refused.
 */
static int
bad_encoding(struct thads_gxml *x)
{
	static const char *const ok[] = { "utf-8", "utf8", "us-ascii",
	    "ascii", "iso-8859-", "windows-125", "latin1" };
	const char *s;
	size_t i;

	x->decl[x->decllen] = '\0';
	if ((s = strstr(x->decl, "encoding")) == NULL)
		return 0;
	s += 8;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' ||
	    *s == '=')
		s++;
	if ((*s != '"' && *s != '\'') || strchr(s + 1, *s) == NULL)
		return 0;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strncasecmp(s + 1, ok[i], strlen(ok[i])) == 0)
			return 0;
	return 1;
}

/*
 * One byte of the prolog: 0, or -1 after recording the refusal.  One
 * switch over the states of a small automaton, longer than most
 * functions here, since splitting it would scatter the automaton.
 */
static int
pbyte(struct thads_gxml *x, unsigned char c)
{
	static const unsigned char bom[] = { 0xef, 0xbb, 0xbf };

	if (c == '\n')
		x->line++;
	if (c == 0)
		return gfail(x, THADS_EDATA, x->line, "NUL byte before the "
		    "root element: not XML in an ASCII-based encoding"), -1;
	switch (x->st) {
	case S_BOM:
		if (c == bom[x->bomk]) {
			if (++x->bomk == 3)
				x->st = S_TEXT;
			return 0;
		}
		if (x->bomk > 0 || c == 0xfe || c == 0xff)
			return gfail(x, THADS_EDATA, 1, "not XML in UTF-8 "
			    "or an ASCII-based encoding"), -1;
		x->st = S_TEXT;
		/* FALLTHROUGH */
	case S_TEXT:
		if (c == '<')
			x->st = S_LT;
		else if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return gfail(x, THADS_EDATA, x->line, "text before "
			    "the root element: not an XML document"), -1;
		return 0;
	case S_LT:
		if (c == '?') {
			x->st = S_PI;
			x->indecl = x->first;
			x->decllen = 0;
		} else if (c == '!')
			x->st = S_BANG;
		else
			x->st = S_DONE;
		x->first = 0;
		return 0;
	case S_BANG:
		if (c != '-')
			return gfail(x, THADS_EDATA, x->line,
			    "DOCTYPE not allowed"), -1;
		x->st = S_DASH;
		return 0;
	case S_DASH:
		if (c != '-')
			return gfail(x, THADS_EDATA, x->line,
			    "DOCTYPE not allowed"), -1;
		x->st = S_COM;
		return 0;
	case S_COM:
	case S_COM1:
		x->st = c != '-' ? S_COM : x->st == S_COM ? S_COM1 : S_COM2;
		return 0;
	case S_COM2:
		if (c != '-')
			x->st = c == '>' ? S_TEXT : S_COM;
		return 0;
	case S_PI:
	case S_PIQ:
		if (x->indecl && x->decllen + 1 < sizeof(x->decl))
			x->decl[x->decllen++] = (char)c;
		if (x->st == S_PIQ && c == '>') {
			x->st = S_TEXT;
			if (x->indecl && bad_encoding(x))
				return gfail(x, THADS_EDATA, x->line,
				    "encoding not accepted: use UTF-8"), -1;
			x->indecl = 0;
			return 0;
		}
		x->st = c == '?' ? S_PIQ : S_PI;
		return 0;
	default:
		return 0;
	}
}

static int
ioread(void *ctx, char *buf, int len)
{
	struct thads_gxml *x = ctx;
	struct thads_err e;
	long n, i;

	if (x->fail.code != 0)
		return -1;
	if (x->rd != NULL) {
		thads_clearerr(&e);
		if ((n = thads_rd_read(x->rd, buf, (size_t)len, &e)) < 0) {
			x->fail = e;
			if (x->fail.code == 0)
				x->fail.code = (int)n;
			return -1;
		}
	} else {
		n = (long)(x->len - x->pos < (size_t)len ? x->len - x->pos :
		    (size_t)len);
		memcpy(buf, x->buf + x->pos, (size_t)n);
		x->pos += (size_t)n;
	}
	for (i = 0; i < n && x->st != S_DONE; i++)
		if (pbyte(x, (unsigned char)buf[i]) != 0)
			return -1;
	return (int)n;
}

static void
onerror(void *arg, xmlErrorPtr e)
{
	struct thads_gxml *x = arg;
	char msg[300];
	size_t n;

	if (e == NULL || e->level < XML_ERR_ERROR || x->fail.code != 0)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "error");
	n = strlen(msg);
	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	gfail(x, THADS_EDATA, e->line, "cannot parse XML: %s", msg);
}

static void
quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

static void
quiet_structured(void *ctx, xmlErrorPtr e)
{
	(void)ctx;
	(void)e;
}

/* No external entity, DTD or URL is ever loaded by these readers. */
static xmlParserInputPtr
refuse(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	(void)url;
	(void)id;
	(void)ctxt;
	return NULL;
}

int
thads_gxml_open(struct thads_rd *rd, const char *buf, size_t len,
    const char *name, struct thads_gxml **out, struct thads_err *err)
{
	struct thads_gxml *x;

	*out = NULL;
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->name = strdup(name ? name : "(xml)")) == NULL) {
		free(x);
		return thads_seterr(err, THADS_ENOMEM, name, 0,
		    "out of memory");
	}
	x->rd = rd;
	x->buf = buf;
	x->len = len;
	x->first = 1;
	x->line = 1;
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
	xmlSetExternalEntityLoader(refuse);
	/*
	 * Never XML_PARSE_NOENT, DTDLOAD, DTDATTR, XINCLUDE or HUGE: see
	 * the head of this file.
	 */
	x->r = xmlReaderForIO(ioread, NULL, x, x->name, NULL,
	    XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	if (x->r == NULL) {
		thads_gxml_close(x);
		return thads_seterr(err, THADS_ENOMEM, name, 0,
		    "out of memory");
	}
	xmlTextReaderSetStructuredErrorHandler(x->r, onerror, x);
	*out = x;
	return 0;
}

static int
report(struct thads_gxml *x, struct thads_err *err)
{
	if (err != NULL)
		*err = x->fail;
	return x->fail.code;
}

int
thads_gxml_next(struct thads_gxml *x, struct thads_err *err)
{
	int rc, t;

	if (x->pend_end) {
		x->pend_end = 0;
		return THADS_GX_END;
	}
	for (;;) {
		if (x->fail.code != 0)
			return report(x, err);
		rc = xmlTextReaderRead(x->r);
		if (x->fail.code != 0)
			return report(x, err);
		if (rc < 0) {
			gfail(x, THADS_EDATA,
			    xmlTextReaderGetParserLineNumber(x->r),
			    "cannot parse XML");
			return report(x, err);
		}
		if (rc == 0)
			return 0;
		t = xmlTextReaderNodeType(x->r);
		switch (t) {
		case XML_READER_TYPE_DOCUMENT_TYPE:
			gfail(x, THADS_EDATA, thads_gxml_line(x),
			    "DOCTYPE not allowed");
			return report(x, err);
		case XML_READER_TYPE_ENTITY_REFERENCE:
			gfail(x, THADS_EDATA, thads_gxml_line(x),
			    "entity reference not allowed");
			return report(x, err);
		case XML_READER_TYPE_ELEMENT:
			if (xmlTextReaderDepth(x->r) >= MAX_DEPTH) {
				gfail(x, THADS_EDATA, thads_gxml_line(x),
				    "element nesting deeper than %d",
				    MAX_DEPTH);
				return report(x, err);
			}
			x->pend_end = xmlTextReaderIsEmptyElement(x->r) == 1;
			return THADS_GX_START;
		case XML_READER_TYPE_END_ELEMENT:
			return THADS_GX_END;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
			if (strlen(thads_gxml_text(x)) > MAX_TEXT) {
				gfail(x, THADS_EDATA, thads_gxml_line(x),
				    "text longer than 16 MiB");
				return report(x, err);
			}
			return THADS_GX_TEXT;
		default:
			continue;
		}
	}
}

const char *
thads_gxml_name(struct thads_gxml *x)
{
	const xmlChar *v = xmlTextReaderConstLocalName(x->r);

	return v != NULL ? (const char *)v : "";
}

const char *
thads_gxml_ns(struct thads_gxml *x)
{
	const xmlChar *v = xmlTextReaderConstNamespaceUri(x->r);

	return v != NULL ? (const char *)v : "";
}

const char *
thads_gxml_text(struct thads_gxml *x)
{
	const xmlChar *v = xmlTextReaderConstValue(x->r);

	return v != NULL ? (const char *)v : "";
}

char *
thads_gxml_attr(struct thads_gxml *x, const char *name)
{
	xmlChar *v = xmlTextReaderGetAttribute(x->r, (const xmlChar *)name);
	char *s;

	if (v == NULL)
		return NULL;
	s = strdup((const char *)v);
	xmlFree(v);
	return s;
}

long
thads_gxml_line(struct thads_gxml *x)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(x->r);

	if (n != NULL && n->line > 0 && n->line < 65535)
		return n->line;
	if (n != NULL && n->type == XML_TEXT_NODE && n->psvi != NULL)
		return (long)(intptr_t)n->psvi;
	return xmlTextReaderGetParserLineNumber(x->r);
}

int
thads_gxml_depth(struct thads_gxml *x)
{
	return xmlTextReaderDepth(x->r);
}

void
thads_gxml_close(struct thads_gxml *x)
{
	if (x == NULL)
		return;
	if (x->r != NULL)
		xmlFreeTextReader(x->r);
	free(x->name);
	free(x);
}
