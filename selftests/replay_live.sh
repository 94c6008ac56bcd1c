#!/bin/bash
# Live vs replay: the module and "synwatch replay" must agree.
#
#   NS_A 198.18.0.1, 2001:db8::1           NS_B 198.18.0.2, 2001:db8::2
#   synwatch monitor -j  (the module)
#   tcpdump -i veth0     (the capture) ---- veth0
#
# Scripted connections in both directions (opened by either side, closed
# first by either side, refused, reset by either side, IPv4 and IPv6) run
# while NS_A's module events are recorded with "synwatch monitor -j" and
# NS_A's veth is captured with tcpdump. "synwatch replay -j -l <NS_A's
# addresses>" of the capture must give every connection the same final
# state, close reason, closer and history as the module did; timings may
# differ.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

PORTS="8001 8002 8003 8004 8005 8006 8007 8008"

require_root
require_cmd tcpdump python3 ip
need_built "$SW"
need_module

setup_two_ns
out=$(mktemp -d)
defer rm -rf "$out"

# Scripted traffic. Each scenario waits for its peer before acting, so the
# module and the capture see every packet in the same order.
cat > "$out/traffic.py" <<'EOF'
import socket, struct, sys, threading, time

A4, B4, A6, B6 = "198.18.0.1", "198.18.0.2", "2001:db8::1", "2001:db8::2"

def listen(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(8)
    return s

def connect(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect((addr, port))
    return s

def rst(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()

def drain(s):
    while s.recv(4096):
        pass

# server side behaviours, by port: what the accepting side does
def serve(ls, port):
    c, _ = ls.accept()
    c.settimeout(5)
    c.recv(100)
    if port in (8001, 8003, 8008):        # reply, wait for the peer's FIN
        c.sendall(b"reply")
        drain(c)
        c.close()
    elif port in (8002, 8004):            # reply and close first
        c.sendall(b"reply")
        time.sleep(0.2)
        c.shutdown(socket.SHUT_WR)
        drain(c)
        c.close()
    elif port == 8006:                    # reset
        rst(c)
    elif port == 8007:                    # reply, wait for the peer's reset
        c.sendall(b"reply")
        try:
            drain(c)
        except OSError:
            pass
        c.close()

def client(addr, port):
    if port == 8005:                      # refused: nobody listens
        try:
            connect(addr, port)
        except OSError:
            pass
        return
    s = connect(addr, port)
    s.sendall(b"hello")
    if port == 8006:
        try:
            drain(s)
        except OSError:
            pass
        s.close()
        return
    s.recv(100)
    if port == 8007:
        time.sleep(0.2)
        rst(s)
        return
    if port in (8001, 8003, 8008):        # close first
        time.sleep(0.2)
        s.shutdown(socket.SHUT_WR)
        drain(s)
        s.close()
    else:                                 # wait for the server's FIN
        drain(s)
        s.close()

role, side = sys.argv[1], sys.argv[2]
# port: (server side, server address)
plan = {8001: ("B", B4), 8002: ("B", B4), 8003: ("A", A4), 8004: ("A", A4),
        8005: ("B", B4), 8006: ("B", B4), 8007: ("B", B4), 8008: ("B", B6)}
if role == "server":
    ths = []
    for port, (srv, addr) in plan.items():
        if srv == side and port != 8005:
            t = threading.Thread(target=serve, args=(listen(addr, port), port))
            t.start()
            ths.append(t)
    print("ready", flush=True)
    for t in ths:
        t.join()
else:
    for port, (srv, addr) in sorted(plan.items()):
        if srv != side:
            client(addr, port)
            time.sleep(0.1)
EOF

# the capture first, then the module's events
# (ip netns exec execs: $! is the process itself, which SIGTERM stops)
ip netns exec "$NS_A" tcpdump -i veth0 -n -s 0 -U -w "$out/cap.pcap" tcp \
	2> "$out/tcpdump.err" &
tcpdump_pid=$!
defer kill "$tcpdump_pid"
busywait 60000 grep -q "listening on" "$out/tcpdump.err" || fail "tcpdump did not start"
ip netns exec "$NS_A" "$SW" monitor -j > "$out/live.json" 2> "$out/monitor.err" &
monitor_pid=$!
defer kill "$monitor_pid"
# a subscription is in place once a warm-up connection shows up
ip netns exec "$NS_B" python3 -c "
import socket; s = socket.socket(); s.bind(('198.18.0.2', 7999)); s.listen(64)
while True: s.accept()[0].close()" &
warm_pid=$!
defer kill "$warm_pid"
warm() {
	ns_exec "$NS_A" python3 -c "
import socket; s = socket.create_connection(('198.18.0.2', 7999), 2); s.close()" 2>/dev/null || true
	grep -q '"remote_port":7999' "$out/live.json"
}
busywait 60000 warm || fail "synwatch monitor saw no event"

ip netns exec "$NS_B" timeout 60 python3 "$out/traffic.py" server B > "$out/srv_b.out" &
srv_b=$!
ip netns exec "$NS_A" timeout 60 python3 "$out/traffic.py" server A > "$out/srv_a.out" &
srv_a=$!
busywait 60000 grep -q ready "$out/srv_b.out"
busywait 60000 grep -q ready "$out/srv_a.out"
check "connections from NS_A" ns_exec "$NS_A" timeout 60 python3 "$out/traffic.py" client A
check "connections from NS_B" ns_exec "$NS_B" timeout 60 python3 "$out/traffic.py" client B
wait "$srv_a" "$srv_b" || fail "a server failed"
sleep 1		# the last ACKs
kill -TERM "$tcpdump_pid" "$monitor_pid"
wait "$tcpdump_pid" "$monitor_pid" 2>/dev/null || true

"$SW" replay -j -l 198.18.0.1/32 -l 2001:db8::1/128 "$out/cap.pcap" \
	> "$out/replay.json" 2> "$out/replay.err" || fail "replay failed: $(cat "$out/replay.err")"

# per connection of the scripted ports: the last event's view of it
cat > "$out/compare.py" <<'EOF'
import json, sys

ports = {int(p) for p in sys.argv[3].split()}

def final(path):
    conns = {}
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        o = json.loads(line)
        c = o.get("conn")
        if not c or not ({c["local_port"], c["remote_port"]} & ports):
            continue
        key = (c["local_addr"], c["local_port"], c["remote_addr"], c["remote_port"])
        # every event of the connection, and how it ended
        trail, _ = conns.get(key, ([], None))
        trail.append("%s:%s>%s[%s]%s" % (o["event"], o.get("old_state"), o.get("new_state"),
                                        o.get("tcp_flags", "-"), o.get("dir", "-")))
        conns[key] = (trail, (c["state"], c["close_reason"], c["closer"], c["history"]))
    return conns

live, rep = final(sys.argv[1]), final(sys.argv[2])
bad = 0
for key in sorted(set(live) | set(rep)):
    l, r = live.get(key), rep.get(key)
    ok = l == r
    bad += not ok
    print("%s %s:%d <- %s:%d live=%s replay=%s" % ("ok  " if ok else "DIFF", key[0],
          key[1], key[2], key[3], l, r))
print("%d connections, %d differ" % (len(set(live) | set(rep)), bad))
sys.exit(1 if bad or len(live) < len(ports) else 0)
EOF
log "live: $(grep -c '"event"' "$out/live.json") events, replay: $(grep -c '"event"' "$out/replay.json") events"
check "replay and the module agree on every connection" \
	python3 "$out/compare.py" "$out/live.json" "$out/replay.json" "$PORTS"
check "replay counted no invalid packet" \
	python3 -c "
import json, sys
for l in open('$out/replay.json'):
    o = json.loads(l)
    if 'stats' in o:
        sys.exit(1 if sum(o['stats']['invalid'].values()) else 0)
sys.exit(1)"
