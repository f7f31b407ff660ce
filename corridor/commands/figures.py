"""Figures and their history: history, undo, correct and retract one stored figure."""

from __future__ import annotations

import argparse
import json

from corridor import options
from corridor.commands.acting import actor
from corridor.commands.reporting import report_pending
from corridor.registry import Arg, arg, command
from etl.contract.paths import layout

# The options that pick out one stored figure, as (field, help, required).
SELECTORS = (
    ("metric", "指标 / metric key", True),
    ("scope", "口径，原文 / scope, in the source's words", True),
    ("period_end", "截止日期 / period_end (YYYY-MM-DD)", True),
    ("period_start", "起始日期 / period_start (YYYY-MM-DD; '' for none)", False),
    ("region", "地区 / region key", False),
    ("route", "线路 / route key ('' for none)", False),
    ("basis", "reported 或 derived / basis", False),
    ("source_id", "来源编号 / source id", False),
    ("value", "现值 / the value held now", False),
)


def selectors() -> tuple[Arg, ...]:
    """Return `--metric`, `--scope` … `--value`: the options that pick out one stored figure."""
    return tuple(
        arg("--" + name.replace("_", "-"), dest=name, required=required, help=text)
        for name, text, required in SELECTORS
    )


def _criteria(args: argparse.Namespace) -> dict[str, str | None]:
    return {name: getattr(args, name) for name, _help, _required in SELECTORS}


@command(
    "history",
    help="列出所有批次 / list the batches",
    description="List every change, newest first, as a sentence in the language: when (the "
    "settings' time zone), who, what (rows, figures, file or reason), who approved it, whether "
    "it was undone, and its id in brackets. --table prints a table, --json the records.",
    options=[
        arg("--json", action="store_true", help="输出 JSON / print JSON"),
        arg("--table", action="store_true", help="输出表格 / print a table"),
        arg("--lang", choices=("zh", "en"), default="zh", help="表头语言 / language"),
    ],
)
def cmd_history(args: argparse.Namespace) -> int:
    from etl.store.history import history_frame, history_rows, history_sentences
    from etl.store.settings import load_settings

    where = layout(args.data_dir)
    if args.json:
        print(json.dumps(history_rows(where), ensure_ascii=False, indent=2))
        return 0
    if args.table:
        frame = history_frame(where, args.lang)
        print(frame.to_string(index=False) if not frame.empty else "还没有批次 / no batches yet")
        return 0
    sentences = history_sentences(where, args.lang)
    if not sentences:
        print("还没有批次 / no batches yet")
        return 0
    zone = load_settings(where).time_zone
    print(
        f"时间为 {zone} 时区，最新在前" if args.lang == "zh" else f"Times in {zone}, newest first"
    )
    print("\n".join(sentences))
    return 0


@command(
    "undo",
    help="撤销一个批次 / undo a batch",
    description="Undo BATCH as a new batch: remove its rows and restore what it replaced, "
    "leaving later batches alone; refused when a later batch changed the same figures.",
    options=[
        options.acting_user(),
        arg("batch", metavar="BATCH", help="批次编号或序号 / batch id or sequence number"),
        arg("--reason", help="原因 / why"),
    ],
)
def cmd_undo(args: argparse.Namespace) -> int:
    from etl.store.commands import undo_batch

    batch_id = undo_batch(layout(args.data_dir), actor(args), args.batch, args.reason or "")
    print(f"已撤销 {args.batch}，记录为批次 undone; recorded as batch {batch_id}")
    return 0


@command(
    "correct",
    help="更正一个数据 / correct one stored figure",
    description="Replace the value of the one stored figure the options pick out; recorded "
    "as a batch with the reason (undo it like any other).",
    options=[
        options.acting_user(),
        selectors(),
        arg("--new-value", type=float, required=True, help="新值 / new value (base units)"),
        arg("--new-yoy-pct", type=float, help="新的同比 / new yoy_pct"),
        arg(
            "--new-qualifier",
            metavar="Q",
            help="新的限定词 / new qualifier: over|under|about|nearly (超过/不到/约/近), "
            "'' = exact (default: keep the figure's own)",
        ),
        arg("--reason", required=True, help="原因 / why"),
    ],
)
def cmd_correct(args: argparse.Namespace) -> int:
    from etl.store.commands import correct_figure

    result = correct_figure(
        layout(args.data_dir),
        actor(args),
        _criteria(args),
        args.new_value,
        args.reason,
        yoy_pct=args.new_yoy_pct,
        qualifier=args.new_qualifier,
    )
    if result.pending_id:
        report_pending(result.pending_id)
    else:
        print(f"已更正，记录为批次 corrected; recorded as batch {result.batch_id}")
    return 0


@command(
    "retract",
    help="撤回一个数据 / retract one stored figure",
    description="Remove the one stored figure the options pick out; recorded as a batch "
    "with the reason (undo it like any other).",
    options=[
        options.acting_user(),
        selectors(),
        arg("--reason", required=True, help="原因 / why"),
    ],
)
def cmd_retract(args: argparse.Namespace) -> int:
    from etl.store.commands import retract_figure

    result = retract_figure(layout(args.data_dir), actor(args), _criteria(args), args.reason)
    if result.pending_id:
        report_pending(result.pending_id)
    else:
        print(f"已撤回该数据，记录为批次 retracted; recorded as batch {result.batch_id}")
    return 0
