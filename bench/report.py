#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn the runs of `make bench` into results: JSON, Markdown, plot data.

    report.py RUNS.jsonl GUEST.json MACHINE.json OUTDIR

RUNS.jsonl has one line per run (bench/guest.sh), GUEST.json what the guest
saw (kernel, CPUs, settings), MACHINE.json what the host saw (CPU, qemu,
mode, wall time). Writes OUTDIR/<timestamp>.json, latest.json, latest.md
and latest.dat (the ratios, for bench/plot.gp). Standard library only.
"""
import json
import os
import statistics
import sys
import time

CONFIGS = {
    "a": "(a) no module",
    "b": "(b) synwatch",
    "c": "(c) synwatch + synwatchd",
    "d": "(d) conntrack",
    "e": "(e) synwatch + conntrack",
    "n": "(n) synwatch + evsink",
    "o": "(o) base synwatch (BENCH_BASE_KO)",
    "p": "(p) base synwatch + synwatchd",
}
WORKLOADS = {
    "churn4": ("churn, IPv4", "connections/s"),
    "churn6": ("churn, IPv6", "connections/s"),
    "churnest4": ("churn, table full of established, IPv4", "connections/s"),
    "rr4": ("request/response, IPv4", "transactions/s"),
    "rr6": ("request/response, IPv6", "transactions/s"),
    "full4": ("request/response, full table, IPv4", "transactions/s"),
    "flood4": ("SYN flood absorption, IPv4", "SYNs/s"),
}
PLOT_LABELS = {
    "churn4": "churn v4", "churn6": "churn v6",
    "churnest4": "churn, full of est.", "rr4": "RR v4",
    "rr6": "RR v6", "full4": "RR full table", "flood4": "SYN flood",
}


def metric(run):
    """The run's figure of merit, or None if it failed."""
    res = run.get("result")
    if run.get("rc") or not isinstance(res, dict):
        return None
    if run["workload"].startswith("churn"):
        return res.get("cps")
    if run["workload"] == "flood4":
        gen = res.get("generator") or {}
        dur = gen.get("duration_s") or 0
        return res.get("syns_in", 0) / dur if dur else None
    return res.get("tps")


def summarize(runs):
    out = {}
    for wl in WORKLOADS:
        per = {}
        for cfg in CONFIGS:
            vals = [metric(r) for r in runs
                    if r["workload"] == wl and r["config"] == cfg]
            failed = sum(v is None for v in vals)
            vals = [v for v in vals if v is not None]
            if not vals and not failed:
                continue
            per[cfg] = {"values": vals, "failed": failed, "n": len(vals)}
            if vals:
                per[cfg].update(median=statistics.median(vals),
                                min=min(vals), max=max(vals))
        base = per.get("a", {}).get("median")
        for cfg, s in per.items():
            if base and "median" in s:
                s["ratio"] = s["median"] / base
                s["ratio_min"] = s["min"] / base
                s["ratio_max"] = s["max"] / base
        if per:
            out[wl] = {"label": WORKLOADS[wl][0], "unit": WORKLOADS[wl][1],
                       "configs": per}
    return out


def memory(runs, max_conns):
    """Table memory at the end of the flood, when the table is full."""
    out = {}
    for cfg in CONFIGS:
        fl = [r for r in runs if r["workload"] == "flood4"
              and r["config"] == cfg and isinstance(r.get("extra"), dict)]
        if not fl:
            continue
        ex = fl[-1]["extra"]
        m = {}
        sw, tab = ex.get("slab_synwatch") or {}, ex.get("table")
        if isinstance(tab, dict) and sw.get("objs"):
            entries = tab.get("conn_count_total", 0)
            buckets = tab.get("hash_size", 0)
            m["synwatch"] = {
                "entries": entries, "max": tab.get("conn_max"),
                "buckets": buckets,
                "module_mem_bytes": tab.get("mem_bytes"),
                "module_bytes_per_record": tab.get("obj_size"),
                "insert_failed": tab.get("insert_failed"),
                "evicted": tab.get("evict"),
                "slab_objs": sw["objs"], "slab_objsize": sw["objsize"],
                "slab_bytes": sw["bytes"],
                "slab_bytes_per_entry": sw["bytes"] / sw["objs"],
                "bucket_bytes": buckets * 8,
                "total_bytes": sw["bytes"] + buckets * 8,
                "total_bytes_per_entry":
                    (sw["bytes"] + buckets * 8) / max(entries, 1),
                "within_cap": entries <= (tab.get("conn_max") or max_conns),
            }
        ct = ex.get("slab_conntrack") or {}
        if cfg in ("d", "e") and ct.get("objs"):
            m["conntrack"] = {
                "slab_objs": ct["objs"], "slab_objsize": ct["objsize"],
                "slab_bytes": ct["bytes"],
                "slab_bytes_per_entry": ct["bytes"] / ct["objs"],
            }
        if m:
            out[cfg] = m
    return out


def ratio(s, wl, cfg):
    return s.get(wl, {}).get("configs", {}).get(cfg, {}).get("ratio")


def goals(s, mem):
    g = []

    def add(name, value, target, ok, detail):
        g.append({"goal": name, "value": value, "target": target,
                  "pass": bool(ok) if ok is not None else None,
                  "detail": detail})

    for wl in ("churn4", "churn6", "rr4", "rr6"):
        rb, rc, rd = ratio(s, wl, "b"), ratio(s, wl, "c"), ratio(s, wl, "d")
        lab = WORKLOADS[wl][0]
        if rb is not None and rd is not None:
            ob, od = 1 - rb, 1 - rd
            add(f"no listener, {lab}: overhead(b) <= overhead(d) / 2",
                ob, od / 2, ob <= od / 2,
                f"synwatch {ob:.1%}, conntrack {od:.1%}")
        if rc is not None and rd is not None:
            oc, od = 1 - rc, 1 - rd
            add(f"daemon on all events, {lab}: overhead(c) <= overhead(d)",
                oc, od, oc <= od,
                f"synwatch + synwatchd {oc:.1%}, conntrack {od:.1%}")
    for cfg in ("b", "c", "e"):
        full = s.get("full4", {}).get("configs", {}).get(cfg, {})
        empty = s.get("rr4", {}).get("configs", {}).get(cfg, {})
        if "median" in full and "median" in empty:
            r = full["median"] / empty["median"]
            add(f"full table ({cfg}): RR full >= 95% of RR empty", r, 0.95,
                r >= 0.95, f"{full['median']:.0f} vs {empty['median']:.0f} "
                "transactions/s")
    rb = ratio(s, "flood4", "b")
    if rb is not None:
        add("SYN flood: absorption with synwatch (b) >= 90% of (a)", rb,
            0.90, rb >= 0.90, f"{rb:.1%} of the SYNs/s without the module")
    sw = mem.get("b", {}).get("synwatch")
    if sw:
        add("SYN flood: table within its cap", sw["entries"], sw["max"],
            sw["within_cap"], f"{sw['entries']} entries, cap {sw['max']}")
        # the slab object (s->size: object, alignment, free pointer) is
        # what one more connection costs; whole slabs over entries adds
        # the allocator's partly used slabs, shown beside it
        add("memory: <= 128 bytes per tracked connection (slab)",
            sw["slab_objsize"], 128,
            sw["slab_objsize"] <= 128,
            f"slab object {sw['slab_objsize']} B; "
            f"{sw['slab_bytes_per_entry']:.1f} B of whole slabs per entry, "
            f"{sw['total_bytes_per_entry']:.1f} B with the bucket array")
    return g


def fmt_num(v):
    return f"{v:,.0f}".replace(",", "\u202f") if v >= 100 else f"{v:.3g}"


def markdown(doc):
    s, mach, gst = doc["workloads"], doc["machine"], doc["guest"]
    L = []
    L.append("## Benchmarks")
    L.append("")
    L.append(f"`make bench`, {doc['generated']}: "
             f"{gst['rounds']} rounds of {gst['duration_s']} s per run, "
             "configurations interleaved in one boot (a b c d e a b c d e "
             "...); median (min\u2013max) and, in bold, the median's ratio "
             "to (a).")
    L.append("")
    L.append(f"- Host: {mach['cpu_model']}, {mach['host_cpus']} CPUs, "
             f"Linux {mach['host_kernel']}, {mach['qemu']}")
    L.append(f"- Guest: Linux {gst['kernel']}, {mach['mode']}, "
             f"{gst['mem_kb'] // 1024} MiB")
    L.append(f"- synwatch max_conns = hashsize = {gst['max_conns']}; "
             f"nf_conntrack_max = {gst['conntrack_max']}")
    L.append("- Client and server in two network namespaces joined by veth; "
             "the SYN flood comes from a third (spoofed sources, "
             f"AF_PACKET, `{mach.get('synflood', 'selftests/build/synflood')}`)"
             ", at a listener of the server's; churn: 8 connections in "
             "flight, request/response: 4 connections, 64-byte messages")
    L.append("- Per-configuration blocks get fresh namespaces; (c) runs "
             "synwatchd (events = all, subscribe mode, JSON log) in both; "
             "(d) and (e) load an nft `ct state` ruleset into input and "
             "output of both")
    L.append("")
    cfgs = [c for c in CONFIGS if any(c in w["configs"] for w in s.values())]
    L.append("| workload | " + " | ".join(CONFIGS[c] for c in cfgs) + " |")
    L.append("|---|" + "---|" * len(cfgs))
    for wl, w in s.items():
        cells = []
        for c in cfgs:
            x = w["configs"].get(c)
            if not x or "median" not in x:
                cells.append("failed" if x else "")
                continue
            cell = (f"{fmt_num(x['median'])} ({fmt_num(x['min'])}"
                    f"\u2013{fmt_num(x['max'])})")
            if c != "a" and "ratio" in x:
                cell += f" **{x['ratio']:.3f}**"
            if x["failed"]:
                cell += f" ({x['failed']} failed)"
            cells.append(cell)
        L.append(f"| {w['label']}, {w['unit']} | " + " | ".join(cells) + " |")
    L.append("")
    mem = doc["memory"]
    if mem:
        L.append("Table memory at the end of the flood (table full):")
        L.append("")
        L.append("| config | table | entries | slab object | slab bytes/entry"
                 " | buckets | total | total bytes/entry |")
        L.append("|---|---|---|---|---|---|---|---|")
        for cfg, m in mem.items():
            if "synwatch" in m:
                x = m["synwatch"]
                L.append(f"| {CONFIGS[cfg]} | synwatch | {x['entries']} of "
                         f"{x['max']} | {x['slab_objsize']} B "
                         f"(stats: {x['module_bytes_per_record']} B) | "
                         f"{x['slab_bytes_per_entry']:.1f} B | "
                         f"{x['buckets']} \u00d7 8 B | "
                         f"{x['total_bytes'] / 2**20:.2f} MiB | "
                         f"{x['total_bytes_per_entry']:.1f} B |")
            if "conntrack" in m:
                x = m["conntrack"]
                L.append(f"| {CONFIGS[cfg]} | nf_conntrack | "
                         f"{x['slab_objs']} | {x['slab_objsize']} B | "
                         f"{x['slab_bytes_per_entry']:.1f} B | | "
                         f"{x['slab_bytes'] / 2**20:.2f} MiB | |")
        L.append("")
    L.append("Goals:")
    L.append("")
    L.append("| goal | result | |")
    L.append("|---|---|---|")
    for g in doc["goals"]:
        mark = {True: "met", False: "**missed**", None: "n/a"}[g["pass"]]
        L.append(f"| {g['goal']} | {g['detail']} | {mark} |")
    L.append("")
    L.append(f"Total `make bench` time: {mach['wall_s'] / 60:.1f} min "
             f"(VM {mach['vm_wall_s'] / 60:.1f} min). Why goals are missed, "
             "profiles and the fixes so far: bench/README.md.")
    L.append("")
    return "\n".join(L)


def plot_data(doc):
    """latest.dat: the configurations' letters on a "# configs:" line, then
    one row per workload: its label, and per configuration but (a) the
    ratio, its low and its high."""
    cfgs = [c for c in CONFIGS if c != "a" and any(
        c in w["configs"] for w in doc["workloads"].values())]
    rows = ["# configs: " + " ".join(cfgs),
            "# workload " + " ".join(f"{c} {c}_min {c}_max" for c in cfgs)]
    for wl, w in doc["workloads"].items():
        cells = []
        for c in cfgs:
            x = w["configs"].get(c, {})
            cells += [f"{x[k]:.4f}" if k in x else "NaN"
                      for k in ("ratio", "ratio_min", "ratio_max")]
        rows.append(f"\"{PLOT_LABELS[wl]}\" " + " ".join(cells))
    return "\n".join(rows) + "\n"


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    runs_path, guest_path, machine_path, outdir = sys.argv[1:]
    with open(runs_path) as f:
        runs = [json.loads(line) for line in f if line.strip()]
    with open(guest_path) as f:
        guest = json.load(f)
    with open(machine_path) as f:
        machine = json.load(f)
    s = summarize(runs)
    mem = memory(runs, guest.get("max_conns"))
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    doc = {"generated": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "machine": machine, "guest": guest, "workloads": s,
           "memory": mem, "goals": goals(s, mem), "runs": runs}
    os.makedirs(outdir, exist_ok=True)
    text = json.dumps(doc, indent=1) + "\n"
    for name in (f"{stamp}.json", "latest.json"):
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)
    with open(os.path.join(outdir, "latest.md"), "w") as f:
        f.write(markdown(doc))
    with open(os.path.join(outdir, "latest.dat"), "w") as f:
        f.write(plot_data(doc))
    print(markdown(doc))


if __name__ == "__main__":
    main()
