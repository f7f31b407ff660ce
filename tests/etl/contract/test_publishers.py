"""etl/contract/publishers.py: outlets as readers know them, in English from one small table."""

from __future__ import annotations

import pandas as pd

from etl.contract.identity import normalise_scope
from etl.contract.paths import REPO_ROOT
from etl.contract.publishers import load_publishers, publisher_name


def test_the_english_interface_names_outlets_in_english() -> None:
    assert publisher_name("新华社", "en") == "Xinhua"
    assert publisher_name("人民日报", "en") == "People's Daily"
    assert publisher_name("中国新闻网", "en") == "China News Service"


def test_the_chinese_interface_keeps_the_stored_name() -> None:
    assert publisher_name("新华社", "zh") == "新华社"


def test_an_outlet_not_in_the_table_is_shown_as_stored() -> None:
    assert publisher_name("某地方网站", "en") == "某地方网站"


def test_the_table_is_keyed_by_simplified_names_without_a_reprint() -> None:
    table = load_publishers()
    assert len(table) >= 30
    for zh, en in table.items():
        assert zh == normalise_scope(zh) or not any("\u4e00" <= c <= "\u9fff" for c in zh)
        # No reprint note in brackets after the name (an official name may hold brackets).
        assert "转载" not in zh and not zh.endswith((")", "）"))
        assert en and not any("\u4e00" <= c <= "\u9fff" for c in en)


def test_every_publisher_of_the_shipped_sources_has_an_english_name() -> None:
    shipped = pd.read_csv(REPO_ROOT / "data" / "tidy" / "sources.csv", dtype=str)
    missing = sorted(set(shipped["publisher"].dropna().str.strip()) - set(load_publishers()))
    assert not missing
