"""Sentences and clauses: the simplified reading copy of a text, its sentences, its clause starts.

Every rule reads a simplified-character copy of the text (the conversion keeps lengths, so offsets
line up with the original, which is what a figure quotes). Sentences end at a full stop, question or
exclamation mark or a line break, keeping a closing quote; clauses end at commas, semicolons, colons
and dashes.
"""

from __future__ import annotations

import re
from functools import lru_cache

from etl.contract.places import to_simplified
from etl.extraction.numbers import normalize_digits

# A closing quote after the full stop belongs to the sentence it closes.
SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]*[”」』\"]?")
CLAUSE_DELIM_RE = re.compile(r"[，,；;：:。！？!?]|——")


# Scopes, names and the next sentence are folded again and again: fold each text once.
@lru_cache(maxsize=8192)
def simplify(text: str) -> str:
    """Return text in simplified characters with ASCII digits, same length as the input."""
    converted = to_simplified(text)
    if len(converted) != len(text):
        converted = text
    return normalize_digits(converted)


def split_sentences(body: str) -> list[str]:
    """Return the body's sentences, each with its closing punctuation."""
    return [s.strip() for s in SENTENCE_RE.findall(body) if s.strip()]


def clause_start(s: str, pos: int) -> int:
    """Return where the clause holding pos begins (after the last delimiter before it)."""
    starts = [m.end() for m in CLAUSE_DELIM_RE.finditer(s, 0, pos)]
    return starts[-1] if starts else 0
