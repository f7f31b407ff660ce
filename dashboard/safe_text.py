"""Untrusted text shown as text: escaped for Streamlit's markdown, with no bidi or line tricks.

Every string that comes from a URL, an upload, an article or a source record passes through
plain() before it reaches an element that renders markdown (st.markdown, st.caption, st.warning,
st.info, st.error, st.success, st.metric's label and help). Elements that do not interpret
their text (st.dataframe, st.code, st.text) take clean().
"""

from __future__ import annotations

import re

# Bidirectional overrides, embeddings, isolates and marks: they reorder what the reader sees
# (U+202E makes "gpj.exe" read "exe.jpg") and carry no meaning in a figure's text.
BIDI_RE = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# Control characters and line breaks: a line break followed by "#" would start a heading.
BREAK_RE = re.compile("[\x00-\x1f\x7f\u0085\u2028\u2029]+")
# CommonMark lets a backslash escape any ASCII punctuation; escaping all of it also defeats
# GitHub's bare-URL autolinks, Streamlit's :color[...] and :emoji: directives and $math$.
PUNCTUATION_RE = re.compile(r"([!-/:-@\[-`{-~])")
# GitHub's autolink literals are found in the text after escapes are resolved, so a bare
# "http://", "www." or e-mail address would still become a link: a word joiner (U+2060, not
# shown) breaks each of them.
AUTOLINK_RE = re.compile(r"(:)(//)|(www)(\.)|(@)", re.IGNORECASE)
WORD_JOINER = "\u2060"


def clean(text: object, limit: int | None = None) -> str:
    """Return the text on one line without bidi controls, cut to limit characters if given."""
    out = BREAK_RE.sub(" ", BIDI_RE.sub("", str(text)))
    if limit is not None and len(out) > limit:
        out = out[: max(limit - 1, 0)] + "…"
    return out


def plain(text: object, limit: int | None = None) -> str:
    """Return the text escaped so that markdown shows it literally, on one line."""
    unlinked = AUTOLINK_RE.sub(_join, clean(text, limit))
    return PUNCTUATION_RE.sub(r"\\\1", unlinked)


def _join(match: re.Match[str]) -> str:
    parts = [g for g in match.groups() if g]
    # "@" alone gets the joiner after it; "://" and "www." get it between their halves.
    return parts[0] + WORD_JOINER if len(parts) == 1 else WORD_JOINER.join(parts)


def chart_text(text: object) -> str:
    """Return data text for a plotly label or hover: no bidi controls and no tags.

    Plotly draws a subset of HTML in every label (<a href>, <b>, <br>, <span style>), so a
    scope holding "<a href=...>" would become a link in the hover; "&lt;" shows as "<".
    """
    return BIDI_RE.sub("", str(text)).replace("<", "&lt;")
