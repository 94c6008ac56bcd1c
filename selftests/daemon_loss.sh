#!/bin/bash
# synwatchd losing events, and what it does about it:
#
#   NS_A (198.18.0.1) veth0 <----> veth0 (198.18.0.2) NS_B
#   300 clients, spoofed SYN flood       server :8080, listener :80,
#                                        synwatchd (events = all, 64k buffer)
#
# The daemon is stopped (SIGSTOP) while a burst of connections and a SYN
# flood happen, so its smallest receive buffer overflows for sure; after
# SIGCONT it must report the loss (message and JSON "lost" record),
# resynchronise from the kernel, and still deliver the flood alert
# (alert_command and its log), then the flood's end.  A buffer under the
# 64k minimum is refused with file:line.  The SIGHUP-with-a-bad-file case is
# daemon_basic's; rotation losing nothing is userspace/tests/test_daemon.c's.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
need_built "$SWD" "$SW"
need_built "$SYNFLOOD"
need_module

two_ns_test

flood_target "$NS_B"
b "$SW" config set flood.hold_ms=1000 flood.update_ms=1000 >/dev/null
b "$SW" flush >/dev/null

b python3 -c "
import socket
l80 = socket.socket(); l80.bind(('$IP4_B', 80)); l80.listen(16)
l = socket.socket(); l.bind(('$IP4_B', 8080)); l.listen(512)
while True:
    l.accept()[0].close()
" >/dev/null 2>&1 &
defer kill $!
listening() { b ss -Hltn "sport = :8080" | grep -q .; }
busywait 30000 listening

cat > "$OUT/alert.sh" <<EOF
#!/bin/sh
echo "\$SYNWATCH_EVENT \$SYNWATCH_LISTENER" >> $OUT/alerts.txt
EOF
chmod +x "$OUT/alert.sh"

cat > "$OUT/tiny.conf" <<CONF
syslog = no
buffer_size = 4k
CONF
rc=0
"$SWD" -t -c "$OUT/tiny.conf" 2> "$OUT/tiny.err" || rc=$?
check "buffer_size = 4k: refused, exit 1" test "$rc" = 1
check "buffer_size = 4k: file:line and the range" \
	grep -q "tiny.conf:2: buffer_size: '4k' is not a size from 64k to 1G" "$OUT/tiny.err"

cat > "$OUT/d.conf" <<CONF
events = all
syslog = no
buffer_size = 64k
loss_log_interval = 1s
log_file = $OUT/events.jsonl
log_max_bytes = 1G
alert_command = $OUT/alert.sh
alert_min_interval = 1s
CONF
check "config with the smallest buffer checks out" "$SWD" -t -c "$OUT/d.conf"

# not through b(): $! must be the daemon (ip netns exec execs it)
ip netns exec "$NS_B" "$SWD" -f -c "$OUT/d.conf" 2> "$OUT/d.err" &
DPID=$!
defer kill -CONT "$DPID"
defer kill "$DPID"
# the daemon is up once it has logged a first event
a python3 -c "import socket; socket.create_connection(('$IP4_B', 8080)).close()"
logged() { grep -q "$1" "$OUT/events.jsonl" 2>/dev/null; }
check "daemon up: a first connection logged" busywait 10000 logged '"event":"new".*"local_port":8080'

# The burst and the flood, while the daemon cannot read.
kill -STOP "$DPID"
a python3 -c "
import socket
for _ in range(300):
    socket.create_connection(('$IP4_B', 8080)).close()
"
a "$SYNFLOOD" -s 203.0.113.0/24 -d 3 -r 1000 "$IP4_B" 80 > "$OUT/synflood.out" &
FLOOD=$!
flooded() { b "$SW" -j listeners | python3 -c "import json,sys; assert [l for l in json.load(sys.stdin) if l['port'] == 80 and l['status'] == 'flood']" 2>/dev/null; }
check "kernel: flood on :80" busywait 30000 flooded
dropped=$(b "$SW" -j stats | python3 -c "import json,sys; print(json.load(sys.stdin)['event_drop'])" 2>/dev/null || echo "?")
log "events dropped by the kernel while the daemon was stopped: $dropped"
kill -CONT "$DPID"
flood_wait "$FLOOD"
log "synflood: $(cat "$OUT/synflood.out")"

errlog() { grep -qE "$1" "$OUT/d.err"; }
check "loss reported: N events lost, overruns, buffer size" \
	busywait 20000 errlog "[1-9][0-9]* events lost \([0-9]+ socket buffer overruns, buffer [0-9]+ bytes\); state resynchronised"
check "JSON log: a lost record" busywait 5000 logged '"event":"lost","time_ns":[0-9]*,"lost":[1-9]'
check "resync after the loss" busywait 20000 errlog "resync \(events lost\): [0-9]+ listeners, [0-9]+ in flood, [0-9]+ half-open connections"
check "flood alert delivered (daemon log)" \
	busywait 20000 errlog "flood (started|ongoing \((found on resync|start not seen)\)): .*$IP4_B:80"
alerted() { grep -qE "^flood-(start|ongoing) $IP4_B:80$" "$OUT/alerts.txt" 2>/dev/null; }
check "flood alert delivered (alert_command)" busywait 20000 alerted
log "alert path: $(grep -oE "flood (started|ongoing \([^)]*\))" "$OUT/d.err" | head -1)"
if logged '"event":"flood-start"'; then log "FLOOD_START made it to the JSON log"; fi
check "flood end: logged" busywait 60000 errlog "flood ended.*$IP4_B:80"
check "flood end: alert_command" busywait 10000 grep -qx "flood-end $IP4_B:80" "$OUT/alerts.txt"
check "JSON log: every line parses" \
	python3 -c "import json; [json.loads(l) for l in open('$OUT/events.jsonl')]"
check "daemon still running" kill -0 "$DPID"

kill -TERM "$DPID"
rc=0
wait "$DPID" || rc=$?
check "SIGTERM: clean stop, status 0" test "$rc" = 0
check "stop message counts the loss" grep -qE "stopped: [0-9]+ events, [1-9][0-9]* lost" "$OUT/d.err"
