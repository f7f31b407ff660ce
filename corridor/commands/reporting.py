"""What the analysts' commands print: a preview, the question before a merge, the outcome."""

from __future__ import annotations

import argparse
import sys
from typing import Any

# Exit code when a merge needs a yes and there is no terminal to ask on.
EXIT_NEEDS_CONFIRMATION = 3
# Rows of each kind shown in a preview; the rest are counted.
PREVIEW_ROWS = 10


def print_preview(preview: Any, out: Any = None) -> None:
    """Print a preview's counts, its contradictions and a few new rows."""
    from etl.contract.tables import format_number

    out = out or sys.stdout
    print(preview.summary(), file=out)
    rows = preview.contradicting
    if len(rows):
        print("矛盾（现值 → 新值）/ contradictions (held → new):", file=out)
        for index in rows.index[:PREVIEW_ROWS]:
            row = rows.loc[index]
            print(
                f"  行 row {int(index) + 2}: {row['metric']} {row['scope']} "
                f"{row['period_end']:%Y-%m-%d}: {row['old_value']} → "
                f"{format_number(float(row['value']))}",
                file=out,
            )
    if len(preview.new):
        print("新增（前几行）/ new rows (first few):", file=out)
        for index in preview.new.index[:PREVIEW_ROWS]:
            row = preview.new.loc[index]
            print(
                f"  行 row {int(index) + 2}: {row['metric']} {format_number(float(row['value']))} "
                f"{row['unit']} {row['scope']} → {row['period_end']:%Y-%m-%d}",
                file=out,
            )


def confirm(args: argparse.Namespace, question: str) -> bool | None:
    """Return True to go ahead, False if declined, None when there is no terminal to ask on."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return None
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in {"y", "yes", "是", "好"}


def report_pending(pending_id: str) -> None:
    """Print that a change waits for a second analyst's approval."""
    print(
        f"已提交待审批 {pending_id}：须由另一位分析员批准（corridor approve）后生效 / "
        f"submitted for approval as pending {pending_id}: applied once another analyst approves it "
        "(corridor approve)"
    )


def report_merge(result: Any) -> None:
    """Print what a merge did: pending, nothing changed, or the batch it made."""
    if getattr(result, "pending_id", None):
        report_pending(result.pending_id)
    elif result.batch_id is None:
        print("没有改动：所有行都已存在 / nothing changed: every row is already held")
    else:
        print(f"已合并为批次 merged as batch {result.batch_id}")
