#!/bin/bash
# Build synwatch.ko for one kernel into its own output directory.
#
#   build-module.sh KDIR OUTDIR [extra kbuild arguments, e.g. C=2]
#   build-module.sh --kernel KERNEL [extra kbuild arguments]
#
# The second form builds for a kernel the VM can boot (generic, rt, debug or
# a release), where selftests/vm/run-vm.sh looks for it: build/<release>/, or
# build/debug/ against the debug kernel tree.
#
# Like DKMS, the sources (Kbuild + kmod/) are copied to OUTDIR/src and built
# there with M= pointing at the copy, so that builds for several kernel
# flavours (or a sparse build) never share object files.  The result is
# OUTDIR/synwatch.ko.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KDIR=${1:?usage: build-module.sh KDIR OUTDIR [kbuild args...]}
OUT=${2:?usage: build-module.sh KDIR OUTDIR [kbuild args...]}
shift 2
if [ "$KDIR" = --kernel ]; then
	if [ "$OUT" = debug ]; then
		KDIR=$("$ROOT/scripts/kdir.sh" debug)
		OUT=$ROOT/build/debug
	else
		# The release of the image the VM boots, not merely the newest
		# headers: the module must match the kernel.
		img=$("$ROOT/scripts/kdir.sh" --vmlinuz "$OUT")
		rel=${img#/boot/vmlinuz-}
		KDIR=$("$ROOT/scripts/kdir.sh" "$rel")
		OUT=$ROOT/build/$rel
	fi
fi

{ [ -f "$ROOT/Kbuild" ] && [ -d "$ROOT/kmod" ]; } ||
	{ echo "build-module.sh: no Kbuild/kmod/ in $ROOT" >&2; exit 1; }

# Refresh the copy: drop the old sources (objects stay, so the build is
# incremental) and copy the current ones with their timestamps.  Build
# artefacts of an in-tree `make` are left behind: they belong to another
# kernel.
mkdir -p "$OUT/src"
OUT=$(cd "$OUT" && pwd)	# kbuild needs an absolute M=
find "$OUT/src" -type f \( -name '*.[chS]' -o -name 'Kbuild' -o -name 'Makefile' \) \
	! -name '*.mod.c' -delete
tar -C "$ROOT" -cf - \
	--exclude='*.o' --exclude='*.ko' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude='*.a' --exclude='modules.order' \
	--exclude='Module.symvers' --exclude='.*.d' \
	Kbuild kmod | tar -C "$OUT/src" -xpf -

# No warning on any supported kernel: the build's output is kept and a
# warning fails it (sparse builds, C=2, report theirs in `make sparse`).
set -o pipefail
make -C "$KDIR" M="$OUT/src" "$@" modules 2>&1 | tee "$OUT/build.log"
if grep -q 'warning:' "$OUT/build.log" && [[ " $* " != *" C="* ]]; then
	echo "build-module.sh: warnings building for $KDIR (above): fix them" >&2
	exit 1
fi
cp "$OUT/src/kmod/synwatch.ko" "$OUT/synwatch.ko"
echo "built $OUT/synwatch.ko"
