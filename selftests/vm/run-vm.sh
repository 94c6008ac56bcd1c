#!/bin/bash
# Boot a throwaway QEMU VM (TCG) on a Debian kernel with the host's / as a
# read-only 9p root, load synwatch.ko and run one command in it.
#
#   run-vm.sh [options] [-- CMD [ARGS...]]
#
# One CMD argument is run with `bash -c`, several are run as they are; no
# command means an interactive shell.  The exit status is the command's,
# unless the kernel complained (WARNING, BUG, lockdep, KASAN, kmemleak, RCU
# stall... see check-console.sh), rmmod failed, the VM crashed or timed out:
# then it is non-zero.
#
# Options (and the environment variables they override):
#   -k, --kernel K   KERNEL     generic (default), rt, debug or a release
#   -s, --smp N      VM_SMP     vCPUs (default 2)
#   -m, --mem SIZE   VM_MEM     memory (default 2G)
#   -t, --timeout S  VM_TIMEOUT seconds before qemu is killed (default 3600:
#                               the whole suite takes 15-20 min, more on a
#                               loaded host; 10800 for the debug kernel)
#   VM_BOOT_TIMEOUT=S  seconds for the guest to reach its shell (default
#                    300, 1200 for the debug kernel; it takes 5-20 s): a
#                    boot that stalls before it, before synwatch is loaded,
#                    is killed and retried, VM_BOOT_TRIES times in all
#                    (default 2). Under heavy host load a TCG guest has been
#                    seen to hang early in boot (2 VMs of 2 vCPUs and 2
#                    benchmarks on 2 cores: 1 boot in 4 never got past ACPI).
#   -n, --noload     VM_NOLOAD=1 do not insmod synwatch.ko
#   -l, --log FILE   VM_LOG     console log (default build/vm-<kernel>.log)
#   -o, --out DIR    VM_OUT     read-write share mounted at /mnt/out in the
#                               guest (default build/vm-out-<kernel>/, emptied)
#   -q, --quiet      VM_QUIET=1 do not copy the console to stdout
#   VM_ICOUNT=1      deterministic timing for benchmarks: -icount, 1 vCPU
#   VM_MODULE=PATH   the .ko to load (default: build it, with
#                    scripts/build-module.sh --kernel, into
#                    build/<release>/synwatch.ko, build/debug/ for debug)
#   VM_APPEND=...    extra kernel command line
#   VM_CONSOLE_IGNORE=ERE  kernel lines not to count as failures
#   STRESS_SCALE, STRESS_SEED, TEST_TIMEOUT, TEST_TIMEOUT_SCALE: passed on
#                    to the guest's command when set
# shellcheck disable=SC2054 # qemu options are comma-separated, on purpose
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KERNEL=${KERNEL:-generic}
VM_SMP=${VM_SMP:-2}
VM_MEM=${VM_MEM:-2G}
VM_TIMEOUT=${VM_TIMEOUT:-}
VM_NOLOAD=${VM_NOLOAD:-0}
VM_QUIET=${VM_QUIET:-0}
VM_ICOUNT=${VM_ICOUNT:-0}
VM_LOG=${VM_LOG:-}
VM_OUT=${VM_OUT:-}
VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-}
VM_BOOT_TRIES=${VM_BOOT_TRIES:-2}

die() { echo "run-vm: $*" >&2; exit 1; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
	case "$1" in
	-k | --kernel) KERNEL=$2; shift 2 ;;
	-s | --smp) VM_SMP=$2; shift 2 ;;
	-m | --mem) VM_MEM=$2; shift 2 ;;
	-t | --timeout) VM_TIMEOUT=$2; shift 2 ;;
	-n | --noload) VM_NOLOAD=1; shift ;;
	-l | --log) VM_LOG=$2; shift 2 ;;
	-o | --out) VM_OUT=$2; shift 2 ;;
	-q | --quiet) VM_QUIET=1; shift ;;
	-h | --help) usage 0 ;;
	--) shift; break ;;
	*) echo "run-vm: unknown option $1" >&2; usage 1 ;;
	esac
done
CMD=("$@")
# KASAN + lockdep under TCG run the suite several times slower.
[ -n "$VM_TIMEOUT" ] || { [ "$KERNEL" = debug ] && VM_TIMEOUT=10800 || VM_TIMEOUT=3600; }
[ -n "$VM_BOOT_TIMEOUT" ] || { [ "$KERNEL" = debug ] && VM_BOOT_TIMEOUT=1200 || VM_BOOT_TIMEOUT=300; }
[[ $VM_BOOT_TIMEOUT =~ ^[1-9][0-9]*$ ]] || die "VM_BOOT_TIMEOUT must be a number of seconds"
[[ $VM_BOOT_TRIES =~ ^[1-9][0-9]*$ ]] || die "VM_BOOT_TRIES must be 1 or more"

command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (make deps)"
[ -x /bin/busybox ] || die "busybox-static missing (make deps)"
case "$ROOT" in *[[:space:]]*) die "the repository path must not contain spaces" ;; esac

# --- kernel, release, module ------------------------------------------------
VMLINUZ=$("$ROOT/scripts/kdir.sh" --vmlinuz "$KERNEL")
if [ "$KERNEL" = debug ]; then
	KREL=$("$ROOT/scripts/kdir.sh" --release "$("$ROOT/scripts/kdir.sh" debug)")
	MODDIR=		# everything the initramfs needs is built in
	DEFAULT_MODULE=$ROOT/build/debug/synwatch.ko
else
	KREL=${VMLINUZ#/boot/vmlinuz-}
	MODDIR=/lib/modules/$KREL
	[ -f "$MODDIR/modules.dep" ] || die "no $MODDIR/modules.dep (linux-image-$KREL installed?)"
	DEFAULT_MODULE=$ROOT/build/$KREL/synwatch.ko
fi

# Bring the module for this kernel up to date (incremental, quick when
# nothing changed), unless the caller chose one or none.
if [ "$VM_NOLOAD" != 1 ] && [ -z "${VM_MODULE:-}" ]; then
	mkdir -p "$ROOT/build"
	buildlog=$ROOT/build/vm-$KERNEL-module.log
	if ! "$ROOT/scripts/build-module.sh" --kernel "$KERNEL" > "$buildlog" 2>&1; then
		cat "$buildlog"
		die "building synwatch.ko for $KERNEL failed"
	fi
fi
# The guest knows the module's path even with VM_NOLOAD=1 (tests load it).
MODULE=$(realpath -m "${VM_MODULE:-$DEFAULT_MODULE}")
if [ "$VM_NOLOAD" != 1 ] && [ ! -f "$MODULE" ]; then
	die "no module $MODULE: build it first ('make vm-module KERNEL=$KERNEL') or set VM_NOLOAD=1"
fi

VM_LOG=${VM_LOG:-$ROOT/build/vm-$KERNEL.log}
mkdir -p "$(dirname "$VM_LOG")"
# Two runs sharing a console log or an output share would clobber each
# other (one empties the share under the other's boot watchdog, which
# then kills a healthy VM): the second one refuses.
exec {loglock}> "$VM_LOG.lock"
flock -n "$loglock" ||
	die "another run-vm writes $VM_LOG: give this one its own -l LOG and -o DIR"
if [ -z "$VM_OUT" ]; then
	VM_OUT=$ROOT/build/vm-out-$KERNEL
	exec {outlock}> "$VM_OUT.lock"
	flock -n "$outlock" ||
		die "another run-vm uses $VM_OUT: give this one its own -o DIR"
	rm -rf "$VM_OUT"
fi
mkdir -p "$VM_OUT"
VM_OUT=$(cd "$VM_OUT" && pwd)

# --- initramfs ----------------------------------------------------------------
# Modules needed to mount the 9p root, in load order (dependencies first).
# Those built into the kernel are skipped; modules.dep lists each module's
# full dependency closure, deepest last.
initramfs_modules() {
	local m line dep seen=" "
	local -a deps
	for m in virtio_pci 9pnet_virtio 9p; do
		line=$(grep -E "(^|/)$m\.ko(\.[gx]z|\.zst)?:" "$MODDIR/modules.dep" || true)
		if [ -z "$line" ]; then
			grep -qE "/$m\.ko$" "$MODDIR/modules.builtin" ||
				die "module $m neither in modules.dep nor built in for $KREL"
			continue
		fi
		read -r -a deps <<< "${line#*:}"
		for ((i = ${#deps[@]} - 1; i >= 0; i--)); do
			dep=${deps[i]}
			[[ $seen == *" $dep "* ]] || { echo "$dep"; seen+="$dep "; }
		done
		dep=${line%%:*}
		[[ $seen == *" $dep "* ]] || { echo "$dep"; seen+="$dep "; }
	done
}

build_initramfs() {
	local mods=() key out tmp m ko
	[ -n "$MODDIR" ] && mapfile -t mods < <(initramfs_modules)
	# Rebuild when the init script, busybox or a module changes.
	key=$( {
		cat "$ROOT/selftests/vm/initramfs-init.sh"
		stat -c '%n %s %Y' /bin/busybox
		for m in "${mods[@]}"; do stat -c '%n %s %Y' "$MODDIR/$m"; done
	} | sha256sum | cut -c1-16)
	out=$ROOT/.cache/vm/initramfs-$KREL-$key.cpio.gz
	if [ ! -f "$out" ]; then
		mkdir -p "$ROOT/.cache/vm"
		rm -f "$ROOT/.cache/vm/initramfs-$KREL-"*.cpio.gz
		tmp=$(mktemp -d)
		mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,lib/modules}
		cp /bin/busybox "$tmp/bin/busybox"
		install -m 755 "$ROOT/selftests/vm/initramfs-init.sh" "$tmp/init"
		: > "$tmp/modules.load"
		# busybox's insmod takes a plain .ko: Debian compresses its
		# modules since 6.12 (.ko.xz), so they are unpacked here.
		for m in "${mods[@]}"; do
			ko=$(basename "$m")
			ko=${ko%.xz} ko=${ko%.gz} ko=${ko%.zst}
			case "$m" in
			*.ko) cp "$MODDIR/$m" "$tmp/lib/modules/$ko" ;;
			*.ko.xz) xz -dc "$MODDIR/$m" > "$tmp/lib/modules/$ko" ;;
			*.ko.gz) gzip -dc "$MODDIR/$m" > "$tmp/lib/modules/$ko" ;;
			*.ko.zst) zstd -qdc "$MODDIR/$m" > "$tmp/lib/modules/$ko" ;;
			*) die "module $m: unknown compression" ;;
			esac || die "cannot unpack $MODDIR/$m"
			echo "$ko" >> "$tmp/modules.load"
		done
		# Lets the kernel give /init a console; /init copes without it.
		mknod "$tmp/dev/console" c 5 1 2>/dev/null || true
		(cd "$tmp" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$out.tmp"
		mv "$out.tmp" "$out"
		rm -rf "$tmp"
	fi
	echo "$out"
}
INITRD=$(build_initramfs)

# --- job for the guest ----------------------------------------------------
interactive=0
[ ${#CMD[@]} -eq 0 ] && interactive=1
{
	printf 'SW_REPO=%q\n' "$ROOT"
	printf 'SW_CWD=%q\n' "$PWD"
	printf 'SW_MODULE=%q\n' "$MODULE"
	printf 'SW_LOAD=%q\n' "$((VM_NOLOAD != 1))"
	printf 'SW_KERNEL=%q\n' "$KERNEL"
	printf 'SW_INTERACTIVE=%q\n' "$interactive"
	printf 'SW_CMD=('
	[ ${#CMD[@]} -gt 0 ] && printf '%q ' "${CMD[@]}"
	printf ')\n'
	# The test knobs that cross into the guest when set on the host.
	for v in STRESS_SCALE STRESS_SEED TEST_TIMEOUT TEST_TIMEOUT_SCALE; do
		[ -z "${!v:-}" ] || printf 'export %s=%q\n' "$v" "${!v}"
	done
} > "$VM_OUT/.vm-job"

# --- qemu -------------------------------------------------------------------
# oops=panic: an oops ends the run at once (panic=-1 reboots, and qemu
# exits with -no-reboot) instead of leaving a broken guest to hang until
# VM_TIMEOUT.
APPEND="console=ttyS0 panic=-1 oops=panic printk.time=1 loglevel=5 mitigations=off swrepo=$ROOT ${VM_APPEND:-}"
ACCEL=(-accel tcg,thread=multi -smp "$VM_SMP")
if [ "$VM_ICOUNT" = 1 ]; then
	# Instruction counting makes guest time a function of instructions
	# executed: reproducible numbers, but only with one vCPU.
	ACCEL=(-accel tcg -smp 1 -icount shift=0,sleep=off)
	VM_SMP="1 (icount)"
fi
QEMU=(qemu-system-x86_64 "${ACCEL[@]}" -cpu max -m "$VM_MEM"
	-nographic -no-reboot -nic none
	-kernel "$VMLINUZ" -initrd "$INITRD" -append "$APPEND"
	-fsdev local,id=root,path=/,readonly=on,security_model=none,multidevs=remap
	-device virtio-9p-pci,fsdev=root,mount_tag=/dev/root
	-fsdev "local,id=out,path=$VM_OUT,security_model=none"
	-device virtio-9p-pci,fsdev=out,mount_tag=out)

# One boot, console to $VM_LOG (and stdout unless quiet); sets qemu_rc.
# A watchdog kills qemu if the guest has not reached its shell (the
# SYNWATCH-VM-READY marker) after VM_BOOT_TIMEOUT seconds, and leaves
# .boot-stalled behind.
# qemu runs in the background (bash then ignores SIGINT for it), so it is
# killed on the way out.
qpid=
fifo=
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -z "$qpid" ] || kill "$qpid" 2>/dev/null
	[ -z "$fifo" ] || rm -f "$fifo"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
boot_once() {
	local wd i
	rm -f "$VM_OUT/.boot-stalled"
	fifo=$(mktemp -u "${TMPDIR:-/tmp}/run-vm-console.XXXXXX")
	mkfifo "$fifo"
	timeout -k 10 "$VM_TIMEOUT" "${QEMU[@]}" </dev/null > "$fifo" &
	qpid=$!
	(
		for ((i = 0; i < VM_BOOT_TIMEOUT; i++)); do
			[ ! -f "$VM_OUT/.boot-seconds" ] || exit 0
			kill -0 "$qpid" 2>/dev/null || exit 0
			sleep 1
		done
		: > "$VM_OUT/.boot-stalled"
		kill "$qpid" 2>/dev/null
	) &
	wd=$!
	while IFS= read -r line || [ -n "$line" ]; do
		printf '%s\n' "$line" >> "$VM_LOG"
		[ "$VM_QUIET" = 1 ] || printf '%s\n' "$line"
		case "$line" in
		SYNWATCH-VM-READY:*)
			bc <<< "$EPOCHREALTIME - $start" > "$VM_OUT/.boot-seconds" ;;
		esac
	done < "$fifo"
	wait "$qpid"
	qemu_rc=$?
	qpid=
	wait "$wd"
	rm -f "$fifo"
	fifo=
}

echo "run-vm: booting $VMLINUZ ($KREL), smp=${VM_SMP}, log $VM_LOG"
: > "$VM_LOG"
set +e
if [ "$interactive" = 1 ]; then
	rm -f "$VM_OUT/.vm-result" "$VM_OUT/.boot-seconds"
	start=$EPOCHREALTIME
	# The terminal is the guest's console; --foreground keeps qemu in the
	# terminal's process group so that it may read from it.
	timeout --foreground -k 10 "$VM_TIMEOUT" "${QEMU[@]}" | tee -a "$VM_LOG"
	qemu_rc=${PIPESTATUS[0]}
else
	for ((try = 1; ; try++)); do
		rm -f "$VM_OUT/.vm-result" "$VM_OUT/.boot-seconds"
		start=$EPOCHREALTIME
		boot_once
		[ -f "$VM_OUT/.boot-stalled" ] || break
		msg="run-vm: boot $try of $VM_BOOT_TRIES stalled: no shell after ${VM_BOOT_TIMEOUT}s, qemu killed"
		echo "$msg" >> "$VM_LOG"
		echo "$msg" >&2
		[ "$try" -lt "$VM_BOOT_TRIES" ] || break
	done
fi
set -e
elapsed=$(bc <<< "$EPOCHREALTIME - $start")

# --- verdict ----------------------------------------------------------------
# The guest's results: from the result file, else (output share broken) the
# console markers, first word only in case a kernel message was appended.
result() {
	if [ -f "$VM_OUT/.vm-result" ]; then
		sed -n "s/^$1=//p" "$VM_OUT/.vm-result" | tail -n1
	else
		tr -d '\r' < "$VM_LOG" | sed -n "s/^SYNWATCH-VM-$1: \([^[:space:][]*\).*/\1/p" | tail -n1
	fi
}
exit_rc=$(result EXIT)
[[ $exit_rc =~ ^[0-9]+$ ]] || exit_rc=
rmmod_result=$(result RMMOD)
leaks=$(result KMEMLEAK)
taint=$(result TAINT)
done_marker=$(result DONE)
guest_uptime=$(tr -d '\r' < "$VM_LOG" | sed -n 's/^SYNWATCH-VM-READY: uptime=\([0-9.]*\)s.*/\1/p' | head -n1)
boot=$(cat "$VM_OUT/.boot-seconds" 2>/dev/null || echo '?')

problems=()
if [ -f "$VM_OUT/.boot-stalled" ]; then
	problems+=("the guest never reached its shell (${VM_BOOT_TRIES} boots of ${VM_BOOT_TIMEOUT}s)")
elif [ "$qemu_rc" = 124 ] || [ "$qemu_rc" = 137 ]; then
	problems+=("timed out after ${VM_TIMEOUT}s")
fi
[ -n "$exit_rc" ] || problems+=("the guest never reported an exit status (crash, panic or timeout; qemu status $qemu_rc)")
if [ -n "$exit_rc" ] && [ "$done_marker" != yes ]; then
	problems+=("the guest did not finish its post-run checks")
fi
[ "$rmmod_result" != failed ] || problems+=("rmmod synwatch failed")
[ -z "$leaks" ] || [ "$leaks" = 0 ] || problems+=("kmemleak reported $leaks leaked objects")
# Taint flags that mean the kernel complained: M(16) B(32) D(128) W(512) L(16384).
if [ -n "$taint" ] && (( taint & (16 | 32 | 128 | 512 | 16384) )); then
	problems+=("kernel tainted ($taint)")
fi
if ! console=$("$ROOT/selftests/vm/check-console.sh" "$VM_LOG"); then
	problems+=("kernel splats on the console")
fi

printf 'run-vm: %s (%s): boot-to-shell %ss (guest uptime %ss), total %ss, command status %s\n' \
	"$KERNEL" "$KREL" "$boot" "${guest_uptime:-?}" "$elapsed" "${exit_rc:-none}"

rc=${exit_rc:-1}
if [ ${#problems[@]} -gt 0 ]; then
	[ -z "$console" ] || printf '%s\n' "$console"
	printf 'run-vm: FAILED: %s\n' "${problems[@]}"
	if [ -z "$exit_rc" ]; then
		echo "run-vm: last console lines:"
		tail -n 40 "$VM_LOG"
	fi
	[ "$rc" != 0 ] || rc=1
fi
exit "$rc"
