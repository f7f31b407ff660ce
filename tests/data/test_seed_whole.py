"""Issue 19 item 6 on the shipped data: the seed article's nine figures keep their values and
appear on the Chongqing views and in the Chongqing deck (and the two corridor-wide ones, ports
and cargo categories, on the corridor's reach view, where their region puts them)."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from corridor.cli import main
from dashboard.safe_text import WORD_JOINER
from etl.contract.paths import DEFAULT_DATA_DIR, REPO_ROOT, Layout
from etl.store.table import export_csv

APP = str(REPO_ROOT / "dashboard" / "app.py")
SEED = "cqcustoms-20240911"
SEED_TRUTH = REPO_ROOT.parent / "shared" / "corpus" / "truth.csv"
TIMEOUT = 120
# The seed's nine figures as the article states them: metric → (value, qualifier, yoy, end).
NINE = {
    "train_runs": (816.0, "", 17.8, "2024-07-31"),
    "teu": (15000.0, "", 40.7, "2024-07-31"),
    "ports_reached": (523.0, "", None, "2024-09-11"),
    "cargo_categories": (1100.0, "over", None, "2024-09-11"),
    "days_saved": (20.0, "", None, "2024-09-11"),
    "cost_saving_per_teu_cny": (1700.0, "over", None, "2024-09-11"),
    "freight_deduction_cny": (20218400.0, "", None, "2024-07-31"),
    "beneficiary_firms": (99.0, "", None, "2024-07-31"),
    "agri_export_value_cny": (880000000.0, "", 46.4, "2024-07-31"),
}


def _yoy(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def seed_rows() -> pd.DataFrame:
    text = export_csv(Layout(DEFAULT_DATA_DIR), raw=True)
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return frame.loc[(frame["source_id"] == SEED) & (frame["basis"] == "reported")]


def test_the_seed_keeps_its_nine_figures() -> None:
    rows = seed_rows()
    got = {
        m: (float(v), q, _yoy(y), e)
        for m, v, q, y, e in zip(
            rows["metric"],
            rows["value"],
            rows["qualifier"],
            rows["yoy_pct"],
            rows["period_end"],
            strict=True,
        )
    }
    assert got == NINE


@pytest.mark.skipif(not SEED_TRUTH.is_file(), reason="the shared corpus is not beside the repo")
def test_the_nine_figures_are_the_corpus_labels_of_the_seed() -> None:
    with SEED_TRUTH.open(encoding="utf-8-sig", newline="") as handle:
        labels = [r for r in csv.DictReader(handle) if r["article"] == "000"]
    assert {
        r["metric"]: (
            float(r["value"]),
            r.get("qualifier", ""),
            _yoy(r["yoy_pct"]),
            r["period_end"],
        )
        for r in labels
    } == NINE


def _page(
    page: str, query: dict[str, str], monkeypatch: pytest.MonkeyPatch, top: int | None = None
) -> AppTest:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(f"app_pages/{page}.py")
    if top is not None:
        at.session_state[f"top_{page}"] = top  # the reader's "scopes shown" control
    # The reader opens the more-figures box: its table is sent only while it is open.
    at.session_state[f"more_open_{page}"] = True
    at.run()
    assert not at.exception, at.exception
    return at


def _text(at: AppTest) -> str:
    parts = [str(m.value) for m in at.markdown] + [str(c.value) for c in at.caption]
    for frame in at.dataframe:
        parts.append(frame.value.to_string())
    # Data text is escaped for Markdown (dashboard/safe_text.py): read it as the reader does.
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", "\n".join(parts)).replace(WORD_JOINER, "")


def _numbers(axis: object) -> list[float]:
    # Plotly writes arrays as lists, or typed arrays as {"dtype", "bdata"} (base64).
    if isinstance(axis, dict) and "bdata" in axis:
        return [float(v) for v in np.frombuffer(base64.b64decode(axis["bdata"]), axis["dtype"])]
    if isinstance(axis, list):
        return [float(v) for v in axis if isinstance(v, int | float)]
    return []


def _plotted(at: AppTest) -> set[float]:
    values: set[float] = set()
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            for axis in ("x", "y"):
                values |= {round(v, 6) for v in _numbers(trace.get(axis))}
    return values


def test_the_chongqing_trains_page_shows_the_seeds_trains_and_teu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at = _page("trains", {"region": "chongqing"}, monkeypatch)
    # Issue 23: the page draws Chongqing's series over the years; the seed's year-to-date
    # figures (one period each, no series line) are in its more-figures table.
    table = at.dataframe[-1].value.to_string()
    assert "816列" in table and "1.5万标箱" in table
    assert "816列" in _text(at)


def test_the_default_chongqing_trains_page_draws_the_seeds_teu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Issue 23: in the more-figures table under the page's series charts.
    at = _page("trains", {"region": "chongqing"}, monkeypatch)
    assert "1.5万标箱" in at.dataframe[-1].value.to_string()


def test_the_chongqing_freight_and_agri_pages_show_the_seeds_figures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    freight = _text(_page("freight", {"region": "chongqing"}, monkeypatch))
    for shown in ("2021.84万元", "99家", "1700元/标箱"):
        assert shown in freight
    agri = _page("agri", {"region": "chongqing"}, monkeypatch)
    assert 8.8 in _plotted(agri)  # 8.8亿元 on an 亿元 axis
    reach = _page("reach", {"region": "chongqing"}, monkeypatch)
    # Issue 23: the reach page draws Chongqing's series; the 20 days saved (one figure) is in
    # its more-figures table.
    assert "20天" in reach.dataframe[-1].value.to_string()


def test_the_seeds_ports_and_categories_are_the_corridors_and_shown_as_such(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 523 ports and 超1100 categories are the corridor's network (region corridor), which the
    # reach page shows beside the seed's source when it is picked.
    rows = seed_rows().set_index("metric")
    assert rows.loc["ports_reached", "region"] == "corridor"
    assert rows.loc["cargo_categories", "region"] == "corridor"
    reach = _text(_page("reach", {"source": SEED}, monkeypatch))
    assert "523" in reach and "1100" in reach


def _deck(tmp_path: Path) -> tuple[str, set[float]]:
    out = tmp_path / "chongqing.pptx"
    assert main(["deck", "--data-dir", str(DEFAULT_DATA_DIR), "--out", str(out),
                 "--region", "chongqing"]) == 0  # fmt: skip
    texts: list[str] = []
    values: set[float] = set()
    for slide in Presentation(str(out)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts += [cell.text for row in shape.table.rows for cell in row.cells]
            if shape.has_chart:
                for plot in shape.chart.plots:
                    for series in plot.series:
                        values |= {round(v, 6) for v in series.values if v is not None}
    return "\n".join(texts), values


def test_the_chongqing_deck_carries_the_seeds_figures(tmp_path: Path) -> None:
    text, values = _deck(tmp_path)
    # Issue 23: the deck draws the pages' charts; a page's figures no chart draws (816列 of
    # the trains page, the freight page's few, 20天 of the reach page) close its slides in a
    # more-figures table, as under the page's charts.
    for shown in ("816列", "2021.84万元", "99家", "1700元/标箱", "20天"):
        assert shown in text
    assert 8.8 in values  # the agri page's chart


def test_the_chongqing_deck_states_the_seeds_teu(tmp_path: Path) -> None:
    # The seed's 1.5万标箱 (2024年1—7月) is no chart's point on the trains page: its slides'
    # more-figures table states it (issue 23: the deck draws the pages' charts).
    text, _ = _deck(tmp_path)
    assert "1.5万标箱" in text
