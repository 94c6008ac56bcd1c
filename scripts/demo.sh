#!/bin/bash
# `make demo`, inside the VM (run-vm.sh has loaded synwatch.ko).
#
#   client netns  198.18.0.1 ──veth── 198.18.0.2  server netns
#   (also the attacker,                           :8080 closes first
#    spoofed from 203.0.113.0/24)                 :8081 waits for the client
#                                                 :8082 aborts with RST
#                                                 :8083 nobody listens
#
# synwatchd runs in the server netns. A few connections of every kind,
# then a short spoofed SYN flood; then what synwatch saw.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/../selftests/lib.sh"

require_root
require_cmd python3

BIN=$REPO_DIR/userspace
SW=$BIN/synwatch/synwatch
SWD=$BIN/synwatchd/synwatchd
FLOOD=$REPO_DIR/selftests/build/synflood
WORK=$(mktemp -d /tmp/synwatch-demo.XXXXXX)
defer rm -rf "$WORK"

title() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
srv() { ns_exec "$NS_B" "$@"; }
cli() { ns_exec "$NS_A" "$@"; }

setup_two_ns
# SYN-ACKs to the spoofed flood sources go back out the veth, and die there
ip -n "$NS_B" route add 203.0.113.0/24 via "$IP4_A"

title "synwatchd, in the server's netns, logging everything to a JSON-lines file"
cat >"$WORK/synwatchd.conf" <<EOF
events = all
syslog = no
log_file = $WORK/events.jsonl
alert_command = /bin/sh -c "echo ALERT \$SYNWATCH_EVENT on \$SYNWATCH_LISTENER: half-open \$SYNWATCH_HALF_OPEN, \$SYNWATCH_SYN_RATE SYN/s, top sources \$SYNWATCH_TOP_SOURCES >> $WORK/alerts.txt"
alert_min_interval = 1s
EOF
cat "$WORK/synwatchd.conf"
srv "$SWD" -f -c "$WORK/synwatchd.conf" 2>"$WORK/synwatchd.err" &
defer kill $!
srv "$SW" monitor >"$WORK/monitor.txt" 2>&1 &
defer kill $!
busywait 10000 test -s "$WORK/events.jsonl" -o -e "$WORK/events.jsonl"

# The servers: one behaviour per port (see the drawing above).
srv python3 - "$IP4_B" >"$WORK/server.log" 2>&1 <<'EOF' &
import socket, struct, sys, threading
def serve(port, how):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((sys.argv[1], port)); s.listen(64)
    while True:
        c, _ = s.accept()
        c.recv(100)
        c.send(b"hello\n")
        if how == "abort":
            c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif how == "wait":
            c.recv(100)        # returns when the client closes
        c.close()
for port, how in ((8080, "close"), (8081, "wait"), (8082, "abort")):
    threading.Thread(target=serve, args=(port, how), daemon=True).start()
threading.Event().wait()
EOF
defer kill $!
busywait 10000 srv bash -c "ss -Htln 'sport = :8082' | grep -q ."

title "connections from the client"
cli python3 - "$IP4_B" <<'EOF'
import socket, sys, time
def talk(port, what):
    try:
        s = socket.create_connection((sys.argv[1], port), timeout=3)
        s.send(b"hi\n")
        reply = s.recv(100)
        time.sleep(0.2)        # let the server act first, if it will
        s.close()
        print(f"  :{port} {what}: got {reply!r}")
    except OSError as e:
        print(f"  :{port} {what}: {e.strerror}")
talk(8080, "the server closes first")
talk(8081, "the client closes first")
talk(8082, "the server resets")
talk(8083, "nobody listens")
EOF

title "synwatch conns -e, in the server's netns"
srv "$SW" conns -e

title "a 3 s spoofed SYN flood on $IP4_B:8080, from 203.0.113.0/24"
cli "$FLOOD" -s 203.0.113.0/24 -r 3000 -d 3 "$IP4_B" 8080
busywait 15000 grep -q flood-end "$WORK/alerts.txt" ||
	log "(the flood has not ended yet)"

title "synwatch monitor: the client's connections (the flood's are summarised)"
grep -v 203.0.113 "$WORK/monitor.txt"
echo "  ... and $(grep -c 203.0.113 "$WORK/monitor.txt") lines about the flood's first SYNs, before the alert"
echo "      summarised them (see 'suppressed' in the alerts below)"

title "the alert command's output"
cat "$WORK/alerts.txt"

title "synwatchd's log: the alerts"
cat >"$WORK/alerts.py" <<'EOF'
import json, sys
for line in sys.stdin:
    e = json.loads(line)
    a = e["alert"]
    l = a["listener"]
    top = ", ".join(f"{s['prefix']} ({s['syns']})" for s in a.get("top_sources", []))
    print(f"  {e['event']:13} {l['addr']}:{l['port']} status={l['status']}"
          f" half_open={l['half_open']} syn_rate={l['syn_rate']}/s"
          f" peak={l['peak_rate']}/s suppressed={a.get('suppressed', 0)}"
          f" cookies={a.get('cookies')}\n{'':16}top sources: {top}")
EOF
grep '"flood' "$WORK/events.jsonl" | python3 "$WORK/alerts.py"

title "synwatch conns state half-open, in the server's netns: the flood's leftovers"
srv "$SW" conns state half-open >"$WORK/half-open.txt" 2>&1
head -n 6 "$WORK/half-open.txt"
echo "  ... $(tail -n 1 "$WORK/half-open.txt")"


title "synwatch listeners"
srv "$SW" listeners

title "synwatch stats"
srv "$SW" stats
