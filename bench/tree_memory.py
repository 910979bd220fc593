"""The peak memory of a process and everything it starts, sampled from /proc.

A run of `sweep` is a process tree (the scheduler and its workers), and its
workers map the same feature-cache files: summing each process's resident set
counts those pages once per process. The proportional set size (PSS) shares each
page among the processes that map it, so the tree's PSS is what it takes from
the machine. Both are kept; the peak of the sum over the tree, sampled every
`interval` seconds (a shorter spike can be missed).
"""
import os
import threading


def children():
    """parent pid -> [child pids], from /proc/*/stat."""
    kids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the parent follows.
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(entry))
    return kids


def tree(pid):
    kids, out = children(), [pid]
    for p in out:
        out.extend(kids.get(p, []))
    return out


def resident(pid):
    """(PSS, RSS) in bytes, or (0, 0) for a process that has gone."""
    fields = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                name, _, rest = line.partition(":")
                if name in ("Pss", "Rss"):
                    fields[name] = int(rest.split()[0]) * 1024
    except OSError:
        return 0, 0
    return fields.get("Pss", 0), fields.get("Rss", 0)


class PeakMemory:
    """Samples the tree under `pid` until stop(), which returns the peaks in bytes."""

    def __init__(self, pid, interval=2.0):
        self.pid, self.interval = pid, interval
        self.peak_pss = self.peak_rss = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()

    def sample(self):
        while not self.done.wait(self.interval):
            pss = rss = 0
            for p in tree(self.pid):
                a, b = resident(p)
                pss, rss = pss + a, rss + b
            self.peak_pss, self.peak_rss = max(self.peak_pss, pss), max(self.peak_rss, rss)

    def stop(self):
        self.done.set()
        self.thread.join()
        return {"peak_pss": self.peak_pss, "peak_rss": self.peak_rss}
