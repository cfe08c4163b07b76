#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run test scenarios, each in its own QEMU VM.
#
#   tests/vm/run.sh SCENARIO.sh [SCENARIO.sh ...]
#
# For each scenario this boots the Debian kernel installed on the host
# (/boot/vmlinuz-$KVER) with a small cached busybox initramfs.  The VM's root
# is the host's root (a read-only 9p share) under a tmpfs overlay, so the
# repository, the tools and /lib/modules/$KVER are where they are on the host
# and the VM can write anywhere without touching the host.  The per-test log
# folder tests/logs/NAME/ is a second, writable share mounted at the same
# path.  Inside the VM tests/vm/vm-runner.sh runs the scenario with bash and a
# timeout, collects diagnostics and dmesg, unloads wgx and writes the result;
# the VM then powers off.  See tests/vm/init.sh for the boot side.
#
# A test passes when the scenario exited 0, wgx (if loaded) could be
# unloaded, the success marker is there, and neither the serial console nor
# dmesg shows a kernel warning, BUG, oops, lockdep/KASAN/UBSAN/KFENCE/
# debugobjects report or call trace.  On a kernel with kmemleak (the debug
# kernel, tests/debug-kernel/) the in-VM runner also scans for leaks after
# the unload: any suspected leak fails the test (kmemleak.txt).
#
# Output: one line "PASS name (12.3s)" or "FAIL name (reason)" per test (with
# the log folder's files printed after a FAIL), then "vm: N passed, N failed".
# Exit status: the number of failed tests (0 = all passed).
#
# Environment:
#   WGX_TEST_TIMEOUT=N   seconds a scenario may run; overrides the scenario's
#                        own "# timeout: N" header line (default 300)
#   WGX_TEST_TIMEOUT_FACTOR=N  multiply every scenario's timeout (after the
#                        above) and WGX_VM_MARGIN by the integer N (default 1;
#                        slow debug kernels)
#   WGX_TEST_VERBOSE=1   run scenarios with bash -x (trace in output.txt)
#   WGX_VM_ACCEL=kvm     use KVM instead of TCG (only where KVM boots a stock
#                        kernel: not on the development machines)
#   WGX_VM_CPU, WGX_VM_MEM, WGX_VM_SMP   QEMU -cpu (default: QEMU's default
#                        for TCG, "host" for KVM), -m (2G), -smp (2)
#   WGX_VM_APPEND        extra kernel command line
#   WGX_VM_ROOTFS=readonly  do not put an overlay over the VM's root (read-only
#                        host root, tmpfs on /tmp, /run, /var/tmp, /etc/wgx)
#   WGX_KVER             kernel version to boot (default: Debian's stock
#                        kernel, see tests/vm/kver.sh)
#   WGX_VM_KERNEL=FILE   boot this kernel image instead of /boot/vmlinuz-$KVER
#                        (e.g. the debug kernel of tests/debug-kernel/build.sh);
#                        $KVER is then read from the image unless WGX_KVER
#                        is set
#   WGX_VM_MODDIR=DIR    that kernel's module folder (from make modules_install:
#                        modules.builtin*, modules.dep*, ...), shown in the VM
#                        as /lib/modules/$KVER; "none" for a kernel that needs
#                        no module folder at all (then modprobe fails in the
#                        VM).  Default /lib/modules/$KVER.  The initramfs gets
#                        the virtio/9p/overlay modules from it, or none where
#                        they are built in.
#   WGX_LOGROOT          where log folders go (default tests/logs)
#   WGX_VM_MARGIN=N      seconds QEMU may run beyond the scenario's timeout
#                        before the host kills it (default 90)
#   every other WGX_* variable is passed on to the scenario in the VM.

set -e

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WGX_ROOT=$(cd "$HERE/../.." && pwd)
BUILD=$HERE/.build
LOGROOT=${WGX_LOGROOT:-$WGX_ROOT/tests/logs}
DEFAULT_TIMEOUT=300
# Time allowed on top of the scenario's timeout for boot, diagnostics,
# unload and power-off before the host kills QEMU.
VM_MARGIN=${WGX_VM_MARGIN:-90}
TIMEOUT_FACTOR=${WGX_TEST_TIMEOUT_FACTOR:-1}

# Kernel messages that fail a test, as an extended regular expression.
# (KASAN and KFENCE reports start with "BUG: KASAN:" / "BUG: KFENCE:",
# debugobjects ones with "WARNING:" and "ODEBUG:", sleeping in atomic
# context with "BUG: sleeping function", kmemleak's with "N new suspected
# memory leaks".)
KERNEL_BAD='WARNING:|BUG:|Oops|general protection fault|refcount_t:|lockdep|possible circular locking|INFO: possible|KASAN|UBSAN|ODEBUG|kernel BUG|Call Trace:|Kernel panic|INFO: task .* blocked|rcu.*detected stall|suspected memory leak'
# Lines that match the above but are no report: the boot banner of a kernel
# with lockdep (the debug kernel).
KERNEL_BENIGN='rcu:[[:space:]]+RCU lockdep checking is enabled'

die() { echo "vm: $*" >&2; exit 125; }

case $TIMEOUT_FACTOR in
''|*[!0-9]*|0) die "WGX_TEST_TIMEOUT_FACTOR must be a positive integer" ;;
esac
VM_MARGIN=$((VM_MARGIN * TIMEOUT_FACTOR))

if [ $# = 0 ]; then
	echo "usage: $0 SCENARIO.sh [SCENARIO.sh ...]" >&2
	exit 125
fi
[ "$(id -u)" = 0 ] || die "must run as root"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is not installed"

# The kernel to boot: never hard-coded, the newest one that has both an
# image and a module tree.
find_kver() {
	"$WGX_ROOT/tests/vm/kver.sh"
}

# The release string of an x86 bzImage: the boot protocol header has the
# offset (minus 0x200) of the version string at 0x20e.
image_kver() {
	local off
	off=$(od -An -tu2 -j $((0x20e)) -N 2 "$1" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$1" bs=1 skip=$((off + 0x200)) count=256 2>/dev/null |
		tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

if [ -n "${WGX_VM_KERNEL:-}" ]; then
	KERNEL=$WGX_VM_KERNEL
	[ -r "$KERNEL" ] || die "cannot read WGX_VM_KERNEL=$KERNEL"
	KVER=${WGX_KVER:-$(image_kver "$KERNEL")} ||
		die "cannot read the kernel version of $KERNEL: set WGX_KVER"
	[ -n "$KVER" ] || die "cannot read the kernel version of $KERNEL: set WGX_KVER"
else
	KVER=$(find_kver)
	[ -n "$KVER" ] || die "no kernel with /boot/vmlinuz-KVER and /lib/modules/KVER (apt-get install linux-image-amd64)"
	KERNEL=/boot/vmlinuz-$KVER
	[ -r "$KERNEL" ] || die "cannot read $KERNEL"
fi

# The module folder the VM sees as /lib/modules/$KVER.
MODDIR=${WGX_VM_MODDIR:-/lib/modules/$KVER}
if [ "$MODDIR" != none ]; then
	MODDIR=$(realpath "$MODDIR" 2>/dev/null) && [ -e "$MODDIR/modules.dep" ] ||
		die "no modules.dep in ${WGX_VM_MODDIR:-/lib/modules/$KVER} (WGX_VM_MODDIR)"
	case $MODDIR in
	/tmp/*|/run/*|/var/tmp/*|/dev/*|/proc/*|/sys/*)
		die "WGX_VM_MODDIR=$MODDIR is not visible in the VM (tmpfs there)" ;;
	esac
	export WGX_VM_MODDIR=$MODDIR
fi

# Modules /init loads, in dependency order: virtio PCI transport, 9p over
# virtio, the 9p filesystem, overlayfs (for the writable root) and
# virtio-rng (entropy at once: no waiting for the random pool in wg genkey).
# modprobe takes only one module per --show-depends call.  Built-in ones
# ("builtin NAME" lines) need nothing: a kernel with all of them built in
# gets an initramfs without modules.  modprobe -d wants a root folder with
# lib/modules/$KVER in it: a scratch one links to a module folder elsewhere.
initramfs_modules() {
	local m root= out rc=0
	[ "$MODDIR" = none ] && return 0
	if [ "$MODDIR" != "/lib/modules/$KVER" ]; then
		root=$(mktemp -d)
		mkdir -p "$root/lib/modules"
		ln -s "$MODDIR" "$root/lib/modules/$KVER"
	fi
	out=$(for m in virtio_pci 9pnet_virtio 9p overlay virtio_rng; do
		modprobe ${root:+-d "$root"} -S "$KVER" --show-depends "$m" || exit 1
	done) || rc=$?
	[ -z "$root" ] || rm -rf "$root"
	[ $rc = 0 ] || die "modprobe --show-depends failed (modules of $KVER in $MODDIR)"
	# Paths under the scratch root are given as paths in $MODDIR.
	echo "$out" | awk -v r="${root:+$root/lib/modules/$KVER}" -v d="$MODDIR" '
		$1 == "insmod" && !seen[$2]++ {
			if (r != "" && index($2, r "/") == 1) $2 = d substr($2, length(r) + 1)
			print $2
		}'
}

# Build the initramfs unless a cached one was built from the same inputs:
# init.sh, the busybox binary, the module files and the code below.
INITRAMFS=$BUILD/initramfs-$KVER.cpio.gz
build_initramfs() {
	local busybox mods key stage m dst
	busybox=$(command -v busybox) || die "busybox is not installed (apt-get install busybox-static)"
	# ldd fails on a static binary: the initramfs has no shared libraries.
	! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is dynamically linked: install busybox-static"
	mods=$(initramfs_modules)
	key=$( { echo "$KVER"; declare -f initramfs_modules build_initramfs
		 sha256sum "$HERE/init.sh" "$busybox"; echo "$mods" | xargs sha256sum; } |
		sha256sum | cut -d' ' -f1)
	if [ -e "$INITRAMFS" ] && [ "$(cat "$INITRAMFS.key" 2>/dev/null)" = "$key" ]; then
		return
	fi
	echo "vm: building $INITRAMFS"
	mkdir -p "$BUILD"
	stage=$(mktemp -d "$BUILD/stage.XXXXXX")
	mkdir -p "$stage"/{bin,sbin,etc,proc,sys,dev,mnt,newroot,tmp}
	cp "$busybox" "$stage/bin/busybox"
	ln -s busybox "$stage/bin/sh"
	install -m 0755 "$HERE/init.sh" "$stage/init"
	mknod -m 0600 "$stage/dev/console" c 5 1
	: >"$stage/etc/modules.order"
	for m in $mods; do
		dst=$stage$m
		mkdir -p "$(dirname "$dst")"
		# busybox insmod wants plain .ko files.
		case $m in
		*.ko.xz)  dst=${dst%.xz};  xz -dc "$m" >"$dst" ;;
		*.ko.zst) dst=${dst%.zst}; zstd -qdc "$m" >"$dst" ;;
		*.ko.gz)  dst=${dst%.gz};  gzip -dc "$m" >"$dst" ;;
		*)        cp "$m" "$dst" ;;
		esac
		echo "${dst#"$stage"}" >>"$stage/etc/modules.order"
	done
	(cd "$stage" && find . | LC_ALL=C sort | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
		gzip -1 >"$INITRAMFS.tmp"
	mv "$INITRAMFS.tmp" "$INITRAMFS"
	echo "$key" >"$INITRAMFS.key"
	rm -rf "$stage"
}

# Shell-quote a value for vm.env (read by busybox ash).
shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# Print the log folder's files after a failure.
show_logs() {
	local dir=$1 f
	show() {
		[ -s "$2" ] || return 0
		echo "---------- $2 ($1)"
		if [ "$1" = all ]; then cat "$2"; else tail -n "$1" "$2"; fi
	}
	show 200 "$dir/output.txt"
	# The console from /init on (the boot before it is rarely of interest,
	# unless /init was never reached).
	if grep -q '^wgx-init:' "$dir/console.txt" 2>/dev/null; then
		echo "---------- $dir/console.txt (from /init, last 100 lines)"
		sed -n '/^wgx-init:/,$p' "$dir/console.txt" | tail -n 100
	else
		show 60 "$dir/console.txt"
	fi
	show all "$dir/qemu.txt"
	if [ -s "$dir/dmesg.txt" ]; then
		echo "---------- $dir/dmesg.txt (suspicious lines)"
		grep -E "$KERNEL_BAD" "$dir/dmesg.txt" | grep -vE "$KERNEL_BENIGN" || echo "(none)"
	fi
	show 80 "$dir/dmesg.txt"
	show all "$dir/unload.txt"
	show 200 "$dir/kmemleak.txt"
	for f in "$dir"/ns-*.txt; do
		show all "$f"
	done
	echo "---------- end of $dir"
}

# kmemleak_wgx FILE: how many of kmemleak's reports have a frame of a module
# in their allocation backtrace.  After the unload kmemleak prints a module's
# frames as bare addresses; the module area is 0xffffffffc0000000 up to
# 0xffffffffff000000, and on the debug kernel (everything built in) the only
# module is wgx.
kmemleak_wgx() {
	awk '
	/^unreferenced object/ { n++ }
	/^ +\[<[0-9a-f]+>\]/ {
		a = substr($1, 3, 16)
		if (length(a) == 16 && a >= "ffffffffc0000000" && a < "ffffffffff000000" && !(n in hit)) {
			hit[n] = 1
			w++
		}
	}
	END { print w + 0 }' "$1"
}

# Run one scenario; prints the PASS/FAIL line and returns non-zero on FAIL.
run_one() {
	local scen name logdir timeout hdr v accel cpu start end secs rc reason bad vmrc
	scen=$(realpath "$1")
	name=$(basename "$scen" .sh)
	logdir=$LOGROOT/$name
	[ -r "$scen" ] || { echo "FAIL $name (no such scenario: $1)"; return 1; }

	timeout=$DEFAULT_TIMEOUT
	hdr=$(head -n 20 "$scen" | sed -n 's/^#[[:space:]]*timeout:[[:space:]]*\([0-9]\+\).*/\1/p' | head -n 1)
	[ -n "$hdr" ] && timeout=$hdr
	[ -n "${WGX_TEST_TIMEOUT:-}" ] && timeout=$WGX_TEST_TIMEOUT
	timeout=$((timeout * TIMEOUT_FACTOR))

	rm -rf "$logdir"
	mkdir -p "$logdir"
	{
		for v in $(compgen -e | grep '^WGX_' || true); do
			case $v in WGX_ROOT|WGX_LOGDIR|WGX_SCENARIO|WGX_TIMEOUT|WGX_RUNNER) continue ;; esac
			echo "export $v=$(shquote "${!v}")"
		done
		echo "export WGX_ROOT=$(shquote "$WGX_ROOT")"
		echo "export WGX_LOGDIR=$(shquote "$logdir")"
		echo "export WGX_SCENARIO=$(shquote "$scen")"
		echo "export WGX_TIMEOUT=$(shquote "$timeout")"
		echo "export WGX_RUNNER=$(shquote "$HERE/vm-runner.sh")"
		echo "export WGX_KVER=$(shquote "$KVER")"
	} >"$logdir/vm.env"

	# shellcheck disable=SC2054 # the comma is part of the -accel option
	case ${WGX_VM_ACCEL:-tcg} in
	kvm) accel=(-accel kvm); cpu=${WGX_VM_CPU:-host} ;;
	tcg) accel=(-accel tcg,thread=multi); cpu=${WGX_VM_CPU:-} ;;
	*) die "WGX_VM_ACCEL must be tcg or kvm" ;;
	esac
	[ -n "$cpu" ] && accel+=(-cpu "$cpu")

	start=$(date +%s.%N)
	# Run QEMU in the background so that a Ctrl-C here also stops it
	# (timeout(1) puts itself into its own process group).
	timeout -k 5 $((timeout + VM_MARGIN)) qemu-system-x86_64 \
		-name "wgx-$name" "${accel[@]}" \
		-m "${WGX_VM_MEM:-2G}" -smp "${WGX_VM_SMP:-2}" \
		-nographic -no-reboot -nic none -monitor none \
		-device virtio-rng-pci \
		-serial "file:$logdir/console.txt" \
		-kernel "$KERNEL" -initrd "$INITRAMFS" \
		-append "console=ttyS0 panic=-1 printk.time=1 no_timer_check ${WGX_VM_APPEND:-}" \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$logdir,mount_tag=wgxlogs,security_model=none" \
		</dev/null >"$logdir/qemu.txt" 2>&1 &
	QEMU_PID=$!
	rc=0
	wait $QEMU_PID || rc=$?
	QEMU_PID=
	end=$(date +%s.%N)
	secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
	echo "$secs" >"$logdir/duration"

	reason=
	vmrc=$(cat "$logdir/exit-code" 2>/dev/null || true)
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		reason="VM killed after ${secs}s (scenario timeout ${timeout}s + ${VM_MARGIN}s)"
	elif [ $rc != 0 ]; then
		reason="QEMU exited with $rc"
	elif [ -z "$vmrc" ]; then
		reason="no exit code: the VM did not finish the run (see console.txt)"
	elif [ "$vmrc" = 124 ]; then
		reason="timed out after ${timeout}s"
	elif [ "$vmrc" != 0 ]; then
		reason="exit code $vmrc"
	elif [ -e "$logdir/unload-failed" ]; then
		reason="wgx could not be unloaded"
	elif [ ! -e "$logdir/success" ]; then
		reason="no success marker"
	fi
	# kmemleak (debug kernels): what the scans after the unload found.
	if [ -s "$logdir/kmemleak.txt" ]; then
		v=$(grep -c '^unreferenced object' "$logdir/kmemleak.txt" || true)
		if [ "$v" -gt 0 ]; then
			v="$v suspected leaks, $(kmemleak_wgx "$logdir/kmemleak.txt") allocated by wgx (kmemleak.txt)"
		else
			v=$(head -n 1 "$logdir/kmemleak.txt" | cut -c1-160)
		fi
		reason="${reason:+$reason; }kmemleak: ${v#kmemleak: }"
	fi
	# Kernel problems: any line of dmesg, and kernel lines (with a
	# timestamp) of the console, which also has the runner's messages.
	bad=$( { cat "$logdir/dmesg.txt" 2>/dev/null
		 grep -aE '^\[ *[0-9]+\.[0-9]+\]' "$logdir/console.txt" 2>/dev/null; } |
		grep -aE "$KERNEL_BAD" | grep -avE "$KERNEL_BENIGN" | head -n 1 || true)
	if [ -n "$bad" ]; then
		reason="${reason:+$reason; }kernel: $(echo "$bad" | tr -d '\r' | cut -c1-160)"
	fi

	if [ -z "$reason" ]; then
		echo "PASS $name (${secs}s)"
		return 0
	fi
	echo "FAIL $name ($reason)"
	show_logs "$logdir"
	return 1
}

QEMU_PID=
trap '[ -n "$QEMU_PID" ] && kill -TERM $QEMU_PID 2>/dev/null; exit 130' INT TERM

build_initramfs

passed=0
failed=0
for scen in "$@"; do
	if run_one "$scen"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done

echo "vm: $passed passed, $failed failed"
[ $failed -gt 125 ] && exit 125
exit $failed
