#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM's initramfs (busybox ash, runs as PID 1).
#
# It is copied verbatim into the initramfs by tests/vm/run.sh, together with
# a static busybox and the virtio/9p/overlay modules listed in
# /etc/modules.order (one insmod line per module, in dependency order; empty
# for a kernel that has them built in, like the debug kernel of
# tests/debug-kernel/).
#
# Steps:
#   1. mount proc/sys/devtmpfs, insmod the modules;
#   2. mount the per-test log share (9p tag "wgxlogs") and read vm.env from
#      it: WGX_LOGDIR, WGX_ROOT, WGX_RUNNER, ... (written by run.sh);
#   3. mount the host root (9p tag "hostroot", read-only) and put an overlayfs
#      over it (upper = tmpfs) so the VM can write anywhere; if overlay does
#      not work, fall back to the read-only root plus tmpfs on the usual
#      writable places;
#   4. move /proc, /sys, /dev into the new root, mount /dev/pts, /dev/shm,
#      /run and /tmp, move the log share to the same path as on the host;
#      with WGX_VM_MODDIR (a kernel not installed on the host), bind that
#      module folder to /lib/modules/$(uname -r) so modprobe works (built-in
#      modules through modules.builtin);
#   5. switch_root to the new root and run the in-VM runner
#      (tests/vm/vm-runner.sh) with bash as PID 1; it powers the VM off.

export PATH=/bin:/sbin

/bin/busybox --install -s /bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

log() { echo "wgx-init: $*"; }

# Something went badly wrong: say so on the console and power off (the host
# then finds no exit code / marker in the log folder and fails the test).
die() {
	log "FATAL: $*"
	poweroff -f
	sleep 10
}

while read -r mod; do
	insmod "$mod" || die "insmod $mod failed"
done < /etc/modules.order

# 9p options: a big msize makes file reads much faster than the default.
P9OPT="trans=virtio,version=9p2000.L,msize=262144"

mkdir -p /mnt/logs /mnt/lower /mnt/rw /newroot
mount -t 9p -o "$P9OPT" wgxlogs /mnt/logs || die "cannot mount the log share"
[ -r /mnt/logs/vm.env ] || die "no vm.env in the log share"
# shellcheck disable=SC1091
. /mnt/logs/vm.env

# The host root.  cache=loose lets the guest cache host files (binaries,
# libraries, modules): they do not change while a test runs.
mount -t 9p -o "$P9OPT,ro,cache=loose" hostroot /mnt/lower ||
	die "cannot mount the host root"

WGX_VM_ROOT=overlay
mount -t tmpfs -o mode=0755 rwroot /mnt/rw
mkdir -p /mnt/rw/upper /mnt/rw/work
if [ "${WGX_VM_ROOTFS:-overlay}" = readonly ] ||
   ! mount -t overlay -o lowerdir=/mnt/lower,upperdir=/mnt/rw/upper,workdir=/mnt/rw/work \
		overlay /newroot; then
	# Fallback: the read-only host root itself, with tmpfs on the places a
	# test writes to.  /etc/wgx must then exist on the host to be usable.
	log "no overlay root (WGX_VM_ROOTFS=${WGX_VM_ROOTFS:-overlay}), using a read-only root"
	WGX_VM_ROOT="readonly"
	mount --bind /mnt/lower /newroot
fi
export WGX_VM_ROOT

R=/newroot
# /proc, /sys and /dev move into the new root (the console stays open).
mount --move /proc $R/proc
mount --move /sys $R/sys
mount --move /dev $R/dev
mkdir -p $R/dev/pts $R/dev/shm
# What udev would add: bash process substitution needs /dev/fd.
ln -sf /proc/self/fd $R/dev/fd
ln -sf /proc/self/fd/0 $R/dev/stdin
ln -sf /proc/self/fd/1 $R/dev/stdout
ln -sf /proc/self/fd/2 $R/dev/stderr
mount -t devpts -o gid=5,mode=0620,ptmxmode=0666 devpts $R/dev/pts
mount -t tmpfs -o mode=1777 shm $R/dev/shm
mount -t tmpfs -o mode=0755 run $R/run
mount -t tmpfs -o mode=1777 tmp $R/tmp
if [ "$WGX_VM_ROOT" = readonly ]; then
	mount -t tmpfs -o mode=1777 vartmp $R/var/tmp
	[ -d $R/etc/wgx ] && mount -t tmpfs -o mode=0755 etcwgx $R/etc/wgx
fi
# A kernel from elsewhere (WGX_VM_MODDIR, e.g. the debug kernel): its module
# folder, with modules.builtin and the depmod indexes, becomes
# /lib/modules/$(uname -r).  On a read-only root a tmpfs on /lib/modules
# makes room for it (hiding the host's module folders, of other kernels).
KREL=$(uname -r)
if [ -n "${WGX_VM_MODDIR:-}" ] && [ "$WGX_VM_MODDIR" != none ] &&
   [ "$WGX_VM_MODDIR" != "/lib/modules/$KREL" ]; then
	if ! mkdir -p "$R/lib/modules/$KREL" 2>/dev/null; then
		mount -t tmpfs -o mode=0755 libmodules $R/lib/modules &&
			mkdir -p "$R/lib/modules/$KREL"
	fi
	mount --bind "$R$WGX_VM_MODDIR" "$R/lib/modules/$KREL" ||
		die "cannot bind $WGX_VM_MODDIR to /lib/modules/$KREL"
fi
# A checkout under a path the VM covers with its own tmpfs (/tmp, /run,
# /var/tmp): bring it in from the host root at the same path, writable like
# the rest of the root (an overlay with its upper layer in the same tmpfs;
# 30-dkms runs `make` in the checkout), else read-only.
if [ ! -e "$R$WGX_RUNNER" ] && [ -e "/mnt/lower$WGX_ROOT" ]; then
	mkdir -p "$R$WGX_ROOT" /mnt/rw/checkout/upper /mnt/rw/checkout/work
	mount -t overlay -o "lowerdir=/mnt/lower$WGX_ROOT,upperdir=/mnt/rw/checkout/upper,workdir=/mnt/rw/checkout/work" \
		checkout "$R$WGX_ROOT" 2>/dev/null ||
		mount --bind "/mnt/lower$WGX_ROOT" "$R$WGX_ROOT" ||
		die "cannot bring $WGX_ROOT into the VM"
fi
# The log share appears at the same path as on the host.
mkdir -p "$R$WGX_LOGDIR" 2>/dev/null
mount --move /mnt/logs "$R$WGX_LOGDIR" || die "cannot move the log share to $WGX_LOGDIR"

hostname "${WGX_HOSTNAME:-wgx-vm}"
ip link set lo up

log "root=$WGX_VM_ROOT, uptime $(cut -d' ' -f1 $R/proc/uptime)s, running $WGX_RUNNER"
export HOME=/root TERM=dumb LANG=C.UTF-8
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# switch_root (not a chroot in a child) so that PID 1 and the kernel's own
# helpers (request_module -> /sbin/modprobe) see the new root too.  The
# runner, now PID 1, powers the VM off when it is done; should it exit
# instead, the kernel panics and panic=-1 with -no-reboot stops QEMU.
exec switch_root $R /bin/bash "$WGX_RUNNER"
