#!/bin/bash
# More of the synwatch CLI against real traffic (cli_basic.sh has the rest):
#
#   NS_A (198.18.0.1, 2001:db8::1) veth0 <----> veth0 NS_B (.2, ::2)
#   clients from fixed ports              servers :8080 :8081 [::]:8443
#   "synwatch monitor"
#
# Three idle connections A -> B (40001 -> 8080, 40002 -> 8081, 40003 ->
# [B]:8443) are filtered with every kind of filter word, and each must return
# exactly the matching ones; the text headers are checked column by column,
# the JSON field names one by one; a scripted connection (orderly close,
# then one reset) must show every transition in monitor with its flags; the
# exit codes 0, 1 (usage), 2 (module not loaded, with the modprobe hint) and
# 3 (permission denied) are those documented.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

cli_test_setup

# Servers: accept and hold; a connection to :9000 is closed by B once
# $OUT/close9000 exists.
b python3 -c "
import os, select, socket, time
ls = []
for fam, addr, port in ((socket.AF_INET, '$IP4_B', 8080), (socket.AF_INET, '$IP4_B', 8081),
                        (socket.AF_INET6, '$IP6_B', 8443), (socket.AF_INET, '$IP4_B', 9000)):
    s = socket.socket(fam)
    s.bind((addr, port)); s.listen(16); ls.append(s)
held, c9000 = [], None
while True:
    r, _, _ = select.select(ls, [], [], 0.05)
    for s in r:
        c = s.accept()[0]
        if s is ls[3]: c9000 = c
        else: held.append(c)
    if c9000 and os.path.exists('$OUT/close9000'):
        c9000.close(); c9000 = None; os.unlink('$OUT/close9000')
" >/dev/null 2>&1 &
defer kill $!
listening() { test "$(b ss -Hltn | wc -l)" = 4; }
busywait 30000 listening
a "$SW" flush >/dev/null 2>&1
b "$SW" flush >/dev/null 2>&1

a python3 -c "
import socket, time
def conn(fam, src, sport, dst, dport):
    s = socket.socket(fam)
    s.bind((src, sport)); s.connect((dst, dport)); return s
c = [conn(socket.AF_INET, '$IP4_A', 40001, '$IP4_B', 8080),
     conn(socket.AF_INET, '$IP4_A', 40002, '$IP4_B', 8081),
     conn(socket.AF_INET6, '$IP6_A', 40003, '$IP6_B', 8443)]
open('$OUT/clients', 'w').close()
time.sleep(600)
" &
defer kill $!
busywait 30000 test -e "$OUT/clients"

# remote ports of the connections a filter returns, sorted
ports() {
	a "$SW" -j conns "$@" 2>/dev/null | python3 -c "import json,sys; print(' '.join(sorted(str(c['remote_port']) for c in json.load(sys.stdin))))"
}
three() { test "$(ports state established)" = "8080 8081 8443"; }
check "three connections established" busywait 10000 three

# filter words -> exactly the matching connections
while IFS='|' read -r want words; do
	# shellcheck disable=SC2086
	got=$(ports $words)
	if [ "$got" = "$want" ]; then
		pass "conns $words: [$want]"
	else
		fail "conns $words: [$got], expected [$want]"
	fi
done <<EOF
8080 8081 8443|
8080 8081|-4
8443|-6
8080 8081 8443|state established
|state syn-sent
|state half-open
8080 8081 8443|state connected
|exclude established
8080|dport 8080
8080|dport = 8080
8081 8443|dport != 8080
8080|dport < 8081
8080 8081|dport <= 8081
8081 8443|dport > 8080
8443|dport >= 8443
8080|sport 40001
8080 8443|sport != 40002
8080|sport < 40002
8081 8443|sport > 40001
8081|sport > 40001 dport < 8443
8080 8081|src $IP4_A
8080 8081|src 198.18.0.0/24
8080 8081|dst 198.18.0.0/16
|dst 198.18.1.0/24
8081|dst $IP4_B/32 sport 40002
8443|src 2001:db8::/64
8443|dst $IP6_B/128
|dst 2001:db8:1::/48
EOF

# text output: exact headers
a "$SW" conns -4 > "$OUT/conns.txt" 2> "$OUT/conns.err"
hdr=$(printf "%-12s %-16s %-15s %8s %10s" State Local Peer Age RTT)
check "conns: header line" test "$(head -1 "$OUT/conns.txt")" = "$hdr"
check "conns: a row per connection, in columns" \
	grep -qE "^ESTABLISHED  $IP4_A:40001 $IP4_B:8080 +[0-9][0-9.a-z]* +[0-9]+\.[0-9]{3}ms$" "$OUT/conns.txt"
check "conns: 2 entries on stderr" test "$(cat "$OUT/conns.err")" = "2 entries"
b "$SW" listeners > "$OUT/lst.txt" 2> "$OUT/lst.err"
hdr=$(printf "%-18s %9s %9s %9s %7s %9s %7s %7s %7s %6s %s" Listener SYN SYN-ACK Done Reset Half-open Unans Cookie Rate/s Compl% Status)
check "listeners: header line" test "$(head -1 "$OUT/lst.txt")" = "$hdr"
check "listeners: [$IP6_B]:8443 row" \
	grep -qE "^\[$IP6_B\]:8443 +1 +1 +1 +0 +0 +0 +0 +[0-9]+ +100% ok$" "$OUT/lst.txt"
check "listeners: 3 listeners on stderr" test "$(cat "$OUT/lst.err")" = "3 listeners"
a "$SW" stats > "$OUT/stats.txt"
check "stats: a table line" grep -qE "^table        [0-9]+/[0-9]+ \([0-9.]+%\)  this-netns [0-9]+  listeners [0-9]+$" "$OUT/stats.txt"
check "stats: invalid total and reasons" grep -qE "^invalid      [0-9]+$" "$OUT/stats.txt"

# JSON field names
jkeys() { python3 -c "import json,sys; d = json.load(sys.stdin); d = d[0] if isinstance(d, list) else d; print(' '.join(sorted(d)))"; }
keys=$(a "$SW" -j conns dport 8080 | jkeys)
for k in family state local_addr remote_addr local_port remote_port age_ms \
	state_age_ms idle_ms timeout_ms isn_local isn_remote mss_local mss_remote \
	syn_to_synack_us pkts_in pkts_out bytes_in bytes_out rtt_us; do
	check "conns -j: field $k" eval 'grep -qw "$k" <<< "$keys"'
done
keys=$(b "$SW" -j listeners | jkeys)
for k in family addr port syn_rx synack_tx completed half_open syn_rate \
	completion_pct status; do
	check "listeners -j: field $k" eval 'grep -qw "$k" <<< "$keys"'
done
keys=$(a "$SW" -j stats | jkeys)
for k in pkts_in pkts_out conn_new conn_destroy state_changes events_sent \
	event_drop conn_count conn_count_total conn_max mem_bytes listeners; do
	check "stats -j: field $k" eval 'grep -qw "$k" <<< "$keys"'
done

# monitor: every transition of a scripted connection, with its flags
a "$SW" config set timeout.time_wait=1s >/dev/null
a "$SW" monitor -t 60 -e new,state,destroy dport 9000 > "$OUT/mon.txt" 2> "$OUT/mon.err" &
MON=$!
defer kill "$MON"
sleep 0.5	# the subscription must exist before the connection
a python3 -c "
import os, socket, struct, time
s = socket.socket(); s.bind(('$IP4_A', 41000)); s.connect(('$IP4_B', 9000))
s.shutdown(socket.SHUT_WR)          # our FIN; B keeps its side open
time.sleep(0.5)
open('$OUT/close9000', 'w').close() # now B closes
while os.path.exists('$OUT/close9000'): time.sleep(0.05)
s.recv(1); s.close()
r = socket.socket(); r.bind(('$IP4_A', 41001)); r.connect(('$IP4_B', 9000))
r.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
r.close()                           # an abort: RST
"
C1="$IP4_A:41000 $IP4_B:9000"
C2="$IP4_A:41001 $IP4_B:9000"
T="[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}"
seen() { grep -qE "$1" "$OUT/mon.txt"; }
while IFS='|' read -r desc re; do
	check "monitor: $desc" busywait 10000 seen "$re"
done <<EOF
NEW SYN_SENT [S] out|^$T NEW +SYN_SENT +\[S\] +out $C1$
SYN_SENT -> ESTABLISHED [S.] in, rtt|^$T STATE +SYN_SENT -> ESTABLISHED +\[S\.\] +in +$C1 rtt=[0-9]+\.[0-9]{3}ms$
ESTABLISHED -> FIN_WAIT_1 [F.] out|^$T STATE +ESTABLISHED -> FIN_WAIT_1 +\[F\.\] +out $C1$
FIN_WAIT_1 -> FIN_WAIT_2 [.] in|^$T STATE +FIN_WAIT_1 -> FIN_WAIT_2 +\[\.\] +in +$C1$
FIN_WAIT_2 -> TIME_WAIT [F.] in|^$T STATE +FIN_WAIT_2 -> TIME_WAIT +\[F\.\] +in +$C1$
DESTROY after TIME_WAIT: local FIN, history ShAFaf|^$T DESTROY +TIME_WAIT +- +- +$C1 reason=local-fin closer=local history=ShAFaf rtt=[0-9.]+ms age=[0-9.]+[a-z]+$
second: NEW [S] out|^$T NEW +SYN_SENT +\[S\] +out $C2$
second: SYN_SENT -> ESTABLISHED [S.] in|^$T STATE +SYN_SENT -> ESTABLISHED +\[S\.\] +in +$C2 rtt=
second: abort, ESTABLISHED -> CLOSED [R.] out|^$T STATE +ESTABLISHED -> CLOSED +\[R\.\] +out $C2$
EOF
# the monitor has shown what it was asked for, or is stopped here
kill "$MON" 2>/dev/null || true
echo "--- monitor ---"; sed 's/^/| /' "$OUT/mon.txt"; echo "---------------"

# exit codes
rc=0; a "$SW" conns bogus >/dev/null 2>&1 || rc=$?
check "usage error: exit 1" test "$rc" = 1
rc=0; a "$SW" nosuchcommand >/dev/null 2>&1 || rc=$?
check "unknown command: exit 1" test "$rc" = 1
rc=0; a setpriv --reuid=65534 --regid=65534 --clear-groups "$SW" flush >/dev/null 2> "$OUT/perm.err" || rc=$?
check "unprivileged flush: exit 3" test "$rc" = 3
check "conns still there after the refused flush" test "$(ports state established)" = "8080 8081 8443"
rc=0; a "$SW" flush > /dev/null 2>&1 || rc=$?
check "flush: exit 0" test "$rc" = 0

# module not loaded: rmmod (nothing of ours holds it), then load it back;
# reap the monitor killed above (its status is the signal's)
wait "$MON" 2>/dev/null || true
defer synwatch_load
if rmmod synwatch 2> "$OUT/rmmod.err"; then
	rc=0; "$SW" stats > /dev/null 2> "$OUT/nomod.err" || rc=$?
	check "module not loaded: exit 2" test "$rc" = 2
	check "module not loaded: the modprobe hint" grep -qx "hint: run: modprobe synwatch" "$OUT/nomod.err"
	check "module loaded back" synwatch_load
	rc=0; "$SW" stats > /dev/null 2>&1 || rc=$?
	check "stats: exit 0 again" test "$rc" = 0
else
	fail "rmmod synwatch: $(cat "$OUT/rmmod.err")"
fi
