"""Issue 19 item 4 on the shipped data: every reported row `corridor export` gives (after every
batch) equals its reviewed label in data/raw/truth/figures.csv on every field the dashboard draws.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import PurePosixPath

import pandas as pd
import pytest

from etl.contract.paths import REPO_ROOT, Layout
from etl.extraction.evaluate import VALUE_TOLERANCE, read_truth
from etl.store.table import export_csv, load_table

DATA = Layout(REPO_ROOT / "data")
TRUTH = REPO_ROOT / "data" / "raw" / "truth" / "figures.csv"
# A stated rate is given to one decimal or two (同比增长14% / 16.78%).
YOY_TOLERANCE = 0.05
FIELDS = ("qualifier", "period_start", "period_end", "yoy", "series")


@cache
def reported() -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(export_csv(DATA, raw=True)), dtype=str, keep_default_na=False)
    frame = frame.loc[frame["basis"] == "reported"].reset_index(drop=True)
    # Each source's article: a brief's sources row names the file it was built from.
    sources = load_table(DATA).sources
    article = {
        str(sid): PurePosixPath(str(name)).stem
        for sid, name in zip(sources["source_id"], sources["file_name"], strict=True)
    }
    return frame.assign(article=frame["source_id"].map(article).fillna(""))


@cache
def labels() -> pd.DataFrame:
    rows = read_truth(TRUTH)
    return pd.DataFrame(
        {
            "article": [r.article for r in rows],
            "metric": [r.metric for r in rows],
            "value": [r.value for r in rows],
            "qualifier": [r.qualifier or "" for r in rows],
            "period_start": [r.period_start.isoformat() if r.period_start else "" for r in rows],
            "period_end": [r.period_end.isoformat() if r.period_end else "" for r in rows],
            "yoy": [r.yoy_pct for r in rows],
            "series": [r.series or "" for r in rows],
        }
    )


def _yoy(text: str) -> float | None:
    return float(text) if text.strip() else None


def label_of(row: pd.Series) -> pd.DataFrame:
    """Return the labels one shipped row may be: its article, metric and value, same end month."""
    truth = labels()
    value = float(row["value"])
    hits = truth.loc[
        (truth["article"] == row["article"])
        & (truth["metric"] == row["metric"])
        & ((truth["value"] - value).abs() <= VALUE_TOLERANCE * abs(value))
        & (truth["period_end"].str[:7] == row["period_end"][:7])
    ]
    # The closest value only (601万 and 首次超600万 are two figures of one report).
    gap = (hits["value"] - value).abs()
    return hits.loc[gap == gap.min()]


def differences(row: pd.Series, label: pd.Series) -> dict[str, tuple[object, object]]:
    """Return the fields on which a shipped row and its label differ (label, shipped)."""
    out: dict[str, tuple[object, object]] = {}
    for field in ("qualifier", "period_start", "period_end", "series"):
        if label[field] != row[field]:
            out[field] = (label[field], row[field])
    want, got = label["yoy"], _yoy(row["yoy_pct"])
    want = None if want is None or pd.isna(want) else float(want)
    if (want is None) != (got is None) or (
        want is not None and got is not None and abs(want - got) > YOY_TOLERANCE
    ):
        out["yoy"] = (want, got)
    return out


def test_every_shipped_row_comes_from_a_labelled_article() -> None:
    rows = reported()
    labelled = set(labels()["article"])
    assert len(rows) >= 400
    missing = sorted(set(rows["source_id"][~rows["article"].isin(labelled)]))
    assert not missing, f"reported rows whose article has no labels: {missing}"


def test_every_shipped_row_has_exactly_one_label() -> None:
    rows = reported()
    counts = [len(label_of(row)) for _, row in rows.iterrows()]
    unmatched = [
        (row["article"], row["metric"], row["value"], row["period_end"])
        for (_, row), n in zip(rows.iterrows(), counts, strict=True)
        if n == 0
    ]
    assert not unmatched, unmatched
    # Two labels for one row would hide a disagreement: a row's label must be one row.
    assert max(counts) >= 1
    repeated = [
        (row["article"], row["metric"], row["value"])
        for (_, row), n in zip(rows.iterrows(), counts, strict=True)
        if n > 1 and len({tuple(v) for v in label_of(row)[list(FIELDS)].astype(str).values}) > 1
    ]
    assert not repeated, repeated


@pytest.mark.parametrize("field", FIELDS)
def test_every_shipped_row_equals_its_label_on_each_field(field: str) -> None:
    wrong = []
    for _, row in reported().iterrows():
        for _, label in label_of(row).iterrows():
            diff = differences(row, label)
            if field in diff:
                wrong.append((row["article"], row["metric"], row["value"], *diff[field]))
    assert not wrong, f"{len(wrong)} rows differ on {field}: {wrong[:10]}"


def test_a_disagreement_is_found() -> None:
    # The comparison itself can fail: a shipped row moved a day and given another series.
    row = reported().iloc[0].copy()
    (_, label), *_ = label_of(row).iterrows()
    row["period_end"] = "1999-01-01"
    row["series"] = "another_series"
    assert set(differences(row, label)) >= {"period_end", "series"}
