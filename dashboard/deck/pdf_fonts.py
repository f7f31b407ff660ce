"""Simplified-Chinese faces for the deck's PDF: LibreOffice is pointed at standalone SC fonts.

Debian's fonts-noto-cjk ships one collection (.ttc) per weight whose faces (JP, KR, SC, TC, HK)
share one CFF table named for the Japanese face, so a PDF that LibreOffice draws with "Noto Sans
CJK SC" lists its font as "NotoSansCJKjp-…", whatever glyph forms it drew. Here the SC face of
each collection is written once as a font of its own (its tables as they are, with the SC face's
character map; the shared CFF's names read "CJKsc", a same-length byte edit), and the conversion
runs under a fontconfig file that adds those fonts and sets the collections aside, so the PDF
embeds, and names, simplified-Chinese faces only. The fonts live in the user's cache and are made
once (about a second).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

FAMILY = "Noto Sans CJK SC"
# The face the deck names for East Asian text (dashboard/deck/slides.py).
OFFICE_FAMILY = "Microsoft YaHei"
WEIGHTS = ("Regular", "Bold")
# The shared CFF's names for the Japanese face, and the same length for the SC face.
SHARED_NAME, SC_NAME = b"NotoSansCJKjp-", b"NotoSansCJKsc-"
FORMAT = "2"


def cache_root() -> Path:
    """Return where the fonts are kept: $XDG_CACHE_HOME (or ~/.cache)/corridor-dashboard."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "corridor-dashboard"


def _matched(style: str) -> tuple[Path, int] | None:
    # The file and face index fontconfig gives for the family in this style.
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    done = subprocess.run(
        [fc_match, "-f", "%{file}|%{index}|%{family}", f"{FAMILY}:style={style}"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    parts = done.stdout.split("|")
    if done.returncode != 0 or len(parts) < 3 or FAMILY not in parts[2]:
        return None
    try:
        return Path(parts[0]), int(parts[1])
    except ValueError:
        return None


def _write_face(collection: Path, index: int, out: Path) -> None:
    # Import here: fontTools is needed only when a PDF is made from a collection.
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.DefaultTable import DefaultTable

    font = TTFont(
        str(collection), fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False
    )
    cff = font.reader["CFF "]
    renamed = DefaultTable("CFF ")
    renamed.data = cff.replace(SHARED_NAME, SC_NAME)
    font.tables["CFF "] = renamed
    tmp = out.with_suffix(f".tmp-{os.getpid()}")
    font.save(str(tmp))
    os.replace(tmp, out)


def _config(fonts: Path, collections: list[Path]) -> str:
    # Imported here: xml.sax pulls in urllib, http and email (~20–40 ms), and this module is
    # imported by every `corridor` command (through the deck command's options).
    from xml.sax.saxutils import escape

    rejected = "".join(
        f"<glob>{escape(str(c.parent))}/Noto*CJK*.ttc</glob>" for c in sorted(set(collections))
    )
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
        "<fontconfig>\n"
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"  <dir>{escape(str(fonts))}</dir>\n"
        f"  <cachedir>{escape(str(fonts / 'fc-cache'))}</cachedir>\n"
        f"  <selectfont><rejectfont>{rejected}</rejectfont></selectfont>\n"
        # The deck names Microsoft YaHei (what office PCs have); here it is drawn in these faces.
        f'  <alias binding="same"><family>{escape(OFFICE_FAMILY)}</family>'
        f"<prefer><family>{escape(FAMILY)}</family></prefer></alias>\n"
        "</fontconfig>\n"
    )


def simplified_font_env(root: Path | None = None) -> dict[str, str]:
    """Return the environment that makes LibreOffice draw with standalone SC faces.

    Empty where there is nothing to do or it cannot be done (no fontconfig, the family is a
    font of its own already, fontTools missing): the conversion then runs as before.
    """
    found = {style: _matched(style) for style in WEIGHTS}
    if any(v is None for v in found.values()):
        return {}
    faces = {s: v for s, v in found.items() if v is not None}
    if not all(path.suffix.lower() in (".ttc", ".otc") for path, _ in faces.values()):
        return {}
    stamp = hashlib.sha256(FORMAT.encode())
    for path, index in faces.values():
        stat = path.stat()
        stamp.update(f"{path}|{index}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    fonts = (root or cache_root()) / f"fonts-{stamp.hexdigest()[:12]}"
    try:
        fonts.mkdir(parents=True, exist_ok=True)
        for style, (path, index) in faces.items():
            out = fonts / f"NotoSansCJKsc-{style}.otf"
            if not out.exists():
                _write_face(path, index, out)
        conf = fonts / "fonts.conf"
        text = _config(fonts, [p for p, _ in faces.values()])
        if not conf.exists() or conf.read_text(encoding="utf-8") != text:
            conf.write_text(text, encoding="utf-8")
    except (ImportError, OSError, KeyError, ValueError):
        return {}
    return {"FONTCONFIG_FILE": str(conf)}
