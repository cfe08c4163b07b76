#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# In-VM test runner: started as PID 1 by the initramfs /init
# (tests/vm/init.sh) after switch_root into the VM's root, with the
# environment from the log folder's vm.env:
#
#   WGX_ROOT      the repository (same path as on the host)
#   WGX_LOGDIR    the per-test log folder (a writable 9p share, same path)
#   WGX_SCENARIO  the scenario script to run
#   WGX_TIMEOUT   seconds the scenario may run
#   WGX_TEST_VERBOSE=1 runs the scenario with bash -x
#
# It runs the scenario with its output in $WGX_LOGDIR/output.txt, then:
# collects diagnostics of the network namespaces still present, unloads wgx if
# it is still loaded, on a kernel with kmemleak (the debug kernel) scans for
# leaks, saves dmesg, writes the exit code and, only if all went well, the
# success marker.  Then it powers the VM off (it must not exit: PID 1 exiting
# is a kernel panic).
#
# Files written to $WGX_LOGDIR:
#   output.txt     the scenario's stdout and stderr
#   exit-code      the scenario's exit status (124 = timed out)
#   unload.txt     what happened when unloading wgx (only if it was loaded)
#   unload-failed  present if wgx could not be unloaded
#   ns-NAME.txt    diagnostics of each network namespace (tests/lib/diag.sh)
#   kmemleak.txt   kmemleak's suspected leaks after the unload (kernels with
#                  kmemleak only; empty = none), or why it could not scan
#   dmesg.txt      the kernel log after all of the above
#   success        the marker: the scenario exited 0 and wgx unloaded

set -u

# shellcheck source=tests/lib/diag.sh
. "$WGX_ROOT/tests/lib/diag.sh"

log() { echo "wgx-runner: $*"; }

# Power off, whatever happens: busybox poweroff -f is a plain reboot(2), the
# sysrq trigger a fallback.
power_off() {
	sync
	busybox poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 30
}
trap power_off EXIT

export WGX_ROOT WGX_LOGDIR
cd "$WGX_ROOT" || exit 1

rm -f "$WGX_LOGDIR/success" "$WGX_LOGDIR/exit-code" "$WGX_LOGDIR/unload-failed"

# WGX_TEST_VERBOSE=1: trace with time stamps and file:line (PS4 cannot be
# passed in the environment: bash ignores it when run as root).
run=(bash "$WGX_SCENARIO")
if [ "${WGX_TEST_VERBOSE:-0}" = 1 ]; then
	# shellcheck disable=SC2016
	run=(bash -c 'PS4="+ \${EPOCHREALTIME} \${BASH_SOURCE[0]##*/}:\${LINENO}: "; set -x; . "$1"' \
		"$WGX_SCENARIO" "$WGX_SCENARIO")
fi

# kmemleak (CONFIG_DEBUG_KMEMLEAK, without automatic scans): what was
# unreferenced before the scenario (boot-time allocations kmemleak cannot
# trace) is scanned for and cleared now, so that the scans after the unload
# report only what the scenario and wgx left behind.
KMEMLEAK=/sys/kernel/debug/kmemleak
mountpoint -q /sys/kernel/debug 2>/dev/null ||
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
rm -f "$WGX_LOGDIR/kmemleak.txt"
kmemleak=0
if [ -e "$KMEMLEAK" ]; then
	kmemleak=1
	t0=$(date +%s.%N)
	if echo scan >"$KMEMLEAK" && echo clear >"$KMEMLEAK"; then
		log "kmemleak: baseline scan and clear took $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }")s"
	else
		echo "kmemleak: the baseline scan failed (kmemleak disabled? see dmesg.txt)" >"$WGX_LOGDIR/kmemleak.txt"
		kmemleak=0
	fi
fi

log "scenario $WGX_SCENARIO, timeout ${WGX_TIMEOUT}s"
start=$(date +%s.%N)
# timeout(1) signals its whole process group: the scenario's bash gets
# SIGTERM and runs its EXIT trap (topology teardown + diagnostics); whatever
# is still alive 10 s later is killed.
timeout -k 10 "$WGX_TIMEOUT" "${run[@]}" \
	</dev/null >"$WGX_LOGDIR/output.txt" 2>&1
rc=$?
end=$(date +%s.%N)
log "scenario exited with $rc after $(awk "BEGIN { printf \"%.1f\", $end - $start }")s"
[ $rc = 124 ] && echo "*** timed out after ${WGX_TIMEOUT}s" >>"$WGX_LOGDIR/output.txt"

# Namespaces the scenario left behind (e.g. it was killed before its own
# teardown ran): save their state too.
wgx_diag_all_netns "$WGX_LOGDIR"

# Module unload check: a module that cannot be unloaded (leaked reference,
# busy device) fails the test.
unload_ok=1
if grep -q '^wgx ' /proc/modules; then
	log "wgx still loaded, unloading"
	{
		echo "# /proc/modules before rmmod:"
		grep '^wgx ' /proc/modules
		rmmod wgx 2>&1
		echo "# rmmod exit status: $?"
	} >"$WGX_LOGDIR/unload.txt" 2>&1
	if grep -q '^wgx ' /proc/modules; then
		unload_ok=0
		log "wgx could not be unloaded"
		echo "wgx still in /proc/modules after rmmod" >"$WGX_LOGDIR/unload-failed"
	fi
fi

# Leaks: kmemleak reports objects at least 5 s old that no scanned memory
# points to.  The first scan can still see stale pointers (stacks, registers,
# RCU callbacks in flight), hence a second one a few seconds later.  Any
# report fails the test (tests/vm/run.sh): no filter on wgx, because after
# the unload kmemleak can no longer name wgx's functions in a backtrace, and
# the harness scenario (no wgx) shows no leak at all.
if [ $kmemleak = 1 ]; then
	t0=$(date +%s.%N)
	sleep 5
	if echo scan >"$KMEMLEAK" && sleep 5 && echo scan >"$KMEMLEAK" &&
	   cat "$KMEMLEAK" >"$WGX_LOGDIR/kmemleak.txt"; then
		log "kmemleak: $(grep -c '^unreferenced object' "$WGX_LOGDIR/kmemleak.txt") suspected leaks ($(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $t0 }")s)"
	else
		echo "kmemleak: the scan after the unload failed (kmemleak disabled? see dmesg.txt)" >>"$WGX_LOGDIR/kmemleak.txt"
	fi
fi

dmesg >"$WGX_LOGDIR/dmesg.txt" 2>&1
echo $rc >"$WGX_LOGDIR/exit-code"
if [ $rc = 0 ] && [ $unload_ok = 1 ]; then
	echo ok >"$WGX_LOGDIR/success"
fi
log "done, powering off"
