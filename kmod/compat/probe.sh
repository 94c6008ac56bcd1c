#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Probe the target kernel for features, never for versions: compile each
# compat/probes/NAME.c against the kernel's own headers, with the flags
# Kbuild compiles the module with, and print -DSW_HAVE_NAME for each that
# compiles. compat.h fills in what is missing.
#
#   probe.sh CC [kernel compiler flags...]    (called from kmod/Kbuild)
#
# Why compile rather than grep the headers: a grep matches a name in a
# comment, a different signature or a config-dependent block, and says
# nothing of a type's fields; the compiler answers exactly the question
# the module's code asks ("does this build here?"), as ipt-netflow's
# probes do. All probes run in parallel: about a second in all.
#
# probes/baseline.c must compile: if it does not, the flags are wrong and
# every answer would be "absent"; -DSW_PROBE_FAILED then makes compat.h
# stop the build with an error, rather than choose every fallback.
dir=$(dirname "$0")/probes
cc=$1
shift
tmp=$(mktemp -d "${TMPDIR:-/tmp}/synwatch-probe.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

for f in "$dir"/*.c; do
	name=$(basename "$f" .c)
	(
		if $cc "$@" -D__KERNEL__ -DMODULE -DKBUILD_MODNAME='"probe"' \
			-Werror -fsyntax-only -o /dev/null "$f" \
			> "$tmp/$name.log" 2>&1; then
			: > "$tmp/$name.ok"
		fi
	) &
done
wait

if [ ! -e "$tmp/baseline.ok" ]; then
	printf ' -DSW_PROBE_FAILED'
	cat "$tmp/baseline.log" >&2
fi
for f in "$dir"/*.c; do
	name=$(basename "$f" .c)
	[ "$name" = baseline ] && continue
	[ -e "$tmp/$name.ok" ] && printf ' -DSW_HAVE_%s' "$name"
done
echo
