#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the version of Debian's stock kernel, the one the test VM boots and
# the module is built for: the kernel that the linux-image-amd64 package
# depends on, when it is installed with its image, headers and modules;
# otherwise the newest kernel with all three. WGX_KVER overrides.
if [ -n "${WGX_KVER:-}" ]; then
	echo "$WGX_KVER"
	exit 0
fi
usable() {
	[ -e "/boot/vmlinuz-$1" ] && [ -e "/lib/modules/$1/modules.dep" ] &&
		[ -d "/lib/modules/$1/build" ]
}
stock=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
	sed -n 's/^linux-image-\([^ ,]*\).*/\1/p')
if [ -n "$stock" ] && usable "$stock"; then
	echo "$stock"
	exit 0
fi
for d in $(ls -d /lib/modules/*/ 2>/dev/null | sort -rV); do
	k=$(basename "$d")
	usable "$k" && { echo "$k"; exit 0; }
done
exit 1
