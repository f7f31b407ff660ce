"""Region and route of a figure, resolved by rules from its scope's wording."""

from __future__ import annotations

from functools import cache

import opencc

from etl.contract.vocabulary import Place, load_regions, load_routes

UNSPECIFIED = "unspecified"
# One converter for the process: building one costs far more than converting a sentence.
_T2S = opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Return text in simplified characters (same length), so rules are written once."""
    return str(_T2S.convert(text))


def _first_match(scope: str, rules: tuple[Place, ...]) -> str | None:
    folded = to_simplified(scope)
    for rule in rules:
        if any(cue in folded for cue in rule.cues):
            return rule.key
    return None


@cache
def resolve_region(scope: str) -> str:
    """Return the region key whose cues the scope names first, else 'unspecified'."""
    return _first_match(scope, load_regions()) or UNSPECIFIED


@cache
def resolve_route(scope: str) -> str:
    """Return the route key whose cues the scope names first, else ''."""
    return _first_match(scope, load_routes()) or ""
