"""Sentences and clauses: the simplified reading copy of a text, its sentences, its clause starts.

Every rule reads a simplified-character copy of the text (the conversion keeps lengths, so offsets
line up with the original, which is what a figure quotes). Sentences end at a full stop, question or
exclamation mark or a line break, keeping a closing quote; clauses end at commas, semicolons, colons
and dashes. A sentence longer than any report writes is read in pieces (bounded_sentences), so the
work an article costs grows with its length, never with the square of one sentence's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from etl.contract.places import to_simplified
from etl.extraction.numbers import CN_DIGITS, normalize_digits

# A closing quote after the full stop belongs to the sentence it closes.
SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?]*[”」』\"]?")
CLAUSE_DELIM_RE = re.compile(r"[，,；;：:。！？!?]|——")
# The longest sentence of the shipped and test articles is 164 characters and the longest clause
# 141. Reading a sentence costs more than its length (each figure looks back over its clauses,
# rates are matched to figures pairwise): a longer sentence is read in pieces cut after its
# clauses, and a longer clause in pieces of at most MAX_CLAUSE_CHARS, never inside a number.
MAX_SENTENCE_CHARS = 600
MAX_CLAUSE_CHARS = 200
CLAUSE_SPAN_RE = re.compile(r"[^，,；;：:、]*[，,；;：:、]?")
# What a number and its magnitude are written with: a cut is never made beside one of these.
NUMBER_CHARS = frozenset("0123456789０１２３４５６７８９.．%％万亿" + CN_DIGITS)
# A run of number characters longer than any figure is written with (1,234,567.89 is 12): the
# number patterns would try every start in it against every length, so the reading copy masks it.
LONG_NUMBER_RE = re.compile(rf"[0-9.,，{CN_DIGITS}万亿]{{33,}}")
MASK = "#"


# Scopes, names and the next sentence are folded again and again: fold each text once.
@lru_cache(maxsize=8192)
def simplify(text: str) -> str:
    """Return text in simplified characters with ASCII digits, same length as the input, with
    any run of number characters too long to be a figure masked."""
    converted = to_simplified(text)
    if len(converted) != len(text):
        converted = text
    return LONG_NUMBER_RE.sub(lambda m: MASK * len(m.group()), normalize_digits(converted))


def split_sentences(body: str) -> list[str]:
    """Return the body's sentences, each with its closing punctuation."""
    return [s.strip() for s in SENTENCE_RE.findall(body) if s.strip()]


def bounded_sentences(line: str) -> list[str]:
    """Return a line's sentences, each over-long one as pieces of at most MAX_SENTENCE_CHARS."""
    out: list[str] = []
    for sentence in split_sentences(line):
        out += [sentence] if len(sentence) <= MAX_SENTENCE_CHARS else clause_pieces(sentence)
    return out


def clause_pieces(sentence: str) -> list[str]:
    """Return a sentence cut into pieces of at most MAX_SENTENCE_CHARS that join back into it:
    whole clauses packed in order, a clause over MAX_CLAUSE_CHARS cut where no number is."""
    pieces: list[str] = []
    current = ""
    for clause in CLAUSE_SPAN_RE.findall(sentence):
        for part in _clause_parts(clause):
            if len(current) + len(part) > MAX_SENTENCE_CHARS:
                pieces.append(current)
                current = ""
            current += part
    if current:
        pieces.append(current)
    return pieces


def _clause_parts(clause: str) -> list[str]:
    # Cut before MAX_CLAUSE_CHARS where neither side is part of a number (1万|标箱 would lose the
    # figure, 12|345列 would make one up); a run of number characters over half the length is cut
    # where it must.
    parts = []
    while len(clause) > MAX_CLAUSE_CHARS:
        at = MAX_CLAUSE_CHARS
        while at > MAX_CLAUSE_CHARS // 2 and (
            clause[at - 1] in NUMBER_CHARS or clause[at] in NUMBER_CHARS
        ):
            at -= 1
        if at == MAX_CLAUSE_CHARS // 2:
            at = MAX_CLAUSE_CHARS
        parts.append(clause[:at])
        clause = clause[at:]
    return [*parts, clause] if clause else parts


def clause_start(s: str, pos: int) -> int:
    """Return where the clause holding pos begins (after the last delimiter before it)."""
    starts = [m.end() for m in CLAUSE_DELIM_RE.finditer(s, 0, pos)]
    return starts[-1] if starts else 0
