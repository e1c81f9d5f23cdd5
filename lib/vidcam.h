/*
 * vidcam.h: cameras, their zones and rules, and the camera file.
 *
 * The camera file is XML in the namespace urn:thads:cameras:1, checked
 * against schema/thads-cameras.xsd before it is read; thads-vidscan(1)
 * documents it.  As for the interchange XML (xml.c), a DOCTYPE is
 * refused before libxml2 parses anything, no entity is expanded and no
 * file or URL is opened but the file itself.
 *
 * Without a camera file a camera has one zone, "all", the whole frame,
 * and every detector at its default.
 */
#ifndef THADS_VIDCAM_H
#define THADS_VIDCAM_H

#include "vision.h"
#include "vidparam.h"

struct thads_err;

#define THADS_VMAXROLL	8	/* roll calls a day per zone */
#define THADS_VIDLEN	64	/* ids */

struct thads_vzone {
	char	 id[THADS_VIDLEN];
	char	 name[128];
	struct thads_vpoly poly;
	int	 restricted;	/* any person is an intrusion */
	int	 max_people;	/* gathering above this; 0: no rule */
	double	 gathering;	/* ... for this long, seconds */
	double	 loiter;	/* one person this long; 0: no rule */
	int	 nroll;		/* roll calls */
	int	 roll_min[THADS_VMAXROLL];	/* minute of the day */
	int	 roll_expected[THADS_VMAXROLL];
	int	 quiet;		/* has quiet hours */
	int	 quiet_from, quiet_to;	/* minutes of the day; may wrap */
	double	 area;		/* fraction of the frame */
};

struct thads_vcam {
	char	 id[THADS_VIDLEN];
	char	 place[128];
	char	 url[512];	/* stream for watch mode, "" for none */
	struct thads_vparams p;
	int	 nzones;
	struct thads_vzone zone[THADS_VMAXZONES];
	int	 nmasks;
	struct thads_vpoly mask[THADS_VMAXZONES];
};

struct thads_vcams {
	int	 n;
	struct thads_vcam *cam;
	char	**xml;		/* per camera, a camera file holding only it */
};

/* Fill cam with the default camera: id, one zone "all", defaults. */
void	thads_vcam_default(struct thads_vcam *cam, const char *id);

/*
 * Read and validate the camera file path against the schema xsd (a
 * path).  On success *out holds the cameras (free with
 * thads_vcams_free()).  Returns 0, THADS_ENOINPUT (cannot read),
 * THADS_ECONFIG (not well-formed, a DOCTYPE, invalid against the
 * schema, a duplicate id, a bad parameter or time: err->file and
 * err->line say where), THADS_ENOMEM.
 */
int	thads_vcams_load(const char *path, const char *xsd,
	    struct thads_vcams *out, struct thads_err *err);

/* The same from text held in memory; name is shown in messages. */
int	thads_vcams_parse(const char *text, size_t len, const char *name,
	    const char *xsd, struct thads_vcams *out, struct thads_err *err);

/* The camera with this id, or NULL. */
const struct thads_vcam *thads_vcams_find(const struct thads_vcams *c,
	    const char *id);

void	thads_vcams_free(struct thads_vcams *c);

/* Whether the minute of the day m falls in the zone's quiet hours. */
int	thads_vzone_quiet(const struct thads_vzone *z, int m);

/* Whether the point (x, y) (relative) lies inside polygon p. */
int	thads_vpoly_contains(const struct thads_vpoly *p, float x, float y);

/* The area of polygon p, relative to the frame. */
double	thads_vpoly_area(const struct thads_vpoly *p);

/* A sample camera file, for "thads-vidscan cameras template". */
extern const char thads_vcams_template[];

#endif /* THADS_VIDCAM_H */
