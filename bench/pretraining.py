#!/usr/bin/python3
"""Pretraining inside `sweep run` against the same recipe in a plain PyTorch loop.

The default study's built-in backbone is pretrained by sweep (a preparation job in
a worker process, as every `sweep run` with an empty cache folder does, with its
default options: the job gets the runner's whole share of the cores) and by
lean.py's `pretrain` (the same images, recipe and seed, on as many threads as the
machine has cores, whole splits as tensors). Each round runs every case once, interleaved, so a noisy neighbour
hits all of them alike. sweep's pretraining seconds are the ones it records (the
`pretrained` table), which exclude start-up and the one trial it is given to run.

Cases beyond the two defaults vary what the issue suspects, one at a time:
  sweep:ENV=VALUE[,ENV=VALUE]  sweep with those variables set for its workers (the
                               pool then leaves OpenMP's waiting alone)
  lean:ENV=VALUE[,ENV=VALUE]   the plain loop with those variables

    /usr/bin/python3 bench/pretraining.py --build build --rounds 3 \\
        --case sweep:OMP_WAIT_POLICY=ACTIVE --case lean:OMP_WAIT_POLICY=PASSIVE,GOMP_SPINCOUNT=2000

With --neighbour, every case runs next to one core's worth of unrelated CPU-bound work
(contention.py's neighbour), which is where spinning threads cost most.
"""
import argparse
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

from contention import neighbour

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

LEAN = """
import sys, time, torch
sys.path.insert(0, {here!r})
import lean, study_model
torch.set_num_threads({threads})
manifest = study_model.read_manifest({export!r}, "pretraining.py")
spec = next(s for s in manifest["backbones"] if "pretrain" in s)
_, _, _, record = lean.pretrain({export!r}, spec)
print("SECONDS", record["seconds"], record["source_accuracy"])
"""


def one_trial_sweep(source, folder):
    """The study's first backbone and target, one head-only trial of one epoch: the
    run is its pretraining."""
    with open(source) as f:
        spec = json.load(f)
    spec["name"] += "_pretraining"
    spec["backbones"] = spec["backbones"][:1]
    spec["targets"] = spec["targets"][:1]
    spec["grid"] = {"unfrozen": [0], "lr": [spec["grid"]["lr"][0]], "seeds": [0]}
    spec.pop("halving", None)
    spec["training"]["epochs"] = 1
    spec["training"]["probe_epochs"] = 1
    path = os.path.join(folder, "pretraining.json")
    with open(path, "w") as f:
        json.dump(spec, f, indent=2)
    return path


def cpu_name():
    with open("/proc/cpuinfo") as f:
        return next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")),
                    platform.machine())


def parse_env(text):
    return dict(item.split("=", 1) for item in text.split(",") if item)


def run_sweep(binary, sweep_file, work, env):
    with tempfile.TemporaryDirectory(dir=work) as run:
        db = os.path.join(run, "sweep.db")
        command = [binary, "run", sweep_file, "--db", db, "--cache", os.path.join(run, "cache")]
        done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
        if done.returncode != 0:
            sys.exit(f"pretraining.py: {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
        seconds, accuracy = sqlite3.connect(db).execute(
            "SELECT train_seconds, source_accuracy FROM pretrained").fetchone()
        return seconds, accuracy


def run_lean(export, threads, env):
    code = LEAN.format(here=HERE, threads=threads, export=export)
    done = subprocess.run(["/usr/bin/python3", "-c", code], env={**os.environ, **env},
                          capture_output=True, text=True)
    line = next((l for l in done.stdout.splitlines() if l.startswith("SECONDS")), None)
    if done.returncode != 0 or line is None:
        sys.exit(f"pretraining.py: the plain loop failed:\n{done.stdout}{done.stderr}")
    _, seconds, accuracy = line.split()
    return float(seconds), float(accuracy)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build")
    parser.add_argument("--sweep", default=os.path.join(ROOT, "sweeps", "cats_vs_buildings.json"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=os.cpu_count(),
                        help="the plain loop's threads (default: every core, as sweep's job gets)")
    parser.add_argument("--case", action="append", default=[],
                        help="sweep:ENV=VALUE,... or lean:ENV=VALUE,... (repeatable)")
    parser.add_argument("--neighbour", action="store_true",
                        help="run every case next to a CPU-bound process on one core")
    parser.add_argument("--work", help="folder for the export and the runs (default: a temporary one)")
    args = parser.parse_args()

    cases = [("sweep", {}), ("lean", {})]
    for case in args.case:
        side, _, env = case.partition(":")
        if side not in ("sweep", "lean"):
            sys.exit(f"pretraining.py: --case {case}: say sweep:... or lean:...")
        cases.append((side, parse_env(env)))

    work = args.work or tempfile.mkdtemp(prefix="sweep-pretraining-")
    os.makedirs(work, exist_ok=True)
    export = os.path.join(work, "export")
    binary = os.path.join(args.build, "runner", "sweep")
    if not os.path.exists(os.path.join(export, "manifest.json")):
        subprocess.run([os.path.join(args.build, "bench", "export_study"), args.sweep, "--out", export,
                        "--no-pretrain"], check=True, stdout=subprocess.DEVNULL)
    sweep_file = one_trial_sweep(args.sweep, work)

    print(f"{cpu_name()}, {os.cpu_count()} CPUs, "
          f"the plain loop on {args.threads} threads, {args.rounds} rounds"
          f"{', next to a one-core neighbour' if args.neighbour else ''}", flush=True)
    seconds = {i: [] for i in range(len(cases))}
    accuracy = {}
    for r in range(args.rounds):
        for i, (side, env) in enumerate(cases):
            with neighbour(args.neighbour):
                if side == "sweep":
                    s, a = run_sweep(binary, sweep_file, work, env)
                else:
                    s, a = run_lean(export, args.threads, env)
            seconds[i].append(s)
            accuracy[i] = a
            print(f"round {r + 1}: {name(side, env)}: {s:.1f} s, source accuracy {100 * a:.1f}%",
                  flush=True)

    base = statistics.median(seconds[1])
    print("\n| case | median s | runs | / plain loop | source accuracy |")
    print("| --- | ---: | --- | ---: | ---: |")
    for i, (side, env) in enumerate(cases):
        m = statistics.median(seconds[i])
        runs = " ".join(f"{s:.1f}" for s in seconds[i])
        print(f"| {name(side, env)} | {m:.1f} | {runs} | {m / base:.2f}x | {100 * accuracy[i]:.1f}% |")


def name(side, env):
    label = "sweep run" if side == "sweep" else "plain loop"
    return label + ("" if not env else " with " + " ".join(f"{k}={v}" for k, v in env.items()))


if __name__ == "__main__":
    main()
