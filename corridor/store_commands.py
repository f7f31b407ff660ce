"""The analysts' subcommands: validate, ingest, export, history, undo, sources, correct, retract.

The command line is for people with shell access to the server; it acts as analyst.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from corridor import options
from etl.contract.errors import CorridorError
from etl.contract.paths import layout
from etl.store.auth import TOKEN_ENV, Actor, cli_actor

# Exit code when a merge needs a yes and there is no terminal to ask on.
EXIT_NEEDS_CONFIRMATION = 3
# Rows of each kind shown in a preview; the rest are counted.
PREVIEW_ROWS = 10
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


def _max_bytes(args: argparse.Namespace) -> int | None:
    from etl.uploads.reading import max_upload_bytes

    return None if args.max_mb is None else max_upload_bytes(args.max_mb)


def _read_file(args: argparse.Namespace) -> tuple[bytes, str]:
    from etl.uploads.reading import read_upload_bytes

    path = Path(args.file)
    name = args.as_name or path.name
    return read_upload_bytes(path, _max_bytes(args)), name


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


def _confirm(args: argparse.Namespace, question: str) -> bool | None:
    """Return True to go ahead, False if declined, None when there is no terminal to ask on."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        return None
    answer = input(f"{question} [y/N] ").strip().lower()
    return answer in {"y", "yes", "是", "好"}


def _read_secret(args: argparse.Namespace, prompt: str) -> str | None:
    """Return the next line of stdin with --password-stdin, else a typed one, else None."""
    if getattr(args, "password_stdin", False):
        return sys.stdin.readline().rstrip("\n") or None
    if sys.stdin.isatty():
        return getpass.getpass(prompt) or None
    return None


def _actor(args: argparse.Namespace, *, writes: bool = True) -> Actor:
    """Return the proven person a command acts as (password, token or a mapped OS user)."""
    secret = None
    if getattr(args, "user", None) and not os.environ.get(TOKEN_ENV, "").strip():
        secret = _read_secret(args, f"{args.user} 的密码或令牌 / password or token: ")
    return cli_actor(args.user, secret, path=_users_file(args), writes=writes)


def _report_pending(pending_id: str) -> None:
    print(
        f"已提交待审批 {pending_id}：须由另一位分析员批准（corridor approve）后生效 / "
        f"submitted for approval as pending {pending_id}: applied once another analyst approves it "
        "(corridor approve)"
    )


def _report_merge(result: Any) -> None:
    if getattr(result, "pending_id", None):
        _report_pending(result.pending_id)
    elif result.batch_id is None:
        print("没有改动：所有行都已存在 / nothing changed: every row is already held")
    else:
        print(f"已合并为批次 merged as batch {result.batch_id}")


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


def cmd_ingest(args: argparse.Namespace) -> int:
    from etl.store.commands import merge_upload, validate_upload

    where = layout(args.data_dir)
    data, name = _read_file(args)
    upload, preview = validate_upload(where, data, name, max_bytes=_max_bytes(args))
    print_preview(preview)
    if not preview.changes:
        print("没有改动：所有行都已存在 / nothing changed: every row is already held")
        return 0
    if len(preview.contradicting) and not args.replace:
        from etl.store.preview import contradiction_error

        raise contradiction_error(preview, name)
    answer = _confirm(args, "合并这些数据？/ merge these rows?")
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
    _report_merge(merge_upload(where, upload, _actor(args), replace=args.replace))
    return 0


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
    answer = _confirm(args, "接受这些数据？/ accept these rows?")
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
        _actor(args),
        proposal,
        proposal.rows,
        source_id=args.source_id,
        title=args.title,
        publisher=args.publisher,
        url=args.url,
        replace=args.replace,
    )
    _report_merge(result)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from etl.store.table import export_csv

    text = export_csv(layout(args.data_dir), raw=args.raw)
    # Bytes, not text mode: the same UTF-8 without BOM and \n line ends on every platform.
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


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


def cmd_approve(args: argparse.Namespace) -> int:
    from etl.store.pending import approve

    result = approve(layout(args.data_dir), _actor(args), args.batch)
    if result.batch_id is None:
        print("已批准；所有行都已存在，没有改动 / approved; every row was already held")
    else:
        print(f"已批准，合并为批次 approved; merged as batch {result.batch_id}")
    return 0


def cmd_reject(args: argparse.Namespace) -> int:
    from etl.store.pending import reject

    reject(layout(args.data_dir), _actor(args), args.batch, args.reason)
    print(f"已驳回 rejected {args.batch}")
    return 0


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


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise CorridorError.single(
                "没有读到密码；请在终端输入或用 --password-stdin",
                "no password read; type it on a terminal or use --password-stdin",
            )
        return password
    password = getpass.getpass("新密码 / new password: ")
    if getpass.getpass("再输入一次 / again: ") != password:
        raise CorridorError.single("两次输入不一致", "the two entries differ")
    return password


def _manager_of_accounts(args: argparse.Namespace) -> Actor | None:
    """Return the proven person managing accounts; None only while there are no accounts yet."""
    from etl.store.accounts import read_users

    if not read_users(_users_file(args), section={}):
        return None  # the first account, made at setup, becomes the admin
    return _actor(args, writes=False)


def cmd_users_add(args: argparse.Namespace) -> int:
    from etl.store.accounts import add_user

    by = _manager_of_accounts(args)
    user = add_user(args.name, args.role, _read_password(args), _users_file(args), by=by)
    note = "，管理员 admin" if by is None else ""
    print(f"已添加用户 added user {user.name} ({user.role}{note})")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    from etl.store.accounts import LEGACY_NAME, read_users

    users = read_users(_users_file(args))
    if not users:
        print("还没有用户 / no users yet")
    for user in users.values():
        note = "  (共用密码 shared password)" if user.name == LEGACY_NAME else ""
        print(f"{user.name}\t{user.role}{note}")
    return 0


def cmd_users_remove(args: argparse.Namespace) -> int:
    from etl.store.accounts import remove_user

    remove_user(args.name, _users_file(args), by=_actor(args, writes=False))
    print(f"已删除用户 removed user {args.name}")
    return 0


def cmd_users_set_password(args: argparse.Namespace) -> int:
    from etl.store.accounts import set_user_password

    by = _actor(args, writes=False)
    set_user_password(args.name, _read_password(args), _users_file(args), by=by)
    print(f"已更新密码 password updated for {args.name}")
    return 0


def cmd_users_token(args: argparse.Namespace) -> int:
    from etl.store.accounts import make_token

    token = make_token(args.name, _users_file(args), by=_actor(args, writes=False))
    print(
        f"{args.name} 的个人令牌（只显示这一次；设为环境变量 {TOKEN_ENV}）/ personal token for "
        f"{args.name} (shown once; set it as {TOKEN_ENV}):",
        file=sys.stderr,
    )
    print(token)
    return 0


def cmd_users_map_os(args: argparse.Namespace) -> int:
    from etl.store.accounts import map_os_user

    target = None if args.remove else args.name
    map_os_user(args.os_user, target, _users_file(args), by=_actor(args, writes=False))
    if target is None:
        print(f"已取消操作系统用户 {args.os_user} 的对应 / OS user {args.os_user} unmapped")
    else:
        print(f"操作系统用户 {args.os_user} 对应账户 {target} / OS user mapped to {target}")
    return 0


def _users_file(args: argparse.Namespace) -> Path:
    from etl.store.accounts import users_path

    if getattr(args, "users_file", None):
        return Path(args.users_file)
    return users_path(getattr(args, "data_dir", None))


def cmd_undo(args: argparse.Namespace) -> int:
    from etl.store.commands import undo_batch

    batch_id = undo_batch(layout(args.data_dir), _actor(args), args.batch, args.reason or "")
    print(f"已撤销 {args.batch}，记录为批次 undone; recorded as batch {batch_id}")
    return 0


def cmd_sources_add(args: argparse.Namespace) -> int:
    from etl.store.commands import add_source

    batch_id = add_source(
        layout(args.data_dir),
        _actor(args),
        source_id=args.id,
        title=args.title,
        publisher=args.publisher,
        published=args.published,
        url=args.url or "",
    )
    print(f"已登记来源 registered source {args.id} (batch {batch_id})")
    return 0


def cmd_series_list(args: argparse.Namespace) -> int:
    from etl.contract.series import load_series

    print("key,metric,context,headline,label_zh,label_en,body")
    for series in load_series():
        print(
            f"{series.key},{series.metric},{series.context},{str(series.headline).lower()},"
            f"{series.label_zh},{series.label_en.replace(',', ' ')},{series.body}"
        )
    return 0


def cmd_series_table(args: argparse.Namespace) -> int:
    from corridor.series_table import render_headline_tables
    from etl.store.table import load_table

    table = load_table(layout(args.data_dir))
    sys.stdout.write(render_headline_tables(table.observations, table.sources))
    sys.stdout.flush()
    return 0


def cmd_series_add_wording(args: argparse.Namespace) -> int:
    from etl.store.commands import add_wording

    result = add_wording(layout(args.data_dir), _actor(args), args.series, args.wording)
    if result.pending_id:
        _report_pending(result.pending_id)
        return 0
    print(
        f"已将措辞“{args.wording}”归入系列 {args.series}（批次 {result.batch_id}，可撤销）/ "
        f"wording mapped to series {args.series} (batch {result.batch_id}, undoable)"
    )
    return 0


def cmd_sources_list(args: argparse.Namespace) -> int:
    from etl.contract.tables import render_sources_csv
    from etl.store.table import load_table

    sys.stdout.buffer.write(render_sources_csv(load_table(layout(args.data_dir)).sources).encode())
    sys.stdout.flush()
    return 0


def _criteria(args: argparse.Namespace) -> dict[str, str | None]:
    return {name: getattr(args, name) for name, _help, _required in SELECTORS}


def cmd_correct(args: argparse.Namespace) -> int:
    from etl.store.commands import correct_figure

    result = correct_figure(
        layout(args.data_dir),
        _actor(args),
        _criteria(args),
        args.new_value,
        args.reason,
        yoy_pct=args.new_yoy_pct,
        qualifier=args.new_qualifier,
    )
    if result.pending_id:
        _report_pending(result.pending_id)
    else:
        print(f"已更正，记录为批次 corrected; recorded as batch {result.batch_id}")
    return 0


def cmd_retract(args: argparse.Namespace) -> int:
    from etl.store.commands import retract_figure

    result = retract_figure(layout(args.data_dir), _actor(args), _criteria(args), args.reason)
    if result.pending_id:
        _report_pending(result.pending_id)
    else:
        print(f"已撤回该数据，记录为批次 retracted; recorded as batch {result.batch_id}")
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    from etl.store.passwords import hash_password, write_password_hash

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        if not sys.stdin.isatty():
            raise CorridorError.single(
                "没有终端可输入密码；请用 --password-stdin",
                "no terminal to type the password on; use --password-stdin",
            )
        password = getpass.getpass("分析员密码 / analyst password: ")
        if getpass.getpass("再输入一次 / again: ") != password:
            raise CorridorError.single("两次输入不一致", "the two entries differ")
    path = write_password_hash(
        hash_password(password), Path(args.secrets) if args.secrets else None
    )
    print(f"已写入 written: {path} (mode 0600)")
    return 0


def _add_selectors(p: argparse.ArgumentParser) -> None:
    for name, text, required in SELECTORS:
        flag = "--" + name.replace("_", "-")
        p.add_argument(flag, dest=name, required=required, help=text)


def _add_user(p: argparse.ArgumentParser, stdin: bool = True) -> None:
    """Add `--user NAME` and `--password-stdin`: who acts, proven by password or token."""
    p.add_argument(
        "--user",
        metavar="NAME",
        help="以此账户操作，须证明：终端输入密码、--password-stdin，或个人令牌 "
        f"${TOKEN_ENV}（默认：管理员对应到账户的操作系统用户）/ act as this account, proven by "
        f"its password (typed, or --password-stdin) or a personal token in ${TOKEN_ENV} "
        "(default: the OS user, where an admin mapped it to an account)",
    )
    if stdin:
        p.add_argument(
            "--password-stdin",
            action="store_true",
            help="从标准输入第一行读 --user 的密码或令牌 / read --user's password or token "
            "from the first line of stdin",
        )


def register(sub: options.Subparsers) -> None:
    """Add the analysts' subcommands to the corridor parser."""
    p = options.command(
        sub,
        "validate",
        cmd_validate,
        help="检查上传文件，不合并 / check an upload without merging (dry run)",
        description="Check a CSV or XLSX of observations and print the preview (rows new, "
        "already present, contradicting) and what the record check would question about the "
        "new rows, or every problem by row, column and value.",
    )
    options.add_upload_file(p)
    p.add_argument(
        "--lang",
        choices=("zh", "en"),
        default="zh",
        help="记录核对的语言 / language of the record check's findings (default zh)",
    )

    p = options.command(
        sub,
        "ingest",
        cmd_ingest,
        help="检查并合并上传文件 / validate, preview and merge an upload",
        description="Validate a CSV or XLSX, print the preview and merge it as one batch. "
        "Without --yes it asks on a terminal; with no terminal it merges nothing and exits 3.",
    )
    _add_user(p)
    options.add_upload_file(p)
    options.add_yes(p, "不询问直接合并 / merge without asking")
    p.add_argument(
        "--replace",
        action="store_true",
        help="替换矛盾的已有数据 / replace contradicted figures (recorded old → new)",
    )

    p = options.command(
        sub,
        "add-article",
        cmd_add_article,
        help="上传新文章，接受提取结果 / add a new article and accept its extracted rows",
        description="Run the extractor on a new article (.txt), print the rows it proposes and "
        "store the article as received with those rows as one batch (build never re-extracts it). "
        "To edit the rows first, use the dashboard's upload page.",
    )
    _add_user(p)
    options.add_upload_file(p, "文章文本文件（.txt）/ an article text file (.txt)")
    options.add_published(p)
    p.add_argument("--source-id", metavar="ID", help="来源编号 / source id")
    p.add_argument("--title", help="标题 / title")
    p.add_argument("--publisher", help="发布机构 / publisher")
    p.add_argument("--url", help="网址 / URL")
    options.add_yes(p, "不询问直接接受 / accept without asking")
    p.add_argument("--replace", action="store_true", help="替换矛盾数据 / replace contradicted")

    p = options.command(
        sub,
        "export",
        cmd_export,
        help="导出全部数据为 CSV / print every stored row as CSV",
        description="Print every stored row (reported and derived, all batches) as contract CSV "
        "on stdout: plain UTF-8 without BOM, numbers unformatted. Text a spreadsheet would run "
        "as a formula (=, +, -, @ after any blanks) is prefixed with ' unless --raw.",
    )
    p.add_argument(
        "--raw",
        action="store_true",
        help="不处理公式前缀，原样输出（供程序读取，勿用电子表格打开）/ text exactly as stored, "
        "formula prefixes not disarmed (for programs; do not open in a spreadsheet)",
    )

    p = options.command(
        sub,
        "template",
        cmd_template,
        help="输出上传模板（CSV 或 XLSX）/ write the upload template (CSV or XLSX)",
        description="Print a CSV template of the upload columns with one example row "
        "(UTF-8 with BOM, for Excel), or with --out FILE.xlsx write an Excel workbook: drop-down "
        "lists of labels, formatted date and percent cells and a sheet explaining each column. "
        "--lang zh gives Chinese headers and labels; uploads may use either.",
    )
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="表头语言 / header language")
    p.add_argument(
        "--out", metavar="FILE", help="写入文件（.xlsx 或 .csv）/ write to FILE (.xlsx or .csv)"
    )

    p = options.command(
        sub,
        "history",
        cmd_history,
        help="列出所有批次 / list the batches",
        description="List every change, newest first, as a sentence in the language: when (the "
        "settings' time zone), who, what (rows, figures, file or reason), who approved it, whether "
        "it was undone, and its id in brackets. --table prints a table, --json the records.",
    )
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON")
    p.add_argument("--table", action="store_true", help="输出表格 / print a table")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="表头语言 / language")

    p = options.command(
        sub,
        "undo",
        cmd_undo,
        help="撤销一个批次 / undo a batch",
        description="Undo BATCH as a new batch: remove its rows and restore what it replaced, "
        "leaving later batches alone; refused when a later batch changed the same figures.",
    )
    _add_user(p)
    p.add_argument("batch", metavar="BATCH", help="批次编号或序号 / batch id or sequence number")
    p.add_argument("--reason", help="原因 / why")

    p = sub.add_parser(
        "sources",
        parents=[options.data_dir_option()],
        help="登记或列出来源 / register or list sources",
        description="Register a source that uploaded rows can cite, or list the sources.",
    )
    sources_sub = p.add_subparsers(dest="sources_command", metavar="ACTION", required=True)
    inner = options.data_dir_option(keep_earlier=True)
    q = options.command(
        sources_sub,
        "add",
        cmd_sources_add,
        parent=inner,
        help="登记来源 / register a source",
        description="Register a source (recorded as a batch) so uploads can cite its id.",
    )
    _add_user(q)
    q.add_argument("--id", required=True, help="来源编号 / source id (letters, digits, _.:-)")
    q.add_argument("--title", required=True, help="标题 / title")
    q.add_argument("--publisher", required=True, help="发布机构 / publisher")
    options.add_published(q, required=True)
    q.add_argument("--url", help="网址 / URL (http or https)")
    options.command(
        sources_sub,
        "list",
        cmd_sources_list,
        parent=inner,
        help="列出来源 / list sources as CSV",
        description="Print every source (built and registered) as CSV.",
    )

    p = sub.add_parser(
        "series",
        parents=[options.data_dir_option()],
        help="列出系列或添加措辞映射 / list series or map a wording to one",
        description="List the series catalogue, or map a scope wording to a series as a recorded, "
        "undoable batch, so figures worded that way join the series without a code change.",
    )
    series_sub = p.add_subparsers(dest="series_command", metavar="ACTION", required=True)
    options.command(
        series_sub,
        "list",
        cmd_series_list,
        parent=inner,
        help="列出系列目录 / list the series catalogue as CSV",
        description="Print every catalogued series: key, metric, context, headline, labels, body.",
    )
    options.command(
        series_sub,
        "table",
        cmd_series_table,
        parent=inner,
        help="主要系列逐年表 / each headline series year by year (Markdown)",
        description="Print docs/headline-series.md from the stored data: per headline series "
        "and year the figure as stated (bounds kept), its period, counting body and source, "
        "other reports of the year as 另据 / also reported, gaps as gaps.",
    )
    q = options.command(
        series_sub,
        "add-wording",
        cmd_series_add_wording,
        parent=inner,
        help="把口径措辞归入系列 / map a scope wording to a series",
        description="Record (as a batch, undoable with `corridor undo`) that a figure of SERIES' "
        "metric whose scope contains WORDING and that no catalogue rule places joins SERIES.",
    )
    _add_user(q)
    q.add_argument("series", metavar="SERIES", help="系列编号 / series key")
    q.add_argument("wording", metavar="WORDING", help="口径中的措辞 / wording in the scope")

    p = options.command(
        sub,
        "correct",
        cmd_correct,
        help="更正一个数据 / correct one stored figure",
        description="Replace the value of the one stored figure the options pick out; recorded "
        "as a batch with the reason (undo it like any other).",
    )
    _add_user(p)
    _add_selectors(p)
    p.add_argument("--new-value", type=float, required=True, help="新值 / new value (base units)")
    p.add_argument("--new-yoy-pct", type=float, help="新的同比 / new yoy_pct")
    p.add_argument(
        "--new-qualifier",
        metavar="Q",
        help="新的限定词 / new qualifier: over|under|about|nearly (超过/不到/约/近), '' = exact "
        "(default: keep the figure's own)",
    )
    p.add_argument("--reason", required=True, help="原因 / why")

    p = options.command(
        sub,
        "retract",
        cmd_retract,
        help="撤回一个数据 / retract one stored figure",
        description="Remove the one stored figure the options pick out; recorded as a batch "
        "with the reason (undo it like any other).",
    )
    _add_user(p)
    _add_selectors(p)
    p.add_argument("--reason", required=True, help="原因 / why")

    p = options.command(
        sub,
        "approve",
        cmd_approve,
        help="批准待审改动 / approve a pending change",
        description="Apply a pending upload, article, correction, retraction or wording "
        "(require_approval = true in settings.toml) as a batch recorded as the submitter's. The "
        "analyst who submitted it cannot approve it; a correction or retraction is refused when "
        "the figure changed since the request.",
    )
    p.add_argument("batch", metavar="BATCH", help="待审编号 / pending id")
    _add_user(p)

    p = options.command(
        sub,
        "reject",
        cmd_reject,
        help="驳回待审改动 / reject a pending change",
        description="Reject a pending change with a reason; nothing readers see changes.",
    )
    p.add_argument("batch", metavar="BATCH", help="待审编号 / pending id")
    p.add_argument("--reason", required=True, help="原因 / why")
    _add_user(p)

    p = options.command(
        sub,
        "pending",
        cmd_pending,
        help="列出待审改动 / list pending changes",
        description="List the changes waiting for a second analyst's approval: id, when, who, "
        "kind (upload, article, correction, retraction, wording), file or title, rows.",
    )
    p.add_argument(
        "--rows", action="store_true", help="显示每项的前几行 / show each item's first rows"
    )

    p = sub.add_parser(
        "users",
        parents=[options.data_dir_option()],
        help="管理用户 / manage named accounts",
        description="Add, list or remove named accounts (analyst or manager) and set their "
        "passwords (scrypt hashes in corridor_users.json beside secrets.toml, mode 0600). "
        "The shared password of `corridor set-password` is the account 'analyst'.",
    )
    users_sub = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    inner = options.data_dir_option(keep_earlier=True)
    admin_note = (
        " Needs an admin (--user NAME with its password or a token; the first account, made "
        "when there is none, is the admin). With --password-stdin, stdin's first line is --user's "
        "password and the next the new password."
    )
    for action, handler, text in (
        ("add", cmd_users_add, "添加用户 / add a user." + admin_note),
        ("list", cmd_users_list, "列出用户 / list users"),
        ("remove", cmd_users_remove, "删除用户 / remove a user." + admin_note),
        (
            "set-password",
            cmd_users_set_password,
            "设置密码 / set a user's password (an admin's, or the account's own)." + admin_note,
        ),
        (
            "token",
            cmd_users_token,
            "生成个人令牌 / print a new personal token for NAME (an admin, or NAME itself); "
            f"commands accept it in ${TOKEN_ENV}",
        ),
        (
            "map-os",
            cmd_users_map_os,
            "把操作系统用户对应到账户 / let an OS user act as an account without a password "
            "(admins only; --remove to undo)",
        ),
    ):
        q = options.command(users_sub, action, handler, parent=inner, help=text, description=text)
        q.add_argument("--users-file", metavar="PATH", help="用户文件 / users file path")
        q.add_argument(
            "--password-stdin",
            action="store_true",
            help="从标准输入读密码（先 --user 的，再新密码）/ read passwords from stdin "
            "(--user's first, then the new one)",
        )
        if action != "list":
            _add_user(q, stdin=False)
        if action == "map-os":
            q.add_argument("os_user", metavar="OS_USER")
            q.add_argument("name", metavar="NAME", nargs="?")
            q.add_argument("--remove", action="store_true", help="取消对应 / remove the mapping")
        elif action != "list":
            q.add_argument("name", metavar="NAME")
        if action == "add":
            q.add_argument("--role", choices=("analyst", "manager"), required=True)

    p = options.command(
        sub,
        "set-password",
        cmd_set_password,
        help="设置分析员密码 / set the analyst password",
        description="Ask for the analyst password and write its salted scrypt hash into "
        ".streamlit/secrets.toml (mode 0600), keeping the file's other settings.",
    )
    p.add_argument("--secrets", metavar="PATH", help="secrets.toml 路径 / path to secrets.toml")
    p.add_argument(
        "--password-stdin", action="store_true", help="从标准输入读密码 / read it from stdin"
    )
