#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once per machine) the debug kernel that `make check-debug` boots:
# Debian's linux-source-6.1 of the same version as the stock 6.1 image, with
# allnoconfig + tests/debug-kernel/wgx-debug.config (what the VM and the
# scenarios need, built in, plus KASAN, KFENCE, UBSAN, lockdep,
# DEBUG_ATOMIC_SLEEP, kmemleak, debugobjects, DEBUG_LIST).
#
#   tests/debug-kernel/build.sh
#
# The build lives in $WGX_DEBUG_KERNEL_CACHE (default
# /var/cache/wgx-debug-kernel), in a folder per source version:
#
#   SRCVER/linux/       the source tree, built in place: vmlinux, bzImage and
#                       a prepared tree for out-of-tree modules
#                       (make -C SRCVER/linux M=... modules)
#   SRCVER/bzImage      the kernel to boot
#   SRCVER/modroot/lib/modules/KREL/
#                       make modules_install: modules.builtin*, modules.order,
#                       the depmod indexes (the VM sees this folder as
#                       /lib/modules/KREL), build -> SRCVER/linux
#   SRCVER/key          hash of the inputs of the build there: the config
#                       fragment, the compiler, RECIPE below
#   SRCVER/build-time   seconds the last build took
#
# When SRCVER/key matches the current inputs (and the build completed) the
# script only prints.  Otherwise it installs what is missing
# (linux-source-6.1=SRCVER, flex, bison, libelf-dev, ...), unpacks the source
# unless already there, configures, checks that every line of the fragment
# holds in the .config and builds (nice -n 19, all cores): from scratch the
# first time, incrementally after a change of the fragment (kbuild rebuilds
# what the changed options touch).  The tree stays at one path: kbuild's
# dependency files name it.  An interrupted build resumes.  A new source
# version's build removes the folders of other versions.  Concurrent runs
# wait for each other (flock).
#
# Progress goes to stderr; stdout gets only the result, as shell
# assignments for tests/vm/run.sh:
#
#   WGX_VM_KERNEL=/var/cache/wgx-debug-kernel/6.1.192-2/bzImage
#   WGX_VM_MODDIR=/var/cache/wgx-debug-kernel/6.1.192-2/modroot/lib/modules/6.1.192-wgx-debug
#   WGX_DEBUG_KERNEL_TREE=/var/cache/wgx-debug-kernel/6.1.192-2/linux
#
# Environment:
#   WGX_DEBUG_KERNEL_CACHE   the cache folder (must not be under /tmp, /run
#                            or /var/tmp: the VM has tmpfs there)
#   WGX_DEBUG_KERNEL_STOCK   the stock kernel whose version to match
#                            (default: the newest 6.1 one with /boot/vmlinuz)

set -e
set -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAGMENT=$HERE/wgx-debug.config
CACHE=${WGX_DEBUG_KERNEL_CACHE:-/var/cache/wgx-debug-kernel}
# Bump when the build steps below change in a way that changes the result.
RECIPE=1
SOURCE_PKG=linux-source-6.1
SOURCE_TAR=/usr/src/linux-source-6.1.tar.xz

log() { echo "debug-kernel: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (apt-get, $CACHE)"

# ---- the stock kernel and the source version that matches it
stock_kver() {
	local d k best=
	if [ -n "${WGX_DEBUG_KERNEL_STOCK:-}" ]; then
		echo "$WGX_DEBUG_KERNEL_STOCK"
		return
	fi
	for d in /lib/modules/6.1.*/; do
		k=$(basename "$d")
		[ -e "/boot/vmlinuz-$k" ] && best="$best$k"$'\n'
	done
	printf '%s' "$best" | sort -V | tail -n 1
}
KVER=$(stock_kver)
[ -n "$KVER" ] || die "no stock 6.1 kernel (/boot/vmlinuz-6.1.*): run tests/deps.sh"
IMAGE_PKG=$(dpkg -S "/boot/vmlinuz-$KVER" 2>/dev/null | cut -d: -f1 | head -n 1)
[ -n "$IMAGE_PKG" ] || die "no package owns /boot/vmlinuz-$KVER"
SRCVER=$(dpkg-query -W -f='${Version}' "$IMAGE_PKG")
[ -n "$SRCVER" ] || die "cannot tell the version of $IMAGE_PKG"

# ---- packages
installed() {
	dpkg-query -W -f='${Status} ${Version}\n' "$1" 2>/dev/null |
		awk -v v="${2:-}" '$1 $2 $3 == "installokinstalled" && (v == "" || $4 == v) { ok = 1 } END { exit !ok }'
}
missing=()
for p in build-essential bc flex bison libelf-dev libssl-dev xz-utils kmod cpio; do
	installed "$p" || missing+=("$p")
done
installed "$SOURCE_PKG" "$SRCVER" || missing+=("$SOURCE_PKG=$SRCVER")
if [ ${#missing[@]} -gt 0 ]; then
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-cache show "$SOURCE_PKG=$SRCVER" >/dev/null 2>&1; then
		apt-get update -qq >&2
	fi
	apt-cache show "$SOURCE_PKG=$SRCVER" >/dev/null 2>&1 ||
		die "$SOURCE_PKG $SRCVER (the version of $IMAGE_PKG) is not available: upgrade the stock kernel (apt-get install linux-image-amd64) or set WGX_DEBUG_KERNEL_STOCK"
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
[ -r "$SOURCE_TAR" ] || die "$SOURCE_TAR is missing (reinstall $SOURCE_PKG)"

# ---- the cache folder of this source version, and the inputs' key
KEY=$( { echo "recipe $RECIPE"; echo "source $SOURCE_PKG $SRCVER"
	 gcc --version | head -n 1; cat "$FRAGMENT"; } | sha256sum | cut -c1-16)
DIR=$CACHE/$SRCVER
TREE=$DIR/linux

result() {
	local krel
	krel=$(cat "$DIR/kernel.release")
	echo "WGX_VM_KERNEL=$DIR/bzImage"
	echo "WGX_VM_MODDIR=$DIR/modroot/lib/modules/$krel"
	echo "WGX_DEBUG_KERNEL_TREE=$TREE"
}
up_to_date() {
	[ -e "$DIR/.complete" ] && [ "$(cat "$DIR/key" 2>/dev/null)" = "$KEY" ]
}

if up_to_date; then
	result
	exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	log "another build is running in $CACHE, waiting for it"
	flock 9
fi
if up_to_date; then
	result
	exit 0
fi

start=$(date +%s)
log "building $SOURCE_PKG $SRCVER (stock $KVER) with $(basename "$FRAGMENT") (key $KEY) in $DIR"
rm -f "$DIR/.complete"

# ---- unpack (an interrupted unpack starts over)
if [ ! -e "$DIR/.unpacked" ]; then
	rm -rf "$DIR"
	mkdir -p "$DIR"
	log "unpacking $SOURCE_TAR"
	tar -xf "$SOURCE_TAR" -C "$DIR"
	mv "$DIR/linux-source-6.1" "$TREE"
	touch "$DIR/.unpacked"
fi

# ---- configure: allnoconfig with the fragment's values forced
cp "$FRAGMENT" "$DIR/wgx-debug.config"
log "configuring"
make -s -C "$TREE" ARCH=x86_64 KCONFIG_ALLCONFIG="$DIR/wgx-debug.config" allnoconfig >&2

# Every line of the fragment must hold: Kconfig silently drops a value whose
# dependencies are not met.
check_config() {
	awk '
	FNR == NR {
		if (match($0, /^CONFIG_[A-Za-z0-9_]+=/)) {
			want[substr($0, 1, RLENGTH - 1)] = substr($0, RLENGTH + 1)
		} else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set/) {
			want[$2] = "n"
		}
		next
	}
	/^CONFIG_/ { i = index($0, "="); have[substr($0, 1, i - 1)] = substr($0, i + 1) }
	END {
		bad = 0
		for (k in want) {
			h = (k in have) ? have[k] : "n"
			if (h != want[k]) {
				printf "debug-kernel: %s: wanted %s, got %s\n", k, want[k], h
				bad = 1
			}
		}
		exit bad
	}' "$1" "$2" >&2
}
check_config "$DIR/wgx-debug.config" "$TREE/.config" ||
	die "the .config does not have what $(basename "$FRAGMENT") asks for (missing dependencies?)"

# ---- build: vmlinux, bzImage, modules (if any) and Module.symvers
jobs=$(nproc)
log "make -j$jobs (nice -n 19), log in $DIR/build.log"
if ! nice -n 19 make -C "$TREE" ARCH=x86_64 -j"$jobs" all >"$DIR/build.log" 2>&1; then
	tail -n 60 "$DIR/build.log" >&2
	die "kernel build failed (see $DIR/build.log)"
fi
make -s -C "$TREE" ARCH=x86_64 modules_prepare >>"$DIR/build.log" 2>&1
krel=$(make -s -C "$TREE" ARCH=x86_64 kernelrelease)
rm -rf "$DIR/modroot"
make -s -C "$TREE" ARCH=x86_64 INSTALL_MOD_PATH="$DIR/modroot" modules_install >>"$DIR/build.log" 2>&1 ||
	die "modules_install failed (see $DIR/build.log)"
[ -s "$DIR/modroot/lib/modules/$krel/modules.builtin.bin" ] ||
	die "no modules.builtin.bin in $DIR/modroot/lib/modules/$krel (depmod missing?)"
cp "$TREE/arch/x86/boot/bzImage" "$DIR/bzImage"
echo "$krel" >"$DIR/kernel.release"

secs=$(($(date +%s) - start))
echo "$secs" >"$DIR/build-time"
echo "$KEY" >"$DIR/key"
touch "$DIR/.complete"
log "built $krel in $((secs / 60))m$((secs % 60))s ($(du -sh "$DIR" | cut -f1) in $DIR)"

# Only the current source version's build is kept.
for old in "$CACHE"/*/; do
	old=${old%/}
	[ "$old" = "$DIR" ] && continue
	log "removing the stale build $old"
	rm -rf "$old"
done

result
