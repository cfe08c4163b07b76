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
    ("flat", "forwarding rate, {sessions} sessions / 1 session{flat_how}", "ratio", "{:.3f}", "high", ("flat",)),
    ("sess_1_us", "relay CPU per forwarded packet (CPU 1 saturated: 1 / rate)", "µs", "{:.2f}", "low", ("dnat", "<=", 1.1)),
    ("fixed_ticks", "CPU 1 ticks per packet at {relay_fixed_rate} pkt/s (/proc/stat, TCG loses ticks)", "µs", "{:.2f}", "low", ("dnat", "<=", 1.1)),
    ("hs_fwd", "handshake initiations forwarded ({sessions} spoke keys; wgx admits 2/s, burst 10, per hub–spoke route)", "1/s", "{:,.0f}", "high", None),
    ("hs_own", "own handshakes (32 in flight, known keys)", "1/s", "{:,.0f}", "high", None),
    ("hs_first", "own handshakes, first contact (new peers)", "1/s", "{:,.0f}", "high", None),
]


def load(logdir):
    """meta: name -> value; data: figure -> path -> [value of each round]."""
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
                data.setdefault(fig, {}).setdefault(path, []).append(value)
    return meta, data


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def median(xs):
    xs = sorted(xs)
    if not xs:
        return None
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


def nums(vs):
    return [x for x in (num(v) for v in (vs or [])) if x is not None]


def derive(meta, data):
    """Figures computed from others, round by round: flatness, and sessions
    above 1,000."""
    n = meta.get("sessions", "1000")
    if n not in ("1", "100", "1000") and "sess_" + n in data:
        data["sess_1000"] = data["sess_" + n]
    # Flatness from the pairs measured back to back when the run has them
    # (bench/run.sh's "flatness" step), else from the steps' rounds.
    pair = "flatpair_" if "flatpair_1" in data else "sess_"
    meta["flat_how"] = " (back to back, in pairs)" if pair == "flatpair_" else ""
    for p in ("wgx", "dnat"):
        one = nums(data.get(pair + "1", {}).get(p))
        most = nums(data.get(pair + n, {}).get(p))
        flat = [str(b / a) for a, b in zip(one, most) if a]
        if flat:
            data.setdefault("flat", {})[p] = flat
    return data


def summary(vals, p):
    """The median of path @p's rounds, or None."""
    return median(nums(vals.get(p)))


def round_ratios(vals, a, b):
    """wgx / other, round by round (the i-th value of each path was measured
    in the same round, close in time)."""
    return [x / y for x, y in zip(nums(vals.get(a)), nums(vals.get(b))) if y]


def verdict(target, fig, vals):
    """The target's text and the verdict: on the median of the round-by-round
    ratios, with the number of rounds that met it when they disagree."""
    if not target:
        return "", ""
    if target[0] == "flat":
        rs, op, factor, text = nums(vals.get("wgx")), ">=", 0.95, "≥ 0.95 (flat)"
    else:
        _, op, factor = target
        rs = round_ratios(vals, "wgx", target[0])
        text = "%s %.2f × DNAT" % ("≥" if op == ">=" else "≤", factor)
    if not rs:
        return "", ""
    ok = [r >= factor if op == ">=" else r <= factor for r in rs]
    v = "met" if (median(rs) >= factor if op == ">=" else median(rs) <= factor) else "missed"
    if len(rs) > 1 and 0 < sum(ok) < len(rs):
        v += " (%d of %d rounds met it)" % (sum(ok), len(rs))
    return text, v


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
            v = summary(vals, p)
            c = fmt.format(v) if v is not None else "–"
            # The load generator, not the relay, was the limit (in most
            # rounds): the rate is a floor, the time per packet a ceiling.
            b = bound.get(p, [])
            if b and 2 * b.count("generator") > len(b) and not fig.startswith("fixed"):
                c = ("≤ " if fig.endswith("_us") else "≥ ") + c
            cells.append(c)
        ratios = []
        for p in ("dnat", "bounce"):
            rs = round_ratios(vals, "wgx", p)
            if not rs:
                ratios.append("–")
            elif len(rs) == 1 or min(rs) == max(rs):
                ratios.append("%.2f" % median(rs))
            else:
                # The median ratio, and the range over the rounds.
                ratios.append("%.2f (%.2f–%.2f)" % (median(rs), min(rs), max(rs)))
        ttext, v = verdict(target, fig, vals)
        out.append({"fig": fig, "label": label, "unit": unit, "cells": cells,
                    "raw": [" ".join(vals.get(p, [])) for p in PATHS], "ratios": ratios,
                    "target": ttext, "verdict": v})
    return out


def markdown(meta, e2e, relay, stamp):
    accel = meta.get("accel", "tcg").upper()
    lines = []
    lines.append("wgx benchmark, %s: kernel %s, QEMU %s (%s), %s vCPUs (%s), %s; host %s, %s CPUs, load %s; "
                 "%s s per measurement, rounds: %s; the run took %s s." % (
                     meta.get("date", "?"), meta.get("kernel", "?"), accel,
                     meta.get("qemu", "?").replace("QEMU emulator version ", ""),
                     meta.get("vm_cpus", "?"), meta.get("vm_cpu", "?"), meta.get("vm_mem", "?"),
                     meta.get("host_cpu", "?"), meta.get("host_cpus", "?"),
                     meta.get("host_load", "?"), meta.get("secs", "?"), meta.get("rounds", "1"),
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
    lines.append("How to read it: each figure is the median of its rounds (the paths interleaved "
                 "in every round: the host's other load varies over minutes); a ratio is wgx / the "
                 "other path, the median of the rounds' ratios, with their range in parentheses "
                 "(a range that spans the target means the difference is within the noise of this "
                 "shared host); for RTT and CPU, lower is better. "
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
                 "TCG loses ticks: compare them within a run only. Forwarded initiations: wgx admits "
                 "at most 2 a second (burst 10) per hub–spoke route on purpose (a WireGuard peer "
                 "sends one every 5 s at most; more would let a rogue spoke make its hub do a DH per "
                 "datagram), so that row shows the limit (the refused ones count as drop_ratelimited), "
                 "not what forwarding costs; DNAT has no such limit. bench/run.sh says how each "
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
                "%g" % (summary(vals, p) / scale) if summary(vals, p) is not None else "0"
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
    # Where wgx's time goes, in full in RESULTS/bench-STAMP-profile-*.txt.
    profiles = [
        ("wgx", "ftrace's function_graph over wgx_receive during a 1-session data flood at the "
                "relay-bound fixed rate"),
        ("wgx-send", "The same over send4 (socket.c), the IPv4 send of a forwarded packet"),
        ("wgx-init", "ftrace over wgx_receive during a flood of initiations from 1,000 authenticated "
                     "spoke keys to the hub (forward_initiation is inlined into it)"),
    ]
    first = True
    for name, what in profiles:
        prof = os.path.join(a.logdir, "profile-%s.txt" % name)
        if not os.path.exists(prof):
            continue
        with open(prof) as f:
            top = [l.rstrip("\n") for l in f if not re.search(r"\b(irq_enter_rcu|idle_cpu)\b", l)][:16]
        if first:
            md += ("\nWhere wgx's time goes (tracing slows every call: read the shares, not the "
                   "times; a share is of the traced function's time):\n")
            first = False
        md += "\n%s:\n\n```\n%s\n```\n" % (what, "\n".join(top))
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
