"""Entry point: page setup, filters in the sidebar (kept in the URL), navigation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, downloads, presenting, upload_guard
from dashboard.filters import (
    NO_ROUTE,
    Filters,
    parse_query_params,
    to_query_params,
)
from dashboard.format import month_key_label
from dashboard.i18n import (
    DEFAULT_LANG,
    LANG_NAMES,
    LANGS,
    both,
    metric_label,
    pair,
    region_label,
    route_label,
    t,
)
from dashboard.safe_text import plain
from etl.contract.vocabulary import load_metrics

# A local file: a :material/...: icon makes Streamlit point the favicon at an external font
# host, which every reader's browser would then contact (with the page as Referer).
FAVICON = Path(__file__).resolve().parent / "assets" / "favicon.png"

# The tables' own "Download as CSV" (and copy) would write stored text raw, formula signs and
# all; the app's own downloads disarm it, so the built-in export is switched off here, where it
# holds however the app is started (config.toml sets it too).
st.set_option("client.disableDataExport", True)
# Only signed-in analysts' sessions may hold uploaded bytes (dashboard/upload_guard.py).
upload_guard.guard_runtime()

st.set_page_config(
    page_title=" · ".join(pair("tab_title")),
    page_icon=str(FAVICON),
    layout="wide",
)
present = presenting.begin(st.query_params)

with st.spinner(both("loading")):
    table = data.current_table()
obs = table.observations
offered = data.sidebar_choices(table)
months = list(offered.months)
source_ids = offered.source_ids
choices = offered.choices

KEYS = ("f_lang", "f_period", "f_region", "f_route", "f_metric", "f_basis", "f_source", "f_related")


def _clamp(month: str, *, end: bool) -> str:
    if month in months:
        return month
    inside = [m for m in months if (m <= month if end else m >= month)]
    if inside:
        return inside[-1] if end else inside[0]
    return months[0] if end else months[-1]


def _init_from_url() -> None:
    parsed = parse_query_params(st.query_params.to_dict(), choices)
    f = parsed.filters
    st.session_state["_messages"] = tuple(p.notice() for p in parsed.problems)
    st.session_state["f_lang"] = f.lang
    if months:
        lo = _clamp(f.start.strftime("%Y-%m"), end=False) if f.start is not None else months[0]
        hi = _clamp(f.end.strftime("%Y-%m"), end=True) if f.end is not None else months[-1]
        st.session_state["_period_init"] = (min(lo, hi), max(lo, hi))
    st.session_state["f_region"] = list(f.regions)
    st.session_state["f_route"] = list(f.routes)
    st.session_state["f_metric"] = list(f.metrics)
    st.session_state["f_basis"] = f.bases[0] if len(f.bases) == 1 else "all"
    st.session_state["f_source"] = list(f.sources)
    st.session_state["f_related"] = f.related


def _reset() -> None:
    lang = st.session_state.get("f_lang", DEFAULT_LANG)
    for key in KEYS:
        st.session_state.pop(key, None)
    st.session_state.pop("_period_init", None)
    st.session_state["f_lang"] = lang
    st.session_state["_messages"] = ()


if "_initialised" not in st.session_state:
    _init_from_url()
    st.session_state["_initialised"] = True

lang = st.session_state.get("f_lang") or DEFAULT_LANG
present_regions = sorted(set(offered.regions) | set(st.session_state.get("f_region", [])))
present_routes = sorted(set(offered.routes) | set(st.session_state.get("f_route", [])))
metric_order = list(load_metrics())
present_metrics = sorted(
    set(offered.metrics) | set(st.session_state.get("f_metric", [])),
    key=metric_order.index,
)
publishers = data.publishers(table, lang)


# How each multi-choice filter shows its keys: in its select box and in the summary beside it.
CHOICE_LABELS: dict[str, Callable[[str], str]] = {
    "f_region": lambda k: region_label(k, lang),
    "f_route": lambda k: route_label("" if k == NO_ROUTE else k, lang),
    "f_metric": lambda k: metric_label(k, lang),
    "f_source": lambda k: str(publishers.get(k, k)),
}


def _chosen_summary() -> list[str]:
    """Return one line per multi-choice filter in use: its name and the chosen values."""
    sep = t("list_sep", lang)
    return [
        t(key[2:], lang) + t("sep", lang) + sep.join(str(fmt(v)) for v in values)
        for key, fmt in CHOICE_LABELS.items()
        if (values := st.session_state.get(key))
    ]


def _sidebar() -> None:
    """Show the language switch and the filters; their values are read above from state."""
    with st.sidebar:
        st.segmented_control(
            t("language", lang),
            LANGS,
            key="f_lang",
            format_func=LANG_NAMES.__getitem__,
            required=True,
        )
        st.markdown(f"**{t('filters', lang)}**")
        if len(months) > 1:
            st.select_slider(
                t("period", lang),
                options=months,
                key="f_period",
                value=st.session_state.get("_period_init") or (months[0], months[-1]),
                format_func=lambda m: month_key_label(m, lang),
            )
        # Region, route, metric and source open from one button: a popover mounts its widgets
        # when opened, so a page's first load does not wait for four select boxes to be drawn.
        # What is chosen stays in view below the button.
        chosen = _chosen_summary()
        label = t("more_filters", lang) + (t("active_count", lang, n=len(chosen)) if chosen else "")
        with st.popover(
            label, icon=":material/tune:", width="stretch", help=t("more_filters_help", lang)
        ):
            st.multiselect(
                t("region", lang),
                present_regions,
                key="f_region",
                format_func=CHOICE_LABELS["f_region"],
                placeholder=t("all", lang),
            )
            st.multiselect(
                t("route", lang),
                present_routes,
                key="f_route",
                format_func=CHOICE_LABELS["f_route"],
                placeholder=t("all", lang),
            )
            st.multiselect(
                t("metric", lang),
                present_metrics,
                key="f_metric",
                format_func=CHOICE_LABELS["f_metric"],
                placeholder=t("all", lang),
            )
            st.multiselect(
                t("source", lang),
                list(source_ids),
                key="f_source",
                format_func=CHOICE_LABELS["f_source"],
                placeholder=t("all", lang),
            )
        for line in chosen:
            st.caption(plain(line))
        st.segmented_control(
            t("basis", lang),
            ("all", "reported", "derived"),
            key="f_basis",
            format_func=lambda k: t(k, lang),
            required=True,
            help=t("derived_long", lang),
        )
        # Other corridors' and wider totals' series (中欧班列 …) only when asked for, each in a
        # chart of its own titled 相关通道.
        st.toggle(t("related", lang), key="f_related", help=t("related_help", lang))
        st.button(t("reset", lang), on_click=_reset, icon=":material/filter_alt_off:", key="reset")


# The filters come from the widgets' state (or the URL on a first run); the widgets themselves
# are drawn after the page, so the page's charts reach the browser first.
period = st.session_state.get("f_period") or st.session_state.get("_period_init")
basis = st.session_state.get("f_basis") or "all"
start = None if not period or period[0] == months[0] else pd.Timestamp(f"{period[0]}-01")
end = (
    None
    if not period or period[1] == months[-1]
    else pd.Timestamp(f"{period[1]}-01") + pd.offsets.MonthEnd(0)
)
filters = Filters(
    start=start,
    end=end,
    regions=tuple(st.session_state.get("f_region", [])),
    routes=tuple(st.session_state.get("f_route", [])),
    metrics=tuple(st.session_state.get("f_metric", [])),
    bases=() if basis == "all" else (basis,),
    sources=tuple(st.session_state.get("f_source", [])),
    lang=lang,
    related=bool(st.session_state.get("f_related", False)),
)
st.query_params.from_dict({**to_query_params(filters), **presenting.keep_params(st.query_params)})
st.session_state["_table"] = table
st.session_state["_filters"] = filters

# The reader's pages: (file in app_pages/, URL path and i18n key, icon); overview is the default.
READER_PAGES = (
    ("overview", "overview", ":material/dashboard:"),
    ("trains", "trains", ":material/train:"),
    ("freight", "freight", ":material/payments:"),
    ("agri", "agri", ":material/agriculture:"),
    ("reach", "reach", ":material/public:"),
    ("sources", "data", ":material/table:"),
)
pages = [
    st.Page(
        f"app_pages/{name}.py",
        title=t(f"page_{key}", lang),
        icon=icon,
        url_path=key,
        default=name == "overview",
        help=t(f"help_{key}", lang),
    )
    for name, key, icon in READER_PAGES
]
pages.append(
    st.Page(
        "app_pages/upload.py",
        title=t("page_upload", lang),
        icon=":material/upload:",
        url_path="upload",
    )
)
pages.append(presenting.nav_page(lang))
page = st.navigation(
    [presenting.nav_page(lang, default=True)] if present else pages,
    position="hidden" if present else "top",
)
if not present:
    st.header(t("app_title", lang), anchor=False)
    st.caption(t("app_caption", lang))
for message in st.session_state.get("_messages", ()):
    st.warning(plain(message), icon=":material/info:")
if not present:
    st.subheader(page.title, anchor=False)
page.run()
_sidebar()
downloads.deck_download(table, filters)
