#!/bin/bash
# The daemon faults of the reliability suite (issue 24): synwatchd under
#
#   1. kill -9 in the middle of a SYN flood, then a restart: the new daemon
#      finds the flood on its resync (log line, alert command with a
#      non-empty SYNWATCH_REASON), then reports its end;
#   2. a full log disk (a 256 KiB tmpfs), twice: it stays up, says so once
#      per episode, says when it writes again, logs the events made after
#      that, and reports no loss (the kernel dropped nothing);
#   3. SIGHUP with a config file with several bad lines (each named with
#      file:line) and with the file gone: the old configuration is kept
#      whole and the daemon keeps logging with it;
#   4. an alert command that hangs, with a short alert_command_timeout: it
#      is ended with its process group, and one still running when the
#      daemon stops is ended with it: nothing of them is left;
#   5. module reloads (rmmod; insmod) under the daemon and under traffic,
#      5 x STRESS_SCALE of them: it logs the connections made after each,
#      says it is back and counts the reconnects.
#
#   NS_A (198.18.0.1) veth0 <----> veth0 (198.18.0.2) NS_B
#   clients, spoofed SYN flood          listeners :80 and :8080, synwatchd
#
# The module is loaded with its defaults at the end whatever happens (the
# flood settings are NS_B's, gone with it; section 5 reloads it).
# shellcheck disable=SC2317 # the section_N functions are called indirectly
# shellcheck source=selftests/lib.sh
. "$(dirname "$0")/lib.sh"

require_root
require_cmd python3 pgrep
need_built "$SWD" "$SW" "$SYNFLOOD"
need_module

STRESS_SCALE=${STRESS_SCALE:-1}
# STRESS_DAEMON_SECTIONS="2 4": only those sections (default: all)
SECTIONS=${STRESS_DAEMON_SECTIONS:-1 2 3 4 5}
RELOADS=$((5 * STRESS_SCALE))

defer synwatch_load
two_ns_test
flood_target "$NS_B"
b "$SW" config set flood.hold_ms=1000 flood.update_ms=1000 >/dev/null
b "$SW" flush >/dev/null 2>&1
accept_loop "$NS_B" "$IP4_B" 80
accept_loop "$NS_B" "$IP4_B" 8080

# errlog FILE ERE: FILE has a line matching ERE
errlog() { grep -qE "$2" "$1" 2>/dev/null; }
# count_of FILE ERE N: FILE has exactly N lines matching ERE
count_of() { [ "$(grep -cE "$2" "$1" 2>/dev/null)" = "$3" ]; }
# logged FILE PORT: FILE (JSON log) has the NEW of a connection from PORT
logged() { grep -q "\"event\":\"new\".*\"local_port\":$2[,}]" "$1" 2>/dev/null; }
# ready ERRFILE: the daemon has subscribed (its startup resync is done)
ready() { busywait 20000 errlog "$1" "resync \(startup\): "; }
json_ok() { python3 -c "import json; [json.loads(l) for l in open('$1')]"; }
# connect_from PORT: one connection to :8080 from that local port
connect_from() {
	a python3 -c "
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('$IP4_A', $1)); s.connect(('$IP4_B', 8080)); s.close()"
}
# churn N: N connections to :8080 (ephemeral ports)
churn() {
	a python3 -c "
import socket
for _ in range($1):
    socket.create_connection(('$IP4_B', 8080)).close()"
}
kstat() {
	a "$SW" -j stats 2>/dev/null | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"
}
flooded() {
	b "$SW" -j listeners 2>/dev/null | python3 -c "import json,sys; assert [l for l in json.load(sys.stdin) if l['port'] == 80 and l['status'] == 'flood']" 2>/dev/null
}
not_flooded() { ! flooded; }
# flood SECONDS: a spoofed SYN flood on :80 in the background, pid FLOOD
# not through a(): $FLOOD must be synflood itself (ip netns exec execs it),
# which section 1 stops with SIGTERM
flood() {
	ip netns exec "$NS_A" "$SYNFLOOD" -s 203.0.113.0/24 -d "$1" -r 1000 \
		"$IP4_B" 80 > "$OUT/synflood.out" &
	FLOOD=$!
}

# The alert command: one line a run, with the alert's environment.
cat > "$OUT/alert.sh" <<EOF
#!/bin/sh
echo "\$SYNWATCH_EVENT \$SYNWATCH_LISTENER reason=\$SYNWATCH_REASON" >> "\$1"
EOF
chmod +x "$OUT/alert.sh"

# show FILE...: a failed section's daemon log, for the diagnosis
show() {
	local f
	for f in "$@"; do
		log "--- $f (last 30 lines)"
		tail -n 30 "$f" 2>/dev/null | sed 's/^/    /' || true
	done
}

########################################################################
section_1() {
log "1. kill -9 in the middle of a flood, and a restart"
cat > "$OUT/k.conf" <<CONF
events = alerts
syslog = no
alert_command = $OUT/alert.sh $OUT/k-alerts.txt
alert_min_interval = 1h
metrics_file = $OUT/k.prom
metrics_interval = 1s
CONF
check "1: config checks out" "$SWD" -t -c "$OUT/k.conf"
daemon_start "$NS_B" "$OUT/k.conf" "$OUT/k1.err"
check "1: first daemon up" busywait 20000 test -s "$OUT/k.prom"
# longer than the kill and the restart take on any host: stopped below,
# once the restarted daemon has found it (synflood ends on SIGTERM)
flood $((120 * ${TEST_TIMEOUT_SCALE:-1}))
check "1: kernel: flood on :80" busywait 30000 flooded
check "1: first daemon: flood started" busywait 20000 errlog "$OUT/k1.err" "flood started: .*$IP4_B:80"
kill -KILL "$DPID"
rc=0
wait "$DPID" || rc=$?
check "1: first daemon killed by SIGKILL (status $rc)" test "$rc" = 137
check "1: flood still on when the second daemon starts" flooded
daemon_start "$NS_B" "$OUT/k.conf" "$OUT/k2.err"
check "1: restart: resync finds the flood" \
	busywait 20000 errlog "$OUT/k2.err" "resync \(startup\): [0-9]+ listeners, [1-9][0-9]* in flood"
check "1: restart: flood ongoing (found on resync), logged" \
	busywait 20000 errlog "$OUT/k2.err" "flood ongoing \(found on resync\): .*$IP4_B:80"
check "1: restart: alert command run for it, SYNWATCH_REASON set" \
	busywait 20000 errlog "$OUT/k-alerts.txt" "^flood-ongoing $IP4_B:80 reason=(half_open|rate)$"
log "1: alerts: $(tr '\n' ';' < "$OUT/k-alerts.txt")"
kill -TERM "$FLOOD" 2>/dev/null
flood_wait "$FLOOD"
check "1: restart: flood end logged" busywait 60000 errlog "$OUT/k2.err" "flood ended.*$IP4_B:80"
check "1: restart: flood end alert, SYNWATCH_REASON set" \
	busywait 20000 errlog "$OUT/k-alerts.txt" "^flood-end $IP4_B:80 reason=(half_open|rate)$"
check "1: restart: one flood-ongoing alert, one flood-end" \
	test "$(grep -c "^flood-ongoing $IP4_B:80" "$OUT/k-alerts.txt")/$(grep -c "^flood-end $IP4_B:80" "$OUT/k-alerts.txt")" = 1/1
check "1: restart: no flood started (it was found, not seen starting)" \
	count_of "$OUT/k2.err" "flood started" 0
daemon_stop "1: restarted daemon"
b "$SW" flush >/dev/null 2>&1
}

########################################################################
section_2() {
log "2. a full log disk, twice"
mkdir "$OUT/disk"
mount -t tmpfs -o size=256k tmpfs "$OUT/disk"
defer umount -l "$OUT/disk"
cat > "$OUT/f.conf" <<CONF
events = all
syslog = no
log_file = $OUT/disk/events.jsonl
loss_log_interval = 1s
CONF
check "2: config checks out" "$SWD" -t -c "$OUT/f.conf"
drop0=$(kstat event_drop)
# in NS_A: the connections' local ports are the clients' there (logged)
daemon_start "$NS_A" "$OUT/f.conf" "$OUT/f.err"
check "2: daemon up" ready "$OUT/f.err"
LOG=$OUT/disk/events.jsonl
NOSPACE="cannot write $LOG: No space left on device"
# below the ephemeral ports (32768-60999) that churn takes: its sockets
# (FIN_WAIT_2, no SO_REUSEADDR) make a fixed port among them EADDRINUSE
port=31000
for ep in 1 2; do
	port=$((port + 1))
	connect_from "$port"
	check "2.$ep: logging before the disk fills" busywait 20000 logged "$LOG" "$port"
	# fill what is left (dd stops at ENOSPC)
	dd if=/dev/zero of="$OUT/disk/filler" bs=4k 2>/dev/null || true
	churn 300
	check "2.$ep: disk full: said once" \
		busywait 20000 count_of "$OUT/f.err" "$NOSPACE" "$ep"
	churn 300
	check "2.$ep: still once after more churn" count_of "$OUT/f.err" "$NOSPACE" "$ep"
	check "2.$ep: daemon up with the disk full" kill -0 "$DPID"
	rm -f "$OUT/disk/filler"
	port=$((port + 1))
	connect_from "$port"
	check "2.$ep: space back: writing again, said once" \
		busywait 20000 count_of "$OUT/f.err" "writing $LOG again" "$ep"
	check "2.$ep: space back: a later connection logged" busywait 20000 logged "$LOG" "$port"
	check "2.$ep: JSON log: every line parses" json_ok "$LOG"
done
drop1=$(kstat event_drop)
check "2: kernel dropped no event ($drop0 -> $drop1)" test "$drop0" = "$drop1"
check "2: no loss reported" count_of "$OUT/f.err" "events lost" 0
check "2: no resync for a loss" count_of "$OUT/f.err" "resync \(events lost\)" 0
daemon_stop "2: daemon"
check "2: stop message: 0 lost" errlog "$OUT/f.err" "stopped: [0-9]+ events, 0 lost"
}

########################################################################
section_3() {
log "3. SIGHUP with a broken config, and with the file gone"
cat > "$OUT/h.conf" <<CONF
events = all
syslog = no
log_file = $OUT/h1.jsonl
CONF
daemon_start "$NS_A" "$OUT/h.conf" "$OUT/h.err"
check "3: daemon up" ready "$OUT/h.err"
connect_from 31001
check "3: daemon up, logging" busywait 20000 logged "$OUT/h1.jsonl" 31001
cp "$OUT/h.conf" "$OUT/h.good"
# valid lines that would change the log file, among bad ones
cat > "$OUT/h.conf" <<CONF
events = bogus
log_file = $OUT/h2.jsonl
buffer_size = 4k
no_such_key = 1
alert_command_timeout = 50ms
syslog = maybe
CONF
kill -HUP "$DPID"
check "3: bad reload: kept the old configuration" \
	busywait 20000 count_of "$OUT/h.err" "configuration not reloaded; keeping the old one" 1
for ln in 1 3 4 5 6; do
	check "3: bad line $ln named" errlog "$OUT/h.err" "h.conf:$ln: "
done
check "3: the good line 2 not reported" count_of "$OUT/h.err" "h.conf:2: " 0
check "3: exactly 5 errors reported" count_of "$OUT/h.err" "h.conf:[0-9]+: " 5
connect_from 31002
check "3: old log file still written" busywait 20000 logged "$OUT/h1.jsonl" 31002
check "3: new log file not created" test ! -e "$OUT/h2.jsonl"
rm -f "$OUT/h.conf"
kill -HUP "$DPID"
check "3: file gone: kept the old configuration" \
	busywait 20000 count_of "$OUT/h.err" "configuration not reloaded; keeping the old one" 2
check "3: file gone: clear error" \
	errlog "$OUT/h.err" "h.conf:0: cannot open: No such file or directory"
connect_from 31003
check "3: file gone: old log file still written" busywait 20000 logged "$OUT/h1.jsonl" 31003
check "3: daemon still running" kill -0 "$DPID"
# a good file again applies
sed "s|$OUT/h1.jsonl|$OUT/h3.jsonl|" "$OUT/h.good" > "$OUT/h.conf"
kill -HUP "$DPID"
check "3: good reload applied" busywait 20000 errlog "$OUT/h.err" "configuration reloaded from"
connect_from 31004
check "3: the new log file written" busywait 20000 logged "$OUT/h3.jsonl" 31004
daemon_stop "3: daemon"
}

########################################################################
section_4() {
log "4. a hung alert command"
MARK=swhang$$x$RANDOM
# the command and its child carry MARK in their command lines (pgrep -f)
cat > "$OUT/hang-$MARK.sh" <<EOF
#!/bin/sh
echo run >> $OUT/hang-runs
sh -c "sleep 100000; : $MARK" &
wait
EOF
chmod +x "$OUT/hang-$MARK.sh"
cat > "$OUT/g.conf" <<CONF
events = alerts
syslog = no
alert_command = $OUT/hang-$MARK.sh
alert_command_timeout = 1s
alert_min_interval = 1h
metrics_file = $OUT/g.prom
metrics_interval = 1s
CONF
check "4: config checks out" "$SWD" -t -c "$OUT/g.conf"
marked() { pgrep -f "$MARK" >/dev/null; }
none_marked() { ! marked; }
runs() {
	local n=0
	[ ! -f "$OUT/hang-runs" ] || n=$(wc -l < "$OUT/hang-runs")
	[ "$n" = "$1" ]
}
# hanging N: the command ran N times, and one runs with its child
hanging() { runs "$1" && [ "$(pgrep -fc "$MARK")" -ge 2 ]; }
b "$SW" flush >/dev/null 2>&1
# best effort: a flood left by section 1 ends on its own; if it has not,
# the flood-start this section waits for below fails the section anyway
busywait 30000 not_flooded || true
daemon_start "$NS_B" "$OUT/g.conf" "$OUT/g.err"
check "4: daemon up" busywait 20000 test -s "$OUT/g.prom"
# long enough for the timeout and the reload before it ends
flood 30
# (its 1s may be over before a poll sees the command and its child)
check "4: flood start: the command runs" busywait 30000 runs 1
check "4: timeout: logged" busywait 20000 errlog "$OUT/g.err" \
	"alert_command \(pid [0-9]+\) still running after [0-9.]+s \(alert_command_timeout\): ending its process group"
check "4: timeout: no process of it left" busywait 20000 none_marked
check "4: timeout: counted" busywait 10000 \
	grep -q '^synwatch_daemon_alert_commands_total{result="timeout"} 1$' "$OUT/g.prom"
# the end's command: with no timeout to speak of, so that the stop ends it
sed -i 's/^alert_command_timeout = .*/alert_command_timeout = 1d/' "$OUT/g.conf"
kill -HUP "$DPID"
check "4: reload with a 1d timeout" busywait 20000 errlog "$OUT/g.err" "configuration reloaded"
flood_wait "$FLOOD"
check "4: flood end: the command runs again, and hangs" busywait 60000 hanging 2
daemon_stop "4: daemon"
check "4: stop: the running command ended, logged" \
	errlog "$OUT/g.err" "stopping: ended 1 alert commands still running"
check "4: stop: no process of it left" busywait 20000 none_marked
}

########################################################################
section_5() {
log "5. $RELOADS module reloads under the daemon and traffic"
# One vCPU for the reloads: under QEMU's multi-threaded TCG, netfilter
# hooks registered and unregistered under traffic stall a vCPU within a
# few dozen cycles (static keys patched with int3 while another vCPU runs
# the site; nftables alone does it). Restored at exit (deferred).
cpus_offline_others
cat > "$OUT/r.conf" <<CONF
events = all
syslog = no
log_file = $OUT/r.jsonl
log_max_bytes = 1G
metrics_file = $OUT/r.prom
metrics_interval = 1s
CONF
daemon_start "$NS_A" "$OUT/r.conf" "$OUT/r.err"
check "5: daemon up" ready "$OUT/r.err"
# below the ephemeral ports (32768-60999) that the traffic loop takes: a
# fixed port among them can be in use (EADDRINUSE, seen on 6.12)
connect_from 31100
check "5: daemon up, logging" busywait 20000 logged "$OUT/r.jsonl" 31100
# traffic all along (its connections may fail while the module is away);
# not through a(): $! must be python (ip netns exec execs it)
ip netns exec "$NS_A" python3 -c "
import socket, time
while True:
    try:
        socket.create_connection(('$IP4_B', 8080), 2).close()
    except OSError:
        time.sleep(0.01)
" >/dev/null 2>&1 &
defer kill $!
ok=0
for i in $(seq 1 "$RELOADS"); do
	good=1
	synwatch_unload
	busywait 30000 count_of "$OUT/r.err" "the synwatch module went away" "$i" || {
		fail "5: reload $i: daemon did not say the module went away"; good=0; }
	synwatch_load
	busywait 30000 count_of "$OUT/r.err" \
		"the synwatch module is back after [^:]*: family id [0-9]+, events resubscribed" "$i" || {
		fail "5: reload $i: daemon did not say the module is back"; good=0; }
	busywait 30000 count_of "$OUT/r.err" "resync \(module reloaded\): " "$i" || {
		fail "5: reload $i: no resync"; good=0; }
	connect_from $((31100 + i))
	busywait 30000 logged "$OUT/r.jsonl" $((31100 + i)) || {
		fail "5: reload $i: connection after it not logged"; good=0; }
	ok=$((ok + good))
done
check "5: $ok of $RELOADS reloads: went away, back, resynced, logging" test "$ok" = "$RELOADS"
check "5: metrics: $RELOADS reconnects" \
	busywait 20000 grep -q "^synwatch_daemon_reconnects_total $RELOADS$" "$OUT/r.prom"
check "5: metrics: module up" busywait 20000 grep -q "^synwatch_up 1$" "$OUT/r.prom"
check "5: no loss reported" count_of "$OUT/r.err" "events lost" 0
daemon_stop "5: daemon"
# once it has stopped: read while it appends under the traffic, the last
# line can be caught half written (seen on 6.12)
check "5: JSON log: every line parses" json_ok "$OUT/r.jsonl"
log "5: $(grep -c '"event":"new"' "$OUT/r.jsonl") NEW events logged"
}

for n in $SECTIONS; do
	f0=$_ksft_failures
	"section_$n"
	[ "$_ksft_failures" = "$f0" ] || show "$OUT"/*.err
done
