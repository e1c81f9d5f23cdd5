/*
 * fields.c: the table of canonical fields and the flat record.
 *
 * The order of the table follows enum thads_fid in record.h.  The
 * enumerated values are the English words stored in the database; the
 * Vietnamese terms they stand for are in the documentation.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

static const char *const sexes[] = { "male", "female", "unknown", NULL };

static const char *const facility_kinds[] = {
	"prison", "detention_centre", "temporary_custody_house", "police",
	"commune", "other", NULL
};

static const char *const statuses[] = {
	"temporary_custody", "pretrial_detention", "serving",
	"awaiting_execution", "suspended_sentence", "non_custodial_reform",
	"conditional_release", "residence_ban", "probation", NULL
};

static const char *const reasons[] = {
	"sentence_served", "reduction", "amnesty", "conditional_release",
	"transfer", "death", "acquitted", "charges_dropped", "bail",
	"measure_changed", "escape", "other", NULL
};

static const char *const levels[] = {
	"minimum", "medium", "maximum", "special", NULL
};

static const char *const categories[] = {
	"less_serious", "serious", "very_serious", "especially_serious", NULL
};

static const char *const sentence_types[] = {
	"warning", "fine", "non_custodial_reform", "suspended", "fixed_term",
	"life", "death", "residence_ban", "probation", "expulsion", NULL
};

static const char *const stages[] = {
	"investigation", "prosecution", "trial", "appeal", NULL
};

static const char *const periods[] = {
	"quarter", "half_year", "year", NULL
};

static const char *const results[] = {
	"good", "fair", "average", "poor", NULL
};

#define P THADS_K_PERSON
#define FA THADS_K_FACILITY
#define E THADS_K_EPISODE
#define J THADS_K_JUDGMENT
#define O THADS_K_ORDER
#define C THADS_K_CLASSIF
#define R THADS_K_REDUCTION
#define V THADS_K_VIOLATION

static const struct thads_field fields[F_COUNT] = {
	{ "person.id", P, THADS_T_CODE, NULL, 32,
	    "the agency's dossier number for the person" },
	{ "person.national_id", P, THADS_T_NATID, NULL, 12,
	    "citizen identity number (12 digits) or old ID card (9 digits)" },
	{ "person.name", P, THADS_T_TEXT, NULL, 200, "full name" },
	{ "person.aliases", P, THADS_T_LIST, NULL, 1000,
	    "other names, separated by ';'" },
	{ "person.birth_date", P, THADS_T_DATE, NULL, 0, "date of birth" },
	{ "person.age", P, THADS_T_INT, NULL, 130,
	    "age in years, when the birth date is unknown" },
	{ "person.age_on", P, THADS_T_DATE, NULL, 0,
	    "the date on which person.age was true" },
	{ "person.sex", P, THADS_T_ENUM, sexes, 0, "male, female, unknown" },
	{ "person.nationality", P, THADS_T_TEXT, NULL, 100, "nationality" },
	{ "person.ethnicity", P, THADS_T_TEXT, NULL, 100, "ethnic group" },
	{ "person.race", P, THADS_T_TEXT, NULL, 100,
	    "race as recorded by a foreign source" },
	{ "person.iris_ref", P, THADS_T_CODE, NULL, 64,
	    "reference of the iris template in the biometric system" },
	{ "person.dna_ref", P, THADS_T_CODE, NULL, 64,
	    "reference of the DNA sample" },
	{ "person.photo_ref", P, THADS_T_TEXT, NULL, 300,
	    "photo path or hash" },

	{ "facility.code", FA, THADS_T_CODE, NULL, 32, "facility code" },
	{ "facility.name", FA, THADS_T_TEXT, NULL, 200, "facility name" },
	{ "facility.kind", FA, THADS_T_ENUM, facility_kinds, 0,
	    "prison, detention_centre, ..." },
	{ "facility.ward", FA, THADS_T_TEXT, NULL, 200,
	    "commune or ward, for community sentences" },

	{ "episode.facility", E, THADS_T_CODE, NULL, 32,
	    "code of the facility (or ward) holding or supervising" },
	{ "episode.status", E, THADS_T_ENUM, statuses, 0,
	    "custody or supervision status" },
	{ "episode.admitted", E, THADS_T_DATETIME, NULL, 0,
	    "admission (or start of supervision)" },
	{ "episode.released", E, THADS_T_DATETIME, NULL, 0,
	    "release (or end of supervision)" },
	{ "episode.release_reason", E, THADS_T_ENUM, reasons, 0,
	    "why the episode ended" },
	{ "episode.custody_level", E, THADS_T_ENUM, levels, 0,
	    "security level" },
	{ "episode.judgment", E, THADS_T_CODE, NULL, 64,
	    "number of the judgment served in this episode" },

	{ "judgment.number", J, THADS_T_CODE, NULL, 64, "judgment number" },
	{ "judgment.court", J, THADS_T_TEXT, NULL, 200, "court" },
	{ "judgment.date", J, THADS_T_DATE, NULL, 0, "date of judgment" },
	{ "judgment.offence_date", J, THADS_T_DATE, NULL, 0,
	    "date of the offence" },
	{ "judgment.article", J, THADS_T_CODE, NULL, 64,
	    "Penal Code article (or a foreign charge code)" },
	{ "judgment.offence", J, THADS_T_TEXT, NULL, 300, "offence" },
	{ "judgment.category", J, THADS_T_ENUM, categories, 0,
	    "crime category" },
	{ "judgment.sentence_type", J, THADS_T_ENUM, sentence_types, 0,
	    "principal penalty" },
	{ "judgment.term_years", J, THADS_T_INT, NULL, 30, "term: years" },
	{ "judgment.term_months", J, THADS_T_INT, NULL, 360,
	    "term: months" },
	{ "judgment.term_days", J, THADS_T_INT, NULL, 11000, "term: days" },
	{ "judgment.probation_months", J, THADS_T_INT, NULL, 60,
	    "probation period of a suspended sentence, in months" },
	{ "judgment.start", J, THADS_T_DATE, NULL, 0,
	    "date the sentence starts to run" },
	{ "judgment.consecutive_to", J, THADS_T_CODE, NULL, 64,
	    "number of the judgment this one follows" },
	{ "judgment.release_date_ext", J, THADS_T_DATE, NULL, 0,
	    "expected release date computed by another system" },

	{ "detention_order.number", O, THADS_T_CODE, NULL, 64,
	    "order number" },
	{ "detention_order.issued", O, THADS_T_DATE, NULL, 0, "date issued" },
	{ "detention_order.start", O, THADS_T_DATE, NULL, 0,
	    "first day of detention" },
	{ "detention_order.end", O, THADS_T_DATE, NULL, 0,
	    "last day of detention, as written on the order" },
	{ "detention_order.category", O, THADS_T_ENUM, categories, 0,
	    "crime category the limit depends on" },
	{ "detention_order.stage", O, THADS_T_ENUM, stages, 0,
	    "procedural stage" },

	{ "classification.period", C, THADS_T_ENUM, periods, 0,
	    "quarter, half_year, year" },
	{ "classification.period_end", C, THADS_T_DATE, NULL, 0,
	    "last day of the period" },
	{ "classification.result", C, THADS_T_ENUM, results, 0,
	    "good, fair, average, poor" },

	{ "reduction.decision", R, THADS_T_CODE, NULL, 64,
	    "decision number" },
	{ "reduction.date", R, THADS_T_DATE, NULL, 0, "decision date" },
	{ "reduction.years", R, THADS_T_INT, NULL, 30, "years reduced" },
	{ "reduction.months", R, THADS_T_INT, NULL, 360, "months reduced" },
	{ "reduction.days", R, THADS_T_INT, NULL, 11000, "days reduced" },
	{ "reduction.judgment", R, THADS_T_CODE, NULL, 64,
	    "number of the judgment reduced" },

	{ "violation.date", V, THADS_T_DATE, NULL, 0, "date of the violation" },
	{ "violation.kind", V, THADS_T_CODE, NULL, 64, "kind of violation" },
	{ "violation.note", V, THADS_T_TEXT, NULL, 1000, "description" },
};

static const char *const kind_names[THADS_K_COUNT] = {
	"person", "facility", "episode", "judgment", "detention_order",
	"classification", "reduction", "violation"
};

const char *
thads_kind_name(enum thads_kind kind)
{
	if ((unsigned)kind >= THADS_K_COUNT)
		return "?";
	return kind_names[kind];
}

const struct thads_field *
thads_field(enum thads_fid f)
{
	if ((unsigned)f >= F_COUNT)
		return NULL;
	return &fields[f];
}

int
thads_field_find(const char *name)
{
	int i;

	for (i = 0; i < F_COUNT; i++)
		if (strcmp(fields[i].name, name) == 0)
			return i;
	return -1;
}

/* Compare an enumerated word, ignoring case and '-'/' ' against '_'. */
static int
enum_eq(const char *canon, const char *word)
{
	unsigned char a, b;

	for (;; canon++, word++) {
		a = (unsigned char)*canon;
		b = (unsigned char)tolower((unsigned char)*word);
		if (b == '-' || b == ' ')
			b = '_';
		if (a != b)
			return 0;
		if (a == '\0')
			return 1;
	}
}

const char *
thads_field_enum(enum thads_fid f, const char *word)
{
	const char *const *v;

	if ((unsigned)f >= F_COUNT || fields[f].values == NULL)
		return NULL;
	for (v = fields[f].values; *v != NULL; v++)
		if (enum_eq(*v, word))
			return *v;
	return NULL;
}

int
thads_rec_set(struct thads_rec *r, enum thads_fid f, const char *val,
    size_t len)
{
	char *s = NULL;

	if (len > 0) {
		if ((s = malloc(len + 1)) == NULL)
			return THADS_ENOMEM;
		memcpy(s, val, len);
		s[len] = '\0';
	}
	free(r->v[f]);
	r->v[f] = s;
	return 0;
}

int
thads_rec_extra(struct thads_rec *r, const char *key, const char *val,
    size_t len)
{
	struct thads_kv *kv;
	size_t cap;

	if (r->nextra == r->extracap) {
		cap = r->extracap ? r->extracap * 2 : 8;
		kv = realloc(r->extra, cap * sizeof(*kv));
		if (kv == NULL)
			return THADS_ENOMEM;
		r->extra = kv;
		r->extracap = cap;
	}
	kv = &r->extra[r->nextra];
	kv->key = strdup(key);
	kv->val = strndup(val, len);
	if (kv->key == NULL || kv->val == NULL) {
		free(kv->key);
		free(kv->val);
		return THADS_ENOMEM;
	}
	r->nextra++;
	return 0;
}

int
thads_rec_has(const struct thads_rec *r, enum thads_kind k)
{
	int i;

	for (i = 0; i < F_COUNT; i++)
		if (fields[i].kind == k && r->v[i] != NULL)
			return 1;
	if (k == THADS_K_EPISODE && r->nextra > 0)
		return 1;
	return 0;
}

void
thads_rec_clear(struct thads_rec *r)
{
	size_t i;

	for (i = 0; i < F_COUNT; i++) {
		free(r->v[i]);
		r->v[i] = NULL;
	}
	for (i = 0; i < r->nextra; i++) {
		free(r->extra[i].key);
		free(r->extra[i].val);
	}
	r->nextra = 0;
}
