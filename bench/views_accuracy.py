#!/usr/bin/python3
"""Cached augmented views against augmenting every step: accuracy, paired by seed.

Runs bench/views_accuracy.json (or --sweep FILE, whose recipe must augment) once
per --views value with `sweep run` (a fresh database each, the cache folder
shared so pretrained weights are reused, frozen features cleared), then prints
for each target and depth the mean test accuracy of every variant, and each
variant's paired difference from augment_views 0 (every step) over the seeds
with its 95% Student-t interval, and each variant's wall time.

    bench/views_accuracy.py --build build --work /tmp/va --views 0 3 10
"""
import argparse
import json
import math
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# One-sided 97.5% Student-t quantiles by degrees of freedom, for 95% intervals.
T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306,
        9: 2.262, 10: 2.228, 11: 2.201, 12: 2.179, 15: 2.131, 20: 2.086, 30: 2.042}


def t975(df):
    return T975.get(df) or T975[max(k for k in T975 if k <= df)]


def run_variant(args, views):
    with open(args.sweep) as f:
        spec = json.load(f)
    if spec["training"].get("augment", "none") == "none":
        sys.exit(f"views_accuracy: {args.sweep} does not augment")
    spec["name"] += f"_views{views}"
    spec["training"]["augment_views"] = views
    folder = os.path.join(args.work, f"views{views}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    sweep_file = os.path.join(folder, "sweep.json")
    with open(sweep_file, "w") as f:
        json.dump(spec, f, indent=1)
    cache = os.path.join(args.work, "cache")
    shutil.rmtree(os.path.join(cache, "features"), ignore_errors=True)
    db = os.path.join(folder, "sweep.db")
    start = time.perf_counter()
    with open(os.path.join(folder, "sweep.log"), "w") as out:
        subprocess.run([os.path.join(args.build, "runner", "sweep"), "run", sweep_file, "--db", db,
                        "--cache", cache, "--devices", "cpu", "--threads", str(args.threads)],
                       stdout=out, stderr=subprocess.STDOUT, check=True)
    wall = time.perf_counter() - start
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute("SELECT target, unfrozen, seed, test_accuracy, train_seconds FROM results "
                       "WHERE state = 'done'").fetchall()
    con.close()
    return wall, {(t, u, s): (acc, secs) for t, u, s, acc, secs in rows}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(os.path.dirname(HERE), "build"))
    parser.add_argument("--sweep", default=os.path.join(HERE, "views_accuracy.json"))
    parser.add_argument("--work", required=True)
    parser.add_argument("--views", type=int, nargs="+", default=[0, 3, 10],
                        help="augment_views values; 0 (every step) is the baseline")
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    args = parser.parse_args()
    if 0 not in args.views:
        args.views.insert(0, 0)
    results, walls = {}, {}
    for views in args.views:
        walls[views], results[views] = run_variant(args, views)
        print(f"augment_views {views}: {walls[views]:.1f} s wall, {len(results[views])} trials",
              flush=True)
    cells = sorted({(t, u) for t, u, _ in results[0]})
    print("\n| target | unfrozen | " +
          " | ".join(f"views {v}" for v in args.views) + " | " +
          " | ".join(f"views {v} - every step (95% CI)" for v in args.views if v) + " |")
    print("| --- | ---: |" + " ---: |" * (2 * len(args.views) - 1))
    for target, unfrozen in cells:
        seeds = sorted(s for t, u, s in results[0] if (t, u) == (target, unfrozen))
        means, diffs = [], []
        for v in args.views:
            accs = [results[v][(target, unfrozen, s)][0] for s in seeds]
            means.append(f"{100 * statistics.mean(accs):.1f}")
        for v in args.views:
            if not v:
                continue
            d = [100 * (results[v][(target, unfrozen, s)][0] - results[0][(target, unfrozen, s)][0])
                 for s in seeds]
            half = t975(len(d) - 1) * statistics.stdev(d) / math.sqrt(len(d))
            diffs.append(f"{statistics.mean(d):+.1f} ({statistics.mean(d) - half:+.1f} to "
                         f"{statistics.mean(d) + half:+.1f})")
        print(f"| {target} | {unfrozen} | " + " | ".join(means) + " | " + " | ".join(diffs) + " |")
    print(f"\nSeeds per cell: {len(seeds)}; trials paired by target, depth and seed.")
    for v in args.views:
        train = sum(secs for _, secs in results[v].values())
        print(f"augment_views {v}: {walls[v]:.1f} s wall, {train:.1f} s in trials")


if __name__ == "__main__":
    main()
