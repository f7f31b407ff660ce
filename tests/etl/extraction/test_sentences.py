"""Sentences and clauses: the simplified reading copy, sentence splitting, clause starts."""

from __future__ import annotations

from etl.extraction.sentences import clause_start, simplify, split_sentences


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
