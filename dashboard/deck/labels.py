"""The deck's category labels: one line each, cut to fit beside the bars, never repeated."""

from __future__ import annotations

import unicodedata
from collections import Counter

import pandas as pd

from dashboard.locales import Locale

# A bar's category label is at most this wide, counting a CJK character as two: 46 Latin or
# 23 Chinese characters, under 4 of the chart's 12 inches, on one line left of the bars.
MAX_LABEL_WIDTH = 46
LABEL_SEP = " · "
ELLIPSIS = "…"
# Separators and opening brackets are dropped before an ellipsis.
_LOOSE = " ·(（-–—,，"


def text_width(text: str) -> int:
    """Return how wide text is drawn, in Latin character widths (CJK counts as two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def cut(text: str, width: int, *, middle: bool = False) -> str:
    """Return text cut to width with an ellipsis at its end (or middle, keeping head and tail)."""
    if text_width(text) <= width:
        return text
    room = max(width - text_width(ELLIPSIS), 1)
    if not middle:
        out = ""
        for ch in text:
            if text_width(out + ch) > room:
                break
            out += ch
        return out.rstrip(_LOOSE) + ELLIPSIS
    head, tail = "", ""
    chars = list(text)
    while chars:
        # Take from the tail first: a scope's distinguishing note sits at its end.
        take_tail = text_width(tail) <= text_width(head)
        ch = chars[-1] if take_tail else chars[0]
        if text_width(head + tail + ch) > room:
            break
        if take_tail:
            tail = chars.pop() + tail
        else:
            head += chars.pop(0)
    return head.rstrip(_LOOSE) + ELLIPSIS + tail.lstrip(" ·")


def _label(name: str, period: str, width: int, *, middle: bool = False) -> str:
    budget = width - text_width(LABEL_SEP + period)
    if budget < 8:  # a period so long the name would vanish: cut the whole label instead
        return cut(name + LABEL_SEP + period, width, middle=True)
    return cut(name, budget, middle=middle) + LABEL_SEP + period


def category_labels(pairs: list[tuple[str, str]], width: int = MAX_LABEL_WIDTH) -> list[str]:
    """Return one single-level label per (series, period): "成渝 · 中欧班列 · 2023年".

    A long series name is cut to keep the label within width (the period is kept whole). Labels
    stay unique: names that would collide keep their ends instead, and a last resort numbers them.
    """
    labels = [_label(name, period, width) for name, period in pairs]
    counts = Counter(labels)
    labels = [
        _label(name, period, width, middle=True) if counts[label] > 1 else label
        for (name, period), label in zip(pairs, labels, strict=True)
    ]
    return unique_labels(labels, width)


def unique_labels(labels: list[str], width: int = MAX_LABEL_WIDTH) -> list[str]:
    """Return the labels with any repeated one numbered " (1)", " (2)" …, still within width."""
    counts = Counter(labels)
    seen: Counter[str] = Counter()
    out: list[str] = []
    for label in labels:
        if counts[label] > 1:
            seen[label] += 1
            mark = f" ({seen[label]})"
            label = cut(label, width - text_width(mark), middle=True) + mark
        out.append(label)
    return out


def growth_label(row: pd.Series, locale: Locale) -> str:
    """Return a growth bar's category: the metric and its period (the metric cut if long)."""
    period = locale.t("paren_suffix", inner=row["period_label"])
    label = cut(locale.metric(str(row["metric"])), MAX_LABEL_WIDTH - text_width(period))
    return label + period


# A value label's size on a native chart's plot (about 11 by 4.3 inches on the slide): a
# character of 13 pt type is about 0.6 em wide (CJK counted as two), plus the label's margins;
# one line is 1.3 em high.
PLOT_WIDTH_PT = 11 * 72
PLOT_HEIGHT_PT = 4.3 * 72
LABEL_PT = 13
LABEL_PAD_PT = 6


def spaced_labels(
    points: list[tuple[float, float, str]], x_span: tuple[float, float], y_top: float
) -> list[bool]:
    """Return which points of an XY chart keep their value label so no two labels overlap.

    points: (x, y, label text); x_span: the x axis' ends; y_top: at least the value axis' top.
    The latest point is labelled first, then each earlier one whose label clears those kept.
    """
    lo, hi = x_span
    width = (hi - lo) or 1.0
    top = y_top or 1.0
    boxes: list[tuple[float, float, float]] = []
    keep = [False] * len(points)
    for i in sorted(range(len(points)), key=lambda i: points[i][0], reverse=True):
        x, y, text = points[i]
        half = (text_width(text) * 0.6 * LABEL_PT + LABEL_PAD_PT) / PLOT_WIDTH_PT / 2
        cx, cy = (x - lo) / width, y / top
        high = 1.3 * LABEL_PT / PLOT_HEIGHT_PT
        if all(abs(cx - bx) >= half + bh or abs(cy - by) >= high for bx, by, bh in boxes):
            boxes.append((cx, cy, half))
            keep[i] = True
    return keep
