"""Every page of the shipped data read in one language: no Chinese in English mode beyond names
with a translation, no English words in Chinese mode beyond file formats and proper names."""

from __future__ import annotations

import pytest
from app_support import APP, open_rows, opened_menus
from language_support import cjk_outside, english_outside, interface_words
from streamlit.testing.v1 import AppTest

from etl.contract.paths import DEFAULT_DATA_DIR
from etl.contract.publishers import load_publishers

PAGES = ("overview", "trains", "freight", "agri", "reach", "sources", "upload", "present")
# A shipped run draws every chart of every page: slower than the small test data.
SHIPPED_TIMEOUT = 180
# Chinese mode may name file formats, office programs and English-language outlets by their own
# names (their stored name is their English one), and RCEP and OIDC by the letters readers know.
ALLOWED_IN_ZH = (
    "PNG",
    "SVG",
    "PPTX",
    "XLSX",
    "CSV",
    "TXT",
    "PDF",
    "PowerPoint",
    "LibreOffice",
    "WPS",
    "Excel",
    "RCEP",
    "OIDC",
    "TEU",
    *(word for zh, en in load_publishers().items() if zh == en for word in zh.split()),
)
# English mode has no Chinese name to keep: every name shown has its English translation.
ALLOWED_IN_EN: tuple[str, ...] = ()


def walk(lang: str) -> dict[str, list[str]]:
    at = AppTest.from_file(APP, default_timeout=SHIPPED_TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    seen: dict[str, list[str]] = {}
    for page in PAGES:
        # A metric page's more-figures table is sent only when opened: open it, to read its
        # headers too.
        at.session_state[f"more_open_{page}"] = True
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        # Each chart's download menu is made only when opened: open them, to read them too;
        # and every chart row, to read every chart of the page.
        seen[page] = []
        for run in (at, open_rows(at)):
            opened_menus(run)
            assert all(e.children for e in run.expander), page
            seen[page] += interface_words(run)
    return seen


@pytest.fixture
def shipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))


@pytest.mark.usefixtures("shipped")
def test_english_mode_shows_no_chinese_on_any_page() -> None:
    seen = walk("en")
    for page, words in seen.items():
        assert len(words) > 10, page  # the walk read the page, not an empty run
        assert cjk_outside(words, ALLOWED_IN_EN) == [], page


@pytest.mark.usefixtures("shipped")
def test_chinese_mode_shows_no_english_words_on_any_page() -> None:
    seen = walk("zh")
    for page, words in seen.items():
        assert len(words) > 10, page
        assert english_outside(words, ALLOWED_IN_ZH) == [], page


def test_the_checks_catch_a_word_of_the_other_language() -> None:
    words = ["Train runs（重庆）", "班列 Upload", "下载（PPTX）", "运行 `secrets.toml`"]
    assert cjk_outside(words, ()) == [
        "Train runs（重庆）",
        "班列 Upload",
        "下载（PPTX）",
        "运行 `secrets.toml`",
    ]
    assert english_outside(words, ("PPTX",)) == ["Train runs（重庆）", "班列 Upload"]
    assert cjk_outside(["Chongqing Daily (重庆日报)"], ("重庆日报",)) == []
