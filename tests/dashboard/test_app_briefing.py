"""The briefing in the app: its numbers are the data's, and unlike periods are never compared."""

from __future__ import annotations

from pathlib import Path

import pytest
from dashboard_data import OLDER, ROWS, SEED, observations, write_data_dir
from streamlit.testing.v1 import AppTest

from dashboard.format import format_value
from etl.contract.paths import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")
SCOPE = "西部陆海新通道铁海联运班列"
# The corridor's rail-sea trains: a full year, and two like year-to-date figures.
EXTRA = [
    ("train_runs", "9000", "2024-01-01", "2024-12-31", "corridor", "rail_sea", SCOPE, "",
     "reported",
     SEED, "2024年开行9000列"),
    ("train_runs", "5200", "2025-01-01", "2025-07-31", "corridor", "rail_sea", SCOPE, "",
     "reported",
     OLDER, "1—7月开行5200列"),
    ("train_runs", "4000", "2024-01-01", "2024-07-31", "corridor", "rail_sea", SCOPE, "",
     "reported",
     OLDER, "1—7月开行4000列"),
]  # fmt: skip


def _run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list, lang: str) -> AppTest:
    root = write_data_dir(tmp_path / "data", rows)
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(root))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def test_extra_rows_join_the_corridor_series() -> None:
    frame = observations([*ROWS, *EXTRA])
    assert set(frame["series"].iloc[-3:]) == {"corridor_rail_sea_trains"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_briefing_states_the_data_and_compares_only_like_periods(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    at = _run(tmp_path, monkeypatch, [*ROWS, *EXTRA], lang)
    text = at.code[0].value
    sentence = text.split("。" if lang == "zh" else ". ")[0]
    for value in (9000, 5200, 4000):
        assert format_value(value, "train_runs", lang) in sentence
    # 5200 against 4000 (Jan–Jul, a year apart): +30%; the year 9000 is compared with nothing.
    assert ("同比增长30%" if lang == "zh" else "up 30% year on year") in sentence
    assert sentence.count("%") == 1
    # Every number is linked to its source in the shown markdown.
    shown = "\n".join(m.value for m in at.markdown)
    assert "(http://district.ce.cn/zg/201907/05/t20190705_32539028.shtml" in shown
    # The agricultural figure's own yoy (a like period by definition) is stated as reported.
    assert format_value(880000000, "agri_export_value_cny", lang) in text
    assert "46.4%" in text


def test_a_ytd_and_a_full_year_alone_give_no_comparison(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _run(tmp_path, monkeypatch, [*ROWS, *EXTRA[:2]], "zh")
    sentence = at.code[0].value.split("。")[0]
    assert "9000列" in sentence and "5200列" in sentence
    assert "%" not in sentence and "上年同期" not in sentence
