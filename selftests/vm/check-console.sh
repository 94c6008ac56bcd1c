#!/bin/bash
# Scan a VM console log for kernel splats.
#
#   check-console.sh LOG
#
# Prints every offending kernel line and exits 1 if there is one.  Only
# kernel messages are looked at (lines carrying a printk timestamp, which
# run-vm.sh forces with printk.time=1), so a test printing e.g. "BUG:" in its
# own output does not count.  VM_CONSOLE_IGNORE may hold an extended regex of
# known-benign kernel lines to skip.
set -euo pipefail

LOG=${1:?usage: check-console.sh LOG}

# Kernel-side signs of trouble.  They are matched case-sensitively so that
# boot banners such as "kmemleak: Kernel memory leak detector initialized" or
# lockdep's "MAX_LOCKDEP_SUBCLASSES" table do not count.
PATTERNS=(
	'WARNING:'			# WARN*(), lockdep and RCU-lockdep splats
	'BUG:'				# BUG: KASAN, sleeping in atomic, soft lockup...
	'kernel BUG at'
	'Oops'
	'general protection'
	'Unable to handle kernel'
	'Kernel panic'
	'Call Trace:'
	'possible recursive locking'
	'possible circular locking'
	'inconsistent lock state'
	'possible irq lock inversion'
	'suspicious RCU usage'
	'DEBUG_LOCKS_WARN_ON'
	'INFO: lockdep is turned off'
	'detected stall'		# rcu: INFO: rcu_* (self-)detected stall(s) on CPUs/tasks
	'RCU stall'
	'soft lockup'
	'hard LOCKUP'
	'hung_task'
	'blocked for more than'
	'KASAN:'
	'UBSAN:'
	'unreferenced object'		# kmemleak report
	'suspected memory leak'		# kmemleak: N new suspected memory leaks
	'refcount_t:'
	'list_add corruption'
	'list_del corruption'
)

regex=$(printf "%s|" "${PATTERNS[@]}")
regex="\\[ *[0-9]+\\.[0-9]+\\] .*(${regex%|})"

hits=$(tr -d '\r' < "$LOG" | grep -E -- "$regex" || true)
if [ -n "${VM_CONSOLE_IGNORE:-}" ] && [ -n "$hits" ]; then
	hits=$(grep -Ev -- "$VM_CONSOLE_IGNORE" <<< "$hits" || true)
fi
if [ -n "$hits" ]; then
	echo "check-console: kernel problems in $LOG:"
	printf '%s\n' "$hits" | head -n 50
	exit 1
fi
