/*
 * report_schema.h: the migration of thads-report, listed third in
 * lib/schema.c.  On a database without the table (a copy made by
 * other means) the training report says so and exits 78.
 *
 * training: education and vocational training of persons held or
 * supervised (LECJ: general education, literacy, vocational courses).
 * One row per enrolment in a programme: kind, programme, the facility
 * that runs it, the enrolment date, and when it ends, the end date and
 * how it ended.  The key is the person, the programme and the day of
 * enrolment, as the importer keys the other kinds.  No index beyond
 * the key: the report reads the whole (small) table once.
 */
#ifndef THADS_REPORT_SCHEMA_H
#define THADS_REPORT_SCHEMA_H

static const char thads_schema_report[] =
"CREATE TABLE training (\n"
"  id INTEGER PRIMARY KEY,\n"
"  person_id INTEGER NOT NULL REFERENCES person (id),\n"
"  kind TEXT NOT NULL\n"
"    CHECK (kind = 'education' OR kind = 'vocational'),\n"
"  programme TEXT NOT NULL,\n"
"  facility_id INTEGER REFERENCES facility (id),\n"
"  enrolled TEXT NOT NULL,\n"
"  ended TEXT,\n"
"  outcome TEXT CHECK (outcome IS NULL OR outcome = 'completed'\n"
"    OR outcome = 'dropped' OR outcome = 'transferred'\n"
"    OR outcome = 'released'),\n"
"  certificate TEXT,\n"
"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL, deleted_at TEXT,\n"
"  UNIQUE (person_id, programme, enrolled)\n"
");\n";

#endif /* THADS_REPORT_SCHEMA_H */
