"""Milestones from article text: a dated day plus a milestone phrase (a table of cases)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from etl.extraction.events import extract_events, score_events

PUB = date(2024, 3, 19)

# text, published → (date, kind, English title) of each event found
CASES = [
    (
        "8月31日上午,一列班列抵达重庆团结村站,这是西部陆海新通道铁海联运班列第2万列。",
        date(2022, 8, 31),
        [(date(2022, 8, 31), "milestone", "20,000th rail–sea train")],
    ),
    (
        "3月17日,今年西部陆海新通道北部湾港海铁联运班列第2000列发出,开行量同比增长16.8%。",
        PUB,
        [(date(2024, 3, 17), "milestone", "2,000th rail–sea train of 2024 (Guangxi)")],
    ),
    (
        "2017年4月28日首趟班列开出;到2021年4月28日累计完成1万列。",
        PUB,
        [
            (date(2017, 4, 28), "line_opened", "First train service"),
            (date(2021, 4, 28), "milestone", "10,000 trains in total"),
        ],
    ),
    (
        "截至29日,西部陆海新通道班列今年以来发送突破130万标箱。",
        date(2025, 11, 30),
        [(date(2025, 11, 29), "milestone", "Volume passes 1,300,000 TEU in 2025")],
    ),
    (
        "12月30日,北部湾港集装箱年吞吐量突破1000万标箱。",
        date(2025, 12, 31),
        [
            (
                date(2025, 12, 30),
                "milestone",
                "Beibu Gulf Port's container throughput passes 10,000,000 TEU in 2025",
            )
        ],
    ),
    (
        "9月28日上午,洋浦—南太—澳洲集装箱航线正式开通运营。",
        date(2020, 9, 28),
        [(date(2020, 9, 28), "line_opened", "New shipping route opened")],
    ),
    (
        "8月2日,国家发展改革委印发《西部陆海新通道总体规划》。",
        date(2019, 8, 15),
        [(date(2019, 8, 2), "policy", "Master plan issued")],
    ),
    # Not events: no day, a forecast, a day after publication.
    ("今年西部陆海新通道班列开行突破9000列。", PUB, []),
    ("12月31日,预计全年班列开行有望突破1万列。", date(2025, 12, 1), []),
    ("5月1日,首趟班列将开行。", PUB, []),
]


@pytest.mark.parametrize(("text", "published", "expected"), CASES)
def test_milestones_are_read_with_their_day(
    text: str, published: date, expected: list[tuple[date, str, str]]
) -> None:
    found = [(e.date, e.kind, e.title_en) for e in extract_events(text, published)]
    assert found == expected


def test_the_chinese_title_is_the_sources_clause_in_simplified_characters() -> None:
    (event,) = extract_events("5月11日,今年西部陸海新通道鐵海聯運班列運量突破30萬標箱。", PUB)
    assert event.title_zh == "今年西部陆海新通道铁海联运班列运量突破30万标箱"
    assert event.quote.startswith("5月11日") and event.date == date(2023, 5, 11)


def test_events_are_scored_by_source_and_day() -> None:
    found = pd.DataFrame({"source_id": ["a", "a", "b"], "date": ["2021-04-28", "2022-01-01", "x"]})
    truth = pd.DataFrame({"source_id": ["a", "c"], "date": ["2021-04-28", "2021-04-28"]})
    score = score_events(found, truth)
    assert score["matched"] == 1 and score["precision"] == pytest.approx(1 / 3)
    assert score["recall"] == pytest.approx(1 / 2)
