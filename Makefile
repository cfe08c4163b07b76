# SPDX-License-Identifier: GPL-2.0
#
# wgx: top-level build. `make` builds kernel/wgx.ko and tools/wgx;
# `make check` runs every test (unit tests, then VM scenarios).

VERSION := $(shell cat VERSION)
KDIR ?= $(shell d=/lib/modules/$$(uname -r)/build; \
	if [ -d $$d ]; then echo $$d; \
	else ls -d /lib/modules/*/build 2>/dev/null | sort -V | tail -n 1; fi)

.PHONY: all module tools unit check demo deps clean sparse

all: module tools

module:
	@test -n "$(KDIR)" || { echo "error: no kernel headers found; run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel modules

tools:
	$(MAKE) -C tools

unit: tools
	$(MAKE) -C tools check

check: all
	tests/check.sh

demo: all
	@tests/vm/run.sh tests/demo.sh; rc=$$?; cat tests/logs/demo/output.txt; exit $$rc

deps:
	tests/deps.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/kernel clean
	$(MAKE) -C tools clean
