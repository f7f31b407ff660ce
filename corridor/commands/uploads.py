"""Uploads and articles: validate, ingest, add-article, and the table out (export, template).

The command line is for people with shell access to the server; it acts as analyst.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from pathlib import Path

from corridor import options
from corridor.commands.acting import actor
from corridor.commands.reporting import (
    EXIT_NEEDS_CONFIRMATION,
    confirm,
    print_preview,
    report_merge,
)
from corridor.registry import Handler, arg, command, imports_first
from etl.contract.errors import CorridorError
from etl.contract.paths import layout


def _max_bytes(args: argparse.Namespace) -> int | None:
    from etl.uploads.limits import max_upload_bytes

    return None if args.max_mb is None else max_upload_bytes(args.max_mb)


def _read_file(args: argparse.Namespace) -> tuple[bytes, str]:
    from etl.uploads.reading import read_upload_bytes

    path = Path(args.file)
    name = args.as_name or path.name
    return read_upload_bytes(path, _max_bytes(args)), name


def _looks_like_xlsx(path: Path) -> bool:
    """Whether a file starts as a zip archive (an XLSX would); anything unreadable is not."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as handle:
            return handle.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _reader_started(handler: Handler) -> Handler:
    """Return the command with the upload's limited child started as it begins: the child's
    start-up (a new interpreter importing pandas) overlaps with the command's own imports and
    its reading of the store, instead of following them."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        from etl.uploads import sandbox

        # Before numpy is first imported (with the store's code, in the handler): this command
        # multiplies no matrices, and the BLAS workers numpy would start spin on the core its
        # child is importing on. A value the user set is kept.
        for name, value in sandbox.CHILD_ENV.items():
            os.environ.setdefault(name, value)
        with sandbox.prestarted_upload(_looks_like_xlsx(Path(args.file))):
            return handler(args)

    return run


def _import_sign_in() -> None:
    """Import what proving the acting account needs (done while the upload's child reads it)."""
    import etl.store.auth  # noqa: F401


@command(
    "validate",
    help="检查上传文件，不合并 / check an upload without merging (dry run)",
    description="Check a CSV or XLSX of observations and print the preview (rows new, "
    "already present, contradicting) and what the record check would question about the "
    "new rows, or every problem by row, column and value.",
    options=[
        options.upload_file(),
        arg(
            "--lang",
            choices=("zh", "en"),
            default="zh",
            help="记录核对的语言 / language of the record check's findings (default zh)",
        ),
    ],
)
@_reader_started
@imports_first("etl.store.commands", "etl.store.record_check", "etl.contract.checks")
def cmd_validate(args: argparse.Namespace) -> int:
    import pandas as pd

    from etl.contract.checks import render_report
    from etl.store.commands import validate_upload
    from etl.store.record_check import check_rows

    where = layout(args.data_dir)
    data, name = _read_file(args)
    _upload, preview = validate_upload(where, data, name, max_bytes=_max_bytes(args))
    print(f"文件有效 / the file is valid: {name}")
    print_preview(preview)
    incoming = pd.concat(
        [preview.new, preview.contradicting.drop(columns="old_value", errors="ignore")]
    )
    if len(incoming):
        # What `corridor check` would question about these rows once merged (the page shows
        # the same before a merge); warnings and errors alike leave the exit code alone here.
        found = check_rows(where, incoming)
        print(render_report(found.report, found.observations, found.sources, args.lang), end="")
    return 0


@command(
    "ingest",
    help="检查并合并上传文件 / validate, preview and merge an upload",
    description="Validate a CSV or XLSX, print the preview and merge it as one batch. "
    "Without --yes it asks on a terminal; with no terminal it merges nothing and exits 3.",
    options=[
        options.acting_user(),
        options.upload_file(),
        options.yes("不询问直接合并 / merge without asking"),
        arg(
            "--replace",
            action="store_true",
            help="替换矛盾的已有数据 / replace contradicted figures (recorded old → new)",
        ),
    ],
)
@_reader_started
@imports_first("etl.store.commands", "etl.uploads.upload")
def cmd_ingest(args: argparse.Namespace) -> int:
    from etl.store.commands import ingest_upload, merge_upload, validate_upload
    from etl.uploads.upload import worth_streaming

    where = layout(args.data_dir)
    data, name = _read_file(args)
    proven = None
    if args.yes and not args.replace and worth_streaming(data):
        # Nobody confirms the preview: rows go in while the child checks the next ones, the
        # preview is printed before the commit, and a refusal leaves nothing written.
        proven = actor(args)
        streamed = ingest_upload(
            where, proven, data, name, print_preview, max_bytes=_max_bytes(args)
        )
        if streamed is not None:
            report_merge(streamed)
            return 0
    upload, preview = validate_upload(
        where, data, name, max_bytes=_max_bytes(args), meanwhile=_import_sign_in
    )
    print_preview(preview)
    if not preview.changes:
        print("没有改动：所有行都已存在 / nothing changed: every row is already held")
        return 0
    if len(preview.contradicting) and not args.replace:
        from etl.store.preview import contradiction_error

        raise contradiction_error(preview, name)
    answer = confirm(args, "合并这些数据？/ merge these rows?")
    if answer is None:
        print(
            "未合并：没有终端可询问，确认请加 --yes / nothing merged: no terminal to ask on; "
            "add --yes to merge",
            file=sys.stderr,
        )
        return EXIT_NEEDS_CONFIRMATION
    if not answer:
        print("未合并 / nothing merged")
        return 0
    who = proven or actor(args)  # proven once: a password is read from stdin only once
    report_merge(merge_upload(where, upload, who, replace=args.replace, preview=preview))
    return 0


@command(
    "add-article",
    help="上传新文章，接受提取结果 / add a new article and accept its extracted rows",
    description="Run the extractor on a new article (.txt), print the rows it proposes and "
    "store the article as received with those rows as one batch (build never re-extracts it). "
    "To edit the rows first, use the dashboard's upload page.",
    options=[
        options.acting_user(),
        options.upload_file("文章文本文件（.txt）/ an article text file (.txt)"),
        options.published(),
        arg("--source-id", metavar="ID", help="来源编号 / source id"),
        arg("--title", help="标题 / title"),
        arg("--publisher", help="发布机构 / publisher"),
        arg("--url", help="网址 / URL"),
        options.yes("不询问直接接受 / accept without asking"),
        arg("--replace", action="store_true", help="替换矛盾数据 / replace contradicted"),
    ],
)
@imports_first("etl.store.commands", "etl.store.preview", "etl.uploads.articles")
def cmd_add_article(args: argparse.Namespace) -> int:
    from etl.store.commands import accept_article
    from etl.store.preview import preview_rows
    from etl.store.table import load_state
    from etl.uploads.articles import propose_article
    from etl.uploads.reading import read_upload_bytes

    where = layout(args.data_dir)
    path = Path(args.file)
    name = args.as_name or path.name
    proposal = propose_article(read_upload_bytes(path, _max_bytes(args)), name, args.published)
    print(
        f"提取到 {len(proposal.rows)} 行 / the extractor proposes {len(proposal.rows)} rows "
        f"(source_id {args.source_id or proposal.source_id}, published {proposal.published})"
    )
    if proposal.published_inferred and not args.published:
        print(
            f"发布日期由正文推断为 {proposal.published}，将标记为推断 / publication date inferred "
            f"from the text as {proposal.published}; stored marked inferred (give --published)",
            file=sys.stderr,
        )
    if not (args.title or proposal.title):
        raise CorridorError.single(
            "文章没有标题行，请用 --title 给出标题",
            "the article has no title line: give one with --title",
            file=name,
        )
    print_preview(preview_rows(load_state(where).observations, proposal.rows))
    answer = confirm(args, "接受这些数据？/ accept these rows?")
    if answer is None:
        print(
            "未合并：没有终端可询问，确认请加 --yes / nothing merged: add --yes to accept",
            file=sys.stderr,
        )
        return EXIT_NEEDS_CONFIRMATION
    if not answer:
        print("未合并 / nothing merged")
        return 0
    result = accept_article(
        where,
        actor(args),
        proposal,
        proposal.rows,
        source_id=args.source_id,
        title=args.title,
        publisher=args.publisher,
        url=args.url,
        replace=args.replace,
    )
    report_merge(result)
    return 0


@command(
    "export",
    help="导出全部数据为 CSV / print every stored row as CSV",
    description="Print every stored row (reported and derived, all batches) as contract CSV "
    "on stdout: plain UTF-8 without BOM, numbers unformatted. Text a spreadsheet would run "
    "as a formula (=, +, -, @ after any blanks) is prefixed with ' unless --raw.",
    options=[
        arg(
            "--raw",
            action="store_true",
            help="不处理公式前缀，原样输出（供程序读取，勿用电子表格打开）/ "
            "text exactly as stored, formula prefixes not disarmed (for programs; do not open in "
            "a spreadsheet)",
        )
    ],
)
def cmd_export(args: argparse.Namespace) -> int:
    from etl.store.table import export_csv

    text = export_csv(layout(args.data_dir), raw=args.raw)
    # Bytes, not text mode: the same UTF-8 without BOM and \n line ends on every platform.
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


@command(
    "template",
    help="输出上传模板（CSV 或 XLSX）/ write the upload template (CSV or XLSX)",
    description="Print a CSV template of the upload columns with one example row "
    "(UTF-8 with BOM, for Excel), or with --out FILE.xlsx write an Excel workbook: drop-down "
    "lists of labels, formatted date and percent cells and a sheet explaining each column. "
    "--lang zh gives Chinese headers and labels; uploads may use either.",
    options=[
        arg("--lang", choices=("en", "zh"), default="en", help="表头语言 / header language"),
        arg(
            "--out", metavar="FILE", help="写入文件（.xlsx 或 .csv）/ write to FILE (.xlsx or .csv)"
        ),
    ],
)
def cmd_template(args: argparse.Namespace) -> int:
    from etl.contract.fileio import write_bytes_atomic
    from etl.uploads.template import template_xlsx
    from etl.uploads.validating import template_csv

    if not args.out:
        sys.stdout.buffer.write(template_csv(args.lang))
        sys.stdout.flush()
        return 0
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise CorridorError.single(
            "--out 须以 .xlsx 或 .csv 结尾", "--out must end in .xlsx or .csv", file=str(out)
        )
    data = template_xlsx(args.lang) if out.suffix.lower() == ".xlsx" else template_csv(args.lang)
    write_bytes_atomic(out, data)
    print(f"已写入模板 template written: {out}")
    return 0
