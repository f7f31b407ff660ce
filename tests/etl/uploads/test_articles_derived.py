"""etl/uploads/articles.py with_derived: an article's derived prior-year rows follow the edited
reported rows and are never taken from the screen."""

from __future__ import annotations

import pandas as pd

from etl.uploads.articles import propose_article, with_derived

ARTICLE = (
    "title: 测试文章\npublisher: 测试社\npublished: 2024-09-11\n---\n"
    "1—8月，西部陆海新通道铁海联运班列累计开行7654列，同比增长12.5%。\n"
).encode()


def test_derived_rows_are_recomputed_from_the_edited_reported_rows() -> None:
    proposal = propose_article(ARTICLE, "a.txt")
    assert list(proposal.rows["basis"]) == ["reported", "derived"]
    reported = proposal.rows.loc[proposal.rows["basis"] == "reported"].copy()
    assert with_derived(reported).equals(proposal.rows), "unedited: the same rows"
    reported["value"] = 9000.0
    again = with_derived(reported)
    derived = again.loc[again["basis"] == "derived"].iloc[0]
    assert derived["value"] == round(9000 / 1.125, 1)
    assert derived["period_start"] == pd.Timestamp("2023-01-01")


def test_a_derived_row_typed_on_screen_is_dropped_and_a_blank_row_derives_nothing() -> None:
    proposal = propose_article(ARTICLE, "a.txt")
    hand = proposal.rows.copy()
    hand.loc[hand["basis"] == "derived", "value"] = 1.0  # edited by hand: ignored
    blank = pd.DataFrame([{c: None for c in hand.columns}])
    out = with_derived(pd.concat([hand, blank], ignore_index=True))
    assert 1.0 not in out["value"].tolist()
    assert len(out) == 3 and (out["basis"] == "derived").sum() == 1
