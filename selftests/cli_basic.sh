#!/bin/bash
# synwatch CLI against the real module:
#
#   NS_A (198.18.0.1) veth0 <----> veth0 (198.18.0.2) NS_B
#   client, "synwatch monitor"          HTTP server on :8080
#
# One connection A -> B:8080 must show up in monitor (NEW [S] out, the
# handshake RTT on ESTABLISHED), in conns (with kernel-side filters), in
# listeners on B; JSON is well-formed; flush empties the table; errors map
# to the documented exit codes.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

cli_test_setup

b python3 -m http.server 8080 --bind "$IP4_B" >/dev/null 2>&1 &
defer kill $!
listening() { b python3 -c "import socket; socket.create_connection(('$IP4_B', 8080), 1).close()" 2>/dev/null; }
busywait 30000 listening
b "$SW" flush >/dev/null 2>&1 || true
a "$SW" flush >/dev/null 2>&1 || true
# The closed connection must outlive the test, slow as TCG may be: a
# CLOSED record otherwise goes after 10 s.
a "$SW" config set timeout.closed=600 timeout.time_wait=600 >/dev/null

a "$SW" monitor -t 20 -c 3 -e new,state dport 8080 > "$OUT/mon.txt" 2> "$OUT/mon.err" &
MON=$!
a "$SW" monitor -j -t 20 -c 3 -e new,state dport 8080 > "$OUT/mon.json" 2>/dev/null &
MONJ=$!
sleep 0.5	# the subscriptions must exist before the connection

a python3 -c "
import socket
s = socket.create_connection(('$IP4_B', 8080))
s.send(b'GET / HTTP/1.0\r\n\r\n')
s.recv(100)
s.close()"

seen() { grep -q "$1" "$OUT/mon.txt"; }
check "monitor: NEW SYN_SENT [S] out" busywait 5000 seen "NEW .*SYN_SENT .*\[S\] .*out $IP4_A:[0-9]* $IP4_B:8080"
check "monitor: SYN_SENT -> ESTABLISHED [S.] in, with RTT" \
	busywait 5000 seen "SYN_SENT -> ESTABLISHED .*\[S\.\] .*in .*rtt=[0-9]*\.[0-9][0-9][0-9]ms"
check "monitor: the filter kept other ports out" eval '! grep -qv ":8080" "$OUT/mon.txt"'
wait "$MONJ" || true
check "monitor -j -c 3: three JSON objects, one per line" \
	test "$(python3 -c "import json,sys; print(len([json.loads(l) for l in open('$OUT/mon.json')]))")" = 3
check "monitor -j: the first is a new event with sub_seq" \
	python3 -c "import json; e = json.loads(open('$OUT/mon.json').readline()); assert e['event'] == 'new' and e['tcp_flags'] == 'S' and e['sub_seq'] >= 1, e"

check "conns dport 8080: one connection" eval 'a "$SW" conns dport 8080 2>&1 | grep -q "1 entries"'
check "conns dport 9999: none" eval 'a "$SW" conns dport 9999 2>&1 | grep -q "^0 entries"'
check "conns -6: none" eval 'a "$SW" conns -6 2>&1 | grep -q "^0 entries"'
check "conns src/dst prefixes" eval 'a "$SW" conns src "$IP4_A/24" dst "$IP4_B" 2>&1 | grep -q "1 entries"'
check "conns -j: valid JSON, the connection with its RTT" \
	eval "a \"\$SW\" -j conns dport 8080 2>/dev/null | python3 -c \"import json,sys; c = json.load(sys.stdin); assert len(c) == 1 and c[0]['remote_port'] == 8080 and c[0]['syn_to_synack_us'] > 0, c\""
check "conns -N: the same from the root namespace" eval '"$SW" -N "$NS_A" conns dport 8080 2>&1 | grep -q "1 entries"'
check "listeners on B: :8080 completed a handshake" \
	eval "b \"\$SW\" -j listeners 2>/dev/null | python3 -c \"import json,sys; l = [x for x in json.load(sys.stdin) if x['port'] == 8080]; assert l and l[0]['completed'] >= 1 and l[0]['status'] == 'ok', l\""
check "stats: JSON with counters" \
	eval "a \"\$SW\" -j stats | python3 -c \"import json,sys; s = json.load(sys.stdin); assert s['pkts_out'] > 0 and 'invalid' in s, s\""

check "config set + get round trip" eval 'a "$SW" config set timeout.syn_recv=45s >/dev/null && test "$(a "$SW" config get timeout.syn_recv)" = 45s'
check "config: low above high refused, exit 1" eval 'a "$SW" config set flood.half_open_low=4000000000 2>/dev/null; test $? = 1'
check "unprivileged config set: exit 3" eval 'a setpriv --reuid=65534 --regid=65534 --clear-groups "$SW" config set max_conns=5 2>/dev/null; test $? = 3'
check "unprivileged reads work" a setpriv --reuid=65534 --regid=65534 --clear-groups "$SW" stats
check "bad filter: exit 1" eval 'a "$SW" conns sport ">" 99999 2>/dev/null; test $? = 1'

check "flush -> no connections" eval 'a "$SW" flush 2>/dev/null && a "$SW" conns 2>&1 | grep -q "^0 entries"'
# (a background function is a subshell: let -c end the monitor itself)
wait "$MON" || true
check "monitor -c 3: three events shown (NEW, ESTABLISHED, CLOSED), none lost" grep -q "^3 events shown, 0 lost" "$OUT/mon.err"
