# shellcheck shell=bash
# Helpers for the synwatch shell selftests.  Source it first:
#
#   . "$(dirname "$0")/lib.sh"
#
# then report with pass/fail/check, create network namespaces with setup_ns /
# setup_two_ns, wait with busywait, register cleanups with defer.  At exit,
# deferred cleanups run (last first) and the status becomes 1 if any check
# failed, 4 (KSFT_SKIP) after skip, 0 otherwise.  A command failing under
# `set -e` is reported as a FAIL line with its line number.
set -euo pipefail
set -E	# the ERR trap also fires inside functions

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$SELFTESTS_DIR")
# The programs under test (need_built checks them).
SW=$REPO_DIR/userspace/synwatch/synwatch
SWD=$REPO_DIR/userspace/synwatchd/synwatchd
SYNFLOOD=$SELFTESTS_DIR/build/synflood
TEST_NAME=$(basename "$0" .sh)

# Addresses of the test hosts: RFC 2544 benchmarking range and the IPv6
# documentation prefix, both only ever used inside the test's own netns.
IP4_A=198.18.0.1
IP4_B=198.18.0.2
IP6_A=2001:db8::1
IP6_B=2001:db8::2

_ksft_passes=0
_ksft_failures=0
_ksft_cleanups=()

log() { echo "INFO: $*"; }
pass() { echo "PASS: $*"; _ksft_passes=$((_ksft_passes + 1)); }
fail() { echo "FAIL: $*"; _ksft_failures=$((_ksft_failures + 1)); }

# skip REASON: the whole test cannot run here.
skip() {
	echo "SKIP: $*"
	exit "$KSFT_SKIP"
}

# check DESCRIPTION CMD [ARGS...]: PASS if CMD succeeds, FAIL otherwise.
check() {
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}

# defer CMD [ARGS...]: run CMD when the test exits, in reverse order of
# registration; its failure is ignored.
defer() {
	_ksft_cleanups+=("$(printf '%q ' "$@")")
}

_ksft_on_err() {
	fail "line $1: '$2' exited with $3"
}

_ksft_on_exit() {
	local rc=$? i
	trap - ERR
	set +e
	for ((i = ${#_ksft_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_ksft_cleanups[i]}" >/dev/null 2>&1
	done
	[ "$rc" = "$KSFT_SKIP" ] && exit "$KSFT_SKIP"
	echo "$TEST_NAME: $_ksft_passes passed, $_ksft_failures failed"
	if [ "$_ksft_failures" -gt 0 ] || [ "$rc" != 0 ]; then
		exit "$KSFT_FAIL"
	fi
	exit "$KSFT_PASS"
}
trap '_ksft_on_err "$LINENO" "$BASH_COMMAND" "$?"' ERR
trap _ksft_on_exit EXIT

require_root() {
	[ "$(id -u)" = 0 ] || skip "needs root"
}

# require_cmd CMD...: skip the test unless every CMD is available.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c not installed"
	done
}

_now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}

# busywait TIMEOUT_MS CMD [ARGS...]: rerun CMD until it succeeds (status 0)
# or TIMEOUT_MS milliseconds have passed (status 1). The budget is
# multiplied by TEST_TIMEOUT_SCALE (run_tests.sh: 5 on the KASAN debug
# kernel), as the C tests' st_slow_scale() does: a readiness wait must
# survive a slow kernel and a loaded host.
busywait() {
	local timeout_ms=$(($1 * ${TEST_TIMEOUT_SCALE:-1})) start
	shift
	start=$(_now_ms)
	until "$@"; do
		if [ $(($(_now_ms) - start)) -ge "$timeout_ms" ]; then
			return 1
		fi
		sleep 0.05
	done
}

# setup_ns VAR...: create one network namespace per VAR with a unique name
# (stored in VAR), loopback up, deleted at exit.
setup_ns() {
	local var ns
	for var in "$@"; do
		ns="$var-$TEST_NAME-$$-$RANDOM"
		ip netns add "$ns"
		defer ip netns del "$ns"
		ip -n "$ns" link set lo up
		printf -v "$var" '%s' "$ns"
	done
}

# veth_pair NS1 IF1 NS2 IF2: a veth link between IF1 in NS1 and IF2 in NS2,
# both up.
veth_pair() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# setup_two_ns: namespaces NS_A and NS_B joined by veth0 <-> veth0, with
# $IP4_A/$IP6_A in NS_A and $IP4_B/$IP6_B in NS_B.
setup_two_ns() {
	setup_ns NS_A NS_B
	veth_pair "$NS_A" veth0 "$NS_B" veth0
	ip -n "$NS_A" addr add "$IP4_A/24" dev veth0
	ip -n "$NS_B" addr add "$IP4_B/24" dev veth0
	ip -n "$NS_A" addr add "$IP6_A/64" dev veth0 nodad
	ip -n "$NS_B" addr add "$IP6_B/64" dev veth0 nodad
}

# ns_exec NS CMD [ARGS...]
ns_exec() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# The synwatch.ko under test: the one the VM runner chose, else the build
# for the running kernel.
synwatch_ko() {
	local ko
	for ko in "${SYNWATCH_KO:-}" "$REPO_DIR/build/$(uname -r)/synwatch.ko" \
		"$REPO_DIR/build/debug/synwatch.ko"; do
		[ -n "$ko" ] && [ -f "$ko" ] && { echo "$ko"; return 0; }
	done
	return 1
}

# synwatch_load: make sure the module is loaded (and its dependencies).
synwatch_load() {
	[ -d /sys/module/synwatch ] && return 0
	local ko dep
	ko=$(synwatch_ko) || { echo "synwatch.ko not found" >&2; return 1; }
	for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do
		modprobe -q "$dep" || true
	done
	insmod "$ko"
}

# dmesg_mark: print a mark for dmesg_check (the current kernel log length).
dmesg_mark() {
	dmesg | wc -l
}

# dmesg_check MARK: fail (status 1, offending lines printed) if the kernel
# logged a warning, BUG, lockdep/KASAN report... since MARK.
dmesg_check() {
	local new rc=0
	new=$(mktemp)
	dmesg | tail -n "+$(($1 + 1))" > "$new"
	"$SELFTESTS_DIR/vm/check-console.sh" "$new" || rc=$?
	rm -f "$new"
	return "$rc"
}

# flood_target NS: NS answers SYNs from any (spoofed) source, its replies
# leaving through a dummy device (default routes), without a reverse-path
# check: the shell version of selftests/lib/flood.c's st_fl_target_up().
flood_target() {
	ip -n "$1" link add dum0 type dummy
	ip -n "$1" link set dum0 up
	ip -n "$1" route add default dev dum0
	ip -n "$1" -6 route add default dev dum0
	ip netns exec "$1" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.veth0.rp_filter=0
}

# flood_wait PID: wait for a background synflood. Status 2 means the kernel
# refused some sends (ENOBUFS at full speed, counted in its "errors"): the
# flood still ran. Anything else (a usage or setup error, a crash) fails.
flood_wait() {
	local rc=0
	wait "$1" || rc=$?
	check "synflood ran (status $rc: 0, or 2 with some sends refused)" \
		test "$rc" = 0 -o "$rc" = 2
}

# need_built FILE...: our own programs are part of the build `make check`
# makes: one missing is a broken build, a failure, not a skip.
need_built() {
	local f
	for f in "$@"; do
		[ -x "$f" ] || { fail "$f not built (make check builds it)"; exit 1; }
	done
}

# need_module: synwatch.ko loaded; one that does not load fails the test.
need_module() {
	synwatch_load || { fail "synwatch.ko does not load"; exit 1; }
}

# two_ns_test: the setup of the CLI and daemon tests: NS_A and NS_B joined
# by veth (setup_two_ns), a scratch directory $OUT, a() and b() to run a
# command in NS_A or NS_B.
two_ns_test() {
	setup_two_ns
	OUT=$(mktemp -d)
	defer rm -rf "$OUT"
}
a() { ns_exec "$NS_A" "$@"; }
b() { ns_exec "$NS_B" "$@"; }

# cpus_offline_others: every CPU but cpu0 offline until the test exits
# (deferred). For tests that rmmod/insmod synwatch: under QEMU's
# multi-threaded TCG, netfilter hooks registered and unregistered under
# traffic with two vCPUs stall the emulator within a few dozen cycles
# (the static keys are patched with int3 while another vCPU runs the
# site; nftables alone does it, synwatch never loaded). One vCPU still
# interleaves everything, through preemption and softirqs.
cpus_offline_others() {
	local f
	for f in /sys/devices/system/cpu/cpu[1-9]*/online; do
		[ -e "$f" ] || continue
		[ "$(cat "$f")" = 1 ] || continue
		echo 0 > "$f"
		defer sh -c "echo 1 > $f"
	done
}

# synwatch_unload: rmmod synwatch (loaded again by synwatch_load). A test
# that unloads it defers synwatch_load, so that the module is loaded with
# its defaults at the end whatever happens.
synwatch_unload() {
	local i
	[ -d /sys/module/synwatch ] || return 0
	# A netlink dump holds the module while it runs (a daemon's resync
	# or metrics): "in use" is retried, for up to 10 s.
	for ((i = 0; i < 200; i++)); do
		rmmod synwatch 2>/dev/null && return 0
		sleep 0.05
	done
	rmmod synwatch
}

# daemon_start NS CONF ERRFILE: synwatchd -f -c CONF in NS, its stderr to
# ERRFILE, its pid in DPID (killed at exit). Not through ns_exec: $! must
# be the daemon itself (ip netns exec execs it).
daemon_start() {
	ip netns exec "$1" "$SWD" -f -c "$2" 2> "$3" &
	DPID=$!
	defer kill "$DPID"
}

# daemon_stop WHAT: SIGTERM to DPID; checks that it stopped with status 0.
daemon_stop() {
	local rc=0
	kill -TERM "$DPID"
	wait "$DPID" || rc=$?
	check "$1: SIGTERM, status 0" test "$rc" = 0
}

# accept_loop NS ADDR PORT: a server in NS that accepts connections on
# ADDR:PORT and closes them, until the test exits; returns once it
# listens.
accept_loop() {
	ip netns exec "$1" python3 -c "
import socket
l = socket.socket(socket.AF_INET6 if ':' in '$2' else socket.AF_INET)
l.bind(('$2', $3)); l.listen(512)
while True:
    l.accept()[0].close()
" >/dev/null 2>&1 &
	defer kill $!
	_listening() { ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .; }
	busywait 30000 _listening "$1" "$3"
}

# The CLI tests' start: root, python3 and setpriv (an unprivileged user),
# the CLI built, the module loaded, and the two namespaces A and B.
cli_test_setup() {
	require_root
	require_cmd python3 setpriv
	need_built "$SW"
	need_module
	two_ns_test
}
