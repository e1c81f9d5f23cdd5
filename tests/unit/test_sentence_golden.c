/*
 * test_sentence_golden.c: the golden corpus of testdata/sentence/.
 *
 * Every *.cases file there holds worked cases: a dossier (or a kernel
 * call), the dates expected, and the arithmetic written out by hand
 * ("work" lines).  Each case is one test here, named by its id; a case
 * without a work line or without an expectation is a failure, and so
 * is a corpus of fewer than 300 cases.  The format is described in
 * testdata/sentence/README.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include "days.h"
#include "sentence.h"

#define DIR_CASES "testdata/sentence"
#define MAXN 16
#define MAXX 32
#define MINCASES 300

struct expect {
	char	 who[65];	/* judgment number, "-" for the person */
	int	 item;		/* THADS_I_*, or -1: problem, -2: time */
	int	 date;
	char	 code[8];	/* problem code */
	int	 secs;		/* custody end time of day */
	long	 line;
};

struct gcase {
	char	 id[32];
	char	 file[128];
	long	 line;
	int	 as_of;
	char	 pack[128];
	int	 nwork;
	int	 noproblem;
	struct thads_dossier d;
	struct thads_ep ep[MAXN];
	struct thads_jud ju[MAXN];
	struct thads_ord od[MAXN];
	struct thads_cls cl[MAXN];
	struct thads_red rd[MAXN];
	struct thads_vio vi[MAXN];
	struct thads_ovr ov[MAXN];
	struct expect x[MAXX];
	int	 nx;
	char	 kernel;	/* 0, or D S M P */
	int	 k_start, k_months, k_days, k_deduct, k_dir, k_want;
	char	 err[200];	/* a parse error, reported by the test */
};

static struct gcase *cases;
static size_t ncases, capcases;
static struct thads_rules *pack;
static char parse_error[300];

/* ---- parsing ---- */

/* Every string the cases hold, freed at the end. */
static char **saved;
static size_t nsaved, capsaved;

static char *
save(const char *s)
{
	char *p = strdup(s);
	void *q;

	if (nsaved == capsaved) {
		capsaved = capsaved ? capsaved * 2 : 256;
		if ((q = realloc(saved, capsaved * sizeof(*saved))) == NULL)
			abort();
		saved = q;
	}
	if (p == NULL)
		abort();
	return saved[nsaved++] = p;
}

/* A whole number; the corpus is ours, so junk simply reads as -1. */
static int
num(const char *s)
{
	long v;

	return thads_parse_long(s, 0, 100000, &v) == 0 ? (int)v : -1;
}

static int
date_of(const char *s, int *d)
{
	if (strcmp(s, "-") == 0) {
		*d = THADS_NODAY;
		return 0;
	}
	return thads_day_parse(s, d) != 0 || strlen(s) != 10 ? -1 : 0;
}

/* "3y6m10d": years, months, days; at least one. */
static int
term_of(const char *s, int *y, int *m, int *d)
{
	int v, any = 0;

	*y = *m = *d = -1;
	while (*s) {
		v = 0;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9')
			v = v * 10 + (*s++ - '0');
		switch (*s++) {
		case 'y': *y = v; break;
		case 'm': *m = v; break;
		case 'd': *d = v; break;
		default: return -1;
		}
		any = 1;
	}
	return any ? 0 : -1;
}

static int
enum_of(enum thads_fid f, const char *s, int *out)
{
	if (strcmp(s, "-") == 0) {
		*out = -1;
		return 0;
	}
	return (*out = thads_enum_index(f, s)) < 0 ? -1 : 0;
}

static int
judgment(struct gcase *c, char **w, int n)
{
	struct thads_jud *j;
	char *eq;
	int i, y, m, d;

	if (n < 2 || c->d.nju == MAXN)
		return -1;
	j = &c->ju[c->d.nju++];
	memset(j, 0, sizeof(*j));
	j->number = save(w[1]);
	j->date = j->offence = j->start = j->release_ext = THADS_NODAY;
	j->type = j->category = -1;
	j->years = j->months = j->days = j->probation = -1;
	for (i = 2; i < n; i++) {
		if ((eq = strchr(w[i], '=')) == NULL)
			return -1;
		*eq++ = '\0';
		if (strcmp(w[i], "date") == 0 && date_of(eq, &j->date) == 0)
			continue;
		if (strcmp(w[i], "offence") == 0 &&
		    date_of(eq, &j->offence) == 0)
			continue;
		if (strcmp(w[i], "start") == 0 && date_of(eq, &j->start) == 0)
			continue;
		if (strcmp(w[i], "ext") == 0 &&
		    date_of(eq, &j->release_ext) == 0)
			continue;
		if (strcmp(w[i], "type") == 0 &&
		    enum_of(F_JU_TYPE, eq, &j->type) == 0)
			continue;
		if (strcmp(w[i], "cat") == 0 &&
		    enum_of(F_JU_CATEGORY, eq, &j->category) == 0)
			continue;
		if (strcmp(w[i], "article") == 0) {
			j->article = save(eq);
			continue;
		}
		if (strcmp(w[i], "after") == 0) {
			j->consecutive = save(eq);
			continue;
		}
		if (strcmp(w[i], "probation") == 0) {
			j->probation = num(eq);
			continue;
		}
		if (strcmp(w[i], "term") == 0 && term_of(eq, &y, &m, &d) == 0) {
			j->years = y;
			j->months = m;
			j->days = d;
			continue;
		}
		return -1;
	}
	return j->date == THADS_NODAY ? -1 : 0;
}

/* episode STATUS ADMITTED[Thh:mm] RELEASED|- [judgment=N] [reason=R] */
static int
episode(struct gcase *c, char **w, int n)
{
	struct thads_ep *e;
	int i;

	if (n < 4 || c->d.nep == MAXN)
		return -1;
	e = &c->ep[c->d.nep++];
	memset(e, 0, sizeof(*e));
	e->reason = -1;
	if (enum_of(F_EP_STATUS, w[1], &e->status) || e->status < 0)
		return -1;
	if (thads_day_parse(w[2], &e->admitted) != 0)
		return -1;
	if (strlen(w[2]) > 10) {
		w[2][10] = ' ';
		if ((e->admitted_s = thads_day_secs(w[2])) < 0)
			return -1;
	}
	if (date_of(w[3], &e->released))
		return -1;
	for (i = 4; i < n; i++) {
		if (strncmp(w[i], "judgment=", 9) == 0)
			e->judgment = save(w[i] + 9);
		else if (strncmp(w[i], "reason=", 7) != 0 ||
		    enum_of(F_EP_REASON, w[i] + 7, &e->reason))
			return -1;
	}
	return 0;
}

static int
order(struct gcase *c, char **w, int n)
{
	struct thads_ord *o;

	if (n != 5 || c->d.nod == MAXN)
		return -1;
	o = &c->od[c->d.nod++];
	o->number = save("-");
	if (date_of(w[1], &o->start) || date_of(w[2], &o->end) ||
	    enum_of(F_OR_CATEGORY, w[3], &o->category) ||
	    enum_of(F_OR_STAGE, w[4], &o->stage))
		return -1;
	if (o->stage > THADS_STAGE_TRIAL)
		o->stage = -1;		/* appeal: no limit in the pack */
	return 0;
}

static int
reduction(struct gcase *c, char **w, int n)
{
	struct thads_red *r;

	if ((n != 3 && n != 4) || c->d.nrd == MAXN)
		return -1;
	r = &c->rd[c->d.nrd++];
	memset(r, 0, sizeof(*r));
	r->decision = save("-");
	if (date_of(w[1], &r->date) ||
	    term_of(w[2], &r->years, &r->months, &r->days))
		return -1;
	if (n == 4) {
		if (strncmp(w[3], "judgment=", 9) != 0)
			return -1;
		r->judgment = save(w[3] + 9);
	}
	return 0;
}

static int
classif(struct gcase *c, char **w, int n)
{
	struct thads_cls *k;

	if (n != 4 || c->d.ncl == MAXN)
		return -1;
	k = &c->cl[c->d.ncl++];
	return enum_of(F_CL_PERIOD, w[1], &k->period) ||
	    date_of(w[2], &k->end) || enum_of(F_CL_RESULT, w[3], &k->result);
}

/* override NUM ITEM DATE REASON... */
static int
override(struct gcase *c, char **w, int n)
{
	struct thads_ovr *o;

	if (n < 5 || c->d.nov == MAXN)
		return -1;
	o = &c->ov[c->d.nov++];
	o->judgment = save(w[1]);
	if ((o->item = thads_item_find(w[2])) < 0 ||
	    date_of(w[3], &o->value))
		return -1;
	o->reason = save(w[4]);
	o->by = save("officer");
	o->at = save("2026-01-01T00:00:00Z");
	return 0;
}

/* expect WHO item=DATE ... | expect problem CODE [NUM] | noproblem */
static int
expect(struct gcase *c, char **w, int n, long line)
{
	struct expect *x;
	char *eq;
	int i;

	if (n >= 3 && strcmp(w[1], "problem") == 0) {
		if (c->nx == MAXX)
			return -1;
		x = &c->x[c->nx++];
		x->item = -1;
		x->line = line;
		snprintf(x->code, sizeof(x->code), "%s", w[2]);
		snprintf(x->who, sizeof(x->who), "%s", n > 3 ? w[3] : "");
		return 0;
	}
	if (n == 2 && strcmp(w[1], "noproblem") == 0) {
		c->noproblem = 1;
		return 0;
	}
	for (i = 2; i < n; i++) {
		if (c->nx == MAXX || (eq = strchr(w[i], '=')) == NULL)
			return -1;
		*eq++ = '\0';
		x = &c->x[c->nx++];
		x->line = line;
		snprintf(x->who, sizeof(x->who), "%s", w[1]);
		if (strcmp(w[i], "custody_time") == 0) {
			x->item = -2;
			if (strlen(eq) != 5)
				return -1;
			eq[2] = '\0';
			x->secs = num(eq) * 3600 + num(eq + 3) * 60;
			continue;
		}
		if ((x->item = thads_item_find(w[i])) < 0 ||
		    date_of(eq, &x->date))
			return -1;
	}
	return 0;
}

/*
 * kernel D START DAYS-DEDUCT => LAST
 * kernel S START TERM => LAST
 * kernel M START N => DATE
 * kernel P EVENT TERM+ => DEADLINE	(TERM- counts backwards)
 */
static int
kernel(struct gcase *c, char **w, int n)
{
	size_t l;
	int y, m, d;

	if (n != 6 || strcmp(w[4], "=>") != 0 || date_of(w[2], &c->k_start) ||
	    date_of(w[5], &c->k_want))
		return -1;
	c->kernel = w[1][0];
	switch (c->kernel) {
	case 'D':
		return sscanf(w[3], "%d-%d", &c->k_days, &c->k_deduct) == 2 ?
		    0 : -1;
	case 'M':
		if (w[3][0] == '-')
			c->k_months = -num(w[3] + 1);
		else
			c->k_months = num(w[3]);
		return 0;
	case 'P':
		l = strlen(w[3]);
		if (l < 2 || (w[3][l - 1] != '+' && w[3][l - 1] != '-'))
			return -1;
		c->k_dir = w[3][l - 1] == '+' ? 1 : -1;
		w[3][l - 1] = '\0';
		/* FALLTHROUGH */
	case 'S':
		if (term_of(w[3], &y, &m, &d))
			return -1;
		c->k_months = 12 * (y > 0 ? y : 0) + (m > 0 ? m : 0);
		c->k_days = d > 0 ? d : 0;
		return 0;
	}
	return -1;
}

static struct gcase *
new_case(const char *file, long line, char **w, int n)
{
	struct gcase *c;
	void *p;

	if (ncases == capcases) {
		capcases = capcases ? capcases * 2 : 64;
		if ((p = realloc(cases, capcases * sizeof(*cases))) == NULL)
			abort();
		cases = p;
	}
	c = &cases[ncases++];
	memset(c, 0, sizeof(*c));
	snprintf(c->id, sizeof(c->id), "%s", n > 1 ? w[1] : "?");
	snprintf(c->file, sizeof(c->file), "%.100s", file);
	c->line = line;
	c->as_of = thads_day(2026, 1, 1);
	c->d.birth = THADS_NODAY;
	c->d.id = "golden";
	return c;
}

/* One line of a case: 0, or -1 when it cannot be read. */
static int
case_line(struct gcase *c, char **w, int n, long line)
{
	const char *k = w[0];

	if (strncmp(k, "work", 4) == 0 && (k[4] == ' ' || k[4] == '\t' ||
	    k[4] == '\0')) {
		c->nwork++;
		return 0;
	}
	if (strcmp(k, "asof") == 0)
		return n == 2 ? date_of(w[1], &c->as_of) : -1;
	if (strcmp(k, "birth") == 0)
		return n == 2 ? date_of(w[1], &c->d.birth) : -1;
	if (strcmp(k, "pack") == 0 && n == 2) {
		snprintf(c->pack, sizeof(c->pack), "%s/%s", DIR_CASES, w[1]);
		return 0;
	}
	if (strcmp(k, "judgment") == 0)
		return judgment(c, w, n);
	if (strcmp(k, "episode") == 0)
		return episode(c, w, n);
	if (strcmp(k, "order") == 0)
		return order(c, w, n);
	if (strcmp(k, "reduction") == 0)
		return reduction(c, w, n);
	if (strcmp(k, "class") == 0)
		return classif(c, w, n);
	if (strcmp(k, "violation") == 0 && n == 3 && c->d.nvi < MAXN) {
		c->vi[c->d.nvi].kind = save(w[2]);
		return date_of(w[1], &c->vi[c->d.nvi++].date);
	}
	if (strcmp(k, "override") == 0)
		return override(c, w, n);
	if (strcmp(k, "expect") == 0)
		return expect(c, w, n, line);
	if (strcmp(k, "kernel") == 0)
		return kernel(c, w, n);
	return -1;
}

/* Split s into words at blanks; the "work" text is not split. */
static int
split(char *s, char **w, int max)
{
	int n = 0;

	while (n < max) {
		s += strspn(s, " \t\r\n");
		if (*s == '\0')
			break;
		w[n++] = s;
		if (n == 1 && strncmp(s, "work", 4) == 0 &&
		    (s[4] == ' ' || s[4] == '\t'))
			break;
		s += strcspn(s, " \t\r\n");
		if (*s)
			*s++ = '\0';
	}
	return n;
}

static void
read_cases(const char *path, const char *name)
{
	struct gcase *c = NULL;
	char buf[1024], *w[40];
	long line = 0;
	FILE *fp;
	int n;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(parse_error, sizeof(parse_error), "cannot open %.200s",
		    path);
		return;
	}
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		line++;
		if (buf[strspn(buf, " \t")] == '#')
			continue;
		if ((n = split(buf, w, 40)) == 0)
			continue;
		if (strcmp(w[0], "case") == 0) {
			c = new_case(name, line, w, n);
			continue;
		}
		if (c == NULL || case_line(c, w, n, line) != 0) {
			if (c != NULL && c->err[0] == '\0')
				snprintf(c->err, sizeof(c->err), "%.60s:%ld: "
				    "cannot read '%.40s'", name, line, w[0]);
			else if (c == NULL)
				snprintf(parse_error, sizeof(parse_error),
				    "%.100s:%ld: line before any case", name,
				    line);
		}
	}
	fclose(fp);
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
only_cases(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return n > 6 && strcmp(e->d_name + n - 6, ".cases") == 0;
}

static void
load_corpus(void)
{
	struct dirent **list;
	char path[512];
	int n, i;

	if ((n = scandir(DIR_CASES, &list, only_cases, by_name)) < 0) {
		snprintf(parse_error, sizeof(parse_error), "cannot read %s",
		    DIR_CASES);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", DIR_CASES,
		    list[i]->d_name);
		read_cases(path, list[i]->d_name);
		free(list[i]);
	}
	free(list);
}

/* ---- running a case ---- */

static void
show_steps(const struct thads_explain *ex)
{
	char b[THADS_DAYBUF];
	size_t i;

	for (i = 0; i < ex->n; i++)
		print_message("  [%s] %s %s: %s\n", ex->s[i].judgment,
		    thads_item_name(ex->s[i].item),
		    thads_day_fmt(ex->s[i].date, b), ex->s[i].text);
}

static int
judgment_index(const struct gcase *c, const char *num)
{
	size_t i;

	for (i = 0; i < c->d.nju; i++)
		if (strcmp(c->ju[i].number, num) == 0)
			return (int)i;
	return -1;
}

static int
check_kernel(const struct gcase *c, const struct thads_rules *r)
{
	int got = THADS_NODAY;

	switch (c->kernel) {
	case 'D':
		got = thads_kd_last(c->k_start, c->k_days, c->k_deduct);
		break;
	case 'S':
		got = thads_ks_last(c->k_start, c->k_months, c->k_days);
		break;
	case 'M':
		got = thads_add_months(c->k_start, c->k_months);
		break;
	case 'P':
		got = thads_kp_deadline(r, c->k_start, c->k_months,
		    c->k_days, c->k_dir, 1, NULL);
		break;
	}
	return got;
}

/* Check one expectation; returns 0 or prints why and returns -1. */
static int
check_one(const struct gcase *c, const struct expect *x,
    const struct thads_sentences *s, const struct thads_problems *pb)
{
	char a[THADS_DAYBUF], b[THADS_DAYBUF];
	size_t i;
	int j, got, secs;

	if (x->item == -1) {
		for (i = 0; i < pb->n; i++)
			if (strcmp(pb->p[i].code, x->code) == 0 &&
			    (x->who[0] == '\0' ||
			    strcmp(pb->p[i].judgment, x->who) == 0))
				return 0;
		print_message("%s:%ld: no problem %s %s\n", c->file, x->line,
		    x->code, x->who);
		return -1;
	}
	if (x->item == -2) {
		secs = (int)(s->custody_end % 86400);
		if (s->custody_end >= 0 && secs == x->secs)
			return 0;
		print_message("%s:%ld: custody time %02d:%02d\n", c->file,
		    x->line, secs / 3600, secs / 60 % 60);
		return -1;
	}
	if (strcmp(x->who, "-") == 0)
		got = s->p[x->item];
	else if ((j = judgment_index(c, x->who)) >= 0)
		got = s->j[j].v[x->item];
	else {
		print_message("%s:%ld: no judgment %s\n", c->file, x->line,
		    x->who);
		return -1;
	}
	if (got == x->date)
		return 0;
	print_message("%s:%ld: %s %s: got %s, want %s\n", c->file, x->line,
	    x->who, thads_item_name(x->item), thads_day_fmt(got, a),
	    thads_day_fmt(x->date, b));
	return -1;
}

static void
run_case(void **state)
{
	struct gcase *c = *state;
	struct thads_sentences s;
	struct thads_explain ex;
	struct thads_problems pb;
	struct thads_rules *r = pack, *own = NULL;
	struct thads_err err;
	char a[THADS_DAYBUF], b[THADS_DAYBUF];
	size_t i;
	int bad = 0, got;

	if (c->err[0])
		fail_msg("%s", c->err);
	if (c->nwork == 0)
		fail_msg("%s:%ld: case %s has no work line: write the "
		    "arithmetic out", c->file, c->line, c->id);
	if (c->nx == 0 && !c->noproblem && c->kernel == 0)
		fail_msg("%s:%ld: case %s expects nothing", c->file, c->line,
		    c->id);
	if (c->pack[0]) {
		if (thads_rules_load("rules/thads-rules.ini", &own, &err) ||
		    thads_rules_add(own, c->pack, &err))
			fail_msg("%s: %s", c->pack, err.msg);
		r = own;
	}
	if (c->kernel) {
		got = check_kernel(c, r);
		thads_rules_free(own);
		if (got != c->k_want)
			fail_msg("%s:%ld: kernel %c: got %s, want %s", c->file,
			    c->line, c->kernel, thads_day_fmt(got, a),
			    thads_day_fmt(c->k_want, b));
		return;
	}
	/* The arrays moved while the corpus grew: point at them now. */
	c->d.ep = c->ep;
	c->d.ju = c->ju;
	c->d.od = c->od;
	c->d.cl = c->cl;
	c->d.rd = c->rd;
	c->d.vi = c->vi;
	c->d.ov = c->ov;
	memset(&s, 0, sizeof(s));
	memset(&ex, 0, sizeof(ex));
	memset(&pb, 0, sizeof(pb));
	s.ex = &ex;
	s.pb = &pb;
	assert_int_equal(thads_sentence_run(r, &c->d, c->as_of, &s), 0);
	for (i = 0; i < (size_t)c->nx; i++)
		bad |= check_one(c, &c->x[i], &s, &pb);
	if (c->noproblem && pb.n > 0)
		bad = 1;
	if (bad) {
		for (i = 0; i < pb.n; i++)
			print_message("  problem %s %s [%s] %s\n", pb.p[i].code,
			    pb.p[i].name, pb.p[i].judgment, pb.p[i].msg);
		show_steps(&ex);
	}
	thads_sentences_free(&s);
	thads_explain_free(&ex);
	thads_problems_free(&pb);
	thads_rules_free(own);
	if (bad)
		fail_msg("%s:%ld: case %s", c->file, c->line, c->id);
}

static void
corpus_size(void **state)
{
	(void)state;
	if (parse_error[0])
		fail_msg("%s", parse_error);
	if (ncases < MINCASES)
		fail_msg("only %zu cases in %s; at least %d wanted", ncases,
		    DIR_CASES, MINCASES);
}

int
main(void)
{
	struct CMUnitTest *t;
	struct thads_err err;
	size_t i;
	int rc;

	if (thads_rules_load("rules/thads-rules.ini", &pack, &err) != 0) {
		fprintf(stderr, "%s:%ld: %s\n", err.file, err.line, err.msg);
		return 1;
	}
	load_corpus();
	if ((t = calloc(ncases + 1, sizeof(*t))) == NULL)
		return 1;
	t[0].name = "corpus-size";
	t[0].test_func = corpus_size;
	for (i = 0; i < ncases; i++) {
		t[i + 1].name = cases[i].id;
		t[i + 1].test_func = run_case;
		t[i + 1].initial_state = &cases[i];
	}
	rc = _cmocka_run_group_tests("golden", t, ncases + 1, NULL, NULL);
	free(t);
	free(cases);
	for (i = 0; i < nsaved; i++)
		free(saved[i]);
	free(saved);
	thads_rules_free(pack);
	return rc;
}
