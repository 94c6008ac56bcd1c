#!/bin/bash
# `make dkms-check`: build synwatch through DKMS, as `dkms autoinstall`
# does when a kernel package is installed, for every supported kernel
# (scripts/kdir.sh --supported), in a private DKMS tree: nothing is
# installed on the host. Then check that a kernel DKMS must not build for
# (dkms.conf's BUILD_EXCLUSIVE_KERNEL) is skipped, not failed: a failing
# DKMS build makes Debian's kernel postinst, and so the kernel package's
# installation, fail.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v dkms >/dev/null || { echo "dkms-check: dkms missing (make deps)" >&2; exit 1; }
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$ROOT/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$ROOT/dkms.conf")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The source tree as `make dkms-src` would ship it to /usr/src.
mkdir -p "$tmp/src/$name-$ver" "$tmp/dkms" "$tmp/install"
tar -C "$ROOT" -cf - dkms.conf Kbuild kmod | tar -C "$tmp/src/$name-$ver" -xf -
dk=(dkms --sourcetree "$tmp/src" --dkmstree "$tmp/dkms" --installtree "$tmp/install")

"${dk[@]}" add -m "$name" -v "$ver" > "$tmp/add.log" 2>&1 ||
	{ cat "$tmp/add.log"; echo "dkms-check: dkms add failed" >&2; exit 1; }
fail=0
for k in $("$ROOT/scripts/kdir.sh" --supported); do
	rel=$(basename "$(dirname "$("$ROOT/scripts/kdir.sh" "$k")")")
	if "${dk[@]}" build -m "$name" -v "$ver" -k "$rel" > "$tmp/$rel.log" 2>&1 &&
		ko=$(find "$tmp/dkms/$name/$ver/$rel" -name "$name.ko*" | head -n1) &&
		[ -n "$ko" ]; then
		# a warning on any supported kernel is a failure
		log=$(find "$tmp/dkms/$name/$ver/$rel" -name make.log | head -n1)
		if grep -q 'warning:' "$log"; then
			grep 'warning:' "$log"
			echo "dkms-check: $k ($rel): built with warnings"
			fail=1
		else
			echo "dkms-check: $k ($rel): built $(basename "$ko")"
		fi
	else
		cat "$tmp/$rel.log"
		find "$tmp/dkms/$name/$ver" -name make.log -exec cat {} + 2>/dev/null || true
		echo "dkms-check: $k ($rel): FAILED"
		fail=1
	fi
done

# A kernel outside BUILD_EXCLUSIVE_KERNEL: skipped with status 77, which
# dkms autoinstall and Debian's kernel hooks take as "not for this kernel".
rc=0
"${dk[@]}" build -m "$name" -v "$ver" -k 6.99.0-1-amd64 > "$tmp/excl.log" 2>&1 || rc=$?
if [ "$rc" = 77 ]; then
	echo "dkms-check: an unsupported kernel (6.99.0-1-amd64) is skipped (status 77)"
else
	cat "$tmp/excl.log"
	echo "dkms-check: an unsupported kernel gave status $rc, not 77 (skipped)"
	fail=1
fi
[ "$fail" = 0 ]
