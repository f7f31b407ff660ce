"""Present mode: the headline cards first, then one chart and its headline per screen, large type.

Screens move with the on-screen buttons and with the keys a presentation clicker sends (←/→,
PageUp/PageDown). A chart with a single point is shown as one big figure, never as a lone dot.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import plotly.graph_objects as go
import streamlit as st

from dashboard import data, page_paths, ui
from dashboard.charts.reach_map import lanes_chart
from dashboard.charts.specs import ChartSpec
from dashboard.filters import Filters, to_query_params
from dashboard.i18n import EMPTY_RESULT
from dashboard.locales import Locale
from dashboard.safe_text import plain
from dashboard.views.kpi import series_cards
from dashboard.views.reach import totals_headline, totals_source_line, view_totals
from etl.store.table import Table

PRESENT_PARAM = "present"
SLIDE_PARAM = "slide"
PAGE_FILE = Path(__file__).parent / "app_pages" / "present.py"
# Sized for 1920×1080: headline, a 740 px chart, the source line and the controls fit on one
# screen; a laptop's 1366×768 scrolls a little, no more.
PRESENT_HEIGHT = 740
# Meeting-room type in CSS pixels at 1920×1080: value labels read from the back of the room
# (≥ 24 px), ticks, legend and axis titles a step smaller, series headings between.
PRESENT_LABEL = 26
PRESENT_FONT = 22
# Horizontal bars grow the chart rather than shrink their 26 px labels: pixels per row.
PRESENT_ROW = 48
# The keys a presentation clicker sends; each has its own button (a button takes one shortcut).
NEXT_KEYS = ("Right", "PageDown")
PREV_KEYS = ("Left", "PageUp")
# Fixed style (no user input): hide the sidebar, header and toolbar; large type; the clicker's
# second pair of buttons (PageUp/PageDown) kept small and quiet beside the main ones; Streamlit's
# own key badges (PageUp, "Shortcut ←") hidden, since they speak English on every page: the
# quiet buttons' labels name the keys in the page's language.
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {
  display: none !important;
}
.block-container { padding-top: 1.5rem !important; max-width: 100% !important; }
[data-testid="stHeading"] h1 { font-size: 2.9rem !important; line-height: 1.25; }
[data-testid="stCaptionContainer"] p { font-size: 1.15rem !important; }
.st-key-present_screen .cd-cards {
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 30rem), 1fr)); }
.st-key-present_screen .cd-value { font-size: 3.4rem !important; }
.st-key-present_screen .cd-label { font-size: 1.5rem !important; }
.st-key-present_screen .cd-delta { font-size: 1.4rem !important; }
.st-key-present_screen .cd-period,
.st-key-present_screen .cd-note { font-size: 1.15rem !important; }
.st-key-present_big [data-testid="stMetricValue"] { font-size: 7rem !important; }
.st-key-present_big [data-testid="stMetricLabel"] p { font-size: 2rem !important; }
.st-key-present_big [data-testid="stMetricDelta"] { font-size: 2rem !important; }
.st-key-present_big p { font-size: 1.5rem !important; }
.st-key-present_key_PageUp, .st-key-present_key_PageDown { opacity: 0.45; }
.st-key-present_controls kbd { display: none; }
</style>
"""
# Growth bars name their period in a small span inside the category label; enlarged here.
_SMALL_SPAN = re.compile(r"font-size:\s*\d+px")


@dataclass(frozen=True)
class Screen:
    """One screen of the presentation: the cards, a chart, or a single figure."""

    kind: str  # "cards" | "chart" | "figure"
    title: str
    spec: ChartSpec | None = None


def is_presenting(params: Mapping[str, str], url: str | None = None) -> bool:
    """Return whether the URL asks for present mode: ?present=1 on any page, or /present."""
    return params.get(PRESENT_PARAM) == "1" or by_path(url)


def by_path(url: str | None) -> bool:
    """Return whether the browser's address is the 演示 page's own path (/present)."""
    return bool(url) and urlsplit(str(url)).path.rstrip("/").endswith(f"/{page_paths.PRESENT}")


def keep_params(params: Mapping[str, str]) -> dict[str, str]:
    """Return the present-mode parameters the entry script keeps when it rewrites the URL."""
    if not is_presenting(params) and SLIDE_PARAM not in params:
        return {}
    return {k: params[k] for k in (PRESENT_PARAM, SLIDE_PARAM) if k in params}


def begin(params: Mapping[str, str], url: str | None = None) -> bool:
    """Return whether present mode is on; when it is, collapse and hide the sidebar and chrome."""
    if not is_presenting(params, url):
        return False
    st.set_page_config(initial_sidebar_state="collapsed")
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    return True


def nav_page(locale: Locale, *, default: bool = False) -> st.Page:
    """Return the 演示 Present page for st.navigation."""
    return st.Page(
        PAGE_FILE,
        title=locale.t("page_present"),
        icon=":material/slideshow:",
        url_path=page_paths.PRESENT,
        default=default,
    )


def present_specs(table: Table, filters: Filters, locale: Locale) -> list[ChartSpec]:
    """Return every page's charts once each, in page order (as the deck has them)."""
    return data.every_chart(table, filters, locale)


def present_screens(
    specs: list[ChartSpec], locale: Locale, *, cards: bool, reach: str | None = None
) -> list[Screen]:
    """Return the screens: the headline cards first (when there are any), then one per chart,
    the Reach page's map (titled `reach`, its stated totals) before the reach charts, as the
    page opens with it and the deck has its table there.

    A chart of a single point becomes a big-figure screen: one dot on an axis says less than
    the number itself.
    """
    screens = [Screen("cards", locale.t("present_cards_title"))] if cards else []
    for spec in specs:
        if reach is not None and spec.page == "reach":
            screens.append(Screen("map", reach))
            reach = None
        kind = "chart" if len(spec.point_records) > 1 else "figure"
        screens.append(Screen(kind, spec.headline or spec.title, spec))
    return screens


def present_chart(figure: go.Figure) -> go.Figure:
    """Return a copy of the figure in meeting-room type (labels ≥ 24 px) and screen height."""
    out = go.Figure(figure)
    height = PRESENT_HEIGHT
    y_range = out.layout.yaxis.range
    if out.layout.yaxis.tickvals is not None and y_range is not None:
        # Horizontal bars by row (flow charts): give each row room for its large label.
        height = max(PRESENT_HEIGHT, 120 + PRESENT_ROW * round(abs(y_range[0] - y_range[1])))
    out.update_layout(
        height=height,
        font={"size": PRESENT_FONT},
        legend={"font": {"size": PRESENT_FONT}},
        uniformtext={"mode": None},
    )
    out.update_xaxes(title_font={"size": PRESENT_FONT}, tickfont={"size": PRESENT_FONT})
    out.update_yaxes(title_font={"size": PRESENT_FONT}, tickfont={"size": PRESENT_FONT})
    # Never let plotly shrink a bar's label to the bar's thickness.
    out.update_traces(
        textfont={"size": PRESENT_LABEL}, constraintext="none", selector={"type": "bar"}
    )
    out.update_traces(textfont={"size": PRESENT_LABEL}, selector={"type": "scatter"})
    for trace in out.data:
        if trace.type == "bar" and trace.y is not None:
            trace.y = [
                _SMALL_SPAN.sub(f"font-size:{PRESENT_FONT - 2}px", y) if isinstance(y, str) else y
                for y in trace.y
            ]
    out.update_annotations(font={"size": PRESENT_FONT})
    return out


def slide_index(params: Mapping[str, str], count: int) -> int:
    """Return the 0-based screen the URL asks for (?slide=3 is the third), kept in range."""
    try:
        wanted = int(params.get(SLIDE_PARAM, "1")) - 1
    except ValueError:
        wanted = 0
    return min(max(wanted, 0), max(count - 1, 0))


def _go(index: int) -> None:
    st.query_params[SLIDE_PARAM] = str(index + 1)


def _link(filters: Filters, locale: Locale, **extra: str) -> str:
    params = {**to_query_params(filters, locale), **extra}
    return "?" + "&".join(f"{k}={v}" for k, v in params.items())


def _big_figure(spec: ChartSpec, locale: Locale) -> None:
    """Show a chart's only point as one large number with its period, scope and source."""
    row = spec.point_records[0]
    yoy = row.get("yoy_pct")
    with st.container(key="present_big"):
        st.metric(
            plain(spec.title),
            locale.value(
                float(row["value"]), str(row["metric"]), qualifier=row.get("qualifier") or ""
            ),
            delta=locale.yoy(yoy) if yoy is not None else None,
            delta_description=locale.t("yoy") if yoy is not None else None,
        )
        st.markdown(f"**{plain(row['period_label'])}**")
        st.text(
            locale.figure_label(
                str(row["scope"]), row.get("series"), metric=row["metric"], region=row.get("region")
            )
        )


def _screen(screen: Screen, table: Table, filters: Filters, locale: Locale) -> None:
    st.title(plain(screen.title), anchor=False)
    with st.container(key="present_screen"):
        if screen.kind == "cards":
            ui.as_of_line(data.latest_period(table, filters), locale)
            ui.series_card_row(series_cards(data.briefing(table, filters, locale), locale), locale)
            return
        if screen.kind == "map":
            _map(table, filters, locale)
            return
        spec = screen.spec
        assert spec is not None  # chart and figure screens carry their spec
        if screen.kind == "figure":
            _big_figure(spec, locale)
        else:
            st.plotly_chart(
                present_chart(spec.chart),
                theme=None,
                alt=spec.alt,
                config={"displaylogo": False, "displayModeBar": False, "responsive": True},
                key=f"present_chart_{spec.id}",
            )
        if spec.growth:
            # The series' growth over its span, as under the page's chart and on the deck's slide.
            st.markdown(f"**{locale.t('span_growth')}** {plain(spec.growth)}")
        st.caption(plain(spec.source_line))
        if spec.note:
            # What a bound's mark means and which years have no report, as under the page's chart.
            st.caption(plain(spec.note))


def _map(table: Table, filters: Filters, locale: Locale) -> None:
    """Show the sea lanes from the Beibu Gulf (the Reach page's map) at the wall's size."""
    lanes = lanes_chart(locale, data.publishers(table, locale))
    st.plotly_chart(
        present_chart(lanes),
        theme=None,
        alt=locale.t("map_lanes") + locale.t("sep") + locale.t("map_regions_note"),
        config={"displaylogo": False, "displayModeBar": False, "responsive": True},
        key="present_map",
    )
    totals = view_totals(data.view(table, filters, locale))
    st.caption(plain(totals_source_line(totals, locale)))
    st.caption(locale.t("map_regions_note"))


def _controls(
    screens: list[Screen], i: int, filters: Filters, locale: Locale, *, fullscreen: bool
) -> None:
    last = len(screens) - 1
    with st.container(horizontal=True, vertical_alignment="center", key="present_controls"):
        st.button(
            locale.t("present_prev"),
            icon=":material/arrow_back:",
            disabled=i == 0,
            on_click=_go,
            args=(i - 1,),
            shortcut=PREV_KEYS[0],
            key="present_prev",
        )
        st.markdown(f"**{i + 1} / {len(screens)}** · {plain(screens[i].title)}")
        st.button(
            locale.t("present_next"),
            icon=":material/arrow_forward:",
            disabled=i == last,
            on_click=_go,
            args=(i + 1,),
            shortcut=NEXT_KEYS[0],
            key="present_next",
        )
        # The clicker's other pair of keys: quiet buttons that do the same.
        for shortcut, step, icon in (
            (PREV_KEYS[1], -1, ":material/keyboard_double_arrow_left:"),
            (NEXT_KEYS[1], 1, ":material/keyboard_double_arrow_right:"),
        ):
            st.button(
                locale.t("present_key_prev" if step < 0 else "present_key_next"),
                icon=icon,
                type="tertiary",
                disabled=not 0 <= i + step <= last,
                on_click=_go,
                args=(i + step,),
                shortcut=shortcut,
                key=f"present_key_{shortcut}",
            )
        if fullscreen:
            st.markdown(f"[{locale.t('present_leave')}](./{_link(filters, locale)})")
        else:
            link = _link(filters, locale, present="1", slide=str(i + 1))
            st.markdown(f"[{locale.t('present_full')}]({link})")


def render_present(table: Table, filters: Filters, locale: Locale, *, fullscreen: bool) -> None:
    """Show the headline cards, then one chart per screen, with previous/next controls."""
    if table.observations.empty or not len(data.selection(table, filters)):
        st.info(EMPTY_RESULT, icon=":material/filter_alt_off:")
        return
    specs = present_specs(table, filters, locale)
    cards = bool(series_cards(data.briefing(table, filters, locale), locale))
    totals = view_totals(data.view(table, filters, locale))
    reach = totals_headline(totals, locale) if totals else None
    screens = present_screens(specs, locale, cards=cards, reach=reach)
    if not screens:
        st.info(EMPTY_RESULT, icon=":material/filter_alt_off:")
        return
    i = slide_index(st.query_params, len(screens))
    _screen(screens[i], table, filters, locale)
    _controls(screens, i, filters, locale, fullscreen=fullscreen)
