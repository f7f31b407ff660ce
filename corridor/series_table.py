"""`corridor series table`: each headline series year by year, as the shipped reports state it.

Generated from the stored table so docs/headline-series.md cannot drift from the data: per year
the preferred figure (an exact figure before a bound, then the series' counting body, then the
latest report), the others as 另据 / also reported, a year without a full-year report shown by its
latest year-to-date figure (never as a year), a year without any report as a gap.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from dashboard.format import format_number
from etl.contract.conflicts import preference_rank
from etl.contract.period_kinds import period_kinds
from etl.contract.qualifiers import qualify
from etl.contract.series import Series, load_series
from etl.contract.vocabulary import load_metrics

# What a figure counts, in a few words of our own (开行超1万列, 通达127个国家和地区).
VERBS = {
    "train_runs": "开行",
    "teu": "运输",
    "cargo_tonnes": "运送货物",
    "trade_value_cny": "进出口",
    "cargo_value_cny": "运输货值",
    "agri_export_value_cny": "出口农产品",
    "freight_deduction_cny": "扣减运费",
    "beneficiary_firms": "惠及企业",
    "ports_reached": "通达港口",
    "countries_reached": "通达国家和地区",
    "cargo_categories": "货物品类",
    "vehicles": "发车",
    "days_saved": "节省",
    "cost_saving_per_teu_cny": "每标箱节约",
}
FULL_YEAR = "year"
YEAR_TO_DATE = "ytd"
SNAPSHOT = "snapshot"
NOT_NAMED = "未注明 / not named"
WAN = 10_000
ROUND = 1_000
# Decimals enough for any reported figure in 万 or 亿 (505万, 1.0218万, 4138.2亿); zeros dropped.
DIGITS = 8


@dataclass(frozen=True)
class Point:
    """One figure of a headline year: what it says, for which period, who counted, who reported."""

    year: int
    kind: str  # year, ytd or snapshot
    value: float
    qualifier: str
    period_start: pd.Timestamp | None
    period_end: pd.Timestamp
    yoy: float | None
    body: str
    source_id: str
    publisher: str
    published: str
    url: str
    preferred: bool


def _day(stamp: pd.Timestamp) -> str:
    return f"{stamp.month}月{stamp.day}日"


def when_words(point: Point) -> str:
    """Return the period as a report would put it: 全年, 1—9月, 截至12月30日."""
    end = point.period_end
    if point.kind == FULL_YEAR:
        return "全年"
    if point.kind == SNAPSHOT:
        return f"截至{_day(end)}"
    if end.is_month_end:
        return f"{end.month}月" if end.month == 1 else f"1—{end.month}月"
    return f"截至{_day(end)}"


def number_words(value: float, metric: str) -> str:
    """Return a figure in 万/亿 with every reported digit kept: 3382标箱, 142.5万标箱, 10218列."""
    m = load_metrics()[metric]
    word, divisor = m.scale("zh")
    if divisor == 1 and abs(value) >= WAN and value % ROUND == 0:
        # A round count reads in 万 as reports put it (超1万列); 10218列 keeps its digits.
        word, divisor = "万", WAN
    if abs(value) < divisor:
        word, divisor = "", 1
    return f"{format_number(value / divisor, DIGITS).replace(',', '')}{word}{m.unit_zh}"


def stated(point: Point, metric: str) -> str:
    """Return the value as stated, with its qualifier: 超1万列, 约63.3万标箱."""
    return qualify(number_words(point.value, metric), point.qualifier, "zh")


def wording(point: Point, metric: str) -> str:
    """Return the report's statement in a few words of our own: 全年开行超1万列，同比增长5.1%."""
    text = f"{when_words(point)}{VERBS.get(metric, '')}{stated(point, metric)}"
    if point.yoy is not None:
        text += f"，同比{'增长' if point.yoy >= 0 else '下降'}{point.yoy:g}%"
    return text


def _period(point: Point) -> str:
    start = point.period_start
    end = point.period_end
    if start is None:
        return f"截至{end.date().isoformat()}"
    if point.kind == FULL_YEAR:
        return f"{start.year}年全年"
    return f"{start.date().isoformat()}—{end.date().isoformat()}"


def _body(series: Series, scope: str, quote: str) -> str:
    """Return the counting body a figure's scope or quote names among the series' own, else ''."""
    text = f"{scope} {quote}"
    for body in series.body.split(" / "):
        if body and body in text:
            return body
    for cue in series.prefer:
        if cue in text:
            return next((b for b in series.body.split(" / ") if cue in b), cue)
    return ""


def _points_of_year(
    rows: pd.DataFrame, sources: pd.DataFrame, series: Series, year: int, kind: str
) -> list[Point]:
    # Preferred first (conflicts.preference_rank), then the other distinct values in order.
    frame = rows.reset_index(drop=True)
    rank = preference_rank(frame, sources).to_numpy()
    order = sorted((r, i) for i, r in enumerate(rank) if r >= 0)
    info = sources.drop_duplicates("source_id").set_index("source_id")
    out = []
    for r, i in order:
        row = frame.iloc[i]
        sid = str(row["source_id"])
        src = info.loc[sid] if sid in info.index else None
        start = row["period_start"]
        yoy = row["yoy_pct"]
        out.append(
            Point(
                year=year,
                kind=kind,
                value=float(row["value"]),
                qualifier=str(row.get("qualifier") or ""),
                period_start=None if pd.isna(start) else pd.Timestamp(start),
                period_end=pd.Timestamp(row["period_end"]),
                yoy=None if pd.isna(yoy) else float(yoy),
                body=_body(series, str(row["scope"]), str(row["quote"])),
                source_id=sid,
                publisher="" if src is None else str(src["publisher"]),
                published=""
                if src is None or pd.isna(src["published"])
                else pd.Timestamp(src["published"]).date().isoformat(),
                url="" if src is None else str(src["url"]),
                preferred=r == 0,
            )
        )
    return out


def headline_years(
    observations: pd.DataFrame, sources: pd.DataFrame, series: Series
) -> dict[int, list[Point]]:
    """Return a headline series' years → its points, preferred first; a year with none: []."""
    rows = observations.loc[
        (observations["series"] == series.key) & (observations["basis"] == "reported")
    ]
    if not len(rows):
        return {}
    kinds = period_kinds(rows["period_start"], rows["period_end"], rows["metric"])
    rows = rows.assign(_kind=kinds.to_numpy(), _year=pd.to_datetime(rows["period_end"]).dt.year)
    snapshot = load_metrics()[series.metric].kind == "snapshot"
    usable = rows.loc[rows["_kind"].isin([SNAPSHOT] if snapshot else [FULL_YEAR, YEAR_TO_DATE])]
    years: dict[int, list[Point]] = {}
    if not len(usable):
        return years
    for year in range(int(usable["_year"].min()), int(usable["_year"].max()) + 1):
        mine = usable.loc[usable["_year"] == year]
        if snapshot or not (mine["_kind"] == FULL_YEAR).any():
            # The year's latest figure: a snapshot, or a year to date that is not the year.
            kind = SNAPSHOT if snapshot else YEAR_TO_DATE
            mine = mine.loc[mine["_kind"] == kind]
            mine = mine.loc[mine["period_end"] == mine["period_end"].max()]
        else:
            ytd = mine.loc[mine["_kind"] == YEAR_TO_DATE]
            mine = mine.loc[mine["_kind"] == FULL_YEAR]
            points = _points_of_year(mine, sources, series, year, FULL_YEAR)
            exact_ytd = ytd.loc[ytd["qualifier"].fillna("") == ""]
            if points[0].qualifier and len(exact_ytd):
                # 全年超1万列 beside 截至12月30日第10218列: the exact count to a day stays visible.
                latest = exact_ytd.loc[exact_ytd["period_end"] == exact_ytd["period_end"].max()]
                extra = _points_of_year(latest, sources, series, year, YEAR_TO_DATE)
                points += [replace(p, preferred=False) for p in extra]
            years[year] = points
            continue
        years[year] = _points_of_year(mine, sources, series, year, kind) if len(mine) else []
    return years


def _cell(text: str) -> str:
    # Report text in a Markdown table: a pipe or a line break would end the cell.
    return " ".join(str(text).replace("|", "｜").split())


def _source(point: Point) -> str:
    name = f"{point.publisher} {point.published}".strip()
    return f"[{_cell(name)}]({point.url})" if point.url.startswith("http") else _cell(name)


def render_series(observations: pd.DataFrame, sources: pd.DataFrame, series: Series) -> str:
    """Return one headline series' Markdown table."""
    metric = series.metric
    lines = [
        f"## {series.label_zh} / {series.label_en}",
        "",
        f"`{series.key}` · 统计口径 / counting body: {series.body}",
        "",
        "| 年份 Year | 数值（按报道）Value as stated | 期间 Period | 统计机构 Counting body "
        "| 来源 Source | 报道要点（本项目转述）Wording, our words |",
        "|---|---|---|---|---|---|",
    ]
    years = headline_years(observations, sources, series)
    if not years:
        held = (observations["series"] == series.key) & (observations["basis"] == "reported")
        lines.append(
            "| — | 只有其他期间的数字 / figures of other periods only | | | | |"
            if held.any()
            else "| — | 暂无报道 / no report yet | | | | |"
        )
    for year, points in years.items():
        if not points:
            lines.append(f"| {year} | 缺 / gap：无报道 no report | | | | |")
            continue
        for point in points:
            label = str(year) if point.preferred else "另据 also"
            value = stated(point, metric)
            if point.kind == YEAR_TO_DATE:
                value += "（年内，非全年 / year to date）"
            lines.append(
                f"| {label} | {_cell(value)} | {_period(point)} | {_cell(point.body or NOT_NAMED)} "
                f"| {_source(point)} | {_cell(wording(point, metric))} |"
            )
    return "\n".join(lines) + "\n"


HEADER = """# 主要系列逐年表 / Headline series, year by year

由 `corridor series table` 据发布数据生成，请勿手改 / generated from the shipped data by
`corridor series table`; do not edit by hand (tests/test_docs.py compares it with a fresh run).

- 数值按报道原样：超、近、约照录 / values as the reports state them, bounds kept.
- 同一年有多个报道：先取确切值，再取统计机构（系列口径）的数字，再取最新发布；其余列为
  “另据 / also” / several reports of a year: the exact figure first, then the counting body's,
  then the latest; the others follow as 另据 / also reported.
- 没有全年报道的年份只列当年最晚的年内累计数并注明“非全年”；快照类（通达港口、国家和地区、
  货物品类）取当年最晚的一次 / a year without a full-year report shows its latest year-to-date
  figure, marked as such; snapshots show the year's latest.
- 报道要点是本项目的转述，不是原文 / the wording column is ours, not the report's text.
"""


def render_headline_tables(observations: pd.DataFrame, sources: pd.DataFrame) -> str:
    """Return docs/headline-series.md: every headline series' table, in catalogue order."""
    parts = [HEADER]
    for series in load_series():
        if series.headline:
            parts.append(render_series(observations, sources, series))
    return "\n".join(parts)
