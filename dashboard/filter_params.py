"""The dashboard's URL filter parameters as the command line names them: plain values, no pandas.

`corridor deck` and `corridor export` take the same filters as options; the command line lists
them on every start, so they live apart from the filtering itself (dashboard/filters.py), which
imports pandas.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FilterParam:
    """One filter's URL parameter: its name, the shape of its value and what it selects."""

    name: str
    metavar: str
    meaning: str
    switch: bool = False  # on when given (related=1), else a value


# What each filter parameter means, once: `corridor deck` takes the same filters as options.
FILTER_PARAMS = (
    FilterParam("from", "YYYY-MM", "起始月份 / first month, e.g. 2024-01"),
    FilterParam("to", "YYYY-MM", "截止月份 / last month, e.g. 2024-07"),
    FilterParam("region", "R", "地区，逗号分隔 / region key(s), comma-separated"),
    FilterParam("route", "R", "线路，逗号分隔（none 为未指明）/ route key(s); none = no route"),
    FilterParam("metric", "M", "指标，逗号分隔 / metric key(s), comma-separated"),
    FilterParam("basis", "B", "reported 或 derived / reported or derived"),
    FilterParam("source", "S", "来源编号，逗号分隔 / source id(s), comma-separated"),
    FilterParam(
        "related",
        "",
        "加入相关通道（中欧班列、中老铁路等，单独成图）/ add related corridors "
        "(China–Europe rail, China–Laos railway …) in charts of their own",
        switch=True,
    ),
)
