#!/bin/bash
# The kernel's YNL CLI drives the family from the spec alone (issue 20):
#
#   NS_A (198.18.0.1, 2001:db8::1) veth0 <--> veth0 (198.18.0.2, 2001:db8::2) NS_B
#   clients held open from :40001 and :40002     servers :8080 (IPv4), :8081
#                                                (IPv6), :80 (the flood's)
#
# tools/net/ynl/cli.py of linux-source-6.12 (.deps/linux-6.12, extracted on
# the host by make vm-check) with --spec Documentation/netlink/specs/
# synwatch.yaml and the kernel's schema, no --process-unknown: every get
# (stats, config, conn and listener dumps, filtered too), set-config then
# get-config then restore, bad input, reset-stats, flush, unsubscribe and
# the "conn" group; then, through YNL's library (what cli.py runs on), a
# SUBSCRIBE and the "alert" group during a spoofed SYN flood. Asserts the decoded values: enum names,
# printed addresses, flag names, indexed top sources.
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmd python3
PY=/usr/bin/python3	# Debian's python3-yaml and python3-jsonschema
YNL_DIR=$REPO_DIR/.deps/linux-6.12/tools/net/ynl
SCHEMA=$REPO_DIR/.deps/linux-6.12/Documentation/netlink/genetlink-legacy.yaml
# YNL_SPEC: another spec to try (e.g. an older one, to see this test fail)
SPEC=${YNL_SPEC:-$REPO_DIR/Documentation/netlink/specs/synwatch.yaml}
if [ ! -f "$YNL_DIR/cli.py" ] || [ ! -f "$SCHEMA" ]; then
	fail "$YNL_DIR/cli.py or $SCHEMA missing (make ynl-tree on the host)"
	exit 1
fi
need_built "$SYNFLOOD"
need_module
mark=$(dmesg_mark)

two_ns_test
flood_target "$NS_B"

# ynl NS OUT ARGS...: cli.py in NS, its JSON output in OUT; its status.
# The first call validates the spec against the kernel's schema (make
# spec-check does on the host); the others skip that, seconds under TCG.
YNL_SCHEMA=(--schema "$SCHEMA")
ynl() {
	local ns=$1 out=$2 rc=0
	shift 2
	ip netns exec "$ns" "$PY" "$YNL_DIR/cli.py" --spec "$SPEC" \
		"${YNL_SCHEMA[@]}" --output-json "$@" > "$out" 2> "$out.err" || rc=$?
	YNL_SCHEMA=(--no-schema)
	return "$rc"
}
# listen NS OUT HOW ARG STOP STOP_ARG TIMEOUT_S: in the background (pid in
# LPID), YNL's library (what cli.py runs on) joins group ARG (HOW --group)
# or SUBSCRIBEs with the request ARG (HOW --subscribe), touches OUT.up,
# collects events until one of type STOP_ARG (STOP --until) or STOP_ARG of
# them (STOP --count) or TIMEOUT_S, unsubscribes, writes them to OUT.
listen() {
	local ns=$1 out=$2
	shift 2
	ip netns exec "$ns" "$PY" - "$YNL_DIR" "$SPEC" "$out" "$@" 2> "$out.err" <<'EOF' &
import json, sys, time
ynl_dir, spec, out, how, arg, stop, stop_arg, timeout = sys.argv[1:]
sys.path.insert(0, ynl_dir)
from lib import YnlFamily
ynl = YnlFamily(spec, '')
if how == '--group':
    ynl.ntf_subscribe(arg)
else:
    ynl.do('subscribe', json.loads(arg))
open(out + '.up', 'w').close()
end = time.time() + float(timeout)
def done(q):
    if stop == '--count':
        return len(q) >= int(stop_arg)
    return any(m['msg']['event']['type'] == stop_arg for m in q)
while time.time() < end and not done(ynl.async_msg_queue):
    ynl.check_ntf()
    time.sleep(0.1)
if how == '--subscribe':
    ynl.do('unsubscribe', {})
json.dump(ynl.async_msg_queue, open(out, 'w'),
          default=lambda o: sorted(o) if isinstance(o, set) else o.hex())
EOF
	LPID=$!
	defer kill "$LPID"
	busywait 120000 test -e "$out.up"
}
# jcheck DESC FILE EXPR: EXPR (Python, over d = the JSON in FILE) holds
jcheck() {
	if "$PY" - "$2" "$3" <<'EOF'; then pass "$1"; else fail "$1"; fi
import json, sys
try:
    d = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
except Exception as e:
    print(f'    {sys.argv[1]}: no JSON ({e}):', open(sys.argv[1]).read()[:500])
    sys.exit(1)
if not eval('(' + sys.argv[2] + ')', {'d': d, 'json': json}):
    print('    expected:', sys.argv[2])
    print('    got:', json.dumps(d)[:3000])
    sys.exit(1)
EOF
}
# ynl_ok DESC NS OUT ARGS...: cli.py succeeds (status 0)
ynl_ok() {
	local desc=$1
	shift
	if ynl "$@"; then pass "$desc"; else fail "$desc: status $?: $(cat "$2.err")"; fi
}

# Servers in NS_B that accept and hold (no FIN: the clients stay
# ESTABLISHED), and a listener for the flood. Not through b(): $! must be
# the server itself (ip netns exec execs it).
ip netns exec "$NS_B" "$PY" -c "
import select, socket
ls = []
for fam, addr, port in ((socket.AF_INET, '$IP4_B', 8080),
                        (socket.AF_INET6, '$IP6_B', 8081),
                        (socket.AF_INET, '$IP4_B', 80)):
    l = socket.socket(fam)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((addr, port))
    l.listen(1024)
    ls.append(l)
held = []
while True:
    for l in select.select(ls, [], [])[0]:
        held.append(l.accept()[0])
" >/dev/null 2>&1 &
defer kill $!
listening() { b ss -Hltn "sport = :$1" | grep -q .; }
busywait 30000 listening 8080
busywait 30000 listening 8081
busywait 30000 listening 80

# Two clients held open from fixed ports, sending nothing.
ip netns exec "$NS_A" "$PY" -c "
import socket, time
c4 = socket.socket(socket.AF_INET)
c4.bind(('$IP4_A', 40001)); c4.connect(('$IP4_B', 8080))
c6 = socket.socket(socket.AF_INET6)
c6.bind(('$IP6_A', 40002)); c6.connect(('$IP6_B', 8081))
open('$OUT/clients.up', 'w').close()
time.sleep(3600)
" >/dev/null 2>&1 &
defer kill $!
busywait 30000 test -e "$OUT/clients.up"
# both handshakes complete on the server side too (the final ACK is in)
established() { [ "$(b ss -Htn state established | wc -l)" -ge 2 ]; }
busywait 10000 established

# --- every get ------------------------------------------------------------
log "${SECONDS}s: every get"
ynl_ok "get-stats" "$NS_A" "$OUT/stats" --do get-stats
jcheck "get-stats: counters decoded, two connections in NS_A" "$OUT/stats" \
	"d['stats']['conn-count'] == 2 and d['stats']['conn-new'] == 2 and d['stats']['pkts-out'] >= 4 and d['stats']['alerts'] == 0"
jcheck "get-stats: stats.invalid by name, all eleven reasons, none seen" "$OUT/stats" \
	"d['stats']['invalid'] == dict.fromkeys(['trunc-ip', 'trunc-tcp', 'bad-doff', 'bad-options', 'flags-null', 'flags-xmas', 'flags-synfin', 'flags-synrst', 'flags-fin-noack', 'rst-window', 'fragment'], 0)"

ynl_ok "get-conn dump" "$NS_A" "$OUT/conns" --dump get-conn
jcheck "get-conn: the two connections, nothing else" "$OUT/conns" \
	"sorted(c['conn']['lport'] for c in d) == [40001, 40002]"
jcheck "get-conn: IPv4 one decoded (addresses printed, enums named)" "$OUT/conns" "
[{k: c['conn'][k] for k in ('family', 'laddr', 'raddr', 'lport', 'rport', 'state', 'close-reason', 'closer', 'history')}
 for c in d if c['conn']['lport'] == 40001] ==
[{'family': 2, 'laddr': '$IP4_A', 'raddr': '$IP4_B', 'lport': 40001, 'rport': 8080,
  'state': 'established', 'close-reason': 'none', 'closer': 'none', 'history': 'ShA'}]"
jcheck "get-conn: IPv6 one, addresses as IPv6" "$OUT/conns" "
[(c['conn']['family'], c['conn']['laddr'], c['conn']['raddr'], c['conn']['rport'], c['conn']['state'])
 for c in d if c['conn']['lport'] == 40002] == [(10, '$IP6_A', '$IP6_B', 8081, 'established')]"
jcheck "get-conn: flags by name (active, not pickup), handshake RTT" "$OUT/conns" "
all('active' in c['conn']['flags'] and 'pickup' not in c['conn']['flags']
    and c['conn']['syn-to-synack-us'] > 0 and 'synack-to-ack-us' not in c['conn'] for c in d)"

ynl_ok "get-conn dump, filter state-mask [established] + rport 8081" "$NS_A" "$OUT/conns-f" \
	--dump get-conn --json '{"filter": {"state-mask": ["established"], "rport-min": 8081, "rport-max": 8081}}'
jcheck "get-conn filtered: only the IPv6 connection" "$OUT/conns-f" \
	"[c['conn']['lport'] for c in d] == [40002]"
ynl_ok "get-conn dump, filter laddr c6120000/24 (hex)" "$NS_A" "$OUT/conns-a" \
	--dump get-conn --json '{"filter": {"laddr": "c6120000", "lprefix": 24}}'
jcheck "get-conn laddr filter: only the IPv4 connection" "$OUT/conns-a" \
	"[c['conn']['laddr'] for c in d] == ['$IP4_A']"
ynl_ok "get-conn dump, filter state-mask [syn-sent]" "$NS_A" "$OUT/conns-s" \
	--dump get-conn --json '{"filter": {"state-mask": ["syn-sent"]}}'
jcheck "get-conn state filter: none in syn-sent" "$OUT/conns-s" "d == []"

ynl_ok "get-listener dump (no --process-unknown)" "$NS_B" "$OUT/lst" --dump get-listener
jcheck "get-listener: 8080 on $IP4_B, one handshake, status ok, half-open-recent" "$OUT/lst" "
[{k: l['listener'][k] for k in ('family', 'addr', 'syn-rx', 'synack-tx', 'completed', 'half-open', 'half-open-recent', 'status')}
 for l in d if l['listener']['port'] == 8080] ==
[{'family': 2, 'addr': '$IP4_B', 'syn-rx': 1, 'synack-tx': 1, 'completed': 1, 'half-open': 0, 'half-open-recent': 0, 'status': 'ok'}]"
jcheck "get-listener: 8081 on $IP6_B" "$OUT/lst" \
	"[(l['listener']['addr'], l['listener']['completed']) for l in d if l['listener']['port'] == 8081] == [('$IP6_B', 1)]"

ynl_ok "get-config" "$NS_A" "$OUT/cfg" --do get-config
max_conns=$(cat /sys/module/synwatch/parameters/max_conns)
jcheck "get-config: a new netns' defaults, event-mask by name" "$OUT/cfg" "
(c := d['config']) and sorted(c['event-mask']) == sorted(['new', 'state', 'destroy', 'flood-start', 'flood-update', 'flood-end']) and
{k: c[k] for k in ('max-conns', 'max-conns-global', 'flood-half-open-high', 'flood-half-open-low', 'flood-rate-high',
                   'flood-rate-low', 'flood-completion-pct', 'flood-hold-ms', 'flood-update-ms')} ==
{'max-conns': 0, 'max-conns-global': $max_conns, 'flood-half-open-high': 256, 'flood-half-open-low': 64,
 'flood-rate-high': 200, 'flood-rate-low': 100, 'flood-completion-pct': 50, 'flood-hold-ms': 3000, 'flood-update-ms': 5000}"
jcheck "get-config: timeouts by state name, all eleven" "$OUT/cfg" "
sorted(d['config']['timeouts']) == sorted(['closed', 'listen', 'syn-sent', 'syn-received', 'established', 'fin-wait-1',
 'fin-wait-2', 'close-wait', 'closing', 'last-ack', 'time-wait']) and all(v >= 1 for v in d['config']['timeouts'].values())"

# --- a config change: set, get shows it, bad input, restore --------------
log "${SECONDS}s: a config change: set, get shows it, bad input, restore"
ynl_ok "set-config: timeouts.established, event-mask by name, flood-hold-ms" "$NS_A" "$OUT/set" \
	--do set-config --json '{"config": {"timeouts": {"established": 4321}, "event-mask": ["new", "destroy"], "flood-hold-ms": 2500}}'
ynl_ok "get-config after set" "$NS_A" "$OUT/cfg2" --do get-config
jcheck "get-config: the three changes, nothing else" "$OUT/cfg" "
(o := d['config']) and (n := json.loads(open('$OUT/cfg2').read())['config']) and
n['timeouts']['established'] == 4321 and sorted(n['event-mask']) == ['destroy', 'new'] and n['flood-hold-ms'] == 2500 and
{k: v for k, v in n['timeouts'].items() if k != 'established'} == {k: v for k, v in o['timeouts'].items() if k != 'established'} and
{k: v for k, v in n.items() if k not in ('timeouts', 'event-mask', 'flood-hold-ms')} ==
{k: v for k, v in o.items() if k not in ('timeouts', 'event-mask', 'flood-hold-ms')}"
rc=0
ynl "$NS_A" "$OUT/bad" --do set-config --json '{"config": {"flood-completion-pct": 101, "flood-hold-ms": 100}}' || rc=$?
check "set-config flood-completion-pct 101: refused (status 1, ERANGE)" \
	eval 'test "$rc" = 1 && grep -q "Numerical result out of range" "$OUT/bad"'
rc=0
ynl "$NS_A" "$OUT/bad2" --do set-config --json '{"config": {"max-conns-global": 5}}' || rc=$?
check "set-config max-conns-global (read-only): refused" \
	eval 'test "$rc" = 1 && grep -q "Netlink error" "$OUT/bad2"'
restore=$("$PY" -c "
import json; c = json.load(open('$OUT/cfg'))['config']; c.pop('max-conns-global'); print(json.dumps({'config': c}))")
ynl_ok "set-config: restore every value read first" "$NS_A" "$OUT/set2" --do set-config --json "$restore"
ynl_ok "get-config after restore" "$NS_A" "$OUT/cfg3" --do get-config
jcheck "get-config: as before (the refused sets changed nothing)" "$OUT/cfg3" "
(lambda norm: norm(d) == norm(json.loads(open('$OUT/cfg').read())))(
 lambda x: {**x['config'], 'event-mask': sorted(x['config']['event-mask'])})"

# --- the conn group: cli.py --subscribe conn, while connections come ------
log "${SECONDS}s: the conn group: cli.py --subscribe conn, while connections come"
# cli.py reads what its socket queued once its --sleep is over: keep
# making connections until it is done, so that some follow its subscribe
# however long it takes to start.
ip netns exec "$NS_A" "$PY" "$YNL_DIR/cli.py" --spec "$SPEC" --no-schema \
	--output-json --subscribe conn --sleep 6 > "$OUT/mc" 2> "$OUT/mc.err" &
MC=$!
defer kill "$MC"
ip netns exec "$NS_A" "$PY" -c "
import os, socket, time
while os.path.exists('/proc/$MC'):
    s = socket.create_connection(('$IP4_B', 8080)); time.sleep(0.2); s.close(); time.sleep(0.3)
" > /dev/null 2>&1 &
LOOP=$!
defer kill "$LOOP"
rc=0
wait "$MC" || rc=$?
check "cli.py --subscribe conn: status 0" test "$rc" = 0
# the loop ends with cli.py; any connection it could not make fails it
rc=0
wait "$LOOP" || rc=$?
check "connections made while cli.py listened: status 0" test "$rc" = 0
jcheck "conn group: NEW decoded (syn-sent, dir out, tcp-flags 0x2, addresses)" "$OUT/mc" "
any(e['name'] == 'event' and e['msg']['event']['type'] == 'new' and e['msg']['event']['dir'] == 'out'
    and e['msg']['event']['tcp-flags'] == '0x2' and e['msg']['event']['sub-seq'] == 0 and e['msg']['event']['seq'] >= 1
    and e['msg']['conn']['state'] == 'syn-sent' and e['msg']['conn']['laddr'] == '$IP4_A'
    and e['msg']['conn']['raddr'] == '$IP4_B' and e['msg']['conn']['rport'] == 8080 for e in d)"
jcheck "conn group: STATE syn-sent -> established on the SYN-ACK in (0x12)" "$OUT/mc" "
any(e['msg']['event']['type'] == 'state' and e['msg']['event']['old-state'] == 'syn-sent'
    and e['msg']['event']['new-state'] == 'established' and e['msg']['event']['dir'] == 'in'
    and e['msg']['event']['tcp-flags'] == '0x12' for e in d)"
jcheck "conn group: SEQ numbers consecutive (nothing lost)" "$OUT/mc" "
(s := [e['msg']['event']['seq'] for e in d]) and len(s) >= 3 and s == list(range(s[0], s[0] + len(s)))"

# --- SUBSCRIBE (unicast, kernel-side filter) through YNL's library --------
log "${SECONDS}s: SUBSCRIBE (unicast, kernel-side filter) through YNL's library"
listen "$NS_A" "$OUT/sub" --subscribe \
	'{"filter": {"event-mask": ["new"], "rport-min": 8080, "rport-max": 8080}}' --count 3 60
a "$PY" -c "
import socket
for port in (8080, 8081, 8080, 8081, 8080):
    socket.create_connection(('$IP4_B' if port == 8080 else '$IP6_B', port)).close()"
rc=0
wait "$LPID" || rc=$?
check "subscribe/unsubscribe through YNL's library: status 0 $(cat "$OUT/sub.err")" test "$rc" = 0
jcheck "subscription: NEW events of :8080 only, SUB_SEQ 1 2 3, SEQ 0 (no group)" "$OUT/sub" "
[(e['msg']['event']['type'], e['msg']['conn']['rport'], e['msg']['event']['sub-seq'], e['msg']['event']['seq']) for e in d] ==
[('new', 8080, 1, 0), ('new', 8080, 2, 0), ('new', 8080, 3, 0)]"
rc=0
ynl "$NS_A" "$OUT/unsub" --do unsubscribe || rc=$?
check "unsubscribe without a subscription: status 1, ENOENT" \
	eval 'test "$rc" = 1 && grep -q "No such file or directory" "$OUT/unsub"'

# --- the alert group during a spoofed SYN flood ---------------------------
log "${SECONDS}s: the alert group during a spoofed SYN flood"
ynl_ok "set-config in NS_B: flood-hold-ms/update-ms 1000" "$NS_B" "$OUT/setb" \
	--do set-config --json '{"config": {"flood-hold-ms": 1000, "flood-update-ms": 1000}}'
listen "$NS_B" "$OUT/alert" --group alert --until flood-end 120
a "$SYNFLOOD" -s 203.0.113.0/24 -d 4 -r 1000 "$IP4_B" 80 > "$OUT/synflood.out" &
FLOOD=$!
flood_wait "$FLOOD"
rc=0
wait "$LPID" || rc=$?
check "the alert group through YNL's library: status 0 $(cat "$OUT/alert.err")" test "$rc" = 0
jcheck "alert group: flood events decoded, ending with flood-end" "$OUT/alert" "
(t := [e['msg']['event']['type'] for e in d]) and len(t) >= 2 and t[-1] == 'flood-end' and
set(t[:-1]) <= {'flood-start', 'flood-update'}"
jcheck "alert: the listener nested (addr, port 80, status flood), reason named, peak-rate" "$OUT/alert" "
(a := [e['msg']['alert'] for e in d if e['msg']['event']['type'] != 'flood-end'][0]) and
a['listener']['addr'] == '$IP4_B' and a['listener']['port'] == 80 and a['listener']['status'] == 'flood'
and a['reason'] in ('half-open', 'rate') and a['peak-rate'] > 0 and 'half-open-recent' in a['listener']"
jcheck "alert: top-sources an indexed array, 203.0.113.0/24 first" "$OUT/alert" "
(s := d[-1]['msg']['alert']['top-sources']) and list(s[0]) == ['1'] and
{k: s[0]['1'][k] for k in ('family', 'prefix', 'len')} == {'family': 2, 'prefix': '203.0.113.0', 'len': 24}
and s[0]['1']['syns'] > 0 and [list(x)[0] for x in s] == [str(i + 1) for i in range(len(s))]"

# --- reset-stats and flush ------------------------------------------------
log "${SECONDS}s: reset-stats and flush"
ynl_ok "reset-stats" "$NS_A" "$OUT/reset" --do reset-stats
ynl_ok "get-stats after reset" "$NS_A" "$OUT/stats2" --do get-stats
jcheck "get-stats: counters zeroed, the records still there" "$OUT/stats2" \
	"d['stats']['conn-new'] == 0 and d['stats']['state-changes'] == 0 and d['stats']['conn-count'] >= 2"
ynl_ok "flush, filter rport 8081" "$NS_A" "$OUT/flush" \
	--do flush --json '{"filter": {"rport-min": 8081, "rport-max": 8081}}'
ynl_ok "get-conn after flush" "$NS_A" "$OUT/conns2" --dump get-conn \
	--json '{"filter": {"state-mask": ["established"]}}'
jcheck "flush: the IPv6 connection gone, the IPv4 one left" "$OUT/conns2" \
	"[c['conn']['lport'] for c in d] == [40001]"

check "no kernel warning" dmesg_check "$mark"
