#!/bin/bash
# Does this tree's replay print exactly what another revision's does?
#
#   tests/replay-compare.sh [REV [SEEDS]]   (from userspace/, after make all)
#
# Builds synwatch at REV (default HEAD) in a temporary directory, writes
# SEEDS (default 120) random captures with tests/gen_random_capture.c
# (every link type, pcapng, VLAN tags, snapshot lengths, floods, expiries,
# time going back, corrupted and cut frames and files), one in three of
# them then damaged as odd files are (microsecond or swapped pcap, odd
# snapshot lengths, oversized records, time stamps of 2^31 and more,
# version 2.3), and two benchmark captures (tests/gen_capture.c, 20000
# connections, whole frames and cut to 96 bytes). Each file is replayed
# by both builds under every option set below, and from stdin; stdout,
# stderr and the exit code must be byte for byte the same. For changes
# that must not change replay's output (speed work). Exits 1 on any
# difference, naming the file and options; KEEP=1 keeps the directory.
set -euo pipefail
cd "$(dirname "$0")/.."

REV=${1:-HEAD}
SEEDS=${2:-120}
NEW=$PWD/synwatch/synwatch
[ -x "$NEW" ] || { echo "replay-compare: make all first" >&2; exit 1; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/replay-compare.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$DIR"' EXIT

git -C .. archive "$REV" | tar -x -C "$DIR" --one-top-level=ref
make -s -C "$DIR/ref/userspace" synwatch/synwatch >/dev/null
REF=$DIR/ref/userspace/synwatch/synwatch

CFLAGS="-std=gnu11 -Wall -Wextra -Werror -O2 -D_GNU_SOURCE -Itests"
${CC:-cc} $CFLAGS -o "$DIR/gen_random" tests/gen_random_capture.c
${CC:-cc} $CFLAGS -o "$DIR/gen_bench" tests/gen_capture.c
mkdir "$DIR/cap"
damages=(usec swap smallsnap zerosnap hugecap negts v23)
for ((s = 0; s < SEEDS; s++)); do
	"$DIR/gen_random" "$DIR/cap/r$s.pcap" "$s"
	if ((s % 3 == 0)); then
		"$DIR/gen_random" "$DIR/cap/r$s-${damages[s / 3 % 7]}.pcap" "$s" \
			"${damages[s / 3 % 7]}"
	fi
done
"$DIR/gen_bench" "$DIR/cap/bench.pcap" 20000
"$DIR/gen_bench" "$DIR/cap/bench-snap96.pcap" 20000 96

optsets=(
	""
	"-j"
	"-s stats"
	"-s conns,listeners -j"
	"-l 10.0.0.0/8"
	"-l 192.0.2.0/24 -l 10.0.1.0/24 -j"
	"-l 2001:db8::/32 -s conns,stats"
	"-e new,destroy dport = 80"
	"-j -s events -e state,flood-start,flood-end"
	"--set timeout.time_wait=5 --set flood.half_open_high=50"
)

# one file, every option set: a line per difference
compare() {
	local f=$1 o a b

	for o in "${optsets[@]}"; do
		# shellcheck disable=SC2086 # options are words
		a=$(TZ=UTC "$REF" replay $o "$f" 2>&1; echo "exit $?")
		# shellcheck disable=SC2086
		b=$(TZ=UTC "$NEW" replay $o "$f" 2>&1; echo "exit $?")
		[ "$a" == "$b" ] || echo "differs: $f [$o]"
	done
	a=$(TZ=UTC "$REF" replay - <"$f" 2>&1; echo "exit $?")
	b=$(TZ=UTC "$NEW" replay - <"$f" 2>&1; echo "exit $?")
	[ "$a" == "$b" ] || echo "differs: $f [stdin]"
}
export -f compare
export REF NEW

files=("$DIR"/cap/*.pcap)
diffs=$(printf '%s\n' "${files[@]}" |
	xargs -P "$(nproc)" -I{} bash -c "$(declare -p optsets); compare {}")
runs=$(( ${#files[@]} * (${#optsets[@]} + 1) ))
if [ -n "$diffs" ]; then
	echo "$diffs"
	echo "replay-compare: $(echo "$diffs" | wc -l) of $runs runs differ from $REV"
	exit 1
fi
echo "replay-compare: $runs runs over ${#files[@]} captures, output identical to $REV"
