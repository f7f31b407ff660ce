"""Benchmark: a hostile CSV of 25 MB in any shape is refused within 60 s, the server under 1.5 GB.

Run: .venv/bin/python bench/bench_hostile_csv.py [--mb 25] [--case NAME]
Each case runs in a fresh process (the "server": it calls parse_upload as the page and the
command line do), so its peak memory is its own. Prints, per case, the seconds to the answer,
the server's peak RSS, the limited child's peak RSS, and the first line of the answer.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable

HEADER = "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote"
# Rows up to the reader's cap, so the contract check itself is what runs.
ROWS = 499_999
GOOD = "teu,{v},TEU,2024-01-01,2024-01-31,重庆西部陆海新通道班列{i},1.5,bench-src,note {i}"


def _fill(line: Callable[[int], str], size: int, head: str = HEADER + "\n") -> bytes:
    """Return head plus lines made by line(i) until size bytes or the row cap (all checked)."""
    parts, total, i = [head], len(head.encode()), 0
    while i < ROWS:
        piece = line(i) + "\n"
        if total + len(piece.encode()) > size:
            break
        parts.append(piece)
        total += len(piece.encode())
        i += 1
    return "".join(parts).encode()


def _cases(size: int) -> dict[str, Callable[[], bytes]]:
    return {
        # Every cell of every row fails a different check (the 500,000 invalid rows).
        "invalid rows": lambda: _fill(lambda i: "x,y,z,2024-13-01,bad,=cmd,%,nosrc,<b>", size),
        # Every row repeats one figure with another value (a duplicate check per row).
        "contradicting rows": lambda: _fill(lambda i: GOOD.format(v=i + 1, i=0), size),
        # Rows of valid shape citing an unknown source, as many as fit.
        "unknown sources": lambda: _fill(
            lambda i: GOOD.format(v=1, i=i).replace("bench-", ""), size
        ),
        # Each cell over its length cap (quotes of 6,000 characters).
        "over-long cells": lambda: _fill(
            lambda i: GOOD.format(v=1, i=i).replace("note", "n" * 6000), size
        ),
        # A quoted header cell holding a line break, then a million columns on one record.
        "quoted newline header, 1M columns": lambda: (
            b'"metric\n",' + b",".join(b"c%d" % i for i in range(1_000_000)) + b"\n"
        )[:size],
        # One line of commas: as wide as a file can be.
        "one line of commas": lambda: b"," * size,
        # One line, one cell, no separator at all.
        "one 25 MB cell": lambda: b"a" * size,
        # A quote opened in the first data row and never closed.
        "unclosed quote": lambda: (HEADER + '\n"' + "x\n" * (size // 2)).encode()[:size],
        # Nothing but line breaks.
        "line breaks only": lambda: b"\n" * size,
        # Rows wider than the header.
        "rows wider than the header": lambda: _fill(lambda i: "1," * 63 + "1", size),
        # Rows of empty cells only (blank rows are dropped).
        "blank rows": lambda: _fill(lambda i: "," * 8, size),
        # Real rows, all valid: accepted (for comparison).
        "valid rows": lambda: _fill(lambda i: GOOD.format(v=1000 + i, i=i), size),
    }


def run_case(name: str, size: int) -> dict[str, object]:
    """Parse one case's bytes as the server would; return the outcome and its costs."""
    from etl.contract.errors import CorridorError
    from etl.uploads.validating import parse_upload

    data = _cases(size)[name]()
    start = time.perf_counter()
    try:
        upload = parse_upload(data, "hostile.csv", {"bench-src"}, max_bytes=size + 1)
        answer = f"accepted: {len(upload.rows)} rows"
    except CorridorError as exc:
        lines = exc.render().splitlines()
        answer = f"refused ({len(exc.problems)} problems listed): {' | '.join(lines[:3])[:240]}"
    seconds = time.perf_counter() - start
    return {
        "case": name,
        "mb": len(data) / 2**20,
        "seconds": seconds,
        "server_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "answer": answer,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=25.0, help="file size in MiB")
    parser.add_argument("--case", help="run one case in this process (used by the runner)")
    args = parser.parse_args()
    size = int(args.mb * 2**20)
    if args.case:
        print(json.dumps(run_case(args.case, size), ensure_ascii=False))
        return
    for name in _cases(size):
        done = subprocess.run(
            [sys.executable, __file__, "--mb", str(args.mb), "--case", name],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"{name:36s} FAILED: {done.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{r['case']:36s} {r['mb']:5.1f} MiB {r['seconds']:6.1f} s  server peak "
            f"{r['server_peak_mb']:6.0f} MB  child peak {r['child_peak_mb']:6.0f} MB  {r['answer']}"
        )


if __name__ == "__main__":
    main()
