/*
 * test_vid.c: unit tests for thads-vidscan's library: the parameter
 * table (vidparam.c), hold filters and the event book (videvent.c),
 * zones and the camera file (vidcam.c), the tracker (vidtrack.c), each
 * detector's decision (vidmotion.c, vidfire.c, vidsmoke.c, vidfight.c,
 * vidpeople.c, vidtamper.c), the snapshot digest (viddb.c) and the
 * OpenCV shim on frames drawn here (vision.cpp).
 *
 * Run from the top of the tree (the camera schema is read from
 * schema/thads-cameras.xsd).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "thads.h"
#include "viddb.h"
#include "viddetect.h"
#include "videvent.h"
#include "vidparam.h"
#include "vision.h"

#define XSD "schema/thads-cameras.xsd"

/* ---- vidparam-1: the parameter table. ---- */

static void
param_defaults(void **state)
{
	struct thads_vparams p;

	(void)state;
	thads_vparams_default(&p);
	assert_int_equal(p.motion.on, 1);
	assert_true(p.motion.width == 320);
	assert_true(p.event.gap == 10);
	assert_true(p.fight.min_people == 2);
	assert_true(p.motion.persist == 2);
}

static void
param_set(void **state)
{
	struct thads_vparams p;
	struct thads_err err;

	(void)state;
	thads_vparams_default(&p);
	assert_int_equal(thads_vparams_set(&p, "fire.min-area", "0.01",
	    &err), 0);
	assert_true(p.fire.min_area == 0.01);
	assert_int_equal(thads_vparams_assign(&p, "people.on=no", &err), 0);
	assert_int_equal(p.people.on, 0);
	assert_int_equal(thads_vparams_set(&p, "fire.min-area", "2", &err),
	    THADS_ECONFIG);
	assert_non_null(strstr(err.msg, "from 0 to 1"));
	assert_int_equal(thads_vparams_set(&p, "fire.colour", "red", &err),
	    THADS_ECONFIG);
	assert_int_equal(thads_vparams_set(&p, "fire.on", "maybe", &err),
	    THADS_ECONFIG);
	assert_int_equal(thads_vparams_set(&p, "event.gap", "1e", &err),
	    THADS_ECONFIG);
	assert_int_equal(thads_vparams_assign(&p, "noequals", &err),
	    THADS_ECONFIG);
	/* A failed set leaves the value alone. */
	assert_true(p.fire.min_area == 0.01);
}

/* ---- videvent-1: hold filters. ---- */

static void
hold_duration(void **state)
{
	struct thads_vhold h;
	double start;

	(void)state;
	thads_vhold_reset(&h);
	assert_int_equal(thads_vhold_step(&h, 1, 0.0, 1.0, 0.5, &start), 0);
	assert_true(start == 0.0);
	assert_int_equal(thads_vhold_step(&h, 1, 0.5, 1.0, 0.5, &start), 0);
	assert_int_equal(thads_vhold_step(&h, 1, 1.0, 1.0, 0.5, &start), 1);
	assert_true(start == 0.0);
	/* A gap shorter than the release does not restart the count. */
	assert_int_equal(thads_vhold_step(&h, 0, 1.2, 1.0, 0.5, &start), 1);
	assert_int_equal(thads_vhold_step(&h, 1, 1.4, 1.0, 0.5, &start), 1);
	/* A longer one ends the state. */
	assert_int_equal(thads_vhold_step(&h, 0, 2.0, 1.0, 0.5, &start), 0);
	assert_int_equal(thads_vhold_step(&h, 1, 2.1, 1.0, 0.5, &start), 0);
	assert_true(start == 2.1);
}

/* ---- videvent-2: the event book. ---- */

struct seen {
	int	 opened, closed;
	double	 start[8], end[8], peak[8];
};

static int
record(struct thads_vevent *ev, int closed, void *ctx, struct thads_err *err)
{
	struct seen *s = ctx;

	(void)err;
	if (!closed) {
		s->opened++;
		return 0;
	}
	if (s->closed < 8) {
		s->start[s->closed] = ev->v_start;
		s->end[s->closed] = ev->v_end;
		s->peak[s->closed] = ev->peak;
	}
	s->closed++;
	return 0;
}

static void
feed(struct thads_vbook *b, int on, double value, double t)
{
	struct thads_vdecision d;
	struct thads_err err;

	memset(&d, 0, sizeof(d));
	d.cond = on;
	d.value = value;
	assert_int_equal(thads_vbook_update(b, "z", THADS_VE_FIRE, on, t, &d,
	    NULL, t, 1000 + t, &err), 0);
	assert_int_equal(thads_vbook_flush(b, t, &err), 0);
}

static void
book_merge(void **state)
{
	struct seen s;
	struct thads_vbook *b;
	struct thads_err err;

	(void)state;
	memset(&s, 0, sizeof(s));
	b = thads_vbook_new("cam", "src", 10, 85, record, &s);
	assert_non_null(b);
	feed(b, 1, 0.1, 0);
	feed(b, 1, 0.5, 1);
	feed(b, 0, 0, 2);
	feed(b, 1, 0.3, 8);	/* 7 s after: merges */
	feed(b, 0, 0, 9);
	assert_int_equal(s.opened, 1);
	assert_int_equal(s.closed, 0);
	feed(b, 0, 0, 19.5);	/* the gap has passed */
	assert_int_equal(s.closed, 1);
	assert_true(s.start[0] == 0 && s.end[0] == 8);
	assert_true(s.peak[0] == 0.5);
	feed(b, 1, 0.2, 30);	/* a new one */
	assert_int_equal(thads_vbook_flush(b, -1, &err), 0);
	assert_int_equal(s.opened, 2);
	assert_int_equal(s.closed, 2);
	assert_true(s.start[1] == 30);
	thads_vbook_free(b);
}

static void
book_gap_zero(void **state)
{
	struct seen s;
	struct thads_vbook *b;

	(void)state;
	memset(&s, 0, sizeof(s));
	b = thads_vbook_new("cam", "src", 0, 85, record, &s);
	feed(b, 1, 1, 0);
	feed(b, 0, 0, 1);
	feed(b, 1, 1, 2);
	feed(b, 0, 0, 3);
	assert_int_equal(s.opened, 2);
	assert_int_equal(s.closed, 2);
	thads_vbook_free(b);
}

static void
book_instant(void **state)
{
	struct seen s;
	struct thads_vbook *b;
	struct thads_vdecision d;
	struct thads_err err;

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(&d, 0, sizeof(d));
	d.value = 3;
	d.expected = 4;
	b = thads_vbook_new("cam", "src", 10, 85, record, &s);
	assert_int_equal(thads_vbook_instant(b, "line", THADS_VE_HEADCOUNT,
	    &d, NULL, 5, 1005, &err), 0);
	assert_int_equal(s.opened, 1);
	assert_int_equal(s.closed, 1);
	assert_true(s.peak[0] == 3);
	thads_vbook_free(b);
	assert_int_equal(thads_vetype_parse("fight"), THADS_VE_FIGHT);
	assert_int_equal(thads_vetype_parse("brawl"), -1);
	assert_string_equal(thads_vetype_name(THADS_VE_LOST), "lost");
}

/* ---- vidcam-1: zones. ---- */

static void
poly_geometry(void **state)
{
	struct thads_vcam cam;
	struct thads_vpoly tri = { 3, { 0, 0, 1, 0, 0, 1 } };

	(void)state;
	thads_vcam_default(&cam, "c");
	assert_string_equal(cam.zone[0].id, "all");
	assert_true(thads_vpoly_contains(&cam.zone[0].poly, 0.5f, 0.5f));
	assert_true(thads_vpoly_contains(&cam.zone[0].poly, 0.5f, 1.0f));
	assert_true(fabs(thads_vpoly_area(&tri) - 0.5) < 1e-9);
	assert_true(thads_vpoly_contains(&tri, 0.2f, 0.2f));
	assert_false(thads_vpoly_contains(&tri, 0.8f, 0.8f));
}

static void
quiet_hours(void **state)
{
	struct thads_vzone z;

	(void)state;
	memset(&z, 0, sizeof(z));
	assert_false(thads_vzone_quiet(&z, 0));
	z.quiet = 1;
	z.quiet_from = 22 * 60;
	z.quiet_to = 6 * 60;
	assert_true(thads_vzone_quiet(&z, 23 * 60));
	assert_true(thads_vzone_quiet(&z, 0));
	assert_true(thads_vzone_quiet(&z, 5 * 60 + 59));
	assert_false(thads_vzone_quiet(&z, 6 * 60));
	assert_false(thads_vzone_quiet(&z, 12 * 60));
	z.quiet_from = 13 * 60;
	z.quiet_to = 14 * 60;
	assert_true(thads_vzone_quiet(&z, 13 * 60 + 30));
	assert_false(thads_vzone_quiet(&z, 14 * 60));
}

/* ---- vidcam-2: the camera file. ---- */

static const char good[] =
"<?xml version=\"1.0\"?>\n"
"<cameras xmlns=\"urn:thads:cameras:1\" version=\"1\">\n"
"  <camera id=\"a\" place=\"gate\" url=\"rtsp://192.0.2.1/s\">\n"
"    <fire min-area=\"0.01\"/>\n"
"    <zone id=\"fence\"><polygon>0,0 1,0 1,0.5</polygon>\n"
"      <restricted/><headcount at=\"07:30\" expected=\"5\"/>\n"
"      <quiet from=\"22:00\" to=\"06:00\"/></zone>\n"
"    <mask>0,0 0.1,0 0.1,0.1</mask>\n"
"  </camera>\n"
"  <camera id=\"b\"/>\n"
"</cameras>\n";

static void
cams_good(void **state)
{
	struct thads_vcams c;
	struct thads_err err;
	const struct thads_vcam *a;

	(void)state;
	assert_int_equal(thads_vcams_parse(good, strlen(good), "good.xml",
	    XSD, &c, &err), 0);
	assert_int_equal(c.n, 2);
	a = thads_vcams_find(&c, "a");
	assert_non_null(a);
	assert_string_equal(a->url, "rtsp://192.0.2.1/s");
	assert_true(a->p.fire.min_area == 0.01);
	assert_int_equal(a->nzones, 1);
	assert_true(a->zone[0].restricted);
	assert_int_equal(a->zone[0].roll_min[0], 7 * 60 + 30);
	assert_int_equal(a->zone[0].roll_expected[0], 5);
	assert_int_equal(a->zone[0].quiet_from, 22 * 60);
	assert_true(fabs(a->zone[0].area - 0.25) < 1e-6);
	assert_int_equal(a->nmasks, 1);
	/* No zone: the whole frame. */
	assert_string_equal(thads_vcams_find(&c, "b")->zone[0].id, "all");
	assert_non_null(strstr(c.xml[0], "id=\"fence\""));
	assert_null(thads_vcams_find(&c, "c"));
	thads_vcams_free(&c);
}

static void
cams_refused(void **state)
{
	static const char doctype[] = "<?xml version=\"1.0\"?>\n"
	    "<!DOCTYPE x [<!ENTITY e \"boom\">]>\n<cameras/>";
	static const char bad[] = "<?xml version=\"1.0\"?>\n"
	    "<cameras xmlns=\"urn:thads:cameras:1\" version=\"1\">\n"
	    "  <camera id=\"a\">\n    <zoo/>\n  </camera>\n</cameras>\n";
	static const char broken[] = "<cameras";
	struct thads_vcams c;
	struct thads_err err;

	(void)state;
	assert_int_equal(thads_vcams_parse(doctype, strlen(doctype), "d.xml",
	    XSD, &c, &err), THADS_ECONFIG);
	assert_non_null(strstr(err.msg, "DOCTYPE"));
	assert_int_equal(thads_vcams_parse(bad, strlen(bad), "b.xml", XSD, &c,
	    &err), THADS_ECONFIG);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.file, "b.xml");
	assert_int_equal(thads_vcams_parse(broken, strlen(broken), "x.xml",
	    XSD, &c, &err), THADS_ECONFIG);
	assert_int_equal(thads_vcams_parse(good, strlen(good), "g.xml",
	    "no/such.xsd", &c, &err), THADS_ECONFIG);
}

/* ---- vidtrack-1, viddetect-1: the tracker and the decisions. ---- */

static void
person(struct thads_vmeas *m, float x, float y, float w, float h)
{
	struct thads_vperson *p = &m->person[m->npeople++];

	p->box.x = x;
	p->box.y = y;
	p->box.w = w;
	p->box.h = h;
	p->score = 1;
	m->people_done = 1;
}

static void
tracker_follows(void **state)
{
	struct thads_vtracker tr;
	struct thads_vmeas m;
	struct thads_vcam cam;

	(void)state;
	thads_vcam_default(&cam, "c");
	cam.zone[0].poly.pt[2] = cam.zone[0].poly.pt[4] = 0.5f; /* left half */
	thads_vtracker_init(&tr);
	memset(&m, 0, sizeof(m));
	person(&m, 0.1f, 0.2f, 0.1f, 0.4f);
	person(&m, 0.7f, 0.2f, 0.1f, 0.4f);
	thads_vtracker_update(&tr, &m, cam.zone, 1, 0, 3);
	assert_int_equal(tr.n, 2);
	assert_true(tr.t[0].in_since[0] == 0);
	assert_true(tr.t[1].in_since[0] < 0);
	/* A second later both moved a little: the same two tracks. */
	memset(&m, 0, sizeof(m));
	person(&m, 0.15f, 0.2f, 0.1f, 0.4f);
	person(&m, 0.72f, 0.2f, 0.1f, 0.4f);
	thads_vtracker_update(&tr, &m, cam.zone, 1, 1, 3);
	assert_int_equal(tr.n, 2);
	assert_int_equal(tr.next_id, 3);
	/* Unseen for longer than keep: gone. */
	memset(&m, 0, sizeof(m));
	m.people_done = 1;
	thads_vtracker_update(&tr, &m, cam.zone, 1, 5, 3);
	assert_int_equal(tr.n, 0);
}

static void
people_rules(void **state)
{
	struct thads_vtracker tr;
	struct thads_vmeas m;
	struct thads_vcam cam;
	struct thads_vdecision d;
	int i;

	(void)state;
	thads_vcam_default(&cam, "c");
	thads_vtracker_init(&tr);
	memset(&m, 0, sizeof(m));
	for (i = 0; i < 4; i++)
		person(&m, 0.1f + 0.2f * i, 0.3f, 0.1f, 0.4f);
	thads_vtracker_update(&tr, &m, cam.zone, 1, 0, 3);
	thads_vintrusion_decide(&tr, &m, 1, &cam.zone[0], 0, &d);
	assert_false(d.cond);	/* not restricted */
	cam.zone[0].restricted = 1;
	thads_vintrusion_decide(&tr, &m, 1, &cam.zone[0], 0, &d);
	assert_true(d.cond);
	assert_true(d.value == 4);
	cam.zone[0].max_people = 4;
	thads_vgathering_decide(&tr, &m, 1, &cam.zone[0], 0, &d);
	assert_false(d.cond);
	cam.zone[0].max_people = 3;
	thads_vgathering_decide(&tr, &m, 1, &cam.zone[0], 0, &d);
	assert_true(d.cond);
	assert_int_equal(d.expected, 3);
	thads_vheadcount_decide(&m, &cam.zone[0], 4, &d);
	assert_true(d.value == 4);
	assert_non_null(strstr(d.detail, "4 counted, 4 expected"));
	cam.zone[0].loiter = 10;
	thads_vtracker_update(&tr, &m, cam.zone, 1, 9, 30);
	thads_vloiter_decide(&tr, &cam.zone[0], 0, 9, &d);
	assert_false(d.cond);
	thads_vtracker_update(&tr, &m, cam.zone, 1, 11, 30);
	thads_vloiter_decide(&tr, &cam.zone[0], 0, 11, &d);
	assert_true(d.cond);
	/* People detector off: moving blobs count. */
	memset(&m, 0, sizeof(m));
	m.nblobs = 1;
	m.blob[0].box.x = 0.4f;
	m.blob[0].box.y = 0.4f;
	m.blob[0].box.w = m.blob[0].box.h = 0.1f;
	thads_vintrusion_decide(&tr, &m, 0, &cam.zone[0], 0, &d);
	assert_true(d.cond);
}

static void
fight_needs_people(void **state)
{
	struct thads_vparams p;
	struct thads_vtracker tr;
	struct thads_vmeas m;
	struct thads_vcam cam;
	struct thads_vdecision d;

	(void)state;
	thads_vparams_default(&p);
	thads_vcam_default(&cam, "c");
	thads_vtracker_init(&tr);
	memset(&m, 0, sizeof(m));
	m.nblobs = 1;
	m.blob[0].box = (struct thads_vbox){ 0.4f, 0.3f, 0.2f, 0.4f };
	m.blob[0].flow = 0.5f;
	m.blob[0].jerk = 0.8f;
	thads_vfight_decide(&p.fight, &m, &tr, &cam.zone[0], &d);
	assert_false(d.cond);	/* nobody seen there */
	person(&m, 0.42f, 0.3f, 0.08f, 0.4f);
	person(&m, 0.52f, 0.3f, 0.08f, 0.4f);
	thads_vtracker_update(&tr, &m, cam.zone, 1, 0, 3);
	thads_vfight_decide(&p.fight, &m, &tr, &cam.zone[0], &d);
	assert_true(d.cond);
	m.blob[0].jerk = 0.05f;	/* steady walking */
	thads_vfight_decide(&p.fight, &m, &tr, &cam.zone[0], &d);
	assert_false(d.cond);
	m.blob[0].jerk = 0.8f;
	m.settling = 3;		/* just after a lighting change */
	thads_vfight_decide(&p.fight, &m, &tr, &cam.zone[0], &d);
	assert_false(d.cond);
}

static void
colour_and_area_rules(void **state)
{
	struct thads_vparams p;
	struct thads_vmeas m;
	struct thads_vcam cam;
	struct thads_vdecision d;

	(void)state;
	thads_vparams_default(&p);
	thads_vcam_default(&cam, "c");
	memset(&m, 0, sizeof(m));
	m.nzones = 1;
	m.zone[0].fire = 0.01f;
	thads_vfire_decide(&p.fire, &m, 0, &cam.zone[0], &d);
	assert_true(d.cond);
	m.grey = 1;
	thads_vfire_decide(&p.fire, &m, 0, &cam.zone[0], &d);
	assert_false(d.cond);
	assert_non_null(strstr(d.detail, "no colour"));
	m.grey = 0;
	m.zone[0].fire = 0.001f;	/* under fire.min-area */
	thads_vfire_decide(&p.fire, &m, 0, &cam.zone[0], &d);
	assert_false(d.cond);
	m.zone[0].smoke = 0.01f;
	thads_vsmoke_decide(&p.smoke, &m, 0, &cam.zone[0], &d);
	assert_true(d.cond);
	m.corrupt = 1;
	thads_vsmoke_decide(&p.smoke, &m, 0, &cam.zone[0], &d);
	assert_false(d.cond);
	m.corrupt = 0;
	m.zone[0].motion = 0.01f;
	thads_vmotion_decide(&p.motion, &m, 0, &cam.zone[0], &d);
	assert_true(d.cond);
	m.settling = 5;
	thads_vmotion_decide(&p.motion, &m, 0, &cam.zone[0], &d);
	assert_false(d.cond);
}

static void
tamper_rules(void **state)
{
	struct thads_vparams p;
	struct thads_vmeas m;
	struct thads_vdecision d;

	(void)state;
	thads_vparams_default(&p);
	memset(&m, 0, sizeof(m));
	m.contrast = 30;
	m.sharpness = 1;
	m.overlap = 0.9f;
	thads_vtamper_decide(&p.tamper, &m, &d);
	assert_false(d.cond);
	m.contrast = 1;
	thads_vtamper_decide(&p.tamper, &m, &d);
	assert_true(d.cond);
	assert_non_null(strstr(d.detail, "covered"));
	m.contrast = 30;
	m.sharpness = 0.1f;
	thads_vtamper_decide(&p.tamper, &m, &d);
	assert_non_null(strstr(d.detail, "blurred"));
	m.sharpness = 1;
	m.overlap = 0.1f;
	thads_vtamper_decide(&p.tamper, &m, &d);
	assert_non_null(strstr(d.detail, "moved"));
	m.overlap = -1;		/* not measured */
	thads_vtamper_decide(&p.tamper, &m, &d);
	assert_false(d.cond);
}

static void
sha256_vector(void **state)
{
	char hex[65];

	(void)state;
	thads_vsha256((const unsigned char *)"abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
}

/* ---- vision-1: the shim on frames drawn here. ---- */

#define W 160
#define H 120

static unsigned char img[W * H * 3];

/* A textured scene times gain, plus a rectangle of colour c if w > 0. */
static void
draw(double gain, int x, int y, int w, int h, const unsigned char c[3],
    unsigned seed)
{
	int i, j, k;

	srand(seed);
	for (j = 0; j < H; j++)
		for (i = 0; i < W; i++) {
			int v = 60 + ((i / 8 + j / 8) % 2) * 80 + rand() % 5;
			for (k = 0; k < 3; k++)
				img[(j * W + i) * 3 + k] = (unsigned char)fmin(
				    255, v * gain);
		}
	for (j = y; j < y + h && w > 0; j++)
		for (i = x; i < x + w; i++)
			memcpy(&img[(j * W + i) * 3], c, 3);
}

static struct thads_vis *
analyser(const struct thads_vparams *p)
{
	struct thads_vpoly all = { 4, { 0, 0, 1, 0, 1, 1, 0, 1 } };
	struct thads_vis *v;
	struct thads_err err;

	assert_int_equal(thads_vis_open(p, W, H, 10, &all, 1, NULL, 0, &v,
	    &err), 0);
	return v;
}

static void
step(struct thads_vis *v, double pts, unsigned want, struct thads_vmeas *m)
{
	struct thads_vframe *f;
	struct thads_err err;

	assert_int_equal(thads_vframe_from_bgr(img, W, H, pts, &f, &err), 0);
	assert_int_equal(thads_vis_analyse(v, f, want, m, &err), 0);
	thads_vframe_free(f);
}

static void
shim_frames(void **state)
{
	struct thads_vframe *f;
	struct thads_err err;
	unsigned char *jpeg;
	size_t len;

	(void)state;
	draw(1, 0, 0, 0, 0, NULL, 1);
	assert_int_equal(thads_vframe_from_bgr(img, W, H, 1.5, &f, &err), 0);
	assert_int_equal(thads_vframe_width(f), W);
	assert_true(thads_vframe_pts(f) == 1.5);
	assert_int_equal(thads_vframe_jpeg(f, NULL, 80, &jpeg, &len, &err), 0);
	assert_true(len > 100 && jpeg[0] == 0xff && jpeg[1] == 0xd8);
	free(jpeg);
	thads_vframe_free(f);
	assert_int_equal(thads_vframe_from_bgr(NULL, W, H, 0, &f, &err),
	    THADS_EUSAGE);
	{
		struct thads_vsrc *src;
		assert_int_equal(thads_vsrc_open("no/such.avi", 0, &src, &err),
		    THADS_ENOINPUT);
		assert_null(src);
	}
}

static void
shim_lighting(void **state)
{
	struct thads_vparams p;
	struct thads_vmeas m;
	struct thads_vis *v;
	int i;

	(void)state;
	thads_vparams_default(&p);
	v = analyser(&p);
	for (i = 0; i < 20; i++) {
		draw(1, 0, 0, 0, 0, NULL, 1 + i);
		step(v, i / 10.0, THADS_VW_MOTION, &m);
	}
	assert_int_equal(m.light_change, 0);
	assert_int_equal(m.nblobs, 0);
	draw(0.3, 0, 0, 0, 0, NULL, 99);	/* lights off */
	step(v, 2.0, THADS_VW_MOTION, &m);
	assert_int_equal(m.light_change, 1);
	assert_int_equal(m.nblobs, 0);
	assert_true(m.settling > 0);
	/* A dark figure walks in later: motion again. */
	for (i = 1; i < 25; i++) {
		static const unsigned char dark[3] = { 5, 5, 5 };
		draw(0.3, 20 + 3 * i, 40, i > 12 ? 12 : 0, 40, dark, 200 + i);
		step(v, 2.0 + i / 10.0, THADS_VW_MOTION, &m);
	}
	assert_true(m.nblobs >= 1);
	assert_true(m.zone[0].motion > 0);
	thads_vis_close(v);
}

static void
shim_broken_blocks(void **state)
{
	static const unsigned char green[3] = { 0, 135, 0 };
	struct thads_vparams p;
	struct thads_vmeas m;
	struct thads_vis *v;

	(void)state;
	thads_vparams_default(&p);
	v = analyser(&p);
	draw(1, 0, 0, 0, 0, NULL, 1);
	step(v, 0, THADS_VW_MOTION, &m);
	assert_int_equal(m.corrupt, 0);
	draw(1, 32, 32, 64, 16, green, 2);	/* a row of decoder green */
	step(v, 0.1, THADS_VW_MOTION, &m);
	assert_int_equal(m.corrupt, 1);
	assert_true(m.corrupt_frac > 0.02);
	thads_vis_close(v);
}

static void
shim_fire_and_grey(void **state)
{
	struct thads_vparams p;
	struct thads_vmeas m;
	struct thads_vis *v;
	int i;

	(void)state;
	thads_vparams_default(&p);
	v = analyser(&p);
	for (i = 0; i < 30; i++) {
		/* A flame-coloured patch whose brightness flickers. */
		unsigned char c[3] = { 20, (unsigned char)(i % 2 ? 90 : 170),
		    255 };
		draw(1, 60, 60, 24, 30, c, 1 + i);
		step(v, i / 10.0, THADS_VW_MOTION | THADS_VW_FIRE, &m);
	}
	assert_int_equal(m.grey, 0);
	assert_true(m.zone[0].fire > 0.01);
	thads_vis_close(v);

	/* The same patch, steady: a red jacket, not a fire. */
	v = analyser(&p);
	for (i = 0; i < 30; i++) {
		static const unsigned char c[3] = { 20, 120, 255 };
		draw(1, 60, 60, 24, 30, c, 1 + i);
		step(v, i / 10.0, THADS_VW_MOTION | THADS_VW_FIRE, &m);
	}
	assert_true(m.zone[0].fire == 0);
	thads_vis_close(v);

	/* A grey frame: fire is not measured. */
	v = analyser(&p);
	draw(1, 0, 0, 0, 0, NULL, 1);
	step(v, 0, THADS_VW_MOTION | THADS_VW_FIRE, &m);
	assert_int_equal(m.grey, 1);
	assert_true(m.zone[0].fire < 0);
	thads_vis_close(v);
}

static void
shim_covered(void **state)
{
	static const unsigned char black[3] = { 12, 12, 12 };
	struct thads_vparams p;
	struct thads_vmeas m;
	struct thads_vis *v;
	int i;

	(void)state;
	thads_vparams_default(&p);
	v = analyser(&p);
	for (i = 0; i < 10; i++) {
		draw(1, 0, 0, 0, 0, NULL, 1 + i);
		step(v, i / 10.0, THADS_VW_TAMPER, &m);
	}
	assert_true(m.contrast > p.tamper.min_contrast);
	draw(1, 0, 0, W, H, black, 50);
	step(v, 1.0, THADS_VW_TAMPER, &m);
	assert_true(m.contrast < p.tamper.min_contrast);
	thads_vis_close(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(param_defaults),	/* vidparam-1.1 */
		cmocka_unit_test(param_set),		/* vidparam-1.2 */
		cmocka_unit_test(hold_duration),	/* videvent-1.1 */
		cmocka_unit_test(book_merge),		/* videvent-2.1 */
		cmocka_unit_test(book_gap_zero),	/* videvent-2.2 */
		cmocka_unit_test(book_instant),		/* videvent-2.3 */
		cmocka_unit_test(poly_geometry),	/* vidcam-1.1 */
		cmocka_unit_test(quiet_hours),		/* vidcam-1.2 */
		cmocka_unit_test(cams_good),		/* vidcam-2.1 */
		cmocka_unit_test(cams_refused),		/* vidcam-2.2 */
		cmocka_unit_test(tracker_follows),	/* vidtrack-1.1 */
		cmocka_unit_test(people_rules),		/* viddetect-1.1 */
		cmocka_unit_test(fight_needs_people),	/* viddetect-1.2 */
		cmocka_unit_test(colour_and_area_rules), /* viddetect-1.3 */
		cmocka_unit_test(tamper_rules),		/* viddetect-1.4 */
		cmocka_unit_test(sha256_vector),	/* viddb-1.1 */
		cmocka_unit_test(shim_frames),		/* vision-1.1 */
		cmocka_unit_test(shim_lighting),	/* vision-1.2 */
		cmocka_unit_test(shim_broken_blocks),	/* vision-1.3 */
		cmocka_unit_test(shim_fire_and_grey),	/* vision-1.4 */
		cmocka_unit_test(shim_covered),		/* vision-1.5 */
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
