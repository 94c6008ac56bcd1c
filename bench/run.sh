#!/bin/bash
# `make bench`: measure synwatch against no hook and against nf_conntrack,
# side by side, in one boot of the test VM.
#
#   bench/run.sh
#
# Builds what it needs (module for the generic kernel, userspace, the load
# generators of bench/), boots the VM with deterministic timing (VM_ICOUNT=1:
# -icount, one vCPU, guest time counts instructions) and runs bench/guest.sh
# there, then writes bench/results/: <timestamp>.json, latest.json,
# latest.md (the table for README.md) and latest.svg (the ratios).
#
# Environment:
#   BENCH_ROUNDS=5       rounds (each config once per round, interleaved)
#   BENCH_DURATION=0.5   measured seconds of guest time per run (icount: runs
#                        repeat to <1%, so half a second is plenty)
#   BENCH_CONFIGS, BENCH_WORKLOADS, BENCH_MAX_CONNS: see bench/guest.sh
#   BENCH_BASE_KO=KO     another synwatch.ko (a change's "before", built by
#                        scripts/build-module.sh from that revision) for the
#                        configurations o (as b) and p (as c), measured in
#                        the same boot: BENCH_CONFIGS="a b o c p"
#   BENCH_SMP=N          N vCPUs of plain multi-threaded TCG instead of
#                        icount: closer to real parallelism, but wall-clock
#                        timing that swings by +-15% from run to run
#   BENCH_RESULTS=DIR    where the results go (default bench/results)
#   BENCH_WORK=DIR       scratch directory (default build/bench): two benches
#                        at once need two
#   BENCH_PROFILE=1      load a SW_HOOK_PROFILE module (kmod/prof.h) and write
#                        instructions per hook pass, per run, to
#                        RESULTS/profile.txt (RESULTS default: build/bench-prof)
#   BENCH_PERF=1         a system-wide perf profile of each run, by symbol, in
#                        WORK/out/perf/ (perf costs: not for the table);
#                        BENCH_PERF=g adds call chains (*.callers.txt),
#                        BENCH_PERF=i samples by instruction in synwatch
#                        (*.ips.txt, for bench/annotate.py)
#   KERNEL=generic       the kernel the VM boots (generic or rt)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KERNEL=${KERNEL:-generic}
RESULTS=${BENCH_RESULTS:-$ROOT/bench/results}
WORK=${BENCH_WORK:-$ROOT/build/bench}
start=$EPOCHREALTIME

cd "$ROOT"
mkdir -p "$ROOT/build"
scripts/build-module.sh --kernel "$KERNEL" > "$ROOT/build/bench-module.log" 2>&1 || {
	cat "$ROOT/build/bench-module.log"; echo "bench: module build failed" >&2; exit 1; }
if [ -n "${BENCH_PROFILE:-}" ]; then
	# the hooks time themselves (kmod/prof.h); not for the results table
	img=$(scripts/kdir.sh --vmlinuz "$KERNEL")
	scripts/build-module.sh "$(scripts/kdir.sh "${img#/boot/vmlinuz-}")" \
		"$ROOT/build/prof" SW_HOOK_PROFILE=1 >> "$ROOT/build/bench-module.log" 2>&1 || {
		cat "$ROOT/build/bench-module.log"; echo "bench: module build failed" >&2; exit 1; }
	export SYNWATCH_KO=$ROOT/build/prof/synwatch.ko
	RESULTS=${BENCH_RESULTS:-$ROOT/build/bench-prof}
fi
make -s -C userspace all
make -s -C bench all
# The SYN generator is the selftests' (selftests/synflood.c).
make -s -C selftests build/synflood
synflood=$ROOT/selftests/build/synflood

rm -rf "$WORK"
mkdir -p "$WORK/out" "$RESULTS"
guest_env=()
for v in BENCH_ROUNDS BENCH_DURATION BENCH_WARMUP BENCH_CONFIGS BENCH_WORKLOADS BENCH_MAX_CONNS BENCH_PERF SYNWATCH_KO BENCH_BASE_KO; do
	[ -z "${!v:-}" ] || guest_env+=("$v=${!v}")
done
if [ -n "${BENCH_SMP:-}" ]; then
	export VM_ICOUNT=0 VM_SMP=$BENCH_SMP
	mode="TCG, $BENCH_SMP vCPUs, wall-clock timing (not reproducible to better than ~15%)"
else
	export VM_ICOUNT=1
	mode="TCG -icount shift=0,sleep=off, 1 vCPU (deterministic: guest time counts instructions)"
fi

vm_start=$EPOCHREALTIME
rc=0
selftests/vm/run-vm.sh --kernel "$KERNEL" -n -q -o "$WORK/out" -l "$WORK/vm.log" \
	-t "${BENCH_TIMEOUT:-3000}" -- \
	env "${guest_env[@]}" BENCH_OUT=/mnt/out BENCH_SYNFLOOD="$synflood" \
	bash "$ROOT/bench/guest.sh" || rc=$?
vm_wall=$(bc <<< "$EPOCHREALTIME - $vm_start")
grep -a '^bench: ' "$WORK/vm.log" | tail -n 3 || true
if [ "$rc" != 0 ] || [ ! -s "$WORK/out/runs.jsonl" ]; then
	echo "bench: the VM run failed (status $rc), see $WORK/vm.log" >&2
	exit 1
fi

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
qemu=$(qemu-system-x86_64 --version | head -n1)
wall=$(bc <<< "$EPOCHREALTIME - $start")
jq_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }
cat > "$WORK/machine.json" <<JSON
{"cpu_model":$(jq_str "$cpu"),"host_cpus":$(nproc),"host_kernel":$(jq_str "$(uname -r)"),
 "qemu":$(jq_str "$qemu"),"mode":$(jq_str "$mode"),"vm_kernel":$(jq_str "$KERNEL"),
 "synflood":$(jq_str "${synflood#"$ROOT"/}"),"wall_s":$wall,"vm_wall_s":$vm_wall}
JSON
python3 bench/report.py "$WORK/out/runs.jsonl" "$WORK/out/guest.json" \
	"$WORK/machine.json" "$RESULTS"
cfgs=$(sed -n 's/^# configs: //p' "$RESULTS/latest.dat")
# the plot shows ratios to (a): a run without (a), say a profile of (b)
# alone, has none to show
case " ${BENCH_CONFIGS:-a} " in
*" a "*)
	gnuplot -e "dat='$RESULTS/latest.dat'; out='$RESULTS/latest.svg'; cfgs='$cfgs'" bench/plot.gp ;;
*)
	echo "bench: no plot: BENCH_CONFIGS has no (a) to take ratios to" ;;
esac
echo "bench: results in $RESULTS (latest.md, latest.json, latest.svg)"
if [ -d "$WORK/out/prof" ]; then
	# mean instructions per pass of each point, per configuration and workload
	for f in "$WORK/out/prof"/*.txt; do
		awk -v run="$(basename "$f" .txt)" '/^[a-z]/ && $2 > 0 {
			printf "%-22s %-12s %10d calls %7.0f mean\n", run, $1, $2, $3 / $2 }' "$f"
	done | tee "$RESULTS/profile.txt"
fi
