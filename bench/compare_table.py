#!/usr/bin/env python3
"""Turns the RESULT lines that bench/compare.sh collected into the Markdown table for bench/RESULTS.md.

Usage (by compare.sh): compare_table.py RESULTS.jsonl STARTED LOAD_BEFORE LOAD_AFTER REPEATS
Each cell is the best over the repeats (highest rate, lowest time or memory): load from other processes only slows a side.
The ratio is Lepton's advantage, > 1 when Lepton is better: Lepton/PyTorch for rates, PyTorch/Lepton for times and memory.
"""
import json
import sys


def main():
    path, started, load_before, load_after, repeats = sys.argv[1:6]
    rows = [json.loads(line) for line in open(path) if line.strip()]
    cells = {}  # (side, key) -> list of values over the repeats

    def add(side, key, value):
        cells.setdefault((side, key), []).append(value)

    for r in rows:
        side, res = r["side"], r["result"]
        mode = res["mode"]
        if mode == "gemm":
            add(side, f"gemm {res['size']} {res['threads']}T", float(res["gflops"]))
            continue
        if mode.endswith("-train"):
            add(side, f"{mode} images/s", res["images_per_s"])
            if side == "lepton":
                add(side, f"{mode} alloc", res["allocated_mb_per_step"])
        elif mode == "infer-latency":
            add(side, "p50", res["p50_ms"])
            add(side, "p99", res["p99_ms"])
            if side == "lepton":
                add(side, "alloc1", res["bytes_per_forward_this_thread"])
                add(side, "alloc1all", res["bytes_per_forward_all_threads"])
        elif mode == "infer-throughput":
            add(side, "infer256", res["images_per_s"])
            if side == "lepton":
                add(side, "alloc256", res["allocated_mb_per_batch"])
        add(side, f"peak {mode}", res["peak_mib_process"])
        add(side, f"peak timed {mode}", res["peak_mib_timed"])

    def best(side, key, higher):
        values = cells.get((side, key))
        if not values:
            return None
        return max(values) if higher else min(values)

    lines = ["| figure | Lepton | PyTorch | ratio | target | met |", "|---|---:|---:|---:|---:|---|"]

    def row(label, key, higher, target=None, fmt="{:,.1f}", torch_key=None):
        lep, ref = best("lepton", key, higher), best("pytorch", torch_key or key, higher)
        if lep is None or ref is None:
            return
        ratio = lep / ref if higher else ref / lep
        met = "" if target is None else ("yes" if ratio >= target else "**no**")
        lines.append(f"| {label} | {fmt.format(lep)} | {fmt.format(ref)} | {ratio:.2f} | "
                     f"{'' if target is None else f'≥ {target:g}'} | {met} |")

    for n in (256, 512, 1024, 2048):
        for t in (1, 2):
            target = 0.85 if n == 1024 else None
            row(f"GEMM {n}³ GFLOP/s, {t} thread{'s' if t > 1 else ''} (PyTorch: OpenBLAS {t}T)", f"gemm {n} {t}T", True, target)
    row("reference CNN training, images/s (batch 64)", "cnn-train images/s", True, 1.5, "{:,.0f}")
    row("MLP 784-256-128-10 training, images/s (batch 64)", "mlp-train images/s", True, 1.25, "{:,.0f}")
    row("CNN inference batch 1, p50 ms", "p50", False, 2, "{:.3f}")
    row("CNN inference batch 1, p99 ms", "p99", False, 2, "{:.3f}")
    row("CNN inference batch 256, images/s", "infer256", True, 2, "{:,.0f}")
    for mode, label in (("cnn-train", "CNN training"), ("mlp-train", "MLP training"),
                        ("infer-latency", "inference batch 1"), ("infer-throughput", "inference batch 256")):
        row(f"peak memory (process VmHWM), {label}, MiB", f"peak {mode}", False, 1, "{:,.0f}")
    for mode, label in (("cnn-train", "CNN training"), ("mlp-train", "MLP training"),
                        ("infer-latency", "inference batch 1"), ("infer-throughput", "inference batch 256")):
        row(f"peak memory of the timed work (VmHWM reset after warm-up), {label}, MiB", f"peak timed {mode}", False, None, "{:,.0f}")

    print(f"\nbench/compare.sh {repeats} — started {started}; load average {load_before} before, {load_after} after; "
          f"best of {repeats} run(s) per cell; ratio > 1 means Lepton is better (Lepton/PyTorch for rates, "
          f"PyTorch/Lepton for times and memory).\n")
    print("\n".join(lines))
    g2, g1 = best("lepton", "gemm 1024 2T", True), best("lepton", "gemm 1024 1T", True)
    if g2 is not None and g1 is not None:
        print(f"\nGEMM 1024³ absolute targets: 2 threads {g2:.1f} GFLOP/s (target ≥ 170: {'met' if g2 >= 170 else 'not met'}), "
              f"1 thread {g1:.1f} (target ≥ 85: {'met' if g1 >= 85 else 'not met'}).")
    notes = []
    for mode in ("cnn-train", "mlp-train"):
        a = best("lepton", f"{mode} alloc", False)
        if a is not None:
            notes.append(f"{mode} {a:.2f} MB per step")
    a1, a1all, a256 = best("lepton", "alloc1", False), best("lepton", "alloc1all", False), best("lepton", "alloc256", False)
    if a1 is not None:
        notes.append(f"batch-1 forward {a1 / 1024:.1f} KiB on the calling thread ({a1all / 1024:.1f} KiB all threads)")
    if a256 is not None:
        notes.append(f"batch-256 forward {a256:.1f} MB")
    if notes:
        print("\nLepton managed allocation (target: zero per training step after warm-up): " + "; ".join(notes) + ".")


if __name__ == "__main__":
    main()
