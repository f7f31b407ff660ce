"""The store's database: `corridor db upgrade|import-batches|export|backup`.

The database is `<data-dir>/corridor.sqlite` unless `--database-url` or `$CORRIDOR_DATABASE_URL`
names a PostgreSQL server. The dashboard and the analysts' commands read and write it (a first
start builds it from the data directory); these commands upgrade, import, export and back it up.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from corridor.registry import arg, command, group
from etl.contract.errors import CorridorError
from etl.contract.paths import layout, resolve_data_dir

if TYPE_CHECKING:
    from sqlalchemy import Engine

group(
    "db",
    help="数据库：建立、升级、导入、导出、备份 / the store's database: upgrade, import, export, "
    "backup",
    description="The store on SQLite (<data-dir>/corridor.sqlite) or PostgreSQL "
    "($CORRIDOR_DATABASE_URL or --database-url): create or upgrade it, import a data directory "
    "in the batch format, export its table, back it up.",
)


DATABASE_URL = arg(
    "--database-url",
    metavar="URL",
    help="数据库地址 / database URL: postgresql://user@host/db or sqlite:///file "
    "(default: $CORRIDOR_DATABASE_URL, else <data-dir>/corridor.sqlite)",
)


@contextlib.contextmanager
def _engine(args: argparse.Namespace) -> Iterator[Engine]:
    """Yield the engine of the database the options name; connection failures are refusals."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    from etl.store.db.engine import create_store_engine, resolve_database_url

    url = resolve_database_url(args.database_url, resolve_data_dir(args.data_dir))
    engine = create_store_engine(url)
    try:
        yield engine
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        raise CorridorError.single(
            f"无法使用数据库：{reason}",
            f"the database cannot be used: {reason}",
            value=make_url(url).render_as_string(hide_password=True),
        ) from None
    finally:
        engine.dispose()


@command(
    "db",
    "upgrade",
    help="建立或升级数据库 / create or upgrade the database",
    description="Create the store's tables in a new database, or bring an older one to this "
    "version's schema (the Alembic migrations shipped with the package).",
    options=[DATABASE_URL],
)
def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from etl.store.db.migrate import upgrade

    with _engine(args) as engine:
        before, after = upgrade(engine)
    if before == after:
        print(f"数据库已是最新版本 the database is up to date (revision {after})")
    else:
        print(f"数据库已升级 upgraded the database: {before or '(new)'} → {after}")
    return 0


@command(
    "db",
    "import-batches",
    help="把批次格式的数据目录导入数据库 / load a data directory in the batch format",
    description="Load DIR (tidy tables, batches, undo, wordings, pending items with their "
    "files, accounts, audit log, events) into a new, empty database in one transaction, "
    "creating its tables first; the folder is only read.",
    options=[
        arg("source_dir", metavar="DIR", help="批次格式的数据目录 / data directory to import"),
        DATABASE_URL,
    ],
)
def cmd_db_import_batches(args: argparse.Namespace) -> int:
    from etl.store.db.importing import import_batches
    from etl.store.db.migrate import upgrade

    source = layout(args.source_dir)
    if not source.root.is_dir():
        raise CorridorError.single("目录不存在", "no such directory", file=str(source.root))
    with _engine(args) as engine:
        upgrade(engine)
        imported = import_batches(engine, source)
    print(f"已导入 imported: {imported.summary()}")
    return 0


@command(
    "db",
    "export",
    help="从数据库导出全部数据为 CSV / print every stored row from the database as CSV",
    description="Print the database's table as `corridor export` prints the data directory's: "
    "contract CSV on stdout, formula-like text prefixed with ' unless --raw.",
    options=[
        arg("--raw", action="store_true", help="原样输出 / text exactly as stored (for programs)"),
        DATABASE_URL,
    ],
)
def cmd_db_export(args: argparse.Namespace) -> int:
    from etl.store.db.reading import export_csv

    with _engine(args) as engine:
        text = export_csv(engine, raw=args.raw)
    sys.stdout.buffer.write(text.encode("utf-8"))
    sys.stdout.flush()
    return 0


@command(
    "db",
    "backup",
    help="备份 SQLite 数据库 / back up the SQLite database to a new file",
    description="Copy the SQLite database into FILE with SQLite's online backup (servers may go "
    "on writing); FILE must not exist. PostgreSQL is backed up with pg_dump "
    "(docs/operations.md).",
    options=[
        arg("file", metavar="FILE", help="备份文件 / the new backup file"),
        DATABASE_URL,
    ],
)
def cmd_db_backup(args: argparse.Namespace) -> int:
    from etl.store.db.backup import backup_database

    with _engine(args) as engine:
        target = backup_database(engine, Path(args.file))
    print(f"已备份到 backed up to {target}")
    return 0
