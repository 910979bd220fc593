#!/usr/bin/python3
"""sweep against the PyTorch reference, on this machine, several times.

Exports the study once (bench/export_study: pretrains the backbone into the
cache if it is not there; excluded from every timing), then runs R rounds of
`sweep run` (fresh results database, the shared pretrained weights, no cached
frozen features) and bench/reference.py,
interleaved so both see the same machine load, each timed end to end as a
process. Prints median wall times and their ratio, mean test accuracy per
configuration (target, unfrozen, lr; over seeds and rounds) on both sides with
the difference, head-only against full fine-tuning trial times from sweep's
database, and the scheduler's overhead from bench/scheduler_overhead.

    bench/compare.py --build build            # the default study, 3 rounds
    bench/compare.py --build build --quick    # a 6-trial smoke version, 1 round
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
ACCURACY_TOLERANCE = 1.5  # points, per configuration
TARGET_SPEEDUP = 5.0
TARGET_HEAD_SHARE = 0.10
TARGET_SCHEDULER_SHARE = 0.02


def log(message):
    print(message, flush=True)


def quick_sweep(source, folder):
    """The study cut to 2 targets x 3 depths x 1 lr x 1 seed, 2 epochs, 20 probe epochs.
    The backbone is unchanged, so the pretrained weights in the cache are shared."""
    with open(source) as f:
        spec = json.load(f)
    spec["name"] += "_quick"
    spec["grid"] = {"unfrozen": [0, 1, "all"], "lr": [spec["grid"]["lr"][-1]], "seeds": [0]}
    spec["training"]["epochs"] = 2
    spec["training"]["probe_epochs"] = 20
    path = os.path.join(folder, "quick.json")
    with open(path, "w") as f:
        json.dump(spec, f, indent=2)
    return path


def busy_seconds():
    """CPU seconds the whole machine has spent busy since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def timed(command, log_path, env=None):
    """Runs the command; its wall seconds, its CPU seconds (with its children's),
    and the CPU seconds other processes took on the machine meanwhile."""
    with open(log_path, "w") as out:
        busy, start = busy_seconds(), time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        busy = busy_seconds() - busy
    code = child.returncode = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"compare: {' '.join(command)} exited with {code}; see {log_path}")
    cpu = usage.ru_utime + usage.ru_stime
    return {"wall": seconds, "cpu": cpu, "others": max(0.0, busy - cpu)}


def sweep_trials(db):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute("SELECT target, unfrozen, blocks, lr, seed, state, val_accuracy, "
                       "test_accuracy, train_seconds FROM results").fetchall()
    measures = con.execute("SELECT coalesce(sum(seconds), 0) FROM transfer_measures").fetchone()[0]
    con.close()
    keys = ("target", "unfrozen", "blocks", "lr", "seed", "state", "val_accuracy",
            "test_accuracy", "seconds")
    trials = [dict(zip(keys, r)) for r in rows]
    bad = [t for t in trials if t["state"] != "done"]
    if bad:
        sys.exit(f"compare: {db}: {len(bad)} trials not done")
    return trials, measures


def depth(t):
    return "all" if t["unfrozen"] == t["blocks"] else str(t["unfrozen"])


def mean_accuracy(trials):
    """(target, depth, lr) -> mean test accuracy in points, and how many trials."""
    groups = {}
    for t in trials:
        groups.setdefault((t["target"], depth(t), t["lr"]), []).append(100 * t["test_accuracy"])
    return {k: (statistics.mean(v), len(v)) for k, v in groups.items()}


def median_seconds(trials, target, which):
    return statistics.median(t["seconds"] for t in trials
                             if t["target"] == target and depth(t) == which)


def machine():
    def first(command, pattern):
        try:
            text = subprocess.run(command, capture_output=True, text=True).stdout
        except OSError:
            return "?"
        m = re.search(pattern, text, re.M)
        return m.group(1).strip() if m else "?"
    torch_version = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.__version__)"],
        capture_output=True, text=True).stdout.strip()
    return {"cpu": first(["lscpu"], r"^Model name:\s*(.*)$"),
            "cores": os.cpu_count(),
            "memory": first(["free", "-g"], r"^Mem:\s+(\d+)") + " GiB",
            "os": platform.platform(),
            "python_torch": torch_version,
            "libtorch": first(["dpkg-query", "-W", "libtorch-dev"], r"libtorch-dev\s+(\S+)"),
            "commit": subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                                     capture_output=True, text=True).stdout.strip(),
            "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds")}


def scheduler_overhead(binary, reps, trials, folder):
    env = dict(os.environ, TMPDIR=folder)  # its databases on the same disk as the study's
    text = subprocess.run([binary, "--reps", str(reps), "--trials", str(trials)],
                          capture_output=True, text=True, check=True, env=env).stdout
    m = re.search(r"median over \d+ runs: ([\d.]+) trials/s, ([\d.]+) ms per trial", text)
    if not m:
        sys.exit("compare: unexpected scheduler_overhead output:\n" + text)
    log(text.rstrip())
    return {"text": text, "trials_per_second": float(m.group(1)),
            "ms_per_trial": float(m.group(2))}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"),
                        help="build folder with runner/sweep and bench/ (default: build)")
    parser.add_argument("--sweep", default=os.path.join(ROOT, "sweeps", "cats_vs_buildings.json"))
    parser.add_argument("--runs", type=int, help="rounds of both (default 3; 1 with --quick)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="threads for sweep's one CPU worker and for PyTorch (default: cores)")
    parser.add_argument("--cache", default=None,
                        help="pretrained weights, shared by every run (default: WORK/cache)")
    parser.add_argument("--work", help="keep logs, databases and results here (default: temp)")
    parser.add_argument("--quick", action="store_true", help="a 6-trial version, to smoke-test")
    parser.add_argument("--scheduler-reps", type=int, default=5)
    parser.add_argument("--json", help="write every number here too")
    parser.add_argument("--from-json", help="print the report of an earlier --json and stop")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            print("\n".join(report(json.load(f))))
        return
    runs = args.runs or (1 if args.quick else 3)

    binaries = {name: os.path.join(args.build, path) for name, path in
                (("sweep", "runner/sweep"), ("export", "bench/export_study"),
                 ("scheduler", "bench/scheduler_overhead"))}
    missing = [p for p in binaries.values() if not os.access(p, os.X_OK)]
    if missing:
        sys.exit("compare: build these first (ninja -C BUILD sweep export_study "
                 "scheduler_overhead): " + ", ".join(missing))
    work = args.work or tempfile.mkdtemp(prefix="sweep-compare-")
    os.makedirs(work, exist_ok=True)
    cache = os.path.abspath(args.cache or os.path.join(work, "cache"))
    sweep_file = quick_sweep(args.sweep, work) if args.quick else args.sweep
    info = machine()
    log(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['date']}")
    log(f"sweep file {sweep_file}; {runs} round(s); {args.threads} thread(s) each; work in {work}")

    export = os.path.join(work, "export")
    took = timed([binaries["export"], sweep_file, "--cache", cache, "--out", export,
                  "--threads", str(args.threads)], os.path.join(work, "export.log"))
    log(f"exported (pretraining included if it ran): {took['wall']:.1f} s")

    # Measured first, while nothing of ours runs; a temporary database in WORK.
    overhead = scheduler_overhead(binaries["scheduler"], args.scheduler_reps, 300, work)
    state = {"machine": info, "sweep_file": sweep_file, "threads": args.threads,
             "overhead": overhead, "sweep": [], "reference": []}
    for r in range(1, runs + 1):
        folder = os.path.join(work, f"round{r}")
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        db = os.path.join(folder, "sweep.db")
        # Every round starts without cached frozen features, as a first run of
        # the study would: only the pretrained weights carry over.
        shutil.rmtree(os.path.join(cache, "features"), ignore_errors=True)
        took = timed([binaries["sweep"], "run", sweep_file, "--db", db, "--cache", cache,
                      "--devices", "cpu", "--threads", str(args.threads)],
                     os.path.join(folder, "sweep.log"))
        took["trials"], took["measure_seconds"] = sweep_trials(db)
        state["sweep"].append(took)
        log(f"round {r}: sweep {describe(took)}, {took['measure_seconds']:.1f} s of it measuring")
        out = os.path.join(folder, "reference.json")
        took = timed([sys.executable, os.path.join(HERE, "reference.py"), export,
                      "--threads", str(args.threads), "--out", out],
                     os.path.join(folder, "reference.log"))
        with open(out) as f:
            took["trials"] = json.load(f)["trials"]
        state["reference"].append(took)
        log(f"round {r}: reference {describe(took)}")
        lines = report(state)
        with open(os.path.join(work, "report.md"), "w") as f:
            f.write("\n".join(lines) + "\n")
        if args.json:
            with open(args.json, "w") as f:
                json.dump(state, f, indent=1)
    log("\n".join(lines))


def describe(took):
    return (f"{took['wall']:.1f} s wall, {took['cpu']:.1f} s CPU, {len(took['trials'])} trials "
            f"({sum(t['seconds'] for t in took['trials']):.1f} s in trials); other processes "
            f"took {took['others']:.1f} CPU s meanwhile")


def report(state):
    """The summary over the rounds so far, as Markdown lines."""
    ours, theirs = state["sweep"], state["reference"]
    m = state["machine"]
    out = [f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, {m['os']}; "
           f"{m['date']}; commit {m['commit']}; Python torch {m['python_torch']}, LibTorch "
           f"{m['libtorch']}; {state['threads']} thread(s) each; {state['sweep_file']}.", ""]
    med = lambda runs, key: statistics.median(r[key] for r in runs)
    speedup = med(theirs, "wall") / med(ours, "wall")
    out.append(f"## Wall time, end to end ({len(ours)} round(s), medians)")
    out.append("")
    out.append("| | wall s | CPU s | other processes' CPU s, per round | wall s, per round |")
    out.append("| --- | ---: | ---: | --- | --- |")
    for name, runs in (("`sweep run`", ours), ("`reference.py`", theirs)):
        out.append(f"| {name} | {med(runs, 'wall'):.1f} | {med(runs, 'cpu'):.1f} | " +
                   ", ".join(f"{r['others']:.0f}" for r in runs) + " | " +
                   ", ".join(f"{r['wall']:.1f}" for r in runs) + " |")
    out.append("")
    out.append(f"Speed-up (reference / sweep, medians): **{speedup:.2f}x** wall, "
               f"{med(theirs, 'cpu') / med(ours, 'cpu'):.2f}x CPU; per round (wall): " +
               ", ".join(f"{t['wall'] / o['wall']:.2f}x" for o, t in zip(ours, theirs)) +
               f". Target >= {TARGET_SPEEDUP:g}x: " +
               ("met." if speedup >= TARGET_SPEEDUP else "**not met**."))
    out.append(f"sweep's wall time includes {med(ours, 'measure_seconds'):.1f} s of transfer "
               "measures (LogME, Frechet distance), which the reference does not compute, and "
               "its runner's and worker's start-up.")

    mine = mean_accuracy([t for r in ours for t in r["trials"]])
    yours = mean_accuracy([t for r in theirs for t in r["trials"]])
    out.append("")
    out.append("## Test accuracy per configuration (mean over seeds and rounds, points)")
    out.append("")
    out.append("| target | unfrozen | lr | sweep | reference | diff | |")
    out.append("| --- | --- | --- | ---: | ---: | ---: | --- |")
    flagged = 0
    for key in sorted(mine, key=lambda k: (k[0], k[1] == "all", k[1], k[2])):
        a, b = mine[key][0], yours.get(key, (float("nan"), 0))[0]
        flag = not abs(a - b) <= ACCURACY_TOLERANCE
        flagged += flag
        out.append(f"| {key[0]} | {key[1]} | {key[2]:g} | {a:.2f} | {b:.2f} | {a - b:+.2f} | "
                   f"{'**> ' + str(ACCURACY_TOLERANCE) + '**' if flag else ''} |")
    out.append("")
    out.append(f"{flagged} of {len(mine)} configurations differ by more than "
               f"{ACCURACY_TOLERANCE} points.")

    out.append("")
    out.append("## Head-only against full fine-tuning (median seconds per trial)")
    out.append("")
    out.append("| target | sweep head-only | sweep all | share | reference head-only "
               "| reference all | share |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    a = [t for r in ours for t in r["trials"]]
    b = [t for r in theirs for t in r["trials"]]
    for target in sorted({t["target"] for t in a}):
        h, f = median_seconds(a, target, "0"), median_seconds(a, target, "all")
        rh, rf = median_seconds(b, target, "0"), median_seconds(b, target, "all")
        out.append(f"| {target} | {h:.2f} | {f:.2f} | {100 * h / f:.0f}% | {rh:.2f} | {rf:.2f} "
                   f"| {100 * rh / rf:.0f}% |")
    out.append("")
    out.append(f"Target: head-only <= {100 * TARGET_HEAD_SHARE:.0f}% of a full fine-tune. sweep's "
               "times are its `train_seconds` (the whole trial in the worker: data to tensors, "
               "training, evaluation, FLOP count).")

    o = state["overhead"]
    share = o["ms_per_trial"] / 1e3 * len(ours[0]["trials"]) / med(ours, "wall")
    out.append("")
    out.append("## Scheduler overhead (trials that do no training; real worker processes, "
               "real SQLite)")
    out.append("")
    out.append("```")
    out.append(o["text"].rstrip())
    out.append("```")
    out.append("")
    out.append(f"{o['ms_per_trial']:.2f} ms x {len(ours[0]['trials'])} trials / "
               f"{med(ours, 'wall'):.1f} s = **{100 * share:.3f}%** of the study's wall time; "
               f"target < {100 * TARGET_SCHEDULER_SHARE:g}%.")
    outside = [r["wall"] - sum(t["seconds"] for t in r["trials"]) - r["measure_seconds"]
               for r in ours]
    out.append("")
    out.append("An upper bound from the real runs: wall time spent neither in a trial "
               "(`train_seconds`) nor measuring, which also holds start-up (the runner, loading "
               "the sweep and checking its data, the worker process and LibTorch, loading the "
               "backbone): " + ", ".join(
                   f"{x:.1f} s ({100 * x / r['wall']:.1f}%)" for x, r in zip(outside, ours)) +
               " per round.")
    return out


if __name__ == "__main__":
    main()
