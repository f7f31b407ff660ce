"""Problems found in an upload's cells, collected column by column and capped when listed."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from etl.contract.errors import CorridorError, Problem
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.uploads.limits import MAX_LISTED_PROBLEMS, capped


class ProblemList:
    """Problems collected column by column, with row numbers from the frame's index.

    Only the first MAX_LISTED_PROBLEMS become Problem objects; the rest are counted, and the
    cells already flagged are kept per column as an integer array, never one object per cell.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[Problem] = []
        self.total = 0
        self.flagged: dict[str | None, np.ndarray] = {}
        # Set when checks were skipped because the list was full (the count is then a floor).
        self.incomplete = False

    def add_mask(
        self, mask: pd.Series, values: pd.Series, column: str, zh: str, en: str, kind: str = ""
    ) -> None:
        """Record a problem for each row where mask is true (listing only the first few)."""
        hits = np.asarray(mask.index[np.asarray(mask, dtype=bool)], dtype=np.int64)
        seen = self.flagged.get(column)
        fresh = hits if seen is None else hits[~np.isin(hits, seen)]
        if not len(fresh):
            return
        self.total += len(fresh)
        self.flagged[column] = fresh if seen is None else np.concatenate([seen, fresh])
        room = MAX_LISTED_PROBLEMS + 1 - len(self.items)
        for index in fresh[: max(0, room)].tolist():
            self.items.append(
                Problem(zh, en, self.name, index + 2, column, str(values[index]), kind=kind)
            )

    def add(self, problem: Problem) -> None:
        """Record one problem unless its cell already has one."""
        if problem.row is not None:
            index = np.array([problem.row - 2], dtype=np.int64)
            seen = self.flagged.get(problem.column)
            if seen is not None and np.isin(index, seen).any():
                return
            self.flagged[problem.column] = index if seen is None else np.append(seen, index)
        self.total += 1
        if len(self.items) <= MAX_LISTED_PROBLEMS:
            self.items.append(problem)

    def add_many(self, found: Iterable[Problem]) -> None:
        """Record problems by column at once (unless their cells already have one)."""
        by_column: dict[str | None, list[Problem]] = {}
        for problem in found:
            if problem.row is None:
                self.add(problem)
            else:
                by_column.setdefault(problem.column, []).append(problem)
        for column, listed in by_column.items():
            rows = np.array([p.row - 2 for p in listed if p.row is not None], dtype=np.int64)
            seen = self.flagged.get(column)
            _unique, first = np.unique(rows, return_index=True)
            keep = np.zeros(len(rows), dtype=bool)
            keep[first] = True
            if seen is not None:
                keep &= ~np.isin(rows, seen)
            fresh = rows[keep]
            self.total += len(fresh)
            self.flagged[column] = fresh if seen is None else np.concatenate([seen, fresh])
            room = MAX_LISTED_PROBLEMS + 1 - len(self.items)
            self.items.extend([p for p, k in zip(listed, keep, strict=True) if k][: max(0, room)])

    @property
    def full(self) -> bool:
        """Return whether more problems would only be counted, never listed."""
        return len(self.items) > MAX_LISTED_PROBLEMS

    def raise_if_any(self) -> None:
        """Raise a CorridorError listing the problems, if there are any."""
        if not self.total:
            return
        listed = capped(sorted(self.items, key=_order), self.total)
        if self.incomplete:
            listed.append(
                Problem(
                    f"列出的问题已满 {MAX_LISTED_PROBLEMS} 处，其余行未再检查（改正后会查出更多）",
                    f"the listed problems reached {MAX_LISTED_PROBLEMS}: the remaining rows were "
                    "not checked further (more may show once these are fixed)",
                )
            )
        raise CorridorError(listed)


def _order(p: Problem) -> tuple[int, int]:
    columns = list(OBSERVATION_COLUMNS)
    col = columns.index(p.column) if p.column in columns else len(columns)
    return (p.row if p.row is not None else 0, col)
