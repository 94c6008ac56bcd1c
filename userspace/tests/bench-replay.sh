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
#   tshark -r TINY -q                 tshark on a 10-frame capture: its
#                                     start-up, which the ratios count
# and prints packets per second and the ratios to "tshark -r FILE -q".
#
# 2026-11-21, AMD EPYC VM (2 vCPUs, shared with other VMs: both idle for
# these runs), 10^6 frames, best of 3 here and of 11 interleaved runs:
#                        replay -s stats          tshark -r -q   ratio
#                        wall           CPU       wall           (wall)
#   full frames, 215 MB  0.065-0.072 s  0.10-0.11 s 0.30-0.32 s  4.1-4.9x
#   SNAPLEN 96, 80 MB    0.077 s        0.119 s   0.33 s         4.3x
# The capture is read on a thread of its own (replay/pcapin.c). On one
# thread, before that, replay -s stats took 0.099 s, wall and CPU (3.2x;
# 1.7x before the direct pcap reader and the open-addressing table); with
# the other vCPU busy, the two threads share one and take about as long
# (0.10-0.105 s). Printing every event (all output, 600 000 lines and
# the final table) took 0.54 s with printf(); built in place
# (lib/line.h), 0.24 s (best of 5, 2026-11-21), under tshark -r -q.
#
# Of tshark's 0.30-0.36 s, 0.18 s is its start-up (a 10-frame capture
# takes that long), a fixed cost the ratio counts against it: with 4x10^6
# frames tshark took 0.61 s and replay 0.23 s (2.6x), and left out, the
# ratio is 2.7x (2026-11-21 20:58 UTC, quiet host: replay 0.069 s, tshark
# 0.362 s, start-up 0.178 s; 5.2x with it). tshark -q neither dissects
# nor keeps state: it is a capture reader. Against tshark dissecting
# TCP (-z conv,tcp, 4.7 s), replay is 68x.
#
# Not the 10x goal, which needs the whole run within 0.032 s wall: its
# parts, each timed alone on one thread (an instrumented build, best of
# 5), are each near or past that. Copying the file out of the page cache
# takes 0.02-0.03 s (mapping it, MAP_POPULATE, 0.017 s; neither helps on
# the engine's thread: the walk over mapped memory waits on DRAM);
# walking and decoding the records 0.023 s; the engine over frames
# already decoded 0.042 s (the module's sw_track() and friends about half
# of its instructions, replay's table and glue the other half). With the
# copy on the second thread, the engine's thread spends 0.063 s. Decoding
# on the reader's thread as well (whole batches of decoded frames handed
# over) left the engine's thread 0.045 s but made the reader the slower
# one: 0.067 s wall, no better; handing over frame by frame cost more
# than it saved.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS=${1:-100000}
SNAPLEN=${2:-}
DIR=${BENCH_DIR:-/dev/shm}
[ -d "$DIR" ] || DIR=${TMPDIR:-/tmp}
FILE=$DIR/synwatch-bench-$$.pcap
TINY=$DIR/synwatch-tiny-$$.pcap
GEN=$DIR/synwatch-gen-$$
trap 'rm -f "$FILE" "$TINY" "$GEN"' EXIT

command -v tshark >/dev/null || { echo "bench-replay: tshark is not installed" >&2; exit 1; }
[ -x synwatch/synwatch ] || { echo "bench-replay: make all first" >&2; exit 1; }
${CC:-cc} -O2 -Itests -o "$GEN" tests/gen_capture.c
"$GEN" "$FILE" "$CONNS" $SNAPLEN
"$GEN" "$TINY" 1 $SNAPLEN
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
t=$(best tshark -r "$TINY" -q)
TINY_WALL=${t#* }
printf '%-34s cpu %6.3fs                wall %6.3fs\n' "tshark -r TINY -q (10 frames)" "${t% *}" "$TINY_WALL"

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
# tshark's start-up (its dissector tables) is a fixed cost that the
# ratios above count against it: without it, what each adds a packet
printf 'ratio %-28s vs tshark -r -q less its start-up: wall %5.1fx\n' \
	"synwatch replay -s stats" \
	"$(echo "(${WALL[$ref]} - $TINY_WALL) / ${WALL[synwatch replay -s stats]}" | bc -l)"
