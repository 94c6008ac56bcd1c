#!/bin/bash
# synwatchd's alert commands that hang (issue 24 item 4):
#
#   NS_A (198.18.0.1) veth0 <----> veth0 (198.18.0.2) NS_B
#   spoofed SYN flood                   listener :80, synwatchd
#
# The alert command starts a child and never ends. The daemon must end it
# after alert_command_timeout, its whole process group (the command and
# its child), log it and count it; and when the daemon stops, it must end
# the commands still running before it exits (none outlives it).
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
need_built "$SWD" "$SYNFLOOD"
need_module

two_ns_test
flood_target "$NS_B"
b "$SW" config set flood.hold_ms=1000 flood.update_ms=1000 >/dev/null
b "$SW" flush >/dev/null
accept_loop "$NS_B" "$IP4_B" 80

# The command: its pid and its child's, one line per run, then it waits.
cat > "$OUT/hang.sh" <<EOF2
#!/bin/sh
sleep 1000 &
echo "\$\$ \$!" >> $OUT/pids
wait
EOF2
chmod +x "$OUT/hang.sh"

# daemon_conf FILE TIMEOUT: alerts only, the hanging command
daemon_conf() {
	cat > "$1" <<CONF
events = alerts
syslog = no
alert_command = $OUT/hang.sh
alert_command_timeout = $2
alert_min_interval = 1h
metrics_file = $OUT/synwatch.prom
metrics_interval = 1s
CONF
}

# ended PID...: each is gone (or a zombie waiting for its reaper)
ended() {
	local p s
	for p in "$@"; do
		s=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
		[ -z "$s" ] || [ "$s" = Z ] || return 1
	done
}
pids_line() { sed -n "${1}p" "$OUT/pids" 2>/dev/null; }
have_pids() { [ "$(wc -l < "$OUT/pids" 2>/dev/null)" -ge "$1" ]; }
errlog() { grep -qE "$1" "$2"; }
flood() {
	a "$SYNFLOOD" -s 203.0.113.0/24 -d "$1" -r 1000 "$IP4_B" 80 > "$OUT/synflood.out" &
	FLOOD=$!
}

daemon_conf "$OUT/d.conf" 2s
check "config with alert_command_timeout checks out" "$SWD" -t -c "$OUT/d.conf"
daemon_conf "$OUT/bad.conf" 50ms
rc=0
"$SWD" -t -c "$OUT/bad.conf" 2> "$OUT/bad.err" || rc=$?
check "alert_command_timeout = 50ms: exit 1" test "$rc" = 1
check "alert_command_timeout = 50ms: refused with file:line" \
	grep -q "bad.conf:4: alert_command_timeout: '50ms' is too short (at least 100ms)" "$OUT/bad.err"

# 1. A hanging command ended by the timeout.
daemon_start "$NS_B" "$OUT/d.conf" "$OUT/d.err"
check "daemon up" busywait 10000 test -s "$OUT/synwatch.prom"
flood 3
check "flood alert: the command runs" busywait 30000 have_pids 1
read -r cmd child <<< "$(pids_line 1)"
log "command pid $cmd, its child $child"
check "timeout: logged" busywait 10000 errlog \
	"alert_command \(pid $cmd\) still running after [0-9.]+s \(alert_command_timeout\): ending its process group" "$OUT/d.err"
check "timeout: the command and its child ended" busywait 5000 ended "$cmd" "$child"
check "timeout: counted in the metrics" busywait 5000 \
	grep -q '^synwatch_daemon_alert_commands_total{result="timeout"} 1$' "$OUT/synwatch.prom"
check "timeout: not counted as failed" \
	grep -q '^synwatch_daemon_alert_commands_total{result="failed"} 0$' "$OUT/synwatch.prom"
flood_wait "$FLOOD"
check "flood end: logged" busywait 60000 errlog "flood ended.*$IP4_B:80" "$OUT/d.err"
daemon_stop "daemon (timeout)"

# 2. Commands still running when the daemon stops are ended with it.
daemon_conf "$OUT/d2.conf" 1h
b "$SW" flush >/dev/null
daemon_start "$NS_B" "$OUT/d2.conf" "$OUT/d2.err"
check "second daemon up" busywait 10000 errlog "started: " "$OUT/d2.err"
n=$(wc -l < "$OUT/pids")
flood 3
check "flood alert: the command runs again" busywait 30000 have_pids $((n + 1))
read -r cmd child <<< "$(pids_line $((n + 1)))"
daemon_stop "daemon (stop)"
check "stop: the running command ended, logged" \
	errlog "stopping: ended [1-9][0-9]* alert commands still running" "$OUT/d2.err"
check "stop: the command and its child did not outlive it" busywait 5000 ended "$cmd" "$child"
flood_wait "$FLOOD"
