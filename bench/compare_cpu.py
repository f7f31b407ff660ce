"""CPU time of one command in two source trees, alternating, medians (a fair before/after on a
busy machine, where wall times measure the queue for the CPU rather than the code).

    .venv/bin/python bench/compare_cpu.py --runs 3 BEFORE_TREE AFTER_TREE -- bench/bench_extract.py
    .venv/bin/python bench/compare_cpu.py BEFORE AFTER -- -m corridor.cli deck --out /tmp/d.pptx

Each run is `python ARGS...` with the tree as working directory and on PYTHONPATH; its CPU time is
the user + system time of the finished child (resource.getrusage(RUSAGE_CHILDREN) before/after).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys


def cpu_seconds(tree: str, args: list[str]) -> float:
    """Run `python args` in tree and return the CPU time it took (user + system)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        [sys.executable, *args],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": tree},
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("trees", nargs=2, metavar="TREE")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    times: dict[str, list[float]] = {tree: [] for tree in args.trees}
    for _ in range(args.runs):
        for tree in args.trees:  # alternating, so both trees meet the same load
            times[tree].append(cpu_seconds(tree, command))
    for tree, values in times.items():
        rounded = [round(v, 2) for v in values]
        print(f"{tree}: CPU median {statistics.median(values):.2f} s {rounded}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
