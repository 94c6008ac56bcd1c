#!/bin/bash
# The foundation's promise, end to end through the CLI: a TCP connection
# between two netns over veth is counted, for IPv4 and IPv6, and
# `synwatch stats` shows the counts; an unprivileged user reads them but
# gets EPERM on a reset, root resets them.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

cli_test_setup

# One counter of `synwatch stats -j` in a netns: stat NS KEY
stat() {
	ns_exec "$1" "$SW" stats -j | python3 -c '
import json, sys
print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# One connection to addr:port, 5 bytes each way, closed by the client.
serve() {
	b python3 -c '
import socket, sys
fam = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
s = socket.socket(fam)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen()
print("ready", flush=True)
c, _ = s.accept()
c.sendall(c.recv(5))
c.recv(5)
c.close()' "$1" "$2"
}
client() {
	a python3 -c '
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), 5)
c.sendall(b"hello")
assert c.recv(5) == b"hello"
c.close()' "$1" "$2"
}

n=0
for addr in "$IP4_B" "$IP6_B"; do
	n=$((n + 1))
	serve "$addr" 8080 > "$OUT/serve$n" &
	busywait 10000 grep -q ready "$OUT/serve$n"
	check "connection to $addr" client "$addr" 8080
	wait
	check "$addr: A counts $n new connection(s)" \
		test "$(stat "$NS_A" conn_new)" = "$n"
	check "$addr: B counts $n new connection(s)" \
		test "$(stat "$NS_B" conn_new)" = "$n"
done
# A: SYN, ACK, data, FIN... at least 4 segments out per connection
check "A counts packets out" test "$(stat "$NS_A" pkts_out)" -ge 8
check "B counts packets in" test "$(stat "$NS_B" pkts_in)" -ge 8
check "both records of each end in the table" \
	test "$(a "$SW" conns | grep -c -E '8080')" = 2
check "plain 'synwatch stats' shows the count" \
	eval 'a "$SW" stats | grep -E "new +2|new: *2|new 2" >/dev/null'

nobody() { ns_exec "$NS_A" setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
check "unprivileged stats read" eval 'nobody "$SW" stats >/dev/null'
nobody "$SW" stats --reset > "$OUT/reset.out" 2>&1 && rc=0 || rc=$?
check "unprivileged reset refused" test "$rc" != 0
check "... with EPERM" grep -qiE 'not permitted|EPERM|permission' "$OUT/reset.out"
check "counts kept" test "$(stat "$NS_A" conn_new)" = 2
check "root resets" a "$SW" stats --reset
check "counts zeroed" test "$(stat "$NS_A" conn_new)" = 0
