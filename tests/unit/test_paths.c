/*
 * test_paths.c: shipped data files and temporary files (paths.c).
 */
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"
#include "thads.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/thads-paths.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* paths-1: $THADS_DATADIR comes first; a missing file is -1; a path
 * that does not fit the buffer is not found rather than cut. */
static void
datafile(void **state)
{
	char path[256], buf[256], small[8];
	FILE *fp;

	(void)state;
	snprintf(path, sizeof(path), "%s/schema", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/schema/x.xsd", dir);
	assert_non_null(fp = fopen(path, "w"));
	fclose(fp);
	assert_int_equal(setenv("THADS_DATADIR", dir, 1), 0);
	assert_int_equal(thads_datafile("schema/x.xsd", buf, sizeof(buf)), 0);
	assert_string_equal(buf, path);
	assert_int_equal(thads_datafile("schema/none.xsd", buf, sizeof(buf)),
	    -1);
	assert_int_equal(thads_datafile("schema/x.xsd", small, sizeof(small)),
	    -1);
	/* Empty: the next places are tried (the source tree has it). */
	assert_int_equal(setenv("THADS_DATADIR", "", 1), 0);
	assert_int_equal(thads_datafile("schema/thads-interchange.xsd", buf,
	    sizeof(buf)), 0);
	unsetenv("THADS_DATADIR");
}

/* paths-2: a temporary file beside its target, mode 0600 whatever the
 * umask, with the suffix kept; too long a name is refused. */
static void
temp_beside(void **state)
{
	char target[256], buf[300], tiny[16];
	struct thads_err err;
	struct stat st;
	mode_t old;
	int fd = -1;

	(void)state;
	snprintf(target, sizeof(target), "%s/out.csv", dir);
	old = umask(0);
	assert_int_equal(thads_temp_beside(target, ".zst", buf, sizeof(buf),
	    &fd, &err), 0);
	umask(old);
	assert_true(fd >= 0);
	assert_int_equal(strncmp(buf, target, strlen(target)), 0);
	assert_string_equal(buf + strlen(buf) - 4, ".zst");
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	close(fd);
	assert_int_equal(unlink(buf), 0);

	assert_int_equal(thads_temp_beside(target, "", buf, sizeof(buf),
	    NULL, &err), 0);
	assert_int_equal(lstat(buf, &st), 0);
	assert_int_equal(unlink(buf), 0);

	assert_int_equal(thads_temp_beside(target, "", tiny, sizeof(tiny),
	    NULL, &err), THADS_ECANTCREAT);
	assert_non_null(strstr(err.msg, "path too long"));

	assert_int_equal(thads_temp_beside("/nonexistent-dir/x", "", buf,
	    sizeof(buf), NULL, &err), THADS_ECANTCREAT);
	assert_non_null(strstr(err.msg, "cannot create a temporary file"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(datafile),
		cmocka_unit_test(temp_beside),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
