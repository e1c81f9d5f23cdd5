/*
 * report_tab.c: result tables and the cube that groups counted units.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "report_supp.h"

#define MARKER	"x"	/* what a suppressed cell shows */

/*
 * Result tables.
 */

void
rtab_init(struct rtab *t, const char *name, const char *title)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->title = title;
}

void
rtab_free(struct rtab *t)
{
	size_t i;

	for (i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	for (i = 0; i < t->ncols; i++)
		free((char *)t->cols[i].name);
	for (i = 0; i < t->neqs; i++)
		free(t->eqs[i].parts);
	for (i = 0; i < t->nmeta; i++) {
		free((char *)t->meta[i].key);
		free((char *)t->meta[i].value);
	}
	free(t->cells);
	free(t->eqs);
	free(t->deps);
	memset(t, 0, sizeof(*t));
}

size_t
rtab_col(struct rtab *t, const char *name, enum thads_coltype type, int role)
{
	char *n;

	/* Columns come before the first row. */
	if (t->ncols == RT_MAXCOLS || t->nrows > 0 ||
	    (n = strdup(name)) == NULL) {
		t->oom = 1;
		return 0;
	}
	t->cols[t->ncols].name = n;
	t->cols[t->ncols].type = type;
	t->role[t->ncols] = role;
	return t->ncols++;
}

size_t
rtab_row(struct rtab *t)
{
	size_t cap;
	char **c;

	if (t->oom || t->ncols == 0) {
		t->oom = 1;
		return 0;
	}
	if (t->nrows == t->caprows) {
		cap = t->caprows ? t->caprows * 2 : 32;
		if ((c = reallocarray(t->cells, cap * t->ncols,
		    sizeof(*c))) == NULL) {
			t->oom = 1;
			return 0;
		}
		t->cells = c;
		t->caprows = cap;
	}
	memset(t->cells + t->nrows * t->ncols, 0, t->ncols * sizeof(char *));
	return t->nrows++;
}

void
rtab_set(struct rtab *t, size_t row, size_t col, const char *s)
{
	char **c;

	if (t->oom || row >= t->nrows || col >= t->ncols)
		return;
	c = &t->cells[RT_CELL(t, row, col)];
	free(*c);
	*c = NULL;
	if (s != NULL && (*c = strdup(s)) == NULL)
		t->oom = 1;
}

void
rtab_setn(struct rtab *t, size_t row, size_t col, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	rtab_set(t, row, col, buf);
}

void
rtab_setf(struct rtab *t, size_t row, size_t col, double v, int prec)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.*f", prec, v);
	rtab_set(t, row, col, buf);
}

void
rtab_eq(struct rtab *t, size_t margin, const size_t *parts, size_t nparts)
{
	struct rtab_eq *e;
	size_t cap;

	if (t->oom || nparts == 0)
		return;
	if (t->neqs == t->capeqs) {
		cap = t->capeqs ? t->capeqs * 2 : 16;
		if ((e = reallocarray(t->eqs, cap, sizeof(*e))) == NULL) {
			t->oom = 1;
			return;
		}
		t->eqs = e;
		t->capeqs = cap;
	}
	e = &t->eqs[t->neqs];
	if ((e->parts = malloc(nparts * sizeof(*parts))) == NULL) {
		t->oom = 1;
		return;
	}
	memcpy(e->parts, parts, nparts * sizeof(*parts));
	e->nparts = nparts;
	e->margin = margin;
	t->neqs++;
}

void
rtab_eq_col(struct rtab *t, size_t total, size_t col, size_t r0, size_t r1)
{
	size_t *parts, r;

	if (t->oom || r1 <= r0)
		return;
	if ((parts = malloc((r1 - r0) * sizeof(*parts))) == NULL) {
		t->oom = 1;
		return;
	}
	for (r = r0; r < r1; r++)
		parts[r - r0] = RT_CELL(t, r, col);
	rtab_eq(t, RT_CELL(t, total, col), parts, r1 - r0);
	free(parts);
}

void
rtab_dep(struct rtab *t, size_t derived, size_t source)
{
	size_t (*d)[2], cap;

	if (t->oom)
		return;
	if (t->ndeps == t->capdeps) {
		cap = t->capdeps ? t->capdeps * 2 : 32;
		if ((d = reallocarray(t->deps, cap, sizeof(*d))) == NULL) {
			t->oom = 1;
			return;
		}
		t->deps = d;
		t->capdeps = cap;
	}
	t->deps[t->ndeps][0] = derived;
	t->deps[t->ndeps][1] = source;
	t->ndeps++;
}

void
rtab_meta(struct rtab *t, const char *key, const char *value)
{
	char *k, *v;

	if (t->oom || t->nmeta == RT_MAXMETA) {
		t->oom = 1;
		return;
	}
	k = strdup(key);
	v = strdup(value != NULL ? value : "");
	if (k == NULL || v == NULL) {
		free(k);
		free(v);
		t->oom = 1;
		return;
	}
	t->meta[t->nmeta].key = k;
	t->meta[t->nmeta].value = v;
	t->nmeta++;
}

/*
 * Hide small counts and what would give them away: the cells are
 * handed to thads_supp_choose() with their values (a count or a
 * magnitude parsed from its text; anything else is not a number and
 * takes no part), then each hidden cell shows the marker.
 */
static int
suppress(struct rctx *c, struct rtab *t)
{
	size_t n = t->nrows * t->ncols, i, col;
	struct thads_supp_eq *eqs;
	unsigned char *count, *hidden;
	long long *val;
	char *end;
	int rc;

	val = calloc(n + 1, sizeof(*val));
	count = calloc(n + 1, 1);
	hidden = calloc(n + 1, 1);
	eqs = calloc(t->neqs + 1, sizeof(*eqs));
	if (val == NULL || count == NULL || hidden == NULL || eqs == NULL) {
		rc = thads_seterr(c->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		col = i % t->ncols;
		if (t->cells[i] == NULL || (t->role[col] != R_COUNT &&
		    t->role[col] != R_MAGN))
			continue;
		/* A magnitude's value only orders the choice of cells. */
		if (t->role[col] == R_COUNT)
			val[i] = strtoll(t->cells[i], &end, 10);
		else
			val[i] = (long long)strtod(t->cells[i], &end);
		if (*end == '\0' && end != t->cells[i])
			count[i] = t->role[col] == R_COUNT ? THADS_SUPP_COUNT :
			    THADS_SUPP_MAGN;
	}
	for (i = 0; i < t->neqs; i++) {
		eqs[i].margin = t->eqs[i].margin;
		eqs[i].parts = t->eqs[i].parts;
		eqs[i].nparts = t->eqs[i].nparts;
	}
	rc = thads_supp_choose(n, val, count, eqs, t->neqs,
	    (const size_t (*)[2])t->deps, t->ndeps, c->o->suppress, hidden);
	if (rc != 0) {
		rc = thads_seterr(c->err, rc, NULL, 0,
		    "cannot suppress the small counts: %s",
		    thads_strerror(rc));
		goto out;
	}
	for (i = 0; i < n; i++)
		if (hidden[i] && t->cells[i] != NULL) {
			free(t->cells[i]);
			if ((t->cells[i] = strdup(MARKER)) == NULL)
				t->oom = 1;
		}
out:
	free(val);
	free(count);
	free(hidden);
	free(eqs);
	return rc;
}

int
rtab_write(struct rctx *c, struct rtab *t)
{
	struct thads_table tab;
	size_t r;
	int rc;

	if (t->oom)
		return thads_seterr(c->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	if (c->o->suppress > 0 && (rc = suppress(c, t)) != 0)
		return rc;
	if (t->oom)
		return thads_seterr(c->err, THADS_ENOMEM, NULL, 0,
		    "out of memory");
	memset(&tab, 0, sizeof(tab));
	tab.name = t->name;
	tab.title = t->title;
	tab.cols = t->cols;
	tab.ncols = t->ncols;
	tab.meta = t->meta;
	tab.nmeta = t->nmeta;
	tab.charts = t->charts;
	tab.ncharts = t->ncharts;
	if ((rc = thads_out_next(c->out, &tab, c->err)) != 0)
		return rc;
	for (r = 0; r < t->nrows; r++)
		if ((rc = thads_out_row(c->out, (const char *const *)t->cells +
		    r * t->ncols, c->err)) != 0)
			return rc;
	return 0;
}

/*
 * String pools: each distinct string stored once, found by hash.
 */

struct strpool {
	char	**slots;
	size_t	 nslots;
	size_t	 n;
};

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

struct strpool *
rpt_pool_new(void)
{
	struct strpool *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->slots = calloc(64, sizeof(char *))) == NULL) {
		free(p);
		return NULL;
	}
	p->nslots = 64;
	return p;
}

void
rpt_pool_free(struct strpool *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nslots; i++)
		free(p->slots[i]);
	free(p->slots);
	free(p);
}

static int
pool_grow(struct strpool *p)
{
	size_t i, j, n = p->nslots * 2;
	char **s;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < p->nslots; i++) {
		if (p->slots[i] == NULL)
			continue;
		j = hash_str(p->slots[i]) & (n - 1);
		while (s[j] != NULL)
			j = (j + 1) & (n - 1);
		s[j] = p->slots[i];
	}
	free(p->slots);
	p->slots = s;
	p->nslots = n;
	return 0;
}

const char *
rpt_intern(struct strpool *p, const char *s)
{
	size_t j;

	if (2 * (p->n + 1) > p->nslots && pool_grow(p) != 0)
		return NULL;
	j = hash_str(s) & (p->nslots - 1);
	while (p->slots[j] != NULL) {
		if (strcmp(p->slots[j], s) == 0)
			return p->slots[j];
		j = (j + 1) & (p->nslots - 1);
	}
	if ((p->slots[j] = strdup(s)) == NULL)
		return NULL;
	p->n++;
	return p->slots[j];
}

/*
 * The cube: groups in a hash table keyed by their dimension values
 * joined with a unit separator; the values themselves are interned so
 * that each distinct one is stored once.
 */

struct cube {
	int		 dims[CUBE_MAXKEY];
	size_t		 ndims;
	size_t		 nacc;
	struct cgroup	**slots;	/* hash table, open addressing */
	size_t		 nslots;
	struct cgroup	**groups;	/* in insertion order */
	size_t		 ngroups;
	size_t		 capgroups;
	struct strpool	*strs;		/* interned values */
};

struct cube *
cube_new(const int *dims, size_t ndims, size_t nacc)
{
	struct cube *c;

	if (ndims > CUBE_MAXKEY || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	memcpy(c->dims, dims, ndims * sizeof(*dims));
	c->ndims = ndims;
	c->nacc = nacc;
	c->nslots = 64;
	if ((c->slots = calloc(c->nslots, sizeof(*c->slots))) == NULL ||
	    (c->strs = rpt_pool_new()) == NULL) {
		free(c->slots);
		free(c);
		return NULL;
	}
	return c;
}

void
cube_free(struct cube *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->ngroups; i++) {
		free(c->groups[i]->acc);
		free(c->groups[i]->vals);
		free(c->groups[i]);
	}
	rpt_pool_free(c->strs);
	free(c->groups);
	free(c->slots);
	free(c);
}

static uint64_t
hash_key(const struct cube *c, const char *const *key)
{
	uint64_t h = 0;
	size_t i;

	for (i = 0; i < c->ndims; i++)
		h = (h ^ hash_str(key[i])) * 1099511628211ULL + i;
	return h;
}

static int
same_key(const struct cube *c, const struct cgroup *g, const char *const *key)
{
	size_t i;

	for (i = 0; i < c->ndims; i++)
		if (strcmp(g->key[i], key[i]) != 0)
			return 0;
	return 1;
}

static int
grow(struct cube *c)
{
	struct cgroup **s;
	size_t i, j, n = c->nslots * 2;

	if ((s = calloc(n, sizeof(*s))) == NULL)
		return -1;
	for (i = 0; i < c->ngroups; i++) {
		j = hash_key(c, c->groups[i]->key) & (n - 1);
		while (s[j] != NULL)
			j = (j + 1) & (n - 1);
		s[j] = c->groups[i];
	}
	free(c->slots);
	c->slots = s;
	c->nslots = n;
	return 0;
}

static struct cgroup *
add_group(struct cube *c, const char *const *key, size_t slot)
{
	struct cgroup *g, **gs;
	size_t i, cap;

	if (c->ngroups == c->capgroups) {
		cap = c->capgroups ? c->capgroups * 2 : 32;
		if ((gs = reallocarray(c->groups, cap, sizeof(*gs))) == NULL)
			return NULL;
		c->groups = gs;
		c->capgroups = cap;
	}
	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (g->acc = calloc(c->nacc + 1, sizeof(*g->acc))) == NULL) {
		free(g);
		return NULL;
	}
	for (i = 0; i < c->ndims; i++)
		if ((g->key[i] = rpt_intern(c->strs, key[i])) == NULL) {
			free(g->acc);
			free(g);
			return NULL;
		}
	g->owner = c;
	c->groups[c->ngroups++] = g;
	c->slots[slot] = g;
	return g;
}

struct cgroup *
cube_get(struct cube *c, const char *const *key)
{
	size_t j;

	if (2 * (c->ngroups + 1) > c->nslots && grow(c) != 0)
		return NULL;
	j = hash_key(c, key) & (c->nslots - 1);
	while (c->slots[j] != NULL) {
		if (same_key(c, c->slots[j], key))
			return c->slots[j];
		j = (j + 1) & (c->nslots - 1);
	}
	return add_group(c, key, j);
}

int
cube_keep(struct cgroup *g, int v)
{
	size_t cap;
	int *n;

	if (g->nvals == g->capvals) {
		cap = g->capvals ? g->capvals * 2 : 16;
		if ((n = reallocarray(g->vals, cap, sizeof(*n))) == NULL)
			return -1;
		g->vals = n;
		g->capvals = cap;
	}
	g->vals[g->nvals++] = v;
	return 0;
}

/* Groups know their cube, since qsort() passes no context. */
static int
cmp_groups(const void *a, const void *b)
{
	const struct cgroup *x = *(const struct cgroup *const *)a;
	const struct cgroup *y = *(const struct cgroup *const *)b;
	const struct cube *c = x->owner;
	size_t i;
	int r;

	for (i = 0; i < c->ndims; i++)
		if ((r = rpt_dim_cmp(c->dims[i], x->key[i], y->key[i])) != 0)
			return r;
	return 0;
}

struct cgroup **
cube_sorted(struct cube *c, size_t *n)
{
	if (c->ngroups > 1)
		qsort(c->groups, c->ngroups, sizeof(*c->groups), cmp_groups);
	*n = c->ngroups;
	return c->groups;
}

void
rpt_key(const struct rctx *c, const struct unit *u, const char **key)
{
	size_t i;

	for (i = 0; i < c->nby; i++)
		key[i] = rpt_dim_value(c->by[i], u);
}
