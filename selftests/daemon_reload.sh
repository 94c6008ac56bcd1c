#!/bin/bash
# synwatchd and "synwatch monitor" across module reloads, and synwatchd
# started before the module (issue 24 item 2):
#
#   NS_A (198.18.0.1) veth0 <----> veth0 (198.18.0.2) NS_B
#   synwatchd, synwatch monitor,        server on :8080
#   clients from ports 40001...
#
# Each reload (rmmod; insmod) must be noticed by both (a line saying the
# module went away, then one saying it is back), and the connections made
# after it must be in the daemon's JSON log and in the output of a
# subscribing and of a --multicast monitor (the group ids may change);
# the daemon counts the reconnects in its metrics. A daemon started while
# the module is absent says that it waits, keeps running, and logs the
# connections made once the module is loaded.
#
# The reloads run on one vCPU: see cpus_offline_others in lib.sh.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
need_built "$SWD" "$SW"
need_module

RELOADS=3

cpus_offline_others
# whatever happens, the module is loaded with its defaults at the end
defer synwatch_load
two_ns_test

accept_loop "$NS_B" "$IP4_B" 8080

# connect_from PORT: one connection to the server, from that local port
connect_from() {
	a python3 -c "
import socket
s = socket.socket(); s.bind(('$IP4_A', $1)); s.connect(('$IP4_B', 8080)); s.close()"
}

cat > "$OUT/d.conf" <<CONF
events = all
syslog = no
log_file = $OUT/events.jsonl
log_max_bytes = 1G
metrics_file = $OUT/synwatch.prom
metrics_interval = 1s
CONF
check "config file checks out" "$SWD" -t -c "$OUT/d.conf"

daemon_start "$NS_A" "$OUT/d.conf" "$OUT/d.err"
# not through a(): $! must be the monitor (ip netns exec execs it)
ip netns exec "$NS_A" "$SW" monitor -j -e new > "$OUT/mon.out" 2> "$OUT/mon.err" &
MPID=$!
defer kill "$MPID"
# and one in the groups, whose ids may change with the family's
ip netns exec "$NS_A" "$SW" monitor --multicast -j -e new > "$OUT/mc.out" 2> "$OUT/mc.err" &
MCPID=$!
defer kill "$MCPID"

logged() { grep -q "$1" "$OUT/events.jsonl" 2>/dev/null; }
shown() { grep -q "$1" "$OUT/mon.out" 2>/dev/null; }
mc_shown() { grep -q "$1" "$OUT/mc.out" 2>/dev/null; }
# count_of FILE PATTERN N: FILE has exactly N lines matching PATTERN
count_of() { [ "$(grep -cE "$2" "$1" 2>/dev/null)" = "$3" ]; }

# both are up once they have shown a first connection
connect_from 40000
check "daemon up: a first connection logged" busywait 10000 logged '"event":"new".*"local_port":40000'
check "monitor up: a first connection shown" busywait 10000 shown '"event":"new".*"local_port":40000'
check "multicast monitor up: a first connection shown" busywait 10000 mc_shown '"event":"new".*"local_port":40000'

for i in $(seq 1 "$RELOADS"); do
	synwatch_unload
	check "reload $i: daemon says the module went away" \
		busywait 10000 count_of "$OUT/d.err" "the synwatch module went away" "$i"
	check "reload $i: monitor says the module went away" \
		busywait 10000 count_of "$OUT/mon.err" "the synwatch module went away" "$i"
	synwatch_load
	check "reload $i: daemon says the module is back" \
		busywait 10000 count_of "$OUT/d.err" "the synwatch module is back after [^:]*: family id [0-9]+, events resubscribed" "$i"
	check "reload $i: daemon resyncs" \
		busywait 10000 count_of "$OUT/d.err" "resync \(module reloaded\): " "$i"
	check "reload $i: monitor says the module is back" \
		busywait 10000 count_of "$OUT/mon.err" "the synwatch module is back: subscribed again" "$i"
	check "reload $i: multicast monitor says the module is back" \
		busywait 10000 count_of "$OUT/mc.err" "the synwatch module is back: subscribed again" "$i"
	connect_from $((40000 + i))
	check "reload $i: daemon logs a connection made after it" \
		busywait 10000 logged "\"event\":\"new\".*\"local_port\":$((40000 + i))"
	check "reload $i: monitor shows it" \
		busywait 10000 shown "\"event\":\"new\".*\"local_port\":$((40000 + i))"
	check "reload $i: multicast monitor shows it" \
		busywait 10000 mc_shown "\"event\":\"new\".*\"local_port\":$((40000 + i))"
done
check "metrics: $RELOADS reconnects" \
	busywait 5000 grep -q "^synwatch_daemon_reconnects_total $RELOADS$" "$OUT/synwatch.prom"
check "metrics: module up" busywait 5000 grep -q "^synwatch_up 1$" "$OUT/synwatch.prom"
no_enoent() { ! grep -q "No such file or directory" "$OUT/d.err"; }
check "daemon: no request failed against a vanished family" no_enoent
check "JSON log: every line parses" \
	python3 -c "import json; [json.loads(l) for l in open('$OUT/events.jsonl')]"
check "daemon still running" kill -0 "$DPID"
check "monitor still running" kill -0 "$MPID"
check "multicast monitor still running" kill -0 "$MCPID"

for m in "$MPID:$OUT/mon.err" "$MCPID:$OUT/mc.err"; do
	kill -TERM "${m%%:*}"
	rc=0
	wait "${m%%:*}" || rc=$?
	check "monitor ${m##*/}: SIGTERM, status 0" test "$rc" = 0
	check "monitor ${m##*/}: its summary counts no loss" \
		grep -qE "^[0-9]+ events shown, 0 lost$" "${m#*:}"
done
daemon_stop "daemon"
log "daemon: $(grep -cE "went away|is back" "$OUT/d.err") reload lines, $(grep -c '"event":"new"' "$OUT/events.jsonl") NEW events logged"

# Started without the module: it waits (and says so), then connects.
synwatch_unload
sed -i "s|^log_file = .*|log_file = $OUT/events2.jsonl|; s|^metrics_file = .*|metrics_file = $OUT/synwatch2.prom|" "$OUT/d.conf"
daemon_start "$NS_A" "$OUT/d.conf" "$OUT/d2.err"
check "absent at start: says it waits" \
	busywait 10000 grep -q "the synwatch module is not loaded (no generic netlink family \"synwatch\"): waiting for it" "$OUT/d2.err"
check "absent at start: metrics say synwatch_up 0" \
	busywait 5000 grep -q "^synwatch_up 0$" "$OUT/synwatch2.prom"
check "absent at start: still running" kill -0 "$DPID"
synwatch_load
check "absent at start: connects when it is loaded" \
	busywait 10000 grep -qE "the synwatch module is loaded: family id [0-9]+, events subscribed" "$OUT/d2.err"
connect_from 40100
check "absent at start: logs a connection made then" \
	busywait 10000 grep -q '"event":"new".*"local_port":40100' "$OUT/events2.jsonl"
check "absent at start: no reconnect counted" \
	busywait 5000 grep -q "^synwatch_daemon_reconnects_total 0$" "$OUT/synwatch2.prom"
daemon_stop "absent at start"
