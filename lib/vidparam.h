/*
 * vidparam.h: the parameters of thads-vidscan's detectors.
 *
 * Each detector has its own group of parameters, with a documented
 * default, a unit and a range.  One table (thads_vparam_table) names
 * them all as "group.name" ("fire.min-area"); the camera file sets them
 * per camera as attributes of the group's element (<fire min-area=
 * "0.002"/>), --set sets them on the command line, and --list-params
 * prints the table that thads-vidscan(1) documents.
 *
 * Areas are fractions of the frame (0.001 is a thousandth of the
 * picture); speeds are frame widths a second; times are seconds, so
 * that one set of values fits every resolution and frame rate.
 */
#ifndef THADS_VIDPARAM_H
#define THADS_VIDPARAM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct thads_err;

struct thads_vp_motion {
	int	 on;
	int	 events;	/* report activity outside quiet hours */
	double	 width;		/* analysis width, pixels */
	double	 history;	/* background model memory, seconds */
	double	 var_threshold;	/* MOG2 variance threshold */
	double	 min_area;	/* smallest blob, fraction of the frame */
	double	 duration;	/* activity lasting this long is an event */
	double	 settle;	/* after a lighting change, seconds */
	double	 light_frac;	/* share of pixels changed the same way */
	double	 light_delta;	/* luma change that counts, 0..255 */
	int	 shake;		/* estimate and remove global motion */
	int	 overlay;	/* learn static overlays (clocks) */
	double	 persist;	/* frames a pixel must stay foreground */
	double	 same_texture;	/* blob correlation with the background
				   above which it is only light */
};

struct thads_vp_fire {
	int	 on;
	double	 red_min;	/* red channel floor, 0..255 */
	double	 min_area;	/* fraction of the frame */
	double	 flicker;	/* share of frames a fire pixel changes */
	double	 duration;	/* seconds */
};

struct thads_vp_smoke {
	int	 on;
	double	 min_area;	/* fraction of the frame */
	double	 max_sat;	/* saturation ceiling, 0..255 */
	double	 delta;		/* luma change from the slow background */
	double	 texture;	/* texture kept at most, share of before */
	double	 tau;		/* slow background time constant, seconds */
	double	 duration;	/* seconds */
};

struct thads_vp_fight {
	int	 on;
	double	 flow_width;	/* width of the flow field, pixels */
	double	 min_speed;	/* frame widths a second */
	double	 min_jerk;	/* frame widths a second */
	double	 min_people;	/* people near the violent motion */
	double	 duration;	/* seconds */
};

struct thads_vp_people {
	int	 on;
	double	 every;		/* seconds between looks */
	double	 upscale;	/* enlarge regions so small people fit */
	double	 hit;		/* HOG SVM threshold */
	double	 min_score;	/* keep detections at least this sure */
	double	 keep;		/* seconds a person is kept unseen */
	double	 intrusion;	/* seconds in a restricted zone */
};

struct thads_vp_tamper {
	int	 on;
	double	 min_contrast;	/* luma deviation below this: covered */
	double	 min_sharpness;	/* edge energy kept below this: blurred */
	double	 min_overlap;	/* edges in place below this: moved */
	double	 duration;	/* seconds */
};

struct thads_vp_event {
	double	 gap;		/* events of a type this close merge */
	double	 quality;	/* snapshot JPEG quality */
	double	 corrupt;	/* share of broken blocks: skip frame */
	double	 corrupt_hold;	/* frames skipped after a decoder error */
};

struct thads_vparams {
	struct thads_vp_motion motion;
	struct thads_vp_fire fire;
	struct thads_vp_smoke smoke;
	struct thads_vp_fight fight;
	struct thads_vp_people people;
	struct thads_vp_tamper tamper;
	struct thads_vp_event event;
};

enum thads_vptype { THADS_VP_BOOL, THADS_VP_NUM };

struct thads_vparam {
	const char *name;	/* "motion.min-area" */
	enum thads_vptype type;
	size_t	 off;		/* offset in struct thads_vparams */
	double	 def, min, max;
	const char *unit;	/* "s", "frame", "px", "" */
	const char *help;	/* one line */
};

/* The table, ended by an entry whose name is NULL. */
extern const struct thads_vparam thads_vparam_table[];

/* Fill p with every default. */
void	thads_vparams_default(struct thads_vparams *p);

/*
 * Set the parameter name ("fire.min-area") to the text value: a number
 * in range, or for a switch "yes"/"no"/"on"/"off"/"1"/"0".  Returns 0,
 * THADS_ECONFIG (unknown name, bad or out-of-range value: err says
 * which and the range).
 */
int	thads_vparams_set(struct thads_vparams *p, const char *name,
	    const char *value, struct thads_err *err);

/* Set "name=value"; as thads_vparams_set(). */
int	thads_vparams_assign(struct thads_vparams *p, const char *assign,
	    struct thads_err *err);

/* The value of parameter e in p. */
double	thads_vparams_get(const struct thads_vparams *p,
	    const struct thads_vparam *e);

#ifdef __cplusplus
}
#endif

#endif /* THADS_VIDPARAM_H */
