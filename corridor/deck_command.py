"""The `corridor deck` subcommand: the dashboard's charts as a PPTX (and a PDF) for a meeting."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from corridor import options
from corridor.registry import arg, command
from dashboard.deck.pdf import PDF_TIMEOUT_S, convert_to_pdf, find_soffice
from etl.contract.errors import CorridorError
from etl.contract.paths import layout

__all__ = ["PDF_TIMEOUT_S", "cmd_deck", "convert_to_pdf", "find_soffice"]


def say(message: str) -> None:
    """Print a progress line on stderr (stdout stays for the result)."""
    print(message, file=sys.stderr, flush=True)


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
    from dashboard.deck.more import more_figures
    from dashboard.deck.slides import build_deck, deck_briefing, deck_inputs, slide_count
    from dashboard.filters import parse_query_params, vocabulary_choices
    from dashboard.i18n import pair
    from dashboard.views.reach import view_totals
    from etl.contract.errors import Problem
    from etl.store.cache import load_cached_table
    from etl.store.table import load_events

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
    events = load_events(where, table.sources)
    specs, cards, view = deck_inputs(
        table.observations, table.sources, filters, locale, events=events
    )
    if not len(view):
        raise CorridorError([Problem(*pair("empty_result"))])

    def progress(done: int, total: int) -> None:
        say(f"图表幻灯片 chart slide {done}/{total}")

    brief = deck_briefing(view, locale)
    data = build_deck(
        specs,
        cards,
        filters,
        table.sources,
        locale=locale,
        briefing=brief,
        progress=progress,
        reach=view_totals(view),
        more=more_figures(view, specs),
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
