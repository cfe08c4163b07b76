#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 4800
#
# 30-dkms: the README's "Installation" on the Debian kernel the VM runs,
# then its "Running a relay" and a hub and a spoke, run by the installed
# systemd units' own commands (there is no systemd in the VM: each unit's
# Exec* lines are read from the installed file and run by hand, %i
# replaced). Skipped (passes) on a kernel other than Debian's
# (WGX_VM_KERNEL, the debug-kernel run): it is about Debian's headers.
#
#   1. `make`, then `make dkms-install` (DKMS_KERNELS=$(uname -r): one
#      build; the VM cannot load a module built for another kernel) puts the
#      source in /usr/src/wgx-VERSION; dkms builds and installs wgx.ko
#      against the Debian kernel's headers. `modprobe wgx` loads it with its
#      dependencies (libcurve25519, libchacha20poly1305, udp_tunnel,
#      ip6_udp_tunnel, none of them loaded before). The version agrees
#      everywhere: VERSION, dkms status, modinfo, the loaded module, `wgx
#      --version` of the installed tool.
#   2. `make install PREFIX=/usr/local`: the tool, `man wgx`, the units;
#      `systemd-analyze verify` passes on them without a running systemd.
#   3. wgx-relay.service (ExecStartPre, ExecStart) in namespace relay with
#      the README's relay commands, reload after AllowedPublicKeys changed;
#      a hub (wgx-hub@hub, wgx-hub-watch@hub) and a spoke (wgx-spoke@spoke)
#      behind their NATs; the spoke pings the hub through the relay. A
#      relay restart (ExecStop, then ExecStartPre and ExecStart): the
#      hub's watch declares its spoke again by itself.
#   4. Everything stopped by the units' ExecStop, `modprobe -r wgx`, `make
#      uninstall`, `make dkms-uninstall`: nothing of wgx is left.
#   5. The other way: `dkms add .` in a copy of the source tree, `dkms
#      install wgx/VERSION`, modprobe, `dkms remove`. Only with WGX_SLOW=1
#      (make check-slow): it is a second build of the module, and a build
#      under TCG takes 5-13 minutes; make check has the first one.
. "$WGX_ROOT/tests/lib/topo.sh"

# Until topo_init: the same error handling, without its module loading
# (step 1 checks that modprobe pulls in wgx's dependencies itself).
set -eE
trap 'topo__on_err $? "${BASH_SOURCE[0]}" $LINENO "$BASH_COMMAND"' ERR

if [ -n "${WGX_VM_KERNEL:-}" ]; then
	echo "skip: the VM boots $WGX_VM_KERNEL, not a Debian kernel with its headers package"
	exit 0
fi

VERSION=$(cat "$WGX_ROOT/VERSION")
KVER=$(uname -r)
UNITDIR=/usr/local/lib/systemd/system
WGX=/usr/local/bin/wgx
SECONDS=0

step() {
	echo
	echo "==== [${SECONDS}s] $*"
}

loaded() {
	grep -q "^$1 " /proc/modules
}

# unit_exec NS UNIT KEY [INSTANCE]: run the unit's KEY= lines (ExecStart,
# ExecStop, ...) as systemd would, %i replaced by INSTANCE, in network
# namespace NS ("-": the initial one).
unit_exec() {
	local ns=$1 unit=$2 key=$3 inst=${4:-} lines line argv
	[ -r "$UNITDIR/$unit" ] || fail "no $UNITDIR/$unit"
	mapfile -t lines < <(sed -n "s/^$key=//p" "$UNITDIR/$unit")
	[ ${#lines[@]} -gt 0 ] || fail "$unit has no $key="
	for line in "${lines[@]}"; do
		line=${line//%i/$inst}
		read -ra argv <<<"$line"
		echo "[$unit${inst:+ ($inst)} $key, netns $ns] ${argv[*]}"
		if [ "$ns" = - ]; then
			"${argv[@]}"
		else
			ip netns exec "$ns" "${argv[@]}"
		fi
	done
}

# ---------------------------------------------------------------- 1. DKMS
step "1. make; make dkms-install DKMS_KERNELS=$KVER"
command -v dkms >/dev/null || fail "dkms is not installed on the host (make deps)"
[ -d "/lib/modules/$KVER/build" ] || fail "no headers for the running kernel $KVER"
! loaded wgx || fail "wgx is loaded before the test"
[ -z "$(dkms status wgx)" ] || fail "dkms already knows wgx: $(dkms status wgx)"

cd "$WGX_ROOT"
# The README's commands, as root (no sudo).
make --no-print-directory
start=$SECONDS
make --no-print-directory dkms-install DKMS_KERNELS="$KVER"
echo "dkms build and install took $((SECONDS - start))s"
dkms status wgx
assert_eq "$(dkms status wgx)" "wgx/$VERSION, $KVER, x86_64: installed" "dkms status"
grep -qx "PACKAGE_VERSION=\"$VERSION\"" "/usr/src/wgx-$VERSION/dkms.conf" ||
	fail "the installed dkms.conf does not spell out the version"
ko=$(modinfo -n wgx)
echo "modinfo -n wgx: $ko"
case $ko in
"/lib/modules/$KVER/updates/dkms/wgx.ko"*) ;;
*) fail "wgx resolves to $ko, not DKMS's /lib/modules/$KVER/updates/dkms/" ;;
esac
assert_eq "$(modinfo -F version wgx)" "$VERSION" "modinfo version of the installed module"
# The kernel's WireGuard crypto and UDP tunnel modules, resolved by depmod.
depends=$(modinfo -F depends wgx)
echo "depends: $depends"
for m in libchacha20poly1305 udp_tunnel ip6_udp_tunnel curve25519; do
	case ",$depends," in
	*",$m,"* | *",$m-"* | *"-$m,"* | *",lib$m-"*) ;;
	*) fail "modinfo -F depends wgx ($depends) lacks $m" ;;
	esac
done
deps=$(echo "$depends" | tr ',-' ' _')
for m in $deps; do
	! loaded "$m" || fail "$m is loaded before modprobe wgx: the dependency check would prove nothing"
done

step "modprobe wgx"
modprobe wgx
loaded wgx || fail "wgx is not loaded after modprobe wgx"
for m in $deps; do
	loaded "$m" || fail "modprobe wgx did not load $m"
done
grep -E "^(wgx|${deps// /|}) " /proc/modules
assert_eq "$(cat /sys/module/wgx/version)" "$VERSION" "version of the loaded module"

# ---------------------------------------------------------------- 2. make install
step "2. make install PREFIX=/usr/local"
make --no-print-directory install PREFIX=/usr/local
for f in "$WGX" /usr/local/share/man/man8/wgx.8 \
	 "$UNITDIR/wgx-relay.service" "$UNITDIR/wgx-hub@.service" \
	 "$UNITDIR/wgx-hub-watch@.service" "$UNITDIR/wgx-spoke@.service"; do
	[ -f "$f" ] || fail "make install did not install $f"
done
[ -x "$WGX" ] || fail "$WGX is not executable"
assert_eq "$(command -v wgx)" "$WGX" "wgx in PATH"
v=$("$WGX" --version)
echo "$v"
assert_eq "$(echo "$v" | sed -n 1p)" "wgx $VERSION" "wgx --version, tool"
echo "$v" | grep -q "^module $VERSION (loaded" || fail "wgx --version does not show module $VERSION"
# (Debian's /usr/local/man is a link to /usr/local/share/man.)
assert_eq "$(realpath "$(man -w wgx)")" /usr/local/share/man/man8/wgx.8 "man -w wgx"
MANPAGER=cat MANWIDTH=80 man wgx 2>&1 | sed -n '1,12p'
MANPAGER=cat MANWIDTH=80 man wgx 2>/dev/null | grep -q "wgx relay up" || fail "man wgx does not render the relay commands"
grep -q "ExecStart=$WGX relay up -c /etc/wgx/relay.conf" "$UNITDIR/wgx-relay.service" ||
	fail "wgx-relay.service does not run $WGX"

step "systemd-analyze verify (no systemd running in the VM)"
[ ! -d /run/systemd/system ] || echo "(note: /run/systemd/system exists)"
out=$(cd "$UNITDIR" && systemd-analyze verify wgx-relay.service wgx-hub@hub.service \
	wgx-hub-watch@hub.service wgx-spoke@spoke.service 2>&1) || fail "systemd-analyze verify failed: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
echo "systemd-analyze verify: clean"

# ---------------------------------------------------------------- 3. units
step "3. relay, hub and spoke by their units"
topo_init
WGX_TOOL=$WGX
topo_relay
topo_site hub 1
topo_site spoke 2
RELAY_EP=$RELAY4:8787

echo "== relay: wgx relay init (README)"
ip netns exec relay wgx relay init
[ -f /etc/wgx/relay.conf ] || fail "no /etc/wgx/relay.conf"
assert_eq "$(stat -c %a /etc/wgx/relay.conf)" 600 "relay.conf mode"
unit_exec relay wgx-relay.service ExecStartPre
unit_exec relay wgx-relay.service ExecStart
ip netns exec relay ss -uln | grep -q ":8787 " || fail "the relay does not listen on 8787"
echo "== relay: wgx export (README)"
ip netns exec relay wgx export | tee "$TOPO_DIR/export"
grep -q "^Endpoint = $RELAY_EP$" "$TOPO_DIR/export" || fail "wgx export: no Endpoint = $RELAY_EP"

echo "== hub: wgx hub init $RELAY_EP; spoke: wgx spoke init $RELAY_EP"
ip netns exec hub wgx hub init "$RELAY_EP"
ip netns exec spoke wgx spoke init "$RELAY_EP"
HUB_KEY=$(ip netns exec hub wgx hub public-key)
SPOKE_KEY=$(ip netns exec spoke wgx spoke public-key)

echo "== relay: AllowedPublicKeys = hub and spoke (the README's \$EDITOR step), reload"
sed -i "s|^AllowedPublicKeys *=.*|AllowedPublicKeys = $HUB_KEY, $SPOKE_KEY|" /etc/wgx/relay.conf
grep -q "^AllowedPublicKeys = $HUB_KEY, $SPOKE_KEY$" /etc/wgx/relay.conf || fail "AllowedPublicKeys not set"
unit_exec relay wgx-relay.service ExecReload
ip netns exec relay wgx relay status

echo "== hub: wgx hub add-spoke; spoke: the add-hub command it printed"
(cd "$TOPO_DIR" && ip netns exec hub wgx hub add-spoke "$SPOKE_KEY" --name s1 \
	>"$TOPO_DIR/s1.conf" 2>"$TOPO_DIR/s1.err") || { cat "$TOPO_DIR/s1.err"; fail "hub add-spoke"; }
cat "$TOPO_DIR/s1.err"
hint=$(sed -n 's/^wgx:   wgx spoke add-hub /spoke add-hub /p' "$TOPO_DIR/s1.err")
[ -n "$hint" ] || fail "add-spoke printed no 'wgx spoke add-hub' command"
(umask 077; sed -n 's/^PresharedKey *= *//p' "$TOPO_DIR/s1.conf" | head -n 1 >"$TOPO_DIR/psk")
[ -s "$TOPO_DIR/psk" ] || fail "no PresharedKey in the spoke's configuration"
# shellcheck disable=SC2086
(cd "$TOPO_DIR" && ip netns exec spoke wgx $hint)

unit_exec hub wgx-hub@.service ExecStart hub
mapfile -t watch < <(sed -n 's/^ExecStart=//p' "$UNITDIR/wgx-hub-watch@.service")
read -ra watch <<<"${watch[0]//%i/hub}"
echo "[wgx-hub-watch@.service (hub) ExecStart, netns hub, in the background] ${watch[*]}"
topo_bg hub "${watch[@]}"
WATCH_LOG=$WGX_LOGDIR/bg-$TOPO_BG_COUNT-wgx.log
unit_exec spoke wgx-spoke@.service ExecStart spoke

start=$SECONDS
wait_until 120 ping_ok spoke 10.120.0.1 1 2>/dev/null
echo "spoke -> hub through the relay after $((SECONDS - start))s"
ping_ok spoke 10.120.0.1 3
ping_ok hub "$(sed -n 's/^Address *= *//p' "$TOPO_DIR/s1.conf" | head -n 1 | cut -d/ -f1)" 3
ip netns exec relay wgx relay routes
ip netns exec relay wgx relay routes --json | grep -q "$SPOKE_KEY" || fail "the relay has no route to the spoke"

echo "== systemctl reload wgx-hub@hub, wgx-spoke@spoke"
unit_exec hub wgx-hub@.service ExecReload hub
unit_exec spoke wgx-spoke@.service ExecReload spoke
start=$SECONDS
wait_until 120 ping_ok spoke 10.120.0.1 1 2>/dev/null
echo "spoke -> hub after the reloads: $((SECONDS - start))s"
ping_ok spoke 10.120.0.1 3

echo "== systemctl restart wgx-relay: the hub's watch declares the spoke again"
unit_exec relay wgx-relay.service ExecStop
unit_exec relay wgx-relay.service ExecStartPre
unit_exec relay wgx-relay.service ExecStart
start=$SECONDS
resynced() {
	ip netns exec relay wgx relay routes --json | grep -q "$SPOKE_KEY"
}
wait_until 240 resynced
echo "the watch re-declared the spoke $((SECONDS - start))s after the relay restart"
wait_until 240 ping_ok spoke 10.120.0.1 1 2>/dev/null
echo "spoke -> hub through the restarted relay after $((SECONDS - start))s"
echo "-- wgx hub watch's log:"
cat "$WATCH_LOG"

# ---------------------------------------------------------------- 4. removal
step "4. stop, unload, make uninstall, make dkms-uninstall"
kill "$TOPO_LAST_PID" 2>/dev/null || true
wait "$TOPO_LAST_PID" 2>/dev/null || true
unit_exec spoke wgx-spoke@.service ExecStop spoke
unit_exec hub wgx-hub@.service ExecStop hub
unit_exec relay wgx-relay.service ExecStop
assert_eq "$(ip netns exec relay wgx relay status --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" 0 "relays after ExecStop"
! ip -n hub link show wgx-hub >/dev/null 2>&1 || fail "wgx-hub still there after ExecStop"
modprobe -r wgx
! loaded wgx || fail "wgx still loaded after modprobe -r"

cd "$WGX_ROOT"
make --no-print-directory uninstall PREFIX=/usr/local
for f in "$WGX" /usr/local/share/man/man8/wgx.8 "$UNITDIR"/wgx-*; do
	[ ! -e "$f" ] || fail "make uninstall left $f"
done
make --no-print-directory dkms-uninstall
[ -z "$(dkms status wgx)" ] || fail "dkms still knows wgx: $(dkms status wgx)"
[ ! -e "/usr/src/wgx-$VERSION" ] || fail "/usr/src/wgx-$VERSION is still there"
! modinfo wgx >/dev/null 2>&1 || fail "modinfo still finds wgx: $(modinfo -n wgx)"
for f in "/lib/modules/$KVER/updates/dkms/"wgx.ko*; do
	[ ! -e "$f" ] || fail "$f left behind"
done

# ---------------------------------------------------------------- 5. dkms add .
if [ "${WGX_SLOW:-0}" != 1 ]; then
	step "5. (dkms add . && dkms install: a second build, only with WGX_SLOW=1, make check-slow)"
	step "done"
	exit 0
fi
step "5. dkms add . && dkms install wgx/$VERSION, in a copy of the source tree"
src=$(mktemp -d /tmp/wgx-src.XXXXXX)
tar -C "$WGX_ROOT" --exclude=./tests/logs --exclude=./tests/vm/.build --exclude=./.git -cf - . | tar -C "$src" -xf -
cd "$src"
dkms add .
start=$SECONDS
dkms install "wgx/$VERSION"
echo "dkms install took $((SECONDS - start))s"
assert_eq "$(dkms status wgx)" "wgx/$VERSION, $KVER, x86_64: installed" "dkms status after dkms add ."
modprobe wgx
assert_eq "$(cat /sys/module/wgx/version)" "$VERSION" "version of the module dkms add . built"
modprobe -r wgx
dkms remove "wgx/$VERSION" --all
[ -z "$(dkms status wgx)" ] || fail "dkms still knows wgx after dkms remove"
rm -rf "/usr/src/wgx-$VERSION"

step "done"
