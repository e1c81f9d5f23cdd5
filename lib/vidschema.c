/*
 * vidschema.c: the SQL of the thads-vidscan migration (vidschema.h).
 */
#include "vidschema.h"

const char thads_schema_vidscan[] =
"CREATE TABLE IF NOT EXISTS vid_camera (\n"
"  id TEXT PRIMARY KEY,\n"
"  place TEXT, url TEXT,\n"
"  config TEXT NOT NULL,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL\n"
");\n"
"CREATE TABLE IF NOT EXISTS vid_event (\n"
"  id INTEGER PRIMARY KEY,\n"
"  camera TEXT NOT NULL, zone TEXT NOT NULL,\n"
"  type TEXT NOT NULL CHECK (type = 'motion' OR type = 'quiet'\n"
"    OR type = 'intrusion' OR type = 'gathering' OR type = 'loitering'\n"
"    OR type = 'fight' OR type = 'fire' OR type = 'smoke'\n"
"    OR type = 'headcount' OR type = 'tamper' OR type = 'lost'),\n"
"  source TEXT NOT NULL,\n"
"  video_start REAL NOT NULL, video_end REAL NOT NULL,\n"
"  wall_start TEXT NOT NULL, wall_end TEXT NOT NULL,\n"
"  peak REAL, unit TEXT, expected INTEGER, confidence REAL,\n"
"  box_x REAL, box_y REAL, box_w REAL, box_h REAL,\n"
"  detail TEXT,\n"
"  snapshot BLOB, snapshot_path TEXT, snapshot_sha256 TEXT,\n"
"  open INTEGER NOT NULL DEFAULT 0,\n"
"  created_at TEXT NOT NULL,\n"
"  UNIQUE (source, camera, zone, type, video_start)\n"
");\n"
"CREATE INDEX IF NOT EXISTS vid_event_time ON vid_event (wall_start);\n";

