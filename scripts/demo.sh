#!/bin/bash
# `make demo`, inside the test VM (run-vm.sh loaded synwatch.ko): two network
# namespaces joined by veth, some TCP traffic between them (completed HTTP
# requests, refused connections, SYNs into a black hole), then what synwatch
# saw.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/../selftests/lib.sh"

require_root
require_cmd python3 nft

PORT=8080
CLOSED_PORT=8081
DROPPED_PORT=8082

synwatch_cli() {
	local c
	for c in "$REPO_DIR/userspace/synwatch/synwatch" "$REPO_DIR/userspace/synwatch"; do
		[ -f "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
	done
	command -v synwatch
}

setup_two_ns
log "namespaces $NS_A ($IP4_A) <-> $NS_B ($IP4_B)"

# Server side: a web server, one closed port (RST) and one port whose SYNs
# are silently dropped (half-open attempts that time out).
ns_exec "$NS_B" python3 -m http.server "$PORT" --bind "$IP4_B" --directory /usr/share/doc \
	>/dev/null 2>&1 &
defer kill $!
ns_exec "$NS_B" nft -f - <<EOF
table inet demo {
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport $DROPPED_PORT drop
	}
}
EOF
busywait 10000 ns_exec "$NS_B" bash -c "ss -Htln 'sport = :$PORT' | grep -q ."

# Client side.  bash's /dev/tcp keeps the demo free of extra tools.
get() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	ns_exec "$NS_A" timeout 5 bash -c '
		exec 3<>"/dev/tcp/$1/$2"
		printf "GET / HTTP/1.0\r\nHost: demo\r\n\r\n" >&3
		head -n1 <&3' _ "$1" "$2"
}
for i in 1 2 3 4 5; do
	log "GET #$i: $(get "$IP4_B" "$PORT" | tr -d '\r')"
done
for i in 1 2 3; do
	get "$IP4_B" "$CLOSED_PORT" >/dev/null 2>&1 || log "connect to closed port #$i: refused"
done
for i in 1 2; do
	ns_exec "$NS_A" timeout 2 bash -c "exec 3<>/dev/tcp/$IP4_B/$DROPPED_PORT" 2>/dev/null ||
		log "connect to dropped port #$i: no answer"
done

echo
if cli=$(synwatch_cli); then
	log "$cli stats"
	"$cli" stats
else
	log "synwatch CLI not built yet (make userspace)"
fi
