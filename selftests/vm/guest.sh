#!/bin/bash
# PID 1 of the synwatch test VM, after the initramfs switched to the host's
# root (read-only 9p, see initramfs-init.sh).  Runs the job run-vm.sh wrote
# to /mnt/out/.vm-job:
#   1. loads build/.../synwatch.ko (unless SW_LOAD=0, i.e. VM_NOLOAD=1),
#   2. runs the command, prints "SYNWATCH-VM-EXIT: <status>",
#   3. unloads the module, scans for kmemleak reports, prints the taint,
#   4. prints "SYNWATCH-VM-DONE" and powers off.
# Each marker goes to the console (for people reading the log) and, as
# KEY=VALUE, to /mnt/out/.vm-result: run-vm.sh reads the file, which kernel
# messages cannot garble as they can garble console lines.
# No `set -e`: whatever happens, the markers must be printed and the VM must
# power off.
set -uo pipefail

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=${TERM:-linux} LANG=C.UTF-8 LC_ALL=C.UTF-8
# Tests put their own output in front of their status, so never buffer.
export PYTHONUNBUFFERED=1

power_off() {
	sync
	# busybox (busybox-static is a dependency) calls reboot(2) right away:
	# the call does not return, so PID 1 never exits (that would panic).
	# The sysrq fallback is asynchronous and tears down the 9p root while
	# we wait, hence the builtin-only wait loop.
	busybox poweroff -f
	echo o > /proc/sysrq-trigger
	while :; do read -rt 60 <> /dev/console || true; done
}

# result KEY VALUE: report one outcome to the host.
result() {
	printf 'SYNWATCH-VM-%s: %s\n' "$1" "$2"
	echo "$1=$2" >> /mnt/out/.vm-result
}

mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts 2>/dev/null ||
	{ mkdir -p /dev/pts && mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts; }
mkdir -p /dev/shm /dev/mqueue
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null || true
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null || true
mkdir -p /run/netns /run/lock /var/tmp /var/log /var/lib
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd

# shellcheck source=/dev/null
. /mnt/out/.vm-job || { echo "guest: no job file"; result EXIT 255; power_off; }

echo "SYNWATCH-VM-READY: uptime=$(cut -d' ' -f1 /proc/uptime)s kernel=$(uname -r)"

hostname synwatch-vm
ip link set lo up

# kmemleak (debug kernel): forget whatever the boot itself left behind, so
# that only objects leaked while the job runs are reported at the end.
KMEMLEAK=/sys/kernel/debug/kmemleak
if [ -w "$KMEMLEAK" ]; then
	echo scan > "$KMEMLEAK"
	echo clear > "$KMEMLEAK"
fi

# The tests find the module under test here (see selftests/lib.sh).
export SYNWATCH_KO=$SW_MODULE

rc=0
if [ "$SW_LOAD" = 1 ]; then
	# insmod does not resolve dependencies (nf_conntrack...): modprobe them
	# first.  On the debug kernel they are built in and modprobe just fails.
	deps=$(modinfo -F depends "$SW_MODULE" 2>/dev/null | tr ',' ' ')
	for dep in $deps; do
		modprobe -q "$dep" 2>/dev/null || true
	done
	if ! insmod "$SW_MODULE"; then
		echo "guest: insmod $SW_MODULE failed"
		rc=254
	fi
fi

cd "$SW_CWD" || cd "$SW_REPO" || rc=253
if [ "$rc" = 0 ]; then
	if [ "${SW_INTERACTIVE:-0}" = 1 ]; then
		# A shell with job control needs a controlling terminal of its own.
		echo "synwatch VM: interactive shell, exit it to power off"
		setsid -c bash -l </dev/ttyS0 >/dev/ttyS0 2>&1
		rc=$?
	elif [ "${#SW_CMD[@]}" = 1 ]; then
		bash -c "${SW_CMD[0]}" </dev/null
		rc=$?
	else
		"${SW_CMD[@]}" </dev/null
		rc=$?
	fi
fi
result EXIT "$rc"

if [ "$SW_LOAD" = 1 ]; then
	if [ -d /sys/module/synwatch ]; then
		if rmmod synwatch; then
			result RMMOD ok
		else
			result RMMOD failed
		fi
	else
		result RMMOD not-loaded
	fi
fi

if [ -w "$KMEMLEAK" ]; then
	# An object is reported once it is older than 5 s and unreferenced in
	# a scan; scan twice, as Documentation/dev-tools/kmemleak.rst advises.
	sleep 6
	echo scan > "$KMEMLEAK"
	sleep 1
	echo scan > "$KMEMLEAK"
	leaks=$(grep -c '^unreferenced object' "$KMEMLEAK")
	if [ "$leaks" != 0 ]; then
		sed 's/^/kmemleak-report: /' "$KMEMLEAK"
	fi
	result KMEMLEAK "$leaks"
fi

result TAINT "$(cat /proc/sys/kernel/tainted)"
result DONE yes
power_off
