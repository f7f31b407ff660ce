"""The `corridor` command: one console script, a subcommand per job."""

from __future__ import annotations

import argparse
import atexit
import contextlib
import math
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from corridor import check_command, deck_command, options
from corridor.commands import db, figures, review, sources, uploads, users
from corridor.registry import add_commands, arg, command
from etl.contract.errors import CorridorError
from etl.contract.paths import REPO_ROOT, Layout, layout

# Exit codes: 0 done, 2 bad input (a refusal with a message), 1 an unexpected failure.
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


@command(
    "build",
    help="从原始文章重建数据表 / rebuild tidy tables from data/raw",
    description="Rebuild tidy/observations.csv and tidy/sources.csv from raw/articles "
    "(deterministic; analysts' batches are never touched).",
    options=[arg("--quiet", action="store_true", help="不显示进度 / no progress lines")],
)
def cmd_build(args: argparse.Namespace) -> int:
    from etl.extraction.build import build, print_progress
    from etl.store.db.engine import DATABASE_ENV, DATABASE_FILE

    where = layout(args.data_dir)
    result = build(where, progress=None if args.quiet else print_progress)
    print(
        f"已生成 built: {result.articles} 篇文章 articles → {result.reported} 条报告值 reported, "
        f"{result.derived} 条推算值 derived → {where.observations_csv}"
    )
    if (where.root / DATABASE_FILE).exists() or os.environ.get(DATABASE_ENV):
        # The tables are the input a new database is built from; a built one is the record.
        print(
            "注意：已建成的数据库保持原有记录，不读取重建的表；新文章请用 corridor add-article "
            "/ note: a database built already keeps its record and does not read the rebuilt "
            "tables; add new articles with corridor add-article"
        )
    return 0


@command(
    "extract",
    help="从文章中提取数据，输出 CSV / print an article's figures as CSV",
    description="Print the observations found in article files as contract CSV on stdout "
    "(UTF-8, no BOM). Header lines `key: value` … `---` are read when present.",
    options=[
        arg("files", nargs="+", metavar="FILE", help="文章文件 / article text files"),
        options.published("发布日期（覆盖页首）/ publication date (overrides the header)"),
        arg(
            "--how",
            action="store_true",
            help="加一列 how：期间是文中写明(stated)、沿用上文(carried)还是取发布日期"
            "(publication) / add a column `how` (off the contract): the period was stated in "
            "its clause, carried from an earlier one, or taken from the publication date",
        ),
    ],
)
def cmd_extract(args: argparse.Namespace) -> int:
    from etl.contract.tables import render_observations_csv
    from etl.extraction.articles import infer_published, read_article
    from etl.extraction.extract import extract_figures
    from etl.extraction.observations import frame_from_rows, rows_from_figures

    rows: list[dict[str, object]] = []
    hows: list[str] = []
    for name in args.files:
        article = read_article(Path(name))
        published = args.published or article.published
        if published is None:
            published = infer_published(article.body)
            if published is None:
                published = date.today()
                print(
                    f"{name}: 未注明发布日期，正文中也找不到年份，按今天 {published} 处理 / "
                    f"no publication date and no year in the text; using today, {published}",
                    file=sys.stderr,
                )
            else:
                print(
                    f"{name}: 未注明发布日期，按正文推断为 {published} / "
                    f"no publication date given; inferred {published} from the text",
                    file=sys.stderr,
                )
        source_id = article.header.get("source_id") or Path(name).stem
        figures = extract_figures(article.body, published)
        rows.extend(rows_from_figures(figures, source_id))
        hows.extend(f.how for f in figures)
    text = render_observations_csv(frame_from_rows(rows))
    if args.how:
        text = _with_how_column(text, hows)
    sys.stdout.write(text)
    return 0


def _with_how_column(text: str, hows: list[str]) -> str:
    """Return contract CSV with a last column `how` (stated, carried, publication), off contract."""
    import csv
    import io

    records = list(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*records[0], "how"])
    for record, how in zip(records[1:], hows, strict=True):
        writer.writerow([*record, how])
    return out.getvalue()


@command(
    "evaluate",
    help="对照标注评估提取质量 / score extraction against labelled truth",
    description="Score extraction on ARTICLES_DIR against TRUTH_CSV as docs/contract.md "
    "describes: precision, recall, F1 and yoy accuracy per metric and overall; then, on the "
    "found rows, each field the dashboard draws (metric, value, qualifier, period_start, "
    "period_end, yoy, series; qualifier and series only where the truth has the column), "
    "listing every mismatch.",
    options=[arg("articles_dir", metavar="ARTICLES_DIR"), arg("truth_csv", metavar="TRUTH_CSV")],
)
def cmd_evaluate(args: argparse.Namespace) -> int:
    from etl.extraction.evaluate import evaluate, render_report

    articles, truth = Path(args.articles_dir), Path(args.truth_csv)
    if not articles.is_dir():
        raise CorridorError.single(
            "文章目录不存在", "articles directory not found", file=str(articles)
        )
    print(render_report(evaluate(articles, truth)))
    return 0


def warm_command(root: Path) -> list[str]:
    """Return the command that opens root's database in a short-lived child process
    (etl.store.cache run as a script; importing it here would hold pandas in `corridor serve`).

    A first start builds the database from the data directory, which peaks at several times the
    table's memory; a child that exits hands the server a database to read instead.
    """
    return [sys.executable, "-m", "etl.store.cache", str(root)]


def warm_cache(where: Layout) -> None:
    """Open (on first start, build) the database in a short-lived child, so the server's own
    memory peak stays low."""
    print("正在准备数据库 / preparing the database ...", flush=True)
    result = subprocess.run(warm_command(where.root), cwd=REPO_ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        # The dashboard itself shows a bilingual message for bad data; serving still goes ahead.
        print(
            "数据库未能准备好，看板将自行打开 / the database could not be prepared here; "
            "the dashboard opens it itself",
            file=sys.stderr,
        )


@command(
    "evaluate-events",
    help="对照标注评估里程碑事件 / score milestone events against labelled truth",
    description="Extract the milestones of the data directory's raw articles and score them "
    "against TRUTH_CSV (default: raw/truth/events.csv): same source and same day.",
    options=[arg("truth_csv", metavar="TRUTH_CSV", nargs="?", default=None)],
)
def cmd_evaluate_events(args: argparse.Namespace) -> int:
    from etl.contract.tables import read_csv_text
    from etl.extraction.build import corpus_events
    from etl.extraction.events import score_events, truth_frame

    where = layout(args.data_dir)
    found, ids = corpus_events(where)
    truth_path = Path(args.truth_csv) if args.truth_csv else where.root / "raw/truth/events.csv"
    raw = read_csv_text(truth_path)
    try:
        truth = truth_frame(raw, ids)
    except ValueError as exc:
        raise CorridorError.single(
            "事件标注文件缺少列",
            f"the events truth file lacks columns: {exc}",
            file=str(truth_path),
        ) from None
    score = score_events(found, truth)
    print(
        f"事件 events: 提取 found {score['found']:.0f}, 标注 truth {score['truth']:.0f}, "
        f"匹配 matched {score['matched']:.0f} (同一来源、同一天 / same source and day); "
        f"precision {score['precision']:.2f}, recall {score['recall']:.2f}"
    )
    return 0


def serve_command(args: argparse.Namespace) -> list[str]:
    """Return the streamlit command line `corridor serve` runs for these arguments."""
    from etl.uploads.limits import max_upload_bytes

    if bool(args.ssl_cert) != bool(args.ssl_key):
        raise CorridorError.single(
            "--ssl-cert 与 --ssl-key 须同时给出", "--ssl-cert and --ssl-key go together"
        )
    for path in (args.ssl_cert, args.ssl_key):
        if path and not Path(path).is_file():
            raise CorridorError.single("文件不存在", "file not found", file=str(path))
    # Streamlit buffers an upload up to its own cap before the app sees it: the same cap as the
    # app's, in whole MiB, so a larger file is refused before it is held in memory.
    upload_mb = max(1, math.ceil(max_upload_bytes() / (1024 * 1024)))
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO_ROOT / "dashboard" / "asgi.py"),
        "--server.address",
        args.address,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.maxUploadSize",
        str(upload_mb),
    ]
    if args.ssl_cert:
        command += [
            "--server.sslCertFile",
            str(Path(args.ssl_cert).resolve()),
            "--server.sslKeyFile",
            str(Path(args.ssl_key).resolve()),
        ]
    return command


@command(
    "serve",
    help="启动看板 / start the dashboard",
    description="Start the Streamlit dashboard on the data directory and print its address.",
    options=[
        arg("--address", default="127.0.0.1", help="监听地址 / bind address"),
        arg("--port", type=int, default=8501, help="端口 / port (default 8501)"),
        arg("--ssl-cert", metavar="FILE", help="TLS 证书（PEM）/ TLS certificate chain (PEM)"),
        arg("--ssl-key", metavar="FILE", help="TLS 私钥（PEM）/ TLS private key (PEM)"),
    ],
)
def cmd_serve(args: argparse.Namespace) -> int:
    where: Layout = layout(args.data_dir)
    env = {**os.environ, "CORRIDOR_DATA_DIR": str(where.root)}
    command = serve_command(args)
    scheme = "https" if args.ssl_cert else "http"
    print(
        f"看板地址 Open the dashboard at: {scheme}://{args.address}:{args.port}/  "
        f"(数据 data: {where.root}; 按 Ctrl+C 停止 / Ctrl+C to stop)",
        flush=True,
    )
    warm_cache(where)
    return run_forwarding_signals(command, env)


# A service manager stops with SIGTERM, a terminal with SIGINT, a closed session with SIGHUP:
# each is passed on to Streamlit as SIGTERM, its clean stop, and `corridor serve` exits when it
# has stopped.
FORWARDED_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
# A server stopped by a signal exits with the signal's own code; when `corridor serve` was
# asked to stop, also with 1: Streamlit's ASGI server (dashboard/asgi.py) re-raises a terminal's
# Ctrl+C, which reaches it directly too, once it has shut down ("Aborted!").
STOPPED_CODES = (-signal.SIGTERM, -signal.SIGINT, -signal.SIGHUP)


def run_forwarding_signals(command: list[str], env: dict[str, str]) -> int:
    """Return the server's exit code after running it, passing stop signals on to it."""
    child = subprocess.Popen(command, env=env, cwd=REPO_ROOT)
    asked: list[int] = []

    def forward(signum: int, _frame: object) -> None:
        asked.append(signum)
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        code = child.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    # Stopped by a signal is a normal stop, not a failure (systemd's view too).
    return 0 if code in STOPPED_CODES or (asked and code == 1) else code


# The modules whose commands `corridor` lists (each declares its own with @command).
COMMAND_MODULES = (uploads, figures, review, sources, users, db, deck_command, check_command)
# `corridor --help` lists the commands in this order: the pipeline, then the analysts' work.
LISTING = (
    "build",
    "extract",
    "evaluate",
    "evaluate-events",
    "serve",
    "validate",
    "ingest",
    "add-article",
    "export",
    "template",
    "history",
    "undo",
    "sources",
    "series",
    "correct",
    "retract",
    "approve",
    "reject",
    "pending",
    "users",
    "set-password",
    "db",
    "deck",
    "check",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="corridor",
        description="西部陆海新通道数据看板 — Western Land-Sea New Corridor data: "
        "build tables from articles, extract figures, serve the dashboard.",
    )
    add_commands(parser, LISTING)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; bad input gets a bilingual message and non-zero exit, no traceback."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
        return code
    except CorridorError as exc:
        print(exc.render(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # the last line of defence: users never see a traceback
        if os.environ.get("CORRIDOR_DEBUG"):
            raise
        print(
            f"内部错误 Internal error: {type(exc).__name__}: {exc}\n"
            "这是程序缺陷，请报告；设置 CORRIDOR_DEBUG=1 可查看详情 / "
            "this is a bug; set CORRIDOR_DEBUG=1 for details",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def run() -> None:
    """Run the command line as the console script does, then end the process as soon as its
    work is out: the interpreter's own teardown (freeing pandas', pyarrow's and SQLAlchemy's
    modules and every object, 0.2-0.4 s) writes nothing anyone reads."""
    code = main()
    if threading.active_count() > 1:
        # A thread still running is waited for, as a normal exit would.
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        # A reader that went away (a closed pipe) is told nothing more.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    # Databases a command opened are closed as a normal exit would (none opened: nothing to do).
    opening = sys.modules.get("etl.store.db.opening")
    if opening is not None:
        opening.close_engines()
    # The handlers a normal exit runs (spares ended, temporary files removed, logs flushed).
    atexit._run_exitfuncs()
    os._exit(code)


if __name__ == "__main__":
    run()
