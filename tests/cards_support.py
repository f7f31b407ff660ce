"""The headline cards as a reader sees them, read back from the page's HTML block.

See dashboard/cards.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class Card:
    """One card's texts, by the class of the line they sit in."""

    metric: str
    label: str = ""
    value: str = ""
    delta: str | None = None
    period: str = ""
    notes: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Return every line of the card."""
        return "\n".join([self.label, self.value, self.delta or "", self.period, *self.notes])


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.cards: list[Card] = []
        self.line: str | None = None
        self.buffer = ""
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if "cd-card" in classes:
            self.cards.append(Card(metric=found.get("data-metric") or ""))
        elif self.line is None and any(c.startswith("cd-") for c in classes) and self.cards:
            self.line, self.buffer, self.depth = classes[0], "", 0
        elif self.line is not None:
            self.depth += 1
            if tag == "a" and found.get("href"):
                self.cards[-1].links.append(str(found["href"]))

    def handle_endtag(self, tag: str) -> None:
        if self.line is None:
            return
        if self.depth:
            self.depth -= 1
            return
        card, text = self.cards[-1], self.buffer.strip()
        if self.line == "cd-label":
            card.label = text
        elif self.line == "cd-value":
            card.value = text
        elif self.line == "cd-delta":
            # "↑ +46.4% 同比": the value between the arrow and the words.
            card.delta = text.split()[1] if len(text.split()) > 1 else text
        elif self.line == "cd-period":
            card.period = text
        else:
            card.notes.append(text)
        self.line = None

    def handle_data(self, data: str) -> None:
        if self.line is not None:
            self.buffer += data


def read_cards(html: str) -> list[Card]:
    """Return the cards of an HTML block (none when it holds no cards)."""
    reader = _Reader()
    reader.feed(html)
    return reader.cards


def cards(at: Any) -> list[Card]:
    """Return the cards an AppTest run shows, in page order."""
    return [card for block in at.html for card in read_cards(block.value)]
