#!/bin/bash
# Locate kernel build trees (KDIR) for synwatch.
#
#   kdir.sh                 default KDIR: /lib/modules/$(uname -r)/build if it
#                           exists, else the generic choice's
#   kdir.sh KERNEL          KDIR for a kernel choice (below)
#   kdir.sh --all           every installed Debian headers tree, one a line
#                           (/usr/src/linux-headers-*-amd64, rt included)
#   kdir.sh --release KDIR  the kernel release a tree builds modules for
#   kdir.sh --vmlinuz KERNEL the kernel image the VM boots for a kernel choice
#   kdir.sh --supported     the supported kernel choices, one a line
#
# Kernel choices:
#   generic, 6.1    Debian 12's own kernel (linux-image-amd64): the newest
#                   installed 6.1.*-amd64
#   rt, 6.1-rt      its PREEMPT_RT flavour: the newest 6.1.*-rt-amd64
#   6.12, 6.12-rt   Debian 13's kernel as Debian 12 ships it
#                   (linux-image-6.12-amd64): the newest 6.12.*-amd64,
#                   6.12.*-rt-amd64
#   debug           the KASAN + lockdep tree of build-debug-kernel.sh
#   RELEASE         an exact release such as 6.1.0-57-amd64
# A choice names a kernel series, never "the newest installed": another
# kernel installed on the host (a backport, a cloud flavour) changes no
# default target.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEBUG_TREE=$ROOT/.cache/debug-kernel/linux-source-6.1

die() { echo "kdir.sh: $*" >&2; exit 1; }

SUPPORTED="generic rt 6.12 6.12-rt"

# The newest installed release of a series ("6.1", "6.12") and flavour
# ("amd64", "rt-amd64"), from its image in /boot; empty if none.
newest_release() {
	local f rel
	for f in /boot/vmlinuz-"$1".*-"$2"; do
		[ -e "$f" ] || continue
		rel=${f#/boot/vmlinuz-}
		# 6.1.*-amd64 also matches 6.1.0-57-rt-amd64 and -cloud-amd64
		[ "$2" = amd64 ] && case "$rel" in *-rt-amd64 | *-cloud-amd64) continue ;; esac
		printf '%s\n' "$rel"
	done | sort -V | tail -n1
}

# The release a choice stands for (not debug).
release_for() {
	local rel
	case "${1:-generic}" in
	generic | 6.1) rel=$(newest_release 6.1 amd64) ;;
	rt | 6.1-rt) rel=$(newest_release 6.1 rt-amd64) ;;
	6.12) rel=$(newest_release 6.12 amd64) ;;
	6.12-rt) rel=$(newest_release 6.12 rt-amd64) ;;
	*) rel=$1 ;;
	esac
	[ -n "$rel" ] || die "no kernel installed for KERNEL='${1:-generic}' (run 'make deps')"
	printf '%s\n' "$rel"
}

release_of() {
	local h=$1/include/generated/utsrelease.h
	[ -f "$h" ] || die "$1 is not a prepared kernel tree (no $h)"
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$h"
}

kdir_for() {
	local d
	if [ "${1:-}" = debug ]; then
		d=$DEBUG_TREE
		[ -f "$d/arch/x86/boot/bzImage" ] ||
			die "no debug kernel yet: run 'make debug-kernel'"
	else
		d=/lib/modules/$(release_for "${1:-}")/build
	fi
	[ -d "$d" ] || die "no kernel headers for KERNEL='${1:-}' ($d; run 'make deps')"
	printf '%s\n' "$d"
}

vmlinuz_for() {
	local k
	if [ "${1:-}" = debug ]; then
		k=$DEBUG_TREE/arch/x86/boot/bzImage
	else
		k=/boot/vmlinuz-$(release_for "${1:-}")
	fi
	[ -f "$k" ] || die "no kernel image for KERNEL='${1:-}' ($k)"
	printf '%s\n' "$k"
}

case "${1:-}" in
"")
	if [ -d "/lib/modules/$(uname -r)/build" ]; then
		echo "/lib/modules/$(uname -r)/build"
	else
		kdir_for generic
	fi ;;
--all)
	for d in /usr/src/linux-headers-*-amd64; do
		[ -f "$d/include/generated/utsrelease.h" ] && printf '%s\n' "$d"
	done | sort -V ;;
--release)
	release_of "${2:?usage: kdir.sh --release KDIR}" ;;
--vmlinuz)
	vmlinuz_for "${2:-}" ;;
--supported)
	printf '%s\n' $SUPPORTED ;;
-*)
	die "unknown option $1" ;;
*)
	kdir_for "$1" ;;
esac
