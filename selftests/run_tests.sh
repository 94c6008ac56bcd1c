#!/bin/bash
# Run the synwatch selftests (inside the test VM, as root) and print TAP.
#
#   run_tests.sh [NAME...]     default: every test listed in selftests/TESTS
#
# selftests/TESTS has one test a line: NAME [TIMEOUT_SECONDS]; '#' starts a
# comment.  NAME is the C selftest selftests/build/NAME or the shell selftest
# selftests/NAME.sh.  Each runs from the repository root with a timeout
# (TEST_TIMEOUT, default 300 s; every timeout is multiplied by
# TEST_TIMEOUT_SCALE, default 5 on the KASAN/lockdep debug kernel, else 1) and
# its output indented as TAP comments.  The stress_* tests (the reliability
# suite) do STRESS_SCALE times their work (default 1; make stress: 5), and
# get STRESS_SCALE times their timeout.
# Exit status 4 (KSFT_SKIP) is a skip.  Closes with "N passed, N failed"
# (", N skipped") and exits non-zero if a test failed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
KSFT_SKIP=4
case "$(uname -r)" in
*-synwatch-debug) TEST_TIMEOUT_SCALE=${TEST_TIMEOUT_SCALE:-5} ;;
*) TEST_TIMEOUT_SCALE=${TEST_TIMEOUT_SCALE:-1} ;;
esac
# the tests' own latency budgets scale with it too (selftests/lib/util.h, st_slow_scale())
export TEST_TIMEOUT_SCALE

# The module the tests exercise (run-vm.sh passes the one it loaded).
SYNWATCH_KO=${SYNWATCH_KO:-${SW_MODULE:-}}
export SYNWATCH_KO

declare -a names timeouts
while read -r name timeout _; do
	case "$name" in '' | '#'*) continue ;; esac
	names+=("$name")
	timeouts+=("${timeout:-$TEST_TIMEOUT}")
done < "$HERE/TESTS"

if [ $# -gt 0 ]; then
	# Keep the requested tests, with their timeouts from TESTS if listed.
	declare -a want_names want_timeouts
	for want in "$@"; do
		t=$TEST_TIMEOUT
		for i in "${!names[@]}"; do
			[ "${names[i]}" = "$want" ] && t=${timeouts[i]}
		done
		want_names+=("$want")
		want_timeouts+=("$t")
	done
	names=("${want_names[@]}")
	timeouts=("${want_timeouts[@]}")
fi

# Marks in the kernel log tie a splat on the console to the test that ran.
kmsg() { echo "run_tests: $*" > /dev/kmsg 2>/dev/null || true; }

cd "$ROOT"
echo "TAP version 13"
echo "1..${#names[@]}"
passed=0 failed=0 skipped=0 n=0
for i in "${!names[@]}"; do
	name=${names[i]}
	n=$((n + 1))
	if [ -x "$HERE/build/$name" ]; then
		cmd=("$HERE/build/$name")
	elif [ -f "$HERE/$name.sh" ]; then
		cmd=(bash "$HERE/$name.sh")
	else
		echo "# $name: no selftests/build/$name nor selftests/$name.sh"
		echo "not ok $n $name # not found"
		failed=$((failed + 1))
		continue
	fi

	limit=$((timeouts[i] * TEST_TIMEOUT_SCALE))
	# the reliability suite does STRESS_SCALE times the work (make stress)
	case "$name" in stress_*) limit=$((limit * ${STRESS_SCALE:-1})) ;; esac
	echo "# selftest: $name"
	kmsg "begin $name"
	start=$SECONDS
	# The test's output goes through sed to become TAP comments.  Not a
	# plain pipe: a background process the test forgot would keep the pipe
	# open and hang the suite.  timeout(1) leads its own process group, so
	# whatever is left of the test is killed once it has finished.
	exec {out}> >(sed -u 's/^/# /')
	sed_pid=$!
	timeout -k 10 "$limit" "${cmd[@]}" </dev/null >&"$out" 2>&1 &
	pid=$!
	exec {out}>&-
	rc=0
	wait "$pid" || rc=$?
	kill -KILL -- "-$pid" 2>/dev/null || true
	wait "$sed_pid" || true
	took="$((SECONDS - start))s"

	if [ "$rc" = 0 ]; then
		echo "ok $n $name # ${took}"
		passed=$((passed + 1))
	elif [ "$rc" = "$KSFT_SKIP" ]; then
		echo "ok $n $name # SKIP"
		skipped=$((skipped + 1))
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		echo "not ok $n $name # TIMEOUT ${limit}s"
		failed=$((failed + 1))
	else
		echo "not ok $n $name # exit=$rc ${took}"
		failed=$((failed + 1))
	fi
done

if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" = 0 ]
