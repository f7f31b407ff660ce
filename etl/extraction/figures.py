"""The figure one sentence yields: what the extractor hands to the table builders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Figure:
    """One vocabulary figure read from an article, in base units, with its source sentence."""

    metric: str
    value: float
    period_start: date | None
    period_end: date
    scope: str
    yoy_pct: float | None
    quote: str
    # How the period was decided: stated in its clause, carried from earlier, or publication.
    how: str = "stated"
    # How the source states the value: "" exactly, or a bound (etl.contract.qualifiers).
    qualifier: str = ""
