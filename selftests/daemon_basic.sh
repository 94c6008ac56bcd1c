#!/bin/bash
# synwatchd against the real module, in its own namespace:
#
#   NS_A (198.18.0.1) veth0 <----> veth0 (198.18.0.2) NS_B
#   synwatchd, client                   HTTP server on :8080
#
# The daemon logs every event of a connection as JSON lines, writes the
# metrics file atomically, keeps its config when a reload finds errors,
# picks up a good reload, and stops cleanly on SIGTERM.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
need_built "$SWD"
need_module

two_ns_test

cat > "$OUT/d.conf" <<CONF
events = all
syslog = no
log_file = $OUT/events.jsonl
log_max_bytes = 64k
metrics_file = $OUT/synwatch.prom
metrics_interval = 1s
CONF
check "config file checks out" "$SWD" -t -c "$OUT/d.conf"

# not through a(): $! must be the daemon (ip netns exec execs it)
ip netns exec "$NS_A" "$SWD" -f -c "$OUT/d.conf" 2> "$OUT/d.err" &
DPID=$!
defer kill "$DPID"
check "metrics file written" busywait 5000 test -s "$OUT/synwatch.prom"
check "metrics: module up" grep -q "^synwatch_up 1$" "$OUT/synwatch.prom"

b python3 -m http.server 8080 --bind "$IP4_B" >/dev/null 2>&1 &
defer kill $!
listening() { b python3 -c "import socket; socket.create_connection(('$IP4_B', 8080), 1).close()" 2>/dev/null; }
busywait 30000 listening
a python3 -c "
import socket
s = socket.create_connection(('$IP4_B', 8080))
s.send(b'GET / HTTP/1.0\r\n\r\n')
s.recv(100)
s.close()"

logged() { grep -q "$1" "$OUT/events.jsonl" 2>/dev/null; }
check "JSON log: NEW of the connection" busywait 5000 logged '"event":"new".*"remote_port":8080'
check "JSON log: its ESTABLISHED" busywait 5000 logged '"new_state":"established"'
check "JSON log: every line parses" \
	python3 -c "import json; [json.loads(l) for l in open('$OUT/events.jsonl')]"
check "metrics: connections by state" busywait 5000 grep -q '^synwatch_connections{state="' "$OUT/synwatch.prom"
check "metrics: no temporary file left" eval '! ls "$OUT" | grep -q "\.tmp\."'

# A bad reload keeps the running configuration; a good one applies.
echo "events = bogus" >> "$OUT/d.conf"
kill -HUP "$DPID"
check "bad reload reported with file:line" busywait 5000 grep -q "d.conf:7: events" "$OUT/d.err"
check "bad reload: old configuration kept" busywait 2000 grep -q "keeping the old one" "$OUT/d.err"
check "daemon still running" kill -0 "$DPID"
sed -i '$d' "$OUT/d.conf"
echo "log_file = $OUT/events2.jsonl" >> "$OUT/d.conf"
kill -HUP "$DPID"
check "good reload applied" busywait 5000 grep -q "configuration reloaded" "$OUT/d.err"

kill -TERM "$DPID"
rc=0
wait "$DPID" || rc=$?
check "SIGTERM: clean stop, status 0" test "$rc" = 0
check "stop message with counts" grep -q "stopped: [0-9]* events, 0 lost" "$OUT/d.err"
