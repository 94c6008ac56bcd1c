#!/bin/bash
# The benchmark, inside the VM (bench/run.sh boots it with VM_NOLOAD=1 and
# runs this): every workload under every configuration, in rounds, the
# configurations interleaved (a b c d e a b c d e ...), one JSON line per
# run appended to $BENCH_OUT/runs.jsonl.
#
# Configurations:
#   a  no module
#   b  synwatch loaded, nobody listening
#   c  synwatch, synwatchd subscribed to all events in both namespaces
#   d  nf_conntrack tracking: an nft "ct state" ruleset in input and
#      output of both namespaces
#   e  synwatch and the conntrack ruleset together
#   n  (diagnostic, not in the default set) synwatch with bench/evsink
#      subscribed to all events in both namespaces: a reader that only
#      receives, the floor under any daemon with this event contract
# Workloads (client netns "cli" --veth-- server netns "srv" --veth-- "atk"):
#   churn4/churn6  tcp_churn: connections per second
#   rr4/rr6        tcp_rr: transactions per second
#   full4          rr4 after filling the table to its cap with spoofed SYNs
#   churnest4      churn4 beside 40 idle long-lived connections, each
#                  namespace's share of synwatch's table (max_conns) set to
#                  32, so the table holds only established records and no
#                  new connection finds room (a busy server at its cap)
#   flood4         synflood at full speed at a listener of srv: SYNs the
#                  server's TCP took in per second, and memory afterwards
# Each configuration block gets fresh namespaces (and servers, daemons,
# rules), torn down at its end, so no block inherits TIME-WAIT sockets,
# conntrack or synwatch entries from another. Inside a block the workloads
# run in the same order for every configuration: RR first on clean tables,
# then churn, then the table fill, then the flood.
#
# Environment: BENCH_ROUNDS (5), BENCH_DURATION (measured seconds of guest
# time per run, 0.5), BENCH_WARMUP (0.1), BENCH_CONFIGS ("a b c d e"),
# BENCH_WORKLOADS ("rr4 rr6 churnest4 churn4 churn6 full4 flood4"), BENCH_MAX_CONNS
# (32768: synwatch's max_conns and hashsize, the table full4 fills),
# BENCH_OUT (/mnt/out), BENCH_SYNFLOOD (the SYN generator), SYNWATCH_KO (set
# by the VM runner), BENCH_BASE_KO (the module configurations (o) and (p)
# load: another build of synwatch, a change's "before", measured in the
# same boot as (b) and (c)).
set -uo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BIN=$HERE/build
SW=$ROOT/userspace/synwatch/synwatch
# The SYN generator: selftests/synflood.c.
FLOOD=${BENCH_SYNFLOOD:-$ROOT/selftests/build/synflood}
SWD=$ROOT/userspace/synwatchd/synwatchd
SINK=$BIN/evsink
KO=${SYNWATCH_KO:-$ROOT/build/$(uname -r)/synwatch.ko}
BASE_KO=${BENCH_BASE_KO:-}

ROUNDS=${BENCH_ROUNDS:-5}
DURATION=${BENCH_DURATION:-0.5}
WARMUP=${BENCH_WARMUP:-0.1}
CONFIGS=${BENCH_CONFIGS:-a b c d e}
WORKLOADS=${BENCH_WORKLOADS:-rr4 rr6 churnest4 churn4 churn6 full4 flood4}
MAX_CONNS=${BENCH_MAX_CONNS:-32768}
OUT=${BENCH_OUT:-/mnt/out}
RUNS=$OUT/runs.jsonl
PORT=7001		# the RR server
CHURN_PORT=7002		# the churn server
FLOOD_PORT=7080		# the flood's victim listener
CHURN_CONNS=8
RR_CONNS=4
SIZE=64

CLI_4=198.18.0.1 SRV_4=198.18.0.2
CLI_6=2001:db8::1 SRV_6=2001:db8::2
SRV_ATK_4=198.18.1.2 ATK_4=198.18.1.3
SPOOF=10.0.0.0/8

log() { echo "bench: $*" >&2; }
die() { log "$*"; exit 1; }

for f in "$BIN/tcp_churn" "$BIN/tcp_rr" "$FLOOD" "$SW" "$SWD" "$KO"; do
	[ -e "$f" ] || die "missing $f (make -C bench, make -C userspace, make vm-module)"
done
case " $CONFIGS " in
*" n "*) [ -x "$SINK" ] || die "missing $SINK (make -C bench)" ;;
esac
case " $CONFIGS " in
*" o "* | *" p "*) [ -e "$BASE_KO" ] || die "configurations o and p need BENCH_BASE_KO (a synwatch.ko)" ;;
esac
command -v nft >/dev/null || die "nft missing (nftables)"
mkdir -p "$OUT"

# --- namespaces -----------------------------------------------------------
# One `ip -batch` per namespace: each process start is slow under TCG.
ns_up() {
	ip -batch - <<-EOF || return
	netns add cli
	netns add srv
	netns add atk
	EOF
	ip -batch - <<-EOF || return
	link add veth0 netns cli type veth peer name veth0 netns srv
	link add veth1 netns srv type veth peer name veth0 netns atk
	EOF
	ip -n cli -batch - <<-EOF || return
	link set lo up
	link set veth0 up
	addr add $CLI_4/24 dev veth0
	addr add $CLI_6/64 dev veth0 nodad
	EOF
	# SYN-ACKs to the spoofed sources go back to the attacker, which
	# drops them (it does not forward): the whole path, at no cost to cli.
	ip -n srv -batch - <<-EOF || return
	link set lo up
	link set veth0 up
	link set veth1 up
	addr add $SRV_4/24 dev veth0
	addr add $SRV_6/64 dev veth0 nodad
	addr add $SRV_ATK_4/24 dev veth1
	route add $SPOOF via $ATK_4
	EOF
	ip -n atk -batch - <<-EOF || return
	link set lo up
	link set veth0 up
	addr add $ATK_4/24 dev veth0
	EOF
	# The churn client may use many ports in one run.
	ip netns exec cli sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
	SRV_MAC=$(ip netns exec srv cat /sys/class/net/veth1/address)
}

# Stop whatever runs in the namespaces (servers, synwatchd, evsink) and
# delete them.
ns_down() {
	local ns
	for ns in cli srv atk; do
		ip netns pids $ns 2>/dev/null | xargs -r kill -TERM 2>/dev/null
	done
	wait 2>/dev/null
	# (n): what evsink read (an overrun would make (n) look cheaper)
	for ns in cli srv; do
		[ -f "/tmp/bench-evsink-$ns.log" ] &&
			log "$ns: $(tail -n 1 "/tmp/bench-evsink-$ns.log")"
	done
	rm -f /tmp/bench-synwatchd-*.jsonl* /tmp/bench-evsink-*.log
	for ns in cli srv atk; do
		ip netns del $ns 2>/dev/null
	done
	# netns cleanup runs in a workqueue: give it (guest) time to finish
	# before the next measurement. With -icount sleep=off an idle guest
	# skips ahead, so this costs little wall time.
	sleep 1
}

# --- configurations -------------------------------------------------------
sw_loaded() { [ -d /sys/module/synwatch ]; }
SW_LOADED_KO=		# which build is loaded: $KO or $BASE_KO

# sw_load [KO]: that build loaded (another one is unloaded first)
sw_load() {
	local ko=${1:-$KO}

	if sw_loaded && [ "$SW_LOADED_KO" != "$ko" ]; then
		rmmod synwatch
	fi
	sw_loaded || insmod "$ko" max_conns="$MAX_CONNS" hashsize="$MAX_CONNS"
	SW_LOADED_KO=$ko
}

sw_unload() {
	! sw_loaded || rmmod synwatch
}

# The conntrack configuration: a stateful ruleset in both namespaces, so
# that every packet is looked up (and new flows created) by conntrack.
nft_rules() {
	ip netns exec "$1" nft -f - <<-'EOF'
	table inet bench {
		chain input {
			type filter hook input priority filter; policy accept;
			ct state established,related counter accept
			ct state new counter accept
			ct state invalid counter accept
		}
		chain output {
			type filter hook output priority filter; policy accept;
			ct state established,related counter accept
			ct state new counter accept
			ct state invalid counter accept
		}
	}
	EOF
}

# wait_started NAME: NAME (synwatchd, evsink) in cli and srv has logged its
# start to /tmp/bench-NAME-NS.log, so it is subscribed.
wait_started() {
	for _ in $(seq 100); do
		grep -q started "/tmp/bench-$1-cli.log" 2>/dev/null &&
			grep -q started "/tmp/bench-$1-srv.log" 2>/dev/null && return 0
		sleep 0.05
	done
	log "$1 did not start: $(cat /tmp/bench-"$1"-*.log)"
	return 1
}

daemon_start() {
	local ns
	rm -f /tmp/bench-synwatchd-*.log	# a last block's "started"
	for ns in cli srv; do
		cat > "/tmp/bench-synwatchd-$ns.conf" <<-EOF
		events = all
		mode = subscribe
		syslog = no
		log_file = /tmp/bench-synwatchd-$ns.jsonl
		log_max_bytes = 8M
		log_keep = 1
		EOF
		ip netns exec $ns "$SWD" -f -c "/tmp/bench-synwatchd-$ns.conf" \
			> "/tmp/bench-synwatchd-$ns.log" 2>&1 &
	done
	wait_started synwatchd
}

# bench/evsink in both namespaces, subscribed to all events: (n).
sink_start() {
	local ns
	rm -f /tmp/bench-evsink-*.log
	for ns in cli srv; do
		ip netns exec $ns "$SINK" > "/tmp/bench-evsink-$ns.log" 2>&1 &
	done
	wait_started evsink
}

# Configuration setup that holds for a whole block of runs (module), and
# per run (namespaces: rules, daemons).
cfg_module() {
	case $1 in
	a | d) sw_unload ;;
	b | c | e | n) sw_load ;;
	o | p) sw_load "$BASE_KO" ;;
	esac
}

cfg_ns() {
	case $1 in
	c | p) daemon_start ;;
	n) sink_start ;;
	d | e) nft_rules cli && nft_rules srv ;;
	esac
}

# --- measurements ---------------------------------------------------------
# TCP segments srv's stack took in (valid checksum, any state).
srv_insegs() {
	# shellcheck disable=SC2016
	ip netns exec srv awk '/^Tcp:/ { if (h) { for (i = 1; i <= NF; i++)
		if (k[i] == "InSegs") print $i; exit } for (i = 1; i <= NF; i++)
		k[i] = $i; h = 1 }' /proc/net/snmp
}

# slab NAME -> "active_objs objsize bytes" (bytes: whole slabs)
slab() {
	awk -v n="$1" '$1 == n { print $2, $4, $15 * $6 * 4096; f = 1 }
		END { if (!f) print 0, 0, 0 }' /proc/slabinfo
}

sw_table_json() {
	if sw_loaded; then
		ip netns exec srv "$SW" -j stats 2>/dev/null | tr -d '\n' || echo null
	else
		echo null
	fi
}

# The flood's victim answers every SYN with a cookie (tcp_syncookies=2),
# keeping no request socket: else thousands of them would retransmit their
# SYN-ACKs during the runs that follow a flood, in every configuration.
victim_cookies() {
	ip netns exec srv sysctl -qw net.ipv4.tcp_syncookies=2
}

# flood OPTIONS: spoofed SYNs from atk at srv's victim listener, full
# speed; one JSON line. Status 2 (some packets refused by the sending
# socket, ENOBUFS) is no failure: they are counted as "errors".
flood() {
	local rc=0
	"${PERF[@]}" ip netns exec atk "$FLOOD" -i veth0 -m "$SRV_MAC" -s $SPOOF -b 64 -j \
		"$@" $SRV_ATK_4 $FLOOD_PORT || rc=$?
	[ "$rc" = 2 ] || return "$rc"
}

# Fill the table: as many spoofed SYNs as the cap, and a sixteenth more.
fill_table() {
	flood -c $((MAX_CONNS + MAX_CONNS / 16)) -d 600
}

# The servers of a block: RR, churn, and the flood's victim (a listener
# that never sees a completed handshake).
servers_up() {
	ip netns exec srv "$BIN/tcp_rr" server -p $PORT &
	ip netns exec srv "$BIN/tcp_churn" server -p $CHURN_PORT -s $SIZE &
	ip netns exec srv "$BIN/tcp_churn" server -p $FLOOD_PORT -s $SIZE &
}

# A SW_HOOK_PROFILE module (BENCH_PROFILE=1 make bench) times its hooks:
# one profile per run, in $OUT/prof/CONFIG-WORKLOAD-ROUND.txt.
PROF=/sys/kernel/debug/synwatch/hook_cycles
prof_reset() { [ ! -w "$PROF" ] || echo 0 > "$PROF"; }
prof_save() {
	[ -r "$PROF" ] || return 0
	mkdir -p "$OUT/prof"
	cat "$PROF" > "$OUT/prof/$1-$2-$3.txt"
}

# BENCH_PERF=1: a system-wide perf profile (cpu-clock samples; with icount
# they are proportional to instructions) of each run's load generator, by
# symbol, in $OUT/perf/CONFIG-WORKLOAD-ROUND.txt. Not for the results
# table: perf costs. BENCH_PERF=g records call chains too, and adds
# CONFIG-WORKLOAD-ROUND.callers.txt: who called each symbol. BENCH_PERF=i
# adds CONFIG-WORKLOAD-ROUND.ips.txt: samples per symbol+offset in
# synwatch (symbols sw_*), for bench/annotate.py to lay over the
# module's disassembly.
PERF=()
perf_start() {
	[ -n "${BENCH_PERF:-}" ] || return 0
	command -v perf >/dev/null || die "BENCH_PERF: perf missing (linux-perf)"
	PERF=(perf record -q -a -e cpu-clock -F 4999 -o "/tmp/perf-$1-$2-$3.data")
	[ "$BENCH_PERF" != g ] || PERF+=(-g)
	PERF+=(--)
}
perf_stop() {
	[ ${#PERF[@]} != 0 ] || return 0
	PERF=()
	mkdir -p "$OUT/perf"
	perf report -q -n -i "/tmp/perf-$1-$2-$3.data" --stdio --sort comm,sym \
		--percent-limit 0.05 > "$OUT/perf/$1-$2-$3.txt" 2>&1
	[ "$BENCH_PERF" != g ] ||
		perf report -q -n -i "/tmp/perf-$1-$2-$3.data" --stdio --no-children \
			--sort sym -g caller,0.5,callee,function,percent --percent-limit 0.3 \
			> "$OUT/perf/$1-$2-$3.callers.txt" 2>&1
	[ "$BENCH_PERF" != i ] ||
		perf script -i "/tmp/perf-$1-$2-$3.data" -F ip,sym,symoff,dso 2>"$OUT/perf/$1-$2-$3.ips.err" |
			awk '$2 ~ /^(sw_|hsiphash)/ { n[$2]++ } END { for (k in n) print n[k], k }' |
			sort -rn > "$OUT/perf/$1-$2-$3.ips.txt"
	[ -s "$OUT/perf/$1-$2-$3.ips.err" ] || rm -f "$OUT/perf/$1-$2-$3.ips.err"
	rm -f "/tmp/perf-$1-$2-$3.data"
}

# churnest4: HOLD_CONNS idle connections, opened after each namespace's
# records are flushed and its share of the table set to HOLD_SHARE (when
# synwatch is loaded): the share is all established records.
HOLD_CONNS=40
HOLD_SHARE=32
HOLD_PID=
hold_start() {
	local ns line
	if sw_loaded; then
		for ns in cli srv; do
			ip netns exec $ns "$SW" flush > /dev/null || return
			ip netns exec $ns "$SW" config set max_conns=$HOLD_SHARE || return
		done
	fi
	rm -f /tmp/bench-hold.out
	ip netns exec cli "$BIN/tcp_rr" hold -a "$SRV_4" -p $PORT -c $HOLD_CONNS \
		-d 600 > /tmp/bench-hold.out 2>&1 &
	HOLD_PID=$!
	for _ in $(seq 200); do
		read -r line < /tmp/bench-hold.out 2>/dev/null || line=
		case $line in *tcp_hold*) return 0 ;; esac
		kill -0 "$HOLD_PID" 2>/dev/null || break
		sleep 0.05
	done
	log "tcp_rr hold did not start: $(cat /tmp/bench-hold.out)"
	return 1
}
hold_stop() {
	local ns
	[ -z "$HOLD_PID" ] || { kill "$HOLD_PID"; wait "$HOLD_PID"; } 2>/dev/null
	HOLD_PID=
	if sw_loaded; then
		for ns in cli srv; do
			ip netns exec $ns "$SW" config set max_conns=0
		done
	fi
}

run_one() {
	local cfg=$1 wl=$2 round=$3 res='' extra=null rc=0 a
	prof_reset
	perf_start "$cfg" "$wl" "$round"
	case $wl in
	churn4 | churn6)
		a=$SRV_4
		[ "$wl" = churn6 ] && a=$SRV_6
		res=$("${PERF[@]}" ip netns exec cli "$BIN/tcp_churn" client -a "$a" -p $CHURN_PORT \
			-d "$DURATION" -w "$WARMUP" -c $CHURN_CONNS -s $SIZE -T "$cfg") || rc=$?
		;;
	churnest4)
		if hold_start; then
			res=$("${PERF[@]}" ip netns exec cli "$BIN/tcp_churn" client -a "$SRV_4" \
				-p $CHURN_PORT -d "$DURATION" -w "$WARMUP" -c $CHURN_CONNS \
				-s $SIZE -T "$cfg") || rc=$?
			extra="{\"table\":$(sw_table_json)}"
		else
			rc=1
		fi
		hold_stop
		;;
	rr4 | rr6)
		a=$SRV_4
		[ "$wl" = rr6 ] && a=$SRV_6
		res=$("${PERF[@]}" ip netns exec cli "$BIN/tcp_rr" client -a "$a" -p $PORT \
			-d "$DURATION" -w "$WARMUP" -c $RR_CONNS -s $SIZE -T "$cfg") || rc=$?
		;;
	full4)
		local fill
		victim_cookies
		fill=$(fill_table) || rc=$?
		extra="{\"fill\":${fill:-null},\"table_before\":$(sw_table_json)"
		res=$(ip netns exec cli "$BIN/tcp_rr" client -a "$SRV_4" -p $PORT \
			-d "$DURATION" -w "$WARMUP" -c $RR_CONNS -s $SIZE -T "$cfg") || rc=$?
		extra+=",\"table_after\":$(sw_table_json)}"
		;;
	flood4)
		local in0 in1 gen so sz sb co cz cb
		victim_cookies
		in0=$(srv_insegs)
		gen=$(flood -d "$DURATION") || rc=$?
		in1=$(srv_insegs)
		res="{\"test\":\"synflood\",\"generator\":${gen:-null},\"syns_in\":$((in1 - in0))}"
		read -r so sz sb <<< "$(slab synwatch_conn)"
		read -r co cz cb <<< "$(slab nf_conntrack)"
		extra="{\"table\":$(sw_table_json),\"slab_synwatch\":{\"objs\":$so,\"objsize\":$sz,\"bytes\":$sb},\"slab_conntrack\":{\"objs\":$co,\"objsize\":$cz,\"bytes\":$cb}}"
		;;
	esac
	perf_stop "$cfg" "$wl" "$round"
	prof_save "$cfg" "$wl" "$round"
	[ -n "$res" ] || res=null
	printf '{"round":%d,"config":"%s","workload":"%s","rc":%d,"result":%s,"extra":%s}\n' \
		"$round" "$cfg" "$wl" "$rc" "$res" "$extra" >> "$RUNS"
	log "round $round config $cfg $wl: rc $rc $res"
}

# --- main -----------------------------------------------------------------
# The modules the configurations need, loaded once, outside the
# measurements: conntrack and nf_tables stay loaded but cost nothing in a
# namespace without rules (nf_conntrack registers its hooks per netns, on
# first use).
modprobe -q nf_conntrack
modprobe -q nf_tables
modprobe -q nft_ct 2>/dev/null
modprobe -q veth
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
echo 1 > /proc/sys/net/netfilter/nf_conntrack_tcp_loose 2>/dev/null

{
	echo "{\"kernel\":\"$(uname -r)\",\"cpus\":$(nproc),\"cpu_model\":\"$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)\",\"mem_kb\":$(awk '/MemTotal/ {print $2}' /proc/meminfo),\"rounds\":$ROUNDS,\"duration_s\":$DURATION,\"max_conns\":$MAX_CONNS,\"configs\":\"$CONFIGS\",\"workloads\":\"$WORKLOADS\",\"conntrack_max\":$(cat /proc/sys/net/netfilter/nf_conntrack_max)}"
} > "$OUT/guest.json"
: > "$RUNS"
start=$(cut -d' ' -f1 /proc/uptime)
for ((r = 1; r <= ROUNDS; r++)); do
	for cfg in $CONFIGS; do
		cfg_module "$cfg" || die "configuration $cfg: module load/unload failed"
		ns_up || die "cannot create the namespaces"
		cfg_ns "$cfg" || die "configuration $cfg: setup failed"
		servers_up
		for wl in $WORKLOADS; do
			run_one "$cfg" "$wl" "$r"
		done
		ns_down
	done
done
sw_unload
log "done in $(echo "$(cut -d' ' -f1 /proc/uptime) - $start" | bc) guest seconds"
