#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check the uapi header against the YAML spec, both ways.

    spec-check-uapi.py HEADER GENERATED

HEADER is kmod/uapi/linux/synwatch.h, the contract; GENERATED is the header
ynl-gen-c --mode uapi made from Documentation/netlink/specs/synwatch.yaml.
Every constant (enumerator or #define with a value) of either must be in the
other with the same value, and an enumerator must sit in an enum of the same
name. What the generator cannot express is checked by explicit rules instead
of being skipped:

 - SYNWATCH_CMD_UNSPEC: genetlink reserves command 0; must be 0.
 - enum synwatch_mcgrp: the header numbers the multicast groups for the
   module's table; its entries must be the spec's groups, in its order
   (the generator only makes their name #defines, which are compared).
 - enum synwatch_invalid_attr and synwatch_timeout_attr: attribute-sets the
   spec needs for YNL to name the entries of the stats.invalid and
   config.timeouts nests; the header has no such enums, their attribute
   types are enum synwatch_invalid and enum synwatch_state + 1. Each
   generated entry must match its enum entry and cover all of them.

Exit status 0 if all agree, 1 with one line per difference.
"""
import re
import sys

# generated enum -> (header enum it mirrors, prefix there, value offset)
DERIVED = {
    'synwatch_invalid_attr': ('synwatch_invalid', 'SYNWATCH_A_INVALID_',
                              'SYNWATCH_INVALID_', 0),
    'synwatch_timeout_attr': ('synwatch_state', 'SYNWATCH_A_TIMEOUT_',
                              'SYNWATCH_STATE_', 1),
}
CMD_UNSPEC = 'SYNWATCH_CMD_UNSPEC'
MCGRP_ENUM = 'synwatch_mcgrp'


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', '', text)


def c_eval(expr, syms, where):
    """Value of a C integer constant expression over known symbols."""
    def name(m):
        n = m.group(0)
        if n not in syms or not isinstance(syms[n], int):
            raise KeyError(n)
        return str(syms[n])
    py = re.sub(r'\b(0x[0-9a-fA-F]+|\d+)[uUlL]*\b', r'\1', expr)
    py = re.sub(r'\b[A-Za-z_]\w*\b', name, py)
    if not re.fullmatch(r'[\s\d()xa-fA-F+\-*/<>&|~^]*', py):
        raise ValueError(f'{where}: cannot evaluate "{expr}"')
    return int(eval(py.replace('/', '//'), {'__builtins__': {}}))


def parse_header(path):
    """{symbol: value}, {enumerator: enum name or ''}, enums in order."""
    text = strip_comments(open(path).read())
    pending = []	# (symbol, expression or None for "previous + 1")
    owner, enums = {}, {}
    for m in re.finditer(r'\benum\s+(\w*)\s*\{(.*?)\}\s*;', text, re.S):
        ename, body = m.group(1), m.group(2)
        enums[ename] = []
        prev = None
        for item in (i.strip() for i in body.split(',')):
            if not item:
                continue
            sym, _, expr = (s.strip() for s in item.partition('='))
            if not re.fullmatch(r'[A-Za-z_]\w*', sym):
                sys.exit(f'{path}: cannot parse enumerator "{item}"')
            pending.append((sym, expr or (f'{prev} + 1' if prev else '0')))
            owner[sym] = ename
            enums[ename].append(sym)
            prev = sym
    strings = {}
    for m in re.finditer(r'^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+(.+)$',
                         text, re.M):
        sym, val = m.group(1), m.group(2).strip()
        if val.startswith('"'):
            strings[sym] = val.strip('"')
        else:
            pending.append((sym, val))
    syms = dict(strings)
    while pending:	# definitions may use symbols defined further down
        left = []
        for sym, expr in pending:
            try:
                syms[sym] = c_eval(expr, syms, f'{path}: {sym}')
            except KeyError:
                left.append((sym, expr))
        if len(left) == len(pending):
            sys.exit(f'{path}: cannot evaluate {", ".join(s for s, _ in left)}')
        pending = left
    return syms, owner, enums


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    hdr_path, gen_path = sys.argv[1:]
    hdr, hdr_owner, hdr_enums = parse_header(hdr_path)
    gen, gen_owner, gen_enums = parse_header(gen_path)
    errors = []

    def err(msg):
        errors.append(msg)

    # Derived attribute-sets: checked against the enum they mirror.
    derived = set()
    for gname, (hname, gpfx, hpfx, off) in DERIVED.items():
        if gname not in gen_enums:
            err(f'spec: no attribute-set rendering enum {gname}')
            continue
        if hname not in hdr_enums:
            err(f'{hdr_path}: no enum {hname}')
            continue
        want = {s[len(hpfx):]: hdr[s] + off for s in hdr_enums[hname]
                if not s.startswith('__') and not s.endswith('_MAX')
                and not s.endswith('_UNSPEC')}
        got = {}
        for s in gen_enums[gname]:
            derived.add(s)
            if s.startswith(gpfx) and not s.endswith('_MAX'):
                got[s[len(gpfx):]] = gen[s]
        for cnt in (f'__{gpfx}MAX', f'{gpfx}MAX'):
            derived.add(cnt)
        for k in sorted(set(want) | set(got)):
            if k not in got:
                err(f'spec: {gname} lacks {gpfx}{k} (enum {hname} has {hpfx}{k} = {want[k] - off})')
            elif k not in want:
                err(f'spec: {gname} has {gpfx}{k}, enum {hname} has no {hpfx}{k}')
            elif got[k] != want[k]:
                err(f'spec: {gpfx}{k} = {got[k]}, should be {hpfx}{k} + {off} = {want[k]}')

    # Multicast groups: the header's enum against the spec's names.
    groups = [(s, v) for s, v in gen.items()
              if re.fullmatch(r'SYNWATCH_MCGRP_\w+_NAME', s)]
    hdr_grps = [s for s in hdr_enums.get(MCGRP_ENUM, []) if not s.startswith('__')]
    want_grps = [f'SYNWATCH_MCGRP_{gen[s].upper()}' for s, _ in groups]
    if hdr_grps != want_grps:
        err(f'{hdr_path}: enum {MCGRP_ENUM} is {hdr_grps}, the spec\'s groups in order are {want_grps}')
    else:
        for i, s in enumerate(hdr_grps):
            if hdr[s] != i:
                err(f'{hdr_path}: {s} = {hdr[s]}, the spec lists it at {i}')
        cnt = f'__{MCGRP_ENUM.upper()}_MAX'
        if hdr.get(cnt) != len(hdr_grps):
            err(f'{hdr_path}: {cnt} should be {len(hdr_grps)}')
    excused = set(hdr_enums.get(MCGRP_ENUM, []))
    if hdr.get(CMD_UNSPEC) != 0:
        err(f'{hdr_path}: {CMD_UNSPEC} must be 0')
    excused.add(CMD_UNSPEC)

    # Everything else: the same symbols, values and enums, both ways.
    for s in sorted(set(gen) - derived):
        if s not in hdr:
            err(f'{hdr_path}: lacks {s} (the spec has it, = {gen[s]!r})')
        elif hdr[s] != gen[s]:
            err(f'{s}: {hdr[s]!r} in {hdr_path}, {gen[s]!r} from the spec')
        elif s in gen_owner and s in hdr_owner and gen_owner[s] \
                and gen_owner[s] != hdr_owner[s]:
            err(f'{s}: in enum {hdr_owner[s]} in {hdr_path}, enum {gen_owner[s]} from the spec')
    for s in sorted(set(hdr) - set(gen) - excused):
        err(f'spec: lacks {s} (= {hdr[s]!r} in {hdr_path})')

    for e in errors:
        print(f'spec-check-uapi: {e}')
    if errors:
        print(f'spec-check-uapi: FAILED: {len(errors)} differences between '
              f'{hdr_path} and the spec')
        return 1
    print(f'spec-check-uapi: {len(set(hdr) & set(gen))} constants of {hdr_path} '
          f'match the spec, {len(derived)} derived ones checked against their enums')
    return 0


if __name__ == '__main__':
    sys.exit(main())
