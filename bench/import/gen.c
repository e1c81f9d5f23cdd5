/*
 * gen: write a reproducible interchange CSV of N rows for the import
 * benchmark.  Each row is a person with a custody episode; about one row
 * in ten is a re-admission of an earlier person (same dossier number and
 * national ID, a later admission).  The names are Vietnamese, with
 * diacritics, so that the text path (NFC, folding) is exercised as in
 * real data.
 *
 *	gen N [SEED] > file.csv
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t state;

/* xorshift64*: small, fast and the same on every machine. */
static uint64_t
next(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 0x2545F4914F6CDD1DULL;
}

static unsigned
pick(unsigned n)
{
	return (unsigned)(next() % n);
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

int
main(int argc, char **argv)
{
	long n, i, id;
	unsigned y, m, d;

	if (argc < 2 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: gen N [SEED]\n");
		return 64;
	}
	state = argc > 2 ? strtoull(argv[2], NULL, 10) : 20261203;
	if (state == 0)
		state = 1;
	printf("person.id,person.national_id,person.name,person.birth_date,"
	    "person.sex,episode.facility,episode.status,episode.admitted,"
	    "episode.custody_level\n");
	for (i = 0; i < n; i++) {
		/* One row in ten brings back an earlier person. */
		id = (i > 10 && pick(10) == 0) ? (long)pick((unsigned)i) : i;
		state ^= (uint64_t)id * 0x9E3779B97F4A7C15ULL;
		y = 1950 + pick(55);
		m = 1 + pick(12);
		d = 1 + pick(28);
		printf("HS%08ld,%03u%09ld,%s %s %s,%04u-%02u-%02u,%s,TG-%02u,",
		    id, pick(96), id, family[pick(N(family))],
		    middle[pick(N(middle))], given[pick(N(given))], y, m, d,
		    pick(2) ? "male" : "female", pick(40));
		state ^= (uint64_t)i * 0xD1B54A32D192ED03ULL;
		printf("%s,%04u-%02u-%02u %02u:%02u:00,%s\n",
		    statuses[pick(N(statuses))], 2005 + pick(20), 1 + pick(12),
		    1 + pick(28), pick(24), pick(60), levels[pick(N(levels))]);
	}
	return ferror(stdout) ? 74 : 0;
}
