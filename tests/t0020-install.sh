#!/bin/sh
# make install honours PREFIX and DESTDIR and installs the binaries, man
# pages, completions, mapping files and schema; make uninstall removes
# them all.
. "$(dirname "$0")/lib.sh"

stage=$SCRATCH/stage
b=$(basename "$BUILD")
mk() {
	make -s -C "$SRCDIR" BUILD="$b" PREFIX=/opt/thads DESTDIR="$stage" "$@"
}

expect_ok 'make install into DESTDIR' 'mk install >install.log 2>&1'
expect_ok 'binaries installed under PREFIX/bin' "
	[ -x '$stage/opt/thads/bin/thads-import' ] &&
	[ -x '$stage/opt/thads/bin/thads-daily' ]"
expect_ok 'man pages installed' "
	[ -f '$stage/opt/thads/share/man/man1/thads-import.1' ] &&
	[ -f '$stage/opt/thads/share/man/man1/thads-daily.1' ] &&
	[ -f '$stage/opt/thads/share/man/man5/thads-mapping.5' ]"
expect_ok 'mapping files, schema and completions installed' "
	[ -f '$stage/opt/thads/share/thads/mappings/nyc-doc-daily.map' ] &&
	[ -f '$stage/opt/thads/share/thads/schema/thads-interchange.xsd' ] &&
	[ -f '$stage/opt/thads/share/bash-completion/completions/thads-import' ]"
expect_ok 'nothing installed outside DESTDIR/PREFIX' "
	[ -z \"\$(find '$stage' -mindepth 1 -maxdepth 1 ! -name opt)\" ]"
expect_ok 'the installed tool finds its schema through THADS_DATADIR' "
	THADS_DATADIR='$stage/opt/thads/share/thads' \
	    '$stage/opt/thads/bin/thads-import' -q -d inst.db \
	    '$TESTDATA/xml/good-dossiers.xml'"
expect_ok 'make uninstall removes every file' "
	mk uninstall >uninstall.log 2>&1 &&
	[ -z \"\$(find '$stage' -type f)\" ]"

test_done
