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


def paired(a_runs, b_runs):
    """{(target, unfrozen, lr): [(a test, b test)]} over the trials done on both
    sides with the same seed in the same round: adaptive seeds add different
    trials on each side, which would otherwise mix precision with sampling."""
    out = defaultdict(list)
    for a_took, b_took in zip(a_runs, b_runs):
        b_test = {(t["target"], t["unfrozen"], t["lr"], t["seed"]): t["test_accuracy"]
                  for t in b_took["trials"] if t["state"] == "done"}
        for t in a_took["trials"]:
            key = (t["target"], t["unfrozen"], t["lr"], t["seed"])
            if t["state"] == "done" and key in b_test:
                out[key[:3]].append((t["test_accuracy"], b_test[key]))
    return out


def chosen(runs):
    """{(target, unfrozen): (test accuracy, lr)} at the lr with the best mean
    validation accuracy, as the report chooses it (over each side's own seeds)."""
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
    parser.add_argument("--build", help="the build folder (runner/sweep)")
    parser.add_argument("--sweep", default=os.path.join(ROOT, "sweeps", "cats_vs_buildings.json"))
    parser.add_argument("--precision", default="bf16", choices=["bf16", "fp16", "auto"])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--work", default="/tmp/sweep-precision")
    parser.add_argument("--from-json", help="report a kept run (WORK/summary.json) again")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            report(json.load(f), args.precision)
        return 0
    if not args.build:
        parser.error("--build is required unless --from-json is given")
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
    with open(os.path.join(args.work, "summary.json"), "w") as f:
        json.dump(results, f)
    report(results, args.precision)
    return 0


def report(results, low):
    """The tables, from {"fp32": [run], LOW: [run]}."""
    sides = ("fp32", low)
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

    pairs = paired(results["fp32"], results[low])
    log(f"\n| target | unfrozen | lr | pairs | fp32 test % | {low} test % | difference |")
    log("| --- | --- | --- | --- | --- | --- | --- |")
    worst = 0.0
    for key in sorted(pairs, key=str):
        x = statistics.mean(p[0] for p in pairs[key])
        y = statistics.mean(p[1] for p in pairs[key])
        worst = max(worst, abs(y - x))
        log(f"| {key[0]} | {key[1]} | {key[2]} | {len(pairs[key])} | {100 * x:.1f} | "
            f"{100 * y:.1f} | {100 * (y - x):+.2f} |")
    log(f"\nlargest difference per configuration (same seeds, same rounds): {100 * worst:.2f} points")
    ca, cb = chosen(results["fp32"]), chosen(results[low])
    log(f"\n| target | unfrozen | fp32 test % (lr) | {low} test % (lr) | difference |")
    log("| --- | --- | --- | --- | --- |")
    for key in sorted(set(ca) & set(cb), key=str):
        log(f"| {key[0]} | {key[1]} | {100 * ca[key][0]:.1f} ({ca[key][1]}) | "
            f"{100 * cb[key][0]:.1f} ({cb[key][1]}) | {100 * (cb[key][0] - ca[key][0]):+.1f} |")


if __name__ == "__main__":
    sys.exit(main())
