/*
 * gen: write a reproducible interchange CSV of N rows for the import
 * benchmark.  Each row is a person with a custody episode; about one row
 * in ten is a re-admission of an earlier person: the same dossier
 * number, national ID, name, birth date and sex, with a new admission.
 * The names are Vietnamese, with diacritics, so that the text path (NFC,
 * folding) is exercised as in real data.
 *
 *	gen N [SEED] > file.csv
 *
 * A person's attributes are a pure function of the seed and the
 * person's number (one generator seeded from both), so a re-admission
 * repeats them exactly; the admissions come from a second generator
 * that runs through the whole file.  The same N and SEED give the same
 * bytes on every machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_SEED 20261203

/* xorshift64*: small, fast and the same on every machine. */
static uint64_t
next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static unsigned
pick(uint64_t *s, unsigned n)
{
	return (unsigned)(next(s) % n);
}

/*
 * splitmix64 of the seed and the person's number: a well-mixed, never
 * zero start for the person's own generator, so that neighbouring
 * numbers do not get related attributes.
 */
static uint64_t
person_state(uint64_t seed, long id)
{
	uint64_t z = seed + (uint64_t)id * 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return z ? z : 1;
}

static const char *const family[] = {
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ",
	"Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"
};
static const char *const middle[] = {
	"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc"
};
static const char *const given[] = {
	"An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hà", "Hải", "Hùng",
	"Khánh", "Lan", "Long", "Mai", "Nam", "Phúc", "Quân", "Sơn", "Tâm",
	"Thảo", "Trung", "Tuấn", "Việt", "Xuân", "Yến"
};
static const char *const statuses[] = {
	"temporary_custody", "pretrial_detention", "serving", "serving",
	"serving", "suspended_sentence", "non_custodial_reform"
};
static const char *const levels[] = { "minimum", "medium", "maximum" };

#define N(a) (sizeof(a) / sizeof(a[0]))

/* The person's columns: the same for every row of the same id. */
static void
person(uint64_t seed, long id)
{
	uint64_t s = person_state(seed, id);
	unsigned prov = pick(&s, 96), f = pick(&s, N(family));
	unsigned mid = pick(&s, N(middle)), g = pick(&s, N(given));
	unsigned y = 1950 + pick(&s, 55), m = 1 + pick(&s, 12);
	unsigned d = 1 + pick(&s, 28), sex = pick(&s, 2);

	printf("HS%08ld,%03u%09ld,%s %s %s,%04u-%02u-%02u,%s,", id, prov, id,
	    family[f], middle[mid], given[g], y, m, d,
	    sex ? "male" : "female");
}

/* The admission's columns, from the file's running generator. */
static void
admission(uint64_t *s)
{
	unsigned fac = pick(s, 40), st = pick(s, N(statuses));
	unsigned y = 2005 + pick(s, 20), m = 1 + pick(s, 12);
	unsigned d = 1 + pick(s, 28), hh = pick(s, 24), mm = pick(s, 60);
	unsigned lv = pick(s, N(levels));

	printf("TG-%02u,%s,%04u-%02u-%02u %02u:%02u:00,%s\n", fac,
	    statuses[st], y, m, d, hh, mm, levels[lv]);
}

int
main(int argc, char **argv)
{
	uint64_t seed, s;
	long n, i, id;

	if (argc < 2 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: gen N [SEED]\n");
		return 64;
	}
	seed = argc > 2 ? strtoull(argv[2], NULL, 10) : DEFAULT_SEED;
	s = seed ? seed : 1;
	printf("person.id,person.national_id,person.name,person.birth_date,"
	    "person.sex,episode.facility,episode.status,episode.admitted,"
	    "episode.custody_level\n");
	for (i = 0; i < n; i++) {
		/* One row in ten brings back an earlier person. */
		id = (i > 10 && pick(&s, 10) == 0) ? (long)pick(&s,
		    (unsigned)i) : i;
		person(seed, id);
		admission(&s);
	}
	return ferror(stdout) ? 74 : 0;
}
