"""dashboard/safe_text.py: untrusted text shown literally by Streamlit's markdown."""

from __future__ import annotations

import re

import pytest

from dashboard.locales import ZH
from dashboard.safe_text import WORD_JOINER, clean, plain


@pytest.mark.parametrize(
    "text",
    [
        "[请重新登录](http://evil.example/x)",
        "![x](http://evil.example/p.png)",
        "<a href='http://e'>x</a>",
        ":red[alarm] :material/warning: $x^2$",
        "**bold** _it_ `code` ~~s~~ | a | b |",
    ],
)
def test_every_markdown_character_is_escaped(text: str) -> None:
    out = plain(text)
    # Each ASCII punctuation character is preceded by a backslash, so markdown shows it as is.
    assert not re.search(r"(?<!\\)[\[\]()!<>*_`~|:$]", out.replace("\\\\", "")), out
    assert out.replace("\\", "").replace(WORD_JOINER, "") == text


def test_line_breaks_cannot_start_a_heading_or_block() -> None:
    assert "\n" not in plain("x\n# heading\r\n> quote")
    assert plain("x\n# h") == "x \\# h"


def test_bidi_controls_are_removed() -> None:
    assert clean("abc\u202edcba\u202c\u2066x\u2069\u200f") == "abcdcbax"


def test_bare_urls_and_addresses_are_not_autolinked() -> None:
    out = plain("see http://evil.example, www.evil.example or a@evil.example")
    assert "://" not in out.replace("\\", "") and "www." not in out.replace("\\", "")
    assert "@evil" not in out.replace("\\", "")


def test_long_text_is_cut_to_the_limit() -> None:
    assert clean("x" * 100, 10) == "x" * 9 + "…"


def test_chart_text_is_inert_in_plotly_labels() -> None:
    from dashboard.safe_text import chart_text

    assert chart_text("<a href='http://e'>x</a>\u202e") == "&lt;a href='http://e'>x&lt;/a>"


def test_chart_figures_carry_no_markup_from_the_data() -> None:
    import json

    import numpy as np
    from dashboard_data import observations, sources

    from dashboard.charts.specs import every_page_specs
    from dashboard.views.index import figure_view
    from dashboard.views.kpi import kpi_candidates

    obs, src = observations(), sources()
    html = "<a href='http://evil.example/h'>HTMLLINK</a><img src='http://evil.example/i.png'>"
    obs["scope"] = [f"{html} {i}" for i in range(len(obs))]
    obs["quote"] = html
    src["publisher"] = html
    view = figure_view(obs, src, np.ones(len(obs), dtype=bool), ZH)
    for spec in every_page_specs(view, kpi_candidates(view), ZH):
        text = json.dumps(spec.chart.to_plotly_json(), ensure_ascii=False, default=str)
        assert "<a " not in text and "<img" not in text, spec.id
        assert "&lt;a href='http://evil.example/h'>HTMLLINK" in text.replace("<br>", ""), spec.id
