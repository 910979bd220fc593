#!/usr/bin/env python3
"""Cases that cover every pair of values of the features users combine.

Prints one case a line: a number and one value per factor, tab-separated, in
the order of FACTORS. Greedy all-pairs: each case is the candidate, among a few
drawn with a fixed seed and completed value by value, that covers the most
pairs not yet covered; so the list is the same on every run.
Usage: pairwise.py [--first N]   (only the first N cases: the CI variant)
"""
import itertools
import random
import sys

FACTORS = [
    ("backbone", ["builtin", "torchscript"]),
    ("data", ["builtin", "folder", "ladder"]),
    ("execution", ["local", "two-runners", "kill-resume", "slurm"]),
    ("schedule", ["grid", "halving", "adaptive"]),
    ("strategy", ["trailing", "range", "lp-ft", "layer-decay"]),
    ("precision", ["fp32", "auto"]),
    ("augment", ["off", "on", "views"]),  # on: every step; views: 2 fixed views
]


def pairs_of(case):
    return {((i, case[i]), (j, case[j])) for i, j in itertools.combinations(range(len(case)), 2)}


def cases():
    values = [v for _, v in FACTORS]
    uncovered = set()
    for i, j in itertools.combinations(range(len(values)), 2):
        uncovered |= {((i, a), (j, b)) for a in values[i] for b in values[j]}
    rng = random.Random(20261206)
    chosen = []
    while uncovered:
        best, best_gain = None, -1
        for _ in range(40):
            case = [None] * len(values)
            for i in rng.sample(range(len(values)), len(values)):
                # The value that covers most uncovered pairs with the values set so far.
                def gain(v):
                    return sum(1 for j, w in enumerate(case) if w is not None and j != i
                               and tuple(sorted([(i, v), (j, w)])) in uncovered)
                case[i] = max(values[i], key=lambda v: (gain(v), rng.random()))
            g = len(pairs_of(case) & uncovered)
            if g > best_gain:
                best, best_gain = case, g
        chosen.append(best)
        uncovered -= pairs_of(best)
    return chosen


def main():
    first = None
    if len(sys.argv) == 3 and sys.argv[1] == "--first":
        first = int(sys.argv[2])
    for n, case in enumerate(cases()[:first]):
        print("\t".join([str(n)] + case))


if __name__ == "__main__":
    main()
