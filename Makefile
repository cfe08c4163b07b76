# SPDX-License-Identifier: GPL-2.0
#
# wgx: top-level build. `make` builds kernel/wgx.ko and tools/wgx;
# `make check` runs every test (unit tests, then VM scenarios).

VERSION := $(shell cat VERSION)
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; fi)
# The kernel the test VM boots: the newest with both an image and headers.
VM_KVER := $(shell for d in $$(ls -d /lib/modules/*/build 2>/dev/null | sort -rV); do \
	v=$$(basename $$(dirname $$d)); [ -e /boot/vmlinuz-$$v ] && { echo $$v; break; }; done)

.PHONY: all module tools unit check demo deps clean kbuild-all

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

deps:
	tests/deps.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel clean
	$(MAKE) -C tools clean
