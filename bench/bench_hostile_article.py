"""Time extracting hostile article texts against ordinary news text of the same size.

An article is untrusted text: its work must grow with its length, never with the square of one
sentence's. Each text is made to a size (KiB of UTF-8) and extracted `--runs` times; printed per
text and size: the median seconds, ms per KiB, the ratio to the ordinary text of the same size in
the same run, and the growth from the size before (×4 in size should be about ×4 in time).

    .venv/bin/python bench/bench_hostile_article.py
    .venv/bin/python bench/bench_hostile_article.py --sizes 64 256 1024 5120 --runs 3
    .venv/bin/python bench/bench_hostile_article.py --src /tmp/before --sizes 16 64

--src reads the extractor from another tree (a checkout before a change) with the same texts.
A text whose run passes --give-up seconds is not timed at the larger sizes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN = REPO / "tests" / "golden" / "articles"
PUBLISHED = date(2025, 1, 15)


def _repeat(unit: str, head: str = "西部陆海新通道") -> Callable[[int], str]:
    # head, then unit over and over, to n bytes, closed by a full stop: one sentence.
    def make(n: int) -> str:
        count = max(1, (n - len(head.encode())) // len(unit.encode()))
        return head + unit * count + "。"

    return make


def _ordinary(n: int) -> str:
    # The golden articles, one after another, over and over, to n bytes at a line's end: real
    # sentences and figures.
    from etl.extraction.articles import read_article

    lines = "\n".join(read_article(p).body for p in sorted(GOLDEN.glob("*.txt"))).splitlines()
    out: list[str] = []
    size = 0
    while True:
        for line in lines:
            size += len(line.encode()) + 1
            if size > n and out:
                return "\n".join(out)
            out.append(line)


TEXTS: dict[str, Callable[[int], str]] = {
    "ordinary news text": _ordinary,
    "one sentence of figures and commas": _repeat("班列开行100列，同比增长5.2%，", "2024年，"),
    "one sentence of rates, no commas": _repeat("增长5%"),
    "one sentence of quantities, no commas": _repeat("1万列"),
    "one sentence of place names": _repeat("重庆、广西、四川、贵州"),
    "a run of digits": _repeat("1", "西部陆海新通道开行"),
    "a run of Chinese numerals": _repeat("一", "西部陆海新通道开行"),
    "many 截至": _repeat("截至"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 64, 256, 1024], help="KiB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", type=Path, help="the tree to read the extractor from")
    parser.add_argument("--give-up", type=float, default=60.0, help="seconds")
    args = parser.parse_args()
    sys.path.insert(0, str((args.src or REPO).resolve()))
    from etl.extraction.extract import extract_figures

    print(f"extractor from {args.src or REPO}; median of {args.runs} runs")
    ordinary: dict[int, float] = {}
    for name, make in TEXTS.items():
        previous = None
        for kib in args.sizes:
            body = make(kib * 1024)
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                extract_figures(body, PUBLISHED)
                times.append(time.perf_counter() - start)
                if times[-1] > args.give_up:
                    break
            median = statistics.median(times)
            size = len(body.encode()) / 1024
            if name == "ordinary news text":
                ordinary[kib] = median
            ratio = f"{median / ordinary[kib]:6.1f}× ordinary" if ordinary.get(kib) else ""
            growth = f"  ×{median / previous:.1f} from the size before" if previous else ""
            print(
                f"{name:38s} {size:7.0f} KiB  {median:8.3f} s  {median / size * 1000:7.2f} ms/KiB"
                f"  {ratio}{growth}",
                flush=True,
            )
            previous = median
            if median > args.give_up:
                print(f"{'':38s} gave up: over {args.give_up:.0f} s")
                break


if __name__ == "__main__":
    main()
