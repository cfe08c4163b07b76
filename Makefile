# SPDX-License-Identifier: GPL-2.0
#
# wgx: top-level build. `make` builds kernel/wgx.ko and tools/wgx;
# `make check` runs every test (unit tests, then VM scenarios).

VERSION := $(shell cat VERSION)
# Debian's stock kernel, the one the test VM boots (tests/vm/kver.sh).
VM_KVER := $(shell tests/vm/kver.sh)
# KDIR: the running kernel's headers when they exist, else the stock
# kernel's, else the newest headers at all. `make kbuild-all`
# builds against every tree.
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; \
	elif [ -n "$(VM_KVER)" ]; then echo /lib/modules/$(VM_KVER)/build; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; fi)

.PHONY: check-debug all module tools unit check check-slow demo deps clean kbuild-all fuzz fuzz-smoke
.PHONY: install uninstall dkms-source dkms-install dkms-uninstall packaging-check

# Installation (`make install`, `make uninstall`): the tool, its man page and
# the systemd units, under DESTDIR (for packages) and PREFIX.
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
UNITS := wgx-relay.service wgx-hub@.service wgx-hub-watch@.service wgx-spoke@.service
# DKMS (`make dkms-install`): the module's source goes to DKMS_SRCDIR, and is
# built and installed for each kernel in DKMS_KERNELS (default: every kernel
# with headers in /lib/modules/*/build).
DKMS_SRCDIR ?= /usr/src/wgx-$(VERSION)
DKMS_KERNELS ?= $(shell for d in /lib/modules/*/build; do \
	[ -d "$$d/" ] && basename "$$(dirname "$$d")"; done | sort -V)
# What the module's build needs: kernel/ (no build products), include/,
# VERSION and dkms.conf.
DKMS_FILES = VERSION dkms.conf kernel/Kbuild \
	$(filter-out %.mod.c,$(wildcard kernel/*.c)) $(wildcard kernel/*.h) \
	$(shell find include -name '*.h' | sort)
# dkms runs make itself: not with this make's flags and jobserver.
DKMS = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dkms

all: module tools

module:
	@test -n "$(KDIR)" || { echo "error: no kernel headers found; run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel modules

tools:
	$(MAKE) -C tools

unit: tools
	$(MAKE) -C tools check

# The tests build the module for the kernel the VM boots.
check demo: KDIR = /lib/modules/$(VM_KVER)/build
check: all
	tests/check.sh

# Also the slow scenarios and slow steps (WGX_SLOW=1: the second DKMS build
# of 30-dkms, `dkms add .`, 5-13 min under TCG).
check-slow: KDIR = /lib/modules/$(VM_KVER)/build
check-slow: all
	WGX_SLOW=1 tests/check.sh

# The soak scenario at full length (tests/scenarios/46-soak.sh, which make
# check runs for 150 s): a hub and three spokes with continuous traffic for
# SOAK_SECS (default 480: several WireGuard rekeys, the relay's own sessions
# renewed, relayed indices expired and learned anew).
SOAK_SECS ?= 480
.PHONY: soak
soak: KDIR = /lib/modules/$(VM_KVER)/build
soak: all
	WGX_SOAK_SECS=$(SOAK_SECS) WGX_TEST_TIMEOUT=$$(($(SOAK_SECS) + 600)) \
		WGX_TESTS='^46-soak$$' WGX_HOST_TESTS=0 tests/check.sh

# Every VM scenario on a debug kernel (KASAN, KFENCE, UBSAN, lockdep,
# DEBUG_ATOMIC_SLEEP, kmemleak, debugobjects), built once per machine from
# Debian's linux-source-6.1 into /var/cache/wgx-debug-kernel
# (tests/debug-kernel/build.sh; about 25 min on 2 cores the first time).
check-debug: tools
	tests/debug-kernel/check.sh

# libFuzzer (ASan + UBSan) on the module's pure parsers and the tool's
# config parser: `make fuzz` runs each target FUZZ_SECONDS (default 300);
# `make check` runs the saved crash inputs and a short smoke run.
FUZZ_SECONDS ?= 300
fuzz:
	$(MAKE) -C tests/fuzz run SECONDS=$(FUZZ_SECONDS)
fuzz-smoke:
	$(MAKE) -C tests/fuzz run SECONDS=15

# Build the module, with sparse, against every installed kernel's headers
# (in a scratch copy); any compiler or sparse warning fails.
kbuild-all:
	@set -e; for d in $$(ls -d /lib/modules/*/build | sort -V); do \
		t=$$(mktemp -d); cp -r kernel include VERSION $$t/; \
		echo "== $$d"; \
		$(MAKE) -s -C $$d M=$$t/kernel C=$(if $(shell command -v sparse),1,0) modules >$$t/log 2>&1 || { cat $$t/log; rm -rf $$t; exit 1; }; \
		if grep -E "warning|error" $$t/log; then rm -rf $$t; exit 1; fi; \
		rm -rf $$t; done

demo: all
	@tests/vm/run.sh tests/demo.sh; rc=$$?; cat tests/logs/demo/output.txt; exit $$rc

# The benchmark (bench/bench.sh): wgx side by side with a direct path, a DNAT
# relay and a bounce server in one VM run (about 15 min under TCG); results
# in bench/results/, the table in README.md.
.PHONY: bench
bench: KDIR = /lib/modules/$(VM_KVER)/build
bench: all
	bench/bench.sh

deps:
	tests/deps.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel clean
	$(MAKE) -C tools clean

# ---- installation

# The tool, the man page and the units (their ExecStart lines name
# $(BINDIR)/wgx). With no DESTDIR on a running systemd, it reloads the units.
install: tools
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(SYSTEMDUNITDIR)
	install -m 0755 tools/wgx $(DESTDIR)$(BINDIR)/wgx
	install -m 0644 man/wgx.8 $(DESTDIR)$(MANDIR)/man8/wgx.8
	@set -e; for u in $(UNITS); do \
		echo "sed s|@BINDIR@|$(BINDIR)| systemd/$$u.in >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u"; \
		sed 's|@BINDIR@|$(BINDIR)|g' systemd/$$u.in >$(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp; \
		chmod 0644 $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp; \
		mv $(DESTDIR)$(SYSTEMDUNITDIR)/$$u.tmp $(DESTDIR)$(SYSTEMDUNITDIR)/$$u; \
	done
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		echo "systemctl daemon-reload"; systemctl daemon-reload; fi

# Removes what `make install` installed (same DESTDIR and PREFIX); leaves
# /etc/wgx and the module alone.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/wgx $(DESTDIR)$(MANDIR)/man8/wgx.8
	rm -f $(addprefix $(DESTDIR)$(SYSTEMDUNITDIR)/,$(UNITS))
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		echo "systemctl daemon-reload"; systemctl daemon-reload; fi

# The module's DKMS source tree, $(DESTDIR)$(DKMS_SRCDIR), made anew, with
# the version spelt out in its dkms.conf (for packages: their postinst runs
# `dkms add/install wgx/$(VERSION)`).
dkms-source:
	@test -n "$(VERSION)" || { echo "error: VERSION is empty" >&2; exit 1; }
	rm -rf $(DESTDIR)$(DKMS_SRCDIR)
	@set -e; for f in $(DKMS_FILES); do \
		install -D -m 0644 $$f $(DESTDIR)$(DKMS_SRCDIR)/$$f; done
	sed 's|^PACKAGE_VERSION=.*|PACKAGE_VERSION="$(VERSION)"|' dkms.conf >$(DESTDIR)$(DKMS_SRCDIR)/dkms.conf
	@echo "wrote $(DESTDIR)$(DKMS_SRCDIR) ($(words $(DKMS_FILES)) files)"

# Builds and installs wgx.ko with DKMS for every kernel in DKMS_KERNELS
# (AUTOINSTALL also builds it for kernels installed later). An earlier
# `make dkms-install` of the same version is removed first. Needs root.
dkms-install:
	@test -z "$(DESTDIR)" || { echo "error: dkms-install installs into the system; for a package use 'make dkms-source DESTDIR=...'" >&2; exit 1; }
	@command -v dkms >/dev/null || { echo "error: dkms is not installed (apt install dkms)" >&2; exit 1; }
	@test -n "$(strip $(DKMS_KERNELS))" || { echo "error: no kernel headers in /lib/modules/*/build (apt install linux-headers-$$(uname -r))" >&2; exit 1; }
	@if [ -n "$$($(DKMS) status wgx/$(VERSION))" ]; then \
		echo "dkms remove wgx/$(VERSION) --all"; $(DKMS) remove wgx/$(VERSION) --all; fi
	@$(MAKE) --no-print-directory dkms-source DESTDIR=
	@echo "dkms add wgx/$(VERSION)"; $(DKMS) add wgx/$(VERSION)
	@set -e; for k in $(DKMS_KERNELS); do \
		echo "dkms install wgx/$(VERSION) -k $$k"; rc=0; \
		$(DKMS) install wgx/$(VERSION) -k $$k || rc=$$?; \
		if [ $$rc = 77 ]; then echo "wgx: kernel $$k skipped (it lacks what BUILD_EXCLUSIVE_CONFIG in dkms.conf needs)"; \
		elif [ $$rc != 0 ]; then exit $$rc; fi; \
	done
	@case " $(DKMS_KERNELS) " in *" $$(uname -r) "*) ;; \
		*) echo "warning: wgx.ko is not built for the running kernel $$(uname -r): its headers are missing (apt install linux-headers-$$(uname -r))" >&2 ;; esac
	@$(DKMS) status wgx/$(VERSION)

# Uninstalls the module from every kernel and removes it from DKMS and
# $(DKMS_SRCDIR).
dkms-uninstall:
	@if [ -n "$$($(DKMS) status wgx/$(VERSION) 2>/dev/null)" ]; then \
		echo "dkms remove wgx/$(VERSION) --all"; $(DKMS) remove wgx/$(VERSION) --all; fi
	rm -rf $(DKMS_SRCDIR)

# Host test of the packaging (part of `make check`): one version everywhere,
# install/uninstall, systemd-analyze verify, man page lint and coverage.
packaging-check: tools
	packaging/check.sh

