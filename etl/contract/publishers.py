"""Publishers as readers know them: the English name of an outlet stored in simplified Chinese."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources


@cache
def load_publishers() -> dict[str, str]:
    """Return the publisher table: the stored (simplified Chinese) name → the English name."""
    text = resources.files("etl.contract").joinpath("rules", "publishers.toml").read_text("utf-8")
    table = tomllib.loads(text).get("publisher", {})
    return {str(zh).strip(): str(en).strip() for zh, en in table.items()}


def publisher_name(publisher: str, lang: str) -> str:
    """Return a publisher's name in `lang`: English from the table, else the name as stored."""
    if lang != "en":
        return publisher
    return load_publishers().get(publisher.strip(), publisher)
