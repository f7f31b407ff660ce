"""The dashboard's own words in Chinese and English, and the labels of vocabulary keys."""

from __future__ import annotations

from etl.contract.vocabulary import load_metrics, load_regions, load_routes

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

TEXT: dict[str, tuple[str, str]] = {
    "app_title": ("西部陆海新通道数据看板", "Western Land-Sea New Corridor dashboard"),
    "app_caption": (
        "新闻报道中的通道数据：班列、箱量、运费扣减、农产品出口与通达范围",
        "The corridor's figures as reported in the news: trains, containers, "
        "freight deductions, agricultural exports and reach",
    ),
    "page_overview": ("总览", "Overview"),
    "page_trains": ("班列与箱量", "Trains and TEU"),
    "page_freight": ("运费扣减", "Freight deductions"),
    "page_agri": ("农产品出口", "Agricultural exports"),
    "page_reach": ("通道通达", "Reach"),
    "page_data": ("数据与来源", "Data and sources"),
    "help_overview": (
        "最新的核心指标及其同比变化。",
        "The latest headline figures and their year-on-year change.",
    ),
    "help_trains": (
        "班列开行、集装箱运量、货值与贸易额。",
        "Train runs, containers, cargo and trade.",
    ),
    "help_freight": ("运费扣减金额与惠及企业。", "Freight deducted and the firms that benefited."),
    "help_agri": ("经通道出口的农产品。", "Agricultural exports along the corridor."),
    "help_reach": ("通达港口、国家和货物品类。", "Ports, countries and cargo categories reached."),
    "help_data": (
        "筛选后的数据表、原文与来源、指标说明和下载。",
        "The filtered table with quotes and sources, the metric dictionary, downloads.",
    ),
    "filters": ("筛选", "Filters"),
    "language": ("语言", "Language"),
    "period": ("时间范围", "Period"),
    "region": ("地区", "Region"),
    "route": ("线路", "Route"),
    "metric": ("指标", "Metric"),
    "basis": ("数值类型", "Kind of figure"),
    "source": ("来源", "Source"),
    "all": ("全部", "All"),
    "no_route": ("未指明线路", "No route stated"),
    "reported": ("报道值", "Reported"),
    "derived": ("推算值", "Derived"),
    "derived_long": (
        "推算值：由报道的同比增速倒推的上年同期值，并非原文数字",
        "derived: the prior-year value computed from the reported growth rate, "
        "not a reported figure",
    ),
    "derived_legend": ("推算值（由同比增速倒推）", "Derived (from the growth rate)"),
    "cumulative": ("累计", "cumulative"),
    "reset": ("清除筛选", "Clear filters"),
    "data_as_of": ("数据截至", "Data as of"),
    "data_changed": ("数据更新于", "data last changed"),
    "source_line": ("来源", "Source"),
    "yoy": ("同比", "year on year"),
    "no_yoy": ("未报道同比", "no yoy reported"),
    "scope": ("口径", "Scope"),
    "also_reported_by": ("亦见于", "Also reported by"),
    "figures_shown": ("条数据", "figures"),
    "table": ("数据表", "Table"),
    "dictionary": ("指标说明", "Metric dictionary"),
    "downloads": ("下载筛选后的数据", "Download the filtered data"),
    "download_csv": ("下载 CSV", "Download CSV"),
    "download_xlsx": ("下载 Excel (XLSX)", "Download Excel (XLSX)"),
    "loading": ("正在载入数据……", "Loading the data…"),
    "drawing": ("正在绘制图表……", "Drawing the charts…"),
    "firms_for": ("惠及企业", "firms benefiting"),
    "chart_empty_hint": (
        "此页的指标在当前筛选条件下没有数据。",
        "None of this page's metrics have figures under the current filters.",
    ),
}

# Messages that must be understood whatever the language switch says: both languages at once.
EMPTY_RESULT = (
    "当前筛选条件下没有数据。请放宽时间范围或清除部分筛选条件。"
    " / No figures match these filters. Widen the period or clear some filters."
)
NO_DATA = (
    "数据目录中还没有数据表。运行 `corridor build` 生成数据后刷新本页。"
    " / The data directory holds no tables yet. Run `corridor build`, then reload this page."
)


def t(key: str, lang: str) -> str:
    """Return the dashboard's text for key in 'zh' or 'en'."""
    zh, en = TEXT[key]
    return zh if lang == "zh" else en


def metric_label(metric: str, lang: str) -> str:
    """Return a metric's label, or the key itself when the vocabulary lacks it."""
    m = load_metrics().get(metric)
    return m.label(lang) if m else metric


def region_label(region: str, lang: str) -> str:
    """Return a region's label, or the key itself."""
    for place in load_regions():
        if place.key == region:
            return place.label(lang)
    return region


def route_label(route: str, lang: str) -> str:
    """Return a route's label; the empty route reads 'no route stated'."""
    if not route:
        return t("no_route", lang)
    for place in load_routes():
        if place.key == route:
            return place.label(lang)
    return route


def basis_label(basis: str, lang: str) -> str:
    """Return 'reported' or 'derived' in words."""
    return t(basis, lang) if basis in ("reported", "derived") else basis
