"""Streamlit's own file-uploader words in the page's language.

Streamlit 1.67 writes the uploader's button (Upload), its limits (25MB per file • CSV, XLSX) and
the drag overlay (Drag and drop a file here) in English and offers no parameter for them, so in
Chinese the page hides those words with CSS and shows the catalogue's own in their place. English
keeps Streamlit's text, which already reads as the catalogue would.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.locales import Locale

# Streamlit 1.67's own button word; a language whose catalogue says the same keeps Streamlit's.
STREAMLIT_BUTTON = "Upload"
DROPZONE = '[data-testid="stFileUploaderDropzone"]'
BUTTON = '[data-testid="stBaseButton-secondary"]'
INSTRUCTIONS = '[data-testid="stFileUploaderDropzoneInstructions"]'


def _css_string(text: str) -> str:
    # Catalogue text only, but a quote or backslash would still end a CSS string early.
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def streamlit_limit_bytes() -> int:
    """Return the upload size Streamlit's server accepts (server.maxUploadSize, in MB)."""
    return int(float(st.get_option("server.maxUploadSize")) * 1024 * 1024)


def show_uploader_words(
    key: str, types: Sequence[str], locale: Locale, max_bytes: int | None = None
) -> None:
    """Put the uploader `key`'s built-in words in the page's language; call before the widget."""
    limit = (
        streamlit_limit_bytes() if max_bytes is None else min(max_bytes, streamlit_limit_bytes())
    )
    css = uploader_css(key, types, limit, locale)
    if css:
        st.html(css)


def uploader_css(key: str, types: Sequence[str], max_bytes: int, locale: Locale) -> str:
    """Return the <style> putting uploader `key`'s built-in words in Chinese ('' in English)."""
    if locale.t("up_browse") == STREAMLIT_BUTTON:
        return ""  # the catalogue's words are Streamlit's own (English): nothing to replace
    zone = f".st-key-{key} {DROPZONE}"
    limits = locale.t(
        "up_dropzone_limits",
        mb=f"{max_bytes / (1024 * 1024):g}",
        types="、".join(t.lstrip(".").upper() for t in types),
    )
    return f"""<style>
{zone} {BUTTON} [data-testid="stMarkdownContainer"] {{ display: none; }}
{zone} {BUTTON} [data-has-shortcut]::after {{ content: {_css_string(locale.t("up_browse"))}; }}
{zone} {INSTRUCTIONS} span {{ display: none; }}
{zone} {INSTRUCTIONS} > div::after {{
  content: {_css_string(limits)}; font-size: 0.875rem; opacity: 0.7; }}
{zone} > div:not([data-testid]) span {{ font-size: 0; }}
{zone} > div:not([data-testid]) span::after {{
  content: {_css_string(locale.t("up_drop_here"))}; font-size: 0.875rem; }}
</style>"""
