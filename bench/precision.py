#!/usr/bin/python3
"""The default study in fp32 against a lower precision, on this machine.

Runs R rounds of `sweep run` on the study as written (fp32) and with
"precision" set to --precision (bf16 by default), interleaved, each with a fresh
results database and no cached frozen features; the pretrained weights are made
once beforehand (untimed) and shared. Prints median wall times and their ratio,
the trials each ran, seconds per trial by depth, and test accuracy per
configuration (target, depth, learning rate; mean over seeds and rounds) on both
sides with the difference, plus each depth's test accuracy at the learning rate
chosen on validation, which is what the report's verdicts use.

    bench/precision.py --build build --runs 2 --work /tmp/precision
"""
import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
from collections import defaultdict

from compare import ROOT, quick_sweep, sweep_trials, timed


def log(message):
    print(message, flush=True)


def variant(source, folder, precision):
    with open(source) as f:
        spec = json.load(f)
    spec.setdefault("training", {})["precision"] = precision
    path = os.path.join(folder, f"study-{precision}.json")
    with open(path, "w") as f:
        json.dump(spec, f, indent=2)
    return path


def run(binary, sweep_file, folder, cache):
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    shutil.rmtree(os.path.join(cache, "features"), ignore_errors=True)
    db = os.path.join(folder, "sweep.db")
    took = timed([binary, "run", sweep_file, "--db", db, "--cache", cache, "--devices", "cpu"],
                 os.path.join(folder, "sweep.log"))
    took.update(sweep_trials(db))
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    took["precisions"] = [r[0] for r in con.execute(
        "SELECT DISTINCT precision FROM results WHERE state = 'done' ORDER BY 1")]
    con.close()
    return took


def by_config(runs):
    """{(target, unfrozen, lr): [test accuracies]} over the done trials of the runs."""
    out = defaultdict(list)
    for took in runs:
        for t in took["trials"]:
            if t["state"] == "done":
                out[(t["target"], t["unfrozen"], t["lr"])].append(t["test_accuracy"])
    return out


def chosen(runs):
    """{(target, unfrozen): test accuracy at the lr with the best mean validation accuracy}."""
    val, test = defaultdict(list), defaultdict(list)
    for took in runs:
        for t in took["trials"]:
            if t["state"] == "done":
                key = (t["target"], t["unfrozen"], t["lr"])
                val[key].append(t["val_accuracy"])
                test[key].append(t["test_accuracy"])
    best = {}
    for (target, unfrozen, lr), v in val.items():
        score = statistics.mean(v)
        if (target, unfrozen) not in best or score > best[(target, unfrozen)][0]:
            best[(target, unfrozen)] = (score, statistics.mean(test[(target, unfrozen, lr)]), lr)
    return {k: (v[1], v[2]) for k, v in best.items()}


def seconds_by_depth(runs):
    out = defaultdict(list)
    for took in runs:
        for t in took["trials"]:
            if t["state"] == "done":
                out[t["unfrozen"]].append(t["seconds"])
    return {k: statistics.median(v) for k, v in out.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", required=True, help="the build folder (runner/sweep)")
    parser.add_argument("--sweep", default=os.path.join(ROOT, "sweeps", "cats_vs_buildings.json"))
    parser.add_argument("--precision", default="bf16", choices=["bf16", "fp16", "auto"])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--work", default="/tmp/sweep-precision")
    args = parser.parse_args()
    binary = os.path.join(args.build, "runner", "sweep")
    os.makedirs(args.work, exist_ok=True)
    cache = os.path.join(args.work, "cache")
    sides = {"fp32": variant(args.sweep, args.work, "fp32"),
             args.precision: variant(args.sweep, args.work, args.precision)}
    log("pretraining once (untimed) ...")
    timed([binary, "run", quick_sweep(args.sweep, args.work), "--db",
           os.path.join(args.work, "warmup.db"), "--cache", cache, "--devices", "cpu"],
          os.path.join(args.work, "warmup.log"))
    results = {name: [] for name in sides}
    for r in range(args.runs):
        for name, path in sides.items():
            took = run(binary, path, os.path.join(args.work, f"round{r}-{name}"), cache)
            results[name].append(took)
            log(f"round {r}: {name}: {took['wall']:.1f} s wall, {len(took['trials'])} trials, "
                f"ran in {'+'.join(took['precisions'])}")
    low = args.precision
    walls = {n: statistics.median(t["wall"] for t in results[n]) for n in sides}
    ratios = [a["wall"] / b["wall"] for a, b in zip(results["fp32"], results[low])]
    log(f"\n| | fp32 | {low} |\n| --- | --- | --- |")
    log(f"| median wall (s) | {walls['fp32']:.1f} | {walls[low]:.1f} |")
    log(f"| trials per run | {', '.join(str(len(t['trials'])) for t in results['fp32'])} | "
        f"{', '.join(str(len(t['trials'])) for t in results[low])} |")
    depth_s = {n: seconds_by_depth(results[n]) for n in sides}
    for depth in sorted(depth_s["fp32"], key=str):
        log(f"| median trial seconds, {depth} unfrozen | {depth_s['fp32'][depth]:.2f} | "
            f"{depth_s[low].get(depth, float('nan')):.2f} |")
    log(f"\nfp32 / {low} wall, pair by pair: {', '.join(f'{x:.2f}' for x in ratios)} "
        f"(median {statistics.median(ratios):.2f})")

    a, b = by_config(results["fp32"]), by_config(results[low])
    log(f"\n| target | unfrozen | lr | fp32 test % (n) | {low} test % (n) | difference |")
    log("| --- | --- | --- | --- | --- | --- |")
    worst = 0.0
    for key in sorted(set(a) & set(b), key=str):
        x, y = statistics.mean(a[key]), statistics.mean(b[key])
        worst = max(worst, abs(y - x))
        log(f"| {key[0]} | {key[1]} | {key[2]} | {100 * x:.1f} ({len(a[key])}) | "
            f"{100 * y:.1f} ({len(b[key])}) | {100 * (y - x):+.1f} |")
    log(f"\nlargest difference per configuration: {100 * worst:.1f} points")
    ca, cb = chosen(results["fp32"]), chosen(results[low])
    log(f"\n| target | unfrozen | fp32 test % (lr) | {low} test % (lr) | difference |")
    log("| --- | --- | --- | --- | --- |")
    for key in sorted(set(ca) & set(cb), key=str):
        log(f"| {key[0]} | {key[1]} | {100 * ca[key][0]:.1f} ({ca[key][1]}) | "
            f"{100 * cb[key][0]:.1f} ({cb[key][1]}) | {100 * (cb[key][0] - ca[key][0]):+.1f} |")
    with open(os.path.join(args.work, "summary.json"), "w") as f:
        json.dump({n: [{k: v for k, v in t.items()} for t in results[n]] for n in sides}, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
