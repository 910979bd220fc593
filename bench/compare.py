#!/usr/bin/python3
"""sweep against the two PyTorch references, on this machine, several times.

bench/lean.py is the lean loop a careful PyTorch user writes (whole splits in
memory, indexed batches); bench/reference.py is the study with TensorDataset and
DataLoader. Exports the study once (bench/export_study; excluded from every
timing), then runs R rounds of `sweep run` (fresh results database, no cached
frozen features), lean.py and reference.py, interleaved so all see the same
machine load, each timed end to end as a process.

Pretraining, --pretraining excluded (the default): the export pretrains the
backbone into the cache (or finds it there) and all three start from those
weights. --pretraining included (the headline: a first run): every `sweep run`
gets an empty cache folder and pretrains; lean.py pretrains itself from the
exported source images; reference.py still loads the export's weights, and is
compared with sweep's wall minus its pretraining.

Prints median wall times and their ratios, pretraining time on both sides, each
depth's best test accuracy (learning rate chosen on validation) of sweep against
the lean loop, test accuracy per configuration (target, unfrozen, lr; over seeds
and rounds) on every side, head-only against full fine-tuning trial times,
seconds per depth, and the scheduler's overhead from bench/scheduler_overhead.

    bench/compare.py --build build            # the default study, 3 rounds
    bench/compare.py --build build --pretraining included --runs 2
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
import subprocess
import sys
import tempfile
import time

from compare_report import report
from tree_memory import PeakMemory

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


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
    the CPU seconds other processes took on the machine meanwhile, and the peak
    memory of its process tree (bench/tree_memory.py)."""
    with open(log_path, "w") as out:
        busy, start = busy_seconds(), time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        memory = PeakMemory(child.pid)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        busy = busy_seconds() - busy
        memory = memory.stop()
    code = child.returncode = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"compare: {' '.join(command)} exited with {code}; see {log_path}")
    cpu = usage.ru_utime + usage.ru_stime
    return dict({"wall": seconds, "cpu": cpu, "others": max(0.0, busy - cpu)}, **memory)


def sweep_trials(db):
    """The trials, the seconds spent on transfer measures, and the pretrained
    backbone's record (its pretraining seconds and source accuracy)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    rows = con.execute("SELECT target, unfrozen, blocks, lr, seed, state, val_accuracy, "
                       "test_accuracy, train_seconds FROM results").fetchall()
    measures = con.execute("SELECT coalesce(sum(seconds), 0) FROM transfer_measures").fetchone()[0]
    pretrained = con.execute("SELECT coalesce(sum(train_seconds), 0), avg(source_accuracy) "
                             "FROM pretrained").fetchone()
    con.close()
    keys = ("target", "unfrozen", "blocks", "lr", "seed", "state", "val_accuracy",
            "test_accuracy", "seconds")
    trials = [dict(zip(keys, r)) for r in rows]
    bad = [t for t in trials if t["state"] not in ("done", "stopped")]
    if bad:
        sys.exit(f"compare: {db}: {len(bad)} trials neither done nor stopped")
    return {"trials": trials, "measure_seconds": measures, "pretrain_seconds": pretrained[0],
            "source_accuracy": pretrained[1]}


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



def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default=os.path.join(ROOT, "build"),
                        help="build folder with runner/sweep and bench/ (default: build)")
    parser.add_argument("--sweep", default=os.path.join(ROOT, "sweeps", "cats_vs_buildings.json"))
    parser.add_argument("--runs", type=int, help="rounds of each (default 3; 1 with --quick)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="threads for PyTorch (default: cores)")
    parser.add_argument("--sweep-threads", type=int,
                        help="--threads for sweep's CPU workers (default: sweep's own plan, "
                             "two workers sharing the cores)")
    parser.add_argument("--pretraining", choices=("excluded", "included"), default="excluded",
                        help="included: sweep pretrains in every round (empty cache folder) and "
                        "lean.py pretrains itself (default: excluded, all start from the "
                        "export's weights)")
    parser.add_argument("--no-reference", action="store_true",
                        help="race lean.py only, not reference.py (with --pretraining "
                        "included the export then does not pretrain at all)")
    parser.add_argument("--cache", default=None,
                        help="the export's pretrained weights, shared by every run that does "
                        "not pretrain itself (default: WORK/cache)")
    parser.add_argument("--work", help="keep logs, databases and results here (default: temp)")
    parser.add_argument("--quick", action="store_true", help="a 6-trial version, to smoke-test")
    parser.add_argument("--scheduler-reps", type=int, default=5,
                        help="runs of bench/scheduler_overhead (0: skip it)")
    parser.add_argument("--json", help="write every number here too")
    parser.add_argument("--from-json", help="print the report of an earlier --json and stop")
    return parser.parse_args()


def find_binaries(build, scheduler_reps):
    """sweep and export_study; scheduler_overhead when it is measured and built."""
    paths = {name: os.path.join(build, path) for name, path in
             (("sweep", "runner/sweep"), ("export", "bench/export_study"),
              ("scheduler", "bench/scheduler_overhead"))}
    missing = [p for name, p in paths.items()
               if name != "scheduler" and not os.access(p, os.X_OK)]
    if missing:
        sys.exit("compare: build these first (ninja -C BUILD sweep export_study "
                 "scheduler_overhead): " + ", ".join(missing))
    if scheduler_reps <= 0 or not os.access(paths["scheduler"], os.X_OK):
        if scheduler_reps > 0:
            log(f"compare: {paths['scheduler']} is not built: scheduler overhead not measured")
        paths["scheduler"] = None
    return paths


def run_sweep(binary, sweep_file, folder, cache, threads, pretrains):
    """`sweep run`, timed; `pretrains`: its cache folder is empty, so its pretraining
    seconds and source accuracy are this run's and are kept. `threads`: None
    leaves the CPU plan to sweep."""
    db = os.path.join(folder, "sweep.db")
    threads = ["--threads", str(threads)] if threads else []
    took = timed([binary, "run", sweep_file, "--db", db, "--cache", cache, "--devices", "cpu",
                  *threads],
                 os.path.join(folder, "sweep.log"))
    took.update(sweep_trials(db))
    if not pretrains:
        del took["pretrain_seconds"], took["source_accuracy"]
    return took


def run_script(name, export, folder, threads, extra=()):
    """bench/NAME.py on the export, timed; its per-trial results (and, when lean.py
    pretrained, its pretraining seconds and source accuracy)."""
    out = os.path.join(folder, f"{name}.json")
    took = timed([sys.executable, os.path.join(HERE, f"{name}.py"), export,
                  "--threads", str(threads), "--out", out, *extra],
                 os.path.join(folder, f"{name}.log"))
    with open(out) as f:
        results = json.load(f)
    took["trials"] = results["trials"]
    if any(p["pretrained_here"] for p in results.get("pretraining", [])):
        took["pretrain_seconds"] = sum(p["seconds"] for p in results["pretraining"])
        took["source_accuracy"] = results["pretraining"][0]["source_accuracy"]
    return took


def run_round(r, args, state, binaries, export, cache):
    """One round: sweep, lean.py, reference.py, one after the other."""
    included = args.pretraining == "included"
    folder = os.path.join(state["work"], f"round{r}")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    # A first run of the study: no cached frozen features or decoded image
    # folders; with pretraining included, no cached weights either.
    sweep_cache = os.path.join(folder, "cache") if included else cache
    for kept in ("features", "images"):
        shutil.rmtree(os.path.join(sweep_cache, kept), ignore_errors=True)
    took = run_sweep(binaries["sweep"], state["sweep_file"], folder, sweep_cache, args.sweep_threads,
                     included)
    state["sweep"].append(took)
    log(f"round {r}: sweep {describe(took)}, {took['measure_seconds']:.1f} s of it measuring")
    took = run_script("lean", export, folder, args.threads, () if included else ("--pretrained",))
    state["lean"].append(took)
    log(f"round {r}: lean.py {describe(took)}")
    if not args.no_reference:
        took = run_script("reference", export, folder, args.threads)
        state["reference"].append(took)
        log(f"round {r}: reference.py {describe(took)}")


def describe(took):
    pretraining = (f", {took['pretrain_seconds']:.1f} s pretraining (source accuracy "
                   f"{100 * took['source_accuracy']:.1f}%)" if "pretrain_seconds" in took else "")
    stopped = sum(t.get("state") == "stopped" for t in took["trials"])
    halving = f" ({stopped} stopped at a rung)" if stopped else ""
    return (f"{took['wall']:.1f} s wall, {took['cpu']:.1f} s CPU, {len(took['trials'])} trials"
            f"{halving} "
            f"({sum(t['seconds'] for t in took['trials']):.1f} s in trials){pretraining}; other "
            f"processes took {took['others']:.1f} CPU s meanwhile")


def save(state, json_path):
    """Every number into --json, then the report so far into WORK/report.md, so a
    cut-off run keeps its rounds (and a report that fails, its numbers)."""
    if json_path:
        with open(json_path, "w") as f:
            json.dump(state, f, indent=1)
    lines = report(state)
    with open(os.path.join(state["work"], "report.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return lines


def main():
    args = parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            print("\n".join(report(json.load(f))))
        return
    runs = args.runs or (1 if args.quick else 3)
    binaries = find_binaries(args.build, args.scheduler_reps)
    work = args.work or tempfile.mkdtemp(prefix="sweep-compare-")
    os.makedirs(work, exist_ok=True)
    cache = os.path.abspath(args.cache or os.path.join(work, "cache"))
    sweep_file = quick_sweep(args.sweep, work) if args.quick else args.sweep
    info = machine()
    log(f"machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {info['date']}")
    log(f"sweep file {sweep_file}; {runs} round(s); {args.threads} thread(s) each; pretraining "
        f"{args.pretraining}; work in {work}")

    # Only reference.py and runs without pretraining need the export's weights.
    weights = args.pretraining == "excluded" or not args.no_reference
    export = os.path.join(work, "export")
    took = timed([binaries["export"], sweep_file, "--cache", cache, "--out", export,
                  "--threads", str(args.threads), *(() if weights else ("--no-pretrain",))],
                 os.path.join(work, "export.log"))
    log(f"exported ({'pretraining included if it ran' if weights else 'no pretraining'}): "
        f"{took['wall']:.1f} s")

    # Measured first, while nothing of ours runs; a temporary database in WORK.
    overhead = (scheduler_overhead(binaries["scheduler"], args.scheduler_reps, 300, work)
                if binaries["scheduler"] else None)
    with open(sweep_file) as f:
        precision = json.load(f).get("training", {}).get("precision", "fp32")
    state = {"machine": info, "sweep_file": sweep_file, "threads": args.threads,
             "precision": precision,
             "sweep_threads": args.sweep_threads,
             "pretraining": args.pretraining, "work": work, "overhead": overhead,
             "sweep": [], "lean": [], "reference": []}
    for r in range(1, runs + 1):
        run_round(r, args, state, binaries, export, cache)
        lines = save(state, args.json)
    log("\n".join(lines))


if __name__ == "__main__":
    main()
