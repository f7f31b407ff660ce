"""The `corridor deck` subcommand: the dashboard's charts as a PPTX (and a PDF) for a meeting."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from corridor import options
from corridor.pdf_fonts import simplified_font_env
from corridor.registry import arg, command
from etl.contract.errors import CorridorError
from etl.contract.paths import layout

# LibreOffice converts a 20-slide deck in about 4 s here; a first start on a cold, slow machine
# takes far longer, but a conversion that runs minutes has hung.
PDF_TIMEOUT_S = 180


def say(message: str) -> None:
    """Print a progress line on stderr (stdout stays for the result)."""
    print(message, file=sys.stderr, flush=True)


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


def _out_path(text: str) -> Path:
    out = Path(text).expanduser()
    if out.suffix.lower() != ".pptx":
        raise CorridorError.single(
            "输出文件名应以 .pptx 结尾", "the output file must end in .pptx", file=text
        )
    if not out.parent.is_dir():
        raise CorridorError.single(
            "输出目录不存在", "the output directory does not exist", file=str(out.parent)
        )
    return out


@command(
    "deck",
    help="生成会议用 PPTX（可选 PDF）/ write a meeting deck (PPTX, optionally PDF)",
    description="Write a 16:9 PowerPoint deck of the dashboard's charts under the same "
    "filters as its URL: a title slide, the headline figures, then one native (editable) "
    "chart per slide, with the source line on the slide and every source in the notes. "
    "Values are in the units the dashboard shows (万/亿; thousand/million/billion).",
    options=[
        arg("--out", required=True, metavar="FILE.pptx", help="输出文件 / output file"),
        arg(
            "--lang", default="zh", metavar="zh|en", help="语言 / language of the deck (default zh)"
        ),
        options.filters(),
        arg(
            "--pdf",
            action="store_true",
            help="同时用 LibreOffice 生成 FILE.pdf / also write FILE.pdf with LibreOffice",
        ),
    ],
)
def cmd_deck(args: argparse.Namespace) -> int:
    """Write the deck of every chart under the filters; optionally its PDF."""
    from dashboard.deck.slides import build_deck, deck_briefing, deck_inputs, slide_count
    from dashboard.filters import parse_query_params, vocabulary_choices
    from dashboard.i18n import pair
    from etl.contract.errors import Problem
    from etl.contract.events import read_events
    from etl.store.cache import load_cached_table

    out = _out_path(args.out)
    where = layout(args.data_dir)
    say(f"读取数据 / reading the data: {where.root}")
    # The compact columnar cache the dashboard reads (written on a first run, then reused).
    table = load_cached_table(where)
    choices = vocabulary_choices(tuple(table.sources["source_id"].astype(str)))
    parsed = parse_query_params({**options.filter_params(args), "lang": args.lang}, choices)
    # The dashboard ignores a bad URL value and says so; the command line refuses it instead.
    if parsed.problems:
        raise CorridorError([p.problem() for p in parsed.problems])
    filters, locale = parsed.filters, parsed.locale
    events = read_events(where.events_csv, table.sources)
    specs, cards, view = deck_inputs(
        table.observations, table.sources, filters, locale, events=events
    )
    if not len(view):
        raise CorridorError([Problem(*pair("empty_result"))])

    def progress(done: int, total: int) -> None:
        say(f"图表幻灯片 chart slide {done}/{total}")

    brief = deck_briefing(view, locale)
    data = build_deck(
        specs, cards, filters, table.sources, locale=locale, briefing=brief, progress=progress
    )
    partial = out.with_name(f".{out.name}.part")
    partial.write_bytes(data)
    os.replace(partial, out)
    print(f"已写入 wrote: {out} ({slide_count(data)} 张幻灯片 slides)")
    if args.pdf:
        soffice = find_soffice()
        if soffice is None:
            say(
                "未安装 LibreOffice（soffice），未生成 PDF；PPTX 已写入。 / "
                "LibreOffice (soffice) is not installed, so no PDF was made; the PPTX was written."
            )
            return 0
        say("正在用 LibreOffice 转换 PDF / converting to PDF with LibreOffice…")
        pdf = convert_to_pdf(out, soffice)
        print(f"已写入 wrote: {pdf}")
    return 0
