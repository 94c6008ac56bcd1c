#!/bin/sh
# Runs each kselftest-harness test binary given as an argument, keeps its
# TAP output, and ends with one summary line that CI tools recognise:
# "userspace: N passed, N failed". Exits non-zero if any test failed.
pass=0
fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	p=$(printf '%s\n' "$out" | grep -c '^ok ')
	f=$(printf '%s\n' "$out" | grep -c '^not ok ')
	pass=$((pass + p))
	fail=$((fail + f))
	# a crash before any TAP line still has to count as a failure
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $t exited with status $rc"
		fail=$((fail + 1))
	fi
done
echo "userspace: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
