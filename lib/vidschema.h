/*
 * vidschema.h: the tables of thads-vidscan, as one schema migration
 * (thads_schema_vidscan).
 *
 * vid_camera holds each imported camera, with the validated <camera>
 * element it came from in config.  vid_event holds one row per event:
 * video times are seconds of the source's presentation time, wall times
 * local "YYYY-MM-DD HH:MM:SS" like the other tables; the snapshot is
 * either stored (snapshot) or written under a folder (snapshot_path),
 * with its SHA-256 in both cases.  Scanning the same recording twice
 * adds nothing: an event is unique by source, camera, zone, type and
 * start.
 *
 * lib/schema.c lists it as migration 4.  thads_vdb_ensure() (viddb.h)
 * also applies it to a database that lacks the tables (one made by a
 * build without it); the statements say IF NOT EXISTS so that either
 * way gives the same database.
 */
#ifndef THADS_VIDSCHEMA_H
#define THADS_VIDSCHEMA_H

extern const char thads_schema_vidscan[];

#endif /* THADS_VIDSCHEMA_H */
