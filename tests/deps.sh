#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything wgx needs to build and test on Debian 12 (bookworm):
# build dependencies, QEMU, the Debian kernel image and its headers (same
# version), real WireGuard implementations and the tools the scenarios use.
# Idempotent: when every package is present it only checks, in about a second.
set -e

packages=(
	build-essential pkg-config sparse dkms kmod
	libnl-3-dev libnl-genl-3-dev libsodium-dev libcmocka-dev libqrencode-dev
	qemu-system-x86 busybox-static linux-image-amd64 linux-headers-amd64
	wireguard-tools wireguard-go iproute2 nftables conntrack iperf3 tcpdump
	zbar-tools python3 clang libclang-rt-14-dev gnuplot-nox
	systemd man-db groff-base openssl
)

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	[ "$(id -u)" = 0 ] || { echo "deps: must run as root to install packages" >&2; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The newest kernel headers Debian offers: the module must build against them
# too (`make kbuild-all`, part of `make check`).
newest=$(apt-cache search --names-only '^linux-headers-[0-9.]+.*-amd64$' 2>/dev/null |
	awk '{print $1}' | grep -vE -- '-(cloud|rt)-amd64$' | sort -V | tail -n 1)
if [ -n "$newest" ] && ! dpkg-query -W -f='${Status}\n' "$newest" 2>/dev/null |
	grep -q '^install ok installed$'; then
	echo "deps: installing $newest (the newest kernel headers)"
	apt-get install -y -qq --no-install-recommends "$newest" >/dev/null
fi

# The VM boots /boot/vmlinuz-$KVER and the module builds against the headers
# of the same $KVER: make sure one version has both.
for m in /lib/modules/*/; do
	kver=$(basename "$m")
	if [ -e "/boot/vmlinuz-$kver" ] && [ -d "/lib/modules/$kver/build" ]; then
		echo "deps: ok (kernel $kver)"
		exit 0
	fi
done
echo "deps: no kernel has both /boot/vmlinuz-VERSION and its headers" >&2
exit 1
