"""The series catalogue (rules/series.toml): which line of a chart each figure belongs to."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from etl.contract.identity import normalise_scope
from etl.contract.vocabulary import load_metrics, load_regions, load_routes

CONTEXTS = ("corridor", "related")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,79}$")
# A wording an analyst maps to a series: plain text, bounded, matched literally.
MAX_WORDING = 100
# A label naming this corridor says its figures are the corridor's (经西部陆海新通道 …).
CORRIDOR_NAME = "陆海新通道"
# A part of a whole (其中市外) whose words have no English is still said to be a part.
PART_ALONE_EN = "part of a total"
# Distinct (series, scope) pairs remembered: a table holds a few thousand scopes.
MAX_CACHED_SCOPES = 65536


@dataclass(frozen=True)
class Series:
    """One catalogued series: one metric counted one way, with the rule that assigns figures."""

    key: str
    metric: str
    label_zh: str
    label_en: str
    region: str
    route: str
    body: str
    context: str
    headline: bool
    prefer: tuple[str, ...]
    regions: tuple[str, ...] | None
    routes: tuple[str, ...] | None
    any: tuple[re.Pattern[str], ...]
    none: tuple[re.Pattern[str], ...]
    # The words the series itself says (label and body): a scope word found here is its own.
    own_words: str = ""
    # Whether the label says its figures are this corridor's (经西部陆海新通道 …).
    names_corridor: bool = False

    def label(self, lang: str) -> str:
        """Return the series label in 'zh' or 'en'."""
        return self.label_zh if lang == "zh" else self.label_en

    def matches(self, metric: str, region: str, route: str, scope: str) -> bool:
        """Return whether a figure (scope already normalised) belongs to this series."""
        if metric != self.metric:
            return False
        if self.regions is not None and region not in self.regions:
            return False
        if self.routes is not None and route not in self.routes:
            return False
        if self.any and not any(p.search(scope) for p in self.any):
            return False
        if any(p.search(scope) for p in self.none):
            return False
        return scope_belongs(self, scope)


@dataclass(frozen=True)
class ScopeWords:
    """The catalogue's scope vocabulary: cues naming this corridor and words naming less of it."""

    corridor: tuple[str, ...]
    narrower: dict[str, str]  # word → its kind (place, product, company)
    modes: dict[str, tuple[str, ...]]  # family → its words; rail_sea is the corridor's own
    neutral: tuple[str, ...] = ()  # bodies counting every line (国铁集团): never narrower
    english: dict[str, str] = dataclasses.field(default_factory=dict)  # narrower word → its English


# Where a scope names a line by its two ends, (钦州港—重庆), the places are the line's ends, not
# a narrower territory.
_LINE_ENDS_RE = re.compile(r"[(（][^()（）]{1,20}[—–-][^()（）]{1,20}[)）]")
_COMPANY_SUFFIX = "(有限责任公司|股份有限公司|有限公司)?"


_KINDS = {"places": "place", "products": "product", "companies": "company", "parts": "part"}
# The mode family that is this corridor's own line: naming it never narrows a corridor series.
OWN_MODE = "rail_sea"


@cache
def _series_toml() -> dict[str, Any]:
    """Return rules/series.toml parsed, once a process: the catalogue and scope words share it."""
    text = resources.files("etl.contract").joinpath("rules", "series.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def load_scope_words() -> ScopeWords:
    """Return the scope vocabulary of rules/series.toml ([scope_words])."""
    return parse_scope_words(_series_toml().get("scope_words", {}))


def parse_scope_words(spec: Mapping[str, Any]) -> ScopeWords:
    """Return the scope vocabulary from its TOML table, words folded to simplified characters."""
    narrower: dict[str, str] = {}
    for kind in ("places", "products", "companies", "parts"):
        for word in spec.get(kind, ()):
            narrower.setdefault(normalise_scope(word), _KINDS[kind])
    corridor = tuple(normalise_scope(w) for w in spec.get("corridor", ()))
    modes = {
        str(family): tuple(normalise_scope(w) for w in words)
        for family, words in dict(spec.get("modes", {})).items()
    }
    # Longest first: 中国国家铁路集团有限公司 goes whole, not leaving 有限公司 behind.
    neutral = tuple(
        sorted((normalise_scope(w) for w in spec.get("neutral", ())), key=len, reverse=True)
    )
    english = {normalise_scope(w): str(en) for w, en in dict(spec.get("english", {})).items()}
    return ScopeWords(
        corridor=corridor, narrower=narrower, modes=modes, neutral=neutral, english=english
    )


def _stripped_scope(series: Series, scope: str) -> str:
    # The series' own bodies (and their company suffix) and a line's two ends say nothing
    # narrower than the series.
    text = _LINE_ENDS_RE.sub("", scope)
    for body in load_scope_words().neutral:
        text = text.replace(body, "")
    for body in series.body.split(" / "):
        body = normalise_scope(body)
        if body:
            text = re.sub(re.escape(body) + _COMPANY_SUFFIX, "", text)
    return text


@lru_cache(maxsize=MAX_CACHED_SCOPES)
def foreign_words(series: Series, scope: str) -> tuple[str, ...]:
    """Return the narrower words (place, product, company, part, one other mode) a folded scope
    names that the series' label, body and region do not: 酒泉 in a corridor-wide line, 柑橘 in all
    agricultural exports, 跨境公路 alone in a rail line."""
    text = _stripped_scope(series, scope)
    vocabulary = load_scope_words()
    found = [w for w in vocabulary.narrower if w in text and w not in series.own_words]
    families = {f: [w for w in ws if w in text] for f, ws in vocabulary.modes.items()}
    named = {f: ws for f, ws in families.items() if ws}
    if len(named) == 1:
        family, words = next(iter(named.items()))
        if family != OWN_MODE and not any(w in series.own_words for w in words):
            found.append(words[0])
    return tuple(found)


def scope_words_en(scope: object) -> str:
    """Return in English what a scope narrows to beyond its place: "of which citrus", "one
    company's count", "cross-border road"; '' when it names nothing of the kind."""
    text = normalise_scope(scope)
    english = load_scope_words().english
    found = [w for w in english if w in text]
    # The longest word speaks for the words inside it (汽车 in 汽车零部件 is not a second product).
    found = [w for w in found if not any(w != o and w in o for o in found)]
    found.sort(key=text.index)
    kinds = load_scope_words().narrower
    parts = [english[w] for w in found if kinds.get(w) == "part"]
    rest = [english[w] for w in found if kinds.get(w) != "part"]
    if parts and not rest:
        return PART_ALONE_EN
    return " ".join([*parts, ", ".join(rest)]).strip()


def names_this_corridor(scope: str) -> bool:
    """Return whether a folded scope names this corridor (西部陆海新通道, 铁海联运班列 …)."""
    return any(cue in scope for cue in load_scope_words().corridor)


def scope_belongs(series: Series, scope: str) -> bool:
    """Return whether a folded scope may join the series: it names nothing narrower than the
    series, and where the series takes figures by region alone (no `any` cue) but its label
    says they are this corridor's, the scope says so too (else it is unclear: series '')."""
    if foreign_words(series, scope):
        return False
    return not (series.names_corridor and not series.any and not names_this_corridor(scope))


def _patterns(key: str, field: str, values: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    out = []
    for value in values:
        try:
            out.append(re.compile(normalise_scope(value)))
        except re.error as exc:
            raise ValueError(
                f"series.toml: {key}: bad pattern in {field}: {value!r}: {exc}"
            ) from None
    return tuple(out)


def _optional(spec: Mapping[str, Any], name: str) -> tuple[str, ...] | None:
    return tuple(spec[name]) if name in spec else None


def parse_catalogue(entries: list[dict[str, Any]]) -> tuple[Series, ...]:
    """Return the catalogue from its TOML entries, refusing anything inconsistent."""
    metrics = load_metrics()
    regions = {r.key for r in load_regions()}
    # A series of one region owns its region's name: 广西 in 广西钦州港 narrows nothing there.
    region_labels = {r.key: r.label_zh for r in load_regions() if r.key != "corridor"}
    routes = {"", *(r.key for r in load_routes())}
    catalogue: list[Series] = []
    for spec in entries:
        key = str(spec.get("key", ""))
        if not KEY_RE.match(key):
            raise ValueError(f"series.toml: bad key {key!r}")
        if spec.get("metric") not in metrics:
            raise ValueError(f"series.toml: {key}: unknown metric {spec.get('metric')!r}")
        for field in ("label_zh", "label_en", "body"):
            if not str(spec.get(field, "")).strip():
                raise ValueError(f"series.toml: {key}: {field} is required")
        if normalise_scope(spec["label_zh"]) != spec["label_zh"]:
            raise ValueError(f"series.toml: {key}: label_zh must be in simplified characters")
        if spec.get("context") not in CONTEXTS:
            raise ValueError(f"series.toml: {key}: context must be one of {CONTEXTS}")
        allowed_regions = _optional(spec, "regions")
        allowed_routes = _optional(spec, "routes")
        if spec.get("region") not in regions or not set(allowed_regions or ()) <= regions:
            raise ValueError(f"series.toml: {key}: unknown region")
        if spec.get("route") not in routes or not set(allowed_routes or ()) <= routes:
            raise ValueError(f"series.toml: {key}: unknown route")
        catalogue.append(
            Series(
                key=key,
                metric=spec["metric"],
                label_zh=spec["label_zh"],
                label_en=spec["label_en"],
                region=spec["region"],
                route=spec["route"],
                body=spec["body"],
                context=spec["context"],
                headline=bool(spec.get("headline", False)),
                prefer=tuple(normalise_scope(p) for p in spec.get("prefer", ())),
                regions=allowed_regions,
                routes=allowed_routes,
                any=_patterns(key, "any", spec.get("any", ())),
                none=_patterns(key, "none", spec.get("none", ())),
                own_words=normalise_scope(
                    f"{spec['label_zh']} {spec['body']} {region_labels.get(spec['region'], '')}"
                ),
                names_corridor=CORRIDOR_NAME in spec["label_zh"],
            )
        )
    keys = [s.key for s in catalogue]
    repeated = sorted({k for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValueError(f"series.toml: repeated keys {repeated}")
    for metric in {s.metric for s in catalogue}:
        heads = [s.key for s in catalogue if s.metric == metric and s.headline]
        if len(heads) != 1:
            raise ValueError(f"series.toml: metric {metric} needs exactly one headline: {heads}")
    return tuple(catalogue)


@cache
def load_series() -> tuple[Series, ...]:
    """Return the series catalogue in the order its rules are tried."""
    return parse_catalogue(_series_toml().get("series", []))


def load_series_rules() -> None:
    """Read the catalogue and its scope vocabulary now (each is read once per process), so that
    assigning series later reads no file."""
    load_series()
    load_scope_words()


def series_by_key() -> dict[str, Series]:
    """Return the catalogue keyed by series key."""
    return {s.key: s for s in load_series()}


def headline_series(metric: str) -> Series | None:
    """Return the metric's headline series (the overview card's), or None."""
    return next((s for s in load_series() if s.metric == metric and s.headline), None)


def normalise_wording(wording: object) -> str:
    """Return an analyst's wording as it is matched: simplified, whitespace collapsed."""
    return normalise_scope(wording)


def resolve_series(
    metric: str,
    region: str,
    route: str,
    scope: str,
    wordings: tuple[tuple[str, str], ...] = (),
) -> str:
    """Return the key of the first series whose rule matches the figure, else ''.

    wordings are analysts' (series key, wording) mappings, tried after the catalogue: a figure of
    the series' metric whose scope contains the wording joins that series.
    """
    folded = normalise_scope(scope)
    for series in load_series():
        if series.matches(metric, region, route, folded):
            return series.key
    known = series_by_key()
    for key, wording in reversed(wordings):  # the latest mapping wins
        mapped = known.get(key)
        if mapped is not None and mapped.metric == metric and wording and wording in folded:
            return key
    return ""


def assign_series(frame: pd.DataFrame, wordings: tuple[tuple[str, str], ...] = ()) -> pd.Series:
    """Return the series of every row, resolved once per distinct (metric, region, route, scope)."""
    if not len(frame):
        return pd.Series([], index=frame.index, dtype="str")
    # Factorised per column, combined into one integer per row: a million rows share a few
    # thousand combinations, and the rules run once for each.
    key = np.zeros(len(frame), dtype=np.int64)
    columns: list[tuple[np.ndarray, np.ndarray]] = []
    for col in ("metric", "region", "route", "scope"):
        codes, uniques = pd.factorize(frame[col], use_na_sentinel=False)
        codes = np.asarray(codes, dtype=np.int64)
        key = key * (len(uniques) + 1) + codes
        texts = ["" if u is None or u != u else str(u) for u in uniques]
        columns.append((codes, np.asarray(texts, dtype=object)))
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    resolved = []
    for row in first:
        metric, region, route, scope = (str(texts[codes[row]]) for codes, texts in columns)
        resolved.append(resolve_series(metric, region, route, scope, wordings))
    return pd.Series(np.asarray(resolved, dtype=object)[inverse], index=frame.index, dtype="str")


def fill_series(frame: pd.DataFrame, wordings: tuple[tuple[str, str], ...] = ()) -> pd.DataFrame:
    """Return the frame with empty series cells filled by the rules (named series are kept)."""
    if "series" in frame:
        values = frame["series"]
        empty = (values.isna() | (values.astype("object") == "")).to_numpy(dtype=bool)
        if not empty.any():
            return frame
        result = values.astype("object").to_numpy(copy=True)
    else:
        empty = np.ones(len(frame), dtype=bool)
        result = np.full(len(frame), "", dtype=object)
    columns = ["metric", "region", "route", "scope"]
    result[empty] = assign_series(frame.loc[empty, columns], wordings).to_numpy(dtype=object)
    out = frame.copy()
    out["series"] = pd.Series(result, index=frame.index, dtype="str")
    return out
