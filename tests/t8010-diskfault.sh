#!/bin/sh
# Disk faults: a full disk (a file size limit: prlimit --fsize, no
# privileges needed) and a read-only database (a 0400 file; a read-only
# directory).  Every tool that writes exits non-zero with a message that
# names the database, and the database is left as it was: its integrity
# check passes and the checksum of its content is unchanged.  The tools
# that only read still work on a read-only database.
. "$(dirname "$0")/lib.sh"

CLIPS=$BUILD/testvideos
cc -O2 -o igen "$SRCDIR/bench/import/gen.c" &&
cc -O2 -o ggen "$SRCDIR/bench/geofence/gen.c" -lm || exit 1
./igen 2000 11 >all.csv
head -n 1001 all.csv >old.csv
{ head -n 1 all.csv; tail -n 1000 all.csv; } >new.csv
mkdir gf && ./ggen gf 20000 30 >/dev/null
vid=
if make-test-videos "$CLIPS" >/dev/null 2>&1; then
	vid=$CLIPS/fire.avi
fi

# The database every case starts from: records, zones, a camera scan.
thads-import -q -d base.db old.csv gf/persons.csv &&
thads-geofence -q -d base.db zones import gf/zones.wkt &&
thads-geofence -q -d base.db zones assign gf/assign.csv || exit 1
dossier=$(sed -n 2p old.csv | cut -d, -f1)

# The content of a database: every row of every table, as text.
# thads-vidscan commits each event as it opens, so that a watch sees it
# at once: a scan stopped by a fault keeps the events it had opened,
# and its rerun must then bring them to the state of a run without the
# fault.  They and their audit entries are left out here and compared
# by events().
content() {
	sqlite3 "$1" .dump | grep -v '^PRAGMA\|^INSERT INTO vid_event ' |
	    grep -v "^INSERT INTO audit VALUES([0-9]*,'[^']*','thads-vidscan'" |
	    sha256sum | cut -d' ' -f1
}
events() {
	sqlite3 "$1" "SELECT camera, zone, type, video_start, video_end,
	    open, snapshot_sha256 FROM vid_event ORDER BY 1, 2, 3, 4"
}
base=$(content base.db)

fresh() {	# DIR: a copy of the base database in DIR
	mkdir -p "$1" && cp base.db "$1/d.db" &&
	cp base.db.audit-head "$1/d.db.audit-head"
}

# The writers, each as a command on d.db in the current directory, in a
# file that the shells started under a limit or as another user read.
writers='import record alert geofence backup'
[ -n "$vid" ] && writers="$writers vidscan"
cat >fns <<EOF
PATH='$PATH'
THADS_DATADIR='$THADS_DATADIR'
THADS_TZ='$THADS_TZ'
ASAN_OPTIONS='${ASAN_OPTIONS:-}'
export PATH THADS_DATADIR THADS_TZ ASAN_OPTIONS
write() {
	case \$1 in
	import)		thads-import -q -d d.db '$SCRATCH/new.csv' ;;
	record)		thads-record -q -d d.db --reason test set '$dossier' \\
			    'name=Trần Thị Đổi' ;;
	alert)		thads-alert -q -d d.db --new-only >/dev/null ;;
	geofence)	thads-geofence -q -d d.db check '$SCRATCH/gf/fixes.csv' \\
			    >/dev/null ;;
	vidscan)	thads-vidscan -q -d d.db '$vid' >/dev/null ;;
	backup)		thads-admin -q -d d.db backup copy.db ;;
	esac
}
EOF
. ./fns

# FAULT WHO: the fault refused cleanly, the database untouched.
refused() {
	st=$1
	[ "$st" -ne 0 ] && [ "$st" -lt 128 ] ||
	    { echo "$2: exit status $st" >&2; return 1; }
	grep -q "^thads-[a-z]*: .*\(d\.db\|copy\.db\)" err ||
	    { echo "$2: no message naming the file" >&2; cat err >&2;
	    return 1; }
	[ "$(sqlite3 d.db "PRAGMA integrity_check")" = ok ] &&
	thads-admin -q -d d.db check >/dev/null &&
	[ "$(content d.db)" = "$base" ] ||
	    { echo "$2: the database changed" >&2; return 1; }
	[ ! -e copy.db ] || { echo "$2: a partial backup was left" >&2;
	    return 1; }
	if [ "$2" = vidscan ]; then
		write vidscan && events d.db >ev &&
		events ../ok-vidscan/d.db >ev.ok && cmp -s ev ev.ok ||
		    { echo "$2: the rerun has other events" >&2; return 1; }
	fi
	! ls | grep -q 'tmp-' || { echo "$2: temporary files left" >&2;
	    return 1; }
}

for w in $writers; do
	expect_ok "$w writes when nothing stands in its way" "
		fresh ok-$w && cd ok-$w && write $w &&
		case $w in
		backup)	[ -s copy.db ] ;;
		vidscan) [ -n \"\$(events d.db)\" ] ;;
		*)	[ \"\$(content d.db)\" != \"$base\" ] ;;
		esac"
done

# A 16 KiB limit stops a writer before it can create the shared-memory
# file (the same for every tool: tried on one); 40 KiB lets it start and
# stops it in the middle of its writes.
for lim in 16384 40960; do
	ws=$writers
	[ $lim = 16384 ] && ws=import
	for w in $ws; do
		expect_ok "$w past a $lim-byte file size limit: refused" "
			fresh fs$lim-$w && cd fs$lim-$w &&
			{ prlimit --fsize=$lim sh -c '. \"$SCRATCH/fns\"; write $w' \
			    2>err; refused \$? $w; }"
	done
done

# Read-only cases.  root writes whatever the mode says, so as root they
# run as nobody, on files given to nobody; without a way to do that
# they are skipped.
if [ "$(id -u)" = 0 ]; then
	if ! command -v setpriv >/dev/null; then
		echo "ok - $t_name: read-only cases # SKIP no setpriv"
		test_done
		exit $?
	fi
	as() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	give() { chown -R 65534:65534 "$@"; }
	chmod 755 "$SCRATCH"
else
	as() { "$@"; }
	give() { :; }
fi

# Readers on a read-only database: each must work and print its rows.
readers() {
	as thads-report -q -d d.db population >r1 &&
	as thads-record -q -d d.db find Nguyễn >r2 &&
	as thads-admin -q -d d.db check >r3 &&
	as thads-admin -q -d d.db stats >r4 &&
	as thads-record -q -d d.db verify-audit >r5 &&
	[ -s r1 ] && [ -s r2 ] && [ -s r4 ] && grep -q '^ok' r5
}

for how in file dir; do
	for w in $writers; do
		d=ro-$how-$w
		fresh "$d" && chmod 644 "$SCRATCH/new.csv" && give "$d"
		if [ $how = file ]; then chmod 400 "$d/d.db"; else
			chmod 500 "$d"; fi
		if [ $how = file ] && [ $w = backup ]; then
			expect_ok "backup of a read-only database ($how): works" "
				cd $d && as sh -c '. \"$SCRATCH/fns\"; write $w' &&
				sha256sum -c copy.db.sha256 >/dev/null"
			continue
		fi
		expect_ok "$w on a read-only database ($how): refused" "
			cd $d && { as sh -c '. \"$SCRATCH/fns\"; write $w' 2>err;
			refused \$? $w; }"
	done
	expect_ok "readers work on a read-only database ($how)" "
		cd ro-$how-import && readers"
done

test_done
