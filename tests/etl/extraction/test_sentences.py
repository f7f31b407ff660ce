"""Sentences and clauses: the simplified reading copy, sentence splitting, clause starts, and
the pieces an over-long sentence is read in."""

from __future__ import annotations

from itertools import pairwise

from etl.extraction.sentences import (
    MAX_CLAUSE_CHARS,
    MAX_SENTENCE_CHARS,
    NUMBER_CHARS,
    bounded_sentences,
    clause_pieces,
    clause_start,
    simplify,
    split_sentences,
)


def test_split_sentences_keeps_punctuation() -> None:
    assert split_sentences("甲。乙！\n丙") == ["甲。", "乙！", "丙"]


def test_a_closing_quote_stays_with_its_sentence() -> None:
    assert split_sentences("他说：“开行100列。”随后发车。") == ["他说：“开行100列。”", "随后发车。"]


def test_simplify_folds_script_and_digits_keeping_offsets() -> None:
    text = "重慶班車開行１２３列"
    folded = simplify(text)
    assert folded == "重庆班车开行123列"
    assert len(folded) == len(text)


def test_clause_start_is_after_the_last_delimiter_before_a_position() -> None:
    s = "一季度，广西发送1万标箱；同比增长5%"
    assert clause_start(s, s.index("广西")) == s.index("广西")
    assert clause_start(s, s.index("同比")) == s.index("同比")
    assert clause_start(s, 2) == 0


def test_a_sentence_of_ordinary_length_is_one_piece() -> None:
    line = "今年1—6月，西部陆海新通道班列开行100列，同比增长5.2%。随后发车。"
    assert bounded_sentences(line) == split_sentences(line)


def test_an_over_long_sentence_is_read_in_pieces_cut_after_its_clauses() -> None:
    clause = "西部陆海新通道班列开行100列，"
    sentence = clause * 200 + "同比增长5.2%。"
    pieces = bounded_sentences(sentence)
    assert len(pieces) > 1
    assert "".join(pieces) == sentence, "the pieces join back into the sentence, nothing lost"
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    # Every piece but the last ends at a clause's end: no clause is split.
    assert all(p.endswith("，") for p in pieces[:-1])


def test_a_clause_without_delimiters_is_cut_where_no_number_is() -> None:
    # Numbers straddle the multiples of MAX_CLAUSE_CHARS: a fixed cut would make 12345|678列.
    sentence = ("班列开行12345678列" * 400)[: 7 * MAX_CLAUSE_CHARS + 5] + "。"
    pieces = clause_pieces(sentence)
    assert len(pieces) > 2
    assert "".join(pieces) == sentence
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)
    for before, after in pairwise(pieces):
        assert before[-1] not in NUMBER_CHARS and after[0] not in NUMBER_CHARS, (before, after)


def test_a_run_of_digits_with_no_gap_is_still_cut() -> None:
    clause = "1" * (4 * MAX_CLAUSE_CHARS)
    pieces = clause_pieces(clause)
    assert "".join(pieces) == clause
    assert all(len(p) <= MAX_SENTENCE_CHARS for p in pieces)


def test_simplify_masks_a_run_of_number_characters_too_long_to_be_a_figure() -> None:
    text = "开行" + "1" * 40 + "列，发送1,234,567.89吨、一百二十三万标箱、" + "一二三" * 20 + "。"
    folded = simplify(text)
    assert len(folded) == len(text), "offsets still line up with the quote"
    assert "1" * 33 not in folded and "#" * 40 in folded
    assert "1,234,567.89" in folded and "一百二十三万" in folded
    assert "一二三一二三" not in folded
