#!/bin/bash
# The module's layering, checked (make style):
#  1. kmod/engine/ is plain C shared with replay and the unit tests: its
#     files include only each other and the uapi header <linux/synwatch.h>;
#     the kernel's own headers only in types.h, under #ifdef __KERNEL__.
#  2. kmod's "..." includes form no circle (the one call up, the table's
#     eviction retiring its victim through the glue, is a declaration in
#     conntab.h, not an include: see conntab.h).
# Exit 1 with what is wrong.
set -euo pipefail
cd "$(dirname "$0")/.."
bad=0

for f in kmod/engine/*.[ch]; do
	while IFS= read -r line; do
		inc=${line#*#include }
		case $inc in
		'"'*'"')
			name=${inc//\"/}
			[ "${name#*/}" = "$name" ] && [ -f "kmod/engine/$name" ] && continue ;;
		'<linux/synwatch.h>')
			continue ;;
		esac
		if [ "$f" = kmod/engine/types.h ] &&
		   awk -v l="$line" '/^#ifdef __KERNEL__/ {k = 1} /^#else/ {k = 0}
			$0 == l && k {found = 1} END {exit !found}' "$f"; then
			continue
		fi
		if [ "$f" = kmod/engine/types.h ] &&
		   awk -v l="$line" '/^#else/ {u = 1} /^#endif/ {u = 0}
			$0 == l && u {found = 1} END {exit !found}' "$f"; then
			continue	# the userspace side of types.h
		fi
		echo "check-layers: $f: $line: the engine includes only engine files and <linux/synwatch.h>" >&2
		bad=1
	done < <(grep -h '^#include' "$f")
done

# include graph of kmod (paths relative to kmod/), then a depth-first
# search for a back edge
python3 - <<'PY' || bad=1
import os, re, sys
root = 'kmod'
files = [os.path.relpath(os.path.join(d, f), root)
         for d, _, fs in os.walk(root) for f in fs
         if f.endswith(('.c', '.h')) and not f.endswith('.mod.c')
         and '/compat/probes' not in os.path.join(d, f)]
edges = {}
for f in files:
    here = os.path.dirname(f)
    deps = set()
    for inc in re.findall(r'^#include "([^"]+)"', open(os.path.join(root, f)).read(), re.M):
        for cand in (os.path.normpath(os.path.join(here, inc)), os.path.normpath(inc)):
            if cand in files:
                deps.add(cand)
                break
    edges[f] = deps
state = {}
def visit(f, path):
    state[f] = 1
    for d in edges[f]:
        if state.get(d) == 1:
            cyc = path[path.index(d):] + [d]
            print('check-layers: include circle: ' + ' -> '.join(cyc), file=sys.stderr)
            sys.exit(1)
        if not state.get(d):
            visit(d, path + [d])
    state[f] = 2
for f in sorted(files):
    if not state.get(f):
        visit(f, [f])
PY
[ "$bad" = 0 ] && echo "check-layers: engine self-contained, no include circle in kmod"
exit "$bad"
