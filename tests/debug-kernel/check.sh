#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check-debug`: every VM scenario on the debug kernel (KASAN, KFENCE,
# UBSAN, lockdep, DEBUG_ATOMIC_SLEEP, kmemleak, debugobjects, DEBUG_LIST).
#
#   tests/debug-kernel/check.sh        (after `make tools`)
#
# 1. tests/debug-kernel/build.sh: the debug kernel, built once per machine
#    (cached in /var/cache/wgx-debug-kernel);
# 2. wgx.ko built against that kernel's tree in a scratch copy of kernel/,
#    include/ and VERSION (tests/vm/.build/wgx-KREL/; kernel/ keeps the build
#    for the stock kernel); any compiler warning fails;
# 3. tests/check.sh with WGX_VM_KERNEL, WGX_VM_MODDIR and WGX_KO pointing at
#    them and the host tests (unit, kbuild) skipped: they do not depend on
#    the kernel the VM boots.
#
# A scenario fails on any kernel report (tests/vm/run.sh's list: WARNING,
# BUG, KASAN, UBSAN, KFENCE, lockdep, ODEBUG, ...) and on any leak that
# kmemleak finds after wgx is unloaded (tests/vm/vm-runner.sh).
#
# Environment: as tests/check.sh (WGX_TESTS=REGEX selects scenarios; the
# default, ^[0-24-9], leaves out 3x, packaging), plus
#   WGX_DEBUG_TIMEOUT_FACTOR=N  scenario timeouts are multiplied by N
#                               (default 3: KASAN and lockdep under TCG make
#                               everything slower)
# The last line of output is tests/check.sh's "N passed, N failed".

set -e

WGX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$WGX_ROOT"

env=$(tests/debug-kernel/build.sh)
eval "$env"
[ -n "${WGX_VM_KERNEL:-}" ] && [ -n "${WGX_VM_MODDIR:-}" ] && [ -n "${WGX_DEBUG_KERNEL_TREE:-}" ] ||
	{ echo "check-debug: tests/debug-kernel/build.sh gave no kernel" >&2; exit 1; }
krel=$(basename "$WGX_VM_MODDIR")

# wgx.ko for the debug kernel.  The VM has tmpfs on /tmp: the scratch copy
# must be elsewhere (tests/vm/.build is git-ignored).
out=$WGX_ROOT/tests/vm/.build/wgx-$krel
rm -rf "$out"
mkdir -p "$out/kernel"
cp -r include VERSION "$out/"
find kernel -maxdepth 1 -type f \( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) \
	! -name '*.mod.c' -exec cp {} "$out/kernel/" \;
echo "check-debug: building wgx.ko against $WGX_DEBUG_KERNEL_TREE"
if ! make -C "$WGX_DEBUG_KERNEL_TREE" M="$out/kernel" modules >"$out/build.log" 2>&1 ||
   grep -E "warning|error" "$out/build.log"; then
	cat "$out/build.log"
	echo "check-debug: wgx.ko does not build cleanly against the debug kernel"
	echo "0 passed, 1 failed"
	exit 1
fi

export WGX_VM_KERNEL WGX_VM_MODDIR
export WGX_KO=$out/kernel/wgx.ko
export WGX_HOST_TESTS=0
export WGX_TEST_TIMEOUT_FACTOR=${WGX_DEBUG_TIMEOUT_FACTOR:-3}
# 3x (packaging: DKMS, make install) tests the install, not the module's
# code, and builds wgx in the VM for many minutes: not on this kernel
# unless asked for by name.
export WGX_TESTS=${WGX_TESTS:-^[0-24-9]}
exec tests/check.sh
