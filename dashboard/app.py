"""Entry point: page setup, filters in the sidebar (kept in the URL), navigation."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import data, downloads, page_paths, presenting, ui, upload_guard
from dashboard.filters import (
    NO_ROUTE,
    Filters,
    parse_query_params,
    to_query_params,
)
from dashboard.i18n import (
    DEFAULT_LANG,
    LANG_NAMES,
    LANGS,
    both,
    pair,
)
from dashboard.locales import LOCALES, Locale, locale_for
from dashboard.safe_text import plain
from etl.contract.vocabulary import load_metrics
from etl.store.table import Table

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
present = presenting.begin(st.query_params, st.context.url)


def _table() -> Table:
    """Return the stored table, under a spinner only while it is being loaded."""
    loaded = data.loaded_table()
    if loaded is not None:
        return loaded
    with st.spinner(both("loading")):
        return data.current_table()


table = _table()
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
    st.session_state["f_lang"] = parsed.locale.lang
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
    # The charts a link opens on its page (dashboard/ui.py), read by the first page of rows shown.
    st.session_state[ui.CHART_URL] = st.query_params.get(downloads.CHART_PARAM)


def _reset() -> None:
    lang_code = st.session_state.get("f_lang", DEFAULT_LANG)
    for key in KEYS:
        st.session_state.pop(key, None)
    st.session_state.pop("_period_init", None)
    st.session_state["f_lang"] = lang_code
    st.session_state["_messages"] = ()


if "_initialised" not in st.session_state:
    _init_from_url()
    st.session_state["_initialised"] = True

# The language is read beside the filters, never inside them: it changes words, not figures.
locale = locale_for(st.session_state.get("f_lang") or DEFAULT_LANG)


def _keys_from_words() -> None:
    """Turn filter choices a browser sent back in another language's words into their keys.

    A browser sends a choice back in the words it was shown, and the filters' popover keeps its
    widgets unmounted, so after a language switch it goes on sending the old words (choose a
    metric, switch language, open another page: the page failed; bench/bench_room.py found it).
    """
    labels: dict[str, tuple[tuple[str, ...], Callable[[Locale, str], str]]] = {
        "f_region": (offered.regions, lambda loc, k: loc.region(k)),
        "f_route": (offered.routes, lambda loc, k: loc.route("" if k == NO_ROUTE else k)),
        "f_metric": (offered.metrics, lambda loc, k: loc.metric(k)),
        "f_source": (source_ids, lambda loc, k: str(data.publishers(table, loc).get(k, k))),
        "f_basis": (("all", "reported", "derived"), lambda loc, k: loc.t(k)),
    }
    for key, (options, label) in labels.items():
        chosen = st.session_state.get(key)
        values = [chosen] if isinstance(chosen, str) else list(chosen or [])
        if all(v in options for v in values):
            continue
        words = {label(loc, k): k for loc in LOCALES.values() for k in options}
        keys = [v if v in options else words.get(v, v) for v in values]
        st.session_state[key] = keys[0] if isinstance(chosen, str) else keys


_keys_from_words()
present_regions = sorted(set(offered.regions) | set(st.session_state.get("f_region", [])))
present_routes = sorted(set(offered.routes) | set(st.session_state.get("f_route", [])))
metric_order = list(load_metrics())
present_metrics = sorted(
    set(offered.metrics) | set(st.session_state.get("f_metric", [])),
    key=metric_order.index,
)
publishers = data.publishers(table, locale)


# How each multi-choice filter shows its keys: in its select box and in the summary beside it.
CHOICE_LABELS: dict[str, Callable[[str], str]] = {
    "f_region": lambda k: locale.region(k),
    "f_route": lambda k: locale.route("" if k == NO_ROUTE else k),
    "f_metric": lambda k: locale.metric(k),
    "f_source": lambda k: str(publishers.get(k, k)),
}


def _chosen_summary() -> list[str]:
    """Return one line per filter in use, in the filters' order: its name and what is chosen
    (the period only when narrower than the data's span, the kind of figure only when one)."""
    sep = locale.t("list_sep")
    lines = []
    period = st.session_state.get("f_period") or st.session_state.get("_period_init")
    if months and period and tuple(period) != (months[0], months[-1]):
        span = locale.t(
            "period_chosen",
            start=locale.month_key_label(period[0]),
            end=locale.month_key_label(period[1]),
        )
        lines.append(locale.t("period") + locale.t("sep") + span)
    lines += [
        locale.t(key[2:]) + locale.t("sep") + sep.join(str(fmt(v)) for v in values)
        for key, fmt in CHOICE_LABELS.items()
        if (values := st.session_state.get(key))
    ]
    basis = st.session_state.get("f_basis")
    if basis in ("reported", "derived"):
        lines.append(locale.t("basis") + locale.t("sep") + locale.t(basis))
    if st.session_state.get("f_related"):
        lines.append(locale.t("related_shown"))
    return lines


def _period_slider() -> None:
    """Show the period slider in the page's words, at the period chosen."""
    st.select_slider(
        locale.t("period"),
        options=months,
        key="f_period",
        # New words (a language switch) are new options to the browser, which then draws the
        # slider at its default: the default is the period chosen, never the whole span while
        # the filter keeps a shorter one.
        value=st.session_state.get("f_period")
        or st.session_state.get("_period_init")
        or (months[0], months[-1]),
        format_func=lambda m: locale.month_key_label(m),
    )


def _sidebar() -> None:
    """Show the language switch and the filters; their values are read above from state."""
    with st.sidebar:
        st.segmented_control(
            locale.t("language"),
            LANGS,
            key="f_lang",
            format_func=LANG_NAMES.__getitem__,
            required=True,
        )
        # Every filter opens from one button: a popover mounts its widgets when opened, so a
        # page's first load draws none of them (the sidebar's widgets were most of what a page
        # took over a bare one-chart page: bench/README.md, stop 31). What is chosen stays in
        # view under the button, and the button counts it.
        chosen = _chosen_summary()
        label = locale.t("filters") + (locale.t("active_count", n=len(chosen)) if chosen else "")
        with st.popover(
            label, icon=":material/tune:", width="stretch", help=locale.t("more_filters_help")
        ):
            if len(months) > 1:
                _period_slider()
            st.multiselect(
                locale.t("region"),
                present_regions,
                key="f_region",
                format_func=CHOICE_LABELS["f_region"],
                placeholder=locale.t("all"),
            )
            st.multiselect(
                locale.t("route"),
                present_routes,
                key="f_route",
                format_func=CHOICE_LABELS["f_route"],
                placeholder=locale.t("all"),
            )
            st.multiselect(
                locale.t("metric"),
                present_metrics,
                key="f_metric",
                format_func=CHOICE_LABELS["f_metric"],
                placeholder=locale.t("all"),
            )
            st.multiselect(
                locale.t("source"),
                list(source_ids),
                key="f_source",
                format_func=CHOICE_LABELS["f_source"],
                placeholder=locale.t("all"),
            )
            st.segmented_control(
                locale.t("basis"),
                ("all", "reported", "derived"),
                key="f_basis",
                format_func=lambda k: locale.t(k),
                required=True,
                help=locale.t("derived_long"),
            )
            # Other corridors' and wider totals' series (中欧班列 …) only when asked for, each
            # in a chart of its own titled 相关通道.
            st.toggle(locale.t("related"), key="f_related", help=locale.t("related_help"))
            st.button(
                locale.t("reset"), on_click=_reset, icon=":material/filter_alt_off:", key="reset"
            )
        for line in chosen:
            st.caption(plain(line))


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
    related=bool(st.session_state.get("f_related", False)),
)
st.query_params.from_dict(
    {**to_query_params(filters, locale), **presenting.keep_params(st.query_params)}
)
st.session_state["_table"] = table
st.session_state["_filters"] = filters
st.session_state["_locale"] = locale

# The reader's pages (dashboard/page_paths.py); the overview is the default, at the root.
pages = [
    st.Page(
        f"app_pages/{name}.py",
        title=locale.t(f"page_{key}"),
        icon=icon,
        url_path=key,
        default=name == page_paths.DEFAULT_PAGE,
        help=locale.t(f"help_{key}"),
    )
    for name, key, icon in page_paths.READER_PAGES
]
pages.append(
    st.Page(
        "app_pages/upload.py",
        title=locale.t("page_upload"),
        icon=":material/upload:",
        url_path=page_paths.UPLOAD,
    )
)
pages.append(presenting.nav_page(locale))
page = st.navigation(
    # /present is the 演示 page itself (every page is kept so its path resolves); ?present=1
    # makes it the only, default page.
    [presenting.nav_page(locale, default=True)]
    if present and not presenting.by_path(st.context.url)
    else pages,
    position="hidden" if present else "top",
)
if not present:
    st.header(locale.t("app_title"), anchor=False)
    st.caption(locale.t("app_caption"))
for message in st.session_state.get("_messages", ()):
    st.warning(plain(message), icon=":material/info:")
if not present:
    st.subheader(page.title, anchor=False)
st.session_state["_page_path"] = page.url_path
page.run()
_sidebar()
downloads.deck_download(table, filters, locale)
