#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Make the `make bench` report from the VM's raw figures.

  report.py LOGDIR RESULTS [--readme README.md]

LOGDIR holds bench.tsv (written by bench/run.sh, "FIGURE\tPATH\tVALUE" lines
and "meta" lines) and the perf profiles. Writes RESULTS/bench-STAMP.{md,csv,
png,tsv}, the profiles as RESULTS/bench-STAMP-profile-PATH.txt, and copies
named latest.*; with --readme, replaces the part of README.md between
"<!-- bench:begin -->" and "<!-- bench:end -->" with the table.
"""
import argparse
import csv
import io
import os
import re
import shutil
import subprocess
import sys

PATHS = ["direct", "wgx", "dnat", "bounce"]
NAMES = {"direct": "direct", "wgx": "wgx", "dnat": "DNAT relay", "bounce": "bounce server"}

# (figure, label, unit, format, better, target)
# better: "high" or "low" (for the ratios' reading); target: None, or
# ("dnat", op, factor): wgx op factor x DNAT; ("flat",): see below.
E2E = [
    ("tcp_up_1", "TCP spoke→hub, 1 stream", "Mbit/s", "{:.1f}", "high", ("dnat", ">=", 0.95)),
    ("tcp_up_4", "TCP spoke→hub, 4 streams", "Mbit/s", "{:.1f}", "high", ("dnat", ">=", 0.95)),
    ("tcp_down_1", "TCP hub→spoke, 1 stream", "Mbit/s", "{:.1f}", "high", ("dnat", ">=", 0.95)),
    ("tcp_down_4", "TCP hub→spoke, 4 streams", "Mbit/s", "{:.1f}", "high", ("dnat", ">=", 0.95)),
    ("e2e_pps", "64-byte UDP, full speed: received", "pkt/s", "{:,.0f}", "high", ("dnat", ">=", 0.95)),
    ("e2e_loss", "64-byte UDP, full speed: loss", "%", "{:.2f}", "low", None),
    ("fixed_pps", "64-byte UDP sent at {e2e_fixed_rate} pkt/s: received", "pkt/s", "{:,.0f}", "high", None),
    ("fixed_loss", "64-byte UDP sent at {e2e_fixed_rate} pkt/s: loss", "%", "{:.2f}", "low", None),
    ("rtt_med", "ping RTT, median", "ms", "{:.3f}", "low", None),
    ("rtt_p99", "ping RTT, 99th percentile", "ms", "{:.3f}", "low", None),
]
RELAY = [
    ("sess_1", "forwarding rate, 1 session (flow)", "pkt/s", "{:,.0f}", "high", ("dnat", ">=", 0.95)),
    ("sess_100", "forwarding rate, 100 sessions (flows)", "pkt/s", "{:,.0f}", "high", ("dnat", ">=", 0.95)),
    ("sess_1000", "forwarding rate, {sessions} sessions (flows)", "pkt/s", "{:,.0f}", "high", ("dnat", ">=", 0.95)),
    ("flat", "forwarding rate, {sessions} sessions / 1 session", "ratio", "{:.3f}", "high", ("flat",)),
    ("sess_1_us", "relay CPU per forwarded packet (CPU 1 saturated: 1 / rate)", "µs", "{:.2f}", "low", ("dnat", "<=", 1.1)),
    ("fixed_ticks", "CPU 1 ticks per packet at {relay_fixed_rate} pkt/s (/proc/stat, TCG loses ticks)", "µs", "{:.2f}", "low", ("dnat", "<=", 1.1)),
    ("hs_fwd", "handshake initiations forwarded", "1/s", "{:,.0f}", "high", None),
    ("hs_own", "own handshakes (32 in flight, known keys)", "1/s", "{:,.0f}", "high", None),
    ("hs_first", "own handshakes, first contact (new peers)", "1/s", "{:,.0f}", "high", None),
]


def load(logdir):
    meta, data = {}, {}
    with open(os.path.join(logdir, "bench.tsv")) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            fig, path, value = parts
            if fig == "meta":
                meta[path] = value
            else:
                data.setdefault(fig, {})[path] = value
    return meta, data


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def derive(meta, data):
    """Figures computed from others: flatness, and sessions above 1,000."""
    n = meta.get("sessions", "1000")
    if n not in ("1", "100", "1000") and "sess_" + n in data:
        data["sess_1000"] = data["sess_" + n]
    for p in ("wgx", "dnat"):
        one = num(data.get("sess_1", {}).get(p))
        most = num(data.get("sess_" + n, {}).get(p))
        if one and most is not None:
            data.setdefault("flat", {})[p] = str(most / one)
    # The relay paths have no CPU figure for "direct".
    return data


def verdict(target, fig, vals):
    if not target:
        return "", ""
    w = num(vals.get("wgx"))
    if w is None:
        return "", ""
    if target[0] == "flat":
        return "≥ 0.95 (flat)", "met" if w >= 0.95 else "missed"
    ref = num(vals.get(target[0]))
    if not ref:
        return "", ""
    _, op, factor = target
    text = "%s %.2f × DNAT" % ("≥" if op == ">=" else "≤", factor)
    ok = w >= factor * ref if op == ">=" else w <= factor * ref
    return text, "met" if ok else "missed"


def rows(meta, data, spec):
    out = []
    for fig, label, unit, fmt, better, target in spec:
        vals = data.get(fig, {})
        if not vals:
            continue
        label = label.format(**{k: "{:,}".format(int(float(v))) if re.match(r"^[0-9]+(\.[0-9]+)?$", v) else v
                                for k, v in meta.items()})
        cells = []
        base = re.sub(r"_(us|ticks)$", "", fig)
        bound = data.get(base + "_bound", {})
        for p in PATHS:
            v = num(vals.get(p))
            c = fmt.format(v) if v is not None else "–"
            # The load generator, not the relay, was the limit: the rate is
            # a floor, the time per packet a ceiling.
            if bound.get(p) == "generator" and not fig.startswith("fixed"):
                c = ("≤ " if fig.endswith("_us") else "≥ ") + c
            cells.append(c)
        ratios = []
        w = num(vals.get("wgx"))
        for p in ("dnat", "bounce"):
            r = num(vals.get(p))
            ratios.append("%.2f" % (w / r) if w is not None and r else "–")
        ttext, v = verdict(target, fig, vals)
        out.append({"fig": fig, "label": label, "unit": unit, "cells": cells,
                    "raw": [vals.get(p, "") for p in PATHS], "ratios": ratios,
                    "target": ttext, "verdict": v})
    return out


def markdown(meta, e2e, relay, stamp):
    accel = meta.get("accel", "tcg").upper()
    lines = []
    lines.append("wgx benchmark, %s: kernel %s, QEMU %s (%s), %s vCPUs (%s), %s; host %s, %s CPUs, load %s; "
                 "%s s per measurement, run took %s s." % (
                     meta.get("date", "?"), meta.get("kernel", "?"), accel,
                     meta.get("qemu", "?").replace("QEMU emulator version ", ""),
                     meta.get("vm_cpus", "?"), meta.get("vm_cpu", "?"), meta.get("vm_mem", "?"),
                     meta.get("host_cpu", "?"), meta.get("host_cpus", "?"),
                     meta.get("host_load", "?"), meta.get("secs", "?"),
                     meta.get("duration", "?")))
    lines.append("")
    if meta.get("incomplete"):
        lines.append("**INCOMPLETE: %s.**" % meta["incomplete"])
        lines.append("")
    if accel == "TCG":
        lines.append("**These figures come from an emulated CPU (QEMU TCG): they are comparable only "
                     "with each other, within this one run, never with figures of another run or "
                     "of real hardware.**")
        lines.append("")
    head = "| figure | unit | direct | wgx | DNAT relay | bounce server | wgx/DNAT | wgx/bounce | target (wgx) |"
    sep = "|---|---|--:|--:|--:|--:|--:|--:|---|"
    for title, rs in (("End to end, spoke → hub (kernel WireGuard on both)", e2e),
                      ("The relay alone (load generator → relay → dropped at the hub's NAT)", relay)):
        lines.append("**%s**" % title)
        lines.append("")
        lines.append(head)
        lines.append(sep)
        for r in rs:
            t = r["target"] + (": **%s**" % r["verdict"] if r["verdict"] else "")
            lines.append("| %s | %s | %s | %s | %s |" % (
                r["label"], r["unit"], " | ".join(r["cells"]), " | ".join(r["ratios"]), t))
        lines.append("")
    lines.append("How to read it: ratios are wgx / other path (for RTT and CPU, lower is better). "
                 "End to end, the 64-byte rate is bounded by the spoke's and hub's WireGuard crypto "
                 "on the same emulated CPUs, not by the relay, and WireGuard's queue pushes back on "
                 "the sending socket, so loss shows only what is dropped on the way. The relay-alone "
                 "figures come from a load generator pinned to CPU 0 whose packets are handled on "
                 "CPU 1 from the Internet bridge on (RPS): 128-byte datagrams (a WireGuard packet "
                 "carrying 64 bytes), relayed-session data for wgx, the same datagrams for DNAT, "
                 "valid pre-encrypted data for the bounce server, dropped at the hub's NAT; the rate "
                 "is what the relay sent on, by its own count. \"≥\" marks a figure where the "
                 "generator, not the relay, set the pace (\"≤\" for the time per packet). Relay CPU per "
                 "packet: CPU 1 does everything from the Internet bridge on (the relay, then the "
                 "bridge and the drop at the hub's NAT, the same for every path), so with CPU 1 "
                 "saturated its time per packet is 1 / rate (a floor for the bounce server, whose "
                 "crypto workers also use CPU 0). /proc/stat ticks are shown as the issue asked, but "
                 "TCG loses ticks: compare them within a run only. bench/run.sh says how each "
                 "figure is made.")
    lines.append("")
    return "\n".join(lines)


def write_csv(path, meta, allrows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["# " + "; ".join("%s=%s" % kv for kv in sorted(meta.items()))])
        w.writerow(["figure", "label", "unit"] + PATHS + ["wgx_dnat", "wgx_bounce", "target", "verdict"])
        for r in allrows:
            w.writerow([r["fig"], r["label"], r["unit"]] + r["raw"] + r["ratios"] +
                       [r["target"], r["verdict"]])


def chart(path, meta, data):
    if not shutil.which("gnuplot"):
        print("report: no gnuplot, no chart", file=sys.stderr)
        return False
    tp = [("tcp_up_1", "up 1"), ("tcp_up_4", "up 4"), ("tcp_down_1", "down 1"), ("tcp_down_4", "down 4")]
    pk = [("e2e_pps", "end to end"), ("sess_1", "relay, 1 session"), ("sess_1000", "relay, 1,000")]

    def table(figs, scale):
        s = io.StringIO()
        s.write("x " + " ".join('"%s"' % NAMES[p] for p in PATHS) + "\n")
        for fig, label in figs:
            vals = data.get(fig, {})
            s.write('"%s" ' % label + " ".join(
                "%g" % (num(vals.get(p)) / scale) if num(vals.get(p)) is not None else "0"
                for p in PATHS) + "\n")
        return s.getvalue()

    script = """
set terminal pngcairo size 1400,560 font ",11"
set output '%s'
set multiplot layout 1,2 title "wgx benchmark %s, %s (%s): compare within this run only"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top right
set grid ytics
set yrange [0:*]
set title "TCP throughput, spoke <-> hub (iperf3 streams)"
set ylabel "Mbit/s"
$tp << EOD
%sEOD
plot for [i=2:5] $tp using i:xtic(1) title columnheader(i)
set title "64-byte packets forwarded"
set ylabel "thousand packets/s"
$pk << EOD
%sEOD
plot for [i=2:5] $pk using i:xtic(1) title columnheader(i)
unset multiplot
""" % (path, meta.get("date", ""), meta.get("kernel", ""), meta.get("accel", "tcg").upper(),
       table(tp, 1), table(pk, 1000))
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True)
    if r.returncode:
        print("report: gnuplot failed:\n" + r.stderr, file=sys.stderr)
        return False
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logdir")
    ap.add_argument("results")
    ap.add_argument("--readme")
    a = ap.parse_args()

    meta, data = load(a.logdir)
    data = derive(meta, data)
    stamp = re.sub(r"[^0-9T]", "", meta.get("date", "unknown"))[:15].replace("T", "-")
    base = os.path.join(a.results, "bench-" + stamp)
    os.makedirs(a.results, exist_ok=True)

    e2e = rows(meta, data, E2E)
    relay = rows(meta, data, RELAY)
    md = markdown(meta, e2e, relay, stamp)
    png_ok = chart(base + ".png", meta, data)
    notes = os.path.join(a.logdir, "notes.md")
    prof = os.path.join(a.logdir, "profile-wgx.txt")
    if os.path.exists(prof):
        with open(prof) as f:
            top = [l.rstrip("\n") for l in f][:25]
        md += ("\nWhere wgx's time goes (ftrace function_graph over wgx_receive during the "
               "fixed-rate flood; tracing slows every call, read the shares):\n\n```\n%s\n```\n"
               % "\n".join(top))
    with open(base + ".md", "w") as f:
        f.write(md)
        if png_ok:
            f.write("\n![throughput and packet rate per path](%s)\n" % os.path.basename(base + ".png"))
    write_csv(base + ".csv", meta, e2e + relay)
    shutil.copy(os.path.join(a.logdir, "bench.tsv"), base + ".tsv")
    for name in sorted(os.listdir(a.logdir)):
        m = re.match(r"profile-(.*)\.txt$", name)
        if m:
            shutil.copy(os.path.join(a.logdir, name), "%s-profile-%s.txt" % (base, m.group(1)))
    for ext in ("md", "csv", "png", "tsv"):
        if os.path.exists(base + "." + ext):
            shutil.copy(base + "." + ext, os.path.join(a.results, "latest." + ext))
    print(md)
    print("report: %s.{md,csv%s,tsv}" % (base, ",png" if png_ok else ""))

    if a.readme:
        with open(a.readme) as f:
            readme = f.read()
        rel = os.path.relpath(a.results, os.path.dirname(os.path.abspath(a.readme)) or ".")
        block = "<!-- bench:begin -->\n%s\n%s\n<!-- bench:end -->" % (
            md, "![throughput and packet rate per path](%s/latest.png)\n" % rel if png_ok else "")
        if "<!-- bench:begin -->" in readme and "<!-- bench:end -->" in readme:
            readme = re.sub(r"<!-- bench:begin -->.*?<!-- bench:end -->", lambda _: block,
                            readme, flags=re.S)
        else:
            readme = readme.rstrip("\n") + "\n\n## Benchmark\n\n" + block + "\n"
        with open(a.readme, "w") as f:
            f.write(readme)
        print("report: table put into " + a.readme)


if __name__ == "__main__":
    main()
