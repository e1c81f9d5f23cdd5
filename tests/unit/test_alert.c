/*
 * test_alert.c: unit tests for lib/alert.c: the defaults the man page
 * lists, the configuration file and its errors, and the lead-time
 * windows of the rules on in-memory dossiers (the end-to-end tests in
 * tests/t2010-alert-rules.sh go through the database).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "alert.h"

static struct thads_rules *pack;

static int
setup(void **state)
{
	struct thads_err err;

	(void)state;
	return thads_rules_load("rules/thads-rules.ini", &pack, &err);
}

static int
teardown(void **state)
{
	(void)state;
	thads_rules_free(pack);
	return 0;
}

static int
D(const char *s)
{
	int d = THADS_NODAY;

	assert_int_equal(thads_day_parse(s, &d), 0);
	return d;
}

static const char *
conf_file(const char *text)
{
	static char name[64];
	FILE *fp;
	int fd;

	snprintf(name, sizeof(name), "/tmp/thads-alert-XXXXXX");
	assert_true((fd = mkstemp(name)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	fputs(text, fp);
	fclose(fp);
	return name;
}

/* alert-1.1: the defaults of the man page. */
static void
defaults(void **state)
{
	struct thads_alert_conf c;

	(void)state;
	thads_alert_conf_defaults(&c);
	assert_int_equal(c.r[THADS_A_DET_EXPIRING].lead.days, 15);
	assert_int_equal(c.r[THADS_A_DET_EXPIRING].sev, THADS_SEV_WARNING);
	assert_int_equal(c.r[THADS_A_DET_EXPIRED].sev, THADS_SEV_CRITICAL);
	assert_int_equal(c.r[THADS_A_CUSTODY].lead.hours, 12);
	assert_int_equal(c.r[THADS_A_RELEASE_PREP].lead.months, 2);
	assert_int_equal(c.r[THADS_A_CLASSIF].lead.days, 10);
	assert_string_equal(thads_arule_name(THADS_A_EM), "em_proposal");
	assert_int_equal(thads_arule_find("record_clearance"),
	    THADS_A_CLEARANCE);
	assert_int_equal(thads_sev_find("critical"), THADS_SEV_CRITICAL);
	assert_int_equal(thads_sev_find("urgent"), -1);
}

/* alert-1.2: a configuration overrides what it names, nothing else. */
static void
config(void **state)
{
	struct thads_alert_conf c;
	struct thads_err err;
	const char *f;

	(void)state;
	thads_alert_conf_defaults(&c);
	f = conf_file("# comment\n[alert]\ntimezone = Asia/Bangkok\n\n"
	    "[release_due]\nlead = 1m10d\nseverity = critical\n"
	    "[em_proposal]\nenabled = no\n");
	assert_int_equal(thads_alert_conf_load(&c, f, &err), 0);
	unlink(f);
	assert_string_equal(c.tz, "Asia/Bangkok");
	assert_int_equal(c.r[THADS_A_RELEASE_DUE].lead.months, 1);
	assert_int_equal(c.r[THADS_A_RELEASE_DUE].lead.days, 10);
	assert_int_equal(c.r[THADS_A_RELEASE_DUE].sev, THADS_SEV_CRITICAL);
	assert_int_equal(c.r[THADS_A_EM].enabled, 0);
	assert_int_equal(c.r[THADS_A_DET_EXPIRING].lead.days, 15);
}

/* alert-1.3: configuration errors carry the line. */
static void
config_errors(void **state)
{
	static const struct {
		const char *text;
		long	 line;
		const char *msg;
	} t[] = {
		{ "[nothing]\nlead = 1d\n", 2, "unknown rule [nothing]" },
		{ "[release_due]\nlead = 1w\n", 2, "bad 'lead = 1w'" },
		{ "[release_due]\nseverity = high\n", 2, "bad 'severity" },
		{ "[release_due]\nenabled = maybe\n", 2, "bad 'enabled" },
		{ "lead = 1d\n", 1, "under a [section]" },
		{ "[alert]\nzone = x\n", 2, "unknown key 'zone'" },
		{ "[release_due\n", 1, "bad section" },
	};
	struct thads_alert_conf c;
	struct thads_err err;
	const char *f;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		thads_alert_conf_defaults(&c);
		f = conf_file(t[i].text);
		assert_int_equal(thads_alert_conf_load(&c, f, &err),
		    THADS_ECONFIG);
		unlink(f);
		if (err.line != t[i].line || strstr(err.msg, t[i].msg) == NULL)
			fail_msg("case %zu: line %ld '%s'", i, err.line,
			    err.msg);
	}
	assert_int_equal(thads_alert_conf_load(&c, "/nonexistent", &err),
	    THADS_ENOINPUT);
}

/* The alerts of dossier d on day as_of, keys into buf, one per line. */
static void
alerts_of(struct thads_dossier *d, int as_of, char *buf, size_t size)
{
	struct thads_alert_conf c;
	struct thads_sentences s;
	struct thads_alerts al;
	char key[200];
	size_t i, n = 0;

	thads_alert_conf_defaults(&c);
	memset(&s, 0, sizeof(s));
	memset(&al, 0, sizeof(al));
	assert_int_equal(thads_sentence_run(pack, d, as_of, &s), 0);
	assert_int_equal(thads_alert_person(&c, pack, d, &s, as_of,
	    (long long)as_of * 86400, &al), 0);
	buf[0] = '\0';
	for (i = 0; i < al.n; i++) {
		thads_alert_key(&al.a[i], key, sizeof(key));
		n += (size_t)snprintf(buf + n, size - n, "%s %s\n",
		    thads_sev_name(al.a[i].sev), key);
	}
	thads_sentences_free(&s);
	thads_alerts_free(&al);
}

/* alert-2.1: release windows of a prisoner released 2027-01-09. */
static void
release_windows(void **state)
{
	struct thads_jud j = { "J1", 0 };
	struct thads_ep e = { THADS_S_SERVING, 0, 0, THADS_NODAY, -1, "J1" };
	struct thads_cls q[2] = { { THADS_PER_QUARTER, 0, 0 },
	    { THADS_PER_QUARTER, 0, 0 } };
	struct thads_dossier d;
	char buf[2048];

	(void)state;
	j.date = j.start = D("2024-01-10");
	j.offence = j.release_ext = THADS_NODAY;
	j.type = THADS_P_FIXED;
	j.category = -1;
	j.years = 3;
	j.months = j.days = j.probation = -1;
	e.admitted = D("2024-01-10");
	q[0].end = D("2026-11-25");
	q[1].end = D("2026-08-25");
	memset(&d, 0, sizeof(d));
	d.id = "P1";
	d.birth = THADS_NODAY;
	d.ju = &j;
	d.nju = 1;
	d.ep = &e;
	d.nep = 1;
	d.cl = q;
	d.ncl = 2;
	alerts_of(&d, D("2026-11-08"), buf, sizeof(buf));
	assert_string_equal(buf, "");
	alerts_of(&d, D("2026-11-09"), buf, sizeof(buf));
	assert_string_equal(buf, "info release_preparation:2027-01-09:P1\n");
	alerts_of(&d, D("2026-12-25"), buf, sizeof(buf));
	assert_string_equal(buf, "warning release_due:2027-01-09:P1\n");
	alerts_of(&d, D("2027-01-10"), buf, sizeof(buf));
	assert_string_equal(buf, "critical release_due:2027-01-09:P1\n");
	/* Released on the day: no longer held, no alert. */
	e.released = D("2027-01-09");
	alerts_of(&d, D("2027-01-10"), buf, sizeof(buf));
	assert_string_equal(buf, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(config),
		cmocka_unit_test(config_errors),
		cmocka_unit_test(release_windows),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
