#!/bin/bash
# `make dkms-check`: DKMS add, then build and install for every supported
# kernel (scripts/kdir.sh --supported), then remove, in a private DKMS and
# install tree: nothing is installed on the host (DKMS builds without
# loading). Then a kernel outside the supported series: `dkms build`
# stops with BUILD_EXCLUSIVE's status 77, and `dkms autoinstall`, which
# Debian's kernel postinst runs, succeeds with a message: a failing
# autoinstall fails the kernel package's installation.
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
	mkdir -p "$tmp/install/$rel"
	if "${dk[@]}" build -m "$name" -v "$ver" -k "$rel" > "$tmp/$rel.log" 2>&1 &&
		"${dk[@]}" install -m "$name" -v "$ver" -k "$rel" >> "$tmp/$rel.log" 2>&1 &&
		ko=$(find "$tmp/install/$rel" -name "$name.ko*" | head -n1) &&
		[ -n "$ko" ]; then
		# a warning on any supported kernel is a failure
		log=$(find "$tmp/dkms/$name/$ver/$rel" -name make.log | head -n1)
		if grep -q 'warning:' "$log"; then
			grep 'warning:' "$log"
			echo "dkms-check: $k ($rel): built with warnings"
			fail=1
		else
			echo "dkms-check: $k ($rel): built and installed ${ko#"$tmp/install/"}"
		fi
	else
		cat "$tmp/$rel.log"
		find "$tmp/dkms/$name/$ver" -name make.log -exec cat {} + 2>/dev/null || true
		echo "dkms-check: $k ($rel): FAILED"
		fail=1
	fi
done

"${dk[@]}" remove -m "$name" -v "$ver" --all > "$tmp/remove.log" 2>&1 ||
	{ cat "$tmp/remove.log"; echo "dkms-check: dkms remove failed"; fail=1; }
left=$(find "$tmp/install" -name "$name.ko*" | wc -l)
if [ "$left" = 0 ]; then
	echo "dkms-check: removed from every kernel"
else
	echo "dkms-check: $left modules left after dkms remove"
	fail=1
fi

# A kernel outside the supported series (no such kernel needs to exist).
other=6.99.0-1-amd64
"${dk[@]}" add -m "$name" -v "$ver" > "$tmp/add.log" 2>&1 || true
rc=0
"${dk[@]}" build -m "$name" -v "$ver" -k "$other" > "$tmp/excl.log" 2>&1 || rc=$?
if [ "$rc" = 77 ]; then
	echo "dkms-check: dkms build for $other: skipped (status 77)"
else
	cat "$tmp/excl.log"
	echo "dkms-check: dkms build for $other gave status $rc, not 77"
	fail=1
fi
rc=0
"${dk[@]}" autoinstall -k "$other" > "$tmp/auto.log" 2>&1 || rc=$?
if [ "$rc" = 0 ] && grep -q "not a supported series" "$tmp/auto.log"; then
	echo "dkms-check: dkms autoinstall for $other: status 0, $(grep -o 'kernel .*not built' "$tmp/auto.log")"
else
	cat "$tmp/auto.log"
	echo "dkms-check: dkms autoinstall for $other gave status $rc (a kernel install would fail)"
	fail=1
fi
[ "$fail" = 0 ]
