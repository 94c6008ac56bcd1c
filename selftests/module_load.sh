#!/bin/bash
# synwatch.ko loads and unloads cleanly, and 20 load/unload cycles in a row
# leave no kernel warning, no leaked reference and the genl family gone.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

CYCLES=${CYCLES:-20}

require_root
require_cmd insmod rmmod modinfo genl
KO=$(synwatch_ko) || { fail "synwatch.ko not built for $(uname -r)"; exit 1; }

# Leave the module as we found it (the VM runner loads it before the suite).
was_loaded=0
[ -d /sys/module/synwatch ] && was_loaded=1
restore() {
	if [ "$was_loaded" = 1 ]; then synwatch_load; else rmmod synwatch 2>/dev/null || true; fi
}
defer restore

genl_present() { genl ctrl get name synwatch >/dev/null 2>&1; }
unload() { [ ! -d /sys/module/synwatch ] || rmmod synwatch; }

mark=$(dmesg_mark)
taint0=$(cat /proc/sys/kernel/tainted)

check "module unloads" unload
check "module gone from /sys/module" test ! -d /sys/module/synwatch
check "genl family synwatch gone after unload" eval '! genl_present'

check "module loads" synwatch_load
check "module live" grep -qx live /sys/module/synwatch/initstate
check "genl family synwatch registered" genl_present
check "no reference held while idle" test "$(cat /sys/module/synwatch/refcnt)" = 0
check "module unloads again" rmmod synwatch

# The cycles: any failure is reported once, with its iteration.
cycle_fail=
for ((i = 1; i <= CYCLES; i++)); do
	if ! insmod "$KO"; then cycle_fail="insmod failed in cycle $i"; break; fi
	if ! genl_present; then cycle_fail="no genl family in cycle $i"; break; fi
	if ! rmmod synwatch; then cycle_fail="rmmod failed in cycle $i"; break; fi
done
if [ -z "$cycle_fail" ]; then pass "$CYCLES load/unload cycles"; else fail "$cycle_fail"; fi

check "no kernel warning during the test" dmesg_check "$mark"
# W (512) is set by any WARN, even one that scrolled out of the log.
check "kernel not newly tainted by a warning" \
	test $(( ($(cat /proc/sys/kernel/tainted) & ~taint0) & 512 )) = 0
