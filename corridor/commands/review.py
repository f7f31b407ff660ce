"""Pending changes, where settings require a second analyst: approve, reject, pending."""

from __future__ import annotations

import argparse

from corridor import options
from corridor.commands.acting import actor
from corridor.commands.reporting import PREVIEW_ROWS
from corridor.registry import arg, command
from etl.contract.paths import layout


@command(
    "approve",
    help="批准待审改动 / approve a pending change",
    description="Apply a pending upload, article, correction, retraction or wording "
    "(require_approval = true in settings.toml) as a batch recorded as the submitter's. The "
    "analyst who submitted it cannot approve it; a correction or retraction is refused when "
    "the figure changed since the request.",
    options=[arg("batch", metavar="BATCH", help="待审编号 / pending id"), options.acting_user()],
)
def cmd_approve(args: argparse.Namespace) -> int:
    from etl.store.pending import approve

    result = approve(layout(args.data_dir), actor(args), args.batch)
    if result.batch_id is None:
        print("已批准；所有行都已存在，没有改动 / approved; every row was already held")
    else:
        print(f"已批准，合并为批次 approved; merged as batch {result.batch_id}")
    return 0


@command(
    "reject",
    help="驳回待审改动 / reject a pending change",
    description="Reject a pending change with a reason; nothing readers see changes.",
    options=[
        arg("batch", metavar="BATCH", help="待审编号 / pending id"),
        arg("--reason", required=True, help="原因 / why"),
        options.acting_user(),
    ],
)
def cmd_reject(args: argparse.Namespace) -> int:
    from etl.store.pending import reject

    reject(layout(args.data_dir), actor(args), args.batch, args.reason)
    print(f"已驳回 rejected {args.batch}")
    return 0


@command(
    "pending",
    help="列出待审改动 / list pending changes",
    description="List the changes waiting for a second analyst's approval: id, when, who, "
    "kind (upload, article, correction, retraction, wording), file or title, rows.",
    options=[
        arg("--rows", action="store_true", help="显示每项的前几行 / show each item's first rows")
    ],
)
def cmd_pending(args: argparse.Namespace) -> int:
    from etl.store.history import local_time
    from etl.store.pending import list_pending, pending_frame
    from etl.store.settings import load_settings

    where = layout(args.data_dir)
    items = list_pending(where)
    if not items:
        print("没有待审批的改动 / nothing is pending")
    zone = load_settings(where).zone
    for item in items:
        r = item.record
        what = r.get("title") or r.get("file_name", "")
        print(
            f"{item.id}  {local_time(str(r.get('when', '')), zone)}  {r.get('who', '')}  "
            f"{item.kind}  {what}  "
            f"+{r.get('rows_new', 0)} ~{r.get('rows_contradicting', 0)}"
        )
        if args.rows:
            print(pending_frame(where, item).head(PREVIEW_ROWS).to_string(index=False))
    return 0
