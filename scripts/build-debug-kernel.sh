#!/bin/bash
# Build the debug kernel used by `make check KERNEL=debug` / run-vm.sh.
#
# Source: Debian's linux-source-6.1 tarball, extracted into
# .cache/debug-kernel/.  Config: defconfig + kvm_guest.config + the fragment
# selftests/vm/debug.config (KASAN, lockdep, kmemleak, netfilter...).
# The result is cached: if bzImage exists and neither the fragment, this
# script nor the source package changed, nothing is done.
#
# Output: .cache/debug-kernel/linux-source-6.1/arch/x86/boot/bzImage and a
# tree prepared for external modules (KDIR=.cache/debug-kernel/linux-source-6.1).
# Takes 20-40 minutes on 2 cores; run it with `nice -n 19` in the background.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARBALL=${LINUX_SOURCE_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
CACHE=$ROOT/.cache/debug-kernel
SRC=$CACHE/linux-source-6.1
FRAGMENT=$ROOT/selftests/vm/debug.config
STAMP=$CACHE/config.hash
JOBS=${JOBS:-$(nproc)}

log() { echo "build-debug-kernel: $*" >&2; }

[ -r "$TARBALL" ] || { log "missing $TARBALL (run 'make deps')"; exit 1; }

# Everything that determines the result goes into the stamp: the fragment,
# this script (it holds the build recipe) and the identity of the tarball.
source_id=$(stat -c '%s %Y' "$TARBALL")
want_hash=$( { cat "$FRAGMENT" "$0"; echo "$source_id"; } | sha256sum | cut -d' ' -f1)

if [ -f "$SRC/arch/x86/boot/bzImage" ] && [ -f "$STAMP" ] &&
   [ "$(cat "$STAMP")" = "$want_hash" ]; then
	log "up to date: $SRC/arch/x86/boot/bzImage"
	exit 0
fi

mkdir -p "$CACHE"
# A different source package means a fresh tree; a changed fragment alone
# only needs a reconfigure and an incremental build.
if [ ! -f "$CACHE/source.id" ] || [ "$(cat "$CACHE/source.id")" != "$source_id" ] ||
   [ ! -f "$SRC/Makefile" ]; then
	log "extracting $TARBALL"
	rm -rf "$SRC" "$CACHE/source.id" "$STAMP"
	tar -C "$CACHE" -xJf "$TARBALL"
	echo "$source_id" > "$CACHE/source.id"
fi

cd "$SRC"
rm -f "$STAMP"
log "configuring"
make -s defconfig
make -s kvm_guest.config
scripts/kconfig/merge_config.sh -m -O . .config "$FRAGMENT" >/dev/null
make -s olddefconfig

# merge_config.sh only warns when kconfig drops an option (unmet dependency,
# typo); a debug kernel silently missing KASAN would be worse than no build.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF -- "$line" .config || { log "not applied: $line"; missing=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		if grep -q "^$opt=" .config; then log "not applied: $line"; missing=1; fi ;;
	esac
done < "$FRAGMENT"
[ "$missing" = 0 ] || { log "fix $FRAGMENT"; exit 1; }

log "building with -j$JOBS (this takes a while)"
make -s -j"$JOBS" bzImage modules
make -s modules_prepare

echo "$want_hash" > "$STAMP"
log "done: $SRC/arch/x86/boot/bzImage ($(make -s kernelrelease))"
