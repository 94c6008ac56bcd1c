#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Lay perf samples over the module's disassembly.

    bench/annotate.py IPS_FILE MODULE.ko [SYMBOL ...]

IPS_FILE is a CONFIG-WORKLOAD-ROUND.ips.txt from `BENCH_PERF=i bench/run.sh`
(lines "COUNT symbol+0xOFFSET"); MODULE.ko the module that run loaded. For
each symbol (default: every one sampled, most first), prints objdump's
disassembly with the samples of each instruction in front of it, and the
source line it came from (objdump -l). With -icount, samples are
proportional to instructions retired, so a hot line is a costly one. The
guest's perf reads its symbols from kallsyms, so the module file need not
be in the guest.
"""
import collections
import re
import subprocess
import sys


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    ips, ko, want = sys.argv[1], sys.argv[2], sys.argv[3:]
    hits = collections.defaultdict(collections.Counter)
    for line in open(ips):
        m = re.match(r'\s*(\d+)\s+([\w.]+)\+0x([0-9a-f]+)', line)
        if m:
            hits[m.group(2)][int(m.group(3), 16)] += int(m.group(1))
    total = sum(sum(c.values()) for c in hits.values())
    syms = want or sorted(hits, key=lambda s: -sum(hits[s].values()))
    for sym in syms:
        c = hits.get(sym, collections.Counter())
        n = sum(c.values())
        print(f'==== {sym}: {n} samples ({100.0 * n / max(total, 1):.1f}%'
              ' of synwatch\'s)')
        out = subprocess.run(['objdump', '-d', '-l', '--no-show-raw-insn',
                              f'--disassemble={sym}', ko],
                             capture_output=True, text=True).stdout
        base = None
        for l in out.splitlines():
            m = re.match(r'([0-9a-f]+) <([\w.]+)>:', l)
            if m:
                base = int(m.group(1), 16) if m.group(2) == sym else None
                continue
            m = re.match(r'\s*([0-9a-f]+):\s+(.*)', l)
            if m and base is not None:
                off = int(m.group(1), 16) - base
                k = c.get(off, 0)
                print(f'{k or "":>6}  {off:5x}  {m.group(2)}')
            elif base is not None and l.strip():
                print(f'        {l.strip()}')


if __name__ == '__main__':
    main()
