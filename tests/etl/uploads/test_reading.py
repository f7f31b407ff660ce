"""etl/uploads/reading.py: a sheet's columns become the same frame pandas makes of the lists
itself (text_frame), and blank rows go by str.strip's own idea of blank (_drop_blank_rows)."""

from __future__ import annotations

import random

import pandas as pd

from etl.uploads.reading import _drop_blank_rows, text_frame

# Cells as sheets hold them: words, numbers as text, empty cells, and every kind of whitespace
# str.strip removes (some of which Arrow's own trimming would not), inside text and alone.
CELLS = ["teu", "重庆", "1000", "12.5%", "", " ", "\t", "\u3000", "\x1c", "\xa0", " a ", "\u3000b"]


def random_sheet(seed: int) -> tuple[list[str], list[int], list[list[str]]]:
    rng = random.Random(seed)
    width, height = rng.randint(1, 6), rng.randint(0, 40)
    header = [f"h{i}" for i in range(width)]
    numbers = sorted(rng.sample(range(2, 200), height))
    columns = [[rng.choice(CELLS) for _ in numbers] for _ in header]
    return header, numbers, columns


def old_frame(header: list[str], numbers: list[int], columns: list[list[str]]) -> pd.DataFrame:
    """The frame as read_xlsx_frame built it before text_frame: pandas converting the lists."""
    index = pd.Index([r - 2 for r in numbers], dtype="int64")
    frame = pd.DataFrame(dict(enumerate(columns)), index=index, dtype=str)
    frame.columns = pd.Index(header, dtype=str)
    return frame


def old_drop_blank_rows(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return frame
    filled = (frame.astype(str).apply(lambda s: s.str.strip()) != "").any(axis=1)
    return frame if filled.all() else frame.loc[filled]


def test_text_frame_is_the_frame_pandas_makes_of_the_lists() -> None:
    for seed in range(60):
        sheet = random_sheet(seed)
        made, expected = text_frame(*sheet), old_frame(*sheet)
        pd.testing.assert_frame_equal(made, expected)
        assert list(made.dtypes) == list(expected.dtypes)


def test_blank_rows_are_those_str_strip_leaves_empty() -> None:
    dropped = 0
    for seed in range(60):
        frame = old_frame(*random_sheet(seed))
        kept = _drop_blank_rows(frame)
        pd.testing.assert_frame_equal(kept, old_drop_blank_rows(frame))
        dropped += len(frame) - len(kept)
    assert dropped > 0, "the sheets hold blank rows to drop"


def test_a_row_of_unicode_whitespace_is_blank_and_a_row_with_text_is_not() -> None:
    frame = old_frame(["a", "b"], [2, 3, 4], [["\u3000", "\x1c", " x"], ["\xa0\t", "", ""]])
    assert _drop_blank_rows(frame).index.tolist() == [2]
