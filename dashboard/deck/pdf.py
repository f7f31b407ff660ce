"""The deck as PDF: LibreOffice converts the PPTX, drawn with simplified-Chinese faces."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from dashboard.deck.pdf_fonts import simplified_font_env
from etl.contract.errors import CorridorError

# LibreOffice converts a 20-slide deck in about 4 s here; a first start on a cold, slow machine
# takes far longer, but a conversion that runs minutes has hung.
PDF_TIMEOUT_S = 180
# One conversion at a time: each starts a LibreOffice of a few hundred MB.
_LOCK = threading.Lock()


def find_soffice() -> str | None:
    """Return LibreOffice's command-line converter, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(pptx: Path, soffice: str, timeout: float = PDF_TIMEOUT_S) -> Path:
    """Return the PDF LibreOffice writes beside the PPTX; raise CorridorError when it fails."""
    pdf = pptx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="corridor-soffice-") as profile:
        # Its own profile: a LibreOffice already open on the desktop would otherwise take the
        # job and the conversion would silently write nothing.
        command = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(pptx.parent),
            str(pptx),
        ]
        # Standalone simplified-Chinese faces (corridor/pdf_fonts.py), so the PDF never embeds
        # the collection's face named for Japanese.
        env = {**os.environ, **simplified_font_env()}
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            raise CorridorError.single(
                f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）",
                f"LibreOffice took longer than {timeout:.0f} s to convert to PDF",
                file=str(pptx),
            ) from None
    if done.returncode != 0 or not pdf.exists():
        raise CorridorError.single(
            "LibreOffice 未能生成 PDF",
            "LibreOffice did not write the PDF",
            file=str(pptx),
            value=(done.stderr or done.stdout).strip()[-300:],
        )
    return pdf


def pdf_available() -> bool:
    """Return whether a PDF can be made here (LibreOffice is installed)."""
    return find_soffice() is not None


def pdf_bytes(pptx: bytes, timeout: float = PDF_TIMEOUT_S) -> bytes:
    """Return the PDF of a deck's bytes, converted in a private temporary directory."""
    soffice = find_soffice()
    if soffice is None:
        raise CorridorError.single(
            "未安装 LibreOffice（soffice），无法生成 PDF",
            "LibreOffice (soffice) is not installed, so no PDF can be made",
        )
    with _LOCK, tempfile.TemporaryDirectory(prefix="corridor-pdf-") as work:
        deck = Path(work) / "deck.pptx"
        deck.write_bytes(pptx)
        return convert_to_pdf(deck, soffice, timeout).read_bytes()
