#!/bin/bash
# The benchmark's load generators (bench/: tcp_rr, tcp_churn; and
# selftests/synflood.c, as make bench runs it) work: each runs for a few
# hundred milliseconds between two namespaces and prints one valid JSON
# line with a non-zero result and no errors. So does bench/evsink, the
# event reader of the diagnostic configuration (n): it receives exactly
# the events the kernel sent. Not the benchmark itself (`make bench`).
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

BIN=$REPO_DIR/bench/build

require_root
require_cmd ip python3
need_built "$BIN/tcp_rr" "$BIN/tcp_churn" "$SYNFLOOD"

setup_two_ns

# json_ok LINE EXPR: LINE is one JSON object for which the Python
# expression EXPR (over r) holds.
json_ok() {
	python3 -c 'import json, sys; r = json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$1" "$2"
}

ns_exec "$NS_B" "$BIN/tcp_rr" server -p 7001 &
defer kill $!
ns_exec "$NS_B" "$BIN/tcp_churn" server -p 7002 &
defer kill $!

for addr in "$IP4_B" "$IP6_B"; do
	out=$(ns_exec "$NS_A" "$BIN/tcp_rr" client -a "$addr" -p 7001 -d 0.3 -w 0.05 -c 2) ||
		fail "tcp_rr client to $addr exited with $?"
	log "$out"
	check "tcp_rr to $addr: transactions, no errors" \
		json_ok "$out" 'r["test"] == "tcp_rr" and r["transactions"] > 0 and r["errors"] == 0'

	out=$(ns_exec "$NS_A" "$BIN/tcp_churn" client -a "$addr" -p 7002 -d 0.3 -w 0.05 -c 4) ||
		fail "tcp_churn client to $addr exited with $?"
	log "$out"
	check "tcp_churn to $addr: connections, no errors" \
		json_ok "$out" 'r["test"] == "tcp_churn" and r["connections"] > 0 and r["errors"] == 0'

	# hold: 3 idle connections for 0.2 s, then a clean exit
	out=$(ns_exec "$NS_A" "$BIN/tcp_rr" hold -a "$addr" -p 7001 -d 0.2 -c 3) ||
		fail "tcp_rr hold to $addr exited with $?"
	log "$out"
	check "tcp_rr hold to $addr: 3 connections held" \
		json_ok "$out" 'r["test"] == "tcp_hold" and r["conns"] == 3'
done

insegs() {
	ns_exec "$NS_B" awk '/^Tcp:/ { if (h) { print $11; exit } h = 1 }' /proc/net/snmp
}
# Tcp: field 11 is InSegs (RFC 1213 order); make sure it is.
check "InSegs is /proc/net/snmp's Tcp field 11" \
	test "$(ns_exec "$NS_B" awk '/^Tcp:/ { print $11; exit }' /proc/net/snmp)" = InSegs
mac=$(ns_exec "$NS_B" cat /sys/class/net/veth0/address)
before=$(insegs)
out=$(ns_exec "$NS_A" "$SYNFLOOD" -i veth0 -m "$mac" -c 500 -d 2 -j "$IP4_B" 7002) ||
	fail "synflood exited with $?"
log "$out"
check "synflood: sent 500 SYNs" json_ok "$out" 'r["test"] == "synflood" and r["sent"] == 500'
busywait 2000 test $(($(insegs) - before)) -ge 500
check "the target's TCP took in the 500 spoofed SYNs" test $(($(insegs) - before)) -ge 500

# evsink, the reader of make bench's (n): it gets every event the kernel
# sent its netns, exactly. A flush at the end leaves nothing that could
# make an event later (no record; the listener tick makes none unflooded).
need_module
need_built "$BIN/evsink" "$SW"
sent() {
	ns_exec "$NS_B" "$SW" stats -j | python3 -c '
import json, sys
print(json.load(sys.stdin)["events_sent"])'
}
before=$(sent)
sinklog=$(mktemp)
defer rm -f "$sinklog"
# not ns_exec, a function: $! must be evsink itself (ip execs it)
ip netns exec "$NS_B" "$BIN/evsink" 2> "$sinklog" &
sink=$!
defer kill $sink
busywait 5000 grep -q started "$sinklog" || fail "evsink did not start: $(cat "$sinklog")"
out=$(ns_exec "$NS_A" "$BIN/tcp_churn" client -a "$IP4_B" -p 7002 -d 0.3 -w 0.05 -c 4) ||
	fail "tcp_churn client exited with $?"
conns=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["connections"])' "$out")
ns_exec "$NS_B" "$SW" flush > /dev/null || fail "synwatch flush failed"
# the last batch goes by its timer (SYNWATCH_BATCH_DELAY_MS): wait until
# the count holds still
after=$(sent)
for _ in $(seq 50); do
	sleep 0.1
	now=$(sent)
	[ "$now" = "$after" ] && break
	after=$now
done
kill -TERM $sink
rc=0
wait $sink || rc=$?
log "$(cat "$sinklog"); $conns connections; events_sent $before -> $after"
check "evsink exits 0 on SIGTERM" test $rc -eq 0
msgs=$(sed -n 's/^evsink: [0-9]* datagrams, \([0-9]*\) messages, 0 overruns$/\1/p' "$sinklog")
check "evsink: no overrun, a message count" test -n "$msgs"
check "evsink: at least 4 events a connection" test "${msgs:-0}" -ge $((4 * conns))
check "evsink got every event sent to the netns ($((after - before)))" \
	test "${msgs:--1}" -eq $((after - before))
