"""The record check: what a careful analyst would question in the observations, rule by rule.

Pure functions over the observations and sources frames and the series catalogue. Each rule
(etl.contract.check_rules, over the working frame of etl.contract.check_frame) is vectorised
(sorts, group-bys and as-of joins, no loop over rows), so a million rows are checked in seconds;
each returns the rows it questions, and `check_record` keeps the first few findings of each rule
and counts them all; this module also renders them for people.

Severity: an *error* is data that cannot be right as it stands (two figures that contradict each
other, a number the project computed from a bound, a growth rate its own sentence does not
support); a *warning* is a pattern that is often wrong but can be true (a dip, a lone period
kind, a scope word), for an analyst to look at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from etl.contract.check_frame import prepare
from etl.contract.check_rules import RULE_FUNCTIONS
from etl.contract.qualifiers import qualify
from etl.contract.tables import format_number

ERROR = "error"
WARNING = "warning"

# Findings kept per rule (all are counted): the first screenful is what an analyst reads.
MAX_FINDINGS_PER_RULE = 50


@dataclass(frozen=True)
class Rule:
    """One check: its id, severity and what it questions in both languages."""

    id: str
    severity: str
    zh: str
    en: str


RULES: dict[str, Rule] = {
    r.id: r
    for r in (
        # Error: a value the project computed that its own series contradicts is a misread rate.
        Rule(
            "derived_breaks_series",
            ERROR,
            "推算值与同系列同类期间的报道值相差三倍以上",
            "a derived value is below a third or above three times its reported neighbours",
        ),
        # Error: the chart draws a bound although the same period has an exact figure.
        Rule(
            "bound_preferred",
            ERROR,
            "同一系列同一期间有确切值，却优先显示了约数/界限值",
            "a bound is preferred over an exact figure of the same series and period",
        ),
        # Error: a cumulative total cannot be smaller than a figure inside its span.
        Rule(
            "cumulative_below_part",
            ERROR,
            "累计值小于其时段内的某个数",
            "a cumulative total is smaller than a figure inside its span",
        ),
        # Error: a running total cannot exceed the full year it is part of.
        Rule(
            "ytd_above_year",
            ERROR,
            "年内累计值大于同年全年值",
            "a year-to-date total is above its full year",
        ),
        # Warning: a real collapse and recovery happens; a misread unit or period is likelier.
        Rule(
            "dip_recovers",
            WARNING,
            "某点比前后两点都低一半以上（骤降后回升）",
            "a point falls by more than half and recovers",
        ),
        # Error: the contract takes a yoy only where the wording is year-on-year for the figure.
        Rule(
            "yoy_without_wording",
            ERROR,
            "同比超过300%，但原文没有同比措辞",
            "a yoy above 300% without year-on-year wording in its quote",
        ),
        # Warning: a scope word is a cue, not proof (a body's seat may be named); the series
        # rules already keep such figures out, so a hit is a hand-placed or older figure.
        Rule(
            "scope_outside_series",
            WARNING,
            "口径含有系列名称没有的地名、产品、企业或其他运输方式",
            "the scope names a place, product, company or mode the series label lacks",
        ),
        # Warning: a lone kind is often a misread period, but a series may hold one on purpose.
        Rule(
            "period_kind_off_line",
            WARNING,
            "期间类型与同系列其他数据不同，无法连成线",
            "a period kind that differs from its series line",
        ),
        # Warning: a source may state a rate for a bound; nothing may be computed from it.
        Rule(
            "bound_with_yoy",
            WARNING,
            "约数/界限值带有同比（不能据此推算）",
            "a bound carries a yoy (nothing may be computed from it)",
        ),
        # Error: a value computed from a bound pretends to a precision the source never had.
        Rule(
            "derived_from_bound",
            ERROR,
            "推算值由约数/界限值算出",
            "a derived row is made from a bound",
        ),
    )
}


@dataclass(frozen=True)
class Finding:
    """One thing to question: the rule, the rows (index labels of observations) and a detail."""

    rule: str
    rows: tuple[Any, ...]
    detail_zh: str = ""
    detail_en: str = ""

    @property
    def severity(self) -> str:
        """Return the rule's severity."""
        return RULES[self.rule].severity


@dataclass(frozen=True)
class CheckReport:
    """The findings kept (the first few per rule) and how many each rule found in all."""

    findings: list[Finding]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        """Return how many error findings there are in all."""
        return sum(n for rule, n in self.counts.items() if RULES[rule].severity == ERROR)

    @property
    def warnings(self) -> int:
        """Return how many warnings there are in all."""
        return sum(n for rule, n in self.counts.items() if RULES[rule].severity == WARNING)


def check_record(
    observations: pd.DataFrame,
    sources: pd.DataFrame | None = None,
    *,
    only_rows: pd.Index | None = None,
    limit: int = MAX_FINDINGS_PER_RULE,
) -> CheckReport:
    """Return what every rule questions in the observations (the first `limit` per rule).

    only_rows: keep only findings that involve at least one of these index labels (the rows an
    upload is about to add, checked against the stored record).
    """
    if not len(observations):
        return CheckReport([], {})
    frame = observations
    if not frame.index.is_unique:
        frame = frame.reset_index(drop=True)
    work = prepare(frame, sources)
    findings: list[Finding] = []
    counts: dict[str, int] = {}
    for rule, find in RULE_FUNCTIONS.items():
        hits = find(work, frame)
        if only_rows is not None and len(hits):
            involved = hits[["r0", "r1", "r2"]].isin(list(only_rows)).any(axis=1)
            hits = hits.loc[involved.to_numpy()]
        if len(hits):
            counts[rule] = len(hits)
        for r0, r1, r2, zh, en in hits.head(limit).itertuples(index=False):
            rows = tuple(r for r in (r0, r1, r2) if r is not None and not pd.isna(r))
            findings.append(Finding(rule, rows, str(zh), str(en)))
    order = list(RULES)
    findings.sort(key=lambda f: (f.severity != ERROR, order.index(f.rule)))
    return CheckReport(findings, counts)


def _source_info(sources: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    if sources is None or not len(sources):
        return {}
    cols = [c for c in ("title", "publisher", "published", "url") if c in sources]
    frame = sources.drop_duplicates("source_id").set_index("source_id")[cols]
    return {
        str(k): {
            str(c): ("" if pd.isna(v) else str(v)[:10] if c == "published" else str(v))
            for c, v in row.items()
        }
        for k, row in frame.iterrows()
    }


def _date(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def finding_records(
    report: CheckReport,
    observations: pd.DataFrame,
    sources: pd.DataFrame | None,
    lang: str = "en",
) -> list[dict[str, Any]]:
    """Return each kept finding as plain data: rule, severity, message and its rows with source."""
    frame = observations if observations.index.is_unique else observations.reset_index(drop=True)
    info = _source_info(sources)
    out = []
    for finding in report.findings:
        rule = RULES[finding.rule]
        rows = []
        for label in finding.rows:
            row = frame.loc[label]
            source = str(row.get("source_id", ""))
            qualifier = str(row.get("qualifier", "") or "")
            value = float(row["value"])
            yoy = row.get("yoy_pct")
            rows.append(
                {
                    "metric": str(row["metric"]),
                    "value": value,
                    "qualifier": qualifier,
                    "stated": qualify(format_number(value), qualifier, lang),
                    "period_start": _date(row.get("period_start")),
                    "period_end": _date(row.get("period_end")),
                    "series": str(row.get("series", "") or ""),
                    "basis": str(row.get("basis", "")),
                    "yoy_pct": None if yoy is None or pd.isna(yoy) else float(yoy),
                    "scope": str(row.get("scope", "")),
                    "quote": str(row.get("quote", "")),
                    "source_id": source,
                    "source": info.get(source, {}),
                }
            )
        out.append(
            {
                "rule": rule.id,
                "severity": rule.severity,
                "message": rule.zh if lang == "zh" else rule.en,
                "detail": finding.detail_zh if lang == "zh" else finding.detail_en,
                "rows": rows,
            }
        )
    return out


# A quote in the text listing is cut here: the sentence's start says which it is.
QUOTE_SHOWN = 160


def render_report(
    report: CheckReport,
    observations: pd.DataFrame,
    sources: pd.DataFrame | None,
    lang: str = "en",
) -> str:
    """Return the findings as readable text in the language, errors first, with a summary."""
    zh = lang == "zh"
    lines = []
    for record in finding_records(report, observations, sources, lang):
        tag = (
            ("错误" if zh else "ERROR")
            if record["severity"] == ERROR
            else ("警告" if zh else "warning")
        )
        detail = (
            f"（{record['detail']}）"
            if zh and record["detail"]
            else (f" ({record['detail']})" if record["detail"] else "")
        )
        lines.append(f"{tag} [{record['rule']}] {record['message']}{detail}")
        for row in record["rows"]:
            period = f"{row['period_start'] or '…'}—{row['period_end']}"
            series = row["series"] or ("（无系列）" if zh else "(no series)")
            lines.append(
                f"  - {row['metric']} {row['stated']} {period} {series} {row['basis']}"
                + (f" yoy {format_number(row['yoy_pct'])}%" if row["yoy_pct"] is not None else "")
            )
            src = row["source"]
            named = " ".join(x for x in (src.get("publisher", ""), src.get("published", "")) if x)
            title = src.get("title", "")
            lines.append(
                f"    {'来源' if zh else 'source'}: {row['source_id']}"
                + (f" {title}" if title else "")
                + (f" ({named})" if named else "")
            )
            quote = row["quote"].replace("\n", " ")
            if len(quote) > QUOTE_SHOWN:
                quote = quote[: QUOTE_SHOWN - 1] + "…"
            lines.append(f"    {'原文' if zh else 'quote'}: {quote}")
    lines.append(summary(report, lang))
    return "\n".join(lines) + "\n"


def summary(report: CheckReport, lang: str = "en") -> str:
    """Return one line: how many errors and warnings, per rule."""
    per_rule = ", ".join(f"{rule} {n}" for rule, n in report.counts.items())
    shown = len(report.findings)
    total = sum(report.counts.values())
    more = total - shown
    if lang == "zh":
        text = f"共 {report.errors} 个错误，{report.warnings} 个警告"
        text += f"（{per_rule}）" if per_rule else "：没有需要核对的数据"
        return text + (f"；每条规则只列出前几项，另有 {more} 项未列出" if more else "")
    text = f"{report.errors} errors, {report.warnings} warnings"
    text += f" ({per_rule})" if per_rule else ": nothing to question"
    return text + (f"; the first few per rule are listed, {more} more not shown" if more else "")
