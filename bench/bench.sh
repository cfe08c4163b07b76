#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: build the benchmark's helpers (bench/sender, bench/wgload),
# run bench/run.sh in the test VM (tests/vm/run.sh, log folder
# tests/logs/run/), then write the report to bench/results/ (Markdown, CSV,
# PNG chart, the raw figures and perf profiles; latest.* are copies of the
# newest) and put the table into README.md.
#
# Environment: everything tests/vm/run.sh reads (WGX_VM_ACCEL, WGX_VM_SMP,
# ...), WGX_BENCH_SECS, WGX_BENCH_PINGS, WGX_BENCH_SESSIONS,
# WGX_BENCH_PROFILE (see bench/run.sh), and WGX_BENCH_README=0 to leave
# README.md alone.
set -e

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
make -s -C bench
command -v gnuplot >/dev/null || echo "bench: gnuplot is not installed: no chart (apt-get install gnuplot-nox)" >&2

LOGDIR=${WGX_LOGROOT:-$ROOT/tests/logs}/run
mkdir -p "$(dirname "$LOGDIR")"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
rc=0
tests/vm/run.sh bench/run.sh | tee "$LOGDIR.result" || rc=$?
# The harness's verdict line decides (its exit status could be that of a
# harness edited while it ran).
if grep -q '^PASS run ' "$LOGDIR.result"; then rc=0; elif [ $rc = 0 ]; then rc=1; fi
rm -f "$LOGDIR.result"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
if [ ! -s "$LOGDIR/bench.tsv" ]; then
	echo "bench: the VM run failed (exit $rc); see $LOGDIR/output.txt" >&2
	exit 1
fi
{
	[ $rc = 0 ] || printf 'meta\tincomplete\tthe VM run failed (exit %s): figures missing\n' "$rc"
	printf 'meta\thost_cpu\t%s\n' "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	printf 'meta\thost_cpus\t%s\n' "$(nproc)"
	printf 'meta\tqemu\t%s\n' "$(qemu-system-x86_64 --version | head -n 1)"
	printf 'meta\thost_load\t%s (before), %s (after)\n' "$load_before" "$load_after"
	printf 'meta\tduration\t%s\n' "$(cat "$LOGDIR/duration")"
} >>"$LOGDIR/bench.tsv"
readme=(--readme README.md)
if [ "${WGX_BENCH_README:-1}" = 0 ] || [ $rc != 0 ]; then readme=(); fi
python3 bench/report.py "$LOGDIR" bench/results "${readme[@]}"
if [ $rc != 0 ]; then
	echo "bench: the VM run failed (exit $rc), the report is incomplete; see $LOGDIR/output.txt" >&2
	exit 1
fi
