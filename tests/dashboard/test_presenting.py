"""Present mode on the shipped data: the screens are the pages' charts in page order, with the
Reach page's map before the reach charts, and every screen runs in both languages."""

from __future__ import annotations

import json

import pytest
from app_support import APP, TIMEOUT
from streamlit.testing.v1 import AppTest

from dashboard.charts.specs import PAGES, once_each, page_draws, page_specs
from dashboard.locales import locale_for
from dashboard.views.index import figure_view
from dashboard.views.kpi import kpi_candidates
from etl.contract.paths import DEFAULT_DATA_DIR, layout
from etl.store.cache import load_cached_table


def _page_charts(lang: str) -> list[str]:
    from dashboard.filters import Filters, filter_mask

    table = load_cached_table(layout(DEFAULT_DATA_DIR))
    obs = table.observations
    locale = locale_for(lang)
    fv = figure_view(obs, table.sources, filter_mask(obs, Filters()), locale)
    return [
        s.headline or s.title
        for s in once_each(
            s
            for page in PAGES
            for s in page_draws(
                page_specs(fv, kpi_candidates(fv) if page == "overview" else [], locale, page)
            )
        )
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_present_screens_are_the_pages_charts_with_the_reach_map(
    monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    monkeypatch.setenv("CORRIDOR_DATA_DIR", str(DEFAULT_DATA_DIR))
    expected = _page_charts(lang)
    titles, maps = [], 0
    slide = 1
    while True:
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        at.query_params.update({"present": "1", "slide": str(slide), "lang": lang})
        at.run()
        assert not at.exception, (slide, at.exception)
        titles.append(at.title[0].value)
        charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
        if any(t.get("meta", {}).get("lane") for c in charts for t in c["data"]):
            maps += 1
            map_at = len(titles) - 1
        counter = next(m.value for m in at.markdown if m.value.startswith(f"**{slide} / "))
        total = int(counter.split(" / ")[1].split("**")[0])
        if slide == total:
            break
        slide += 1
    assert maps == 1
    # The cards first, then the pages' charts in page order, the map before the reach charts.
    shown = [t.replace("\\", "") for t in titles[1:map_at] + titles[map_at + 1 :]]
    assert shown == expected
