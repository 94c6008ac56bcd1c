#!/bin/bash
# "synwatch monitor --multicast" reports only real loss (issue 24 item 3):
#
#   NS_A (198.18.0.1) veth0 <----> veth0 (198.18.0.2) NS_B
#   clients, spoofed SYN flood          server :8080, listener :80,
#                                       monitor --multicast (both groups)
#
# The kernel numbers the "conn" and "alert" groups each on its own; with
# conn events and flood alerts interleaved, a single counter over both
# saw a jump at every switch ("545 lost"). Nothing is lost here (the
# kernel's event_drop stays 0), so the monitor must report 0 lost, and
# the subscribe-mode monitor beside it too.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
need_built "$SW" "$SYNFLOOD"
need_module

two_ns_test
flood_target "$NS_B"
b "$SW" config set event_mask=all flood.hold_ms=1000 flood.update_ms=500 >/dev/null
b "$SW" flush >/dev/null
b "$SW" stats --reset >/dev/null
accept_loop "$NS_B" "$IP4_B" 8080
accept_loop "$NS_B" "$IP4_B" 80

# not through b(): $! must be the monitor (ip netns exec execs it)
ip netns exec "$NS_B" "$SW" monitor --multicast -j -b 64M > "$OUT/mc.out" 2> "$OUT/mc.err" &
MC=$!
defer kill "$MC"
ip netns exec "$NS_B" "$SW" monitor -j -b 64M > "$OUT/sub.out" 2> "$OUT/sub.err" &
SUB=$!
defer kill "$SUB"
shown() { grep -q "$2" "$1" 2>/dev/null; }
a python3 -c "import socket; socket.create_connection(('$IP4_B', 8080)).close()"
check "multicast monitor up" busywait 10000 shown "$OUT/mc.out" '"event":"new"'
check "subscribe monitor up" busywait 10000 shown "$OUT/sub.out" '"event":"new"'

# conn events and alerts interleaved: churn during a flood
a "$SYNFLOOD" -s 203.0.113.0/24 -d 4 -r 500 "$IP4_B" 80 > "$OUT/synflood.out" &
FLOOD=$!
check "flood start shown" busywait 30000 shown "$OUT/mc.out" '"event":"flood_start"'
a python3 -c "
import socket
for _ in range(400):
    socket.create_connection(('$IP4_B', 8080)).close()
"
flood_wait "$FLOOD"
check "flood end shown (multicast)" busywait 60000 shown "$OUT/mc.out" '"event":"flood_end"'
check "flood end shown (subscribe)" busywait 10000 shown "$OUT/sub.out" '"event":"flood_end"'
dropped=$(b "$SW" -j stats | python3 -c "import json,sys; print(json.load(sys.stdin)['event_drop'])")
check "kernel: no event dropped (event_drop 0)" test "$dropped" = 0
alerts=$(grep -c '"event":"flood_' "$OUT/mc.out" || true)
conns=$(grep -vc '"event":"flood_' "$OUT/mc.out" || true)
log "multicast monitor: $conns conn events, $alerts alerts"
check "both groups' events interleaved (alerts >= 3, conn events >= 1000)" \
	test "$alerts" -ge 3 -a "$conns" -ge 1000

kill -TERM "$MC" "$SUB"
rc=0
wait "$MC" || rc=$?
check "multicast monitor: SIGTERM, status 0" test "$rc" = 0
rc=0
wait "$SUB" || rc=$?
check "subscribe monitor: SIGTERM, status 0" test "$rc" = 0
log "multicast: $(tail -1 "$OUT/mc.err"); subscribe: $(tail -1 "$OUT/sub.err")"
check "multicast monitor: 0 lost" grep -qE "^[0-9]+ events shown, 0 lost$" "$OUT/mc.err"
no_loss_line() { ! grep -q "events lost" "$1"; }
check "multicast monitor: no loss line" no_loss_line "$OUT/mc.err"
check "subscribe monitor: 0 lost" grep -qE "^[0-9]+ events shown, 0 lost$" "$OUT/sub.err"
