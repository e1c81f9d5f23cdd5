/*
 * test_text.c: unit tests for lib/text.c.
 */
#include "unit.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "thads.h"
#include "text.h"

static void
check_fold(const char *in, const char *want)
{
	char *r;

	r = thads_text_fold(in);
	assert_non_null(r);
	assert_string_equal(r, want);
	free(r);
}

/* text-1.1: the examples of the contract. */
static void
fold_examples(void **state)
{
	(void)state;
	check_fold("Đặng  Thị-Ngọc", "dang thi ngoc");
	check_fold("NGUYEN  VAN A", "nguyen van a");
	check_fold("Nguyễn Văn A", "nguyen van a");
}

/* text-1.2: Đ and đ alone, upper and lower case. */
static void
fold_d_stroke(void **state)
{
	(void)state;
	check_fold("Đ", "d");
	check_fold("đ", "d");
	check_fold("ĐĐ đ", "dd d");
}

/* text-1.3: mixed case, horn letters, digits. */
static void
fold_mixed_case(void **state)
{
	(void)state;
	check_fold("nGuYỄn", "nguyen");
	check_fold("TRƯƠNG Thị Ơn", "truong thi on");
	check_fold("Phạm Văn 2", "pham van 2");
	check_fold("ĐỖ QUANG HUY", "do quang huy");
}

/* text-1.4: NFD input folds like NFC input. */
static void
fold_nfd_input(void **state)
{
	(void)state;
	/* e + U+0302 circumflex + U+0303 tilde, and a + U+0306 breve. */
	check_fold("Nguye\xcc\x82\xcc\x83n Va\xcc\x86n A", "nguyen van a");
	/* D + U+0323 dot below; no decomposition gives Đ though. */
	check_fold("\xc4\x90" "a\xcc\xa3\xcc\x86ng", "dang");
}

/* text-1.5: ASCII fast path: separators, ends, empty. */
static void
fold_ascii(void **state)
{
	(void)state;
	check_fold("  O'Brien,  J.  ", "o brien j");
	check_fold("TRAN-VAN.BA", "tran van ba");
	check_fold("", "");
	check_fold(" -.,' ", "");
	check_fold("a\tb\nc", "a b c");
}

/* text-1.6: a non-ASCII character after a long ASCII start. */
static void
fold_late_unicode(void **state)
{
	(void)state;
	check_fold("Tran Van Duoc Được", "tran van duoc duoc");
	check_fold("Lê\tVăn\r\nTám", "le van tam");
	check_fold("Hồ – Chí · Minh", "ho chi minh");
}

/* text-1.7: undecomposed stroke letters stay, lower-cased (XXX). */
static void
fold_other_stroke(void **state)
{
	(void)state;
	check_fold("ØSTBY Łukasz", "østby łukasz");
}

/* text-1.8: invalid UTF-8 gives NULL with EILSEQ. */
static void
fold_invalid(void **state)
{
	(void)state;
	errno = 0;
	assert_null(thads_text_fold("Nguy\xe1\xbb"));
	assert_int_equal(errno, EILSEQ);
	errno = 0;
	assert_null(thads_text_fold("\xc0\xaf"));
	assert_int_equal(errno, EILSEQ);
}

/* text-2.1: width counts columns, not bytes. */
static void
width_vietnamese(void **state)
{
	const char *nfc = "Nguyễn Văn Đặng";
	const char *nfd = "Nguye\xcc\x82\xcc\x83n Va\xcc\x86n "
	    "\xc4\x90" "a\xcc\xa3\xcc\x82ng";

	(void)state;
	assert_true(strlen(nfc) > 15);
	assert_int_equal(thads_text_width(nfc, strlen(nfc)), 15);
	assert_int_equal(thads_text_width(nfd, strlen(nfd)), 15);
}

/* text-2.2: ASCII, CJK wide, length limit, empty. */
static void
width_other(void **state)
{
	(void)state;
	assert_int_equal(thads_text_width("abc", 3), 3);
	assert_int_equal(thads_text_width("abcdef", 3), 3);
	assert_int_equal(thads_text_width("漢字", strlen("漢字")), 4);
	assert_int_equal(thads_text_width("", 0), 0);
	assert_int_equal(thads_text_width("a\x1b" "b", 3), 2);
}

/* text-3.1: the OWASP leads. */
static void
formula_ascii(void **state)
{
	(void)state;
	assert_true(thads_text_has_formula_lead("=1+1"));
	assert_true(thads_text_has_formula_lead("+1"));
	assert_true(thads_text_has_formula_lead("-1+2"));
	assert_true(thads_text_has_formula_lead("-A1"));
	assert_true(thads_text_has_formula_lead("-"));
	assert_true(thads_text_has_formula_lead("@SUM(A1)"));
	assert_true(thads_text_has_formula_lead("\tx"));
	assert_true(thads_text_has_formula_lead("\rx"));
}

/* text-3.2: the full-width forms. */
static void
formula_fullwidth(void **state)
{
	(void)state;
	assert_true(thads_text_has_formula_lead("＝1+1"));
	assert_true(thads_text_has_formula_lead("＋1"));
	assert_true(thads_text_has_formula_lead("－1"));
	assert_true(thads_text_has_formula_lead("＠x"));
	assert_false(thads_text_has_formula_lead("＄1"));
}

/* text-3.3: plain negative numbers and ordinary text are not flagged. */
static void
formula_not(void **state)
{
	(void)state;
	assert_false(thads_text_has_formula_lead("-12"));
	assert_false(thads_text_has_formula_lead("-3.5"));
	assert_false(thads_text_has_formula_lead("-.5"));
	assert_false(thads_text_has_formula_lead("12"));
	assert_false(thads_text_has_formula_lead("1-2"));
	assert_false(thads_text_has_formula_lead("Nguyễn"));
	assert_false(thads_text_has_formula_lead(""));
	assert_false(thads_text_has_formula_lead(NULL));
	assert_false(thads_text_has_formula_lead(" =1"));
}

/* text-4.1: NFC composes NFD input. */
static void
nfc_compose(void **state)
{
	const char *in = "Nguye\xcc\x82\xcc\x83n";
	size_t n;
	char *r;

	(void)state;
	assert_int_equal(thads_text_nfc(in, strlen(in), &r, &n), 0);
	assert_string_equal(r, "Nguyễn");
	assert_int_equal(n, strlen("Nguyễn"));
	free(r);
}

/* text-4.2: ASCII and already-NFC text come back unchanged. */
static void
nfc_unchanged(void **state)
{
	char *r;

	(void)state;
	assert_int_equal(thads_text_nfc("abc", 2, &r, NULL), 0);
	assert_string_equal(r, "ab");
	free(r);
	assert_int_equal(thads_text_nfc("", 0, &r, NULL), 0);
	assert_string_equal(r, "");
	free(r);
	assert_int_equal(thads_text_nfc("Đặng", strlen("Đặng"), &r, NULL),
	    0);
	assert_string_equal(r, "Đặng");
	free(r);
}

/* text-4.3: invalid UTF-8 is refused. */
static void
nfc_invalid(void **state)
{
	char *r = NULL;

	(void)state;
	assert_int_equal(thads_text_nfc("a\xff", 2, &r, NULL), THADS_EDATA);
	assert_null(r);
}

/* text-5.1: valid and invalid UTF-8 with the offset. */
static void
valid_utf8(void **state)
{
	size_t at = 99;

	(void)state;
	assert_true(thads_text_valid_utf8("Đặng", strlen("Đặng"), &at));
	assert_int_equal(at, 99);
	assert_false(thads_text_valid_utf8("ab\xff" "cd", 5, &at));
	assert_int_equal(at, 2);
	assert_false(thads_text_valid_utf8("\xc0\xaf", 2, &at));
	assert_int_equal(at, 0);
	assert_false(thads_text_valid_utf8("Ng\xe1\xbb", 4, &at));
	assert_int_equal(at, 2);
	assert_false(thads_text_valid_utf8("x\xed\xa0\x80", 4, &at));
	assert_int_equal(at, 1);
	assert_false(thads_text_valid_utf8("\xf4\x90\x80\x80", 4, NULL));
	assert_true(thads_text_valid_utf8("", 0, NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fold_examples),
		cmocka_unit_test(fold_d_stroke),
		cmocka_unit_test(fold_mixed_case),
		cmocka_unit_test(fold_nfd_input),
		cmocka_unit_test(fold_ascii),
		cmocka_unit_test(fold_late_unicode),
		cmocka_unit_test(fold_other_stroke),
		cmocka_unit_test(fold_invalid),
		cmocka_unit_test(width_vietnamese),
		cmocka_unit_test(width_other),
		cmocka_unit_test(formula_ascii),
		cmocka_unit_test(formula_fullwidth),
		cmocka_unit_test(formula_not),
		cmocka_unit_test(nfc_compose),
		cmocka_unit_test(nfc_unchanged),
		cmocka_unit_test(nfc_invalid),
		cmocka_unit_test(valid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
