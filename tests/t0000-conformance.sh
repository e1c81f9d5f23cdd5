#!/bin/sh
# Every tool behaves the same at its edges: --help, --version, a bad
# option, -q, and no escape sequences in output that is not a terminal.
. "$(dirname "$0")/lib.sh"

tools=
for b in "$BIN"/thads-*; do
	[ -x "$b" ] && tools="$tools $(basename "$b")"
done

expect_ok 'at least one tool was built' '[ -n "$tools" ]'

for t in $tools; do
	expect_ok "$t --help prints usage to stdout, exits 0" "
		$t --help >help.out 2>help.err &&
		grep -q '^usage: $t ' help.out && [ ! -s help.err ]"
	expect_ok "$t -h is --help" "
		$t -h >h.out && cmp h.out help.out"
	expect_ok "$t --version prints 'NAME X.Y.Z'" "
		$t --version >v.out &&
		grep -Eqx '$t [0-9]+\.[0-9]+\.[0-9]+' v.out"
	expect_fail 64 "$t with a bad option exits 64" "
		$t --no-such-option >bad.out 2>bad.err"
	expect_ok "$t with a bad option: usage on stderr, nothing on stdout" "
		$t --no-such-option >bad.out 2>bad.err;
		[ ! -s bad.out ] && grep -q '^usage: $t ' bad.err"
	expect_ok "$t: no escape sequences in help when not a terminal" "
		$t --help | od -An -c | grep -qv '033' &&
		! $t --help | grep -q \"\$(printf '\\033')\""
	expect_ok "$t has a man page with EXIT STATUS and EXAMPLES" "
		grep -q '^\.Sh EXIT STATUS' '$SRCDIR/man/$t.1' &&
		grep -q '^\.Sh EXAMPLES' '$SRCDIR/man/$t.1'"
	expect_ok "$t: the man page names every option of --help" "
		tr -d '\\\\' < '$SRCDIR/man/$t.1' > man.txt &&
		for o in \$(grep -o -- '--[a-z][a-z-]*' help.out | sort -u); do
			grep -q -- \"Fl \${o#-}\" man.txt ||
			{ echo \"missing \$o\"; exit 1; }
		done"
done

if command -v mandoc >/dev/null; then
	for m in "$SRCDIR"/man/*.[1-8]; do
		expect_ok "$(basename "$m") is lint-clean under mandoc -Tlint" "
			mandoc -Tlint -W warning '$m'"
	done
fi

# -q on success prints nothing to stderr.
expect_ok 'thads-import -q on success prints nothing on stderr' "
	thads-import -q -d q.db '$TESTDATA/import/good-persons.csv' 2>q.err &&
	[ ! -s q.err ]"

test_done
