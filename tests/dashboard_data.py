"""A small, valid data directory for the dashboard's tests: the seed's figures and a few more."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from etl.contract.schema import OBSERVATION_COLUMNS, SOURCE_COLUMNS
from etl.contract.series import assign_series
from etl.contract.tables import parse_observations, parse_sources, write_observations, write_sources

SEED = "cqcustoms-20240911"
OLDER = "brief-older"
QUOTE = "今年1—7月，重庆海关监管西部陆海新通道班列816列，同比增长17.8%"

# metric, value, period_start, period_end, region, route, scope, yoy, basis, source, quote
# fmt: off
ROWS: list[tuple[str, str, str, str, str, str, str, str, str, str, str]] = [
    ("train_runs", "816", "2024-01-01", "2024-07-31", "chongqing", "rail_sea",
     "重庆海关监管西部陆海新通道班列", "17.8", "reported", SEED, QUOTE),
    ("train_runs", "692.7", "2023-01-01", "2023-07-31", "chongqing", "rail_sea",
     "重庆海关监管西部陆海新通道班列", "", "derived", SEED, "推算 derived: 816 ÷ (1 + 17.8%)"),
    ("train_runs", "816", "2024-01-01", "2024-07-31", "chongqing", "rail_sea",
     "重庆海关监管西部陆海新通道班列", "17.8", "reported", OLDER, "=HYPERLINK(\"x\") 816列"),
    ("train_runs", "3000", "", "2019-07-05", "chongqing", "china_europe_rail",
     "中欧班列(重庆)", "", "reported", OLDER, "中欧班列(重庆)累计开行超3000列"),
    ("teu", "15000", "2024-01-01", "2024-07-31", "chongqing", "rail_sea",
     "重庆海关监管西部陆海新通道班列", "40.7", "reported", SEED, "集装箱1.5万标箱，增长40.7%"),
    ("teu", "10661", "2023-01-01", "2023-07-31", "chongqing", "rail_sea",
     "重庆海关监管西部陆海新通道班列", "", "derived", SEED, "推算 derived: 15000 ÷ (1 + 40.7%)"),
    ("freight_deduction_cny", "20218400", "2023-10-01", "2024-07-31", "chongqing", "",
     "重庆海关", "", "reported", SEED, "累计扣减运费2021.84万元，惠及企业99家"),
    ("beneficiary_firms", "99", "2023-10-01", "2024-07-31", "chongqing", "",
     "重庆海关", "", "reported", SEED, "累计扣减运费2021.84万元，惠及企业99家"),
    ("agri_export_value_cny", "880000000", "2024-01-01", "2024-07-31", "chongqing", "",
     "重庆", "46.4", "reported", SEED, "出口农产品8.8亿元，同比增长46.4%"),
    ("agri_export_value_cny", "601092896.2", "2023-01-01", "2023-07-31", "chongqing", "",
     "重庆", "", "derived", SEED, "推算 derived: 880000000 ÷ (1 + 46.4%)"),
    ("ports_reached", "523", "", "2024-09-11", "corridor", "",
     "西部陆海新通道", "", "reported", SEED, "通达全球127个国家和地区的523个港口"),
    ("ports_reached", "180", "", "2019-07-05", "chongqing", "rail_sea",
     "陆海新通道国际铁海联运班列", "", "reported", OLDER, "通达全球76个国家和地区的180个港口"),
    ("cargo_categories", "1100", "", "2024-09-11", "corridor", "",
     "西部陆海新通道", "", "reported", SEED, "货物品类1100余种"),
]
# fmt: on
UNITS = {
    "train_runs": "trains",
    "teu": "TEU",
    "freight_deduction_cny": "CNY",
    "beneficiary_firms": "firms",
    "agri_export_value_cny": "CNY",
    "ports_reached": "ports",
    "cargo_categories": "categories",
}
SOURCES = [
    (SEED, "殷殷嘱托在心间 踔厉奋发谱新篇", "重庆海关", "2024-09-11", ""),
    (
        OLDER,
        "重庆陆海新通道班列实现天天开行",
        "经济日报-中国经济网",
        "2019-07-05",
        "http://district.ce.cn/zg/201907/05/t20190705_32539028.shtml",
    ),
]


def observations(rows: list[tuple[str, ...]] | None = None) -> pd.DataFrame:
    """Return the test figures (ROWS unless given) as a typed, validated observations frame."""
    # ROWS hold every contract column but the unit and the series, which the build decides, and
    # the qualifier, which may follow as a last item (exact when absent).
    columns = [c for c in OBSERVATION_COLUMNS if c not in ("unit", "series", "qualifier")]
    records = [
        {
            **dict(zip(columns, row[: len(columns)], strict=True)),
            "qualifier": "".join(row[len(columns) :]),
        }
        for row in (ROWS if rows is None else rows)
    ]
    raw = pd.DataFrame(records)
    raw["unit"] = raw["metric"].map(UNITS)
    raw["series"] = assign_series(raw)  # as the build assigns it
    return parse_observations(raw.loc[:, list(OBSERVATION_COLUMNS)], "<test>")


def sources() -> pd.DataFrame:
    """Return the test sources as a typed, validated sources frame."""
    raw = pd.DataFrame(
        [
            {
                "source_id": sid,
                "title": title,
                "publisher": publisher,
                "published": published,
                "published_inferred": "false",
                "url": url,
                "kind": "article",
                "file_name": "",
                "sha256": "",
                "added_by": "test",
                "added_at": "",
                "note": "",
            }
            for sid, title, publisher, published, url in SOURCES
        ]
    )
    return parse_sources(raw.loc[:, list(SOURCE_COLUMNS)], "<test>")


def write_data_dir(root: Path, rows: list[tuple[str, ...]] | None = None) -> Path:
    """Write the test figures (ROWS unless given) as a data directory under root; return root."""
    tidy = root / "tidy"
    tidy.mkdir(parents=True, exist_ok=True)
    write_observations(observations(rows), tidy / "observations.csv")
    write_sources(sources(), tidy / "sources.csv")
    return root


# The corridor's rail-sea trains over the years as the reports state them: exact years, a year
# with no report (2020), bounds (突破1万列, 超万列) and, for 2018, an earlier report's exact figure
# beside a later one's round bound of the same year. The qualifier is each row's last item.
BOUND_SCOPE = "西部陆海新通道铁海联运班列"
# fmt: off
BOUND_ROWS: list[tuple[str, ...]] = [
    ("train_runs", "1154", "2018-01-01", "2018-12-31", "corridor", "rail_sea", BOUND_SCOPE, "",
     "reported", OLDER, "2018年开行1154列", ""),
    ("train_runs", "1000", "2018-01-01", "2018-12-31", "corridor", "rail_sea", BOUND_SCOPE, "",
     "reported", SEED, "2018年首次突破1000列", "over"),
    ("train_runs", "2243", "2019-01-01", "2019-12-31", "corridor", "rail_sea", BOUND_SCOPE, "",
     "reported", OLDER, "2019年开行2243列", ""),
    ("train_runs", "6117", "2021-01-01", "2021-12-31", "corridor", "rail_sea", BOUND_SCOPE, "",
     "reported", SEED, "2021年开行6117列", ""),
    ("train_runs", "8820", "2022-01-01", "2022-12-31", "corridor", "rail_sea", BOUND_SCOPE, "",
     "reported", SEED, "2022年开行8820列", ""),
    ("train_runs", "9580", "2023-01-01", "2023-12-31", "corridor", "rail_sea", BOUND_SCOPE, "",
     "reported", SEED, "2023年开行9580列", ""),
    ("train_runs", "10000", "2024-01-01", "2024-12-31", "corridor", "rail_sea", BOUND_SCOPE,
     "", "reported", SEED, "2024年班列开行突破1万列", "over"),
]
# fmt: on


def big_frame(rows: int = 50_000) -> pd.DataFrame:
    """Return a valid-shaped observations frame of `rows` monthly figures over many scopes."""
    metrics = [("train_runs", "trains"), ("teu", "TEU"), ("ports_reached", "ports")]
    months = pd.date_range("2000-01-01", "2026-09-01", freq="MS")
    scopes = [f"重庆第{i}物流园区" for i in range(rows // (len(metrics) * len(months)) + 1)]
    grid = pd.MultiIndex.from_product(
        [range(len(metrics)), range(len(scopes)), range(len(months))]
    ).to_frame(index=False)
    grid = grid.head(rows)
    metric = [metrics[i][0] for i in grid[0]]
    flow = np.array([m != "ports_reached" for m in metric])
    start = months[grid[2].to_numpy()]
    return pd.DataFrame(
        {
            "metric": metric,
            "value": np.arange(len(grid), dtype=float) % 997 + 1,
            "unit": [metrics[i][1] for i in grid[0]],
            "period_start": pd.Series(start).where(flow, pd.NaT),
            "period_end": start + pd.offsets.MonthEnd(0),
            "region": "chongqing",
            "route": "rail_sea",
            "scope": [scopes[i] for i in grid[1]],
            "yoy_pct": np.where(flow, 5.0, np.nan),
            "basis": "reported",
            "source_id": SEED,
            "quote": "合成数据 synthetic test row",
        }
    )
