/*
 * vidparam.c: the detector parameter table of vidparam.h.
 *
 * The defaults are starting points chosen on the synthetic clips and the
 * real ones named in bench/RESULTS.md, not tuned to any one clip; each
 * site is expected to adjust them per camera in the camera file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "thads.h"
#include "vidparam.h"

#define P(g, f) offsetof(struct thads_vparams, g.f)
#define B(n, g, f, d, h) { n, THADS_VP_BOOL, P(g, f), d, 0, 1, "", h }
#define N(n, g, f, d, lo, hi, u, h) { n, THADS_VP_NUM, P(g, f), d, lo, hi, u, h }

const struct thads_vparam thads_vparam_table[] = {
	B("motion.on", motion, on, 1, "detect activity (and quiet-hours "
	    "activity)"),
	B("motion.events", motion, events, 1, "report activity outside "
	    "quiet hours as motion events"),
	N("motion.width", motion, width, 320, 80, 1920, "px",
	    "width the frame is shrunk to for motion, fire, smoke, tamper"),
	N("motion.history", motion, history, 30, 1, 3600, "s",
	    "how long the background model remembers"),
	N("motion.var-threshold", motion, var_threshold, 16, 4, 200, "",
	    "MOG2 squared distance for a pixel to be foreground"),
	N("motion.min-area", motion, min_area, 0.002, 0, 1, "frame",
	    "smallest moving blob kept"),
	N("motion.duration", motion, duration, 1, 0, 3600, "s",
	    "activity must last this long to be an event"),
	N("motion.settle", motion, settle, 1, 0, 60, "s",
	    "motion ignored after a sudden lighting change"),
	N("motion.light-frac", motion, light_frac, 0.5, 0.05, 1, "",
	    "share of pixels changing the same way that is a lighting change"),
	N("motion.light-delta", motion, light_delta, 25, 1, 255, "",
	    "luma change of a pixel that counts for a lighting change"),
	B("motion.shake", motion, shake, 1, "estimate and remove camera "
	    "shake (global shift)"),
	B("motion.overlay", motion, overlay, 1, "learn burned-in clocks and "
	    "captions as static overlays"),
	N("motion.persist", motion, persist, 2, 1, 10, "frames",
	    "frames a pixel must stay foreground (rain, speckle)"),
	N("motion.same-texture", motion, same_texture, 0.9, 0, 1, "",
	    "a blob whose texture matches the background's this closely is "
	    "a light change"),

	B("fire.on", fire, on, 1, "detect fire (needs colour)"),
	N("fire.red-min", fire, red_min, 170, 0, 255, "",
	    "red channel floor of a flame pixel"),
	N("fire.min-area", fire, min_area, 0.002, 0, 1, "frame",
	    "smallest flickering flame-coloured area"),
	N("fire.flicker", fire, flicker, 0.15, 0, 1, "",
	    "share of frames a flame pixel's brightness jumps"),
	N("fire.duration", fire, duration, 1, 0, 3600, "s",
	    "fire must last this long"),

	B("smoke.on", smoke, on, 1, "detect smoke"),
	N("smoke.min-area", smoke, min_area, 0.004, 0, 1, "frame",
	    "smallest smoke-like area"),
	N("smoke.max-sat", smoke, max_sat, 80, 0, 255, "",
	    "saturation ceiling of a smoke pixel (colour frames)"),
	N("smoke.delta", smoke, delta, 8, 1, 255, "",
	    "luma change from the slow background"),
	N("smoke.texture", smoke, texture, 0.8, 0, 1, "",
	    "texture a smoke pixel keeps at most, share of the background's"),
	N("smoke.tau", smoke, tau, 60, 1, 3600, "s",
	    "time constant of the slow background"),
	N("smoke.duration", smoke, duration, 3, 0, 3600, "s",
	    "smoke must last this long"),

	B("fight.on", fight, on, 1, "detect fights (violent motion among "
	    "people)"),
	N("fight.flow-width", fight, flow_width, 160, 40, 1920, "px",
	    "width of the dense optical flow field"),
	N("fight.min-speed", fight, min_speed, 0.1, 0, 100, "width/s",
	    "mean speed of the moving pixels"),
	N("fight.min-jerk", fight, min_jerk, 0.2, 0, 100, "width/s",
	    "mean change of flow between frames (shaking, hitting)"),
	N("fight.min-people", fight, min_people, 2, 0, 100, "",
	    "people seen near the motion in the last people.keep seconds"),
	N("fight.duration", fight, duration, 1, 0, 3600, "s",
	    "violent motion must last this long"),

	B("people.on", people, on, 1, "detect people (intrusion, gathering, "
	    "loitering, headcount, fight)"),
	N("people.every", people, every, 1, 0, 3600, "s",
	    "seconds between two looks for people"),
	N("people.upscale", people, upscale, 1.5, 1, 4, "",
	    "enlargement of the regions searched, for small people"),
	N("people.hit", people, hit, 0, -5, 5, "",
	    "HOG SVM hit threshold"),
	N("people.min-score", people, min_score, 0.3, -5, 10, "",
	    "weakest detection kept"),
	N("people.keep", people, keep, 3, 0, 3600, "s",
	    "a person not seen again is kept this long"),
	N("people.intrusion", people, intrusion, 1, 0, 3600, "s",
	    "time a person must be in a restricted zone"),

	B("tamper.on", tamper, on, 1, "detect a covered, blurred or moved "
	    "camera"),
	N("tamper.min-contrast", tamper, min_contrast, 6, 0, 128, "",
	    "luma deviation below which the lens is covered"),
	N("tamper.min-sharpness", tamper, min_sharpness, 0.3, 0, 1, "",
	    "edge energy kept, share of the reference's, below which blurred"),
	N("tamper.min-overlap", tamper, min_overlap, 0.25, 0, 1, "",
	    "share of edges still in place below which the camera moved"),
	N("tamper.duration", tamper, duration, 3, 0, 3600, "s",
	    "tampering must last this long"),

	N("event.gap", event, gap, 10, 0, 86400, "s",
	    "events of one type and zone closer than this merge"),
	N("event.quality", event, quality, 85, 1, 100, "",
	    "snapshot JPEG quality"),
	N("event.corrupt", event, corrupt, 0.02, 0, 1, "",
	    "share of flat grey or green blocks that marks a broken frame"),
	N("event.corrupt-hold", event, corrupt_hold, 1, 0, 60, "s",
	    "frames skipped after a decoder error (the smear until a key "
	    "frame)"),
	{ NULL, THADS_VP_NUM, 0, 0, 0, 0, NULL, NULL }
};

static double *
slot(struct thads_vparams *p, const struct thads_vparam *e)
{
	return (double *)(void *)((char *)p + e->off);
}

double
thads_vparams_get(const struct thads_vparams *p, const struct thads_vparam *e)
{
	const char *base = (const char *)p + e->off;

	if (e->type == THADS_VP_BOOL)
		return *(const int *)(const void *)base;
	return *(const double *)(const void *)base;
}

void
thads_vparams_default(struct thads_vparams *p)
{
	const struct thads_vparam *e;

	memset(p, 0, sizeof(*p));
	for (e = thads_vparam_table; e->name != NULL; e++) {
		if (e->type == THADS_VP_BOOL)
			*(int *)(void *)slot(p, e) = (int)e->def;
		else
			*slot(p, e) = e->def;
	}
}

static int
parse_bool(const char *s, int *v)
{
	if (!strcasecmp(s, "yes") || !strcasecmp(s, "on") ||
	    !strcmp(s, "1") || !strcasecmp(s, "true"))
		*v = 1;
	else if (!strcasecmp(s, "no") || !strcasecmp(s, "off") ||
	    !strcmp(s, "0") || !strcasecmp(s, "false"))
		*v = 0;
	else
		return -1;
	return 0;
}

int
thads_vparams_set(struct thads_vparams *p, const char *name,
    const char *value, struct thads_err *err)
{
	const struct thads_vparam *e;
	char *end;
	double d;
	int b;

	for (e = thads_vparam_table; e->name != NULL; e++)
		if (strcmp(e->name, name) == 0)
			break;
	if (e->name == NULL)
		return thads_seterr(err, THADS_ECONFIG, NULL, 0,
		    "unknown parameter '%s' (see --list-params)", name);
	if (e->type == THADS_VP_BOOL) {
		if (parse_bool(value, &b) != 0)
			return thads_seterr(err, THADS_ECONFIG, NULL, 0,
			    "bad value '%s' for %s: yes or no", value, name);
		*(int *)(void *)slot(p, e) = b;
		return 0;
	}
	d = strtod(value, &end);
	if (end == value || *end != '\0' || !isfinite(d) || d < e->min ||
	    d > e->max)
		return thads_seterr(err, THADS_ECONFIG, NULL, 0,
		    "bad value '%s' for %s: a number from %g to %g", value,
		    name, e->min, e->max);
	*slot(p, e) = d;
	return 0;
}

int
thads_vparams_assign(struct thads_vparams *p, const char *assign,
    struct thads_err *err)
{
	const char *eq = strchr(assign, '=');
	char name[64];

	if (eq == NULL || eq == assign || (size_t)(eq - assign) >= sizeof(name))
		return thads_seterr(err, THADS_ECONFIG, NULL, 0,
		    "bad setting '%s': want group.name=value", assign);
	memcpy(name, assign, (size_t)(eq - assign));
	name[eq - assign] = '\0';
	return thads_vparams_set(p, name, eq + 1, err);
}
