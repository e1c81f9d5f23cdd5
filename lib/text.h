/*
 * text.h: Unicode text helpers built on libunistring: normalisation,
 * UTF-8 checks, the search key of a person's name, display width and
 * the spreadsheet formula test used by the output layer.
 *
 * All strings are UTF-8.  None of these functions depends on the
 * process locale.
 */
#ifndef THADS_TEXT_H
#define THADS_TEXT_H

#include <stddef.h>

/*
 * Normalise the len bytes at s to Unicode NFC.  On success *out is a
 * NUL-terminated malloc'd string that the caller frees, *outlen its
 * length without the NUL (outlen may be NULL), and 0 is returned.
 * Pure ASCII input is copied without calling libunistring.
 * Returns THADS_EDATA if s is not valid UTF-8, THADS_ENOMEM when out of
 * memory; *out is then left untouched.
 */
int	thads_text_nfc(const char *s, size_t len, char **out, size_t *outlen);

/*
 * Return 1 if the len bytes at s are valid UTF-8 (no overlong forms,
 * surrogates or code points above U+10FFFF), else 0 and, when bad_at is
 * not NULL, the 0-based offset of the first byte of the first invalid
 * sequence in *bad_at.
 */
int	thads_text_valid_utf8(const char *s, size_t len, size_t *bad_at);

/*
 * Return the search key of a name: decomposed (NFD), combining marks
 * (category Mn) dropped, U+0110/U+0111 (Đ đ) turned into "d", case
 * folded, each run of characters that are neither letters, numbers nor
 * spacing/enclosing marks (white space, punctuation, symbols, controls)
 * turned into one space, with no space at either end.  So
 * "Đặng  Thị-Ngọc" gives "dang thi ngoc" and "NGUYEN VAN A" and
 * "Nguyễn Văn A" both give "nguyen van a".
 *
 * XXX: letters with a stroke that NFD does not decompose, other than
 * Đ, stay as they are after case folding ("Ø" gives "ø", "Ł" gives
 * "ł"); Vietnamese names never contain them.
 *
 * s is NUL-terminated and must not be NULL.  The result is malloc'd and
 * the caller frees it.  Returns NULL with errno EILSEQ if s is not valid
 * UTF-8, or ENOMEM.  Pure ASCII input takes a fast path.
 */
char	*thads_text_fold(const char *s);

/*
 * Return the number of terminal columns that the len bytes at s take,
 * independent of the locale: a combining mark takes 0, an East Asian
 * wide character 2, an ambiguous-width one 1; control characters count
 * 0.  Stops early at a NUL byte.  Invalid bytes count 1 each.
 */
size_t	thads_text_width(const char *s, size_t len);

/*
 * Return 1 if a spreadsheet could take the NUL-terminated cell s for a
 * formula: it starts with '=', '+', '-', '@', tab or CR (the OWASP CSV
 * injection list) or with the full-width U+FF1D, U+FF0B, U+FF0D or
 * U+FF20.  A plain negative decimal such as "-12", "-3.5" or "-.5"
 * returns 0, so that numbers stay numbers.  s NULL returns 0.
 */
int	thads_text_has_formula_lead(const char *s);

#endif /* THADS_TEXT_H */
