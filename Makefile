# SPDX-License-Identifier: MIT
# printprobe: `make` builds, `make check` installs what it needs and runs
# every test, `make demo` shows the whole job, `make bench` measures,
# `make deb` builds the Debian packages into build/deb/.

PREFIX ?= /usr/local
DESTDIR ?=
VERSION := 0.1.0

CC ?= cc
OPT ?= -O2
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
# The core's folders: util (buffers, text, logs, secrets, files), poll
# (targets, SNMP options, the engine, decoding, profiles), report (the data
# model and its formats); delivery (mail, fleet reports, spool, archive) is
# a library of its own that only write_dss links.
CORE_DIRS := common/util common/poll common/report
DELIVERY_DIR := common/delivery
# ingest (the vendor's side: signed report mails into a database) is a
# library of its own that only the printprobe command links.
INGEST_DIR := common/ingest
CPPFLAGS_ALL := -D_GNU_SOURCE -DPP_VERSION='"$(VERSION)"' \
                $(addprefix -I,$(CORE_DIRS) $(DELIVERY_DIR) $(INGEST_DIR)) \
                -Iplugins
CFLAGS_ALL := -std=c11 -g $(OPT) $(WARN) -fPIC $(CFLAGS)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
             -fno-sanitize-recover=undefined

# BUILD selects the tree: build/rel for installing, build/san for tests.
BUILD ?= build/rel
ifeq ($(BUILD),build/san)
CFLAGS_ALL += $(SAN_FLAGS)
LDFLAGS_ALL := $(SAN_FLAGS)
endif

SNMP_LIBS := -lnetsnmp
# Asynchronous name resolution (pp_resolve), linked wherever the core is.
CARES_LIBS := -lcares
CURL_LIBS := -lcurl
CMOCKA_LIBS := -lcmocka
# Ed25519 signatures of the fleet reports (pp_sign).
SODIUM_LIBS := -lsodium
# The vendor's side: MIME (GMime 3), JSON (jansson), SQLite, PostgreSQL,
# IMAP (libcurl).
INGEST_PKGS := gmime-3.0 jansson libpq
INGEST_CFLAGS := $(shell pkg-config --cflags $(INGEST_PKGS) 2>/dev/null)
INGEST_LIBS := $(shell pkg-config --libs $(INGEST_PKGS) 2>/dev/null) \
               -lsqlite3 $(SODIUM_LIBS) $(CURL_LIBS)

CORE_SRC := $(sort $(foreach d,$(CORE_DIRS),$(wildcard $(d)/*.c)) \
                  $(wildcard plugins/*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(BUILD)/%.o)
DELIVERY_SRC := $(sort $(wildcard $(DELIVERY_DIR)/*.c))
DELIVERY_OBJ := $(DELIVERY_SRC:%.c=$(BUILD)/%.o)
INGEST_SRC := $(sort $(wildcard $(INGEST_DIR)/*.c))
INGEST_OBJ := $(INGEST_SRC:%.c=$(BUILD)/%.o)
# Every object depends on every project header: headers are few, and a
# changed struct must never leave a stale object behind.
HEADERS := $(wildcard common/*/*.h plugins/*.h nagios/*.h collectd/*.h)
CLI_SRC := $(wildcard cli/*.c)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
NAGIOS_CHECKS := $(patsubst nagios/%.c,%,$(wildcard nagios/check_*.c))
NAGIOS_LIB_SRC := $(filter-out nagios/check_%.c,$(wildcard nagios/*.c))
NAGIOS_LIB_OBJ := $(NAGIOS_LIB_SRC:%.c=$(BUILD)/%.o)
COLLECTD_PLUGINS := $(patsubst collectd/%.c,%,$(filter-out collectd/%_util.c,$(wildcard collectd/*.c)))
UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
TOOLS := $(patsubst tests/tools/%.c,%,$(wildcard tests/tools/*.c))

LIB := $(BUILD)/libprintprobe.a
DELIVERY_LIB := $(BUILD)/libprintprobe-delivery.a
INGEST_LIB := $(BUILD)/libprintprobe-ingest.a
BINS := $(BUILD)/printprobe $(NAGIOS_CHECKS:%=$(BUILD)/%)
SOS := $(COLLECTD_PLUGINS:%=$(BUILD)/%.so)

# Objects built through pattern chains are kept, not deleted as intermediates.
.SECONDARY:

.PHONY: all build-tree unit-tests tools check test-deps demo bench install \
        deb clean format

all:
	@$(MAKE) --no-print-directory BUILD=build/rel build-tree

build-tree: $(LIB) $(DELIVERY_LIB) $(INGEST_LIB) $(BINS) $(SOS)

$(BUILD)/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -c $< -o $@

$(LIB): $(CORE_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(DELIVERY_LIB): $(DELIVERY_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/$(INGEST_DIR)/%.o: $(INGEST_DIR)/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(INGEST_CFLAGS) $(CFLAGS_ALL) -c $< -o $@

$(INGEST_LIB): $(INGEST_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/printprobe: $(CLI_OBJ) $(INGEST_LIB) $(DELIVERY_LIB) $(LIB)
	$(CC) $(LDFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(SNMP_LIBS) $(CARES_LIBS) $(INGEST_LIBS) -lm

$(BUILD)/check_%: $(BUILD)/nagios/check_%.o $(NAGIOS_LIB_OBJ) $(LIB)
	$(CC) $(LDFLAGS_ALL) $(LDFLAGS) -o $@ $^ $(SNMP_LIBS) $(CARES_LIBS) -lm

# collectd plugins: collectd's headers need its own include roots.
COLLECTD_CPPFLAGS := -I/usr/include/collectd -I/usr/include/collectd/core -I/usr/include/collectd/core/daemon -DHAVE_CONFIG_H
$(BUILD)/collectd/%.o: collectd/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(COLLECTD_CPPFLAGS) $(CFLAGS_ALL) -Wno-strict-prototypes -c $< -o $@

$(BUILD)/%.so: $(BUILD)/collectd/%.o $(patsubst %.c,$(BUILD)/%.o,$(wildcard collectd/*_util.c)) $(DELIVERY_LIB) $(LIB)
	$(CC) -shared -Wl,--exclude-libs,ALL $(LDFLAGS) -o $@ $^ $(SNMP_LIBS) $(CARES_LIBS) $(CURL_LIBS) $(SO_LIBS) -lm -lpthread

# Only write_dss signs reports.
$(BUILD)/write_dss.so: SO_LIBS := $(SODIUM_LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(INGEST_LIB) $(DELIVERY_LIB) $(LIB) $(wildcard tests/unit/*.h) $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Itests/unit $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(INGEST_LIB) $(DELIVERY_LIB) $(LIB) $(CMOCKA_LIBS) $(SNMP_LIBS) $(CARES_LIBS) $(INGEST_LIBS) -lm

$(BUILD)/tools/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) $(LDFLAGS_ALL) -o $@ $< $(LIB) $(SNMP_LIBS) $(CARES_LIBS) -lm

unit-tests: $(UNIT_TESTS:%=$(BUILD)/tests/%)
tools: $(TOOLS:%=$(BUILD)/tools/%)

# Tests: the Debian packages they need, the release build (the collectd
# plugins run in a real daemon), the sanitized build, then every suite.
test-deps:
	@tests/install-deps.sh

check: test-deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory BUILD=build/san OPT=-O1 build-tree unit-tests tools
	@$(MAKE) --no-print-directory BUILD=build/rel tools
	@$(MAKE) --no-print-directory fuzz-build
	@tests/run-all.sh

demo:
	@tests/install-deps.sh
	@$(MAKE) --no-print-directory all
	@contrib/demo/demo.sh

bench:
	@tests/install-deps.sh
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory BUILD=build/rel tools
	@bench/bench.sh

# Installed layout. With PREFIX=/usr it is Debian's: the checks where
# nagios4's $USER1$ and Icinga 2's PluginDir look, the collectd plugins in
# collectd's PluginDir (regular files: collectd refuses symlinks there).
BINDIR ?= $(PREFIX)/bin
NAGIOS_PLUGINDIR ?= $(PREFIX)/lib/nagios/plugins
COLLECTD_PLUGINDIR ?= $(PREFIX)/lib/collectd
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/printprobe
EXAMPLESDIR ?= $(DOCDIR)/examples
MAN1 := $(wildcard docs/man/*.1)
MAN5 := $(wildcard docs/man/*.5)
EXAMPLES := collectd nagios icinga2 grafana

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(NAGIOS_PLUGINDIR) \
	  $(DESTDIR)$(COLLECTD_PLUGINDIR) $(DESTDIR)$(EXAMPLESDIR) \
	  $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	install -m 755 build/rel/printprobe $(DESTDIR)$(BINDIR)/
	for c in $(NAGIOS_CHECKS); do \
	  install -m 755 build/rel/$$c $(DESTDIR)$(NAGIOS_PLUGINDIR)/ || exit 1; done
	for p in $(COLLECTD_PLUGINS); do \
	  install -m 644 build/rel/$$p.so $(DESTDIR)$(COLLECTD_PLUGINDIR)/ || exit 1; done
	for d in $(EXAMPLES); do \
	  install -d $(DESTDIR)$(EXAMPLESDIR)/$$d && \
	  install -m 644 contrib/$$d/* $(DESTDIR)$(EXAMPLESDIR)/$$d/ || exit 1; done
	$(if $(MAN1),install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/)
	$(if $(MAN5),install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5/)

# Debian packages (debian/), built by dpkg-buildpackage from a copy of the
# tree in build/deb/src (it writes its results next to the source folder);
# the .debs, .buildinfo and .changes end up in build/deb/, checked by lintian
# (errors fail, warnings are shown). No tests run in the package build.
DEB_OUT := build/deb
DEB_SRC := $(DEB_OUT)/src/printprobe-$(VERSION)
DEB_JOBS ?= 2
DEB_CHECKBUILDDEPS ?= dpkg-checkbuilddeps

deb:
	@for t in dpkg-buildpackage:dpkg-dev dpkg-checkbuilddeps:dpkg-dev \
	    lintian:lintian; do \
	  command -v $${t%%:*} >/dev/null 2>&1 || { \
	    echo "make deb: $${t%%:*} is missing: apt-get install $${t#*:}" >&2; \
	    exit 1; }; done
	@unmet=$$($(DEB_CHECKBUILDDEPS) 2>&1) || { \
	  deps=$$(printf '%s\n' "$$unmet" | \
	    sed -n 's/.*Unmet build dependencies: //p'); \
	  if [ -z "$$deps" ]; then printf '%s\n' "$$unmet" >&2; exit 1; fi; \
	  pkgs=$$(printf '%s\n' "$$deps" | \
	    sed 's/([^)]*)//g; s/\[[^]]*\]//g; s/<[^>]*>//g; s/ *| *[^ |]*//g' | \
	    tr ' ' '\n' | sed 's/:[a-z0-9]*$$//; s/^debhelper-compat$$/debhelper/' | \
	    grep -v '^$$' | sort -u | xargs); \
	  echo "make deb: missing build dependencies: $$deps" >&2; \
	  echo "make deb: install them (as root) with:" >&2; \
	  echo "  apt-get install --no-install-recommends $$pkgs" >&2; \
	  echo "make deb: or: apt-get build-dep ./" >&2; \
	  exit 1; }
	rm -rf $(DEB_OUT)
	mkdir -p $(DEB_SRC)
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  git ls-files -z --cached --others --exclude-standard | \
	    tar --null -T - --ignore-failed-read -cf - ; \
	else \
	  tar --exclude=./build --exclude=./.git -cf - . ; \
	fi | tar -xf - -C $(DEB_SRC)
	cd $(DEB_SRC) && DEB_BUILD_OPTIONS="nocheck parallel=$(DEB_JOBS)" \
	  dpkg-buildpackage -us -uc -b
	mv $(DEB_OUT)/src/*.deb $(DEB_OUT)/src/*.buildinfo \
	  $(DEB_OUT)/src/*.changes $(DEB_OUT)/
	rm -rf $(DEB_OUT)/src
	lintian --fail-on error $(DEB_OUT)/*.changes
	@ls -1 $(DEB_OUT)/*.deb

# Fuzzing (tests/fuzz/README.md): libFuzzer targets built with clang into
# build/fuzz/. `make fuzz` runs each for FUZZ_SECONDS on a scratch corpus in
# build/fuzz/corpus/<name>, seeded from tests/fuzz/<name>/ (read, never
# written); crashes land in build/fuzz/crashes/<name>/.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 600
FUZZ_DIR := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
            -fno-omit-frame-pointer
FUZZ_CFLAGS := -std=c11 -g -O1 $(WARN) $(FUZZ_SAN)
FUZZ_TARGETS := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIB_OBJ := $(CORE_SRC:%.c=$(FUZZ_DIR)/obj/%.o) \
                $(DELIVERY_SRC:%.c=$(FUZZ_DIR)/obj/%.o) \
                $(INGEST_SRC:%.c=$(FUZZ_DIR)/obj/%.o) \
                $(NAGIOS_LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_LIB := $(FUZZ_DIR)/libprintprobe-fuzz.a
# Longest input per target (libFuzzer's -max_len); 4096 when not named.
FUZZ_MAX_LEN_decode := 16384
FUZZ_MAX_LEN_report := 16384
FUZZ_MAX_LEN_target_file := 8192
FUZZ_MAX_LEN_ingest := 65536

.PHONY: fuzz-build fuzz

$(FUZZ_DIR)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS_ALL) -Inagios $(FUZZ_CFLAGS) \
	  -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_DIR)/obj/$(INGEST_DIR)/%.o: $(INGEST_DIR)/%.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS_ALL) $(INGEST_CFLAGS) $(FUZZ_CFLAGS) \
	  -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB) $(wildcard tests/fuzz/*.h)
	$(FUZZ_CC) $(CPPFLAGS_ALL) -Inagios -Itests/fuzz $(FUZZ_CFLAGS) \
	  -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB) $(SNMP_LIBS) $(CARES_LIBS) $(INGEST_LIBS) -lm

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)

# One target's long run: its scratch corpus first (new inputs go there),
# the tree's seeds second.
fuzz_run = mkdir -p $(FUZZ_DIR)/corpus/$(1) $(FUZZ_DIR)/crashes/$(1) && \
  echo "== fuzz: $(1) for $(FUZZ_SECONDS) s" && \
  $(FUZZ_DIR)/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
    -max_len=$(or $(FUZZ_MAX_LEN_$(1)),4096) -print_final_stats=1 \
    -artifact_prefix=$(FUZZ_DIR)/crashes/$(1)/ \
    $(FUZZ_DIR)/corpus/$(1) tests/fuzz/$(1) </dev/null

fuzz: fuzz-build
	@failed=""; \
	$(foreach t,$(FUZZ_TARGETS),{ $(call fuzz_run,$(t)); } || failed="$$failed $(t)"; ) \
	if [ -n "$$failed" ]; then echo "fuzz: crashes in:$$failed"; exit 1; fi; \
	echo "fuzz: no crash in $(FUZZ_TARGETS)"

format:
	clang-format -i $(wildcard common/*/*.[ch] plugins/*.[ch] cli/*.[ch] nagios/*.[ch] collectd/*.[ch] tests/unit/*.[ch] tests/tools/*.[ch] tests/fuzz/*.[ch])

clean:
	rm -rf build
