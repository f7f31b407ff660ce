"""The wording cues: each table names real vocabulary metrics and each unit the grammar reads."""

from __future__ import annotations

from etl.contract.vocabulary import load_metrics
from etl.extraction.cues import (
    MENTION_RE,
    MONEY_CUE_RE,
    MONEY_METRIC,
    RATE_SUBJECT_METRIC,
    RATE_SUBJECT_RE,
    SAVING_METRICS,
    SNAPSHOT_METRICS,
    UNIT_METRIC,
    UNITS,
)


def test_every_metric_a_cue_names_is_in_the_vocabulary() -> None:
    metrics = set(load_metrics())
    # 元 is money of a kind the money cues decide (MONEY_METRIC), not a metric itself.
    named = {m for m in UNIT_METRIC.values() if m != "money"}
    named |= set(MONEY_METRIC.values()) | set(RATE_SUBJECT_METRIC.values()) | SAVING_METRICS
    assert named <= metrics, named - metrics


def test_every_unit_the_grammar_reads_has_a_metric() -> None:
    units = UNITS.replace("班(?!车)", "班").split("|")
    # 美元 amounts are read as mentions and then dropped: the vocabulary counts yuan.
    assert {u for u in units if not u.endswith("美元")} == set(UNIT_METRIC)


def test_named_groups_of_the_money_and_rate_cues_have_a_metric_or_a_reason() -> None:
    assert set(MONEY_CUE_RE.groupindex) == set(MONEY_METRIC) | {"export", "block"}
    assert set(RATE_SUBJECT_RE.groupindex) == set(RATE_SUBJECT_METRIC)


def test_snapshots_are_the_vocabulary_snapshot_metrics() -> None:
    kinds = {k for k, m in load_metrics().items() if m.kind == "snapshot"}
    assert kinds == SNAPSHOT_METRICS
    assert {"ports_reached", "countries_reached"} <= SNAPSHOT_METRICS


def test_a_mention_is_a_quantity_then_its_unit() -> None:
    found = [(m.group("q"), m.group("u")) for m in MENTION_RE.finditer("开行1.2万列，运输10至15天")]
    assert found == [("1.2万", "列"), ("10", "天")]
