"""What every part of the upload page works on: the data directory, its settings, the locale."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard import data, ui
from dashboard.locales import Locale
from etl.contract.paths import Layout
from etl.store.settings import Settings, load_settings


@dataclass(frozen=True)
class UploadContext:
    """The data directory the page writes to, its settings and the reader's locale."""

    layout: Layout
    settings: Settings
    locale: Locale


def current_context() -> UploadContext:
    """Return this run's context: the data directory, its settings.toml and the reader's locale."""
    layout = data.current_layout()
    return UploadContext(layout, load_settings(layout), ui.page_locale())
