# lib.sh: helpers for the command-line tests, sourced by tests/t*.sh.
#
#	expect_ok TITLE COMMANDS	COMMANDS must exit 0
#	expect_fail STATUS TITLE COMMANDS
#					COMMANDS must exit with STATUS
#	expect_known_bug TITLE COMMANDS	a known wrong result: reported, not
#					counted as a failure, until it passes
#	test_cmp EXPECTED ACTUAL	diff, shown on failure
#	test_done			print the counts, exit non-zero on
#					any failure
#
# Each script runs in a fresh scratch directory ($SCRATCH) with BIN
# (the binaries), TESTDATA (testdata/), SHARED (../shared/data) and
# SRCDIR (the tree) set, and THADS_DB pointing into the scratch directory.
set -u

SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$SRCDIR/$BUILD ;; esac
BIN=$BUILD/bin
TESTDATA=$SRCDIR/testdata
SHARED=${THADS_SHARED:-$(cd "$SRCDIR/.." && pwd)/shared/data}
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/thads-test.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
THADS_DB=$SCRATCH/thads.db
THADS_DATADIR=$SRCDIR
THADS_TZ=Asia/Ho_Chi_Minh
NO_COLOR=1
export BIN TESTDATA SHARED SCRATCH THADS_DB THADS_DATADIR THADS_TZ SRCDIR
export NO_COLOR
PATH=$BIN:$SRCDIR/scripts:$PATH
cd "$SCRATCH" || exit 1

# VALGRIND=1 (tests/valgrind): each thads-* program runs under valgrind
# memcheck; a memory error or a definite leak makes it exit 99 and
# leaves a log in $VALGRIND_LOGS.
if [ -n "${VALGRIND:-}" ]; then
	mkdir "$SCRATCH/.vg" || exit 1
	for b in "$BIN"/thads-*; do
		cat >"$SCRATCH/.vg/${b##*/}" <<EOF
#!/bin/sh
exec valgrind -q --error-exitcode=99 --leak-check=full \\
    --errors-for-leak-kinds=definite --show-leak-kinds=definite \\
    --log-file='${VALGRIND_LOGS:-$SCRATCH}/vg.${b##*/}.%p.log' '$b' "\$@"
EOF
		chmod 755 "$SCRATCH/.vg/${b##*/}"
	done
	PATH=$SCRATCH/.vg:$PATH
fi

t_name=$(basename "$0" .sh)
t_n=0
t_pass=0
t_fail=0
t_bug=0

t_run() {
	( eval "$1" ) >"$SCRATCH/.out" 2>"$SCRATCH/.err"
}

t_report() {
	t_n=$((t_n + 1))
	if [ "$1" = ok ]; then
		t_pass=$((t_pass + 1))
		echo "ok $t_n - $t_name: $2"
	else
		t_fail=$((t_fail + 1))
		echo "not ok $t_n - $t_name: $2"
		sed 's/^/#   stdout: /' "$SCRATCH/.out" | head -20
		sed 's/^/#   stderr: /' "$SCRATCH/.err" | head -20
	fi
}

expect_ok() {
	if t_run "$2"; then
		t_report ok "$1"
	else
		echo "#   exit status $?"
		t_report fail "$1"
	fi
}

expect_fail() {
	t_run "$3"
	st=$?
	if [ "$st" -eq "$1" ]; then
		t_report ok "$2"
	else
		echo "#   exit status $st, expected $1"
		t_report fail "$2"
	fi
}

expect_known_bug() {
	t_n=$((t_n + 1))
	if t_run "$2"; then
		echo "ok $t_n - $t_name: $1 # known bug now passes: promote it"
		t_pass=$((t_pass + 1))
	else
		echo "ok $t_n - $t_name: $1 # TODO known bug"
		t_bug=$((t_bug + 1))
	fi
}

test_cmp() {
	diff -u "$1" "$2"
}

test_done() {
	echo "# $t_name: $t_pass passed, $t_fail failed, $t_bug known bugs"
	[ "$t_fail" -eq 0 ]
}
