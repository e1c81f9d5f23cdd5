/*
 * vision.h: the plain-C face of the OpenCV shim (lib/vision.cpp).
 *
 * OpenCV is C++ and throws; THADS is C and returns codes.  Everything
 * that touches OpenCV lives behind this header, as opaque handles and
 * plain structs.  Every function catches every exception and returns 0
 * or a negative THADS_E* code with the detail in a struct thads_err:
 * THADS_ENOMEM for an allocation failure, THADS_ENOINPUT for a source
 * that cannot be opened, THADS_EIO for a read that failed or timed out,
 * THADS_ECANTCREAT for a video or picture that cannot be written,
 * THADS_EUSAGE for bad arguments and THADS_ELIB for any other OpenCV
 * error.  No function prints; none keeps global state, so that one
 * thread per camera may use its own handles.
 *
 * Coordinates handed across are relative to the frame: x and y run
 * from 0 to 1 left to right and top to bottom, so that zones in the
 * camera file and boxes in events do not depend on the resolution.
 */
#ifndef THADS_VISION_H
#define THADS_VISION_H

#include <stddef.h>

#include "vidparam.h"

#ifdef __cplusplus
extern "C" {
#endif

struct thads_err;
struct thads_vsrc;
struct thads_vframe;
struct thads_vis;
struct thads_vwriter;

#define THADS_VMAXZONES	16	/* zones per camera, whole frame included */
#define THADS_VMAXPTS	32	/* points per polygon */
#define THADS_VMAXBLOBS	32	/* moving blobs reported per frame */
#define THADS_VMAXPEOPLE 64	/* people reported per frame */

struct thads_vbox {
	float	 x, y, w, h;	/* relative; w == 0 means none */
};

struct thads_vpoly {
	int	 n;			/* points, 3 or more */
	float	 pt[2 * THADS_VMAXPTS];	/* x0, y0, x1, y1, ... relative */
};

/* ---- Sources: files, image folders' images, streams. ---- */

struct thads_vsrc_info {
	int	 width, height;
	double	 fps;		/* 0 when the source does not say */
	long	 frames;	/* -1 when unknown (streams) */
};

/*
 * Open a video file, a still image, or a stream URL (rtsp://, http://,
 * tcp://, ...).  timeout_ms bounds opening and each read on a stream
 * (FFmpeg back-end), so a camera that stalls with its socket open is
 * noticed; 0 keeps OpenCV's default.  Returns 0, THADS_ENOINPUT (cannot
 * open or decode: the message says which), THADS_ENOMEM, THADS_ELIB.
 */
int	thads_vsrc_open(const char *url, int timeout_ms,
	    struct thads_vsrc **out, struct thads_err *err);

/* What the source said of itself when it was opened. */
void	thads_vsrc_describe(const struct thads_vsrc *s,
	    struct thads_vsrc_info *info);

/*
 * Decode the next frame into *out (a new handle the caller frees).
 * Returns 1 for a frame, 0 at the end of the source, THADS_EIO when the
 * read failed or timed out (for a stream: the camera is lost), or
 * THADS_ENOMEM/THADS_ELIB.  The frame's presentation time is the
 * source's, in seconds.
 */
int	thads_vsrc_read(struct thads_vsrc *s, struct thads_vframe **out,
	    struct thads_err *err);

/* Skip one frame without decoding it fully: 1, 0 at the end, or as
 * thads_vsrc_read(). */
int	thads_vsrc_skip(struct thads_vsrc *s, struct thads_err *err);

/* Close the source.  s may be NULL. */
void	thads_vsrc_close(struct thads_vsrc *s);

/* ---- Frames. ---- */

/*
 * Make a frame from width x height pixels of 8-bit BGR (3 bytes a
 * pixel, rows packed), copied; for tests and generated input.
 */
int	thads_vframe_from_bgr(const unsigned char *bgr, int width,
	    int height, double pts, struct thads_vframe **out,
	    struct thads_err *err);

/* A second handle on the same pixels (no copy); free each. */
struct thads_vframe *thads_vframe_ref(const struct thads_vframe *f);

double	thads_vframe_pts(const struct thads_vframe *f);
int	thads_vframe_width(const struct thads_vframe *f);
int	thads_vframe_height(const struct thads_vframe *f);
void	thads_vframe_free(struct thads_vframe *f);

/*
 * Encode the frame as JPEG with quality 1..100, with box (when not NULL
 * and not empty) drawn in red.  *buf is malloc'd: the caller frees it.
 * Returns 0, THADS_ENOMEM or THADS_ELIB.
 */
int	thads_vframe_jpeg(const struct thads_vframe *f,
	    const struct thads_vbox *box, int quality, unsigned char **buf,
	    size_t *len, struct thads_err *err);

/* ---- The analyser: one per camera, fed frames in order. ---- */

/* What to compute for one frame (a mask of THADS_VW_*). */
#define THADS_VW_MOTION	0x01	/* background model, blobs, zone motion */
#define THADS_VW_FIRE	0x02	/* flame colour and flicker */
#define THADS_VW_SMOKE	0x04	/* slow grey texture-losing change */
#define THADS_VW_FLOW	0x08	/* dense flow features per blob */
#define THADS_VW_PEOPLE	0x10	/* HOG people around motion */
#define THADS_VW_TAMPER	0x20	/* covered, blurred, moved */
#define THADS_VW_FULLSCAN 0x40	/* people over the whole frame */

struct thads_vblob {
	struct thads_vbox box;
	float	 area;		/* fraction of the frame */
	float	 flow;		/* mean flow speed, frame widths a second */
	float	 jerk;		/* mean change of flow between frames, same */
	float	 disorder;	/* 0 all one way .. 1 every way */
};

struct thads_vperson {
	struct thads_vbox box;
	float	 score;		/* HOG weight */
};

struct thads_vzmeas {
	float	 motion;	/* moving fraction of the zone, 0..1 */
	struct thads_vbox motion_box;
	float	 fire;		/* flickering flame-coloured fraction, or -1
				   when the frame has no colour */
	struct thads_vbox fire_box;
	float	 smoke;		/* smoke-like fraction of the zone */
	struct thads_vbox smoke_box;
};

struct thads_vmeas {
	int	 corrupt;	/* the frame looks broken: skip it */
	float	 corrupt_frac;	/* share of flat grey or green blocks */
	int	 light_change;	/* sudden global change: background reset */
	int	 settling;	/* frames still to go before motion counts */
	int	 grey;		/* the frame has no colour (IR) */
	float	 brightness;	/* mean luma 0..255 */
	float	 shake_x, shake_y;	/* global shift removed, pixels */
	/* Tamper measures; each -1 when not computed. */
	float	 contrast;	/* luma standard deviation, 0..128 */
	float	 sharpness;	/* edge energy over the reference's */
	float	 overlap;	/* share of edges where the reference had */
	int	 nblobs;
	struct thads_vblob blob[THADS_VMAXBLOBS];
	int	 people_done;	/* people were looked for on this frame */
	int	 npeople;
	struct thads_vperson person[THADS_VMAXPEOPLE];
	int	 nzones;
	struct thads_vzmeas zone[THADS_VMAXZONES];
};

/*
 * Start an analyser for frames of width x height with parameters p
 * (copied), zones (zone 0 is usually the whole frame) and masks (areas
 * ignored by every detector but tamper).  Returns 0, THADS_EUSAGE (too
 * many zones, a polygon with fewer than 3 points), THADS_ENOMEM,
 * THADS_ELIB.
 */
int	thads_vis_open(const struct thads_vparams *p, int width, int height,
	    double fps, const struct thads_vpoly *zones, int nzones,
	    const struct thads_vpoly *masks, int nmasks,
	    struct thads_vis **out, struct thads_err *err);

/*
 * Learn the background from frames sampled ahead of the analysis (file
 * mode): each call adds one sample, thads_vis_prime_end() takes their
 * per-pixel median as the starting background, and marks as a static
 * overlay (a running clock, a caption) what differs from it in most
 * samples.  So an event in the first seconds of a clip is not taken for
 * background.  Returns 0 or an error as thads_vis_open().
 */
int	thads_vis_prime(struct thads_vis *v, const struct thads_vframe *f,
	    struct thads_err *err);
int	thads_vis_prime_end(struct thads_vis *v, struct thads_err *err);

/*
 * Analyse the next frame, computing what want asks for (THADS_VW_*),
 * into m.  Frames must come in order; skipped frames are allowed.
 * Returns 0, THADS_ENOMEM, THADS_EUSAGE (a frame of another size),
 * THADS_ELIB.
 */
int	thads_vis_analyse(struct thads_vis *v, const struct thads_vframe *f,
	    unsigned want, struct thads_vmeas *m, struct thads_err *err);

void	thads_vis_close(struct thads_vis *v);

/* ---- Annotated video. ---- */

#define THADS_VD_ZONE	0	/* polygon outline, yellow */
#define THADS_VD_MASK	1	/* polygon outline, grey */
#define THADS_VD_BLOB	2	/* box, green */
#define THADS_VD_PERSON	3	/* box, blue */
#define THADS_VD_EVENT	4	/* box and label, red */

struct thads_vdraw {
	int	 kind;		/* THADS_VD_* */
	const struct thads_vpoly *poly;	/* ZONE, MASK */
	struct thads_vbox box;	/* the others */
	const char *label;	/* may be NULL */
};

/*
 * Write a video to path (".avi": MJPG, else MPEG-4 part 2), of frames of
 * width x height at fps.  The file must not exist, unless force.
 * Returns 0, THADS_ECANTCREAT, THADS_ENOMEM, THADS_ELIB.
 */
int	thads_vwriter_open(const char *path, int width, int height,
	    double fps, int force, struct thads_vwriter **out,
	    struct thads_err *err);

/* Write f with the n drawings d on it (on a copy: f is unchanged). */
int	thads_vwriter_write(struct thads_vwriter *w,
	    const struct thads_vframe *f, const struct thads_vdraw *d,
	    size_t n, struct thads_err *err);

/* Finish the file and free w (w may be NULL). */
int	thads_vwriter_close(struct thads_vwriter *w, struct thads_err *err);

#ifdef __cplusplus
}
#endif

#endif /* THADS_VISION_H */
