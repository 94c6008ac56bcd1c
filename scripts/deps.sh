#!/bin/bash
# `make deps`: install what building and testing synwatch needs, and only
# what is missing, then extract the few kernel files the build uses
# (checkpatch, kselftest headers) into .deps/.  Idempotent.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARBALL=/usr/src/linux-source-6.1.tar.xz
DEPS=$ROOT/.deps
KSRC=$DEPS/linux-6.1

PACKAGES=(
	# toolchain, module build, userspace
	build-essential pkg-config libmnl-dev libpcap-dev kmod sparse
	# make style: scripts/check-names.sh
	universal-ctags
	# the supported kernels (scripts/kdir.sh --supported): Debian 12's
	# 6.1 and Debian 13's 6.12 as Debian 12 ships it, generic and rt
	linux-headers-amd64 linux-image-amd64
	linux-headers-rt-amd64 linux-image-rt-amd64
	linux-headers-6.12-amd64 linux-image-6.12-amd64
	linux-headers-6.12-rt-amd64 linux-image-6.12-rt-amd64
	# the DKMS build check (make dkms-check)
	dkms
	# the VM test bench
	qemu-system-x86 busybox-static cpio bc
	# in-guest test tools
	iproute2 nftables tcpdump tmux hping3 python3 gnuplot-nox
	# BENCH_PERF=1 make bench
	linux-perf
	# kernel source: checkpatch, kselftest headers, the debug kernel
	linux-source-6.1 xz-utils flex bison libelf-dev libssl-dev
	# the kernel's YNL tools and netlink schemas (make spec-check, the
	# ynl_drive selftest): linux-source-6.12, and what YNL's Python needs
	linux-source-6.12 python3-yaml python3-jsonschema
)

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing packages; run as root:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
		exit 1
	fi
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
else
	echo "deps: all ${#PACKAGES[@]} packages installed"
fi

# Kernel files used from the source package, by their kernel-tree path.
FILES=(
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest.h
)
stamp=$KSRC/.source-id
source_id=$(stat -c '%s %Y' "$TARBALL")
if [ "$(cat "$stamp" 2>/dev/null)" != "$source_id" ]; then
	echo "deps: extracting ${FILES[*]} from $TARBALL"
	rm -rf "$KSRC"
	mkdir -p "$KSRC"
	tar -C "$KSRC" --strip-components=1 -xJf "$TARBALL" \
		"${FILES[@]/#/linux-source-6.1/}"
	echo "$source_id" > "$stamp"
fi

# kselftest_harness.h includes "kselftest.h" from its own directory: keep
# them together where -I.deps/kselftest finds both.
mkdir -p "$DEPS/kselftest"
cp -p "$KSRC/tools/testing/selftests/kselftest_harness.h" \
	"$KSRC/tools/testing/selftests/kselftest.h" "$DEPS/kselftest/"
"$ROOT/scripts/ynl-tree.sh" >/dev/null
echo "deps: ready (.deps/linux-6.1, .deps/kselftest, .deps/linux-6.12)"
