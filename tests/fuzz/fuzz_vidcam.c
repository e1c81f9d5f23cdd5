/*
 * fuzz_vidcam: the camera file of thads-vidscan (vidcam.c).  Inputs of
 * odd length are also validated against the camera schema.
 */
#include "fuzz.h"

#include "thads.h"
#include "vidcam.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct thads_vcams c = { 0 };
	struct thads_err err;
	const char *xsd = size % 2 ? fuzz_src("schema/thads-cameras.xsd") :
	    NULL;
	char *text;
	int i, rc;

	/* The tool hands the parser the file with a NUL after it. */
	if ((text = malloc(size + 1)) == NULL)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	rc = thads_vcams_parse(text, size, "fuzz", xsd, &c, &err);
	free(text);
	if (rc != 0)
		return 0;
	for (i = 0; i < c.n; i++)
		(void)thads_vcams_find(&c, c.cam[i].id);
	thads_vcams_free(&c);
	return 0;
}
