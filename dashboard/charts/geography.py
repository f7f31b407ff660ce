"""The reach map's geography, read from the shipped assets: hubs, lines, sea lanes and land."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from dashboard.i18n import DEFAULT_LANG, LANGS
from dashboard.locales import Locale

ASSETS = Path(__file__).resolve().parent.parent / "assets"
GEOGRAPHY_FILE = ASSETS / "corridor_map.toml"
LAND_FILE = ASSETS / "land_110m.json"

Point = tuple[float, float]


def in_language(zh: str, en: str, locale: Locale) -> str:
    """Return the one of a name's two spellings that belongs to the language (Chinese else)."""
    names = dict(zip(LANGS, (zh, en), strict=True))
    return names.get(locale.lang, names[DEFAULT_LANG])


@dataclass(frozen=True)
class Hub:
    """A city or port of the corridor on real coordinates."""

    key: str
    name_zh: str
    name_en: str
    lon: float
    lat: float
    kind: str
    label: str
    # Where the name sits instead, in pixels right and down of the marker, on a leader line.
    offset: tuple[int, int] | None = None

    def name(self, locale: Locale) -> str:
        """Return the hub's name in the language."""
        return in_language(self.name_zh, self.name_en, locale)


@dataclass(frozen=True)
class Line:
    """One of the corridor's main lines: its stops, path by path."""

    key: str
    name_zh: str
    name_en: str
    paths: tuple[tuple[str, ...], ...]

    def name(self, locale: Locale) -> str:
        """Return the line's name in the language."""
        return in_language(self.name_zh, self.name_en, locale)


@dataclass(frozen=True)
class Lane:
    """A sea lane from the Beibu Gulf to a region the reports name, with where they name it."""

    key: str
    name_zh: str
    name_en: str
    path: tuple[Point, ...]
    label: str
    # (source_id, place in Chinese, place in English) for each report that names the region.
    named: tuple[tuple[str, str, str], ...]
    # Boxes (lon_min, lat_min, lon_max, lat_max) where the lane may cross the coarse outline's
    # land: canals and straits narrower than 1:110m resolves.
    through_land: tuple[tuple[float, float, float, float], ...] = ()

    def name(self, locale: Locale) -> str:
        """Return the region's name in the language."""
        return in_language(self.name_zh, self.name_en, locale)


@dataclass(frozen=True)
class Geography:
    """Everything the reach map draws besides land."""

    hubs: tuple[Hub, ...]
    lines: tuple[Line, ...]
    lanes: tuple[Lane, ...]

    def hub(self, key: str) -> Hub:
        """Return the hub with the key."""
        return next(h for h in self.hubs if h.key == key)


@dataclass(frozen=True)
class Land:
    """Land outlines clipped to the map's window: outer rings and holes (lakes)."""

    rings: tuple[tuple[Point, ...], ...]
    holes: tuple[tuple[Point, ...], ...]


@cache
def load_geography(path: Path = GEOGRAPHY_FILE) -> Geography:
    """Return the hubs, lines and lanes of the geography file."""
    with path.open("rb") as f:
        raw = tomllib.load(f)
    hubs = tuple(
        Hub(
            key=h["key"],
            name_zh=h["name_zh"],
            name_en=h["name_en"],
            lon=float(h["lon"]),
            lat=float(h["lat"]),
            kind=h["kind"],
            label=h["label"],
            offset=(int(h["offset"][0]), int(h["offset"][1])) if "offset" in h else None,
        )
        for h in raw["hubs"]
    )
    lines = tuple(
        Line(
            key=ln["key"],
            name_zh=ln["name_zh"],
            name_en=ln["name_en"],
            paths=tuple(tuple(p) for p in ln["paths"]),
        )
        for ln in raw["lines"]
    )
    lanes = tuple(
        Lane(
            key=la["key"],
            name_zh=la["name_zh"],
            name_en=la["name_en"],
            path=tuple((float(x), float(y)) for x, y in la["path"]),
            label=la["label"],
            named=tuple((n["source"], n["place"], n["place_en"]) for n in la["named"]),
            through_land=tuple(
                (float(a), float(b), float(c), float(d))
                for a, b, c, d in la.get("through_land", [])
            ),
        )
        for la in raw["lanes"]
    )
    return Geography(hubs, lines, lanes)


@cache
def load_land(path: Path = LAND_FILE) -> Land:
    """Return the shipped land outline (tools/land_outline.py made it from Natural Earth)."""
    raw = json.loads(path.read_text(encoding="utf-8"))

    def rings(key: str) -> tuple[tuple[Point, ...], ...]:
        return tuple(tuple((float(x), float(y)) for x, y in ring) for ring in raw[key])

    return Land(rings("land"), rings("holes"))
