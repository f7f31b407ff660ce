"""The reader's Locale: one language's words and formats, a frozen value that keys text caches."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from dashboard import i18n
from dashboard.format import format_yoy
from dashboard.locales import EN, LOCALES, ZH, Locale, locale_for


def test_each_language_has_one_locale_and_an_unknown_code_reads_as_the_default() -> None:
    assert set(LOCALES) == set(i18n.LANGS)
    assert locale_for("en") is EN and locale_for("zh") is ZH
    assert locale_for("fr") == locale_for(None) == Locale(i18n.DEFAULT_LANG)
    with pytest.raises(ValueError, match="unknown language"):
        Locale("fr")


def test_a_locale_is_a_frozen_hashable_value() -> None:
    assert Locale("en") == EN and hash(Locale("en")) == hash(EN)
    assert len({ZH, EN, Locale("zh")}) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        EN.lang = "zh"  # type: ignore[misc]


@pytest.mark.parametrize("locale", [ZH, EN])
def test_its_words_are_the_catalogue_and_labels_of_its_language(locale: Locale) -> None:
    lang = locale.lang
    assert locale.t("brief_title") == i18n.t("brief_title", lang)
    assert locale.t("map_reach_one", figure="127") == i18n.t("map_reach_one", lang, figure="127")
    assert locale.metric("teu") == i18n.metric_label("teu", lang)
    assert locale.region("chongqing") == i18n.region_label("chongqing", lang)
    assert locale.route("") == i18n.route_label("", lang)
    assert locale.basis("derived") == i18n.basis_label("derived", lang)


@pytest.mark.parametrize(
    ("locale", "value", "period", "date"),
    [
        (ZH, "超1万列", "2024年1—7月", "2024年9月11日"),
        (EN, "over 10,000 trains", "Jan–Jul 2024", "11 Sep 2024"),
    ],
)
def test_its_numbers_and_dates_are_the_formats_of_its_language(
    locale: Locale, value: str, period: str, date: str
) -> None:
    start, end = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-07-31")
    assert locale.value(10_000, "train_runs", qualifier="over") == value
    assert locale.period(start, end) == period
    assert locale.date(pd.Timestamp("2024-09-11")) == date
    assert locale.yoy(12.5) == format_yoy(12.5, locale.lang)
