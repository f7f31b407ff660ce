"""dashboard/cards.py: the headline cards as one HTML block, every text from the data escaped."""

from __future__ import annotations

from cards_support import read_cards

from dashboard.cards import cards_html
from dashboard.locales import EN, ZH
from dashboard.views.kpi import SeriesCard


def card(**fields: str | None) -> SeriesCard:
    base: dict[str, str | None] = {
        "metric": "teu",
        "label": "集装箱运量",
        "series": "西部陆海新通道铁海联运班列箱量",
        "value": "142.5万标箱",
        "delta": "+47.6%",
        "period": "2025年",
        "ytd": "2026年1月：11.4万标箱",
        "source": "新华社，2026年1月9日",
        "url": "https://example.org/a?b=1&c=2",
    }
    return SeriesCard(**(base | fields))  # type: ignore[arg-type]


def test_a_card_shows_every_line_and_links_its_source() -> None:
    [shown] = read_cards(cards_html([card()], ZH))
    assert (shown.metric, shown.label, shown.value, shown.delta) == (
        "teu",
        "集装箱运量",
        "142.5万标箱",
        "+47.6%",
    )
    assert shown.period == "2025年"
    assert shown.notes[0] == "2026年1月：11.4万标箱"
    assert shown.notes[-1] == "来源：新华社，2026年1月9日"
    assert shown.links == ["https://example.org/a?b=1&c=2"]


def test_a_fall_is_marked_down_and_no_yoy_shows_no_badge() -> None:
    html = cards_html([card(delta="-3.1%"), card(metric="ports_reached", delta=None)], EN)
    assert 'class="cd-delta down"' in html and "↓ -3.1%" in html
    second = read_cards(html)[1]
    assert second.delta is None and "year on year" not in second.text()


def test_text_from_the_data_never_becomes_markup_and_only_http_links_are_kept() -> None:
    hostile = "<img src=x onerror=alert(1)>\"'&"
    html = cards_html(
        [card(label=hostile, value=hostile, series=hostile, source=hostile, url="javascript:x")],
        ZH,
    )
    assert "<img" not in html and "onerror=alert(1)>" not in html.replace("&gt;", "")
    assert "javascript:" not in html and "<a " not in html
    [shown] = read_cards(html)
    assert shown.label == shown.value == hostile  # shown as text, whole


def test_no_cards_give_no_block() -> None:
    assert cards_html([], ZH) == ""
