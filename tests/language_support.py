"""The words a reader sees on a page run in AppTest, and the checks that they are in one language.

Collected from every element of the run: markdown, captions, headings, alerts, metric and widget
labels, options and help, tab and expander labels, table headers, and the plotly charts' titles,
axis titles, trace names, hover templates and annotations. Data cells and a chart's points (the
sources' own sentences and scopes) are the data, not the interface, and are not collected.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from typing import Any

from app_support import shown
from streamlit.testing.v1 import AppTest

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
# An English word: two or more Latin letters (a lone letter is a variable or an axis tick).
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
_STYLE = re.compile(r"<(style|script)\b.*?</\1>", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_TEMPLATE_FIELD = re.compile(r"%\{[^}]*\}|<extra>.*?</extra>")
# Proto fields that carry words a reader sees (ids, keys, styles and data are not).
_WORD_FIELDS = ("label", "body", "help", "options", "placeholder", "text", "caption")
_PLOTLY_WORDS = ("title", "name", "hovertemplate", "text")


def _readable(markup: str) -> str:
    # Markdown may carry our own CSS and HTML: the reader sees its text, not the markup.
    text = _TAG.sub(" ", _STYLE.sub(" ", markup))
    text = re.sub(r"\]\([^)]*\)", "]", text)  # a link's address is not read
    return html.unescape(shown(text))


def _nodes(node: Any) -> Iterator[Any]:
    yield node
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from _nodes(child)


def _proto_words(proto: Any) -> Iterator[str]:
    for field, value in proto.ListFields():
        if field.name not in _WORD_FIELDS:
            continue
        if isinstance(value, str):
            yield _readable(value)
        elif hasattr(value, "__iter__"):
            yield from (_readable(v) for v in value if isinstance(v, str))


def _plotly_words(spec: dict[str, Any]) -> Iterator[str]:
    layout = spec.get("layout", {})
    for key, part in layout.items():
        if key == "title" or key.startswith(("xaxis", "yaxis")):
            title = part.get("title") if key != "title" else part
            if isinstance(title, dict):
                title = title.get("text")
            if isinstance(title, str):
                yield _readable(title)
    for note in layout.get("annotations", []):
        yield _readable(str(note.get("text", "")))
    for trace in spec.get("data", []):
        # A trace out of the legend and the hover (the map's land) shows no name or text.
        if trace.get("showlegend") is False and trace.get("hoverinfo") in ("skip", "none"):
            continue
        for key in _PLOTLY_WORDS:
            value = trace.get(key)
            if isinstance(value, str):
                yield _readable(_TEMPLATE_FIELD.sub(" ", value))


def _table_headers(element: Any) -> Iterator[str]:
    try:
        frame = element.value
    except Exception:  # a table without an arrow frame shows no headers
        return
    yield from (str(c) for c in frame.columns)
    if frame.index.name:
        yield str(frame.index.name)


def interface_words(at: AppTest) -> list[str]:
    """Return every piece of interface text of a run, as a reader sees it."""
    found: list[str] = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        kind = getattr(node, "type", "")
        if kind == "plotly_chart":
            found += _plotly_words(json.loads(proto.spec))
        elif kind in ("arrow_data_frame", "dataframe", "table"):
            found += _table_headers(node)
        elif proto is not None and hasattr(proto, "ListFields"):
            found += _proto_words(proto)
    return [text for text in found if text.strip()]


def cjk_outside(words: list[str], allowed: tuple[str, ...]) -> list[str]:
    """Return the texts that hold a CJK character outside the allowed names."""
    bad = []
    for text in words:
        rest = text
        for name in allowed:
            rest = rest.replace(name, "")
        if CJK.search(rest):
            bad.append(text)
    return bad


def english_outside(words: list[str], allowed: tuple[str, ...]) -> list[str]:
    """Return the texts that hold an English word outside the allowed words and code spans."""
    allowed_lower = {w.lower() for w in allowed}
    # `secrets.toml` is what an administrator types, not prose: code spans are not read as words.
    return [
        text
        for text in words
        if any(
            w.lower() not in allowed_lower
            for w in LATIN_WORD.findall(re.sub(r"`[^`]*`", " ", text))
        )
    ]
