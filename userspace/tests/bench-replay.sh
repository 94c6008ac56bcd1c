#!/bin/bash
# Replay speed against tshark on one generated capture.
#
#   tests/bench-replay.sh [CONNS]     (from userspace/, after make all)
#
# Writes CONNS (default 100000) complete connections, 10 frames each, with
# tests/gen_capture.c into $BENCH_DIR (default /dev/shm), then times, best
# of 3, in CPU seconds (user + sys: the machine may be shared) and wall
# seconds:
#   synwatch replay -s stats FILE     the engine, no event printed
#   synwatch replay FILE              every event printed (to /dev/null)
#   tshark -r FILE -q                 tshark reading the file (it does not
#                                     dissect without a filter or a tap)
#   tshark -r FILE -q -z conv,tcp     tshark dissecting TCP
# and prints packets per second and the ratios to "tshark -r FILE -q".
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${1:-100000}
DIR=${BENCH_DIR:-/dev/shm}
[ -d "$DIR" ] || DIR=${TMPDIR:-/tmp}
FILE=$DIR/synwatch-bench-$$.pcap
GEN=$DIR/synwatch-gen-$$
trap 'rm -f "$FILE" "$GEN"' EXIT

command -v tshark >/dev/null || { echo "bench-replay: tshark is not installed" >&2; exit 1; }
[ -x synwatch/synwatch ] || { echo "bench-replay: make all first" >&2; exit 1; }
${CC:-cc} -O2 -Itests -o "$GEN" tests/gen_capture.c
"$GEN" "$FILE" "$CONNS"
PKTS=$((CONNS * 10))
echo "capture: $PKTS packets, $(du -h "$FILE" | cut -f1), in $DIR"

# best CPU and wall time of 3 runs of "$@" (output discarded)
best() {
	local cpu=999999 wall=999999 t r u s i
	for i in 1 2 3; do
		t=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
		read -r r u s <<< "$t"
		cpu=$(echo "$u + $s" | bc -l | awk -v c="$cpu" '{ print ($1 < c) ? $1 : c }')
		wall=$(awk -v a="$r" -v b="$wall" 'BEGIN { print (a < b) ? a : b }')
	done
	echo "$cpu $wall"
}

declare -A CPU WALL
run() {
	local name=$1 t
	shift
	t=$(best "$@")
	CPU[$name]=${t% *}
	WALL[$name]=${t#* }
	printf '%-34s cpu %6.3fs (%9.0f pkt/s)  wall %6.3fs (%9.0f pkt/s)\n' "$name" \
		"${CPU[$name]}" "$(echo "$PKTS / ${CPU[$name]}" | bc -l)" \
		"${WALL[$name]}" "$(echo "$PKTS / ${WALL[$name]}" | bc -l)"
}

run "synwatch replay -s stats" synwatch/synwatch replay -s stats "$FILE"
run "synwatch replay (all output)" synwatch/synwatch replay "$FILE"
run "tshark -r FILE -q" tshark -r "$FILE" -q
run "tshark -r FILE -q -z conv,tcp" tshark -r "$FILE" -q -z conv,tcp

ref=tshark\ -r\ FILE\ -q
for n in "synwatch replay -s stats" "synwatch replay (all output)"; do
	printf 'ratio %-28s vs tshark -r -q: cpu %5.1fx  wall %5.1fx\n' "$n" \
		"$(echo "${CPU[$ref]} / ${CPU[$n]}" | bc -l)" \
		"$(echo "${WALL[$ref]} / ${WALL[$n]}" | bc -l)"
	printf 'ratio %-28s vs tshark -z conv,tcp: cpu %5.1fx  wall %5.1fx\n' "$n" \
		"$(echo "${CPU[tshark -r FILE -q -z conv,tcp]} / ${CPU[$n]}" | bc -l)" \
		"$(echo "${WALL[tshark -r FILE -q -z conv,tcp]} / ${WALL[$n]}" | bc -l)"
done
