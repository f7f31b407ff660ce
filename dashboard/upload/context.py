"""What every part of the upload page works on: the data directory, its settings, the language."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import data, ui
from etl.contract.paths import Layout
from etl.store.settings import Settings, load_settings


@dataclass(frozen=True)
class UploadContext:
    """The data directory the page writes to, its settings and the page's language."""

    layout: Layout
    settings: Settings
    lang: str


def current_context() -> UploadContext:
    """Return this run's context: the data directory, its settings.toml and the chosen language."""
    _table, filters = ui.current()
    layout = data.current_layout()
    return UploadContext(layout, load_settings(layout), filters.lang)
