#!/usr/bin/python3
"""sweep on a shared CPU: alone, with a second runner on the same database, and
next to an unrelated CPU-bound process on one core.

Each round runs the three cases one after the other on a fresh database and an
empty frozen-feature cache (the pretrained weights are shared and excluded:
a warm-up run pretrains them first). Threads are left to sweep (no --threads),
so the runners split the cores between them as a user's would. Prints median
wall times and each case's ratio to "alone" in the same round.

    bench/contention.py --build build --rounds 2
    bench/contention.py --build build --seeds 1   # the study with seed 0 only, faster
"""
import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from compare import ROOT, busy_seconds, log


@contextlib.contextmanager
def neighbour(present=True):
    """One core's worth of unrelated CPU-bound work for the length of the block."""
    if not present:
        yield
        return
    process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    time.sleep(1.0)  # let it take its core
    try:
        yield
    finally:
        process.kill()
        process.wait()


def study(source, seeds, folder):
    """The sweep file with its grid cut to `seeds` fixed seeds and no adaptive ones."""
    with open(source) as f:
        spec = json.load(f)
    spec["grid"]["seeds"] = list(range(seeds))
    spec.pop("halving", None)
    path = os.path.join(folder, "study.json")
    with open(path, "w") as f:
        json.dump(spec, f)
    return path


def run_case(case, binary, sweep_file, folder, cache):
    """Wall seconds until every runner of the case has finished."""
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    shutil.rmtree(os.path.join(cache, "features"), ignore_errors=True)
    db = os.path.join(folder, "sweep.db")
    command = [binary, "run", sweep_file, "--db", db, "--cache", cache, "--devices", "cpu"]
    with neighbour(case == "neighbour"):
        busy, start = busy_seconds(), time.perf_counter()
        runners = [subprocess.Popen(command, stdout=open(os.path.join(folder, f"run{i}.log"), "w"),
                                    stderr=subprocess.STDOUT)
                   for i in range(2 if case == "two runners" else 1)]
        codes = [r.wait() for r in runners]
        wall = time.perf_counter() - start
        busy = busy_seconds() - busy
    if any(codes):
        sys.exit(f"contention: {case}: a runner exited with {codes}; see {folder}")
    return {"wall": wall, "machine_cpu": busy}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--sweep", default=os.path.join(ROOT, "sweeps", "cats_vs_buildings.json"))
    parser.add_argument("--seeds", type=int, default=2, help="fixed seeds per cell (default 2)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cache", help="pretrained weights (default: a new folder)")
    parser.add_argument("--work", help="keep logs and databases here (default: temp)")
    args = parser.parse_args()

    binary = os.path.join(args.build, "runner", "sweep")
    work = args.work or tempfile.mkdtemp(prefix="sweep-contention-")
    os.makedirs(work, exist_ok=True)
    cache = args.cache or os.path.join(work, "cache")
    sweep_file = study(args.sweep, args.seeds, work)
    log(f"contention: {sweep_file}, {args.rounds} round(s), work in {work}")
    run_case("warm-up", binary, sweep_file, os.path.join(work, "warm-up"), cache)

    cases = ("alone", "two runners", "neighbour")
    walls = {case: [] for case in cases}
    for r in range(1, args.rounds + 1):
        for case in cases:
            took = run_case(case, binary, sweep_file,
                            os.path.join(work, f"round{r}", case.replace(" ", "-")), cache)
            walls[case].append(took["wall"])
            log(f"round {r}: {case}: {took['wall']:.1f} s wall, machine busy "
                f"{took['machine_cpu']:.1f} CPU s")
    alone = statistics.median(walls["alone"])
    print("\n| case | wall s, median | per round | ratio to alone | target |")
    print("| --- | ---: | --- | ---: | --- |")
    targets = {"alone": "", "two runners": "<= 1.0x", "neighbour": "<= 2.2x"}
    for case in cases:
        median = statistics.median(walls[case])
        rounds = ", ".join(f"{w:.1f}" for w in walls[case])
        print(f"| {case} | {median:.1f} | {rounds} | {median / alone:.2f}x | {targets[case]} |")


if __name__ == "__main__":
    main()
