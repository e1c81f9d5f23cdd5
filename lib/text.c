/*
 * text.c: Unicode text helpers on libunistring (see text.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>
#include <uniwidth.h>

#include "thads.h"
#include "text.h"

/* Categories whose characters belong to a word in a search key. */
#define KEEP_MASK	(UC_CATEGORY_MASK_L | UC_CATEGORY_MASK_N | \
	UC_CATEGORY_MASK_Mc | UC_CATEGORY_MASK_Me)

static int
is_ascii(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

static char *
copy(const char *s, size_t len)
{
	char *r;

	if ((r = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(r, s, len);
	r[len] = '\0';
	return r;
}

int
thads_text_nfc(const char *s, size_t len, char **out, size_t *outlen)
{
	uint8_t *r, *t;
	size_t n;

	if (is_ascii(s, len)) {
		/* ASCII is invariant under every normalisation form. */
		if ((*out = copy(s, len)) == NULL)
			return THADS_ENOMEM;
		if (outlen != NULL)
			*outlen = len;
		return 0;
	}
	if (u8_check((const uint8_t *)s, len) != NULL)
		return THADS_EDATA;

	r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL, &n);
	if (r == NULL)
		return THADS_ENOMEM;
	if ((t = realloc(r, n + 1)) == NULL) {
		free(r);
		return THADS_ENOMEM;
	}
	t[n] = '\0';
	*out = (char *)t;
	if (outlen != NULL)
		*outlen = n;
	return 0;
}

int
thads_text_valid_utf8(const char *s, size_t len, size_t *bad_at)
{
	const uint8_t *bad;

	bad = u8_check((const uint8_t *)s, len);
	if (bad == NULL)
		return 1;
	if (bad_at != NULL)
		*bad_at = (size_t)(bad - (const uint8_t *)s);
	return 0;
}

/*
 * The ASCII fast path of thads_text_fold(): fold into r, which has room
 * for strlen(s) + 1 bytes.  Returns 0, or -1 at the first non-ASCII byte.
 */
static int
fold_ascii(const char *s, char *r)
{
	unsigned char c;
	char *o = r;
	int sep = 0;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c >= 0x80)
			return -1;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) {
			sep = 1;
			continue;
		}
		if (sep && o > r)
			*o++ = ' ';
		sep = 0;
		*o++ = (char)c;
	}
	*o = '\0';
	return 0;
}

/*
 * Squeeze the case-folded NFD text buf[0..n) in place into a search key
 * and return its length.  Writing in place is safe: no character ever
 * grows (đ takes 2 bytes and becomes 1, a separator takes at least 1
 * byte and is written as at most 1), so the write position never
 * passes the read position.
 */
static size_t
squeeze(uint8_t *buf, size_t n)
{
	const uint8_t *p = buf, *end = buf + n;
	uint8_t *o = buf;
	ucs4_t uc;
	int k, sep = 0;

	for (; p < end; p += k) {
		k = u8_mbtouc_unsafe(&uc, p, end - p);
		if (uc_is_general_category_withtable(uc, UC_CATEGORY_MASK_Mn))
			continue;
		if (uc != 0x110 && uc != 0x111 &&
		    !uc_is_general_category_withtable(uc, KEEP_MASK)) {
			sep = 1;
			continue;
		}
		if (sep && o > buf)
			*o++ = ' ';
		sep = 0;
		if (uc == 0x110 || uc == 0x111)
			*o++ = 'd';
		else {
			memmove(o, p, k);
			o += k;
		}
	}
	return (size_t)(o - buf);
}

static char *
fold_unicode(const char *s, size_t len)
{
	uint8_t *buf, *t;
	size_t n;

	if (u8_check((const uint8_t *)s, len) != NULL) {
		errno = EILSEQ;
		return NULL;
	}
	buf = u8_casefold((const uint8_t *)s, len, NULL, UNINORM_NFD, NULL,
	    &n);
	if (buf == NULL)
		return NULL;

	n = squeeze(buf, n);
	if ((t = realloc(buf, n + 1)) == NULL) {
		free(buf);
		errno = ENOMEM;
		return NULL;
	}
	t[n] = '\0';
	return (char *)t;
}

char *
thads_text_fold(const char *s)
{
	size_t len = strlen(s);
	char *r;

	if ((r = malloc(len + 1)) == NULL)
		return NULL;
	if (fold_ascii(s, r) == 0)
		return r;
	free(r);
	return fold_unicode(s, len);
}

size_t
thads_text_width(const char *s, size_t len)
{
	int w;

	/* "UTF-8" rather than locale_charset(): widths must not change
	 * with the user's locale, and ambiguous characters stay narrow. */
	w = u8_width((const uint8_t *)s, len, "UTF-8");
	return w < 0 ? 0 : (size_t)w;
}

/* Return 1 if s is a plain decimal: digits with at most one '.'. */
static int
is_plain_decimal(const char *s)
{
	int digits = 0, dots = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (*s == '.' && dots == 0)
			dots++;
		else
			return 0;
	}
	return digits > 0;
}

int
thads_text_has_formula_lead(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (s == NULL)
		return 0;
	switch (u[0]) {
	case '-':
		return !is_plain_decimal(s + 1);
	case '=':
	case '+':
	case '@':
	case '\t':
	case '\r':
		return 1;
	}

	/* U+FF0B, U+FF0D, U+FF1D and U+FF20 are EF BC 8B/8D/9D/A0. */
	if (u[0] == 0xef && u[1] == 0xbc)
		return u[2] == 0x8b || u[2] == 0x8d || u[2] == 0x9d ||
		    u[2] == 0xa0;
	return 0;
}
