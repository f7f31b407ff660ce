"""Charts drawn once in Debian's Chromium: the drawn dict draws the same picture as its figure,
and a page's plotly.js draws each chart once, not again when Streamlit hands it over again."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import plotly
import plotly.io as pio
import pytest
from browser_support import CHART, SETTLED_JS, TIMEOUT_MS, streamlit_server
from plotly_draws import plot_draws, start_counting

from dashboard.charts.drawn import SELECTION_MODES, drawn
from dashboard.charts.margins import fitted_margins
from dashboard.charts.reach_map import corridor_chart, lanes_chart
from dashboard.charts.specs import PAGES, page_specs
from dashboard.locales import locale_for
from dashboard.views.index import figure_view
from dashboard.views.kpi import kpi_candidates
from etl.contract.paths import DEFAULT_DATA_DIR, Layout
from etl.store.cache import load_cached_table

pytestmark = pytest.mark.browser

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Both dicts drawn at one size, every SVG node written with its attributes sorted (plotly.js
# sets some in another order on another path), each trace with the same uid.
DRAW_JS = """async (figures) => {
  const canon = n => n.nodeType === 3 ? n.textContent : '<' + n.tagName + ' ' +
    [...(n.attributes || [])].map(a => a.name + '=' + a.value).sort().join(' ') + '>' +
    [...n.childNodes].map(canon).join('') + '</>';
  const out = [];
  for (const f of figures) {
    const el = document.getElementById('plot');
    Plotly.purge(el);
    f.data.forEach((t, i) => { t.uid = 'u' + i; });
    await Plotly.newPlot(el, f.data, {...f.layout, width: 700, height: f.layout.height || 360},
                         {responsive: false});
    out.push([...el.querySelectorAll('svg')].map(canon).join(''));
  }
  return out;
}"""
# Ids plotly.js makes up per plot (clip paths, defs, legend clips, bar patterns).
MADE_UP_ID = re.compile(r"(clip|defs-|topdefs-|legend|#p|id=p)[0-9a-f]{6}")


def _figures() -> Iterator[tuple[str, object, bool]]:
    table = load_cached_table(Layout(DEFAULT_DATA_DIR))
    for lang in ("zh", "en"):
        locale = locale_for(lang)
        keep = np.ones(len(table.observations), dtype=bool)
        fv = figure_view(table.observations, table.sources, keep, locale)
        for page in PAGES:
            for spec in page_specs(fv, kpi_candidates(fv), locale, page):
                yield f"{spec.id} {lang}", spec.chart, True
        yield f"corridor map {lang}", corridor_chart(locale), False
        yield f"lanes map {lang}", lanes_chart(locale, []), False


def test_every_chart_draws_the_same_picture_from_its_drawn_dict(chromium_browser: object) -> None:
    page = chromium_browser.new_page()  # type: ignore[attr-defined]
    page.set_content('<div id="plot"></div>')
    page.add_script_tag(path=str(PLOTLY_JS))
    pairs = []
    for name, figure, selection in _figures():
        as_figure = fitted_margins(json.loads(pio.to_json(figure, validate=False)))
        if selection:  # what Streamlit's chart element adds to a chart with point selection
            as_figure["layout"] = {**SELECTION_MODES, **as_figure["layout"]}
        sent = json.loads(pio.to_json(drawn(figure, selection).to_dict(), validate=False))  # type: ignore[arg-type]
        assert "template" not in sent["layout"], name
        pairs.append((name, as_figure, sent))
    svgs = page.evaluate(DRAW_JS, [f for _, a, b in pairs for f in (a, b)])
    page.close()
    assert len(pairs) > 20
    for i, (name, _, _) in enumerate(pairs):
        before, after = (MADE_UP_ID.sub(r"\1U", s) for s in svgs[2 * i : 2 * i + 2])
        assert after == before, name


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with streamlit_server(DEFAULT_DATA_DIR, "streamlit_drawn.log") as url:
        yield url


@pytest.mark.parametrize("path", ["", "trains", "reach"])
def test_each_chart_on_a_page_is_drawn_once(
    chromium_browser: object, server: str, path: str
) -> None:
    # A wide screen: on a narrower one the reach maps' columns may settle to another width after
    # the first draw, which redraws them (a real change of size, drawn before this change too).
    context = chromium_browser.new_context(viewport={"width": 1920, "height": 1080})  # type: ignore[attr-defined]
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    start_counting(cdp)
    page.goto(f"{server}/{path}")
    page.wait_for_selector(CHART, timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
    charts = '[data-testid="stPlotlyChart"]'
    page.wait_for_function(
        f"() => [...document.querySelectorAll('{charts}')]"
        ".every(c => c.querySelector('.main-svg'))",
        timeout=TIMEOUT_MS,
    )
    page.wait_for_timeout(1500)
    count = page.locator(charts).count()
    draws = plot_draws(cdp)
    # At load: the overview's chart; the trains headline; the reach maps and headline series
    # (each other chart of a metric page is a closed row: dashboard/ui.py chart_rows).
    assert count == {"": 1, "trains": 1, "reach": 3}[path]
    assert draws == count, f"{draws} plotly.js draws for {count} charts"
    if path:
        # A row opened: its chart is drawn once, and the charts that stay are not drawn again.
        page.locator('[data-testid="stExpander"] summary').nth(1).click()
        page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
        page.wait_for_function(
            f"() => [...document.querySelectorAll('{charts}')]"
            ".every(c => c.querySelector('.main-svg'))",
            timeout=TIMEOUT_MS,
        )
        page.wait_for_timeout(1500)
        assert page.locator(charts).count() == count + 1
        # V8 counts calls since the last count taken (plot_draws above).
        assert plot_draws(cdp) == 1
    context.close()


def test_a_click_on_a_point_drawn_once_opens_its_report(
    chromium_browser: object, server: str
) -> None:
    # The chart is drawn once with the click mode Streamlit's point selection sets: a click
    # still selects the point, and the page links the report behind it under the chart.
    page = chromium_browser.new_page(viewport={"width": 1366, "height": 768})  # type: ignore[attr-defined]
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server}/trains?lang=en")
    page.wait_for_selector(CHART, state="visible")
    page.wait_for_function(SETTLED_JS)
    card = page.locator('[data-testid="stPlotlyChart"]').first
    card.scroll_into_view_if_needed()
    # The sixth point drawn: one of the series' own points, whose report has a link.
    point = card.locator(".scatterlayer .trace .points path").nth(5)
    box = point.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_timeout(300)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    link = page.get_by_text("Source report of the selected point")
    link.first.wait_for(state="visible")
    assert link.first.locator("a").first.get_attribute("href", timeout=TIMEOUT_MS)
    page.close()
