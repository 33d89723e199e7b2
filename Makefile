# nianbao — see README.md
PREFIX  ?= /usr/local
DATADIR ?= $(PREFIX)/share/nianbao
CC      ?= cc
# Debian's libhpdf-dev ships no pkg-config file: it is linked by name.
PKGS     = yaml-0.1 fontconfig zlib libpng
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := -lhpdf $(shell pkg-config --libs $(PKGS))
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Werror -std=c11 -D_DEFAULT_SOURCE
ALL_CFLAGS = $(WARN) $(CFLAGS) $(PKG_CFLAGS) -DNB_DATADIR='"$(DATADIR)"'
LDLIBS  += $(PKG_LIBS) -lm

SRC  = $(filter-out src/main.c,$(wildcard src/*.c))
OBJ  = $(SRC:src/%.c=build/%.o)
TESTS = $(patsubst tests/unit/%.c,build/tests/%,$(wildcard tests/unit/test_*.c))

all: nianbao

build/%.o: src/%.c src/*.h | build
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/libnianbao.a: $(OBJ)
	$(AR) rcs $@ $^

nianbao: build/main.o build/libnianbao.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build build/tests:
	mkdir -p $@

build/tests/%: tests/unit/%.c build/libnianbao.a src/*.h tests/unit/*.h | build/tests
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< build/libnianbao.a $(LDLIBS) -lcmocka

unit: $(TESTS)
	@set -e; for t in $(TESTS); do echo "== $$t"; $$t; done

check: nianbao unit
	python3 tests/test_grid.py
	python3 tests/test_e2e.py
	python3 tests/test_typeset.py
	python3 tests/test_paragraphs.py

# The whole suite again under AddressSanitizer and UndefinedBehaviorSanitizer.
sanitize:
	$(MAKE) clean
	$(MAKE) check CFLAGS='-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined' LDFLAGS='-fsanitize=address,undefined'
	$(MAKE) clean

samples: nianbao
	@for s in samples/*.yaml; do ./nianbao render "$$s" || exit 1; done

install: nianbao
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR)/layouts $(DESTDIR)$(DATADIR)/fonts
	install -m 755 nianbao $(DESTDIR)$(PREFIX)/bin/nianbao
	install -m 644 layouts/*.yaml $(DESTDIR)$(DATADIR)/layouts/
	install -m 644 fonts/README.md $(DESTDIR)$(DATADIR)/fonts/

clean:
	rm -rf build nianbao samples/*.pdf

.PHONY: all unit check sanitize samples install clean
