#!/usr/bin/python3
"""The default study in fp32 against a lower precision, on this machine.

Runs R rounds of `sweep run` on the study as written (fp32) and with
"precision" set to --precision (bf16 by default), interleaved, each with a fresh
results database and no cached frozen features; the pretrained weights are made
once per build beforehand (untimed) and shared. Prints median wall times and
their ratio, the trials each ran, seconds per trial by depth, and test accuracy
per configuration (target, depth, learning rate; mean over seeds and rounds) on
both sides with the difference, plus each depth's test accuracy at the learning
rate chosen on validation, which is what the report's verdicts use, and each
run's verdicts.

With --root, the same checkout built in a Debian root (tests/trixie_root.sh
leaves one with LibTorch 2.6 in ROOT/src/sweep/build) runs too, through chroot,
interleaved with this machine's build within every round; then the two builds'
walls are compared precision by precision. Needs root for chroot.

    bench/precision.py --build build --runs 2 --work /tmp/precision
    bench/precision.py --build build --root /var/tmp/sweep-trixieroot.run --runs 2
"""
import argparse
import contextlib
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
from collections import defaultdict

from compare import ROOT, quick_sweep, sweep_trials, timed

VERDICT = re.compile(r"^  [a-z].*\((near|far)\): ")


def log(message):
    print(message, flush=True)


class Build:
    """A build of sweep, this machine's or one inside a Debian root. Paths are
    as the build sees them; `here` maps them to this machine's."""

    def __init__(self, build, root, work):
        self.root = root or ""
        self.binary = "/src/sweep/build/runner/sweep" if root else os.path.join(build, "runner", "sweep")
        self.prefix = ["chroot", root, "env", "-i", "PATH=/usr/bin:/bin", "HOME=/root"] if root else []
        self.work = "/tmp/sweep-precision" if root else work
        self.label = "root" if root else "host"  # "LibTorch VERSION" once prepared
        self.files = {}  # precision: the study's variant, as the build sees it

    def here(self, path):
        return self.root + path

    def sweep(self, args, log_path):
        return timed(self.prefix + [self.binary] + args, self.here(log_path))

    def report_lines(self, db):
        text = subprocess.run(self.prefix + [self.binary, "report", "--db", db],
                              capture_output=True, text=True, check=True).stdout
        return [line.strip()[:200] for line in text.splitlines() if VERDICT.match(line)]


def variant(source, build, precision):
    with open(source) as f:
        spec = json.load(f)
    spec.setdefault("training", {})["precision"] = precision
    path = os.path.join(build.work, f"study-{precision}.json")
    with open(build.here(path), "w") as f:
        json.dump(spec, f, indent=2)
    return path


def prepare(build, source):
    """Pretrains the backbone into the build's cache (untimed); its LibTorch version."""
    shutil.rmtree(build.here(build.work), ignore_errors=True)
    os.makedirs(build.here(build.work))
    quick = os.path.join(build.work, os.path.basename(quick_sweep(source, build.here(build.work))))
    db = os.path.join(build.work, "warmup.db")
    build.sweep(["run", quick, "--db", db, "--cache", os.path.join(build.work, "cache"),
                 "--devices", "cpu"], os.path.join(build.work, "warmup.log"))
    con = sqlite3.connect(f"file:{build.here(db)}?mode=ro", uri=True)
    version = con.execute("SELECT torch_version FROM environments LIMIT 1").fetchone()[0]
    con.close()
    return version


def run(build, sweep_file, name):
    folder = os.path.join(build.work, name)
    cache = os.path.join(build.work, "cache")
    shutil.rmtree(build.here(folder), ignore_errors=True)
    os.makedirs(build.here(folder))
    shutil.rmtree(build.here(os.path.join(cache, "features")), ignore_errors=True)
    db = os.path.join(folder, "sweep.db")
    took = build.sweep(["run", sweep_file, "--db", db, "--cache", cache, "--devices", "cpu"],
                       os.path.join(folder, "sweep.log"))
    took.update(sweep_trials(build.here(db)))
    con = sqlite3.connect(f"file:{build.here(db)}?mode=ro", uri=True)
    took["precisions"] = [r[0] for r in con.execute(
        "SELECT DISTINCT precision FROM results WHERE state = 'done' ORDER BY 1")]
    con.close()
    took["verdicts"] = build.report_lines(db)
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


@contextlib.contextmanager
def proc_mounted(root):
    """/proc inside the root while it runs: workers read the CPU's flags there (bf16)."""
    proc = os.path.join(root, "proc") if root else ""
    mount = bool(proc) and not os.path.ismount(proc)
    if mount:
        subprocess.run(["mount", "-t", "proc", "proc", proc], check=True)
    try:
        yield
    finally:
        if mount:
            subprocess.run(["umount", proc], check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", help="the build folder (runner/sweep)")
    parser.add_argument("--root", help="a Debian root whose /src/sweep/build runs too (chroot)")
    parser.add_argument("--sweep", default=os.path.join(ROOT, "sweeps", "cats_vs_buildings.json"))
    parser.add_argument("--precision", default="bf16", choices=["bf16", "fp16", "auto"])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--work", default="/tmp/sweep-precision")
    parser.add_argument("--from-json", help="report a kept run (WORK/summary.json) again")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            report_all(json.load(f), args.precision)
        return 0
    if not args.build:
        parser.error("--build is required unless --from-json is given")
    builds = [Build(args.build, None, args.work)]
    if args.root:
        builds.append(Build(None, args.root, None))
        if not os.access(builds[-1].here(builds[-1].binary), os.X_OK):
            parser.error(f"no build in {args.root}/src/sweep/build; run tests/trixie_root.sh first")
    names = ("fp32", args.precision)
    results = {}
    with proc_mounted(args.root):
        for build in builds:
            log(f"{build.label}: pretraining once (untimed) ...")
            build.label = f"LibTorch {prepare(build, args.sweep)}"
            build.files = {name: variant(args.sweep, build, name) for name in names}
            results[build.label] = {name: [] for name in names}
        for r in range(args.runs):
            for name in names:
                for build in builds:
                    took = run(build, build.files[name], f"round{r}-{name}")
                    results[build.label][name].append(took)
                    log(f"round {r}: {build.label} {name}: {took['wall']:.1f} s wall, "
                        f"{len(took['trials'])} trials, ran in {'+'.join(took['precisions'])}")
    with open(os.path.join(args.work, "summary.json"), "w") as f:
        json.dump(results, f)
    report_all(results, args.precision)
    return 0


def report_all(results, low):
    """Every build's tables and verdicts, then the builds' walls side by side,
    from {build label: {"fp32": [run], LOW: [run]}}."""
    for label, sides in results.items():
        log(f"\n## {label}")
        report(sides, low)
        for name, runs in sides.items():
            for r, took in enumerate(runs):
                log(f"\nverdicts, {name}, round {r}:")
                for line in took["verdicts"]:
                    log(f"  {line}")
    if len(results) < 2:
        return
    labels = list(results)
    log(f"\n| median wall (s) | {' | '.join(labels)} | {labels[1]} / {labels[0]} |")
    log("| --- |" + " ---: |" * (len(labels) + 1))
    for name in ("fp32", low):
        walls = [statistics.median(t["wall"] for t in results[label][name]) for label in labels]
        log(f"| {name} | {' | '.join(f'{w:.1f}' for w in walls)} | {walls[1] / walls[0]:.2f}x |")


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
