"""The headline cards as one block of HTML: every text escaped, links only to http(s) sources.

One element instead of a metric and four captions per card: a page with five cards asks the
browser to lay out, style and parse markdown for a handful of nodes, not forty components.
"""

from __future__ import annotations

from html import escape

from dashboard.briefing import safe_url
from dashboard.locales import Locale
from dashboard.views.kpi import SeriesCard

# A grid that puts three cards in a row on a wide screen, two on a laptop's half, one on a
# phone; a value wraps rather than being cut off, and shrinks on narrow screens.
CARDS_CSS = """<style>
.cd-cards { display: grid; gap: 1rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 17rem), 1fr)); }
.cd-card { border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 1rem;
  display: flex; flex-direction: column; gap: 0.3rem; min-width: 0; }
.cd-label { font-size: 0.875rem; }
.cd-value { font-size: clamp(1.5rem, 2.1vw, 2.25rem); line-height: 1.2; font-weight: 400;
  overflow-wrap: anywhere; }
.cd-delta { align-self: flex-start; font-size: 0.875rem; border-radius: 0.5rem;
  padding: 0 0.4rem; }
.cd-delta.up { color: rgb(33, 195, 84); background: rgba(33, 195, 84, 0.1); }
.cd-delta.down { color: rgb(255, 43, 43); background: rgba(255, 43, 43, 0.1); }
.cd-delta .cd-yoy { color: rgba(49, 51, 63, 0.6); }
.cd-period { font-weight: 600; font-size: 0.875rem; color: rgba(49, 51, 63, 0.8); }
.cd-note { font-size: 0.875rem; color: rgba(49, 51, 63, 0.6); overflow-wrap: anywhere; }
.cd-note a { color: inherit; }
</style>"""


def _delta(card: SeriesCard, locale: Locale) -> str:
    if not card.delta:
        return ""
    down = card.delta.lstrip().startswith(("-", "−"))
    arrow = "↓" if down else "↑"
    return (
        f'<div class="cd-delta {"down" if down else "up"}">{arrow} {escape(card.delta)}'
        f' <span class="cd-yoy">{escape(locale.t("yoy"))}</span></div>'
    )


def card_html(card: SeriesCard, locale: Locale) -> str:
    """Return one card: label, value, yoy, period, newer year to date, series, linked source."""
    url = safe_url(card.url)
    name = escape(card.source)
    source = f'<a href="{escape(url, quote=True)}" target="_blank">{name}</a>' if url else name
    parts = [
        f'<div class="cd-label" title="{escape(card.series, quote=True)}">'
        f"{escape(card.label)}</div>",
        f'<div class="cd-value">{escape(card.value)}</div>',
        _delta(card, locale),
        f'<div class="cd-period">{escape(card.period)}</div>',
        f'<div class="cd-note">{escape(card.ytd)}</div>' if card.ytd else "",
        f'<div class="cd-note">{escape(card.series)}</div>',
        f'<div class="cd-note">{escape(locale.t("source") + locale.t("sep"))}{source}</div>',
    ]
    metric = escape(card.metric, quote=True)
    return f'<div class="cd-card" data-metric="{metric}">{"".join(parts)}</div>'


def cards_html(cards: list[SeriesCard], locale: Locale) -> str:
    """Return the cards as one grid (empty when there are none)."""
    if not cards:
        return ""
    body = "".join(card_html(c, locale) for c in cards)
    return f'<div class="cd-cards" role="list">{body}</div>'
