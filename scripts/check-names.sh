#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# No two things of one name: lists every non-static function definition
# and every struct tag in kmod/, userspace/ and selftests/ (with
# Universal Ctags) and fails if a name is defined twice in the project,
# whichever programs the two definitions end up in (a function of a test
# program and one of userspace/lib with the same name count), so that a
# name tells its layer: sw_ in the module, swl_ in userspace/lib, st_ in
# the selftests' library.
#
#   scripts/check-names.sh [-v]    -v: also list every name it read
#
# Exits 0 when every name is defined once, 1 otherwise (each duplicate
# printed with its places), 2 if ctags is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v ctags >/dev/null && ctags --version 2>/dev/null | grep -q Universal ||
	{ echo "check-names: needs Universal Ctags (apt-get install universal-ctags)" >&2; exit 2; }

dirs=(kmod userspace selftests)
if git rev-parse --git-dir >/dev/null 2>&1; then
	mapfile -t files < <(git ls-files --cached --others --exclude-standard -- "${dirs[@]}" |
		grep -E '\.[ch]$' | grep -v '\.mod\.c$' | sort -u)
else
	mapfile -t files < <(find "${dirs[@]}" -name '*.[ch]' ! -name '*.mod.c' ! -path '*/build/*' | sort)
fi
[ ${#files[@]} -gt 0 ] || { echo "check-names: no sources" >&2; exit 2; }

# NAME KIND FILE:LINE, one definition a line: functions with external
# linkage (not static, not only a prototype) and named struct tags.
# main() (one per program) and the kselftest harness' macros (TEST(),
# FIXTURE(), ..., which ctags takes for functions) are no names of ours.
# -D__init= etc.: the kernel's section and attribute markers between the
# return type and the name.
defs=$(ctags -x --language-force=C --kinds-C=fs --fields-C=+{properties} \
	-D__init= -D__exit= -D__cold= -D__always_inline=inline -D__maybe_unused= \
	--_xformat='%N %K %F:%n %{C.properties}' "${files[@]}" 2>/dev/null |
	awk '$1 !~ /^__anon/ && !($2 == "function" && $4 ~ /(^|,)static(,|$)/) &&
		!($2 == "function" && $1 ~ /^(main|TEST|TEST_F|TEST_SIGNAL|TEST_HARNESS_MAIN|FIXTURE|FIXTURE_SETUP|FIXTURE_TEARDOWN|FIXTURE_VARIANT|FIXTURE_VARIANT_ADD|FIXTURE_DATA)$/) { print $1, $2, $3 }' |
	sort -k1,1 -k3,3)

# The engine's host primitives (kmod/engine/step.h): struct sw_host and the
# sw_host_*() functions are declared by the engine and defined once by each
# host (the module, replay, the flood unit test), which is the point of
# them; each host is a program of its own, so they never meet at link time.
hosted=$(sed -n 's/^\(void\|bool\) \(sw_host_[a-z_]*\)(.*/\2/p' kmod/engine/step.h | sort -u)
[ -n "$hosted" ] || { echo "check-names: no sw_host_*() in kmod/engine/step.h" >&2; exit 2; }
defs=$(awk -v hosted="sw_host $hosted" 'BEGIN { n = split(hosted, h, /[ \n]/); for (i = 1; i <= n; i++) skip[h[i]] = 1 }
	!($1 in skip)' <<<"$defs")

[ "${1:-}" = -v ] && echo "$defs"

# defs is sorted by name: a name's definitions are adjacent
dups=$(awk 'function flush() { if (n > 1) print name ":" at }
	$1 != name { flush(); name = $1; n = 0; at = "" }
	{ n++; at = at "\n    " $2 " " $3 }
	END { flush() }' <<<"$defs")
count=$(awk '{ n[$1]++ } END { d = 0; for (k in n) if (n[k] > 1) d++; print d }' <<<"$defs")
total=$(wc -l <<<"$defs")

if [ -n "$dups" ]; then
	echo "$dups"
	echo "check-names: $count names defined more than once ($total definitions in ${#files[@]} files)" >&2
	exit 1
fi
echo "check-names: $total definitions in ${#files[@]} files, every name once"
