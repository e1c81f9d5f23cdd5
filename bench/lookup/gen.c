/*
 * gen: write a reproducible interchange CSV of N distinct persons for
 * the lookup benchmark, each with one custody episode.
 *
 *	gen N [SEED] > file.csv
 *
 * The names are Vietnamese, written with their diacritics, drawn so that
 * they repeat as real names do: a few family names carry most people
 * (Nguyễn alone about a third), and the middle and given names come from
 * short lists, some given names being two words.  One person in twenty
 * has aliases.  Everything is a pure function of the seed and the
 * person's number, so the same N and SEED give the same bytes on every
 * machine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define DEFAULT_SEED 20261204

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

/* splitmix64 of the seed and the person's number: a never-zero start. */
static uint64_t
person_state(uint64_t seed, long id)
{
	uint64_t z = seed + (uint64_t)id * 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z ^= z >> 31;
	return z ? z : 1;
}

/* Family names with their share in thousandths (about the census's). */
static const struct { const char *name; unsigned share; } family[] = {
	{ "Nguyễn", 380 }, { "Trần", 110 }, { "Lê", 95 }, { "Phạm", 70 },
	{ "Hoàng", 50 }, { "Huỳnh", 40 }, { "Phan", 40 }, { "Vũ", 35 },
	{ "Võ", 30 }, { "Đặng", 25 }, { "Bùi", 20 }, { "Đỗ", 15 },
	{ "Hồ", 15 }, { "Ngô", 13 }, { "Dương", 10 }, { "Lý", 8 },
	{ "Đinh", 8 }, { "Đoàn", 7 }, { "Lò", 5 }, { "Hà", 5 },
	{ "Trịnh", 5 }, { "Mai", 5 }, { "Cao", 5 }, { "Lương", 4 },
};
static const char *const middle[] = {
	"Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Xuân",
	"Thu", "Kim", "Công", "Đình", "Quang", "Bảo", "Hoài", "Gia", "Tấn",
	"Trọng", "Phương",
};
static const char *const given[] = {
	"An", "Anh", "Ánh", "Bình", "Châu", "Chi", "Cường", "Dũng", "Dương",
	"Đạt", "Điệp", "Đông", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hòa",
	"Hoa", "Hùng", "Hương", "Huy", "Khánh", "Khoa", "Lan", "Linh",
	"Long", "Mai", "Minh", "My", "Nam", "Nga", "Ngân", "Nhung", "Oanh",
	"Phúc", "Phương", "Quân", "Quyên", "Sơn", "Tâm", "Thắng", "Thảo",
	"Thủy", "Tiến", "Trang", "Trung", "Tuấn", "Tùng", "Uyên", "Việt",
	"Vinh", "Xuân", "Yến", "Đức", "Tú", "Lộc", "Nghĩa", "Khôi", "Ân",
};
static const char *const nick[] = {
	"Tư Đen", "Ba Râu", "Hai Lúa", "Út Mập", "Bảy Sẹo", "Sáu Đại",
	"Năm Cam", "Tám Lùn",
};
static const char *const statuses[] = {
	"temporary_custody", "pretrial_detention", "serving", "serving",
	"serving", "suspended_sentence", "non_custodial_reform"
};

#define N(a) (sizeof(a) / sizeof(a[0]))

static const char *
family_name(uint64_t *s)
{
	unsigned total = 0, r, i;

	for (i = 0; i < N(family); i++)
		total += family[i].share;
	r = pick(s, total);
	for (i = 0; i < N(family) - 1 && r >= family[i].share; i++)
		r -= family[i].share;
	return family[i].name;
}

static void
person(uint64_t seed, long id)
{
	uint64_t s = person_state(seed, id);
	const char *fam = family_name(&s);
	unsigned mid = pick(&s, N(middle)), g = pick(&s, N(given));
	unsigned g2 = pick(&s, 4) == 0 ? 1 + pick(&s, N(given)) : 0;
	unsigned al = pick(&s, 20) == 0 ? 1 + pick(&s, N(nick)) : 0;
	unsigned y = 1950 + pick(&s, 55), m = 1 + pick(&s, 12);
	unsigned d = 1 + pick(&s, 28), fac = pick(&s, 40);
	unsigned st = pick(&s, N(statuses)), ay = 2005 + pick(&s, 20);

	printf("HS%08ld,%03u%09ld,%s %s %s%s%s,%s,%04u-%02u-%02u,TG-%02u,%s,"
	    "%04u-%02u-%02u\n", id, pick(&s, 96), id, fam, middle[mid],
	    g2 ? given[g2 - 1] : "", g2 ? " " : "", given[g], al ?
	    nick[al - 1] : "", y, m, d, fac, statuses[st], ay, m, d);
}

int
main(int argc, char **argv)
{
	uint64_t seed;
	long n, i;

	if (argc < 2 || (n = strtol(argv[1], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: gen N [SEED]\n");
		return 64;
	}
	seed = argc > 2 ? strtoull(argv[2], NULL, 10) : DEFAULT_SEED;
	printf("person.id,person.national_id,person.name,person.aliases,"
	    "person.birth_date,episode.facility,episode.status,"
	    "episode.admitted\n");
	for (i = 0; i < n; i++)
		person(seed, i);
	return ferror(stdout) ? 74 : 0;
}
