# THADS: criminal sentence enforcement tools.
#
# CFLAGS, CPPFLAGS and LDFLAGS belong to the user; the project's own flags
# are in THADS_* variables added to them.  DEVELOPER=1 (on by default in
# this tree) makes every warning an error.
#
#   make            build the library and the tools into build/
#   make check      install what is missing, build, run every test, then
#                   the same suite under ASan and UBSan
#   make demo       install, build, run the daily job on the real records
#   make install    PREFIX, BINDIR, MANDIR, DATADIR and DESTDIR honoured
#   make lint       cppcheck and clang-tidy (see the lint target)
#   make fuzz       libFuzzer harnesses (clang) into build-fuzz, each run
#                   FUZZ_SECONDS (30) seconds
#   make coverage   line and branch coverage of lib/ over the suite

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/thads
COMPDIR ?= $(PREFIX)/share/bash-completion/completions
DESTDIR ?=

CC ?= cc
CXX ?= c++
CFLAGS ?= -O2 -g
DEVELOPER ?= 1
BUILD ?= build
SAN ?=

PKGS = sqlite3 libxml-2.0 libzstd jansson nettle geos
# thads-report: xlsx workbooks.
PKGS += xlsxwriter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# libcsv and libunistring ship no pkg-config file on Debian 12.
EXTRA_LIBS = -lcsv -lunistring -lm

THADS_CFLAGS = -std=gnu11 -iquote lib $(PKG_CFLAGS) \
	-DTHADS_DATADIR='"$(DATADIR)"'
ifeq ($(DEVELOPER),1)
THADS_CFLAGS += -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wno-missing-field-initializers
endif
ifneq ($(SAN),)
THADS_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
THADS_LDFLAGS += -fsanitize=address,undefined
endif
THADS_LIBS = $(PKG_LIBS) $(EXTRA_LIBS)

# The C++ shim to OpenCV (lib/*.cpp) goes in an archive of its own,
# linked only into the tools and unit tests that use it (thads-vidscan,
# test_vid*), so that the other tools neither link OpenCV nor load its
# dozens of shared libraries at start-up.  --as-needed keeps only the
# OpenCV libraries the shim really calls.  libavutil (FFmpeg, which
# OpenCV decodes with) lets the shim count decoder errors.
VISION_PKG = opencv4 libavutil
THADS_CXXFLAGS = -std=gnu++17 -iquote lib \
	$(shell pkg-config --cflags $(VISION_PKG) 2>/dev/null)
ifeq ($(DEVELOPER),1)
THADS_CXXFLAGS += -Wall -Wextra -Werror -Wshadow \
	-Wno-missing-field-initializers
endif
ifneq ($(SAN),)
THADS_CXXFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
endif
CXXFLAGS ?= -O2 -g
VISION_LIBS = -Wl,--as-needed \
	$(shell pkg-config --libs $(VISION_PKG) 2>/dev/null) \
	-Wl,--no-as-needed -lstdc++ -lpthread

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
LIB_A = $(BUILD)/libthads.a
LIB_HDR := $(wildcard lib/*.h)
VISION_SRC := $(sort $(wildcard lib/*.cpp))
VISION_OBJ := $(VISION_SRC:lib/%.cpp=$(BUILD)/lib/%.o)
VISION_A = $(BUILD)/libthads-vision.a

CMD_SRC := $(sort $(wildcard cmd/thads-*.c))
BINS := $(CMD_SRC:cmd/%.c=$(BUILD)/bin/%)

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNITS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
VISION_BINS := $(BUILD)/bin/thads-vidscan
VISION_UNITS := $(filter $(BUILD)/tests/test_vid%,$(UNITS))

# libFuzzer harnesses: clang, with the library built for coverage-guided
# fuzzing under ASan and UBSan (FUZZ=1, set by the fuzz target).
FUZZ ?=
FUZZ_SECONDS ?= 30
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)
ifneq ($(FUZZ),)
THADS_CFLAGS += -fsanitize=fuzzer-no-link,address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

# Coverage (COV=1, set by the coverage target): gcov counters in
# build-cov, read back by lcov.
COV ?=
ifneq ($(COV),)
THADS_CFLAGS += --coverage
THADS_CXXFLAGS += --coverage
THADS_LDFLAGS += --coverage
endif

MANS := $(sort $(wildcard man/*.1))
MAN5 := $(sort $(wildcard man/*.5))

all: $(LIB_A) $(BINS)

# Tools and tests that use the vision shim: its archive after libthads.a.
$(VISION_BINS) $(VISION_UNITS): $(VISION_A)
$(VISION_BINS) $(VISION_UNITS): THADS_LIBS += $(VISION_A) $(VISION_LIBS)

$(BUILD)/lib/%.o: lib/%.cpp $(LIB_HDR)
	@mkdir -p $(@D)
	$(CXX) $(CPPFLAGS) $(THADS_CXXFLAGS) $(CXXFLAGS) -c -o $@ $<

$(VISION_A): $(VISION_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(VISION_OBJ)

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(THADS_CFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB_A): $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

$(BUILD)/bin/%: cmd/%.c $(LIB_A) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(THADS_CFLAGS) $(CFLAGS) -o $@ $< $(LIB_A) \
	    $(THADS_LDFLAGS) $(LDFLAGS) $(THADS_LIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB_A) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(THADS_CFLAGS) -iquote tests/unit $(CFLAGS) -o $@ $< \
	    $(LIB_A) $(THADS_LDFLAGS) $(LDFLAGS) $(THADS_LIBS) -lcmocka

units: $(UNITS)

$(BUILD)/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(LIB_A) $(LIB_HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(THADS_CFLAGS) -DFUZZ_SRCDIR='"$(CURDIR)"' \
	    $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB_A) \
	    $(THADS_LDFLAGS) $(LDFLAGS) $(THADS_LIBS)

fuzz-bins: $(FUZZ_BINS)

# Build the harnesses into build-fuzz and run each FUZZ_SECONDS seconds.
# clang's warnings differ from gcc's; the gcc build is the one that
# turns warnings into errors.
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang FUZZ=1 SAN= DEVELOPER=0 fuzz-bins
	sh tests/fuzz/run build-fuzz $(FUZZ_SECONDS)

# Line and branch coverage of lib/ over the unit and command-line tests
# (not the fuzzers): an unoptimised build in build-cov, the suite run
# once, lcov's summary printed and its HTML report in build-cov/html.
# gcc warns differently at -O0 (format truncation), so warnings are not
# errors here; the optimised build is the one that checks them.
# A failing test does not stop the measure; tests/run still reports it.
LCOV = lcov --quiet --rc lcov_branch_coverage=1
coverage:
	$(MAKE) BUILD=build-cov COV=1 SAN= DEVELOPER=0 CFLAGS='-O0 -g' \
	    CXXFLAGS='-O0 -g' all units
	$(LCOV) --zerocounters --directory build-cov
	-sh tests/run build-cov
	$(LCOV) --capture --directory build-cov/lib --base-directory . \
	    --output-file build-cov/all.info
	$(LCOV) --extract build-cov/all.info '$(CURDIR)/lib/*' \
	    --output-file build-cov/lib.info
	genhtml --quiet --branch-coverage --output-directory build-cov/html \
	    build-cov/lib.info
	$(LCOV) --summary build-cov/lib.info

deps:
	@sh scripts/install-deps

# The suite: unit tests and command-line tests on the normal build, then
# both again on an ASan+UBSan build.  tests/run prints "N passed, N failed".
check: deps
	$(MAKE) all units
	$(MAKE) BUILD=build-san SAN=1 all units
	sh tests/run build build-san
	$(MAKE) fuzz FUZZ_SECONDS=30

test: check

# Only the normal build, for a quick loop while working.
quickcheck: all units
	sh tests/run build

# The command-line tests of thads-admin, -import, -record, -alert and
# -report with every program under valgrind memcheck (slow: not part of
# check).  Needs a normal build, not SAN=1.
valgrind: all
	sh tests/valgrind $(BUILD)

# The build runs in a second make, so that it sees the flags of the
# packages that deps has just installed.
demo: deps
	$(MAKE) all
	sh scripts/demo $(BUILD)

bench: all
	sh bench/import/run $(BUILD)

# thads-report against the same figures in plain SQL (bench/report/run).
bench-report: all
	sh bench/report/run $(BUILD)

# Static checks: cppcheck's warning and portability classes, clang-tidy
# with the checks listed in .clang-tidy (the analyzer and bugprone-*; one
# file at a time, since clang-tidy 14 reports false va_list errors when
# given several), and mandoc's lint of every man page.
lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --std=c11 --inline-suppr -Ilib lib cmd
	for f in $(LIB_SRC) $(CMD_SRC); do \
	    clang-tidy --quiet $$f -- $(THADS_CFLAGS) || exit 1; done
	for m in $(MANS) $(MAN5); do mandoc -Tlint -W warning $$m || exit 1; done

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR)/mappings $(DESTDIR)$(DATADIR)/schema \
	    $(DESTDIR)$(DATADIR)/rules \
	    $(DESTDIR)$(COMPDIR)
	install -m 755 $(BINS) $(DESTDIR)$(BINDIR)
	install -m 755 scripts/thads-daily $(DESTDIR)$(BINDIR)
	install -m 644 $(MANS) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5
	install -m 644 mappings/*.map $(DESTDIR)$(DATADIR)/mappings
	install -m 644 schema/*.xsd $(DESTDIR)$(DATADIR)/schema
	install -m 644 rules/thads-rules.ini rules/thads-alert.conf \
	    $(DESTDIR)$(DATADIR)/rules
	for f in completions/*; do \
	    install -m 644 $$f $(DESTDIR)$(COMPDIR)/$$(basename $$f); done

uninstall:
	for b in $(BINS) scripts/thads-daily; do \
	    rm -f $(DESTDIR)$(BINDIR)/$$(basename $$b); done
	for m in $(MANS); do rm -f $(DESTDIR)$(MANDIR)/man1/$$(basename $$m); done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANDIR)/man5/$$(basename $$m); done
	for f in completions/*; do rm -f $(DESTDIR)$(COMPDIR)/$$(basename $$f); done
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san

.PHONY: all units deps check test quickcheck valgrind demo bench \
	bench-report lint install uninstall clean fuzz fuzz-bins coverage
