"""dashboard/deck/pdf_fonts.py: the deck's PDF is drawn with standalone simplified-Chinese faces."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from tool_support import require_tool

from dashboard.deck.pdf_fonts import SC_NAME, SHARED_NAME, simplified_font_env


def _match(env: dict[str, str], pattern: str) -> list[str]:
    done = subprocess.run(
        ["fc-match", "-f", "%{file}|%{postscriptname}", pattern],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **env},
    )
    return done.stdout.split("|")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    require_tool("fc-match", "finds the system's Noto Sans CJK collections")
    found = simplified_font_env(tmp_path)
    assert found, "fonts-noto-cjk's collections give standalone SC faces"
    return found


def test_the_sc_family_resolves_to_standalone_fonts_named_for_simplified_chinese(
    env: dict[str, str], tmp_path: Path
) -> None:
    for style in ("Regular", "Bold"):
        path, name = _match(env, f"Noto Sans CJK SC:style={style}")
        assert Path(path).parent.parent == tmp_path and name == f"NotoSansCJKsc-{style}"
        data = Path(path).read_bytes()
        assert SHARED_NAME not in data and SC_NAME in data
    # Chinese text without a named face, and a request for another region's face, land on the
    # SC fonts too: the collections are set aside for the conversion.
    assert _match(env, "sans-serif:lang=zh-cn")[1].startswith("NotoSansCJKsc")
    assert "CJKjp" not in _match(env, "Noto Sans CJK JP")[1]


def test_the_fonts_keep_the_sc_faces_character_map(env: dict[str, str], tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    ours = TTFont(_match(env, "Noto Sans CJK SC:style=Regular")[0], lazy=True).getBestCmap()
    path, index = subprocess.run(
        ["fc-match", "-f", "%{file}|%{index}", "Noto Sans CJK SC:style=Regular"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("|")
    sc = TTFont(path, fontNumber=int(index), lazy=True).getBestCmap()
    jp = TTFont(path, fontNumber=0, lazy=True).getBestCmap()
    for char in "直骨海通道":
        assert ours[ord(char)] == sc[ord(char)] != jp[ord(char)], char


def test_the_fonts_are_made_once(env: dict[str, str], tmp_path: Path) -> None:
    fonts = sorted(tmp_path.glob("fonts-*/*.otf"))
    stamps = [f.stat().st_mtime_ns for f in fonts]
    assert simplified_font_env(tmp_path) == env
    assert [f.stat().st_mtime_ns for f in fonts] == stamps
