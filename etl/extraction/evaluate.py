"""Scoring the extractor against labelled articles as docs/contract.md says (how it is scored)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl.contract.errors import CorridorError
from etl.contract.places import resolve_region, resolve_route
from etl.contract.series import resolve_series
from etl.extraction.articles import infer_published, read_article
from etl.extraction.extract import extract_figures
from etl.extraction.figures import Figure

# A truth row is found by a value within 0.5% of it (relative to the truth value).
VALUE_TOLERANCE = 0.005
# A yoy rate is right when within 0.05 percentage points (rates are stated to one decimal).
YOY_TOLERANCE = 0.05
# Strict scoring wants the stated value itself: only float noise (1e-9 of it) may differ.
STRICT_VALUE_TOLERANCE = 1e-9
OVERALL = "overall"
# The fields the dashboard draws of a figure, in the order a mismatch report lists them.
STRICT_FIELDS = ("metric", "value", "qualifier", "period_start", "period_end", "yoy", "series")
REQUIRED_COLUMNS = ("article", "metric", "value", "period_end")


@dataclass(frozen=True)
class TruthRow:
    """One labelled figure of truth.csv."""

    article: str
    metric: str
    value: float
    period_end: date | None
    yoy_pct: float | None
    scope: str = ""
    period_start: date | None = None
    # None where the truth CSV has no such column: then the field is not scored.
    qualifier: str | None = None
    series: str | None = None


@dataclass(frozen=True)
class Mismatch:
    """One field of a found row that differs from its label."""

    article: str
    metric: str
    value: float
    field: str
    expected: str
    got: str


@dataclass
class Score:
    """Counts for one metric (or overall) and the rates computed from them."""

    truth: int = 0
    extracted: int = 0
    found: int = 0
    yoy_correct: int = 0

    @property
    def precision(self) -> float:
        return self.found / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.found / self.truth if self.truth else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def yoy_accuracy(self) -> float:
        return self.yoy_correct / self.found if self.found else 0.0


@dataclass
class Report:
    """Scores per metric and overall, plus what was missed and what was extra, per article."""

    scores: dict[str, Score] = field(default_factory=dict)
    missed: list[TruthRow] = field(default_factory=list)
    extra: list[tuple[str, Figure]] = field(default_factory=list)
    yoy_wrong: list[tuple[TruthRow, Figure]] = field(default_factory=list)
    # Strict scoring: per field, how many found rows were checked and agreed; and each mismatch.
    field_checked: dict[str, int] = field(default_factory=dict)
    field_agreed: dict[str, int] = field(default_factory=dict)
    strict_agreed: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)
    # Found rows whose labelled scope resolves to a region and route, and those the figure's agrees.
    places_checked: int = 0
    places_agreed: int = 0

    @property
    def place_agreement(self) -> float:
        """Return the share of found rows whose scope resolves to the truth's region and route."""
        return self.places_agreed / self.places_checked if self.places_checked else 0.0

    @property
    def overall(self) -> Score:
        return self.scores[OVERALL]

    def field_accuracy(self, name: str) -> float:
        """Return the share of checked found rows whose field agrees (1.0 when none was checked)."""
        checked = self.field_checked.get(name, 0)
        return self.field_agreed.get(name, 0) / checked if checked else 1.0

    @property
    def strict_accuracy(self) -> float:
        """Return the share of found rows on which every scored field agrees."""
        found = self.overall.found
        return self.strict_agreed / found if found else 0.0


def _optional_float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _optional_date(text: str) -> date | None:
    return date.fromisoformat(text.strip()) if text.strip() else None


def _truth_row(row: dict[str, str], has: set[str]) -> TruthRow:
    return TruthRow(
        article=row["article"].strip(),
        metric=row["metric"].strip(),
        value=float(row["value"]),
        period_end=_optional_date(row["period_end"] or ""),
        yoy_pct=_optional_float(row.get("yoy_pct") or ""),
        scope=(row.get("scope") or "").strip(),
        period_start=_optional_date(row.get("period_start") or ""),
        qualifier=(row.get("qualifier") or "").strip() if "qualifier" in has else None,
        series=(row.get("series") or "").strip() if "series" in has else None,
    )


def read_truth(truth_csv: Path) -> list[TruthRow]:
    """Return the labelled rows of a truth CSV; a missing file or bad cell is a CorridorError."""
    if not truth_csv.is_file():
        raise CorridorError.single("标注文件不存在", "truth file not found", file=str(truth_csv))
    with truth_csv.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        has = set(reader.fieldnames or ())
        missing = [c for c in REQUIRED_COLUMNS if c not in has]
        if missing:
            raise CorridorError.single(
                f"标注文件缺少列：{', '.join(missing)}",
                f"the truth file lacks columns: {', '.join(missing)}",
                file=str(truth_csv),
            )
        rows = []
        for number, row in enumerate(reader, start=2):
            try:
                rows.append(_truth_row(row, has))
            except (ValueError, AttributeError) as exc:
                raise CorridorError.single(
                    f"标注文件第 {number} 行无法读取：{exc}",
                    f"row {number} of the truth file cannot be read: {exc}",
                    file=str(truth_csv),
                ) from None
        return rows


def matches(truth: TruthRow, figure: Figure) -> bool:
    """Return whether an extracted figure finds a truth row (metric, value, period_end month)."""
    if truth.metric != figure.metric:
        return False
    if abs(figure.value - truth.value) > VALUE_TOLERANCE * abs(truth.value):
        return False
    end = truth.period_end
    return end is None or (figure.period_end.year, figure.period_end.month) == (end.year, end.month)


def yoy_agrees(truth: TruthRow, figure: Figure) -> bool:
    """Return whether the yoy rates agree: both empty, or both within the tolerance."""
    if truth.yoy_pct is None or figure.yoy_pct is None:
        return truth.yoy_pct is None and figure.yoy_pct is None
    return abs(truth.yoy_pct - figure.yoy_pct) <= YOY_TOLERANCE


def figure_series(figure: Figure) -> str:
    """Return the series key the row builder gives a figure (from its metric and scope)."""
    region, route = resolve_region(figure.scope), resolve_route(figure.scope)
    return resolve_series(figure.metric, region, route, figure.scope)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def strict_fields(truth: TruthRow, figure: Figure) -> dict[str, tuple[str, str, bool]]:
    """Return (expected, got, agrees) per scored field of a found row (unlabelled: left out)."""
    value_ok = abs(figure.value - truth.value) <= STRICT_VALUE_TOLERANCE * max(abs(truth.value), 1)
    fields: dict[str, tuple[str, str, bool]] = {
        "metric": (truth.metric, figure.metric, truth.metric == figure.metric),
        "value": (_shown(truth.value), _shown(figure.value), value_ok),
        "period_start": (
            _shown(truth.period_start),
            _shown(figure.period_start),
            truth.period_start == figure.period_start,
        ),
        "yoy": (_shown(truth.yoy_pct), _shown(figure.yoy_pct), yoy_agrees(truth, figure)),
    }
    if truth.qualifier is not None:
        agrees = truth.qualifier == figure.qualifier
        fields["qualifier"] = (truth.qualifier, figure.qualifier, agrees)
    if truth.period_end is not None:
        agrees = truth.period_end == figure.period_end
        fields["period_end"] = (_shown(truth.period_end), _shown(figure.period_end), agrees)
    if truth.series is not None:
        got = figure_series(figure)
        fields["series"] = (truth.series, got, truth.series == got)
    return {name: fields[name] for name in STRICT_FIELDS if name in fields}


def match_article(
    truth: Sequence[TruthRow], figures: Sequence[Figure]
) -> list[tuple[TruthRow, Figure]]:
    """Return truth/figure pairs, each side used once, matched greedily by closest value."""
    candidates = sorted(
        (
            (abs(f.value - t.value) / max(abs(t.value), 1e-12), ti, fi)
            for ti, t in enumerate(truth)
            for fi, f in enumerate(figures)
            if matches(t, f)
        ),
    )
    used_truth: set[int] = set()
    used_figures: set[int] = set()
    pairs: list[tuple[TruthRow, Figure]] = []
    for _, ti, fi in candidates:
        if ti in used_truth or fi in used_figures:
            continue
        used_truth.add(ti)
        used_figures.add(fi)
        pairs.append((truth[ti], figures[fi]))
    return pairs


def score(truth: Iterable[TruthRow], extracted: Mapping[str, Sequence[Figure]]) -> Report:
    """Return the report for extracted figures (keyed by article id) against the truth rows."""
    report = Report(scores={OVERALL: Score()})
    by_article: dict[str, list[TruthRow]] = {}
    for row in truth:
        by_article.setdefault(row.article, []).append(row)

    def bump(metric: str, attr: str) -> None:
        for key in (metric, OVERALL):
            s = report.scores.setdefault(key, Score())
            setattr(s, attr, getattr(s, attr) + 1)

    for article in sorted(set(by_article) | set(extracted)):
        rows = by_article.get(article, [])
        figures = list(extracted.get(article, []))
        for row in rows:
            bump(row.metric, "truth")
        for figure in figures:
            bump(figure.metric, "extracted")
        pairs = match_article(rows, figures)
        for row, figure in pairs:
            bump(row.metric, "found")
            if yoy_agrees(row, figure):
                bump(row.metric, "yoy_correct")
            else:
                report.yoy_wrong.append((row, figure))
            if row.scope:
                report.places_checked += 1
                report.places_agreed += places_agree(row.scope, figure.scope)
            _score_strict(report, row, figure)
        found_rows = {id(r) for r, _ in pairs}
        found_figures = {id(f) for _, f in pairs}
        report.missed += [r for r in rows if id(r) not in found_rows]
        report.extra += [(article, f) for f in figures if id(f) not in found_figures]
    return report


def _score_strict(report: Report, row: TruthRow, figure: Figure) -> None:
    """Count each scored field of a found row and record the ones that differ."""
    all_agree = True
    for name, (expected, got, agrees) in strict_fields(row, figure).items():
        report.field_checked[name] = report.field_checked.get(name, 0) + 1
        if agrees:
            report.field_agreed[name] = report.field_agreed.get(name, 0) + 1
            continue
        all_agree = False
        report.mismatches.append(Mismatch(row.article, row.metric, row.value, name, expected, got))
    report.strict_agreed += all_agree


def places_agree(truth_scope: str, scope: str) -> bool:
    """Return whether two scopes resolve to the same region and route (what the dashboard shows)."""
    return (resolve_region(truth_scope), resolve_route(truth_scope)) == (
        resolve_region(scope),
        resolve_route(scope),
    )


def extract_article(path: Path) -> list[Figure]:
    """Return the figures of one article file, dating it from its header or its text."""
    article = read_article(path)
    published = article.published or infer_published(article.body)
    if published is None:
        return []
    return extract_figures(article.body, published)


def evaluate(articles_dir: Path, truth_csv: Path) -> Report:
    """Return the extraction scores on the articles in a directory against a truth CSV."""
    truth = read_truth(truth_csv)
    extracted = {path.stem: extract_article(path) for path in sorted(articles_dir.glob("*.txt"))}
    return score(truth, extracted)


def render_report(report: Report) -> str:
    """Return the report as a table; its last four lines are the overall summary."""
    lines = ["Misses and extras:"]
    lines += [
        f"  missed  {r.article} {r.metric} {r.value:g} (end {r.period_end}, yoy {r.yoy_pct})"
        for r in report.missed
    ]
    lines += [
        f"  extra   {a} {f.metric} {f.value:g} ({f.period_start}..{f.period_end})"
        for a, f in report.extra
    ]
    lines += [
        f"  yoy     {r.article} {r.metric} {r.value:g}: truth {r.yoy_pct}, got {f.yoy_pct}"
        for r, f in report.yoy_wrong
    ]
    if len(lines) == 1:
        lines.append("  (none)")
    lines.append("Strict mismatches (article, metric, value: field expected → got):")
    lines += [
        f"  {m.article} {m.metric} {m.value:g}: {m.field} {m.expected or '(empty)'}"
        f" → {m.got or '(empty)'}"
        for m in report.mismatches
    ]
    if not report.mismatches:
        lines.append("  (none)")
    if report.places_checked:
        lines.append(
            f"scope: region and route agree with the truth's on {report.places_agreed}"
            f"/{report.places_checked} found rows ({report.place_agreement:.3f})"
        )
    scored = [name for name in STRICT_FIELDS if report.field_checked.get(name)]
    lines += ["", "strict: each field the dashboard draws, on the found rows"]
    lines += [
        f"  {name:<14}{report.field_agreed.get(name, 0):>5}/{report.field_checked[name]:<6}"
        f"{report.field_accuracy(name):.3f}"
        for name in scored
    ]
    header = (
        f"{'metric':<26}{'truth':>6}{'extr':>6}{'found':>6}"
        f"{'prec':>7}{'recall':>7}{'F1':>7}{'yoy':>7}"
    )
    lines += ["", header]
    lines += [_score_line(k, report.scores[k]) for k in sorted(report.scores) if k != OVERALL]
    o = report.overall
    lines += [
        _score_line(OVERALL, o),
        f"overall: precision {o.precision:.3f}  recall {o.recall:.3f}  F1 {o.f1:.3f}",
        f"overall: yoy accuracy {o.yoy_accuracy:.3f} on {o.found} found rows"
        f" ({o.found}/{o.truth} truth rows, {o.extracted} extracted)",
        f"overall: strict {report.strict_accuracy:.3f}: every field ({', '.join(scored)}) agrees"
        f" on {report.strict_agreed}/{o.found} found rows",
    ]
    return "\n".join(lines)


def _score_line(key: str, s: Score) -> str:
    return (
        f"{key:<26}{s.truth:>6}{s.extracted:>6}{s.found:>6}"
        f"{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.yoy_accuracy:>7.3f}"
    )
