"""Time building the deck of every chart on the shipped data (no PDF): median and spread."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from dashboard.deck.slides import build_deck, deck_inputs
from dashboard.filters import Filters
from dashboard.locales import Locale
from etl.contract.paths import REPO_ROOT, layout
from etl.store.table import load_table

RUNS = 7
# The goal for `corridor deck` without --pdf.
GOAL_S = 5.0


def _in_process(lang: str) -> list[float]:
    table = load_table(layout())
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        locale = Locale(lang)
        specs, cards, _ = deck_inputs(table.observations, table.sources, Filters(), locale)
        build_deck(specs, cards, Filters(), table.sources, locale=locale)
        times.append(time.perf_counter() - start)
    return times


def _command(runs: int = 5) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "deck.pptx"
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "corridor.cli", "deck", "--out", str(out)],
                cwd=REPO_ROOT, check=True, capture_output=True,
            )  # fmt: skip
            times.append(time.perf_counter() - start)
    return times


def _line(name: str, times: list[float]) -> str:
    return (
        f"{name}: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, n={len(times)})"
    )


def main() -> int:
    """Print the timings; exit 1 when the command's median misses the goal."""
    table = load_table(layout())
    specs, _, _ = deck_inputs(table.observations, table.sources, Filters(), Locale("zh"))
    print(f"charts: {len(specs)}, slides: {len(specs) + 2}")
    for lang in ("zh", "en"):
        print(_line(f"build_deck in process ({lang}, data loaded)", _in_process(lang)))
    command = _command()
    print(_line("corridor deck, whole command (imports, load, build, write)", command))
    ok = statistics.median(command) < GOAL_S
    print(f"goal < {GOAL_S:.0f} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
