#!/bin/bash
# The kernel's YNL tools (tools/net/ynl: cli.py, ynl-gen-c.py, lib/) and
# netlink schemas (Documentation/netlink) from Debian's linux-source-6.12,
# extracted once into .deps/linux-6.12/ (only those two subtrees; never
# copied into the repository). Prints the directory. Used by `make
# spec-check` and, through `make vm-check`, by selftests/ynl_drive.sh,
# which runs in a VM that sees the host's files read-only.
#
#   scripts/ynl-tree.sh        extract if missing or stale, print the path
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARBALL=${YNL_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
KSRC=$ROOT/.deps/linux-6.12
SUBTREES=(tools/net/ynl Documentation/netlink)

if [ ! -f "$TARBALL" ]; then
	echo "ynl-tree: $TARBALL missing: install linux-source-6.12 (make deps)" >&2
	exit 1
fi
mkdir -p "$ROOT/.deps"
exec 9> "$ROOT/.deps/.linux-6.12.lock"
flock 9	# make -j: spec-check and vm-check may both get here
stamp=$KSRC/.source-id
source_id=$(stat -c '%s %Y' "$TARBALL")
if [ "$(cat "$stamp" 2>/dev/null)" != "$source_id" ]; then
	echo "ynl-tree: extracting ${SUBTREES[*]} from $TARBALL" >&2
	rm -rf "$KSRC"
	mkdir -p "$KSRC"
	top=$(basename "$TARBALL" .tar.xz)
	tar -C "$KSRC" --strip-components=1 -xJf "$TARBALL" \
		"${SUBTREES[@]/#/$top/}"
	for f in tools/net/ynl/cli.py tools/net/ynl/ynl-gen-c.py \
		Documentation/netlink/genetlink-legacy.yaml; do
		[ -f "$KSRC/$f" ] || { echo "ynl-tree: $TARBALL has no $f" >&2; exit 1; }
	done
	echo "$source_id" > "$stamp"
fi
echo "$KSRC"
