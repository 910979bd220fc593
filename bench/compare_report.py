"""The Markdown report of bench/compare.py: what one or more rounds of `sweep run`,
bench/lean.py and bench/reference.py measured (the `state` compare.py keeps and
writes with --json). Summaries saved before lean.py existed render too."""
import statistics

ACCURACY_TOLERANCE = 1.5  # points: per configuration, and per depth's best
TARGET_SPEEDUP = 5.0
TARGET_HEAD_SHARE = 0.10
TARGET_SCHEDULER_SHARE = 0.02
TARGET_MEMORY = 1.5  # sweep's process tree against the lean loop's, at peak
SIDES = (("sweep", "`sweep run`"), ("lean", "`lean.py`"), ("reference", "`reference.py`"))


def threads_phrase(threads):
    """How sweep's CPU workers were sized in a run."""
    return f"with --threads {threads}" if threads else "with its own CPU plan"


def depth(t):
    return "all" if t["unfrozen"] == t["blocks"] else str(t["unfrozen"])


def depth_order(d):
    return (d == "all", int(d) if d != "all" else 0)


def trials_of(runs):
    return [t for r in runs for t in r["trials"]]


def median(runs, key):
    return statistics.median(r.get(key, 0.0) for r in runs)


def config_means(trials):
    """(target, depth, lr) -> (mean validation, mean test accuracy) in points, over
    seeds and rounds; trials successive halving stopped (no test accuracy) left out."""
    groups = {}
    for t in trials:
        if t.get("state") == "stopped":
            continue
        groups.setdefault((t["target"], depth(t), t["lr"]), []).append(
            (100 * t["val_accuracy"], 100 * t["test_accuracy"]))
    return {k: tuple(statistics.mean(x) for x in zip(*v)) for k, v in groups.items()}


def best_per_depth(means):
    """(target, depth) -> (lr, test accuracy) at the learning rate with the best mean
    validation accuracy, as a user (and sweep's report) chooses it."""
    best = {}
    for (target, d, lr), (val, test) in means.items():
        if (target, d) not in best or val > best[(target, d)][2]:
            best[(target, d)] = (lr, test, val)
    return {k: v[:2] for k, v in best.items()}


def median_seconds(trials, target, which):
    return statistics.median(t["seconds"] for t in trials
                             if t["target"] == target and depth(t) == which)


def depth_seconds(runs):
    """depth -> seconds summed over that depth's trials, median over rounds."""
    per_round = []
    for r in runs:
        sums = {}
        for t in r["trials"]:
            sums[depth(t)] = sums.get(depth(t), 0.0) + t["seconds"]
        per_round.append(sums)
    return {d: statistics.median(s[d] for s in per_round) for d in per_round[0]}


def ratio(a, b):
    return a / b if b else float("nan")


def flag(diff):
    return "" if abs(diff) <= ACCURACY_TOLERANCE else f"**> {ACCURACY_TOLERANCE}**"


def sides(state):
    """[(key, label, runs)] for the programs this state has rounds of."""
    return [(k, label, state[k]) for k, label in SIDES if state.get(k)]


def header(state):
    m = state["machine"]
    included = state.get("pretraining") == "included"
    return [f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']} RAM, {m['os']}; "
            f"{m['date']}; commit {m['commit']}; Python torch {m['python_torch']}, LibTorch "
            f"{m['libtorch']}; PyTorch on {state['threads']} thread(s), sweep "
            f"{threads_phrase(state.get('sweep_threads'))}; {state['sweep_file']}; trials "
            f"that train blocks in {state.get('precision', 'fp32')} on every side (probes and "
            "pretraining in fp32).", "",
            "Pretraining **included**: every `sweep run` starts with an empty cache folder and "
            "pretrains its backbone; `lean.py` pretrains its own from the same source images; "
            "`reference.py` loads the export's weights (its pretraining excluded)."
            if included else
            "Pretraining excluded: all three start from the pretrained weights of the export "
            "(sweep from its cache, without cached frozen features)."]


def wall_section(state):
    included = state.get("pretraining") == "included"
    ours = state["sweep"]
    out = ["", f"## Wall time, end to end ({len(ours)} round(s), medians)", "",
           "| | wall s | CPU s | of which pretraining s | other processes' CPU s, per round "
           "| wall s, per round |", "| --- | ---: | ---: | ---: | --- | --- |"]
    for _, label, runs in sides(state):
        pretrains = included and "pretrain_seconds" in runs[0]
        pretraining = f"{median(runs, 'pretrain_seconds'):.1f}" if pretrains else "-"
        out.append(f"| {label} | {median(runs, 'wall'):.1f} | {median(runs, 'cpu'):.1f} | "
                   f"{pretraining} | " +
                   ", ".join(f"{r['others']:.0f}" for r in runs) + " | " +
                   ", ".join(f"{r['wall']:.1f}" for r in runs) + " |")
    out.append("")
    for key, label, runs in sides(state)[1:]:
        # reference.py never pretrains: against it, sweep's pretraining is taken out.
        both = not included or key == "lean"
        mine = [o["wall"] - (0.0 if both else o["pretrain_seconds"]) for o in ours]
        speedup = ratio(median(runs, "wall"), statistics.median(mine))
        what = ("pretraining excluded" if not included else
                "pretraining included on both sides" if both else
                "sweep's wall minus its pretraining seconds")
        target = (f" Target >= {TARGET_SPEEDUP:g}x against the lean loop, pretraining "
                  "included: " + ("met." if speedup >= TARGET_SPEEDUP else "**not met**.")
                  if key == "lean" and included else "")
        cpu = f", {ratio(median(runs, 'cpu'), median(ours, 'cpu')):.2f}x CPU" if both else ""
        out.append(f"Speed-up against {label} ({what}; its wall / sweep's, medians): "
                   f"**{speedup:.2f}x** wall{cpu}; per round (wall): " +
                   ", ".join(f"{ratio(t['wall'], m):.2f}x" for m, t in zip(mine, runs)) +
                   "." + target)
    if included and state.get("lean"):
        net = ratio(statistics.median(r["wall"] - r["pretrain_seconds"] for r in state["lean"]),
                    statistics.median(r["wall"] - r["pretrain_seconds"] for r in ours))
        out.append(f"Without pretraining on either side (wall minus each side's pretraining "
                   f"seconds): {net:.2f}x against `lean.py`.")
    out.append(f"sweep's wall time includes {median(ours, 'measure_seconds'):.1f} s of transfer "
               "measures (LogME, Frechet distance), which the references do not compute, and "
               "its runner's and worker's start-up; every side's includes its process start-up "
               "and loading its data.")
    return out


def memory_section(state):
    """Peak memory of each side's process tree (bench/tree_memory.py); absent from
    summaries saved before it was sampled."""
    present = [(k, label, runs) for k, label, runs in sides(state) if "peak_pss" in runs[0]]
    if not present:
        return []
    mb = 1 << 20
    out = ["", "## Peak memory of the process tree (medians over rounds)", "",
           "| | PSS MB | RSS summed MB | PSS MB, per round |", "| --- | ---: | ---: | --- |"]
    for _, label, runs in present:
        out.append(f"| {label} | {median(runs, 'peak_pss') / mb:.0f} | "
                   f"{median(runs, 'peak_rss') / mb:.0f} | " +
                   ", ".join(f"{r['peak_pss'] / mb:.0f}" for r in runs) + " |")
    keys = [k for k, _, _ in present]
    if "sweep" in keys and "lean" in keys:
        share = ratio(median(state["sweep"], "peak_pss"), median(state["lean"], "peak_pss"))
        out += ["", f"sweep / lean.py: {share:.2f}x the memory (PSS). Target: at most "
                f"{TARGET_MEMORY:g}x: " + ("met." if share <= TARGET_MEMORY else "**not met**.")]
    out += ["PSS shares each page among the processes that map it (the feature cache's files "
            "are mapped by every worker), so the tree's PSS is what it takes from the machine; "
            "the RSS sum counts shared pages once per process. Sampled every 2 s (reading a "
            "large process's page tables costs tens of milliseconds)."]
    return out


def pretraining_section(state):
    ours, lean = state["sweep"], state.get("lean", [])
    if state.get("pretraining") != "included":
        return []
    out = ["", "## Pretraining (inside the wall times above)", "",
           "| | seconds | seconds, per round | source accuracy, per round |",
           "| --- | ---: | --- | --- |"]
    for _, label, runs in sides(state)[:2]:
        out.append(f"| {label} | {median(runs, 'pretrain_seconds'):.1f} | " +
                   ", ".join(f"{r['pretrain_seconds']:.1f}" for r in runs) + " | " +
                   ", ".join(f"{100 * r['source_accuracy']:.1f}%" for r in runs) + " |")
    if lean:
        share = ratio(median(ours, "pretrain_seconds"), median(lean, "pretrain_seconds"))
        out += ["", f"sweep / lean.py: {share:.2f}x the time. Target: no slower than the lean "
                "loop: " + ("met." if share <= 1.0 else "**not met**.")]
    return out


def best_depth_section(state):
    if not state.get("lean"):
        return []
    mine = best_per_depth(config_means(trials_of(state["sweep"])))
    yours = best_per_depth(config_means(trials_of(state["lean"])))
    out = ["", "## Best accuracy per depth, sweep against the lean loop", "",
           "Test accuracy in points at the learning rate with the best validation accuracy "
           "(both means over seeds and rounds).", "",
           "| target | unfrozen | sweep lr | sweep | lean lr | lean | diff | |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"]
    flagged = 0
    for key in sorted(mine, key=lambda k: (k[0], depth_order(k[1]))):
        (lr, a), (their_lr, b) = mine[key], yours.get(key, (float("nan"), float("nan")))
        flagged += bool(flag(a - b))
        out.append(f"| {key[0]} | {key[1]} | {lr:g} | {a:.2f} | {their_lr:g} | {b:.2f} | "
                   f"{a - b:+.2f} | {flag(a - b)} |")
    out += ["", f"{flagged} of {len(mine)} depths differ by more than {ACCURACY_TOLERANCE} "
            "points (target: none)."]
    if state.get("pretraining") == "included":
        out.append("Each side pretrained its own backbone, from the same source images with "
                   "the same recipe and seed (see the source accuracies above).")
    return out


def config_section(state):
    present = sides(state)
    means = {k: config_means(trials_of(runs)) for k, _, runs in present}
    others = present[1:]
    out = ["", "## Test accuracy per configuration (mean over seeds and rounds, points)", "",
           "| target | unfrozen | lr | " + " | ".join(k for k, _, _ in present) + " | " +
           " | ".join(f"sweep - {k}" for k, _, _ in others) + " | |",
           "| --- | --- | --- |" + " ---: |" * (len(present) + len(others)) + " --- |"]
    flagged = 0
    for key in sorted(means["sweep"], key=lambda k: (k[0], depth_order(k[1]), k[2])):
        values = [means[k].get(key, (0, float("nan")))[1] for k, _, _ in present]
        diffs = [values[0] - v for v in values[1:]]
        flags = [f for f in map(flag, diffs) if f]
        flagged += bool(flags)
        out.append(f"| {key[0]} | {key[1]} | {key[2]:g} | " +
                   " | ".join(f"{v:.2f}" for v in values) + " | " +
                   " | ".join(f"{d:+.2f}" for d in diffs) + f" | {(flags or [''])[0]} |")
    out += ["", f"{flagged} of {len(means['sweep'])} configurations differ from a reference by "
            f"more than {ACCURACY_TOLERANCE} points."]
    return out


def head_only_section(state):
    """Empty for a study without both depths (bench/real_size_augment.json has no
    full fine-tunes)."""
    present = sides(state)
    depths = {depth(t) for t in trials_of(state["sweep"])}
    if not {"0", "all"} <= depths:
        return []
    out = ["", "## Head-only against full fine-tuning (median seconds per trial)", "",
           "| target | " + " | ".join(f"{k} head-only | {k} all | share" for k, _, _ in present) +
           " |", "| --- |" + " ---: | ---: | ---: |" * len(present)]
    for target in sorted({t["target"] for t in trials_of(state["sweep"])}):
        cells = []
        for _, _, runs in present:
            h, f = (median_seconds(trials_of(runs), target, d) for d in ("0", "all"))
            cells.append(f"{h:.2f} | {f:.2f} | {100 * ratio(h, f):.0f}%")
        out.append(f"| {target} | " + " | ".join(cells) + " |")
    out += ["", f"Target: head-only <= {100 * TARGET_HEAD_SHARE:.0f}% of a full fine-tune. "
            "sweep's times are its `train_seconds` (the whole trial in the worker: data to "
            "tensors, training, evaluation, FLOP count); the references' are the whole trial "
            "in the script, from copying the backbone to the test accuracy."]
    return out


def depth_section(state):
    present = sides(state)
    seconds = {k: depth_seconds(runs) for k, _, runs in present}
    out = ["", "## Where the time goes, per depth (seconds summed over each depth's trials, "
           "median over rounds)", "",
           "| unfrozen | " + " | ".join(k for k, _, _ in present) + " | " +
           " | ".join(f"{k} / sweep" for k, _, _ in present[1:]) + " |",
           "| --- |" + " ---: |" * (2 * len(present) - 1)]
    for d in sorted(seconds["sweep"], key=depth_order):
        values = [seconds[k].get(d, float("nan")) for k, _, _ in present]
        out.append(f"| {'0 (head only)' if d == '0' else d} | " +
                   " | ".join(f"{v:.1f}" for v in values) + " | " +
                   " | ".join(f"{ratio(v, values[0]):.1f}x" for v in values[1:]) + " |")
    return out


def overhead_section(state):
    o, ours = state.get("overhead"), state["sweep"]
    heading = ["", "## Scheduler overhead (trials that do no training; real worker processes, "
               "real SQLite)", ""]
    if not o:
        return heading + ["Not measured (no scheduler_overhead binary, or --scheduler-reps 0)."]
    n, wall = len(ours[0]["trials"]), median(ours, "wall")
    outside = [r["wall"] - sum(t["seconds"] for t in r["trials"]) - r["measure_seconds"] -
               (r.get("pretrain_seconds", 0.0) if state.get("pretraining") == "included" else 0)
               for r in ours]
    return heading + [
        "```", o["text"].rstrip(), "```", "",
        f"{o['ms_per_trial']:.2f} ms x {n} trials / {wall:.1f} s = "
        f"**{100 * o['ms_per_trial'] / 1e3 * n / wall:.3f}%** of the study's wall time; "
        f"target < {100 * TARGET_SCHEDULER_SHARE:g}%.", "",
        "An upper bound from the real runs: wall time spent neither in a trial (`train_seconds`) "
        "nor measuring nor pretraining, which also holds start-up (the runner, loading the sweep "
        "and checking its data, the worker process and LibTorch, loading the backbone): " +
        ", ".join(f"{x:.1f} s ({100 * x / r['wall']:.1f}%)" for x, r in zip(outside, ours)) +
        " per round."]


def report(state):
    """The summary over the rounds so far, as Markdown lines."""
    return (header(state) + wall_section(state) + memory_section(state) +
            pretraining_section(state) +
            best_depth_section(state) + config_section(state) + head_only_section(state) +
            depth_section(state) + overhead_section(state))
