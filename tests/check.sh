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
#   WGX_SLOW=1       also run the scenarios marked "# slow: yes"
#   WGX_TESTS=REGEX  run only the tests whose name (unit, or a scenario's
#                    file name without .sh) matches the extended regex,
#                    e.g. WGX_TESTS='^00-' or WGX_TESTS='unit|nat'
#   WGX_HOST_TESTS=0 skip the tests that run on the host (unit, kbuild): the
#                    debug-kernel run (tests/debug-kernel/check.sh) has only
#                    the VM scenarios
#   everything tests/vm/run.sh reads (WGX_TEST_TIMEOUT, WGX_TEST_VERBOSE,
#   WGX_VM_KERNEL, ...)

set -e

WGX_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$WGX_ROOT"

passed=0
failed=0

selected() {
	[ -z "${WGX_TESTS:-}" ] || printf '%s\n' "$1" | grep -qE -- "$WGX_TESTS"
}

# host_test NAME CMD...: a test that runs on the host, logged like the others.
host_test() {
	local name=$1 log rc=0 start secs
	shift
	[ "${WGX_HOST_TESTS:-1}" != 0 ] || return 0
	selected "$name" || return 0
	log=tests/logs/$name/output.txt
	mkdir -p "$(dirname "$log")"
	start=$(date +%s.%N)
	"$@" >"$log" 2>&1 || rc=$?
	secs=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
	if [ $rc = 0 ]; then
		echo "PASS $name (${secs}s)"
		passed=$((passed + 1))
	else
		echo "FAIL $name ($*: exit code $rc)"
		echo "---------- $log"
		cat "$log"
		echo "---------- end of $log"
		failed=$((failed + 1))
	fi
}

# ---- unit tests of the tool, and the module built against every installed
# kernel's headers (with sparse)
host_test unit make -C "$WGX_ROOT" unit
host_test kbuild make -C "$WGX_ROOT" -s kbuild-all
host_test fuzz make -C "$WGX_ROOT" -s fuzz-smoke
# ---- packaging: one version everywhere, make install/uninstall, systemd units,
# man page (packaging/check.sh)
host_test packaging make -C "$WGX_ROOT" -s packaging-check

# ---- VM scenarios
scenarios=()
for f in tests/scenarios/*.sh; do
	[ -e "$f" ] || continue
	# A scenario marked "# slow: yes" (e.g. a long build under TCG, 15-35
	# min) runs only with WGX_SLOW=1 (make check-slow), to keep CI well
	# inside its time limit.
	if grep -q '^# slow: yes' "$f" && [ "${WGX_SLOW:-0}" != 1 ]; then
		echo "SKIP $(basename "$f" .sh) (slow: run with WGX_SLOW=1 or make check-slow)"
		continue
	fi
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
