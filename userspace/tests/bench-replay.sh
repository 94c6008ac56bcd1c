#!/bin/bash
# Replay speed against tshark on one generated capture.
#
#   tests/bench-replay.sh [CONNS [SNAPLEN]]   (from userspace/, after make all)
#
# Writes CONNS (default 100000) complete connections, 10 frames each, with
# tests/gen_capture.c into $BENCH_DIR (default /dev/shm), frames cut to
# SNAPLEN bytes if given (as tcpdump -s), then times, best of 3, in CPU
# seconds (user + sys: the machine may be shared) and wall seconds:
#   synwatch replay -s stats FILE     the engine, no event printed
#   synwatch replay FILE              every event printed (to /dev/null)
#   tshark -r FILE -q                 tshark reading the file (it does not
#                                     dissect without a filter or a tap)
#   tshark -r FILE -q -z conv,tcp     tshark dissecting TCP
#   dd if=FILE of=/dev/null bs=256k   only reading the file's bytes, as
#                                     replay does: what no reader beats
# and prints packets per second and the ratios to "tshark -r FILE -q".
#
# 2026-11-21, AMD EPYC VM (2 vCPUs, shared with other VMs), 10^6 frames:
#                        replay -s stats  all output  tshark -q  dd (read)
#   full frames, 215 MB      0.095 s        0.52 s     0.32 s     0.031 s
#   SNAPLEN 96, 80 MB        0.080 s        0.50 s     0.29 s     0.012 s
# replay -s stats is 3.4-3.6x tshark -r -q (1.7x before the direct pcap
# reader and the open-addressing table). Merely reading the full file
# takes a tenth of tshark's time, so no reader of it reaches 10x on this
# host; in replay's 0.095 s, about 0.03 s is that read, 0.01-0.02 s the
# first touch of its table's memory, 0.012 s the module's engine code
# (sw_track() and friends) and the rest replay's own decoding, lookups
# and lists.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${1:-100000}
SNAPLEN=${2:-}
DIR=${BENCH_DIR:-/dev/shm}
[ -d "$DIR" ] || DIR=${TMPDIR:-/tmp}
FILE=$DIR/synwatch-bench-$$.pcap
GEN=$DIR/synwatch-gen-$$
trap 'rm -f "$FILE" "$GEN"' EXIT

command -v tshark >/dev/null || { echo "bench-replay: tshark is not installed" >&2; exit 1; }
[ -x synwatch/synwatch ] || { echo "bench-replay: make all first" >&2; exit 1; }
${CC:-cc} -O2 -Itests -o "$GEN" tests/gen_capture.c
"$GEN" "$FILE" "$CONNS" $SNAPLEN
PKTS=$((CONNS * 10))
echo "capture: $PKTS packets, $(du -h "$FILE" | cut -f1), in $DIR${SNAPLEN:+, snaplen $SNAPLEN}"

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
run "dd if=FILE bs=256k (read only)" dd if="$FILE" of=/dev/null bs=256k

ref=tshark\ -r\ FILE\ -q
for n in "synwatch replay -s stats" "synwatch replay (all output)"; do
	printf 'ratio %-28s vs tshark -r -q: cpu %5.1fx  wall %5.1fx\n' "$n" \
		"$(echo "${CPU[$ref]} / ${CPU[$n]}" | bc -l)" \
		"$(echo "${WALL[$ref]} / ${WALL[$n]}" | bc -l)"
	printf 'ratio %-28s vs tshark -z conv,tcp: cpu %5.1fx  wall %5.1fx\n' "$n" \
		"$(echo "${CPU[tshark -r FILE -q -z conv,tcp]} / ${CPU[$n]}" | bc -l)" \
		"$(echo "${WALL[tshark -r FILE -q -z conv,tcp]} / ${WALL[$n]}" | bc -l)"
done
printf 'ratio %-28s vs tshark -r -q: cpu %5.1fx  (the most any reader of this file reaches)\n' \
	"dd (read only)" "$(echo "${CPU[$ref]} / ${CPU[dd if=FILE bs=256k (read only)]}" | bc -l)"
