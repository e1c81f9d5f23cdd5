/*
 * fuzz_csv_map: a CSV file, with or without a mapping file, loaded into
 * a database the way thads-import loads it (csv.c, map.c, load.c,
 * validate.c, import.c), then rolled back.
 *
 * The input is a mapping file and a CSV file separated by a line
 * "%%"; with no such line it is an interchange CSV, read without a
 * mapping.  One database is opened per process and every load is rolled
 * back, so the inputs do not depend on each other.
 */
#include "fuzz.h"

#include "db.h"
#include "load.h"

static struct thads_db *db;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n%%\n";
	struct thads_load_opts o = { 0 };
	struct thads_load *l;
	struct thads_err err;
	const uint8_t *csv = data;
	size_t i, ncsv = size;

	if (db == NULL) {
		char dbpath[128];

		fuzz_file("x", "", 0);
		snprintf(dbpath, sizeof(dbpath), "%s/fuzz.db", fuzz_dir);
		if (thads_db_open(dbpath, 0, 1000, "fuzz", &db, &err) != 0) {
			fprintf(stderr, "fuzz: %s\n", err.msg);
			abort();
		}
		memcpy(fuzz_paths[fuzz_npaths++], dbpath, sizeof(dbpath));
	}
	for (i = 0; i + 4 <= size; i++)
		if (memcmp(data + i, sep, 4) == 0) {
			o.map = fuzz_file("in.map", data, i + 1);
			csv = data + i + 4;
			ncsv = size - i - 4;
			break;
		}
	o.infmt = THADS_IN_CSV;
	o.today = "2026-01-01";
	thads_clearerr(&err);
	if (thads_load_begin(db, &o, &l, &err) != 0)
		return 0;
	thads_load_file(l, fuzz_file("in.csv", csv, ncsv), &err);
	if (thads_load_end(l, 0, &err) != 0)
		abort();	/* a rollback cannot fail */
	return 0;
}
