#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every test: the unit tests (as one test named "unit"), then each VM
# scenario in tests/scenarios/ (tests/vm/run.sh).  Builds nothing: `make
# check` builds the module and the tools first.
#
# Output: the tests' own lines (PASS/FAIL ...), then exactly one final line
# "N passed, N failed".  Exit status 0 only if every test passed (and at
# least one ran).
#
# Environment:
#   WGX_TESTS=REGEX  run only the tests whose name (unit, or a scenario's
#                    file name without .sh) matches the extended regex,
#                    e.g. WGX_TESTS='^00-' or WGX_TESTS='unit|nat'
#   everything tests/vm/run.sh reads (WGX_TEST_TIMEOUT, WGX_TEST_VERBOSE, ...)

set -e

WGX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$WGX_ROOT"

passed=0
failed=0

selected() {
	[ -z "${WGX_TESTS:-}" ] || printf '%s\n' "$1" | grep -qE -- "$WGX_TESTS"
}

# ---- unit tests: the first of these that exists
unit=()
if grep -qE '^unit[[:space:]]*:' Makefile 2>/dev/null; then
	unit=(make -C "$WGX_ROOT" unit)
elif [ -x tools/tests/run ]; then
	unit=(tools/tests/run)
elif grep -qE '^check-unit[[:space:]]*:' tools/Makefile 2>/dev/null; then
	unit=(make -C tools check-unit)
fi
if [ ${#unit[@]} -gt 0 ] && selected unit; then
	log=tests/logs/unit/output.txt
	mkdir -p "$(dirname "$log")"
	start=$(date +%s.%N)
	rc=0
	"${unit[@]}" >"$log" 2>&1 || rc=$?
	secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
	if [ $rc = 0 ]; then
		echo "PASS unit (${secs}s)"
		passed=$((passed + 1))
	else
		echo "FAIL unit (${unit[*]}: exit code $rc)"
		echo "---------- $log"
		cat "$log"
		echo "---------- end of $log"
		failed=$((failed + 1))
	fi
fi

# ---- VM scenarios
scenarios=()
for f in tests/scenarios/*.sh; do
	[ -e "$f" ] || continue
	selected "$(basename "$f" .sh)" && scenarios+=("$f")
done
if [ ${#scenarios[@]} -gt 0 ]; then
	out=$(mktemp)
	tests/vm/run.sh "${scenarios[@]}" | tee "$out"
	rc=${PIPESTATUS[0]}
	summary=$(sed -n 's/^vm: \([0-9]\+\) passed, \([0-9]\+\) failed$/\1 \2/p' "$out" | tail -n 1)
	rm -f "$out"
	if [ -n "$summary" ]; then
		passed=$((passed + ${summary% *}))
		failed=$((failed + ${summary#* }))
	else
		# The harness itself failed (no VM, no kernel, ...).
		echo "FAIL vm (tests/vm/run.sh exited with $rc without a summary)"
		failed=$((failed + 1))
	fi
fi

if [ $((passed + failed)) = 0 ]; then
	echo "no test selected${WGX_TESTS:+ by WGX_TESTS=\"$WGX_TESTS\"}" >&2
	echo "0 passed, 0 failed"
	exit 1
fi
echo "$passed passed, $failed failed"
[ $failed = 0 ]
