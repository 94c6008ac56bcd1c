#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate a netlink YAML spec before YNL uses it.

    spec-lint.py SPEC SCHEMA

SCHEMA is the kernel's Documentation/netlink/genetlink-legacy.yaml. Beyond
the schema (which lets a nest go without nested-attributes, or name an enum
that does not exist), checks what YNL needs to decode every message: each
nest and indexed array of nests names an attribute-set that exists, each
enum and const named exists, each operation's attributes are in its set,
each mcgrp is a group. Exit status 0 if clean, 1 with one line per problem.
"""
import re
import sys

import jsonschema
import yaml


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    spec_path, schema_path = sys.argv[1:]
    with open(spec_path) as f:
        spec = yaml.safe_load(f)
    with open(schema_path) as f:
        schema = yaml.safe_load(f)
    errors = []
    validator = jsonschema.Draft7Validator(schema)
    for e in sorted(validator.iter_errors(spec), key=lambda e: list(e.path)):
        where = '.'.join(str(p) for p in e.path) or '(top)'
        errors.append(f'schema: {where}: {e.message}')
    if errors:	# the rest assumes the schema's shape
        return report(spec_path, errors)

    defs = {d['name']: d for d in spec.get('definitions', [])}
    sets = {s['name']: s for s in spec['attribute-sets']}
    groups = {g['name'] for g in spec.get('mcast-groups', {}).get('list', [])}
    for s in spec['attribute-sets']:
        for a in s['attributes']:
            where = f"attribute-sets {s['name']}.{a['name']}"
            nested = a.get('nested-attributes')
            needs_set = a.get('type') == 'nest' or \
                (a.get('type') == 'indexed-array' and a.get('sub-type') == 'nest')
            if needs_set and not nested:
                errors.append(f'{where}: {a["type"]} without nested-attributes '
                              '(YNL cannot decode it)')
            elif nested and not needs_set:
                errors.append(f'{where}: nested-attributes on a {a.get("type")}')
            elif nested and nested not in sets:
                errors.append(f'{where}: nested-attributes {nested}: no such attribute-set')
            if a.get('type') == 'indexed-array' and 'sub-type' not in a:
                errors.append(f'{where}: indexed-array without sub-type')
            enum = a.get('enum')
            if enum and defs.get(enum, {}).get('type') not in ('enum', 'flags'):
                errors.append(f'{where}: enum {enum}: no such enum or flags definition')
            for key, val in a.get('checks', {}).items():
                if isinstance(val, str) and not val[:1].isdigit() and \
                        defs.get(val, {}).get('type') != 'const' and \
                        not re.fullmatch(r'[su](8|16|32|64)-(min|max)', val):
                    errors.append(f'{where}: checks {key}: {val}: no such const')

    for op in spec['operations']['list']:
        where = f"operations {op['name']}"
        aset = sets.get(op.get('attribute-set'))
        if aset is None:
            errors.append(f'{where}: attribute-set {op.get("attribute-set")}: no such set')
            continue
        names = {a['name'] for a in aset['attributes']}
        lists = [('event', op.get('event', {}))]
        for mode in ('do', 'dump'):
            for part in ('request', 'reply'):
                lists.append((f'{mode} {part}', op.get(mode, {}).get(part, {})))
        for what, msg in lists:
            for name in msg.get('attributes', []):
                if name not in names:
                    errors.append(f'{where}: {what}: {name} is not in attribute-set {aset["name"]}')
        if 'mcgrp' in op and op['mcgrp'] not in groups:
            errors.append(f'{where}: mcgrp {op["mcgrp"]}: no such multicast group')
    return report(spec_path, errors)


def report(spec_path, errors):
    for e in errors:
        print(f'spec-lint: {spec_path}: {e}')
    if errors:
        print(f'spec-lint: FAILED: {len(errors)} problems')
        return 1
    print(f'spec-lint: {spec_path}: valid (genetlink-legacy schema, references)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
