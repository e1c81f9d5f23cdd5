/*
 * alert_schema.c: the SQL of the thads-alert migration (alert_schema.h).
 *
 * An alert's key is "RULE:DATE:PERSON": the rule, the date it concerns
 * and the person's number.  A key is never reused for another alert,
 * and an alert whose date moves gets a new key.
 */
#include "alert_schema.h"

const char thads_schema_alert[] =
"CREATE TABLE IF NOT EXISTS alert_seen (\n"
"  key TEXT PRIMARY KEY,\n"
"  first_at TEXT NOT NULL,\n"
"  last_at TEXT NOT NULL\n"
") WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS alert_ack (\n"
"  key TEXT PRIMARY KEY,\n"
"  acked_by TEXT NOT NULL,\n"
"  acked_at TEXT NOT NULL,\n"
"  reason TEXT\n"
") WITHOUT ROWID;\n"
"CREATE TABLE IF NOT EXISTS sentence_override (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  judgment_number TEXT NOT NULL,\n"
"  item TEXT NOT NULL,\n"
"  value TEXT NOT NULL,\n"
"  reason TEXT NOT NULL,\n"
"  set_by TEXT NOT NULL,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT,\n"
"  UNIQUE (person_id, judgment_number, item)\n"
");\n";
