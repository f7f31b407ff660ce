"""Validating upload rows: a text frame in, a typed contract frame or every problem out."""

from __future__ import annotations

import difflib
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.contract.errors import CorridorError, Problem
from etl.contract.formulas import FORMULA_NUMBER_RE, FORMULA_RE
from etl.contract.identity import figure_hashes, figure_keys
from etl.contract.places import resolve_region, resolve_route
from etl.contract.qualifiers import BOUNDS, LABELS_EN, LABELS_ZH, parse_qualifier
from etl.contract.schema import OBSERVATION_COLUMNS, observations_schema, validate
from etl.contract.series import series_by_key
from etl.contract.tables import format_number
from etl.contract.vocabulary import (
    SCALE_DIVISORS,
    VOCABULARY_COLUMNS,
    alias_text,
    allowed_values,
    load_metrics,
    unit_aliases,
    value_aliases,
)
from etl.uploads import sandbox
from etl.uploads.limits import MAX_LISTED_PROBLEMS, capped, refuse
from etl.uploads.reading import (
    DEFAULT_MAX_UNPACKED_BYTES,
    check_file_name,
    check_size,
    read_upload_frame,
)

# Naming a few wrong columns helps; echoing thousands of them makes the message the attack.
MAX_LISTED_COLUMNS = 20


REQUIRED_COLUMNS = ("metric", "value", "unit", "period_end", "scope", "source_id")


# The Chinese headers of the template (first) and other words people use for each column.
HEADERS_ZH: dict[str, tuple[str, ...]] = {
    "metric": ("指标", "指标名称"),
    "value": ("数值", "值", "数据"),
    "qualifier": ("限定", "限定词", "数值限定"),
    "unit": ("单位",),
    "period_start": ("起始日期", "开始日期", "起始"),
    "period_end": ("截止日期", "结束日期", "截止"),
    "region": ("地区", "区域"),
    "route": ("线路", "路线"),
    "scope": ("口径", "统计口径", "范围"),
    "series": ("系列", "系列编号"),
    "yoy_pct": ("同比（%）", "同比", "同比增速", "同比增长", "同比增速（%）"),
    "basis": ("类型", "数据类型", "数值类型"),
    "source_id": ("来源编号", "来源", "来源id"),
    "quote": ("原文", "原文摘录", "引文"),
}
# A refusal lists at most this many allowed values (the closest first).
MAX_ALLOWED_LISTED = 8


OPTIONAL_COLUMNS = (
    "qualifier",
    "period_start",
    "region",
    "route",
    "series",
    "yoy_pct",
    "basis",
    "quote",
)


NUMBER_COLUMNS = ("value", "yoy_pct")


DATE_COLUMNS = ("period_start", "period_end")


# Columns that hold numbers and dates once parsed; every other column holds text.
TYPED_COLUMNS = (*NUMBER_COLUMNS, *DATE_COLUMNS)


# Longest text a cell may hold: scope and quote follow the schema; keys are short words.
MAX_LENGTHS = {
    "metric": 64,
    "unit": 64,
    "region": 64,
    "route": 64,
    "basis": 16,
    "scope": 500,
    "series": 80,
    "source_id": 200,
    "quote": 5000,
    # 2025年11月1日 or Excel's 2025/11/1 0:00:00 are longer than ISO's ten characters.
    "period_start": 32,
    "period_end": 32,
    "value": 40,
    "yoy_pct": 40,
}


MARKUP_RE = r"<[ \t\n]*[A-Za-z!/?]"


CONTROL_RE = r"[\x00-\x08\x0b-\x1f\x7f]"

# The same checks as one RE2 pattern (Arrow's regex engine), written to find a superset of the
# cells FORMULA_RE, FORMULA_NUMBER_RE, MARKUP_RE or CONTROL_RE find (RE2's \s is ASCII only,
# so Unicode blanks are named): a fast first pass over every cell; the exact Python patterns
# then run on the few cells it finds.
SUSPICIOUS_RE2 = (
    r"^[\t\r]|^[\s\p{Z}\x{1c}-\x{1f}\x{85}\x{200b}-\x{200d}\x{2060}\x{feff}]*"
    r"[=+\-@\x{ff1d}\x{ff0b}\x{ff0d}\x{ff20}]|<[ \t\n]*[A-Za-z!/?]|[\x00-\x08\x0b-\x1f\x7f]"
)


def suspicious_cells(cells: pd.Series) -> np.ndarray:
    """Return which cells may hold a formula prefix, markup or a control character (a superset)."""
    return matches_re2(cells, SUSPICIOUS_RE2)


# Plain digits, or thousands separators in strict groups of three; a decimal part is optional.
UNSIGNED_NUMBER_RE = r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?"


VALUE_RE = rf"^{UNSIGNED_NUMBER_RE}$"


YOY_RE = rf"^-?{UNSIGNED_NUMBER_RE}$"


CN_SCALE_RE = r"[万亿千百]"


NON_FINITE_RE = r"^[+-]?(?:nan|inf|infinity)$"


NOT_FINITE = ("数值必须是有限数（不接受 NaN、inf）", "value must be a finite number")


@dataclass(frozen=True)
class Upload:
    """A validated upload: its rows in the contract's types and where they came from."""

    name: str
    kind: str
    sha256: str
    data: bytes
    rows: pd.DataFrame
    # How cells were read where the file did not say it in the contract's own form (units
    # converted, months taken as days) and warnings that need a look; none refuses the file.
    notes: tuple[Problem, ...] = field(default=())

    @cached_property
    def hashes(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the rows' figure key and (key, value) hashes (identity.figure_hashes), once."""
        return figure_hashes(self.rows)


class _Problems:
    """Problems collected column by column, with row numbers from the frame's index.

    Only the first MAX_LISTED_PROBLEMS become Problem objects; the rest are counted, and the
    cells already flagged are kept per column as an integer array, never one object per cell.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.items: list[Problem] = []
        self.total = 0
        self.flagged: dict[str | None, np.ndarray] = {}
        # Set when checks were skipped because the list was full (the count is then a floor).
        self.incomplete = False

    def add_mask(self, mask: pd.Series, values: pd.Series, column: str, zh: str, en: str) -> None:
        """Record a problem for each row where mask is true (listing only the first few)."""
        hits = np.asarray(mask.index[np.asarray(mask, dtype=bool)], dtype=np.int64)
        seen = self.flagged.get(column)
        fresh = hits if seen is None else hits[~np.isin(hits, seen)]
        if not len(fresh):
            return
        self.total += len(fresh)
        self.flagged[column] = fresh if seen is None else np.concatenate([seen, fresh])
        room = MAX_LISTED_PROBLEMS + 1 - len(self.items)
        for index in fresh[: max(0, room)].tolist():
            self.items.append(Problem(zh, en, self.name, index + 2, column, str(values[index])))

    def add(self, problem: Problem) -> None:
        """Record one problem unless its cell already has one."""
        if problem.row is not None:
            index = np.array([problem.row - 2], dtype=np.int64)
            seen = self.flagged.get(problem.column)
            if seen is not None and np.isin(index, seen).any():
                return
            self.flagged[problem.column] = index if seen is None else np.append(seen, index)
        self.total += 1
        if len(self.items) <= MAX_LISTED_PROBLEMS:
            self.items.append(problem)

    def add_many(self, found: Iterable[Problem]) -> None:
        """Record problems by column at once (unless their cells already have one)."""
        by_column: dict[str | None, list[Problem]] = {}
        for problem in found:
            if problem.row is None:
                self.add(problem)
            else:
                by_column.setdefault(problem.column, []).append(problem)
        for column, listed in by_column.items():
            rows = np.array([p.row - 2 for p in listed if p.row is not None], dtype=np.int64)
            seen = self.flagged.get(column)
            _unique, first = np.unique(rows, return_index=True)
            keep = np.zeros(len(rows), dtype=bool)
            keep[first] = True
            if seen is not None:
                keep &= ~np.isin(rows, seen)
            fresh = rows[keep]
            self.total += len(fresh)
            self.flagged[column] = fresh if seen is None else np.concatenate([seen, fresh])
            room = MAX_LISTED_PROBLEMS + 1 - len(self.items)
            self.items.extend([p for p, k in zip(listed, keep, strict=True) if k][: max(0, room)])

    @property
    def full(self) -> bool:
        """Return whether more problems would only be counted, never listed."""
        return len(self.items) > MAX_LISTED_PROBLEMS

    def raise_if_any(self) -> None:
        """Raise a CorridorError listing the problems, if there are any."""
        if not self.total:
            return
        listed = capped(sorted(self.items, key=_order), self.total)
        if self.incomplete:
            listed.append(
                Problem(
                    f"列出的问题已满 {MAX_LISTED_PROBLEMS} 处，其余行未再检查（改正后会查出更多）",
                    f"the listed problems reached {MAX_LISTED_PROBLEMS}: the remaining rows were "
                    "not checked further (more may show once these are fixed)",
                )
            )
        raise CorridorError(listed)


def _order(p: Problem) -> tuple[int, int]:
    columns = list(OBSERVATION_COLUMNS)
    col = columns.index(p.column) if p.column in columns else len(columns)
    return (p.row if p.row is not None else 0, col)


@cache
def _header_aliases() -> dict[str, str]:
    out = {alias_text(c): c for c in OBSERVATION_COLUMNS}
    for col, words in HEADERS_ZH.items():
        for word in words:
            out.setdefault(alias_text(word), col)
    return out


def header_key(header: object) -> str:
    """Return the contract column a header names (English key or Chinese label), else it trimmed."""
    text = str(header).strip()
    return _header_aliases().get(alias_text(text), text.lower())


def check_columns(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return the frame with normalised column names, refusing missing, unknown or repeated ones."""
    names = [header_key(c) for c in frame.columns]
    problems: list[Problem] = []
    known = set(OBSERVATION_COLUMNS)
    # Counted once (linear): names.count() per name was quadratic in the number of columns.
    counts = Counter(names)
    for col in sorted(c for c, n in counts.items() if n > 1)[:MAX_LISTED_COLUMNS]:
        problems.append(Problem("列名重复", "a column appears twice", name, 1, col, col))
    unknown = [(o, c) for o, c in zip(frame.columns, names, strict=True) if c not in known]
    for original, _col in unknown[:MAX_LISTED_COLUMNS]:
        problems.append(
            Problem(
                "未知的列（列名须与模板一致）",
                "unknown column (names must match the template)",
                name,
                1,
                str(original),
                str(original),
            )
        )
    if len(unknown) > MAX_LISTED_COLUMNS:
        rest = len(unknown) - MAX_LISTED_COLUMNS
        problems.append(
            Problem(f"另有 {rest} 个未知的列未列出", f"{rest} more unknown columns not listed")
        )
    for col in REQUIRED_COLUMNS:
        if col not in counts:
            problems.append(Problem("缺少必需的列", "a required column is missing", name, 1, col))
    if problems:
        raise CorridorError(problems)
    out = frame.copy()
    out.columns = names
    if out.empty:
        raise refuse("文件没有数据行", "the file has no data rows", name)
    return out


def check_text(
    frame: pd.DataFrame, problems: _Problems, columns: Iterable[str] | None = None
) -> None:
    """Record formula prefixes, markup, control characters and over-long cells."""
    for col in frame.columns if columns is None else columns:
        cells = frame[col].astype(str)
        formula = FORMULA_NUMBER_RE if col in NUMBER_COLUMNS else FORMULA_RE
        limit = MAX_LENGTHS.get(col, 200)
        long_cells = (cells.str.len() > limit).to_numpy(dtype=bool)
        # One fast pass finds the few suspicious cells; the exact checks run on those alone.
        suspicious = suspicious_cells(cells)
        if not (suspicious.any() or long_cells.any()):
            continue
        raw = cells[suspicious | long_cells]
        too_long = pd.Series(long_cells, index=frame.index)[raw.index]
        problems.add_mask(
            raw.str.contains(formula, regex=True),
            raw,
            col,
            "以公式符号（= + - @ 制表符 回车）开头，可能在 Excel 中被当作公式执行",
            "starts with a formula character (= + - @ tab CR) that Excel could run",
        )
        problems.add_mask(
            raw.str.contains(MARKUP_RE, regex=True),
            raw,
            col,
            "含有标记（<...>），不接受 HTML",
            "contains markup (<...>); HTML is not accepted",
        )
        problems.add_mask(
            raw.str.contains(CONTROL_RE, regex=True),
            raw,
            col,
            "含有控制字符",
            "contains control characters",
        )
        problems.add_mask(
            too_long,
            raw,
            col,
            f"内容过长（上限 {limit} 字符）",
            f"too long (at most {limit} characters)",
        )


def _strip(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda s: s.astype(str).str.strip())


def parse_number_column(text: pd.Series, col: str, problems: _Problems) -> pd.Series:
    """Return a float column from text, recording every cell that is not a plain number."""
    pattern = VALUE_RE if col == "value" else YOY_RE
    filled = text != ""
    good = text.str.match(pattern)
    lower = text.str.lower()
    scaled = filled & ~good & text.str.contains(CN_SCALE_RE, regex=True)
    nonfinite = filled & ~good & lower.str.match(NON_FINITE_RE)
    negative = filled & ~good & (col == "value") & text.str.match(rf"^-{UNSIGNED_NUMBER_RE}$")
    problems.add_mask(
        scaled,
        text,
        col,
        "数字不能带“万”“亿”等单位，请换算成基本单位（如 1.5万 → 15000）",
        "numbers must be in base units, without 万/亿 (1.5万 → 15000)",
    )
    problems.add_mask(nonfinite, text, col, *NOT_FINITE)
    problems.add_mask(negative, text, col, "数值不能为负数", "value must not be negative")
    other = filled & ~good & ~scaled & ~nonfinite & ~negative
    # Only a cell that looks like a number with separators gets the separator hint.
    separated = text.str.match(r"^-?[0-9][0-9,]*(?:\.[0-9]+)?$")
    problems.add_mask(
        other & separated,
        text,
        col,
        "不是有效的数字（千位分隔符须每三位一组，如 1,234,567.8）",
        "not a valid number (thousands separators only in groups of three: 1,234,567.8)",
    )
    digits = text.str.contains("[0-9]", regex=True)
    problems.add_mask(
        other & ~separated & digits,
        text,
        col,
        "不是有效的数字（请只写数字，如 12000 或 12.5）",
        "not a valid number (write digits only: 12000 or 12.5)",
    )
    problems.add_mask(other & ~digits, text, col, "不是数字", "not a number")
    cleaned = text.where(good & filled, "").str.replace(",", "", regex=False)
    return pd.to_numeric(cleaned.where(cleaned != "", None), errors="coerce").astype(float)


# Dates as spreadsheet users type them: 2025-11-01, 2025/11/1, 2025.11.1, 2025年11月1日, and a
# month alone (2025-11, 2025/11, 2025年11月); a midnight time (what Excel shows) is allowed.
DATE_PARTS_RE = (
    r"^(?P<y>[0-9]{4})\s*(?:[-/.]|年)\s*(?P<m>[0-9]{1,2})\s*"
    r"(?:(?:[-/.]|月)\s*(?P<d>[0-9]{1,2})\s*日?|月)?"
    r"(?:[ T]0?0:00(?::00(?:\.0+)?)?)?$"
)


# A date exactly as ISO writes it (RE2: $ is the end of the text, as DATE_PARTS_RE's parts
# would read it back unchanged).
ISO_DATE_RE2 = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def matches_re2(cells: pd.Series, pattern: str) -> np.ndarray:
    """Return which cells an RE2 pattern (Arrow's regex engine) finds, in one pass."""
    text = pa.array(cells.astype(str).to_numpy(dtype=object), type=pa.large_string())
    found = pc.match_substring_regex(text, pattern)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def _date_parts(text: pd.Series, wanted: pd.Series) -> pd.DataFrame:
    """Return DATE_PARTS_RE's y, m and d for the wanted cells; missing (NaN) elsewhere."""
    parts = pd.DataFrame(np.nan, index=text.index, columns=["y", "m", "d"], dtype=object)
    mask = wanted.to_numpy(dtype=bool)
    if mask.any():
        found = text[mask].str.extract(DATE_PARTS_RE)[["y", "m", "d"]]
        parts.loc[mask, ["y", "m", "d"]] = found.to_numpy(dtype=object, na_value=np.nan)
    return parts


def parse_date_column(
    text: pd.Series, col: str, problems: _Problems, notes: list[Problem] | None = None
) -> pd.Series:
    """Return a datetime column from dates as typed, recording every cell that is not a date.

    A month alone means its first day as a start and its last day as an end.
    """
    filled = text != ""
    # Most cells are ISO dates already: they are read as they stand, and only the others go
    # through DATE_PARTS_RE cell by cell (which reads an ISO date as the same date).
    iso_like = pd.Series(matches_re2(text, ISO_DATE_RE2), index=text.index)
    parts = _date_parts(text, filled & ~iso_like)
    shaped = iso_like | parts["y"].notna()
    month_only = shaped & ~iso_like & parts["d"].isna()
    day = parts["d"].where(~month_only, "1")
    iso = parts["y"] + "-" + parts["m"].str.zfill(2) + "-" + day.fillna("1").str.zfill(2)
    iso = iso.where(~iso_like, text)
    parsed = pd.to_datetime(iso.where(shaped, None), format="%Y-%m-%d", errors="coerce").astype(
        "datetime64[ns]"
    )
    if col == "period_end" and month_only.any():
        ends = parsed[month_only] + pd.offsets.MonthEnd(0)
        parsed = parsed.where(~month_only, ends)
    problems.add_mask(
        filled & ~shaped,
        text,
        col,
        "不是日期（可写 2025-11-01、2025/11/1、2025年11月1日，或月份 2025-11、2025年11月）",
        "not a date (write 2025-11-01, 2025/11/1, 2025年11月1日, or a month: 2025-11)",
    )
    problems.add_mask(
        shaped & parsed.isna(), text, col, "不是真实存在的日期", "not a real calendar date"
    )
    if notes is not None and (month_only & parsed.notna()).any():
        first = month_only[month_only & parsed.notna()].index[0]
        count = int((month_only & parsed.notna()).sum())
        which_zh, which_en = ("第一天", "first") if col != "period_end" else ("最后一天", "last")
        shown = parsed[first].date().isoformat()
        notes.append(
            Problem(
                f"{count} 个只写了月份的日期按该月{which_zh}读取（如 {text[first]} → {shown}）",
                f"{count} dates giving only a month were read as its {which_en} day "
                f"({text[first]} → {shown})",
                problems.name,
                int(first) + 2,
                col,
                str(text[first]),
            )
        )
    return parsed


def allowed_hint(column: str, value: str) -> tuple[str, str]:
    """Return the allowed values to name in a refusal: the closest few, else the first few."""
    choices = allowed_values(column)
    by_alias = {alias_text(c.split(" (")[0]): c for c in choices}
    by_alias.update({alias_text(c.split(" (")[1].rstrip(")")): c for c in choices})
    near = difflib.get_close_matches(alias_text(value), list(by_alias), n=MAX_ALLOWED_LISTED)
    listed = list(dict.fromkeys(by_alias[n] for n in near)) or choices[:MAX_ALLOWED_LISTED]
    more = len(choices) - len(listed)
    tail_zh = f" 等共 {len(choices)} 个" if more > 0 else ""
    tail_en = f" ({len(choices)} in all)" if more > 0 else ""
    prefix_zh, prefix_en = ("最接近的：", "closest: ") if near else ("可用：", "allowed: ")
    return (
        prefix_zh + "、".join(listed) + tail_zh,
        prefix_en + ", ".join(listed) + tail_en,
    )


def translate_vocabulary(text: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """Return the frame with labels and aliases of vocabulary values replaced by their keys.

    An unknown value is recorded with the allowed values (the closest ones); a unit written as
    the metric's unit label (标箱, 列, 元 …) becomes the metric's unit key.
    """
    out = text.copy()
    for col in VOCABULARY_COLUMNS:
        if col not in out:
            continue
        aliases = value_aliases(col)
        # Each distinct cell is looked up once and the answer spread to the rows by code.
        codes, uniques = pd.factorize(out[col])
        found = [aliases.get(alias_text(str(u))) if u != "" else "" for u in uniques]
        missing = np.array([k is None for k in found], dtype=np.bool_)
        unknown = pd.Series(missing[codes], index=out.index, dtype=bool)
        for value in pd.unique(out.loc[unknown, col].to_numpy())[: MAX_LISTED_PROBLEMS + 1]:
            zh, en = allowed_hint(col, str(value))
            problems.add_mask(
                unknown & (out[col] == value),
                out[col],
                col,
                f"“{col}”不在词表中；{zh}",
                f"'{col}' is not in the vocabulary; {en}",
            )
        translated = np.array([k or u for k, u in zip(found, uniques, strict=True)], dtype=object)
        out[col] = pd.Series(translated[codes], index=out.index, dtype=object)
    metrics = load_metrics()
    if "unit" in out and "metric" in out:
        pairs = out[["metric", "unit"]].drop_duplicates()
        fixed = {}
        for metric, unit in pairs.itertuples(index=False):
            if metric in metrics and alias_text(str(unit)) in unit_aliases(metric):
                fixed[(metric, unit)] = metrics[metric].unit
        if fixed:
            keys = pd.Series(list(zip(out["metric"], out["unit"], strict=True)), index=out.index)
            out["unit"] = keys.map(lambda k: fixed.get(k, k[1]))
        expected = out["metric"].map(lambda m: metrics[m].unit if m in metrics else None)
        wrong = expected.notna() & (out["unit"] != "") & (out["unit"] != expected)
        for metric in pd.unique(out.loc[wrong, "metric"].to_numpy()):
            m = metrics[str(metric)]
            problems.add_mask(
                wrong & (out["metric"] == metric),
                out["unit"],
                "unit",
                f"单位与指标不符：{m.label_zh}的单位应为 {m.unit_zh}（{m.unit}）",
                f"unit does not match the metric: {m.label_en} is in {m.unit_en} ({m.unit})",
            )
    if "yoy_pct" in out:
        # "12.3%" and "12.3％" are what a spreadsheet shows for a percentage.
        out["yoy_pct"] = out["yoy_pct"].str.replace(r"\s*[%％]$", "", regex=True)
    return out


# What a refusal of a qualifier cell lists: empty for exact, then the key and label of each bound.
QUALIFIER_ALLOWED_ZH = "留空或“准确”（按原文确切）、" + "、".join(
    f"{LABELS_ZH[k]}（{k}）" for k in BOUNDS
)
QUALIFIER_ALLOWED_EN = "empty or 'exact' (stated exactly), " + ", ".join(
    f"{LABELS_EN[k]} ({LABELS_ZH[k]})" for k in BOUNDS
)


def translate_qualifier(text: pd.DataFrame, problems: _Problems) -> pd.DataFrame:
    """Return the frame with qualifier cells (超过, over, 约 …) as keys, refusing unknown ones."""
    if "qualifier" not in text:
        return text
    out = text.copy()
    # Each distinct cell is read once and the answer spread to the rows by code.
    codes, uniques = pd.factorize(
        out["qualifier"].astype(object).where(out["qualifier"].notna(), "")
    )
    keys = [parse_qualifier(u) for u in uniques]
    unknown = pd.Series(
        np.array([k is None for k in keys], dtype=bool)[codes], index=out.index, dtype=bool
    )
    problems.add_mask(
        unknown,
        out["qualifier"].astype(object),
        "qualifier",
        f"无法识别的限定词；可用：{QUALIFIER_ALLOWED_ZH}",
        f"unknown qualifier; allowed: {QUALIFIER_ALLOWED_EN}",
    )
    translated = np.array([k if k is not None else "" for k in keys], dtype=object)
    out["qualifier"] = pd.Series(translated[codes], index=out.index, dtype=object)
    return out


# Scale words a unit may carry (万标箱, 亿元, thousand TEU), longest first so 万亿 is not 万.
SCALE_WORDS = sorted((w for w in SCALE_DIVISORS if w), key=len, reverse=True)


def read_display_units(
    text: pd.DataFrame, name: str
) -> tuple[pd.DataFrame, pd.Series, list[Problem]]:
    """Return the frame with display units (万标箱, 亿元) as the metric's unit, each row's factor
    to base units, and one note per converted unit."""
    factor = pd.Series(1.0, index=text.index)
    if "unit" not in text or "metric" not in text:
        return text, factor, []
    metrics = load_metrics()
    metric_keys = value_aliases("metric")
    out = text.copy()
    notes: list[Problem] = []
    for metric_text, unit_text in out[["metric", "unit"]].drop_duplicates().itertuples(index=False):
        metric = metric_keys.get(alias_text(str(metric_text)))
        unit = alias_text(str(unit_text))
        if metric is None or unit == "" or unit in unit_aliases(metric):
            continue
        word = next((w for w in SCALE_WORDS if unit.startswith(alias_text(w))), None)
        if word is None or unit[len(alias_text(word)) :] not in unit_aliases(metric):
            continue
        rows = (out["metric"] == metric_text) & (out["unit"] == unit_text)
        factor[rows] = SCALE_DIVISORS[word]
        out.loc[rows, "unit"] = metrics[metric].unit
        first = rows[rows].index[0]
        notes.append(
            Problem(
                f"{int(rows.sum())} 行的数值按单位“{unit_text}”乘以 {SCALE_DIVISORS[word]:,.0f}，"
                f"存为{metrics[metric].unit_zh}（{metrics[metric].unit}）",
                f"{int(rows.sum())} rows in '{unit_text}' were multiplied by "
                f"{SCALE_DIVISORS[word]:,.0f} and stored in {metrics[metric].unit}",
                name,
                int(first) + 2,
                "unit",
                str(unit_text),
            )
        )
    return out, factor, notes


def scaled_values(values: pd.Series, factor: pd.Series, notes: list[Problem]) -> pd.Series:
    """Return values times their unit factor; each unit note gains its first row's example."""
    # Rounded to a millionth: 8.8 × 1e8 is 880000000.0000001 in binary floating point.
    out = (values * factor).round(6)
    for i, note in enumerate(notes):
        index = note.row - 2 if note.row is not None else None
        if index is not None and index in values.index and pd.notna(values[index]):
            example = f"{format_number(float(values[index]))} → {format_number(float(out[index]))}"
            notes[i] = replace(
                note, zh=f"{note.zh}（如 {example}）", en=f"{note.en} (e.g. {example})"
            )
    return out


def yoy_fraction_note(text: pd.Series, yoy: pd.Series, name: str) -> Problem | None:
    """Return a warning when yoy cells look like fractions (0.123 for 12.3%) and no cell has %."""
    if text.str.contains("[%％]", regex=True).any():
        return None
    small = yoy.notna() & (yoy != 0) & (yoy.abs() < 1)
    if not small.any():
        return None
    first = small[small].index[0]
    shown = format_number(float(yoy[first]))
    meant = format_number(round(float(yoy[first]) * 100, 10))
    return Problem(
        f"请检查：{int(small.sum())} 个同比值的绝对值小于 1 且全列没有 % 号；同比以百分数计"
        f"（{shown} 即 {shown}%）。若 {shown} 指 {meant}%，请改写后再上传",
        f"check: {int(small.sum())} yoy values are below 1 in size and no cell has a % sign; yoy "
        f"is in percent ({shown} means {shown}%). If {shown} means {meant}%, fix the file and "
        "upload it again",
        name,
        int(first) + 2,
        "yoy_pct",
        str(text[first]),
    )


def check_required(rows: pd.DataFrame, problems: _Problems) -> None:
    """Record every empty cell in a column that must be filled (typed rows: NaN, NaT or "")."""
    for col in REQUIRED_COLUMNS:
        column = rows[col]
        empty = column.isna() if col in TYPED_COLUMNS else column == ""
        shown = column.astype(object).where(column.notna(), "")
        problems.add_mask(empty, shown, col, f"“{col}”不能为空", f"'{col}' must not be empty")


def fill_defaults(rows: pd.DataFrame, name: str) -> pd.DataFrame:
    """Return typed rows with every contract column, region/route/basis/quote filled by rule."""
    out = rows.copy()
    for col in OBSERVATION_COLUMNS:
        if col in NUMBER_COLUMNS and col not in out:
            out[col] = float("nan")
        elif col in DATE_COLUMNS and col not in out:
            out[col] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns]")
        elif col not in out:
            out[col] = ""
    scopes = out["scope"]
    unique = pd.unique(scopes)
    regions = {s: resolve_region(s) for s in unique}
    routes = {s: resolve_route(s) for s in unique}
    out["region"] = out["region"].where(out["region"] != "", scopes.map(regions))
    # An empty route cell is filled by rule; a present column with "" after rules stays "".
    out["route"] = out["route"].where(out["route"] != "", scopes.map(routes))
    out["basis"] = out["basis"].where(out["basis"] != "", "reported")
    numbers = pd.Series(out.index, index=out.index).astype(int) + 2
    fallback = f"{name} 第" + numbers.astype(str) + "行 / row " + numbers.astype(str)
    out["quote"] = out["quote"].where(out["quote"] != "", fallback)
    return out.loc[:, list(OBSERVATION_COLUMNS)]


def check_within_file(rows: pd.DataFrame, problems: _Problems, name: str) -> None:
    """Record rows that repeat or contradict another row of the same file."""
    # Rows whose key hash repeats are the only candidates; their keys are compared exactly.
    hashed, _ = figure_hashes(rows)
    candidates = pd.Series(hashed).duplicated(keep=False).to_numpy()
    if not candidates.any():
        return
    rows = rows.loc[candidates]
    keys = figure_keys(rows)
    repeated = keys.duplicated(keep=False)
    if not repeated.any():
        return
    sub = pd.DataFrame(
        {
            "key": keys[repeated].to_numpy(),
            "value": rows["value"][repeated].to_numpy(),
            "row": rows.index[repeated.to_numpy()].astype(int) + 2,
        }
    )
    sub["first"] = sub.groupby("key")["row"].transform("min")
    sub["conflict"] = sub.groupby("key")["value"].transform("nunique") > 1
    later = sub.loc[sub["row"] != sub["first"]]
    shown = later.head(MAX_LISTED_PROBLEMS + 1)
    for row, first, conflict, value in zip(
        shown["row"].tolist(),
        shown["first"].tolist(),
        shown["conflict"].tolist(),
        shown["value"].tolist(),
        strict=True,
    ):
        if conflict:
            zh = f"与本文件第 {first} 行是同一数据（指标、地区、线路、口径、期间相同）但数值不同"
            en = f"contradicts row {first} of this file (same figure, another value)"
        else:
            zh = f"与本文件第 {first} 行重复"
            en = f"repeats row {first} of this file"
        problems.add(Problem(zh, en, name, int(row), "value", format_number(float(value))))
    problems.total += max(0, len(later) - (MAX_LISTED_PROBLEMS + 1))


def check_sources(rows: pd.DataFrame, known_sources: Iterable[str], problems: _Problems) -> None:
    """Record rows whose source_id is not a registered source."""
    unknown = ~rows["source_id"].isin(list(known_sources)) & (rows["source_id"] != "")
    problems.add_mask(
        unknown,
        rows["source_id"],
        "source_id",
        "来源未登记：请先登记来源（corridor sources add 或页面上的“登记来源”）",
        "unknown source: register it first (corridor sources add, or the page's form)",
    )


@cache
def _series_aliases() -> dict[str, str]:
    out: dict[str, str] = {}
    for key, series in series_by_key().items():
        for word in (series.label_zh, series.label_en):
            out.setdefault(alias_text(word), key)
    out.update({alias_text(k): k for k in series_by_key()})
    return out


def translate_labels(text: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with series labels (the template's drop-downs) as keys."""
    out = text.copy()
    if "series" in out:
        aliases = _series_aliases()
        out["series"] = out["series"].map(lambda v: aliases.get(alias_text(v), v) if v else v)
    # Qualifier labels are read by translate_qualifier (each distinct cell once).
    return out


def check_series(rows: pd.DataFrame, problems: _Problems) -> None:
    """Record every named series that is not in the catalogue, listing the valid keys."""
    known = series_by_key()
    unknown = (rows["series"] != "") & ~rows["series"].isin(list(known))
    if not unknown.any():
        return
    valid = ", ".join(sorted(known))
    problems.add_mask(
        unknown,
        rows["series"],
        "series",
        f"未知的系列编号（留空则按规则归入系列）；可用的系列：{valid}",
        f"unknown series key (leave it empty for the rules to assign one); valid series: {valid}",
    )


def validate_frame(raw: pd.DataFrame, name: str, known_sources: Iterable[str]) -> pd.DataFrame:
    """Return an all-text upload frame as typed contract rows, or raise listing every problem."""
    return validate_frame_noted(raw, name, known_sources)[0]


def validate_frame_noted(
    raw: pd.DataFrame, name: str, known_sources: Iterable[str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """Return typed contract rows and notes on how cells were read, or raise every problem.

    Problems and notes name each column as the file's header spells it (数值, 起始日期).
    """
    text_in = check_columns(raw, name)
    headers = dict(zip(text_in.columns, (str(c).strip() for c in raw.columns), strict=True))
    try:
        problems = _Problems(name)
        check_text(text_in, problems)
        stripped = _strip(text_in)
        scaled, factor, notes = read_display_units(stripped, name)
        typed = translate_qualifier(
            translate_labels(translate_vocabulary(scaled, problems)), problems
        )
        for col in NUMBER_COLUMNS:
            if col in typed:
                typed[col] = parse_number_column(typed[col], col, problems)
        if "value" in typed:
            typed["value"] = scaled_values(typed["value"], factor, notes)
        if "yoy_pct" in typed:
            warning = yoy_fraction_note(stripped["yoy_pct"], typed["yoy_pct"], name)
            notes += [warning] if warning else []
        for col in DATE_COLUMNS:
            if col in typed:
                typed[col] = parse_date_column(typed[col], col, problems, notes)
        rows = _check_rows(typed, name, known_sources, problems)
    except CorridorError as exc:
        raise CorridorError([_as_headed(p, headers) for p in exc.problems]) from None
    return rows, [_as_headed(n, headers) for n in notes]


def _as_headed(problem: Problem, headers: dict[str, str]) -> Problem:
    # The analyst finds the column by the header they wrote, not by the contract's key.
    shown = headers.get(problem.column or "")
    return replace(problem, column=shown) if shown and shown != problem.column else problem


def validate_rows(rows: pd.DataFrame, name: str, known_sources: Iterable[str]) -> pd.DataFrame:
    """Return typed rows (an article's proposal, edited on screen) as checked contract rows.

    The rows keep their types: numbers and dates are checked as values, text cells by the same
    rules as an upload's. Problems name the rows as shown on screen, numbered from 1.
    """
    frame = check_columns(rows, name)
    # Rows of an on-screen table are numbered from 1; messages add 2 to the index.
    frame.index = pd.RangeIndex(-1, len(frame) - 1)
    problems = _Problems(name)
    texts = [c for c in frame.columns if c not in TYPED_COLUMNS]
    for col in texts:
        frame[col] = frame[col].astype(object).where(frame[col].notna(), "").astype(str)
    check_text(frame, problems, texts)
    for col in texts:
        frame[col] = frame[col].str.strip()
    frame = translate_qualifier(frame, problems)
    for col in NUMBER_COLUMNS:
        if col in frame:
            numbers = _typed_column(frame[col], pd.to_numeric, col, problems).astype(float)
            problems.add_mask(numbers.abs() == float("inf"), numbers, col, *NOT_FINITE)
            frame[col] = numbers
    for col in DATE_COLUMNS:
        if col in frame:
            frame[col] = _typed_column(frame[col], pd.to_datetime, col, problems)
            frame[col] = frame[col].astype("datetime64[ns]").dt.normalize()
    return _check_rows(frame, name, known_sources, problems)


def _typed_column(
    column: pd.Series, convert: Callable[..., Any], col: str, problems: _Problems
) -> pd.Series:
    """Return the column converted, recording each filled cell that is not of the column's type."""
    converted = pd.Series(convert(column, errors="coerce"), index=column.index)
    problems.add_mask(
        column.notna() & converted.isna(),
        column.astype(object),
        col,
        f"“{col}”的值格式不对",
        f"value of '{col}' has the wrong format",
    )
    return converted


def _check_rows(
    typed: pd.DataFrame, name: str, known_sources: Iterable[str], problems: _Problems
) -> pd.DataFrame:
    """Return typed rows filled by rule and checked against the contract, or raise every problem."""
    rows = fill_defaults(typed, name)
    check_required(rows, problems)
    check_sources(rows, known_sources, problems)
    check_series(rows, problems)
    checked = _schema_checked(rows, name, problems)
    problems.raise_if_any()
    check_within_file(checked, problems, name)
    problems.raise_if_any()
    # The index stays the file's row number minus 2, so later messages can name rows.
    return checked


# The contract's own checks run on this many rows at a time and stop once the listed problems
# are full: a file of 500,000 failing rows costs one chunk's failure cases, not 500,000 objects.
SCHEMA_CHUNK_ROWS = 20_000


def _schema_checked(rows: pd.DataFrame, name: str, problems: _Problems) -> pd.DataFrame:
    """Return the rows validated by the contract's schema, chunk by chunk, recording problems."""
    schema = observations_schema()
    parts = []
    for start in range(0, len(rows), SCHEMA_CHUNK_ROWS):
        if problems.full:
            problems.incomplete = True
            break
        chunk = rows.iloc[start : start + SCHEMA_CHUNK_ROWS]
        try:
            parts.append(validate(chunk, schema, name))
        except CorridorError as exc:
            # An unknown metric has no unit to match: the metric's own problem says it all.
            bad_metric = problems.flagged.get("metric", np.array([], dtype=np.int64)) + 2
            bad_metric = np.union1d(
                bad_metric, [p.row for p in exc.problems if p.column == "metric" and p.row]
            )
            problems.add_many(
                p for p in exc.problems if not (p.column == "unit" and p.row in bad_metric)
            )
    problems.raise_if_any()
    return pd.concat(parts) if len(parts) > 1 else parts[0] if parts else rows


def parse_upload(
    data: bytes,
    name: str,
    known_sources: Iterable[str],
    *,
    max_bytes: int | None = None,
    max_unpacked: int = DEFAULT_MAX_UNPACKED_BYTES,
) -> Upload:
    """Return a validated upload from its bytes, or raise a CorridorError listing every problem."""
    check_file_name(name)
    check_size(len(data), name, max_bytes)
    # Parsed and checked in a limited child: a hostile file costs the child, never the server.
    kind, rows, notes = sandbox.run_limited(
        _read_and_validate,
        (data, name, list(known_sources), max_bytes, max_unpacked),
        name,
        **sandbox.UPLOAD_LIMITS,
    )
    return Upload(name, kind, hashlib.sha256(data).hexdigest(), data, rows, tuple(notes))


def _read_and_validate(
    data: bytes, name: str, known_sources: list[str], max_bytes: int | None, max_unpacked: int
) -> tuple[str, pd.DataFrame, list[Problem]]:
    """Return the upload's kind, checked rows and reading notes (run in the limited child)."""
    kind, frame = read_upload_frame(data, name, max_bytes=max_bytes, max_unpacked=max_unpacked)
    rows, notes = validate_frame_noted(frame, name, known_sources)
    return kind, rows, notes


def template_csv(lang: str = "en") -> bytes:
    """Return a CSV template of the upload columns with one example row (UTF-8 with BOM).

    In Chinese the headers and the vocabulary values are the labels the dashboard shows; the
    reader accepts both forms.
    """
    metrics = load_metrics()
    zh = lang == "zh"
    header = ",".join(HEADERS_ZH[c][0] if zh else c for c in OBSERVATION_COLUMNS)
    example = ",".join(
        [
            metrics["teu"].label_zh if zh else "teu",
            "150000",
            "",  # qualifier: empty = exactly as stated
            metrics["teu"].unit_zh if zh else metrics["teu"].unit,
            "2025-01-01",
            "2025-03-31",
            "重庆" if zh else "chongqing",
            "铁海联运" if zh else "rail_sea",
            "重庆西部陆海新通道铁海联运班列",
            "",
            "12.5%" if zh else "12.5",
            "报道值" if zh else "reported",
            "my-source-id",
            "示例行，请替换 / example row: replace it",
        ]
    )
    # The BOM makes Excel on Chinese Windows open the file as UTF-8; the reader accepts it.
    return ("\ufeff" + header + "\n" + example + "\n").encode("utf-8")
