"""Sources and series: register or list sources, list the series, map a wording to a series."""

from __future__ import annotations

import argparse
import sys

from corridor import options
from corridor.commands.acting import actor
from corridor.commands.reporting import report_pending
from corridor.registry import arg, command, group
from etl.contract.paths import layout

group(
    "sources",
    help="登记或列出来源 / register or list sources",
    description="Register a source that uploaded rows can cite, or list the sources.",
)


@command(
    "sources",
    "add",
    help="登记来源 / register a source",
    description="Register a source (recorded as a batch) so uploads can cite its id.",
    options=[
        options.acting_user(),
        arg("--id", required=True, help="来源编号 / source id (letters, digits, _.:-)"),
        arg("--title", required=True, help="标题 / title"),
        arg("--publisher", required=True, help="发布机构 / publisher"),
        options.published(required=True),
        arg("--url", help="网址 / URL (http or https)"),
    ],
)
def cmd_sources_add(args: argparse.Namespace) -> int:
    from etl.store.commands import add_source

    batch_id = add_source(
        layout(args.data_dir),
        actor(args),
        source_id=args.id,
        title=args.title,
        publisher=args.publisher,
        published=args.published,
        url=args.url or "",
    )
    print(f"已登记来源 registered source {args.id} (batch {batch_id})")
    return 0


@command(
    "sources",
    "list",
    help="列出来源 / list sources as CSV",
    description="Print every source (built and registered) as CSV.",
)
def cmd_sources_list(args: argparse.Namespace) -> int:
    from etl.contract.tables import render_sources_csv
    from etl.store.table import load_table

    sys.stdout.buffer.write(render_sources_csv(load_table(layout(args.data_dir)).sources).encode())
    sys.stdout.flush()
    return 0


group(
    "series",
    help="列出系列或添加措辞映射 / list series or map a wording to one",
    description="List the series catalogue, or map a scope wording to a series as a recorded, "
    "undoable batch, so figures worded that way join the series without a code change.",
)


@command(
    "series",
    "list",
    help="列出系列目录 / list the series catalogue as CSV",
    description="Print every catalogued series: key, metric, context, headline, labels, body.",
)
def cmd_series_list(args: argparse.Namespace) -> int:
    from etl.contract.series import load_series

    print("key,metric,context,headline,label_zh,label_en,body")
    for series in load_series():
        print(
            f"{series.key},{series.metric},{series.context},{str(series.headline).lower()},"
            f"{series.label_zh},{series.label_en.replace(',', ' ')},{series.body}"
        )
    return 0


@command(
    "series",
    "table",
    help="主要系列逐年表 / each headline series year by year (Markdown)",
    description="Print docs/headline-series.md from the stored data: per headline series "
    "and year the figure as stated (bounds kept), its period, counting body and source, "
    "other reports of the year as 另据 / also reported, gaps as gaps.",
)
def cmd_series_table(args: argparse.Namespace) -> int:
    from corridor.series_table import render_headline_tables
    from etl.store.table import load_table

    table = load_table(layout(args.data_dir))
    sys.stdout.write(render_headline_tables(table.observations, table.sources))
    sys.stdout.flush()
    return 0


@command(
    "series",
    "add-wording",
    help="把口径措辞归入系列 / map a scope wording to a series",
    description="Record (as a batch, undoable with `corridor undo`) that a figure of SERIES' "
    "metric whose scope contains WORDING and that no catalogue rule places joins SERIES.",
    options=[
        options.acting_user(),
        arg("series", metavar="SERIES", help="系列编号 / series key"),
        arg("wording", metavar="WORDING", help="口径中的措辞 / wording in the scope"),
    ],
)
def cmd_series_add_wording(args: argparse.Namespace) -> int:
    from etl.store.commands import add_wording

    result = add_wording(layout(args.data_dir), actor(args), args.series, args.wording)
    if result.pending_id:
        report_pending(result.pending_id)
        return 0
    print(
        f"已将措辞“{args.wording}”归入系列 {args.series}（批次 {result.batch_id}，可撤销）/ "
        f"wording mapped to series {args.series} (batch {result.batch_id}, undoable)"
    )
    return 0
