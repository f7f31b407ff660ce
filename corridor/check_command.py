"""The `corridor check` subcommand: what a careful analyst would question in the stored record."""

from __future__ import annotations

import argparse
import json
import sys

from corridor.registry import arg, command
from etl.contract.paths import layout

# Errors found: the record holds data that is wrong (make check fails on it).
EXIT_FINDINGS = 1


@command(
    "check",
    help="核对数据记录 / list what an analyst would question in the stored figures",
    description="Check every stored figure (built and uploaded) against the record rules: a "
    "derived value that breaks its series, a bound preferred over an exact figure, a "
    "cumulative total below a figure inside its span, a year-to-date total above its year, a "
    "dip that recovers, a yoy above 300%% without year-on-year wording, a scope word the "
    "series lacks, a lone period kind, a bound with a yoy or a derived row from a bound. "
    "Each finding names its rule, severity, rows, quote and source. Exits 1 when there are "
    "errors, 0 when there are only warnings or nothing to question.",
    options=[
        arg(
            "--lang",
            choices=("zh", "en"),
            default="zh",
            help="语言 / language of the messages (default zh)",
        ),
        arg("--json", action="store_true", help="输出 JSON / print JSON for programs"),
    ],
)
def cmd_check(args: argparse.Namespace) -> int:
    from etl.contract.checks import check_record, finding_records, render_report, summary
    from etl.store.table import load_table

    table = load_table(layout(args.data_dir))
    report = check_record(table.observations, table.sources)
    if args.json:
        document = {
            "errors": report.errors,
            "warnings": report.warnings,
            "counts": report.counts,
            "summary": summary(report, args.lang),
            "findings": finding_records(report, table.observations, table.sources, args.lang),
        }
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_report(report, table.observations, table.sources, args.lang))
    sys.stdout.flush()
    return EXIT_FINDINGS if report.errors else 0
