# nianbao — see README.md
PREFIX  ?= /usr/local
DATADIR ?= $(PREFIX)/share/nianbao
CC      ?= cc
# Debian's libhpdf-dev ships no pkg-config file: it is linked by name.
PKGS     = yaml-0.1 fontconfig freetype2 zlib libpng harfbuzz-subset xlsxwriter libzip expat
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := -lhpdf $(shell pkg-config --libs $(PKGS))
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -std=c11 -D_DEFAULT_SOURCE
ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKG_CFLAGS) -DNB_DATADIR='"$(DATADIR)"'
LDLIBS  += $(PKG_LIBS) -lm

SRC  = $(filter-out src/main.c,$(wildcard src/*.c))
OBJ  = $(SRC:src/%.c=build/%.o)
# Messages in Chinese: po/zh_CN.po (GNU gettext), compiled into locale/, which the program
# finds beside its layouts. `make pot` extracts the messages again into po/nianbao.pot.
LANGS = zh_CN
MO    = $(LANGS:%=locale/%/LC_MESSAGES/nianbao.mo)
XGETTEXT_KEYS = --keyword=_ --keyword=N_ --keyword=nb_diag_add:4 --keyword=nb_diag_add:6 --keyword=nb_fail:2 \
                --keyword=S_err:3 --keyword=S_usage_error:1 --keyword=nb_msgf:1 --flag=nb_msgf:1:c-format \
                --flag=nb_diag_add:4:c-format --flag=nb_diag_add:6:c-format \
                --flag=nb_fail:2:c-format --flag=S_usage_error:1:c-format
TESTS = $(patsubst tests/unit/%.c,build/tests/%,$(wildcard tests/unit/test_*.c))

all: nianbao $(MO)

build/%.o: src/%.c src/*.h | build
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/libnianbao.a: $(OBJ)
	$(AR) rcs $@ $^

nianbao: build/main.o build/libnianbao.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build build/tests:
	mkdir -p $@

locale/%/LC_MESSAGES/nianbao.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

POT ?= po/nianbao.pot
pot:
	xgettext --from-code=UTF-8 --no-location --sort-output $(XGETTEXT_KEYS) -o $(POT) src/*.c src/*.h

build/tests/%: tests/unit/%.c build/libnianbao.a src/*.h tests/unit/*.h | build/tests
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< build/libnianbao.a $(LDLIBS) -lcmocka

unit: $(TESTS)
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done

# Every unit test and end-to-end test file, CHECK_JOBS at a time (default: one per core);
# the summary gives each one's time and the wall time. One file or class alone:
#   python3 tests/run.py test_typeset      python3 tests/test_typeset.py Signature
check: nianbao $(MO) $(TESTS)
	python3 tests/run.py $(if $(CHECK_JOBS),-j $(CHECK_JOBS))

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize:
	$(MAKE) clean
	$(MAKE) check CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' LDFLAGS='-fsanitize=address,undefined'
	$(MAKE) clean

samples: nianbao
	@for s in samples/*.yaml; do ./nianbao render "$$s" || exit 1; done

install: nianbao $(MO)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/layouts $(DESTDIR)$(DATADIR)/fonts
	install -m 755 nianbao $(DESTDIR)$(PREFIX)/bin/nianbao
	install -m 644 layouts/*.yaml $(DESTDIR)$(DATADIR)/layouts/
	install -m 644 fonts/README.md $(DESTDIR)$(DATADIR)/fonts/
	for l in $(LANGS); do install -d $(DESTDIR)$(DATADIR)/locale/$$l/LC_MESSAGES && \
	    install -m 644 locale/$$l/LC_MESSAGES/nianbao.mo $(DESTDIR)$(DATADIR)/locale/$$l/LC_MESSAGES/; done
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 644 nianbao.1 $(DESTDIR)$(PREFIX)/share/man/man1/nianbao.1

clean:
	rm -rf build nianbao samples/*.pdf locale

.PHONY: all unit check sanitize samples install clean pot

# ---------------------------------------------------------------- fuzzing (libFuzzer, clang)
# `make fuzz-build` builds build/fuzz/fuzz_TARGET for each of FUZZ_TARGETS: the library
# sources compiled again by clang with libFuzzer, ASan and UBSan (not the gcc archive).
# `make fuzz` runs each target for FUZZ_SECONDS (60) on a working copy of its seed corpus
# in build/fuzz/corpus-TARGET; a crash, leak, timeout or sanitizer report fails it, its
# input saved as build/fuzz/artifacts/TARGET-crash-…  `make fuzz FUZZ_TARGETS=font` runs one.
# `make fuzz-regress` runs tests/fuzz/regress/*/ through the fuzzers once.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= report layout font png pipeline pdfcat xlsx
FUZZ_FLAGS    = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS   = $(WARN) $(FUZZ_FLAGS) -Isrc $(PKG_CFLAGS) -DNB_DATADIR='"$(DATADIR)"'
FUZZ_SRC      = $(filter-out src/main.c,$(wildcard src/*.c))
FUZZ_OBJ      = $(FUZZ_SRC:src/%.c=build/fuzz/obj/%.o)
FUZZ_BINS     = $(patsubst %,build/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_OPTS     = -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1

build/fuzz/obj/%.o: src/%.c src/*.h | build/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BINS): build/fuzz/%: tests/fuzz/%.c tests/fuzz/*.h $(FUZZ_OBJ) src/*.h | build/fuzz/obj
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_OBJ) $(PKG_LIBS) -lm

build/fuzz/obj:
	mkdir -p $@

fuzz-build: $(FUZZ_BINS)

# the YAML targets get the dictionary of YAML tokens and key names
fuzz: fuzz-build
	@set -e; UBSAN_OPTIONS=$${UBSAN_OPTIONS:-print_stacktrace=1}; export UBSAN_OPTIONS; \
	mkdir -p build/fuzz/artifacts; \
	for name in $(FUZZ_TARGETS); do \
	    dict=""; case $$name in report|layout|pipeline) dict=-dict=tests/fuzz/yaml.dict;; esac; \
	    mkdir -p build/fuzz/corpus-$$name; cp -p tests/fuzz/corpus/$$name/* build/fuzz/corpus-$$name/; \
	    echo "== fuzz_$$name for $(FUZZ_SECONDS) s"; \
	    build/fuzz/fuzz_$$name $(FUZZ_OPTS) $$dict -max_total_time=$(FUZZ_SECONDS) \
	        -artifact_prefix=build/fuzz/artifacts/$$name- build/fuzz/corpus-$$name </dev/null; \
	done

fuzz-regress: fuzz-build
	tests/fuzz/run_regress.sh

.PHONY: fuzz-build fuzz fuzz-regress
