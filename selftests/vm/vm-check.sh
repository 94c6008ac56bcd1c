#!/bin/bash
# `make check` VM part: one VM per kernel, each running the whole
# selftests/run_tests.sh, then one summary line for all of them.
#
#   vm-check.sh KERNEL... [-- TEST...]
#
# Fails if any VM run failed: a test failed, or the kernel complained on the
# console (run-vm.sh), or the VM crashed or timed out.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
kernels=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do kernels+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#kernels[@]} -gt 0 ] || kernels=(generic)

passed=0 failed=0 skipped=0 status=0 reports=()
for k in "${kernels[@]}"; do
	log=$ROOT/build/vm-$k.log
	rc=0
	VM_LOG=$log "$ROOT/selftests/vm/run-vm.sh" --kernel "$k" -- \
		"$ROOT/selftests/run_tests.sh" "$@" || rc=$?
	# run_tests.sh's closing line: "N passed, N failed[, N skipped]".
	line=$(tr -d '\r' < "$log" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n1 || true)
	if [ -z "$line" ]; then
		reports+=("$k: the suite did not finish (status $rc)")
		failed=$((failed + 1))
	else
		read -r p _ f _ s _ <<< "${line//,/}"
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${s:-0}))
		reports+=("$k: $line (VM status $rc)")
		# All tests passed but the kernel complained (splat, leak,
		# failed rmmod): count the VM run itself as one failure.
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			failed=$((failed + 1))
			reports+=("$k: +1 failed: kernel/VM health check")
		fi
	fi
	[ "$rc" = 0 ] || status=1
done

echo
printf 'vm-check: %s\n' "${reports[@]}"
[ "$status" = 0 ] || echo "vm-check: FAILED (see the run-vm lines above and build/vm-<kernel>.log)"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
exit "$status"
