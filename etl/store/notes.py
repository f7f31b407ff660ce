"""Free text analysts type into the record (reasons, titles, wordings), checked before kept."""

from __future__ import annotations

import pandas as pd

from etl.contract.errors import CorridorError
from etl.contract.formulas import FORMULA_RE
from etl.uploads.cell_checks import CONTROL_RE, MARKUP_RE

# A reason is a sentence or two for the record; a page pasted in is a mistake.
MAX_REASON = 1000


def check_note(text: str, column: str, limit: int = MAX_REASON, required: bool = True) -> str:
    """Return the note trimmed, refusing an empty (when required), over-long or unsafe one."""
    value = text.strip()
    if not value and not required:
        return value
    series = pd.Series([text], dtype=str)
    bad = (
        not value
        or len(value) > limit
        or bool(series.str.contains(f"{FORMULA_RE}|{MARKUP_RE}|{CONTROL_RE}", regex=True).iloc[0])
    )
    if bad:
        raise CorridorError.single(
            f"“{column}”不能为空、过长（上限 {limit}）、以公式符号开头或含有标记",
            f"'{column}' must be non-empty, at most {limit} characters, with no formula prefix "
            "or markup",
            column=column,
            value=text,
        )
    return value
