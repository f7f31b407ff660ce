"""Text cells checked for what must never enter the data: formula prefixes, markup, control
characters and over-long text."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from etl.contract.formulas import FORMULA_NUMBER_RE, FORMULA_RE
from etl.uploads.columns import MAX_LENGTHS, NUMBER_COLUMNS
from etl.uploads.problem_list import ProblemList

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


def matches_re2(cells: pd.Series, pattern: str) -> np.ndarray:
    """Return which cells an RE2 pattern (Arrow's regex engine) finds, in one pass."""
    # pandas' text columns hold Arrow arrays: handed over as they are, not as Python strings.
    text = pa.array(cells.astype(str).array, type=pa.large_string())
    found = pc.match_substring_regex(text, pattern)
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def check_text(
    frame: pd.DataFrame, problems: ProblemList, columns: Iterable[str] | None = None
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


def strip_cells(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.apply(lambda s: s.astype(str).str.strip())
