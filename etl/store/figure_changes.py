"""Corrections and retractions: the one stored figure criteria pick out, and the change to it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from etl.contract.errors import CorridorError
from etl.contract.identity import KEY_COLUMNS
from etl.contract.qualifiers import parse_qualifier
from etl.contract.schema import observations_schema, validate
from etl.contract.tables import format_number, render_observations_csv
from etl.store.batches import no_rows, render_rows_csv
from etl.store.preview import MAX_LISTED
from etl.uploads.vocabulary_cells import QUALIFIER_ALLOWED_EN, QUALIFIER_ALLOWED_ZH


def select_figure(observations: pd.DataFrame, criteria: dict[str, str | None]) -> pd.DataFrame:
    """Return the one stored row the criteria pick out, refusing none or several."""
    mask = pd.Series(True, index=observations.index)
    for col, wanted in criteria.items():
        if wanted is None:
            continue
        series = observations[col]
        if col in ("period_start", "period_end"):
            text = series.dt.strftime("%Y-%m-%d").astype(object).where(series.notna(), "")
        elif col == "value":
            text = series.map(format_number)
        else:
            text = series.astype(object)
        mask &= text.astype(str) == str(wanted)
    found = observations.loc[mask]
    if len(found) == 1:
        return found
    shown = ", ".join(f"{k}={v}" for k, v in criteria.items() if v is not None)
    if not len(found):
        raise CorridorError.single("找不到符合条件的数据", "no stored figure matches", value=shown)
    listing = render_observations_csv(found.head(MAX_LISTED))
    raise CorridorError.single(
        f"有 {len(found)} 条数据符合条件，请加条件（如 --region、--period-start、--source-id）",
        f"{len(found)} stored figures match; narrow the choice (--region, --period-start, "
        f"--source-id …):\n{listing}",
        value=shown,
    )


@dataclass(frozen=True)
class FigureChange:
    """A correction or retraction worked out against the table: rows removed and added, why."""

    kind: str
    old: pd.DataFrame
    added: pd.DataFrame
    info: dict[str, Any]


@dataclass(frozen=True)
class FigureEdit:
    """A correction or retraction as asked: the criteria picking one figure, why, and for a
    correction the new value (and yoy; qualifier: how the source states the value, 超过 / over,
    '' for exact …, None keeps the figure's own)."""

    criteria: dict[str, str | None]
    why: str
    kind: str
    new_value: float | None = None
    new_yoy: float | None = None
    new_qualifier: str | None = None


def figure_change(observations: pd.DataFrame, edit: FigureEdit) -> FigureChange:
    """Return the change that corrects or retracts the one figure the edit's criteria pick out."""
    old = select_figure(observations, edit.criteria).reset_index(drop=True)
    added = no_rows()
    info: dict[str, Any] = {"reason": edit.why}
    if edit.kind == "correction":
        assert edit.new_value is not None
        added = old.copy()
        added["value"] = float(edit.new_value)
        if edit.new_yoy is not None:
            added["yoy_pct"] = float(edit.new_yoy)
        if edit.new_qualifier is not None:
            added["qualifier"] = _qualifier_key(edit.new_qualifier)
        added = validate(added, observations_schema(), "correct")
        if render_rows_csv(added) == render_rows_csv(old):
            raise CorridorError.single(
                "新值与原值相同，没有改动",
                "the new value equals the old one: nothing to do",
                value=format_number(edit.new_value),
            )
    keyed = old.iloc[0]
    info["replaced"] = [
        {
            **{c: _plain(keyed[c]) for c in KEY_COLUMNS},
            "old_value": float(keyed["value"]),
            "new_value": None if not len(added) else float(added.iloc[0]["value"]),
            "source_id": str(keyed["source_id"]),
        }
    ]
    if len(added) and str(added.iloc[0]["qualifier"]) != str(keyed["qualifier"]):
        info["replaced"][0]["old_qualifier"] = str(keyed["qualifier"])
        info["replaced"][0]["new_qualifier"] = str(added.iloc[0]["qualifier"])
    return FigureChange(edit.kind, old, added, info)


def _qualifier_key(text: str) -> str:
    """Return the qualifier key a correction names, refusing one the contract does not know."""
    key = parse_qualifier(text)
    if key is None:
        raise CorridorError.single(
            f"无法识别的限定词；可用：{QUALIFIER_ALLOWED_ZH}",
            f"unknown qualifier; allowed: {QUALIFIER_ALLOWED_EN}",
            column="qualifier",
            value=str(text),
        )
    return key


def _plain(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    return value
