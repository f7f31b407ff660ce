"""The metric, region and route vocabularies shipped in etl/contract/rules/, loaded once."""

from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

# Display divisors: the words the dashboard shows values in.
SCALE_DIVISORS: dict[str, float] = {
    "": 1.0,
    "万": 1e4,
    "亿": 1e8,
    "万亿": 1e12,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
}


@dataclass(frozen=True)
class Metric:
    """One metric of the vocabulary: its unit, labels, cues and how it is displayed."""

    key: str
    unit: str
    label_zh: str
    label_en: str
    unit_zh: str
    unit_en: str
    group: str
    kind: str
    cues: tuple[str, ...]
    scale_zh: str
    scale_en: str
    decimals: int
    max_value: float
    headline: bool

    def label(self, lang: str) -> str:
        """Return the metric's label in 'zh' or 'en'."""
        return self.label_zh if lang == "zh" else self.label_en

    def scale(self, lang: str) -> tuple[str, float]:
        """Return the display scale word and its divisor in the language."""
        word = self.scale_zh if lang == "zh" else self.scale_en
        return word, SCALE_DIVISORS[word]


@dataclass(frozen=True)
class Place:
    """A region or route key with its labels and the scope cues that select it."""

    key: str
    label_zh: str
    label_en: str
    cues: tuple[str, ...]

    def label(self, lang: str) -> str:
        """Return the label in 'zh' or 'en'."""
        return self.label_zh if lang == "zh" else self.label_en


def _read_rules(name: str) -> dict[str, Any]:
    text = resources.files("etl.contract").joinpath("rules", name).read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def load_metrics() -> dict[str, Metric]:
    """Return the metric vocabulary keyed by metric, in file order."""
    metrics: dict[str, Metric] = {}
    for key, spec in _read_rules("metrics.toml").items():
        metric = Metric(
            key=key,
            unit=spec["unit"],
            label_zh=spec["label_zh"],
            label_en=spec["label_en"],
            unit_zh=spec["unit_zh"],
            unit_en=spec["unit_en"],
            group=spec["group"],
            kind=spec["kind"],
            cues=tuple(spec.get("cues", ())),
            scale_zh=spec.get("scale_zh", ""),
            scale_en=spec.get("scale_en", ""),
            decimals=int(spec.get("decimals", 0)),
            max_value=float(spec["max_value"]),
            headline=bool(spec.get("headline", False)),
        )
        if metric.kind not in {"flow", "snapshot"}:
            raise ValueError(f"metrics.toml: {key}: kind must be flow or snapshot")
        if metric.scale_zh not in SCALE_DIVISORS or metric.scale_en not in SCALE_DIVISORS:
            raise ValueError(f"metrics.toml: {key}: unknown display scale")
        metrics[key] = metric
    return metrics


def _places(kind: str) -> tuple[Place, ...]:
    return tuple(
        Place(p["key"], p["label_zh"], p["label_en"], tuple(p.get("cues", ())))
        for p in _read_rules("places.toml")[kind]
    )


@cache
def load_regions() -> tuple[Place, ...]:
    """Return the region rules in the order they are tried."""
    return _places("region")


@cache
def load_routes() -> tuple[Place, ...]:
    """Return the route rules in the order they are tried."""
    return _places("route")


# The basis of a figure, with the labels the dashboard shows.
BASIS_LABELS: dict[str, tuple[str, str]] = {
    "reported": ("报道值", "Reported"),
    "derived": ("推算值", "Derived"),
}
# Further words people type for a key, beside its key and its labels.
EXTRA_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "basis": {"reported": ("报道", "报告值", "原文"), "derived": ("推算", "倒推")},
    "route": {
        "rail_sea": ("铁海联运班列", "海铁联运", "rail-sea"),
        "cross_border_road": ("跨境公路班车",),
        "china_europe_rail": ("中欧班列（渝新欧）",),
        "international_rail": ("国际铁路联运班列",),
    },
    "region": {"corridor": ("西部陆海新通道", "全线"), "chengdu_chongqing": ("川渝",)},
    "metric": {"teu": ("箱量", "标箱", "集装箱"), "train_runs": ("班列", "开行班列")},
}


def alias_text(text: str) -> str:
    """Return the form aliases are compared in: NFKC, case-folded, without spaces or dashes."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "-–—_")


def _labels(column: str) -> dict[str, tuple[str, str]]:
    if column == "metric":
        return {k: (m.label_zh, m.label_en) for k, m in load_metrics().items()}
    if column == "region":
        return {p.key: (p.label_zh, p.label_en) for p in load_regions()}
    if column == "route":
        return {p.key: (p.label_zh, p.label_en) for p in load_routes()}
    if column == "basis":
        return dict(BASIS_LABELS)
    raise ValueError(f"no vocabulary for column {column!r}")


VOCABULARY_COLUMNS = ("metric", "region", "route", "basis")


@cache
def value_aliases(column: str) -> dict[str, str]:
    """Return alias text → key for a vocabulary column: keys, both labels and common aliases."""
    out: dict[str, str] = {}
    for key, (zh, en) in _labels(column).items():
        for word in (zh, en, *EXTRA_ALIASES.get(column, {}).get(key, ())):
            out.setdefault(alias_text(word), key)
    for key in _labels(column):  # a key always means itself, whatever a label says
        out[alias_text(key)] = key
    return out


def allowed_values(column: str) -> list[str]:
    """Return each key of a vocabulary column as 'label_zh (key)', for messages."""
    return [f"{zh} ({key})" for key, (zh, _en) in _labels(column).items()]


def unit_aliases(metric: str) -> frozenset[str]:
    """Return the alias texts that mean a metric's unit: its key and both labels."""
    m = load_metrics()[metric]
    extra = ("标准箱",) if m.unit == "TEU" else ()
    return frozenset(alias_text(w) for w in (m.unit, m.unit_zh, m.unit_en, *extra))
