"""The lookup of the dashboard's words in Chinese and English, and the vocabulary's labels.

Every piece of UI text is a key of the catalogue (dashboard/catalogue.py) with both languages;
pages, charts and the deck look it up with t() (or both() for a message shown in both languages
at once), through a Locale (dashboard/locales.py), and never branch on the language themselves.
Number and date formats (万/亿, 2024年1—7月) live in dashboard.format.
"""

from __future__ import annotations

from dashboard.catalogue import TEXT
from etl.contract.publishers import publisher_name
from etl.contract.vocabulary import load_metrics, load_regions, load_routes

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
# The language switch names each language in itself, whatever the page's language.
LANG_NAMES = {"zh": "中文", "en": "English"}

# A figure's sentence is named by its source's kind (sources.kind).
SENTENCE_KEYS = {
    "brief": "sentence_brief",
    "article": "sentence_article",
    "upload": "sentence_upload",
}


def t(key: str, lang: str, **fields: object) -> str:
    """Return the catalogue's text for key in the language, its {fields} filled in."""
    text = TEXT[key][LANGS.index(lang) if lang in LANGS else 0]
    return text.format(**fields) if fields else text


def pair(key: str, **fields: object) -> tuple[str, str]:
    """Return the text for key in Chinese and in English."""
    zh, en = (t(key, lang, **fields) for lang in LANGS)
    return zh, en


def both(key: str, **fields: object) -> str:
    """Return a message in both languages at once, Chinese first (for messages all must read)."""
    return " / ".join(pair(key, **fields))


EMPTY_RESULT = both("empty_result")
NO_DATA = both("no_data")


def metric_label(metric: str, lang: str) -> str:
    """Return a metric's label, or the key itself when the vocabulary lacks it."""
    m = load_metrics().get(metric)
    return m.label(lang) if m else metric


def region_label(region: str, lang: str) -> str:
    """Return a region's label, or the key itself."""
    for place in load_regions():
        if place.key == region:
            return place.label(lang)
    return region


def route_label(route: str, lang: str) -> str:
    """Return a route's label; the empty route reads 'no route stated'."""
    if not route:
        return t("no_route", lang)
    for place in load_routes():
        if place.key == route:
            return place.label(lang)
    return route


def basis_label(basis: str, lang: str) -> str:
    """Return 'reported' or 'derived' in words."""
    return t(basis, lang) if basis in ("reported", "derived") else basis


def publisher_label(publisher: str, lang: str) -> str:
    """Return a publisher as readers know it in `lang` (English names from publishers.toml)."""
    return publisher_name(publisher, lang)


def sentence_label(kind: str, lang: str) -> str:
    """Return what a figure's sentence is: a brief's summary sentence or an article's original."""
    return t(SENTENCE_KEYS.get(kind, "sentence_other"), lang)
