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


# LibreOffice puts a space between Chinese and Latin text (digits included) in every paragraph
# it imports ("Asian autospacing", ParaIsCharacterDistance, on by default; PPTX has no attribute
# for it), so a deck's 1.5万标箱 would print as "1.5 万标箱". A Basic macro in the conversion's own
# profile opens the deck, turns the spacing off in every text (charts' axes, legends and data
# labels too, and table cells; a property a chart lacks is skipped), and exports the PDF.
NO_AUTOSPACE_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub ToPdf(src As String, dst As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), &quot;_blank&quot;, 0, args())
  For i = 0 To doc.DrawPages.Count - 1
    page = doc.DrawPages.getByIndex(i)
    For j = 0 To page.Count - 1
      NoAutoSpace(page.getByIndex(j))
    Next
  Next
  Dim out(0) As New com.sun.star.beans.PropertyValue
  out(0).Name = &quot;FilterName&quot;
  out(0).Value = &quot;impress_pdf_Export&quot;
  doc.storeToURL(ConvertToURL(dst), out())
  doc.close(True)
End Sub

Sub NoAutoSpace(shape)
  On Error Resume Next
  If shape.supportsService(&quot;com.sun.star.drawing.OLE2Shape&quot;) Then
    NoChartAutoSpace(shape.Model)
    Exit Sub
  End If
  If shape.ShapeType = &quot;com.sun.star.drawing.TableShape&quot; Then
    t = shape.Model
    For r = 0 To t.Rows.Count - 1
      For k = 0 To t.Columns.Count - 1
        NoTextAutoSpace(t.getCellByPosition(k, r))
      Next
    Next
    Exit Sub
  End If
  If shape.supportsService(&quot;com.sun.star.drawing.GroupShape&quot;) Then
    For k = 0 To shape.Count - 1
      NoAutoSpace(shape.getByIndex(k))
    Next
    Exit Sub
  End If
  If HasUnoInterfaces(shape, &quot;com.sun.star.text.XText&quot;) Then
    NoTextAutoSpace(shape)
  End If
End Sub

Sub NoTextAutoSpace(holder)
  On Error Resume Next
  e = holder.getText().createEnumeration()
  While e.hasMoreElements()
    e.nextElement().ParaIsCharacterDistance = False
  Wend
End Sub

Sub NoChartAutoSpace(c)
  On Error Resume Next
  If IsNull(c) Then Exit Sub
  c.Diagram.getXAxis().ParaIsCharacterDistance = False
  c.Diagram.getYAxis().ParaIsCharacterDistance = False
  c.Legend.ParaIsCharacterDistance = False
  values = c.Data.getData()
  For r = 0 To UBound(values(0))
    c.Diagram.getDataRowProperties(r).ParaIsCharacterDistance = False
    For i = 0 To UBound(values)
      c.Diagram.getDataPointProperties(i, r).ParaIsCharacterDistance = False
    Next
  Next
End Sub
</script:module>
"""


def _run(command: list[str], timeout: float, pptx: Path) -> subprocess.CompletedProcess[str]:
    # Standalone simplified-Chinese faces (dashboard/deck/pdf_fonts.py), so the PDF never embeds
    # the collection's face named for Japanese.
    env = {**os.environ, **simplified_font_env()}
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)
    except OSError as exc:
        # Gone or not runnable since it was found (removed, no permission, a broken link).
        raise CorridorError.single(
            "无法启动 LibreOffice，未生成 PDF",
            "LibreOffice could not be started, so no PDF was made",
            file=command[0],
            value=str(exc),
        ) from None
    except subprocess.TimeoutExpired:
        raise CorridorError.single(
            f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）",
            f"LibreOffice took longer than {timeout:.0f} s to convert to PDF",
            file=str(pptx),
        ) from None


def _macro_pdf(soffice: str, profile: Path, pptx: Path, timeout: float) -> Path | None:
    """Return the PDF the no-autospacing macro wrote, or None where it could not run."""
    base = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible"]
    # A first start makes the profile (and its macro library, which it would overwrite).
    _run([*base, "--terminate_after_init"], timeout, pptx)
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.parent.is_dir():
        return None
    module.write_text(NO_AUTOSPACE_MACRO, encoding="utf-8")
    # The macro reads and writes fixed names in the profile: no path is quoted into Basic.
    src, dst = profile / "deck.pptx", profile / "deck.pdf"
    shutil.copyfile(pptx, src)
    _run([*base, f'macro:///Standard.Module1.ToPdf("{src}","{dst}")'], timeout, pptx)
    return dst if dst.exists() and dst.stat().st_size else None


def convert_to_pdf(pptx: Path, soffice: str, timeout: float = PDF_TIMEOUT_S) -> Path:
    """Return the PDF LibreOffice writes beside the PPTX; raise CorridorError when it fails."""
    pdf = pptx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory(prefix="corridor-soffice-") as work:
        # Its own profile: a LibreOffice already open on the desktop would otherwise take the
        # job and the conversion would silently write nothing.
        profile = Path(work) / "profile"
        made = _macro_pdf(soffice, profile, pptx, timeout)
        if made is not None:
            shutil.move(made, pdf)
            return pdf
        # Where Basic cannot run, the plain conversion (with LibreOffice's spacing).
        done = _run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(pptx.parent),
                str(pptx),
            ],
            timeout,
            pptx,
        )
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
