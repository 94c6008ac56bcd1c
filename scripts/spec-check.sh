#!/bin/bash
# `make spec-check`: the YAML spec of the family is what the kernel's YNL
# tools (linux-source-6.12, scripts/ynl-tree.sh) can use, and says what the
# uapi header says:
#
#  1. spec-lint.py: valid against the kernel's genetlink-legacy schema, and
#     every nest, enum, const, operation attribute and group it names exists;
#  2. YNL's Python library loads it (the CLI's own parser);
#  3. ynl-gen-c.py generates from it the uapi header, the user library
#     (header and source) and the kernel policy code, and the user library
#     compiles against the generated header with -Wall -Werror;
#  4. spec-check-uapi.py: the generated uapi header and
#     kmod/uapi/linux/synwatch.h have the same constants, values and enums;
#  5. the checks can fail: a header without SYNWATCH_A_LISTENER_HALF_OPEN_RECENT,
#     a spec with a nest without nested-attributes, and one without
#     listener.half-open-recent must each be refused.
#
#   scripts/spec-check.sh [SPEC [HEADER]]
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SPEC=$(realpath "${1:-$ROOT/Documentation/netlink/specs/synwatch.yaml}")
HEADER=$(realpath "${2:-$ROOT/kmod/uapi/linux/synwatch.h}")
PYTHON=${PYTHON:-/usr/bin/python3}	# Debian's python3-yaml, python3-jsonschema
CC=${CC:-cc}
KSRC=$("$ROOT/scripts/ynl-tree.sh")
YNL=$KSRC/tools/net/ynl
SCHEMA=$KSRC/Documentation/netlink/genetlink-legacy.yaml

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "spec-check: FAILED: $*" >&2; exit 1; }

# ynl-gen-c finds the schema at ../genetlink-legacy.yaml from the spec and
# looks for the kernel tree's MAINTAINERS above it (forever, if there is
# none): give it a tree of links.
stage() {	# stage DIR SPEC: DIR/Documentation/netlink/specs/synwatch.yaml
	mkdir -p "$1/Documentation/netlink/specs"
	: > "$1/MAINTAINERS"
	ln -sf "$SCHEMA" "$1/Documentation/netlink/"
	ln -sf "$2" "$1/Documentation/netlink/specs/synwatch.yaml"
	echo "$1/Documentation/netlink/specs/synwatch.yaml"
}

# gen STAGED_SPEC OUTDIR: every ynl-gen-c output, then the user library built
gen() {
	local spec=$1 out=$2 m
	mkdir -p "$out/include/linux"
	for m in "uapi --header -o $out/include/linux/synwatch.h" \
		"user --header -o $out/synwatch-user.h" \
		"user --source -o $out/synwatch-user.c" \
		"kernel --header -o $out/synwatch-nl.h" \
		"kernel --source -o $out/synwatch-nl.c"; do
		# shellcheck disable=SC2086
		timeout 120 "$PYTHON" "$YNL/ynl-gen-c.py" --spec "$spec" --mode $m \
			> "$out/gen.log" 2>&1 || { cat "$out/gen.log"; echo "ynl-gen-c --mode $m failed" >&2; return 1; }
	done
	"$CC" -std=gnu11 -Wall -Werror -c -I"$out/include" -I"$YNL/lib" \
		"$out/synwatch-user.c" -o "$out/synwatch-user.o" ||
		{ echo "the user library ynl-gen-c made does not compile" >&2; return 1; }
}

# all checks on SPEC and HEADER, quietly: status only (for the self-tests)
check_quiet() {
	local dir=$TMP/$1 spec
	spec=$(stage "$dir/tree" "$2")
	"$PYTHON" "$ROOT/scripts/spec-lint.py" "$spec" "$SCHEMA" > "$dir.log" 2>&1 &&
		gen "$spec" "$dir/gen" >> "$dir.log" 2>&1 &&
		"$PYTHON" "$ROOT/scripts/spec-check-uapi.py" "$3" \
			"$dir/gen/include/linux/synwatch.h" >> "$dir.log" 2>&1
}

staged=$(stage "$TMP/tree" "$SPEC")
"$PYTHON" "$ROOT/scripts/spec-lint.py" "$SPEC" "$SCHEMA" || fail "spec-lint"
(cd "$YNL" && "$PYTHON" -c "
import sys
from lib import SpecFamily
f = SpecFamily(sys.argv[1], sys.argv[2])
print(f'spec-check: YNL loads it: {len(f.ops)} operations, {len(f.attr_sets)} attribute-sets, {len(f.consts)} definitions')
" "$SPEC" "$SCHEMA") || fail "YNL's library does not load $SPEC"
gen "$staged" "$TMP/gen" || fail "ynl-gen-c"
echo "spec-check: ynl-gen-c: uapi, user and kernel code generated, the user library compiles"
"$PYTHON" "$ROOT/scripts/spec-check-uapi.py" "$HEADER" "$TMP/gen/include/linux/synwatch.h" ||
	fail "$HEADER and the spec differ"

# The checks catch what they are for.
mkdir -p "$TMP/bad"
sed '/SYNWATCH_A_LISTENER_HALF_OPEN_RECENT,/d' "$HEADER" > "$TMP/bad/synwatch.h"
! check_quiet bad-header "$SPEC" "$TMP/bad/synwatch.h" ||
	fail "self-test: a header without SYNWATCH_A_LISTENER_HALF_OPEN_RECENT passed"
grep -q "lacks SYNWATCH_A_LISTENER_HALF_OPEN_RECENT" "$TMP/bad-header.log" ||
	{ cat "$TMP/bad-header.log"; fail "self-test: the missing enumerator is not named"; }
mutate() {	# mutate OUT PYTHON-STATEMENT-ON-s: a changed copy of the spec
	"$PYTHON" -c "
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
sets = {a['name']: a for a in s['attribute-sets']}
$2
with open(sys.argv[2], 'w') as out:
    out.write(open(sys.argv[1]).readline())	# the SPDX line ynl-gen-c wants
    yaml.safe_dump(s, out, sort_keys=False)
" "$SPEC" "$1"
}
mutate "$TMP/bad/no-nested.yaml" "
[a for a in sets['stats']['attributes'] if a['name'] == 'invalid'][0].pop('nested-attributes')"
! check_quiet bad-nest "$TMP/bad/no-nested.yaml" "$HEADER" ||
	fail "self-test: a nest without nested-attributes passed"
grep -q "stats.invalid: nest without nested-attributes" "$TMP/bad-nest.log" ||
	{ cat "$TMP/bad-nest.log"; fail "self-test: the bad nest is not named"; }
mutate "$TMP/bad/no-recent.yaml" "
sets['listener']['attributes'] = [a for a in sets['listener']['attributes'] if a['name'] != 'half-open-recent']"
! check_quiet bad-spec "$TMP/bad/no-recent.yaml" "$HEADER" ||
	fail "self-test: a spec without listener.half-open-recent passed"
grep -q "spec: lacks SYNWATCH_A_LISTENER_HALF_OPEN_RECENT" "$TMP/bad-spec.log" ||
	{ cat "$TMP/bad-spec.log"; fail "self-test: the missing attribute is not named"; }
echo "spec-check: self-tests: a missing enumerator, a nest without nested-attributes, a missing attribute each refused"
echo "spec-check: $SPEC and $HEADER agree"
