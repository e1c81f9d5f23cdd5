/*
 * fuzz_alertconf: the INI configuration of thads-alert (alert.c), read
 * over the built-in defaults.
 */
#include "fuzz.h"

#include "alert.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct thads_alert_conf c;
	struct thads_err err;

	thads_alert_conf_defaults(&c);
	thads_alert_conf_load(&c, fuzz_file("alert.conf", data, size), &err);
	return 0;
}
