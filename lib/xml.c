/*
 * xml.c: the interchange XML reader of xml.h.
 *
 * The document is read node by node with xmlTextReader.  Three nested
 * loops follow the three levels of the format (a dossier holds kinds, a
 * kind holds fields, a field holds text); anything else met on the way
 * is an unknown element.  Every node passes check_node(), which applies
 * the limits, so that no hostile shape gets past them.
 *
 * libxml2 is never given the chance to parse a DOCTYPE: the bytes it
 * reads go through a small scanner of the prolog first (prolog_scan()),
 * which refuses a DOCTYPE, a declared encoding other than UTF-8, and any
 * byte that a prolog spelt in ASCII cannot hold.  UTF-16, UTF-32, EBCDIC
 * and the like are refused there, since a scanner of bytes can only
 * vouch for an encoding that spells markup in ASCII.  Nothing in the
 * DOCTYPE is parsed, so no entity is declared, loaded or expanded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/uri.h>
#include <libxml/xmlIO.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <uninorm.h>

#include "thads.h"
#include "record.h"
#include "xml.h"
#include "zio.h"

#define NS		"urn:thads:interchange:1"
#define MAX_DEPTH	16
#define MAX_VALUE	(1024L * 1024)
#define MAX_CHILDREN	10000
#define MAX_DOSSIER	(64L * 1024 * 1024)
#define MAX_DECL	256

/* Where the prolog scanner stands. */
enum pstate {
	P_BOM, P_TEXT, P_LT, P_PI, P_PIQ, P_BANG, P_DASH, P_COMMENT,
	P_COMMENT1, P_COMMENT2, P_DOCTYPE, P_DONE
};

/* What the prolog scanner refused. */
enum { PR_OK, PR_DOCTYPE, PR_BYTE, PR_DECL, PR_ENC };

struct prolog {
	enum pstate state;
	int	 k;		/* bytes matched of the BOM or "DOCTYPE" */
	int	 first;		/* nothing but a BOM seen so far */
	int	 indecl;	/* inside the XML declaration */
	long	 line;
	long	 ltline;	/* line of the last '<' */
	char	 decl[MAX_DECL];
	size_t	 decllen;
	char	 enc[48];	/* a refused encoding, for the message */
};

struct buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
};

struct thads_xml {
	struct thads_rd *rd;
	char	*name;
	xmlTextReaderPtr r;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vctxt;
	struct thads_err fail;	/* what ended the stream, or code 0 */
	struct prolog pro;
	const char *xsd;	/* while the schema loads: errors are its */
	int	 ended;		/* the root element is closed */
	int	 eof;		/* and the input is read to its end */
	long	 lastline;	/* see track_line() */
	long long nread;	/* bytes read from the input */

	/* The dossier being read, then handed out record by record. */
	long	 ndossier;
	struct thads_rec person;
	int	 haveperson;
	struct thads_rec *kids;	/* one per child other than <person> */
	size_t	 nkids;
	size_t	 kidcap;
	size_t	 nrec;		/* records to hand out */
	size_t	 nout;		/* records handed out */
	size_t	 children;
	unsigned char seen[F_COUNT];	/* fields of the current child */
	struct buf raw;
	struct buf val;
};

/*
 * The schema file being loaded, the one file that the entity loader
 * lets through, as given and as libxml2 canonicalises it.
 * XXX: process-wide, as libxml2's loader is; not safe if two threads
 * open readers at once.
 */
static const char *allowed_xsd;
static char *allowed_canon;

static int fatal(struct thads_xml *, int, long, const char *, ...)
    __attribute__((format(printf, 4, 5)));

static int
fatal(struct thads_xml *x, int code, long line, const char *fmt, ...)
{
	char msg[sizeof(x->fail.msg)];
	va_list ap;

	if (x->fail.code != 0)
		return x->fail.code;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return thads_seterr(&x->fail, code, x->name, line, "%s", msg);
}

/* Copy the error that ended the stream to err and return its code. */
static int
report(const struct thads_xml *x, struct thads_err *err)
{
	if (err != NULL)
		*err = x->fail;
	return x->fail.code;
}

static int
nomem(struct thads_xml *x)
{
	return fatal(x, THADS_ENOMEM, 0, "out of memory");
}

static int
buf_add(struct buf *b, const char *s, size_t n)
{
	size_t cap;
	char *p;

	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((p = realloc(b->s, cap)) == NULL)
			return THADS_ENOMEM;
		b->s = p;
		b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int
buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* Append s escaped for element content, or for a "" attribute value. */
static int
buf_esc(struct buf *b, const char *s, int attr)
{
	const char *stop = attr ? "&<>\"\t\n\r" : "&<>\r";
	char ent[8];
	size_t n;
	int rc;

	for (;;) {
		n = strcspn(s, stop);
		if ((rc = buf_add(b, s, n)) != 0 || s[n] == '\0')
			return rc;
		s += n;
		if (*s == '&' || *s == '<' || *s == '>' || *s == '"')
			snprintf(ent, sizeof(ent), "&%s;", *s == '&' ? "amp" :
			    *s == '<' ? "lt" : *s == '>' ? "gt" : "quot");
		else
			snprintf(ent, sizeof(ent), "&#%d;", *s);
		if ((rc = buf_str(b, ent)) != 0)
			return rc;
		s++;
	}
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
all_space(const char *s)
{
	while (is_space((unsigned char)*s))
		s++;
	return *s == '\0';
}

/*
 * Whether the XML declaration in p->decl ("xml version=... ?>") names an
 * encoding other than UTF-8 or its ASCII subset.  A declaration that
 * does not parse is left to libxml2.
 */
static int
decl_refused(struct prolog *p)
{
	static const char *const ok[] = { "UTF-8", "UTF8", "US-ASCII",
	    "ASCII" };
	const char *s, *end;
	size_t i, n;

	p->decl[p->decllen] = '\0';
	if (strncmp(p->decl, "xml", 3) != 0 || !is_space(p->decl[3]) ||
	    (s = strstr(p->decl, "encoding")) == NULL)
		return 0;
	for (s += 8; is_space(*s); s++)
		continue;
	if (*s++ != '=')
		return 0;
	while (is_space(*s))
		s++;
	if ((*s != '"' && *s != '\'') || (end = strchr(s + 1, *s)) == NULL)
		return 0;
	n = (size_t)(end - s - 1);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == n && strncasecmp(s + 1, ok[i], n) == 0)
			return 0;
	snprintf(p->enc, sizeof(p->enc), "%.*s", (int)n, s + 1);
	return 1;
}

/* One byte of a processing instruction, the XML declaration maybe. */
static int
pro_pi(struct prolog *p, unsigned char c)
{
	if (p->indecl) {
		if (p->decllen + 1 >= sizeof(p->decl))
			return PR_DECL;
		p->decl[p->decllen++] = (char)c;
	}
	if (p->state == P_PIQ && c == '>') {
		p->state = P_TEXT;
		if (!p->indecl)
			return PR_OK;
		p->indecl = 0;
		return decl_refused(p) ? PR_ENC : PR_OK;
	}
	p->state = c == '?' ? P_PIQ : P_PI;
	return PR_OK;
}

/* One byte after "<", "<!", "<!-" or inside "<!DOCTYPE". */
static int
pro_markup(struct prolog *p, unsigned char c)
{
	static const char doctype[] = "DOCTYPE";

	switch (p->state) {
	case P_LT:
		if (c == '?') {
			p->state = P_PI;
			p->indecl = p->first;
			p->decllen = 0;
		} else if (c == '!')
			p->state = P_BANG;
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			p->state = P_DONE;
		else if (c == '_' || c == ':' || c >= 0x80)
			p->state = P_DONE;
		else
			return PR_BYTE;
		p->first = 0;
		return PR_OK;
	case P_BANG:
		p->state = c == '-' ? P_DASH : P_DOCTYPE;
		p->k = 0;
		return c == '-' ? PR_OK : pro_markup(p, c);
	case P_DASH:
		p->state = P_COMMENT;
		return c == '-' ? PR_OK : PR_BYTE;
	default:
		if ((c & ~0x20) != (unsigned char)doctype[p->k])
			return PR_BYTE;
		return ++p->k == 7 ? PR_DOCTYPE : PR_OK;
	}
}

/* One byte of the prolog, before the root element's start tag. */
static int
pro_byte(struct prolog *p, unsigned char c)
{
	static const unsigned char bom[] = { 0xef, 0xbb, 0xbf };

	switch (p->state) {
	case P_BOM:
		if (c == bom[p->k]) {
			if (++p->k == 3)
				p->state = P_TEXT;
			return PR_OK;
		}
		if (p->k > 0)
			return PR_BYTE;
		p->state = P_TEXT;
		/* FALLTHROUGH */
	case P_TEXT:
		if (c == '<') {
			p->state = P_LT;
			p->ltline = p->line;
			return PR_OK;
		}
		p->first = 0;
		return is_space(c) ? PR_OK : PR_BYTE;
	case P_PI:
	case P_PIQ:
		return pro_pi(p, c);
	case P_COMMENT:
	case P_COMMENT1:
		p->state = c != '-' ? P_COMMENT : p->state == P_COMMENT ?
		    P_COMMENT1 : P_COMMENT2;
		return PR_OK;
	case P_COMMENT2:
		if (c != '-')
			p->state = c == '>' ? P_TEXT : P_COMMENT;
		return PR_OK;
	default:
		return pro_markup(p, c);
	}
}

static int
prolog_scan(struct thads_xml *x, const unsigned char *s, long n)
{
	struct prolog *p = &x->pro;
	long i;

	for (i = 0; i < n && p->state != P_DONE; i++) {
		switch (pro_byte(p, s[i])) {
		case PR_OK:
			break;
		case PR_DOCTYPE:
			return fatal(x, THADS_EDATA, p->ltline,
			    "DOCTYPE not allowed");
		case PR_DECL:
			return fatal(x, THADS_EDATA, p->line,
			    "XML declaration longer than %d bytes", MAX_DECL);
		case PR_ENC:
			return fatal(x, THADS_EDATA, p->line, "encoding '%s' "
			    "not accepted: the interchange format is UTF-8",
			    p->enc);
		default:
			return fatal(x, THADS_EDATA, p->line, "not an XML "
			    "document in UTF-8: unexpected byte 0x%02x before "
			    "the root element", s[i]);
		}
		if (s[i] == '\n')
			p->line++;
	}
	return 0;
}

/* libxml2's read callback: the input, through the prolog scanner. */
static int
ioread(void *ctx, char *buf, int len)
{
	struct thads_xml *x = ctx;
	struct thads_err e;
	long n;

	if (x->fail.code != 0)
		return -1;
	thads_clearerr(&e);
	n = thads_rd_read(x->rd, buf, (size_t)len, &e);
	if (n < 0) {
		x->fail = e;
		if (x->fail.code == 0)
			x->fail.code = (int)n;
		return -1;
	}
	x->nread += n;
	if (prolog_scan(x, (const unsigned char *)buf, n) != 0)
		return -1;
	return (int)n;
}

/*
 * The element open when the input ended, if e says so.  libxml2's push
 * parser, which the reader uses, calls a truncated document "Extra
 * content at the end of the document"; its context tells the two apart.
 */
static const char *
truncated(xmlErrorPtr e)
{
	xmlParserCtxtPtr ctxt = e->ctxt;

	if (e->domain != XML_FROM_PARSER || e->code != XML_ERR_DOCUMENT_END ||
	    ctxt == NULL || ctxt->nameNr < 1 || ctxt->name == NULL)
		return NULL;
	return (const char *)ctxt->name;
}

/* libxml2's errors, from the parser, the schema parser or validator. */
/*
 * libxml2's messages end in a new line and some hold one inside ("...
 * indicate encoding !\nBytes: ..."): one line, white space runs made one
 * space.
 */
static void
tidy_message(char *buf, size_t size, const char *m)
{
	size_t n = 0;
	int sp = 0;

	for (; *m != '\0' && n + 1 < size; m++) {
		if (is_space((unsigned char)*m)) {
			sp = n > 0;
			continue;
		}
		if (sp && n + 2 < size)
			buf[n++] = ' ';
		sp = 0;
		buf[n++] = *m;
	}
	buf[n] = '\0';
}

static void
onerror(void *arg, xmlErrorPtr e)
{
	struct thads_xml *x = arg;
	char msg[400];

	if (e == NULL || e->level < XML_ERR_ERROR || x->fail.code != 0)
		return;
	tidy_message(msg, sizeof(msg), e->message ? e->message : "error");
	if (x->xsd != NULL)
		thads_seterr(&x->fail, THADS_ECONFIG, e->file ? e->file :
		    x->xsd, e->line, "cannot load schema: %s", msg);
	else if (x->nread == 0)
		fatal(x, THADS_EDATA, 1, "cannot parse XML: the input is "
		    "empty");
	else if (truncated(e))
		fatal(x, THADS_EDATA, e->line, "cannot parse XML: input ends "
		    "inside <%s>: truncated document", truncated(e));
	else if (e->domain == XML_FROM_SCHEMASV)
		fatal(x, THADS_EDATA, e->line, "schema violation: %s", msg);
	else
		fatal(x, THADS_EDATA, e->line, "cannot parse XML: %s", msg);
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

/*
 * The external entity loader: everything is refused but the schema
 * being loaded, so that no file or URL other than the input and the
 * schema is ever opened, whatever a document or a schema asks for.
 */
static xmlParserInputPtr
loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	if (url == NULL || allowed_xsd == NULL)
		return NULL;
	if (strcmp(url, allowed_xsd) != 0 && (allowed_canon == NULL ||
	    strcmp(url, allowed_canon) != 0))
		return NULL;
	return xmlNoNetExternalEntityLoader(url, id, ctxt);
}

/* The process-wide libxml2 settings: silence, and the loader. */
static void
setup(void)
{
	xmlInitParser();
	xmlSetGenericErrorFunc(NULL, quiet);
	xmlSetStructuredErrorFunc(NULL, quiet_structured);
	if (xmlGetExternalEntityLoader() != loader)
		xmlSetExternalEntityLoader(loader);
}

static int
load_schema(struct thads_xml *x, const char *xsd)
{
	xmlSchemaParserCtxtPtr pc;

	if ((pc = xmlSchemaNewParserCtxt(xsd)) == NULL)
		return nomem(x);
	xmlSchemaSetParserStructuredErrors(pc, onerror, x);
	allowed_xsd = xsd;
	allowed_canon = (char *)xmlCanonicPath((const xmlChar *)xsd);
	x->xsd = xsd;
	x->schema = xmlSchemaParse(pc);
	x->xsd = NULL;
	xmlFree(allowed_canon);
	allowed_canon = NULL;
	allowed_xsd = NULL;
	xmlSchemaFreeParserCtxt(pc);
	if (x->schema == NULL && x->fail.code == 0)
		thads_seterr(&x->fail, THADS_ECONFIG, xsd, 0,
		    "cannot load schema");
	if (x->schema == NULL)
		return x->fail.code;
	if ((x->vctxt = xmlSchemaNewValidCtxt(x->schema)) == NULL)
		return nomem(x);
	return 0;
}

/*
 * The options are deliberately few: never XML_PARSE_NOENT, DTDLOAD,
 * DTDATTR, XINCLUDE or HUGE, which would substitute or fetch entities,
 * read a DTD, follow XInclude, or lift libxml2's own size limits.
 */
static int
start_reader(struct thads_xml *x)
{
	x->r = xmlReaderForIO(ioread, NULL, x, x->name, NULL,
	    XML_PARSE_NONET | XML_PARSE_BIG_LINES);
	if (x->r == NULL)
		return x->fail.code ? x->fail.code : nomem(x);
	xmlTextReaderSetStructuredErrorHandler(x->r, onerror, x);
	if (x->vctxt == NULL)
		return 0;
	xmlSchemaSetValidStructuredErrors(x->vctxt, onerror, x);
	if (xmlTextReaderSchemaValidateCtxt(x->r, x->vctxt, 0) != 0)
		return fatal(x, THADS_ELIB, 0, "cannot start schema "
		    "validation");
	return 0;
}

static int
type(struct thads_xml *x)
{
	return xmlTextReaderNodeType(x->r);
}

static const char *
value(struct thads_xml *x)
{
	const xmlChar *v = xmlTextReaderConstValue(x->r);

	return v != NULL ? (const char *)v : "";
}

/*
 * What libxml2 knows of the current node's line, or 0.  A node keeps 16
 * bits of line; with XML_PARSE_BIG_LINES, a text node keeps the whole
 * line in psvi.  Either way a text node holds the line where the first
 * piece of it that the parser handed over ended.
 */
static long
known_line(struct thads_xml *x)
{
	xmlNodePtr n = xmlTextReaderCurrentNode(x->r);

	if (n == NULL)
		return 0;
	if (n->line > 0 && n->line < 65535)
		return n->line;
	if (n->type == XML_TEXT_NODE && n->psvi != NULL)
		return (long)(intptr_t)n->psvi;
	return 0;
}

static long
newlines(const char *s)
{
	long n = 0;

	while ((s = strchr(s, '\n')) != NULL)
		s++, n++;
	return n;
}

/*
 * Follow the line through the nodes read, for the elements past line
 * 65535, of which libxml2 keeps no line.  Such an element starts where
 * the node before it ended: a text node ends its newlines after where
 * it began, and no earlier than the line libxml2 gave it.  (xmlGetLineNo
 * would take the line of the element's first child instead, which is
 * where that child's text ends.)  Newlines inside tags are missed, until
 * the next text node sets the line right.
 */
static void
track_line(struct thads_xml *x)
{
	long known = known_line(x), end;
	int t = type(x);

	if (t == XML_READER_TYPE_ELEMENT) {
		if (known > 0)
			x->lastline = known;
	} else if (t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
	    t == XML_READER_TYPE_WHITESPACE ||
	    t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
		end = x->lastline + newlines(value(x));
		x->lastline = known > end ? known : end;
	} else if (t == XML_READER_TYPE_COMMENT ||
	    t == XML_READER_TYPE_PROCESSING_INSTRUCTION)
		x->lastline += newlines(value(x));
}

/* The line of the current node: for an element, of its start tag. */
static long
node_line(struct thads_xml *x)
{
	long known = known_line(x);

	if (type(x) == XML_READER_TYPE_ELEMENT && known > 0)
		return known;
	return x->lastline;
}

static int
is_text(int t)
{
	return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
	    t == XML_READER_TYPE_WHITESPACE ||
	    t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

static const char *
localname(struct thads_xml *x)
{
	const xmlChar *v = xmlTextReaderConstLocalName(x->r);

	return v != NULL ? (const char *)v : "";
}

/* Whether the current element is in the interchange namespace. */
static int
ours(struct thads_xml *x)
{
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(x->r);

	return ns != NULL && strcmp((const char *)ns, NS) == 0;
}

/* The current element's name as written in raw and in messages. */
static const char *
elname(struct thads_xml *x)
{
	const xmlChar *q = xmlTextReaderConstName(x->r);

	if (ours(x) || q == NULL)
		return localname(x);
	return (const char *)q;
}

/* The limits, and the node types never allowed. */
static int
check_node(struct thads_xml *x)
{
	switch (type(x)) {
	case XML_READER_TYPE_DOCUMENT_TYPE:
		return fatal(x, THADS_EDATA, node_line(x),
		    "DOCTYPE not allowed");
	case XML_READER_TYPE_ENTITY_REFERENCE:
		return fatal(x, THADS_EDATA, node_line(x),
		    "entity reference not allowed");
	case XML_READER_TYPE_ELEMENT:
		if (xmlTextReaderDepth(x->r) < MAX_DEPTH)
			return 0;
		return fatal(x, THADS_EDATA, node_line(x),
		    "element nesting deeper than %d", MAX_DEPTH);
	default:
		if (!is_text(type(x)) || strlen(value(x)) <= MAX_VALUE)
			return 0;
		return fatal(x, THADS_EDATA, node_line(x),
		    "value longer than 1 MiB");
	}
}

/* Move to the next node: 1, 0 at the end of the input, or an error. */
static int
step(struct thads_xml *x)
{
	int rc = xmlTextReaderRead(x->r);

	if (x->fail.code != 0)
		return x->fail.code;
	if (rc < 0) {
		/* No error reached the handler: ask libxml2 for its last. */
		const xmlError *e = xmlGetLastError();
		char msg[400] = "";

		if (e != NULL && e->message != NULL)
			tidy_message(msg, sizeof(msg), e->message);
		return fatal(x, THADS_EDATA,
		    xmlTextReaderGetParserLineNumber(x->r),
		    msg[0] ? "cannot parse XML: %s" : "cannot parse XML%s",
		    msg);
	}
	if (rc == 0)
		return 0;
	track_line(x);
	return check_node(x) != 0 ? x->fail.code : 1;
}

static int
premature(struct thads_xml *x, int rc)
{
	if (rc != 0)
		return rc;
	return fatal(x, THADS_EDATA, xmlTextReaderGetParserLineNumber(x->r),
	    "unexpected end of input");
}

static int
raw_check(struct thads_xml *x, int rc)
{
	if (rc != 0)
		return nomem(x);
	if (x->raw.len > MAX_DOSSIER)
		return fatal(x, THADS_EDATA, node_line(x),
		    "dossier larger than 64 MiB");
	return 0;
}

/* The namespace declaration raw needs for an element not ours. */
static int
raw_ns(struct thads_xml *x)
{
	const xmlChar *ns = xmlTextReaderConstNamespaceUri(x->r);
	const xmlChar *prefix = xmlTextReaderConstPrefix(x->r);
	int rc;

	rc = buf_str(&x->raw, " xmlns");
	if (rc == 0 && prefix != NULL) {
		rc = buf_str(&x->raw, ":");
		if (rc == 0)
			rc = buf_str(&x->raw, (const char *)prefix);
	}
	if (rc == 0)
		rc = buf_str(&x->raw, "=\"");
	if (rc == 0 && ns != NULL)
		rc = buf_esc(&x->raw, (const char *)ns, 1);
	return rc ? rc : buf_str(&x->raw, "\"");
}

static int
raw_attrs(struct thads_xml *x)
{
	int ok, rc = 0;

	for (ok = xmlTextReaderMoveToFirstAttribute(x->r); ok == 1 &&
	    rc == 0; ok = xmlTextReaderMoveToNextAttribute(x->r)) {
		if (xmlTextReaderIsNamespaceDecl(x->r) == 1)
			continue;
		rc = buf_str(&x->raw, " ");
		if (rc == 0)
			rc = buf_str(&x->raw,
			    (const char *)xmlTextReaderConstName(x->r));
		if (rc == 0)
			rc = buf_str(&x->raw, "=\"");
		if (rc == 0)
			rc = buf_esc(&x->raw, value(x), 1);
		if (rc == 0)
			rc = buf_str(&x->raw, "\"");
	}
	xmlTextReaderMoveToElement(x->r);
	return rc;
}

/*
 * Append the current start tag to raw; top marks the <dossier>, which
 * carries the namespace so that raw stands on its own.
 */
static int
raw_start(struct thads_xml *x, int top)
{
	int empty = xmlTextReaderIsEmptyElement(x->r) == 1, rc;

	rc = buf_str(&x->raw, "<");
	if (rc == 0)
		rc = buf_str(&x->raw, elname(x));
	if (rc == 0 && top)
		rc = buf_str(&x->raw, " xmlns=\"" NS "\"");
	else if (rc == 0 && !ours(x))
		rc = raw_ns(x);
	if (rc == 0)
		rc = raw_attrs(x);
	if (rc == 0)
		rc = buf_str(&x->raw, empty ? "/>" : ">");
	return raw_check(x, rc);
}

static int
raw_end(struct thads_xml *x)
{
	int rc;

	rc = buf_str(&x->raw, "</");
	if (rc == 0)
		rc = buf_str(&x->raw, elname(x));
	if (rc == 0)
		rc = buf_str(&x->raw, ">");
	return raw_check(x, rc);
}

static int
raw_text(struct thads_xml *x)
{
	return raw_check(x, buf_esc(&x->raw, value(x), 0));
}

/* Any node inside an unknown element, for raw. */
static int
raw_node(struct thads_xml *x)
{
	int t = type(x);

	if (t == XML_READER_TYPE_ELEMENT)
		return raw_start(x, 0);
	if (t == XML_READER_TYPE_END_ELEMENT)
		return raw_end(x);
	if (is_text(t))
		return raw_text(x);
	return 0;
}

/*
 * An element where none of its name belongs: read through it, so that
 * raw holds it and the limits apply to it, then refuse it.
 */
static int
unknown(struct thads_xml *x, const char *parent)
{
	const char *name = elname(x);
	long line = node_line(x);
	int depth = xmlTextReaderDepth(x->r), rc;

	if ((rc = raw_start(x, 0)) != 0)
		return rc;
	if (xmlTextReaderIsEmptyElement(x->r) != 1) {
		while ((rc = step(x)) == 1 &&
		    (type(x) != XML_READER_TYPE_END_ELEMENT ||
		    xmlTextReaderDepth(x->r) != depth))
			if ((rc = raw_node(x)) != 0)
				return rc;
		if (rc != 1)
			return premature(x, rc);
		if ((rc = raw_end(x)) != 0)
			return rc;
	}
	return fatal(x, THADS_EDATA, line, "unknown element <%s> in <%s>",
	    name, parent);
}

/* Text between elements: white space is kept in raw, the rest refused. */
static int
between(struct thads_xml *x, const char *parent, int keep)
{
	if (!all_space(value(x)))
		return fatal(x, THADS_EDATA, node_line(x),
		    "unexpected text in <%s>", parent);
	return keep ? raw_text(x) : 0;
}

/*
 * Store s (n bytes) as field f of rec, or as the extra called key:
 * trimmed of white space and NFC-normalised; nothing when empty.
 */
static int
store(struct thads_rec *rec, int f, const char *key, const char *s,
    size_t n)
{
	uint8_t *norm = NULL;
	size_t i, len = 0;
	int rc;

	while (n > 0 && is_space((unsigned char)*s))
		s++, n--;
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	if (n == 0)
		return 0;
	for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
		continue;
	if (i < n) {
		norm = u8_normalize(UNINORM_NFC, (const uint8_t *)s, n, NULL,
		    &len);
		if (norm == NULL)
			return errno == ENOMEM ? THADS_ENOMEM : THADS_EDATA;
		s = (const char *)norm;
		n = len;
	}
	if (key != NULL)
		rc = thads_rec_extra(rec, key, s, n);
	else
		rc = thads_rec_set(rec, (enum thads_fid)f, s, n);
	free(norm);
	return rc;
}

/* The text of the field element the reader is on, into x->val. */
static int
read_field(struct thads_xml *x)
{
	const char *name = elname(x);
	int rc, t;

	x->val.len = 0;
	if ((rc = raw_start(x, 0)) != 0 ||
	    xmlTextReaderIsEmptyElement(x->r) == 1)
		return rc;
	while ((rc = step(x)) == 1) {
		t = type(x);
		if (t == XML_READER_TYPE_END_ELEMENT)
			return raw_end(x);
		if (t == XML_READER_TYPE_ELEMENT)
			return unknown(x, name);
		if (!is_text(t))
			continue;
		if (buf_str(&x->val, value(x)) != 0)
			return nomem(x);
		if (x->val.len > MAX_VALUE)
			return fatal(x, THADS_EDATA, node_line(x),
			    "value longer than 1 MiB");
		if ((rc = raw_text(x)) != 0)
			return rc;
	}
	return premature(x, rc);
}

static int
store_value(struct thads_xml *x, struct thads_rec *rec, int f,
    const char *key, long line)
{
	int rc = store(rec, f, key, x->val.s, x->val.len);

	if (rc == THADS_EDATA)
		return fatal(x, rc, line, "value is not valid UTF-8");
	return rc != 0 ? nomem(x) : 0;
}

static int
extra_name_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '_'))
			return 0;
	return 1;
}

/* <extra name="X">, which only an episode holds. */
static int
read_extra(struct thads_xml *x, struct thads_rec *rec)
{
	xmlChar *key = xmlTextReaderGetAttribute(x->r, BAD_CAST "name");
	long line = node_line(x);
	size_t i;
	int rc;

	if (key == NULL || !extra_name_ok((const char *)key)) {
		xmlFree(key);
		return fatal(x, THADS_EDATA, line, "<extra> in <episode> "
		    "needs a name of letters, digits and '_'");
	}
	for (i = 0; i < rec->nextra; i++)
		if (strcmp(rec->extra[i].key, (const char *)key) == 0) {
			rc = fatal(x, THADS_EDATA, line, "duplicate "
			    "<extra name=\"%s\"> in <episode>", key);
			xmlFree(key);
			return rc;
		}
	rc = read_field(x);
	if (rc == 0)
		rc = store_value(x, rec, -1, (const char *)key, line);
	xmlFree(key);
	return rc;
}

/* One element inside a kind: a field of that kind, or an extra. */
static int
field(struct thads_xml *x, enum thads_kind kind, struct thads_rec *rec)
{
	const char *kname = thads_kind_name(kind);
	long line = node_line(x);
	char name[128];
	int f, n, rc;

	if (!ours(x))
		return unknown(x, kname);
	if (kind == THADS_K_EPISODE && strcmp(localname(x), "extra") == 0)
		return read_extra(x, rec);
	n = snprintf(name, sizeof(name), "%s.%s", kname, localname(x));
	if (n < 0 || (size_t)n >= sizeof(name) ||
	    (f = thads_field_find(name)) < 0)
		return unknown(x, kname);
	if (x->seen[f]++)
		return fatal(x, THADS_EDATA, line, "duplicate <%s> in <%s>",
		    localname(x), kname);
	if ((rc = read_field(x)) != 0)
		return rc;
	return store_value(x, rec, f, NULL, line);
}

/* The element of one kind that the reader is on, into rec. */
static int
read_kind(struct thads_xml *x, enum thads_kind kind, struct thads_rec *rec)
{
	int rc, t;

	memset(x->seen, 0, sizeof(x->seen));
	if ((rc = raw_start(x, 0)) != 0 ||
	    xmlTextReaderIsEmptyElement(x->r) == 1)
		return rc;
	while ((rc = step(x)) == 1) {
		t = type(x);
		if (t == XML_READER_TYPE_END_ELEMENT)
			return raw_end(x);
		if (t == XML_READER_TYPE_ELEMENT)
			rc = field(x, kind, rec);
		else if (is_text(t))
			rc = between(x, thads_kind_name(kind), 1);
		if (rc != 0)
			return rc;
	}
	return premature(x, rc);
}

static struct thads_rec *
new_kid(struct thads_xml *x)
{
	struct thads_rec *k;
	size_t cap;

	if (x->nkids == x->kidcap) {
		cap = x->kidcap ? x->kidcap * 2 : 16;
		if ((k = realloc(x->kids, cap * sizeof(*k))) == NULL)
			return NULL;
		x->kids = k;
		x->kidcap = cap;
	}
	k = &x->kids[x->nkids++];
	memset(k, 0, sizeof(*k));
	return k;
}

/* The kind named by the current element, or -1. */
static int
find_kind(struct thads_xml *x)
{
	int k;

	if (!ours(x))
		return -1;
	for (k = 0; k < THADS_K_COUNT; k++)
		if (strcmp(localname(x), thads_kind_name(k)) == 0)
			return k;
	return -1;
}

/* One child of <dossier>: <person> first, then any other kind. */
static int
child(struct thads_xml *x)
{
	long line = node_line(x);
	int kind = find_kind(x);
	struct thads_rec *rec;

	if (kind < 0)
		return unknown(x, "dossier");
	if (++x->children > MAX_CHILDREN)
		return fatal(x, THADS_EDATA, line, "more than %d children in "
		    "<dossier>", MAX_CHILDREN);
	if (kind == THADS_K_PERSON && x->haveperson)
		return fatal(x, THADS_EDATA, line, "more than one <person> "
		    "in <dossier>");
	if (kind != THADS_K_PERSON && !x->haveperson)
		return fatal(x, THADS_EDATA, line, "<person> must be the "
		    "first child of <dossier>");
	if (kind == THADS_K_PERSON) {
		x->haveperson = 1;
		rec = &x->person;
	} else if ((rec = new_kid(x)) == NULL)
		return nomem(x);
	rec->line = line;
	return read_kind(x, kind, rec);
}

static void
free_rec(struct thads_rec *r)
{
	thads_rec_clear(r);
	free(r->extra);
	memset(r, 0, sizeof(*r));
}

/* Forget the last dossier. */
static void
reset(struct thads_xml *x)
{
	size_t i;

	free_rec(&x->person);
	for (i = 0; i < x->nkids; i++)
		free_rec(&x->kids[i]);
	x->nkids = x->nrec = x->nout = x->children = 0;
	x->haveperson = 0;
	x->raw.len = 0;
	if (x->raw.s != NULL)
		x->raw.s[0] = '\0';
}

/* The <dossier> the reader is on: 1 when read whole, or an error. */
static int
read_dossier(struct thads_xml *x)
{
	long line = node_line(x);
	int rc, t;

	x->ndossier++;
	if ((rc = raw_start(x, 1)) != 0)
		return rc;
	if (xmlTextReaderIsEmptyElement(x->r) == 1)
		return fatal(x, THADS_EDATA, line, "<dossier> has no <person>");
	while ((rc = step(x)) == 1) {
		t = type(x);
		if (t == XML_READER_TYPE_END_ELEMENT)
			break;
		if (t == XML_READER_TYPE_ELEMENT)
			rc = child(x);
		else if (is_text(t))
			rc = between(x, "dossier", 1);
		if (rc != 0)
			return rc;
	}
	if (rc != 1)
		return premature(x, rc);
	if ((rc = raw_end(x)) != 0)
		return rc;
	if (!x->haveperson)
		return fatal(x, THADS_EDATA, line, "<dossier> has no <person>");
	x->nrec = x->nkids > 0 ? x->nkids : 1;
	return 1;
}

/* Read on to the end of the input, past the root: 0 or an error. */
static int
drain(struct thads_xml *x)
{
	int rc;

	while ((rc = step(x)) == 1)
		continue;
	if (rc == 0)
		x->eof = 1;
	return rc;
}

/* Read the next dossier: 1, 0 at the end of the input, or an error. */
static int
next_dossier(struct thads_xml *x)
{
	int rc, t;

	reset(x);
	while (!x->ended) {
		if ((rc = step(x)) != 1)
			return premature(x, rc);
		t = type(x);
		if (t == XML_READER_TYPE_END_ELEMENT)
			x->ended = 1;
		else if (t == XML_READER_TYPE_ELEMENT)
			return ours(x) && strcmp(localname(x), "dossier") == 0 ?
			    read_dossier(x) : unknown(x, "thads");
		else if (is_text(t) && (rc = between(x, "thads", 0)) != 0)
			return rc;
	}
	return x->eof ? 0 : drain(x);
}

/* Check the root element the reader is on. */
static int
check_root(struct thads_xml *x)
{
	long line = node_line(x);
	xmlChar *v;
	int rc = 0;

	if (strcmp(localname(x), "thads") != 0)
		return fatal(x, THADS_EDATA, line, "root element is <%s>, "
		    "not <thads>", elname(x));
	if (!ours(x))
		return fatal(x, THADS_EDATA, line, "root element <thads> is "
		    "not in namespace %s", NS);
	v = xmlTextReaderGetAttribute(x->r, BAD_CAST "version");
	if (v == NULL)
		return fatal(x, THADS_EDATA, line, "root element <thads> has "
		    "no version attribute");
	if (strcmp((const char *)v, "1") != 0)
		rc = fatal(x, THADS_EDATA, line, "interchange version '%.20s' "
		    "not supported (this reader knows version 1)", v);
	xmlFree(v);
	x->ended = xmlTextReaderIsEmptyElement(x->r) == 1;
	return rc;
}

static int
read_root(struct thads_xml *x)
{
	int rc;

	while ((rc = step(x)) == 1)
		if (type(x) == XML_READER_TYPE_ELEMENT)
			return check_root(x);
	return premature(x, rc);
}

int
thads_xml_open(struct thads_rd *rd, const char *xsd, struct thads_xml **out,
    struct thads_err *err)
{
	struct thads_xml *x;
	int rc;

	*out = NULL;
	if (rd == NULL)
		return thads_seterr(err, THADS_EUSAGE, NULL, 0,
		    "no input to read XML from");
	setup();
	if ((x = calloc(1, sizeof(*x))) == NULL ||
	    (x->name = strdup(thads_rd_name(rd))) == NULL) {
		free(x);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	x->rd = rd;
	x->pro.state = P_BOM;
	x->pro.first = 1;
	x->pro.line = 1;
	x->lastline = 1;
	if ((xsd != NULL && load_schema(x, xsd) != 0) ||
	    start_reader(x) != 0 || read_root(x) != 0) {
		rc = report(x, err);
		thads_xml_close(x);
		return rc;
	}
	*out = x;
	return 0;
}

/* Put the next record of the dossier read into rec. */
static int
emit(struct thads_xml *x, struct thads_rec *rec)
{
	struct thads_rec *k = x->nkids > 0 ? &x->kids[x->nout] : NULL;
	const char *p;
	size_t i;
	int f, rc = 0;

	for (f = 0; f < F_COUNT && rc == 0; f++) {
		if (k != NULL && k->v[f] != NULL) {
			rec->v[f] = k->v[f];
			k->v[f] = NULL;
		} else if ((p = x->person.v[f]) != NULL)
			rc = thads_rec_set(rec, (enum thads_fid)f, p,
			    strlen(p));
	}
	for (i = 0; k != NULL && i < k->nextra && rc == 0; i++)
		rc = thads_rec_extra(rec, k->extra[i].key, k->extra[i].val,
		    strlen(k->extra[i].val));
	rec->file = x->name;
	rec->line = k != NULL ? k->line : x->person.line;
	x->nout++;
	return rc;
}

int
thads_xml_next(struct thads_xml *x, struct thads_rec *rec,
    struct thads_err *err)
{
	int rc;

	thads_rec_clear(rec);
	if (x->fail.code == 0 && x->nout >= x->nrec) {
		rc = next_dossier(x);
		if (rc == 0)
			return 0;
	}
	if (x->fail.code == 0 && emit(x, rec) != 0)
		nomem(x);
	if (x->fail.code != 0) {
		thads_rec_clear(rec);
		return report(x, err);
	}
	return 1;
}

const char *
thads_xml_raw(struct thads_xml *x)
{
	return x->raw.s != NULL ? x->raw.s : "";
}

long
thads_xml_dossier(const struct thads_xml *x)
{
	return x->ndossier;
}

void
thads_xml_close(struct thads_xml *x)
{
	if (x == NULL)
		return;
	if (x->r != NULL)
		xmlFreeTextReader(x->r);
	if (x->vctxt != NULL)
		xmlSchemaFreeValidCtxt(x->vctxt);
	if (x->schema != NULL)
		xmlSchemaFree(x->schema);
	reset(x);
	free(x->kids);
	free(x->raw.s);
	free(x->val.s);
	free(x->name);
	free(x);
}
