#!/bin/sh
# Data protection: every file a tool creates is 0600 whatever the umask
# (the database and its side files, rejects, backups and their
# checksums, restores, exports, reports, archives, plots, snapshots);
# every tool warns when the database is open to its group or others;
# every write records the tool, the OS user and --actor.
. "$(dirname "$0")/lib.sh"

CLIPS=$BUILD/testvideos
cc -O2 -o igen "$SRCDIR/bench/import/gen.c" &&
cc -O2 -o ggen "$SRCDIR/bench/geofence/gen.c" -lm || exit 1
./igen 200 5 >p.csv
mkdir gf && ./ggen gf 3000 5 >/dev/null
{ head -n 1 p.csv; echo "XX1,,Bad Date,1990-02-30,male,TG-01,serving,2020-01-01 08:00:00,medium"; } >bad.csv
vid=
make-test-videos "$CLIPS" >/dev/null 2>&1 && vid=$CLIPS/fire.avi &&
    vid2=$CLIPS/smoke.avi
me=$(id -un)
umask 000

# MODE FILE...: each file has exactly MODE.
modes() {
	m=$1
	shift
	for f in "$@"; do
		[ "$(stat -c %a "$f")" = "$m" ] ||
		    { echo "$f: mode $(stat -c %a "$f"), not $m" >&2; return 1; }
	done
}

expect_ok 'umask 000: the database, its head file and lock are 0600' '
	thads-import -q -d u.db p.csv gf/persons.csv &&
	modes 600 u.db u.db.audit-head u.db.audit-head.lock'
# The side files exist while a tool writes: stop one there.
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0
export ASAN_OPTIONS
cc -shared -fPIC -o killshim.so "$SRCDIR/tests/fault/killshim.c" -ldl ||
    exit 1
expect_ok 'umask 000: the WAL and shared-memory files are 0600' '
	( LD_PRELOAD=$SCRATCH/killshim.so KILLSHIM_SUFFIX=.audit-head \
	    thads-import -q -d k.db p.csv ) 2>/dev/null; [ $? -eq 137 ] &&
	modes 600 k.db k.db-wal k.db-shm k.db.audit-head'
expect_ok 'umask 000: a rejects file is 0600' '
	thads-import -q -d u.db --rejects rej.csv bad.csv &&
	[ -s rej.csv ] && modes 600 rej.csv'
expect_ok 'umask 000: backups, their checksums and a restore are 0600' '
	thads-admin -q -d u.db backup b.db && thads-admin -q -d u.db backup b.db.zst &&
	modes 600 b.db b.db.sha256 b.db.zst b.db.zst.sha256 &&
	thads-admin -q -d r.db restore b.db.zst && modes 600 r.db'
expect_ok 'umask 000: an export and a report file are 0600' '
	thads-record -q -d u.db -o x.xml export --all &&
	thads-report -q -d u.db -o rep.csv -f csv population &&
	thads-report -q -d u.db -o rep.xlsx -f xlsx population &&
	modes 600 x.xml rep.csv rep.xlsx'
expect_ok 'umask 000: geofence archive, plot and export files are 0600' '
	thads-geofence -q -d u.db zones import gf/zones.wkt &&
	thads-geofence -q -d u.db zones assign gf/assign.csv &&
	thads-geofence -q -d u.db check gf/fixes.csv >/dev/null &&
	thads-geofence -q -d u.db plot P00001 --day 2024-05-01 -o day.svg &&
	thads-geofence -q -d u.db -f geojson -o day.json export P00001 \
	    --day 2024-05-01 &&
	thads-geofence -q -d u.db archive --before 2024-05-02 -o old.csv.zst &&
	modes 600 day.svg day.json old.csv.zst'
if [ -n "$vid" ]; then
	expect_ok 'umask 000: snapshots are 0600' '
		mkdir snaps && thads-vidscan -q -d u.db --snapshots snaps "$vid" \
		    >/dev/null && ls snaps/*.jpg >/dev/null && modes 600 snaps/*'
fi

# Warnings about a database others can read or write.
cp u.db w.db && cp u.db.audit-head w.db.audit-head
readers='thads-import -d w.db /dev/null
thads-admin -d w.db stats
thads-record -d w.db find Nguyễn
thads-alert -d w.db
thads-report -d w.db population
thads-geofence -d w.db zones list'
[ -n "$vid" ] && readers="$readers
thads-vidscan -d w.db cameras list"
for m in 640 604 620; do
	expect_ok "every tool warns about a database of mode $m" "
		chmod $m w.db && echo \"\$readers\" | while read -r cmd; do
			\$cmd >/dev/null 2>err
			grep -q 'w.db: database open to other users' err ||
			    { echo \"no warning: \$cmd\" >&2; exit 1; }
		done"
done
expect_ok 'no warning for mode 600' "
	chmod 600 w.db && echo \"\$readers\" | while read -r cmd; do
		\$cmd >/dev/null 2>err
		! grep -q 'open to other users' err ||
		    { echo \"warning: \$cmd\" >&2; exit 1; }
	done"

# Who: the newest audit entries of a tool carry it, the OS user and the
# actor.
who() {	# TOOL ACTOR: the entries written since $mark
	sqlite3 a.db "SELECT DISTINCT tool || '|' || os_user || '|' ||
	    coalesce(actor, '-') FROM audit WHERE id > $mark"
}
cp u.db a.db && cp u.db.audit-head a.db.audit-head
mark=$(sqlite3 a.db "SELECT max(id) FROM audit")
step() {	# TOOL ACTOR COMMAND...: run it; its entries name TOOL and ACTOR
	t=$1
	a=$2
	shift 2
	mark=$(sqlite3 a.db "SELECT max(id) FROM audit")
	"$@" >/dev/null || return 1
	[ "$(who)" = "$t|$me|$a" ] ||
	    { echo "$t: entries say '$(who)', not '$t|$me|$a'" >&2; return 1; }
}
./igen 260 5 | tail -n 61 >more.csv
sed -i 1i"$(head -n 1 p.csv)" more.csv
expect_ok 'thads-import records the OS user and --actor' '
	step thads-import officer-1 thads-import -q -d a.db --actor officer-1 more.csv'
expect_ok 'thads-record set records them' '
	step thads-record officer-2 thads-record -q -d a.db --actor officer-2 \
	    --reason check set HS00000001 "name=Lê Văn Ai"'
expect_ok 'thads-alert --new-only records them' '
	step thads-alert officer-3 thads-alert -q -d a.db --actor officer-3 \
	    --new-only'
expect_ok 'thads-alert ack records them (--by is the actor)' '
	key=$(thads-alert -d a.db -f csv --no-header | cut -d, -f2 |
	    grep -m 1 ":[0-9]\{4\}-") &&
	[ -n "$key" ] &&
	step thads-alert officer-4 thads-alert -q -d a.db ack "$key" \
	    --by officer-4 --reason seen'
expect_ok 'an undated alert has no days left (not 2^31 - today)' '
	thads-alert -d a.db -f tsv --no-header | grep ":-:" >undated &&
	[ -s undated ] && [ -z "$(cut -f6 undated | sort -u)" ]'
expect_ok 'an undated alert (its date is what is missing) can be acked' '
	key=$(thads-alert -d a.db -f csv --no-header | cut -d, -f2 |
	    grep -m 1 ":-:") && [ -n "$key" ] &&
	thads-alert -q -d a.db ack "$key" --by officer-4 --reason seen &&
	thads-alert -d a.db -f csv --no-header >after.csv &&
	! grep -q ",$key," after.csv'
expect_ok 'thads-geofence check records them' '
	mkdir gf2 && ./ggen gf2 3000 5 20261111 >/dev/null &&
	step thads-geofence officer-5 thads-geofence -q -d a.db \
	    --actor officer-5 check gf2/fixes.csv'
if [ -n "$vid" ]; then
	expect_ok 'thads-vidscan records them' '
		step thads-vidscan officer-6 thads-vidscan -q -d a.db \
		    --actor officer-6 "$vid2"'
fi
expect_ok 'without --actor the actor is empty, the OS user still there' '
	step thads-record - thads-record -q -d a.db --reason check \
	    set HS00000002 "name=Lê Văn Bê"'

test_done
