#!/bin/busybox sh
# /init of the synwatch test VM's initramfs (busybox-static).
#
# Loads the virtio/9p modules copied into the initramfs (Debian kernels have
# them as modules; the debug kernel has them built in and ships none), mounts
# the host's / read-only over virtio-9p, puts tmpfs on the few places that
# must be writable, mounts the host's output directory (read-write 9p share
# "out") on /mnt/out and switches to the guest script of the repository.
#
# Parameters come from the kernel command line, which the kernel hands to
# init as environment variables: swrepo=<repository path on the host>.
# shellcheck shell=ash

/bin/busybox --install -s /bin
export PATH=/bin

fail() {
	echo "initramfs: $*"
	echo "SYNWATCH-VM-EXIT: 255"
	# qemu -no-reboot turns the reboot into a prompt exit of qemu.
	reboot -f
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# The kernel may not have found /dev/console when it started us.
exec </dev/console >/dev/console 2>&1

if [ -s /modules.load ]; then
	while read -r m; do
		insmod "/lib/modules/$m" || fail "insmod $m failed"
	done < /modules.load
fi

mkdir -p /newroot
mount -t 9p -o ro,trans=virtio,version=9p2000.L,cache=loose,msize=512000 \
	/dev/root /newroot || fail "cannot mount the 9p root"

[ -f "/newroot${swrepo:-/nonexistent}/selftests/vm/guest.sh" ] ||
	fail "repository '${swrepo:-}' not visible in the guest"

# Directories that must be writable get an empty tmpfs.  If the repository
# lives below one of them (a CI clone in /tmp, say) keep it visible: bind it
# aside before the tmpfs hides it and move it back on top afterwards.
mkdir -p /saved
for d in tmp run var/tmp var/log var/lib var/cache root home mnt; do
	[ -d "/newroot/$d" ] || continue
	case "$swrepo/" in
	"/$d/"*)
		mount --bind "/newroot$swrepo" /saved
		mount -t tmpfs -o mode=1777 tmpfs "/newroot/$d"
		mkdir -p "/newroot$swrepo"
		mount --move /saved "/newroot$swrepo" ;;
	*)
		mount -t tmpfs -o mode=1777 tmpfs "/newroot/$d" ;;
	esac
done
chmod 700 /newroot/root

mkdir -p /newroot/mnt/out
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 out /newroot/mnt/out ||
	fail "cannot mount the output share"

# Fresh instances for the new root (the initramfs ones stay behind, unused).
mount -t proc proc /newroot/proc
mount -t sysfs sysfs /newroot/sys
mount -t devtmpfs devtmpfs /newroot/dev

exec switch_root /newroot /bin/bash "$swrepo/selftests/vm/guest.sh"
