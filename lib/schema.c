/*
 * schema.c: the database schema and its migrations, in one place.
 *
 * migrations[i] takes a database from user_version i to i + 1.  A
 * migration is never edited once released; a change is a new one.
 *
 * Dates are TEXT "YYYY-MM-DD", date-times TEXT "YYYY-MM-DD HH:MM:SS" in
 * the agency's local time, audit times TEXT UTC "YYYY-MM-DDTHH:MM:SSZ".
 * Rows are never removed by the tools except by an explicit purge:
 * deleted_at marks a soft delete.  The enumerated values are the English
 * words of fields.c.
 *
 * Two choices are made for the speed of a large import.  A CHECK on an
 * enumeration is a chain of '=' rather than IN (...): SQLite builds a
 * temporary B-tree for an IN list of more than two values each time a
 * statement runs, which took a fifth of an import's time.  And a table
 * has only the indexes that some tool searches by, since each costs a
 * B-tree insert per row; a tool that needs a new one adds it in a
 * migration.
 */
#include <stddef.h>

#include "alert_schema.h"
#include "geodb.h"
#include "report_schema.h"
#include "schema.h"
#include "vidschema.h"

static const char v1[] =
"CREATE TABLE facility (\n"
"  id INTEGER PRIMARY KEY,\n"
"  code TEXT NOT NULL UNIQUE,\n"
"  name TEXT, kind TEXT, ward TEXT,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT\n"
");\n"
"CREATE TABLE person (\n"
"  id INTEGER PRIMARY KEY,\n"
"  ext_id TEXT UNIQUE,\n"
"  national_id TEXT UNIQUE,\n"
"  name TEXT, name_folded TEXT, aliases TEXT, aliases_folded TEXT,\n"
"  birth_date TEXT, age INTEGER, age_on TEXT,\n"
"  sex TEXT CHECK (sex = 'male' OR sex = 'female' OR sex = 'unknown'),\n"
"  nationality TEXT, ethnicity TEXT, race TEXT,\n"
"  iris_ref TEXT, dna_ref TEXT, photo_ref TEXT,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT\n"
");\n"
"CREATE INDEX person_name_birth ON person (name_folded, birth_date);\n"
/*
 * Name search (thads-record find): an FTS5 index over the folded name
 * and aliases (text.h: lower case, no accents, Đ as d), which the
 * writers compute in C so that the triggers need no SQL function and
 * any SQLite client can write the table.  External content: the text
 * lives only in person.
 */
"CREATE VIRTUAL TABLE person_fts USING fts5 (name_folded, aliases_folded,\n"
"  content = 'person', content_rowid = 'id',\n"
"  tokenize = 'unicode61 remove_diacritics 2');\n"
"CREATE TRIGGER person_fts_ai AFTER INSERT ON person BEGIN\n"
"  INSERT INTO person_fts (rowid, name_folded, aliases_folded)\n"
"    VALUES (new.id, new.name_folded, new.aliases_folded);\n"
"END;\n"
"CREATE TRIGGER person_fts_ad AFTER DELETE ON person BEGIN\n"
"  INSERT INTO person_fts (person_fts, rowid, name_folded, aliases_folded)\n"
"    VALUES ('delete', old.id, old.name_folded, old.aliases_folded);\n"
"END;\n"
"CREATE TRIGGER person_fts_au AFTER UPDATE OF name_folded, aliases_folded\n"
"  ON person BEGIN\n"
"  INSERT INTO person_fts (person_fts, rowid, name_folded, aliases_folded)\n"
"    VALUES ('delete', old.id, old.name_folded, old.aliases_folded);\n"
"  INSERT INTO person_fts (rowid, name_folded, aliases_folded)\n"
"    VALUES (new.id, new.name_folded, new.aliases_folded);\n"
"END;\n"
"CREATE TABLE judgment (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  number TEXT NOT NULL, court TEXT, date TEXT NOT NULL,\n"
"  offence_date TEXT, article TEXT, offence TEXT, category TEXT,\n"
"  sentence_type TEXT NOT NULL,\n"
"  term_years INTEGER, term_months INTEGER, term_days INTEGER,\n"
"  probation_months INTEGER, start_date TEXT, consecutive_to TEXT,\n"
"  release_date_ext TEXT,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT,\n"
"  UNIQUE (person_id, number)\n"
");\n"
"CREATE TABLE episode (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  facility_id INTEGER NOT NULL REFERENCES facility (id),\n"
"  status TEXT NOT NULL, admitted TEXT NOT NULL, released TEXT,\n"
"  release_reason TEXT, custody_level TEXT,\n"
"  judgment_number TEXT,\n"
"  match TEXT NOT NULL DEFAULT 'new'\n"
"    CHECK (match = 'new' OR match = 'id' OR match = 'national_id'\n"
"      OR match = 'name_birth'),\n"
"  extra TEXT,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT,\n"
"  UNIQUE (person_id, admitted)\n"
");\n"

"CREATE TABLE detention_order (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  number TEXT, issued TEXT, start_date TEXT NOT NULL,\n"
"  end_date TEXT NOT NULL, category TEXT, stage TEXT,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT,\n"
"  UNIQUE (person_id, start_date)\n"
");\n"
"CREATE INDEX detention_order_end ON detention_order (end_date);\n"
"CREATE TABLE classification (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  period TEXT NOT NULL, period_end TEXT NOT NULL, result TEXT NOT NULL,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT,\n"
"  UNIQUE (person_id, period, period_end)\n"
");\n"
"CREATE TABLE reduction (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  decision TEXT, date TEXT NOT NULL,\n"
"  years INTEGER, months INTEGER, days INTEGER,\n"
"  judgment_number TEXT,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT,\n"
"  UNIQUE (person_id, date)\n"
");\n"
"CREATE TABLE violation (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  date TEXT NOT NULL, kind TEXT NOT NULL, note TEXT,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT,\n"
"  UNIQUE (person_id, date, kind)\n"
");\n"
"CREATE TABLE audit (\n"
"  id INTEGER PRIMARY KEY,\n"
"  at TEXT NOT NULL,\n"
"  tool TEXT NOT NULL, os_user TEXT NOT NULL, actor TEXT,\n"
"  action TEXT NOT NULL\n"
"    CHECK (action = 'insert' OR action = 'update' OR action = 'delete'\n"
"      OR action = 'purge'),\n"
"  tbl TEXT NOT NULL, row_id INTEGER, record_key TEXT NOT NULL,\n"
"  old TEXT, new TEXT, reason TEXT,\n"
/*
 * The audit trail is a hash chain (lib/audit.c): hash is the SHA-256 of
 * prev_hash and of every other column of the entry, id included, and
 * prev_hash is the hash of entry id - 1 (64 zeros for the first).  Ids
 * are given by the writer, one after the other, so a gap is a deletion.
 */
"  prev_hash TEXT NOT NULL, hash TEXT NOT NULL\n"
");\n"
"CREATE INDEX audit_record ON audit (tbl, row_id);\n"
/*
 * Who consulted which dossier (thads-record show, history, export), as
 * the data protection rules for criminal records require.
 */
"CREATE TABLE access_log (\n"
"  id INTEGER PRIMARY KEY,\n"
"  at TEXT NOT NULL,\n"
"  tool TEXT NOT NULL, os_user TEXT NOT NULL, actor TEXT,\n"
"  action TEXT NOT NULL,\n"
"  person_id INTEGER NOT NULL\n"
");\n"
"CREATE INDEX access_log_person ON access_log (person_id);\n"
"CREATE TABLE import_batch (\n"
"  id INTEGER PRIMARY KEY,\n"
"  started_at TEXT NOT NULL, finished_at TEXT,\n"
"  tool TEXT NOT NULL, os_user TEXT NOT NULL, sources TEXT NOT NULL,\n"
"  rows_read INTEGER, inserted INTEGER, updated INTEGER,\n"
"  unchanged INTEGER, rejected INTEGER\n"
");\n"
/*
 * Admissions with the number of earlier admissions of the same person:
 * what the other tools use for re-admission and recidivism.
 */
"CREATE VIEW admission AS\n"
"  SELECT e.*, (SELECT count(*) FROM episode p\n"
"               WHERE p.person_id = e.person_id\n"
"                 AND p.admitted < e.admitted\n"
"                 AND p.deleted_at IS NULL) AS prior_admissions\n"
"  FROM episode e WHERE e.deleted_at IS NULL;\n";

/*
 * The tools' own tables come after the dossier's: 2, the alert engine's
 * state (alert_schema.h); 3, training enrolments for the reports
 * (report_schema.h); 4, cameras and their events (vidschema.h); 5,
 * zones, devices, fixes and violations of electronic monitoring
 * (geodb.h).  A released migration is never edited: a change is a new
 * one at the end.
 */
static const char *const migrations[] = {
	v1, thads_schema_alert, thads_schema_report, thads_schema_vidscan,
	thads_schema_geofence
};

int
thads_schema_version(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

const char *
thads_schema_migration(int from)
{
	if (from < 0 || from >= thads_schema_version())
		return NULL;
	return migrations[from];
}
