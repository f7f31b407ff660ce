"""Rows of the figures table as bulk loads take them (etl.store.db.importing.FIGURE_NAMES), for
the database tests: one figure of its own identity and scope per number, and rows as columns."""

from __future__ import annotations

from etl.store.db.importing import FIGURE_NAMES


def figure(fid: int, **cells: object) -> tuple[object, ...]:
    """Return figure fid's row (FIGURE_NAMES, then any other columns cells name)."""
    row: dict[str, object] = dict.fromkeys(FIGURE_NAMES, "")
    row |= {
        "id": fid,
        "metric": "teu",
        "value": 1.0,
        "unit": "TEU",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "region": "chongqing",
        "scope": f"口径{fid}",
        "yoy_pct": None,
        "source_id": "s",
        "identity": f"{fid:064x}",
        "report_no": 0,
        "added_batch": None,
    }
    row |= cells
    return tuple(row[n] for n in (*FIGURE_NAMES, *(c for c in cells if c not in FIGURE_NAMES)))


def columns(rows: list[tuple[object, ...]]) -> list[list[object]]:
    """Return the rows as columns (insert_columns' form)."""
    return [list(c) for c in zip(*rows, strict=True)]
