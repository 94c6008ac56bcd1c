#!/bin/bash
# Locate kernel build trees (KDIR) for synwatch.
#
#   kdir.sh                 default KDIR: /lib/modules/$(uname -r)/build if it
#                           exists, else the newest generic Debian headers
#   kdir.sh KERNEL          KDIR for a kernel choice: generic (or empty), rt,
#                           debug (the tree from build-debug-kernel.sh) or an
#                           exact release such as 6.1.0-56-amd64
#   kdir.sh --all           every installed Debian headers tree, one a line
#                           (/usr/src/linux-headers-*-amd64, rt included)
#   kdir.sh --release KDIR  the kernel release a tree builds modules for
#   kdir.sh --vmlinuz KERNEL the kernel image the VM boots for a kernel choice
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEBUG_TREE=$ROOT/.cache/debug-kernel/linux-source-6.1

die() { echo "kdir.sh: $*" >&2; exit 1; }

# Newest match of a glob, by version sort; the glob stays unexpanded (and
# fails the -e test) when nothing matches.
newest() {
	local f
	for f in "$@"; do [ -e "$f" ] && printf '%s\n' "$f"; done | sort -V | tail -n1
}

# Newest generic flavour (not rt, not cloud) among the paths given.
newest_generic() {
	local f
	for f in "$@"; do
		case "$f" in *-rt-amd64 | *-cloud-amd64) continue ;; esac
		[ -e "$f" ] && printf '%s\n' "$f"
	done | sort -V | tail -n1
}

release_of() {
	local h=$1/include/generated/utsrelease.h
	[ -f "$h" ] || die "$1 is not a prepared kernel tree (no $h)"
	sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$h"
}

kdir_for() {
	local d
	case "${1:-generic}" in
	generic)
		d=$(newest_generic /usr/src/linux-headers-*-amd64) ;;
	rt)
		d=$(newest /usr/src/linux-headers-*-rt-amd64) ;;
	debug)
		d=$DEBUG_TREE
		[ -f "$d/arch/x86/boot/bzImage" ] ||
			die "no debug kernel yet: run 'make debug-kernel'" ;;
	*)
		d=/lib/modules/$1/build ;;
	esac
	{ [ -n "$d" ] && [ -d "$d" ]; } || die "no kernel headers for KERNEL='${1:-}' (run 'make deps')"
	printf '%s\n' "$d"
}

vmlinuz_for() {
	local k=
	case "${1:-generic}" in
	generic)
		k=$(newest_generic /boot/vmlinuz-*-amd64) ;;
	rt)
		k=$(newest /boot/vmlinuz-*-rt-amd64) ;;
	debug)
		k=$DEBUG_TREE/arch/x86/boot/bzImage ;;
	*)
		k=/boot/vmlinuz-$1 ;;
	esac
	{ [ -n "$k" ] && [ -f "$k" ]; } || die "no kernel image for KERNEL='${1:-}'"
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
-*)
	die "unknown option $1" ;;
*)
	kdir_for "$1" ;;
esac
