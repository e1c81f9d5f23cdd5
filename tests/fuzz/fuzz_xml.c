/*
 * fuzz_xml: the interchange XML (xml.c) read record by record and each
 * record validated, as thads-import does.  Inputs of odd length are
 * also validated against the interchange schema while they stream.
 */
#include "fuzz.h"

#include "record.h"
#include "xml.h"
#include "zio.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct thads_rec rec = { 0 };
	struct thads_err err;
	struct thads_rd *rd;
	struct thads_xml *x;
	const char *xsd = size % 2 ? fuzz_src("schema/thads-interchange.xsd") :
	    NULL;
	int n;

	if (thads_rd_open(fuzz_file("in.xml", data, size), &rd, &err) != 0)
		return 0;
	if (thads_xml_open(rd, xsd, &x, &err) == 0) {
		for (n = 0; n < 100000 && thads_xml_next(x, &rec, &err) == 1;
		    n++) {
			thads_rec_validate(&rec, "2026-01-01", &err);
			(void)thads_xml_raw(x);
		}
		thads_rec_clear(&rec);
		free(rec.extra);	/* kept by thads_rec_clear() */
		thads_xml_close(x);
	}
	thads_rd_close(rd);
	return 0;
}
