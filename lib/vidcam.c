/*
 * vidcam.c: cameras and the camera file of vidcam.h.
 *
 * The file is small (a site has hundreds of cameras, not millions), so
 * it is read whole, at most 4 MiB, and parsed into a tree.  Before
 * libxml2 sees a byte, any "<!DOCTYPE" or "<!ENTITY" is refused, so no
 * entity can be declared, let alone expanded or fetched; the parser
 * runs without NOENT, DTDLOAD or XINCLUDE and with NONET; the schema is
 * read from memory, so the parser never opens a file either.  Errors
 * come back through a structured handler, never printed.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlschemas.h>

#include "thads.h"
#include "vidcam.h"

#define NS	"urn:thads:cameras:1"
#define MAXFILE	(4L * 1024 * 1024)

const char thads_vcams_template[] =
"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
"<!-- A camera file for thads-vidscan(1): edit, then\n"
"     thads-vidscan cameras check FILE; thads-vidscan cameras import FILE -->\n"
"<cameras xmlns=\"urn:thads:cameras:1\" version=\"1\">\n"
"  <camera id=\"yard-north\" place=\"Block C, north exercise yard\"\n"
"      url=\"rtsp://192.0.2.10/stream1\">\n"
"    <!-- Detector parameters: see thads-vidscan(1), DETECTORS. -->\n"
"    <motion min-area=\"0.002\" duration=\"1\"/>\n"
"    <fire on=\"yes\" duration=\"1\"/>\n"
"    <people every=\"1\"/>\n"
"    <zone id=\"fence\" name=\"north perimeter fence\">\n"
"      <polygon>0,0 1,0 1,0.2 0,0.2</polygon>\n"
"      <restricted/>\n"
"    </zone>\n"
"    <zone id=\"yard\" name=\"exercise yard\">\n"
"      <polygon>0,0.2 1,0.2 1,1 0,1</polygon>\n"
"      <gathering max-people=\"6\" duration=\"30\"/>\n"
"      <loitering duration=\"120\"/>\n"
"      <headcount at=\"07:00\" expected=\"24\"/>\n"
"      <headcount at=\"17:30\" expected=\"24\"/>\n"
"      <quiet from=\"21:00\" to=\"05:30\"/>\n"
"    </zone>\n"
"    <mask name=\"flag pole\">0.45,0.2 0.5,0.2 0.5,0.6 0.45,0.6</mask>\n"
"  </camera>\n"
"</cameras>\n";

static void
whole_frame(struct thads_vpoly *p)
{
	static const float pts[] = { 0, 0, 1, 0, 1, 1, 0, 1 };

	memset(p, 0, sizeof(*p));
	p->n = 4;
	memcpy(p->pt, pts, sizeof(pts));
}

void
thads_vcam_default(struct thads_vcam *cam, const char *id)
{
	memset(cam, 0, sizeof(*cam));
	snprintf(cam->id, sizeof(cam->id), "%s", id);
	thads_vparams_default(&cam->p);
	cam->nzones = 1;
	snprintf(cam->zone[0].id, sizeof(cam->zone[0].id), "all");
	snprintf(cam->zone[0].name, sizeof(cam->zone[0].name), "whole frame");
	whole_frame(&cam->zone[0].poly);
	cam->zone[0].area = 1;
}

int
thads_vpoly_contains(const struct thads_vpoly *p, float x, float y)
{
	int i, j, in = 0;

	for (i = 0, j = p->n - 1; i < p->n; j = i++) {
		float xi = p->pt[2 * i], yi = p->pt[2 * i + 1];
		float xj = p->pt[2 * j], yj = p->pt[2 * j + 1];
		if ((yi > y) != (yj > y) &&
		    x < (xj - xi) * (y - yi) / (yj - yi) + xi)
			in = !in;
	}
	/* The frame's own bottom and right edges belong to it. */
	if (!in && x >= 1 && x <= 1.0001f)
		return thads_vpoly_contains(p, 0.9999f, y);
	if (!in && y >= 1 && y <= 1.0001f)
		return thads_vpoly_contains(p, x, 0.9999f);
	return in;
}

double
thads_vpoly_area(const struct thads_vpoly *p)
{
	double a = 0;
	int i, j;

	for (i = 0, j = p->n - 1; i < p->n; j = i++)
		a += (double)p->pt[2 * j] * p->pt[2 * i + 1] -
		    (double)p->pt[2 * i] * p->pt[2 * j + 1];
	return fabs(a) / 2;
}

int
thads_vzone_quiet(const struct thads_vzone *z, int m)
{
	if (!z->quiet)
		return 0;
	if (z->quiet_from <= z->quiet_to)
		return m >= z->quiet_from && m < z->quiet_to;
	return m >= z->quiet_from || m < z->quiet_to;
}

const struct thads_vcam *
thads_vcams_find(const struct thads_vcams *c, const char *id)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->cam[i].id, id) == 0)
			return &c->cam[i];
	return NULL;
}

void
thads_vcams_free(struct thads_vcams *c)
{
	int i;

	for (i = 0; c->xml != NULL && i < c->n; i++)
		free(c->xml[i]);
	free(c->xml);
	c->xml = NULL;
	free(c->cam);
	c->cam = NULL;
	c->n = 0;
}

/* ---- Reading the file. ---- */

struct rd {
	const char *name;
	struct thads_err *err;
	int	 failed;
};

static void
onerror(void *arg, xmlErrorPtr e)
{
	struct rd *r = arg;
	char msg[400];
	size_t n;

	if (e == NULL || e->level < XML_ERR_ERROR || r->failed)
		return;
	snprintf(msg, sizeof(msg), "%s", e->message ? e->message : "error");
	n = strlen(msg);
	while (n > 0 && isspace((unsigned char)msg[n - 1]))
		msg[--n] = '\0';
	r->failed = 1;
	thads_seterr(r->err, THADS_ECONFIG, r->name, e->line, "%s%s",
	    e->domain == XML_FROM_SCHEMASV ? "schema violation: " : "", msg);
}

static void
onparse(void *arg, xmlErrorPtr e)
{
	onerror(((xmlParserCtxtPtr)arg)->_private, e);
}

static int
refused(const char *text, size_t len)
{
	static const char *const bad[] = { "<!DOCTYPE", "<!ENTITY" };
	size_t i, k, n;

	for (k = 0; k < 2; k++) {
		n = strlen(bad[k]);
		for (i = 0; i + n <= len; i++)
			if (text[i] == '<' && strncasecmp(text + i, bad[k],
			    n) == 0)
				return 1;
	}
	return 0;
}

static int
read_all(const char *path, char **buf, size_t *len, struct thads_err *err)
{
	FILE *fp = fopen(path, "rb");
	size_t cap = 65536, n = 0, got;
	char *b, *nb;

	if (fp == NULL)
		return thads_seterr(err, THADS_ENOINPUT, path, 0,
		    "cannot open: %s", strerror(errno));
	if ((b = malloc(cap)) == NULL) {
		fclose(fp);
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	}
	while ((got = fread(b + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n == cap && cap < (size_t)MAXFILE + 1) {
			cap *= 2;
			if ((nb = realloc(b, cap)) == NULL) {
				free(b);
				fclose(fp);
				return thads_seterr(err, THADS_ENOMEM, NULL, 0,
				    "out of memory");
			}
			b = nb;
		} else if (n == cap)
			break;
	}
	if (ferror(fp) || n > (size_t)MAXFILE) {
		int big = n > (size_t)MAXFILE;
		free(b);
		fclose(fp);
		return thads_seterr(err, big ? THADS_ECONFIG : THADS_ENOINPUT,
		    path, 0, big ? "larger than 4 MiB" : "read error");
	}
	fclose(fp);
	*buf = b;
	*len = n;
	return 0;
}

static int
validate(struct rd *r, xmlDocPtr doc, const char *xsd)
{
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaPtr schema;
	xmlSchemaValidCtxtPtr vc;
	struct thads_err xerr;
	struct rd xr = { xsd, &xerr, 0 };
	char *text = NULL;
	size_t len = 0;
	int rc;

	thads_clearerr(&xerr);
	if (read_all(xsd, &text, &len, &xerr) != 0)
		return thads_seterr(r->err, THADS_ECONFIG, xsd, 0, "cannot read "
		    "schema: %s", xerr.msg);
	if ((pc = xmlSchemaNewMemParserCtxt(text, (int)len)) == NULL) {
		free(text);
		return thads_seterr(r->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	xmlSchemaSetParserStructuredErrors(pc, onerror, &xr);
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	free(text);
	if (schema == NULL)
		return thads_seterr(r->err, THADS_ECONFIG, xsd, xerr.line,
		    "cannot load schema: %s", xerr.msg);
	if ((vc = xmlSchemaNewValidCtxt(schema)) == NULL) {
		xmlSchemaFree(schema);
		return thads_seterr(r->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	xmlSchemaSetValidStructuredErrors(vc, onerror, r);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	if (rc != 0 && !r->failed)
		return thads_seterr(r->err, THADS_ECONFIG, r->name, 0,
		    "does not match the camera schema");
	return rc != 0 ? THADS_ECONFIG : 0;
}

static int
is(xmlNodePtr n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && n->ns != NULL &&
	    strcmp((const char *)n->ns->href, NS) == 0 &&
	    strcmp((const char *)n->name, name) == 0;
}

/* A copy of attribute name into buf ("" when absent). */
static const char *
attr(xmlNodePtr n, const char *name, char *buf, size_t size)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

	snprintf(buf, size, "%s", v ? (const char *)v : "");
	xmlFree(v);
	return buf;
}

static int
parse_points(struct rd *r, xmlNodePtr n, struct thads_vpoly *p)
{
	xmlChar *t = xmlNodeGetContent(n);
	const char *s = (const char *)t;
	char *end;
	double x, y;

	memset(p, 0, sizeof(*p));
	while (s != NULL && *s != '\0') {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0')
			break;
		x = strtod(s, &end);
		if (end == s || *end != ',')
			break;
		s = end + 1;
		y = strtod(s, &end);
		if (end == s || p->n >= THADS_VMAXPTS || x < 0 || x > 1 ||
		    y < 0 || y > 1) {
			xmlFree(t);
			return thads_seterr(r->err, THADS_ECONFIG, r->name,
			    xmlGetLineNo(n), "point %d: coordinates must be "
			    "from 0 to 1", p->n + 1);
		}
		p->pt[2 * p->n] = (float)x;
		p->pt[2 * p->n + 1] = (float)y;
		p->n++;
		s = end;
	}
	xmlFree(t);
	if (p->n < 3)
		return thads_seterr(r->err, THADS_ECONFIG, r->name,
		    xmlGetLineNo(n), "a polygon needs 3 points or more");
	return 0;
}

static int
minutes(const char *s)
{
	return ((s[0] - '0') * 10 + (s[1] - '0')) * 60 +
	    (s[3] - '0') * 10 + (s[4] - '0');
}

static int
parse_zone(struct rd *r, xmlNodePtr n, struct thads_vzone *z)
{
	char buf[128];
	xmlNodePtr c;
	int rc;

	memset(z, 0, sizeof(*z));
	attr(n, "id", z->id, sizeof(z->id));
	attr(n, "name", z->name, sizeof(z->name));
	for (c = n->children; c != NULL; c = c->next) {
		if (is(c, "polygon")) {
			if ((rc = parse_points(r, c, &z->poly)) != 0)
				return rc;
		} else if (is(c, "restricted"))
			z->restricted = 1;
		else if (is(c, "gathering")) {
			z->max_people = (int)strtol(attr(c, "max-people", buf,
			    sizeof(buf)), NULL, 10);
			attr(c, "duration", buf, sizeof(buf));
			z->gathering = *buf ? strtod(buf, NULL) : 30;
		} else if (is(c, "loitering"))
			z->loiter = strtod(attr(c, "duration", buf,
			    sizeof(buf)), NULL);
		else if (is(c, "headcount") && z->nroll < THADS_VMAXROLL) {
			z->roll_min[z->nroll] = minutes(attr(c, "at", buf,
			    sizeof(buf)));
			z->roll_expected[z->nroll++] = (int)strtol(attr(c,
			    "expected", buf, sizeof(buf)), NULL, 10);
		} else if (is(c, "quiet")) {
			z->quiet = 1;
			z->quiet_from = minutes(attr(c, "from", buf,
			    sizeof(buf)));
			z->quiet_to = minutes(attr(c, "to", buf, sizeof(buf)));
		}
	}
	z->area = thads_vpoly_area(&z->poly);
	if (z->area <= 0)
		return thads_seterr(r->err, THADS_ECONFIG, r->name,
		    xmlGetLineNo(n), "zone '%s' has no area", z->id);
	return 0;
}

/* The attributes of a parameter group element, e.g. <fire .../>. */
static int
parse_group(struct rd *r, xmlNodePtr n, struct thads_vparams *p)
{
	char name[128];
	xmlAttrPtr a;
	xmlChar *v;
	int rc;

	for (a = n->properties; a != NULL; a = a->next) {
		snprintf(name, sizeof(name), "%s.%s", (const char *)n->name,
		    (const char *)a->name);
		v = xmlNodeListGetString(n->doc, a->children, 1);
		rc = thads_vparams_set(p, name, v ? (const char *)v : "",
		    r->err);
		xmlFree(v);
		if (rc != 0) {
			snprintf(r->err->file, sizeof(r->err->file), "%s",
			    r->name);
			r->err->line = xmlGetLineNo(n);
			return rc;
		}
	}
	return 0;
}

static int
parse_camera(struct rd *r, xmlNodePtr n, struct thads_vcam *cam)
{
	static const char *const groups[] = { "motion", "fire", "smoke",
	    "fight", "people", "tamper", "event" };
	char id[THADS_VIDLEN];
	xmlNodePtr c;
	size_t g;
	int rc, zones = 0;

	thads_vcam_default(cam, attr(n, "id", id, sizeof(id)));
	attr(n, "place", cam->place, sizeof(cam->place));
	attr(n, "url", cam->url, sizeof(cam->url));
	for (c = n->children; c != NULL; c = c->next) {
		for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
			if (is(c, groups[g]) &&
			    (rc = parse_group(r, c, &cam->p)) != 0)
				return rc;
		if (is(c, "zone")) {
			if (zones >= THADS_VMAXZONES)
				return thads_seterr(r->err, THADS_ECONFIG,
				    r->name, xmlGetLineNo(c), "more than %d "
				    "zones", THADS_VMAXZONES);
			if ((rc = parse_zone(r, c, &cam->zone[zones])) != 0)
				return rc;
			zones++;
		} else if (is(c, "mask") && cam->nmasks < THADS_VMAXZONES) {
			if ((rc = parse_points(r, c,
			    &cam->mask[cam->nmasks])) != 0)
				return rc;
			cam->nmasks++;
		}
	}
	if (zones > 0)
		cam->nzones = zones;
	return 0;
}

/* The camera element n as a camera file of its own, malloc'd. */
static char *
standalone(xmlNodePtr n)
{
	static const char head[] = "<?xml version=\"1.0\" encoding="
	    "\"UTF-8\"?>\n<cameras xmlns=\"" NS "\" version=\"1\">\n";
	static const char tail[] = "\n</cameras>\n";
	xmlBufferPtr b = xmlBufferCreate();
	char *s = NULL;
	size_t len;

	if (b == NULL)
		return NULL;
	if (xmlNodeDump(b, n->doc, n, 1, 1) >= 0) {
		len = sizeof(head) + (size_t)xmlBufferLength(b) + sizeof(tail);
		if ((s = malloc(len)) != NULL)
			snprintf(s, len, "%s  %s%s", head,
			    (const char *)xmlBufferContent(b), tail);
	}
	xmlBufferFree(b);
	return s;
}

static int
walk(struct rd *r, xmlDocPtr doc, struct thads_vcams *out)
{
	xmlNodePtr root = xmlDocGetRootElement(doc), c;
	int n = 0, rc;

	for (c = root->children; c != NULL; c = c->next)
		n += is(c, "camera");
	out->cam = calloc(n ? (size_t)n : 1, sizeof(*out->cam));
	out->xml = calloc(n ? (size_t)n : 1, sizeof(*out->xml));
	if (out->cam == NULL || out->xml == NULL) {
		thads_vcams_free(out);
		return thads_seterr(r->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	}
	for (c = root->children; c != NULL; c = c->next) {
		if (!is(c, "camera"))
			continue;
		if ((rc = parse_camera(r, c, &out->cam[out->n])) != 0) {
			out->n++;
			thads_vcams_free(out);
			return rc;
		}
		if ((out->xml[out->n++] = standalone(c)) == NULL) {
			thads_vcams_free(out);
			return thads_seterr(r->err, THADS_ENOMEM, NULL, 0,
			    "out of memory");
		}
	}
	return 0;
}

int
thads_vcams_parse(const char *text, size_t len, const char *name,
    const char *xsd, struct thads_vcams *out, struct thads_err *err)
{
	struct rd r = { name, err, 0 };
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len > (size_t)MAXFILE)
		return thads_seterr(err, THADS_ECONFIG, name, 0,
		    "larger than 4 MiB");
	if (refused(text, len))
		return thads_seterr(err, THADS_ECONFIG, name, 0,
		    "DOCTYPE and ENTITY declarations are not allowed");
	if ((ctxt = xmlNewParserCtxt()) == NULL)
		return thads_seterr(err, THADS_ENOMEM, NULL, 0, "out of memory");
	/*
	 * libxml2 2.9 hands parser errors to sax->serror with the context
	 * as its argument (SAX2 needs userData to stay the context).
	 */
	ctxt->_private = &r;
	ctxt->sax->serror = onparse;
	doc = xmlCtxtReadMemory(ctxt, text, (int)len, name, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	xmlFreeParserCtxt(ctxt);
	if (doc == NULL || r.failed) {
		xmlFreeDoc(doc);
		if (!r.failed)
			thads_seterr(err, THADS_ECONFIG, name, 0,
			    "not well-formed XML");
		return THADS_ECONFIG;
	}
	rc = validate(&r, doc, xsd);
	if (rc == 0)
		rc = walk(&r, doc, out);
	xmlFreeDoc(doc);
	return rc;
}

int
thads_vcams_load(const char *path, const char *xsd, struct thads_vcams *out,
    struct thads_err *err)
{
	char *text = NULL;
	size_t len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = read_all(path, &text, &len, err)) != 0)
		return rc;
	rc = thads_vcams_parse(text, len, path, xsd, out, err);
	free(text);
	return rc;
}
