/*
 * geozone.h: the zones of electronic monitoring (thads-geofence): where
 * a person must stay, must not go, or must be during a curfew.
 *
 * A zone is read from GeoJSON, KML or WKT in WGS84 longitude/latitude
 * (or given as a circle: a centre and a radius in metres), checked, and
 * compiled for the hot path:
 *
 * - Every coordinate must be a longitude in [-180, 180] and a latitude
 *   in [-90, 90]; anything else is taken for a projected system (metres
 *   of UTM or a national grid) and refused with a message that says so.
 * - A ring needs at least four positions, the last equal to the first;
 *   a polygon may have holes, a zone may be a multipolygon.
 * - A ring whose longitude jumps by more than 180 degrees between two
 *   consecutive positions crosses the 180th meridian and is unwrapped,
 *   as are the parts of a multipolygon split there (RFC 7946), so that
 *   a zone across the meridian is one small area, not the rest of the
 *   globe.
 * - The geometry must be valid in the OGC sense (GEOS isValidDetail):
 *   no self-intersection, no ring crossing another, holes inside their
 *   shell.  A refusal names the reason and the place (longitude and
 *   latitude), and the caller adds the file and line.
 *
 * Compiled, a polygon zone lives in a local plane in metres (an
 * equirectangular projection centred on the zone, exact to well under
 * one per cent over the size of a commune), as a GEOS prepared
 * geometry; an exclusion zone is first grown by its buffer.  A circle is
 * tested on the sphere directly (haversine), with no polygon at all.
 *
 * Every function takes a struct thads_geo, which holds the GEOS context
 * (GEOS's reentrant API, no global state) and its last message.
 */
#ifndef THADS_GEOZONE_H
#define THADS_GEOZONE_H

#include <stddef.h>
#include <stdint.h>

#include "thads.h"

/* Mean Earth radius (IUGG), metres. */
#define THADS_EARTH_R	6371008.8

enum thads_zone_kind {
	THADS_ZONE_INCLUSION,	/* must stay inside: home ward, commune */
	THADS_ZONE_EXCLUSION,	/* must stay out: banned area, victim's home */
	THADS_ZONE_CURFEW	/* must be inside during the windows */
};

struct thads_geo;
struct thads_zgeom;
struct thads_curfew;

/* The rings of one polygon: ring 0 is the shell, the others holes. */
struct thads_zring {
	double	*xy;		/* lon, lat pairs */
	size_t	 n;		/* positions */
};

struct thads_zpoly {
	struct thads_zring *ring;
	size_t	 nring;
};

/*
 * A zone as read, before it is compiled.  Polygon zones have npoly >= 1;
 * a circle has npoly 0 and radius > 0 around (clon, clat).
 */
struct thads_zdef {
	char	*name;
	enum thads_zone_kind kind;
	struct thads_zpoly *poly;
	size_t	 npoly;
	double	 clon, clat, radius;
	double	 buffer;	/* metres around an exclusion zone */
	char	*schedule;	/* curfew windows, see thads_curfew_parse() */
	char	*tz;		/* the curfew's time zone, NULL: the default */
	long	 line;		/* where it starts in its file */
};

/* A compiled zone. */
struct thads_zone {
	long long id;		/* database id, 0 when not stored */
	char	*name;
	enum thads_zone_kind kind;
	char	*wkt;		/* WGS84, as stored: a POINT for a circle */
	double	 radius;	/* circle radius in metres, 0 for a polygon */
	double	 buffer;
	char	*schedule;
	char	*tz;
	struct thads_curfew *curfew;	/* parsed schedule, curfew only */
	struct thads_zgeom *g;		/* compiled geometry */
};

/* Where a point stands against a zone. */
struct thads_zloc {
	int	 inside;	/* inside the zone (grown by its buffer) */
	double	 dist;		/* metres to the boundary, when asked for */
};

/* The default time zone of curfews and naive time stamps. */
#define THADS_GEO_DEFAULT_TZ	"Asia/Ho_Chi_Minh"

/*
 * Make a geometry context.  Returns 0 and *out, or THADS_ENOMEM or
 * THADS_ELIB (GEOS failed to start).  Free with thads_geo_free().
 */
int	thads_geo_new(struct thads_geo **out, struct thads_err *err);
void	thads_geo_free(struct thads_geo *geo);

/* The name of a zone kind ("inclusion", ...) and back: 0 or -1. */
const char *thads_zone_kind_name(enum thads_zone_kind kind);
int	thads_zone_kind_parse(const char *s, enum thads_zone_kind *out);

/*
 * Read the zones of a file into an array of definitions, by format:
 * "geojson", "kml" or "wkt" (see thads_zdefs_guess()).  text is the
 * whole file (len bytes); name is used in messages.  Properties that a
 * zone does not carry come from dflt (kind, buffer, radius, schedule,
 * tz; dflt->name, when set, names a file's only zone).  name_prop is the
 * GeoJSON property or KML element that names a zone ("name" if NULL).
 *
 * GeoJSON: a FeatureCollection, a Feature or a bare geometry; Polygon,
 * MultiPolygon, or Point with a "radius" property (metres).  Properties
 * "kind", "buffer", "radius", "schedule", "tz".  A "crs" member naming
 * anything other than WGS84 longitude/latitude is refused.
 * KML: every Placemark with a Polygon, a MultiGeometry of polygons or a
 * Point, named by <name>; <ExtendedData><Data name="kind"> (and buffer,
 * radius, schedule, tz) set the properties.  The document is read with
 * no DTD, no entity and no network, as the interchange XML is.
 * WKT: one zone per line, "[NAME<TAB>]WKT[<TAB>key=value ...]" with the
 * keys above; blank lines and lines starting with '#' are skipped;
 * POLYGON, MULTIPOLYGON, or POINT with radius=.
 *
 * On success *defs is a malloc'd array of *ndefs zones (free it with
 * thads_zdefs_free()).  Returns 0, THADS_EDATA (with err->file = name,
 * err->line where known, and the reason and place in the message), or
 * THADS_ENOMEM.  Nothing is returned when one zone is bad: the file is
 * all or nothing.
 */
int	thads_zdefs_read(struct thads_geo *geo, const char *fmt,
	    const char *text, size_t len, const char *name,
	    const struct thads_zdef *dflt, const char *name_prop,
	    struct thads_zdef **defs, size_t *ndefs, struct thads_err *err);

/* The format of a zone file by its name (.geojson, .json, .kml, .wkt,
 * .txt) or, failing that, by its first bytes; NULL when unknown. */
const char *thads_zdefs_guess(const char *name, const char *text,
	    size_t len);

void	thads_zdefs_free(struct thads_zdef *defs, size_t n);

/*
 * Check a definition and compile it into *out (free with
 * thads_zone_free()).  The checks are those described above, plus: a
 * name, a buffer and radius in [0, 100000] metres, a parseable schedule
 * and a known time zone for a curfew.  Returns 0, THADS_EDATA (reason
 * and place in err->msg, err->line = def->line), THADS_ENOMEM or
 * THADS_ELIB.
 */
int	thads_zone_compile(struct thads_geo *geo, const struct thads_zdef *def,
	    struct thads_zone **out, struct thads_err *err);

/*
 * Compile a zone stored in the database: wkt (WGS84) and radius as
 * thads_zone_compile() left them.  The OGC validity check, done before
 * the zone was stored, is not repeated.  Returns as thads_zone_compile().
 */
int	thads_zone_load(struct thads_geo *geo, long long id, const char *name,
	    enum thads_zone_kind kind, const char *wkt, double radius,
	    double buffer, const char *schedule, const char *tz,
	    struct thads_zone **out, struct thads_err *err);

void	thads_zone_free(struct thads_geo *geo, struct thads_zone *z);

/*
 * Locate the point (lon, lat) against z: inside or not (an exclusion
 * zone counts its buffer), and the distance in metres to the zone's
 * boundary on the side the point is on.  need says how much of the
 * distance the caller needs: < 0 none (loc->dist is 0); INFINITY the
 * exact distance; otherwise the exact distance when it is at most need,
 * and else any value above need (a cheap bound from the zone's extent),
 * which is all a "farther than the threshold?" test wants.  Returns 0
 * or THADS_ELIB.
 */
int	thads_zone_locate(struct thads_geo *geo, const struct thads_zone *z,
	    double lon, double lat, double need, struct thads_zloc *loc);

/*
 * The distance in metres from (lon1, lat1) to (lon2, lat2) in the plane
 * where z's distances are measured: since the distance to a boundary
 * changes by at most the distance moved, a caller that knows it for one
 * point knows a bound for the next without asking GEOS.
 */
double	thads_zone_moved(const struct thads_zone *z, double lon1, double lat1,
	    double lon2, double lat2);

/*
 * Whether the straight segment from (lon1, lat1) to (lon2, lat2) passes
 * through z.  When it does, *depth is the distance in metres from the
 * boundary to the middle of the longest piece inside.  Returns 1, 0, or
 * THADS_ELIB.
 */
int	thads_zone_crossed(struct thads_geo *geo, const struct thads_zone *z,
	    double lon1, double lat1, double lon2, double lat2,
	    double *depth);

/*
 * The radius in metres of the largest circle inside z (for a circle,
 * its radius): how deep "clearly inside" can be for a small zone.
 */
double	thads_zone_inradius(const struct thads_zone *z);

/*
 * The zone's outline in WGS84 for drawing: calls fn for each ring with
 * its positions (lon, lat pairs, longitudes unwrapped across the 180th
 * meridian so that a ring is drawn in one piece).  A circle is given as
 * a ring of 72 positions.  Returns 0 or the first non-zero value of fn.
 */
int	thads_zone_rings(const struct thads_zone *z,
	    int (*fn)(int poly, int ring, const double *xy, size_t n,
	    void *ctx), void *ctx);

/* Great-circle distance in metres (haversine). */
double	thads_geo_distance(double lon1, double lat1, double lon2,
	    double lat2);

#endif /* THADS_GEOZONE_H */
