#!/bin/bash
# "synwatch top" on a real terminal (a detached tmux pane of fixed size):
#
#   NS_A (198.18.0.1) veth0 <----> veth0 (198.18.0.2) NS_B
#   3 idle clients of :8080,            listeners :8080 (accepts) and :80
#   spoofed SYN flood on :80            (never accepts), "synwatch top"
#
# B replies to the spoofed sources through a dummy device.  Once the screen
# shows the flood, one capture of it is checked where it is deterministic:
# the title, the STATES line (ESTABLISHED 3), the listener header, :80 (the
# most half-open, FLOOD, a sparkline) above :8080 (0 half-open, 100%
# completion, ok), the alert in progress.  'q' quits with status 0.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 tmux
need_built "$SW"
need_built "$SYNFLOOD"
need_module

two_ns_test

flood_target "$NS_B"

b python3 -c "
import socket
l80 = socket.socket(); l80.bind(('$IP4_B', 80)); l80.listen(16)
l = socket.socket(); l.bind(('$IP4_B', 8080)); l.listen(16)
held = []
while True:
    held.append(l.accept()[0])
" >/dev/null 2>&1 &
defer kill $!
listening() { b ss -Hltn "sport = :8080" | grep -q .; }
busywait 30000 listening
b "$SW" flush >/dev/null

# three connections that stay open
a python3 -c "
import socket, sys, time
c = [socket.create_connection(('$IP4_B', 8080)) for _ in range(3)]
open('$OUT/clients', 'w').close()
time.sleep(600)
" &
defer kill $!
busywait 30000 test -e "$OUT/clients"
established() { test "$(b "$SW" conns -j state established | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 3; }
check "three connections established in B" busywait 10000 established

TM=(tmux -u -S "$OUT/tmux.sock")
defer "${TM[@]}" kill-server
LC_ALL=C.UTF-8 "${TM[@]}" new-session -d -s top -x 100 -y 30 \
	"ip netns exec $NS_B $SW top; echo \$? > $OUT/top.rc"
capture() { "${TM[@]}" capture-pane -p -t top > "$OUT/screen.new" 2>/dev/null; }
shows_listener() { capture && grep -q "^$IP4_B:8080 " "$OUT/screen.new"; }
check "top shows the :8080 listener" busywait 30000 shows_listener

a "$SYNFLOOD" -s 203.0.113.0/24 -d 2 -r 1000 "$IP4_B" 80 > "$OUT/synflood.out" &
FLOOD=$!
# one frame with everything: the flood listed and alerted, both listeners
frame() {
	capture || return 1
	grep -q "^$IP4_B:80 .* FLOOD " "$OUT/screen.new" &&
		grep -q "^  FLOOD $IP4_B:80 " "$OUT/screen.new" &&
		grep -q "^$IP4_B:8080 " "$OUT/screen.new" &&
		mv "$OUT/screen.new" "$OUT/screen"
}
check "top shows the flood" busywait 30000 frame
flood_wait "$FLOOD"
log "synflood: $(cat "$OUT/synflood.out")"
[ -f "$OUT/screen" ] || { fail "no frame with the flood"; exit 1; }
echo "--- screen ---"
sed 's/^/| /' "$OUT/screen"
echo "--------------"

S=$OUT/screen
line_of() { grep -n "$1" "$S" | head -1 | cut -d: -f1; }
check "title: listeners 2, q quits" \
	grep -qE "^synwatch top  [0-9]{2}:[0-9]{2}:[0-9]{2}  table [0-9]+/[0-9]+ \([0-9]+\.[0-9]%\)  listeners 2  events dropped [0-9]+   \(q quits\)$" "$S"
check "STATES: SYN_RECV of the flood, ESTABLISHED 3" \
	grep -qE "^STATES  (.* )?SYN_RECV [0-9]+ ESTABLISHED 3( |$)" "$S"
hdr=$(printf "%-28s %9s %7s %6s %-12s %s" LISTENER HALF-OPEN RATE/s COMPL STATUS "SYN RATE")
check "listener header: exact columns" grep -qxF "$hdr" "$S"
check "header, then :80, then :8080 (by half-open)" \
	test "$(line_of "^LISTENER ")" -lt "$(line_of "^$IP4_B:80 ")" -a \
	"$(line_of "^$IP4_B:80 ")" -lt "$(line_of "^$IP4_B:8080 ")"
check ":80 row: half-open > 256, FLOOD" \
	grep -qE "^$IP4_B:80 {15} +(2[5-9][0-9]|[3-9][0-9]{2}|[0-9]{4,}) +[0-9]+ +[0-9]+% FLOOD " "$S"
# (bars as alternatives: a bracket of multibyte characters needs a locale)
check ":80 row: a sparkline of its SYN rate" \
	grep -qE "^$IP4_B:80 .* FLOOD +.*(▁|▂|▃|▄|▅|▆|▇|█)" "$S"
check ":8080 row: no half-open, 100% completed, ok" \
	grep -qE "^$IP4_B:8080 {13} +0 +[0-9]+ +100% ok( |$)" "$S"
alert_line() { grep -A1 -x "ALERTS IN PROGRESS" "$S" | tail -1 | grep -qE "$1"; }
check "ALERTS IN PROGRESS: the flood on :80" \
	alert_line "^  FLOOD $IP4_B:80 half-open [0-9]+ rate [0-9]+/s peak [0-9]+/s completion [0-9]+%$"

"${TM[@]}" send-keys -t top q
check "q quits" busywait 10000 test -s "$OUT/top.rc"
check "exit status 0" test "$(cat "$OUT/top.rc" 2>/dev/null)" = 0
