/*
 * fuzz_zstd: the streaming zstd reader (zio.c) on a file named .zst,
 * read to its end in small pieces and then with pushed-back bytes.
 */
#include "fuzz.h"

#include "thads.h"
#include "zio.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct thads_err err;
	struct thads_rd *rd;
	char buf[4096];
	long n;
	long long total = 0;

	if (thads_rd_open(fuzz_file("in.zst", data, size), &rd, &err) != 0)
		return 0;
	while ((n = thads_rd_read(rd, buf, 1 + total % sizeof(buf),
	    &err)) > 0) {
		if (total == 0 && thads_rd_unread(rd, buf, n, &err) != 0)
			break;
		total += n;
	}
	thads_rd_close(rd);
	return 0;
}
