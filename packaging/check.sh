#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host test of wgx's packaging (`make packaging-check`, the "packaging" test
# of `make check`). Changes nothing outside a scratch folder.
#
#   version   VERSION is the one version: dkms.conf as dkms reads it (bash,
#             and `dkms add` into scratch trees), `make dkms-source`'s
#             dkms.conf, the module built from that DKMS source tree with
#             dkms.conf's own MAKE line (modinfo), `wgx --version`.
#   install   `make install` with DESTDIR and PREFIX puts exactly the tool,
#             the man page and the units in place, naming $BINDIR/wgx;
#             `make uninstall` removes all of it.
#   units     `systemd-analyze verify` of the installed units: no output.
#   man       groff -ww and man --warnings: no warning; every subcommand of
#             `wgx GROUP --help`, every long option of its --help, every
#             key of relay.conf/hub.conf/spoke.conf (tools/relay_conf.c,
#             tools/wgconf.c), every getenv() of tools/ and every exit
#             status the --help texts name is in man/wgx.8.
#
# Environment: WGX_PACKAGING_KVER=VERSION builds the DKMS tree against that
# kernel's headers (default: the newest /lib/modules/*/build); "none" skips
# the build.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WGX=$ROOT/tools/wgx
VERSION=$(cat VERSION)
TMP=$(mktemp -d /tmp/wgx-packaging.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failures=0

fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
ok() {
	echo "ok: $*"
}

# ---------------------------------------------------------------- version
echo "== version ($VERSION)"
[[ $VERSION =~ ^[0-9]+\.[0-9]+\.[0-9]+([.~+-][0-9A-Za-z.~+-]+)?$ ]] ||
	fail "VERSION '$VERSION' is not a version (N.N.N[-suffix])"
[ "$(wc -l <VERSION)" = 1 ] || fail "VERSION must be one line"

# dkms.conf as dkms reads it: sourced by bash, from another folder.
got=$(cd / && bash -c '. "$1" >/dev/null && echo "$PACKAGE_NAME $PACKAGE_VERSION ${AUTOINSTALL:-} ${BUILT_MODULE_LOCATION[0]:-} ${DEST_MODULE_LOCATION[0]:-}"' \
	_ "$ROOT/dkms.conf")
if [ "$got" = "wgx $VERSION yes kernel/ /updates/dkms" ]; then
	ok "dkms.conf: PACKAGE_NAME wgx, PACKAGE_VERSION $VERSION, AUTOINSTALL, kernel/ -> /updates/dkms"
else
	fail "dkms.conf sourced gives '$got', expected 'wgx $VERSION yes kernel/ /updates/dkms'"
fi

# make dkms-source: the tree `make dkms-install` adds, version spelt out.
make -s --no-print-directory dkms-source DESTDIR="$TMP/dkms" >/dev/null
SRC=$TMP/dkms/usr/src/wgx-$VERSION
if grep -qx "PACKAGE_VERSION=\"$VERSION\"" "$SRC/dkms.conf"; then
	ok "make dkms-source: $SRC/dkms.conf has PACKAGE_VERSION=\"$VERSION\""
else
	fail "make dkms-source: no PACKAGE_VERSION=\"$VERSION\" line in its dkms.conf"
fi
# Nothing of a build in it.
if find "$SRC" \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod*' \) | grep .; then
	fail "make dkms-source copied build products"
fi

# make dkms-install installs for every kernel that has headers.
want=$(for d in /lib/modules/*/build; do
	if [ -d "$d/" ]; then basename "$(dirname "$d")"; fi
done | sort -V | xargs)
got=$(make -n --no-print-directory dkms-install 2>/dev/null | sed -n 's/.*for k in \([^;]*\);.*/\1/p' | head -n 1 | xargs)
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	ok "make dkms-install: dkms install for each kernel with headers ($got)"
else
	fail "make dkms-install would install for '$got', expected every kernel with headers: '$want'"
fi

# The real dkms, on scratch trees: `dkms add` reads the version.
if ! command -v dkms >/dev/null; then
	fail "dkms is not installed (make deps)"
elif [ "$(id -u)" != 0 ]; then
	echo "skip: dkms add needs root"
else
	for tree in "$ROOT" "$SRC"; do
		rm -rf "$TMP/dt" "$TMP/ds"
		mkdir -p "$TMP/dt" "$TMP/ds"
		# Not the repository itself into the scratch tree: dkms add copies
		# the whole folder.
		if [ "$tree" = "$ROOT" ]; then
			mkdir -p "$TMP/repo"
			cp -r dkms.conf VERSION kernel include "$TMP/repo/"
			tree=$TMP/repo
		fi
		out=$( (cd / && dkms add "$tree" --dkmstree "$TMP/dt" --sourcetree "$TMP/ds") 2>&1) ||
			{ fail "dkms add $tree: $out"; continue; }
		st=$(dkms status --dkmstree "$TMP/dt" --sourcetree "$TMP/ds" 2>&1)
		if [ "$st" = "wgx/$VERSION: added" ]; then
			ok "dkms add ${tree#"$TMP"/}: $st"
		else
			fail "dkms add $tree: dkms status says '$st', expected 'wgx/$VERSION: added'"
		fi
	done
fi

# The DKMS tree builds with dkms.conf's MAKE line, as dkms runs it (in a
# copy named build/), into a module that carries VERSION.
kver=${WGX_PACKAGING_KVER:-}
if [ -z "$kver" ]; then
	for d in /lib/modules/*/build; do
		if [ -d "$d/" ]; then kver="$kver$(basename "$(dirname "$d")")"$'\n'; fi
	done
	kver=$(printf '%s' "$kver" | sort -V | tail -n 1)
fi
if [ "$kver" = none ]; then
	echo "skip: DKMS tree build (WGX_PACKAGING_KVER=none)"
elif [ -z "$kver" ]; then
	fail "no kernel headers to build the DKMS tree against"
else
	dkms_tree=$TMP/var/lib/dkms
	build=$dkms_tree/wgx/$VERSION/build
	mkdir -p "$(dirname "$build")"
	cp -a "$SRC" "$build"
	mapfile -t cmds < <(cd / && kernel_source_dir=/lib/modules/$kver/build dkms_tree=$dkms_tree \
		bash -c '. "$1" >/dev/null && printf "%s\n" "$CLEAN" "${MAKE[0]}"' _ "$SRC/dkms.conf")
	echo "kernel $kver: ${cmds[1]}"
	# dkms prefixes make with -jN KERNELRELEASE=...
	if (cd "$build" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL bash -c \
		"${cmds[0]} && ${cmds[1]/#make/make -j$(nproc) KERNELRELEASE=$kver}") >"$TMP/build.log" 2>&1; then
		ko=$build/kernel/wgx.ko
		v=$(modinfo -F version "$ko" 2>/dev/null || true)
		if [ "$v" = "$VERSION" ]; then
			ok "DKMS tree builds against $kver: kernel/wgx.ko version $v, depends $(modinfo -F depends "$ko")"
		else
			fail "the module built from the DKMS tree says version '$v', expected $VERSION"
		fi
		if grep -E "warning:|error:" "$TMP/build.log"; then
			fail "warnings building the DKMS tree"
		fi
	else
		cat "$TMP/build.log"
		fail "the DKMS tree does not build against $kver with dkms.conf's MAKE line"
	fi
fi

# The tool.
v=$("$WGX" --version | sed -n 1p)
if [ "$v" = "wgx $VERSION" ]; then
	ok "wgx --version: $v"
else
	fail "wgx --version prints '$v', expected 'wgx $VERSION'"
fi
grep -q 'MODULE_VERSION(WGX_VERSION)' kernel/main.c || fail "kernel/main.c has no MODULE_VERSION(WGX_VERSION)"
grep -q '\.\./VERSION' kernel/Kbuild || fail "kernel/Kbuild does not read ../VERSION"

# ---------------------------------------------------------------- install
echo "== make install / uninstall"
UNITS="wgx-relay.service wgx-hub@.service wgx-hub-watch@.service wgx-spoke@.service"
check_install() {
	local prefix=$1 dest=$2 expected actual u
	make -s --no-print-directory install DESTDIR="$dest" ${prefix:+PREFIX="$prefix"} >/dev/null
	prefix=${prefix:-/usr/local}
	expected=$( { echo "$prefix/bin/wgx"; echo "$prefix/share/man/man8/wgx.8"
		for u in $UNITS; do echo "$prefix/lib/systemd/system/$u"; done; } | sort)
	actual=$(cd "$dest" && find . -type f | sed 's|^\.||' | sort)
	if [ "$actual" = "$expected" ]; then
		ok "make install DESTDIR=... PREFIX=$prefix: $(echo "$actual" | wc -l) files"
	else
		fail "make install PREFIX=$prefix installed:"$'\n'"$actual"$'\n'"expected:"$'\n'"$expected"
	fi
	[ -x "$dest$prefix/bin/wgx" ] || fail "$prefix/bin/wgx is not executable"
	cmp -s tools/wgx "$dest$prefix/bin/wgx" || fail "$prefix/bin/wgx is not tools/wgx"
	cmp -s man/wgx.8 "$dest$prefix/share/man/man8/wgx.8" || fail "the installed man page is not man/wgx.8"
	for u in $UNITS; do
		f=$dest$prefix/lib/systemd/system/$u
		[ "$(stat -c %a "$f")" = 644 ] || fail "$u has mode $(stat -c %a "$f")"
		! grep -n '@[A-Z]*@' "$f" || fail "$u: a placeholder is left"
		grep -q "^ExecStart=$prefix/bin/wgx " "$f" || fail "$u: ExecStart does not run $prefix/bin/wgx"
		! grep -E '^Exec[A-Za-z]*=' "$f" | grep -v -e "=$prefix/bin/wgx " -e '=/sbin/modprobe wgx$' ||
			fail "$u: a command that is neither $prefix/bin/wgx nor /sbin/modprobe wgx"
	done
	make -s --no-print-directory uninstall DESTDIR="$dest" ${prefix:+PREFIX="$prefix"} >/dev/null
	actual=$(cd "$dest" && find . -type f)
	if [ -z "$actual" ]; then
		ok "make uninstall DESTDIR=... PREFIX=$prefix: nothing left"
	else
		fail "make uninstall left: $actual"
	fi
}
check_install /usr "$TMP/root-usr"
check_install "" "$TMP/root-default"

# ---------------------------------------------------------------- units
echo "== systemd-analyze verify"
if ! command -v systemd-analyze >/dev/null; then
	fail "systemd-analyze is missing (apt install systemd)"
else
	dest=$TMP/root
	make -s --no-print-directory install DESTDIR="$dest" PREFIX=/usr >/dev/null
	# The units as installed, their /usr/bin/wgx made the DESTDIR's (verify
	# checks that every command exists); man:wgx(8) is looked up in the
	# installed man page.
	mkdir -p "$TMP/units"
	for u in $UNITS; do
		sed "s|/usr/bin/wgx|$dest/usr/bin/wgx|g" "$dest/usr/lib/systemd/system/$u" >"$TMP/units/$u"
	done
	out=$(cd "$TMP/units" && MANPATH=$dest/usr/share/man systemd-analyze verify \
		wgx-relay.service wgx-hub@hub.service wgx-hub-watch@hub.service wgx-spoke@spoke.service 2>&1) ||
		fail "systemd-analyze verify failed"
	if [ -z "$out" ]; then
		ok "systemd-analyze verify: wgx-relay.service wgx-hub@hub.service wgx-hub-watch@hub.service wgx-spoke@spoke.service"
	else
		fail "systemd-analyze verify: $out"
	fi
	out=$(MANPATH=$dest/usr/share/man man -w wgx 2>&1)
	[ "$out" = "$dest/usr/share/man/man8/wgx.8" ] || fail "man -w wgx finds '$out' in the installed tree"
fi

# ---------------------------------------------------------------- man page
echo "== man page"
out=$(groff -man -ww -z man/wgx.8 2>&1) || fail "groff failed on man/wgx.8"
[ -z "$out" ] || fail "groff -ww: $out"
out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l man/wgx.8 2>&1 >/dev/null) || fail "man -l man/wgx.8 failed"
[ -z "$out" ] || fail "man --warnings: $out"
[ $failures = 0 ] && ok "groff -ww, man --warnings: no warning"

# The page as plain text, one line per paragraph, no hyphenation.
text=$(LC_ALL=C groff -man -rLL=400n -Tascii -P-cbou man/wgx.8 2>/dev/null)
# section TITLE: the lines of the page's section or subsection TITLE.
section() {
	printf '%s\n' "$text" | awk -v t="$1" '
		/^[A-Z]/ || /^   [A-Z]/ { on = ($0 == t || $0 == "   " t); next }
		on'
}
for s in NAME SYNOPSIS DESCRIPTION COMMANDS "CONFIGURATION FILE FORMAT" ENVIRONMENT "EXIT STATUS" "SEE ALSO"; do
	grep -qx "$s" <<<"$text" || fail "man page: no $s section"
done

# Every command group and subcommand, with its long options.
groups=$("$WGX" --help | awk '/^  [a-z]/ { print $1 }')
[ -n "$groups" ] || fail "wgx --help lists no command"
ncmd=0
nopt=0
for g in $groups; do
	case $g in
	relay) title="Relay commands" ;;
	hub) title="Hub commands" ;;
	spoke) title="Spoke commands" ;;
	*)
		# A command without subcommands (export, genkey, ...).
		grep -qE "^       $g( |$)" <<<"$text" || fail "man page: no entry for 'wgx $g'"
		ncmd=$((ncmd + 1))
		continue
		;;
	esac
	block=$(section "$title")
	[ -n "$block" ] || { fail "man page: no '$title' subsection for 'wgx $g'"; continue; }
	subs=$("$WGX" "$g" --help | awk '/^  [a-z]/ { print $1 }')
	[ -n "$subs" ] || fail "wgx $g --help lists no subcommand"
	for s in $subs; do
		ncmd=$((ncmd + 1))
		grep -qE "^       $g $s( |$)" <<<"$block" ||
			fail "man page: no entry for 'wgx $g $s' under '$title'"
		for o in $("$WGX" "$g" "$s" --help | grep -oE -- '--[a-z][a-z0-9-]*' | grep -vx -- --help | sort -u); do
			nopt=$((nopt + 1))
			grep -qe "$o\b" <<<"$block" ||
				fail "man page: 'wgx $g $s' option $o is not under '$title'"
		done
	done
done
echo "checked $ncmd commands and $nopt options against man/wgx.8"

# Configuration keys: the schemas' key names.
cfg=$(section "CONFIGURATION FILE FORMAT")
nkey=0
# shellcheck disable=SC2013 # the names are words
for k in $(sed -n 's/^[[:space:]]*{ "\([A-Za-z]*\)", .*/\1/p' tools/relay_conf.c tools/wgconf.c | sort -u); do
	nkey=$((nkey + 1))
	grep -qw -- "$k" <<<"$cfg" || fail "man page: configuration key $k is not under CONFIGURATION FILE FORMAT"
done
[ $nkey -ge 10 ] || fail "found only $nkey configuration keys in tools/relay_conf.c, tools/wgconf.c"
echo "checked $nkey configuration keys"

# Environment variables the tool reads.
envs=$(section ENVIRONMENT)
# shellcheck disable=SC2013 # the names are words
for e in $(grep -ohE 'getenv\("[A-Z_]+"\)' tools/*.c | sed 's/getenv("\(.*\)")/\1/' | sort -u); do
	grep -qw -- "$e" <<<"$envs" || fail "man page: $e (getenv in tools/) is not under ENVIRONMENT"
done

# Exit statuses the --help texts name, and 0 and 1.
exits=$(section "EXIT STATUS")
for n in $( { echo 0; echo 1; for g in relay hub spoke; do
		for s in $("$WGX" "$g" --help | awk '/^  [a-z]/ { print $1 }'); do
			"$WGX" "$g" "$s" --help
		done
	done | grep -oiE 'exit status [0-9]+|, [0-9]+ when' | grep -oE '[0-9]+'; } | sort -un); do
	grep -qE "^       $n( |\$)" <<<"$exits" || fail "man page: exit status $n is not under EXIT STATUS"
done

if [ $failures != 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "packaging: all checks passed"
