"""Present mode: one chart and its headline per screen, large type, for a meeting room."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from dashboard import data
from dashboard.charts.specs import ChartSpec
from dashboard.filters import Filters, to_query_params
from dashboard.i18n import EMPTY_RESULT, t
from dashboard.safe_text import plain
from etl.store.table import Table

PRESENT_PARAM = "present"
SLIDE_PARAM = "slide"
PAGE_FILE = Path(__file__).parent / "app_pages" / "present.py"
# Sized for 1920×1080: headline, a 740 px chart, the source line and the controls fit on one
# screen; a laptop's 1366×768 scrolls a little, no more.
PRESENT_HEIGHT = 740
PRESENT_FONT = 20
# Fixed style (no user input): hide the sidebar, header and toolbar; large type.
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"] {
  display: none !important;
}
.block-container { padding-top: 1.5rem !important; max-width: 100% !important; }
[data-testid="stHeading"] h1 { font-size: 2.9rem !important; line-height: 1.25; }
[data-testid="stCaptionContainer"] p { font-size: 1.15rem !important; }
</style>
"""


def is_presenting(params: Mapping[str, str]) -> bool:
    """Return whether the URL asks for present mode (?present=1)."""
    return params.get(PRESENT_PARAM) == "1"


def keep_params(params: Mapping[str, str]) -> dict[str, str]:
    """Return the present-mode parameters the entry script keeps when it rewrites the URL."""
    if not is_presenting(params) and SLIDE_PARAM not in params:
        return {}
    return {k: params[k] for k in (PRESENT_PARAM, SLIDE_PARAM) if k in params}


def begin(params: Mapping[str, str]) -> bool:
    """Return whether present mode is on; when it is, collapse and hide the sidebar and chrome."""
    if not is_presenting(params):
        return False
    st.set_page_config(initial_sidebar_state="collapsed")
    st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    return True


def nav_page(lang: str, *, default: bool = False) -> st.Page:
    """Return the 演示 Present page for st.navigation."""
    return st.Page(
        PAGE_FILE,
        title=t("page_present", lang),
        icon=":material/slideshow:",
        url_path="present",
        default=default,
    )


def present_specs(table: Table, filters: Filters) -> list[ChartSpec]:
    """Return every page's charts once each, in page order (as the deck has them)."""
    return data.every_chart(table, filters)


def present_figure(figure: go.Figure) -> go.Figure:
    """Return a copy of the figure in large type and screen height."""
    out = go.Figure(figure)
    out.update_layout(
        height=PRESENT_HEIGHT,
        font={"size": PRESENT_FONT},
        legend={"font": {"size": PRESENT_FONT - 2}},
    )
    out.update_xaxes(title_font={"size": PRESENT_FONT}, tickfont={"size": PRESENT_FONT - 2})
    out.update_yaxes(title_font={"size": PRESENT_FONT}, tickfont={"size": PRESENT_FONT - 2})
    out.update_traces(textfont={"size": PRESENT_FONT - 2}, selector={"type": "bar"})
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


def _link(filters: Filters, **extra: str) -> str:
    params = {**to_query_params(filters), **extra}
    return "?" + "&".join(f"{k}={v}" for k, v in params.items())


def render_present(table: Table, filters: Filters, *, fullscreen: bool) -> None:
    """Show one chart per screen with its headline, source line and previous/next controls."""
    lang = filters.lang
    specs = present_specs(table, filters) if not table.observations.empty else []
    if not specs:
        st.info(EMPTY_RESULT, icon=":material/filter_alt_off:")
        return
    i = slide_index(st.query_params, len(specs))
    spec = specs[i]
    st.title(plain(spec.headline or spec.title), anchor=False)
    st.plotly_chart(
        present_figure(spec.figure),
        theme=None,
        alt=spec.alt,
        config={"displaylogo": False, "displayModeBar": False, "responsive": True},
        key=f"present_chart_{spec.id}",
    )
    st.caption(plain(spec.source_line))
    with st.container(horizontal=True, vertical_alignment="center", key="present_controls"):
        st.button(
            t("present_prev", lang),
            icon=":material/arrow_back:",
            disabled=i == 0,
            on_click=_go,
            args=(i - 1,),
            key="present_prev",
        )
        st.markdown(f"**{i + 1} / {len(specs)}** · {plain(spec.title)}")
        st.button(
            t("present_next", lang),
            icon=":material/arrow_forward:",
            disabled=i == len(specs) - 1,
            on_click=_go,
            args=(i + 1,),
            key="present_next",
        )
        if fullscreen:
            st.markdown(f"[{t('present_leave', lang)}](./{_link(filters)})")
        else:
            link = _link(filters, present="1", slide=str(i + 1))
            st.markdown(f"[{t('present_full', lang)}]({link})")
