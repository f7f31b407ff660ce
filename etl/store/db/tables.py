"""The store's tables as SQLAlchemy Core metadata: one schema for SQLite and PostgreSQL.

Rows are never deleted: a figure, source or wording that a batch removes keeps its row with
`removed_batch` set, so the history is in the tables themselves. The database enforces the
figure identity: among active figures (removed_batch IS NULL) an identity and report number
occur once, so two writers can never both add the same figure. Every batch a figure names
exists: a foreign key on SQLite, statement-level triggers on PostgreSQL (migration 0006).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Double,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from etl.contract.schema import OBSERVATION_COLUMNS

# Constraint names spelled out, so migrations name them the same on both engines.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

# JSONB on PostgreSQL (indexable, compact); JSON text on SQLite.
Json = JSON().with_variant(JSONB(), "postgresql")
# A batch id as today's folders name it: <seq:06d>-<hash8>.
BATCH_ID_LENGTH = 15
BATCH_KINDS = ("upload", "article", "source", "correction", "retraction", "undo", "wording")
PENDING_STATUSES = ("pending", "approved", "rejected")
ACTIVE = text("removed_batch IS NULL")
REMOVED = text("removed_batch IS NOT NULL")


def _batch_ref(name: str) -> Column[str]:
    return Column(name, String(BATCH_ID_LENGTH), ForeignKey("batches.id"), nullable=True)


def _checked_batch_ref(name: str) -> tuple[Column[str], ForeignKeyConstraint]:
    # A foreign key on SQLite only: on PostgreSQL migration 0006's statement-level triggers hold
    # the same guarantee, checking a COPY's batches once instead of once per figure.
    key = ForeignKeyConstraint([name], ["batches.id"]).ddl_if(dialect="sqlite")
    return Column(name, String(BATCH_ID_LENGTH), nullable=True), key


def _texts(*names: str) -> list[Column[str]]:
    # Contract text columns hold "" for empty, never NULL: exports render them byte for byte.
    return [Column(n, Text, nullable=False, server_default="") for n in names]


batches = Table(
    "batches",
    metadata,
    Column("id", String(BATCH_ID_LENGTH), primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("person", Text, nullable=False),
    Column("at", Text, nullable=False),  # ISO 8601 in UTC, as batch.json writes it
    *_texts("file_name", "file_sha256", "reason", "approved_by", "pending_id"),
    Column("rows_added", Integer, nullable=False, server_default="0"),
    Column("rows_removed", Integer, nullable=False, server_default="0"),
    Column("status", String(16), nullable=False, server_default="applied"),
    _batch_ref("undoes"),
    _batch_ref("undone_by"),
    Column("record", Json, nullable=False),  # the whole batch.json, nothing lost
    CheckConstraint(f"kind IN {BATCH_KINDS!r}", name="kind"),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),  # the table's order
    Column("source_id", Text, nullable=False),
    *_texts("title", "publisher"),
    Column("published", Date, nullable=False),
    Column("published_inferred", Boolean, nullable=False, server_default="0"),
    *_texts("url", "kind", "file_name", "sha256", "added_by", "added_at", "note"),
    _batch_ref("added_batch"),
    _batch_ref("removed_batch"),
    Index(
        "uq_sources_active_source_id",
        "source_id",
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    ),
)

# The figures' foreign keys that PostgreSQL holds as triggers instead (migration 0006).
SQLITE_ONLY_KEYS = ("fk_figures_added_batch_batches", "fk_figures_removed_batch_batches")

_NUMBERS = {"value": False, "yoy_pct": True}
_DATES = {"period_start": True, "period_end": False}


def _figure_columns() -> list[Column[object]]:
    out: list[Column[object]] = []
    for name in OBSERVATION_COLUMNS:
        if name in _NUMBERS:
            out.append(Column(name, Double, nullable=_NUMBERS[name]))
        elif name in _DATES:
            out.append(Column(name, Date, nullable=_DATES[name]))
        else:
            out.extend(_texts(name))  # type: ignore[arg-type]
    return out


figures = Table(
    "figures",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),  # table order
    *_figure_columns(),
    # The figure key's sha256, its first 32 hex digits (etl/contract/identity.py: metric,
    # region, route, simplified scope, period, basis): a scope may be long, a B-tree entry may
    # not. Declared 64 long since migration 0001 held the whole digest (0003 shortened it).
    Column("identity", String(64), nullable=False),
    # The n-th active report of one figure: built tables keep a figure once per source that
    # reports it (0, 1, …); a batch adds a figure only as report 0 of an identity not held.
    Column("report_no", Integer, nullable=False, server_default="0"),
    *_checked_batch_ref("added_batch"),
    *_checked_batch_ref("removed_batch"),
    Index(
        "uq_figures_active_identity",
        "identity",
        "report_no",
        unique=True,
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    ),
    # Removed figures only (migration 0004): a merge adds active figures, which then update
    # neither; an undo reads removed figures by identity and a batch's by batch through them.
    Index(
        "ix_figures_removed_identity",
        "identity",
        sqlite_where=REMOVED,
        postgresql_where=REMOVED,
    ),
    Index(
        "ix_figures_removed_batch",
        "removed_batch",
        sqlite_where=REMOVED,
        postgresql_where=REMOVED,
    ),
    Index("ix_figures_added_batch", "added_batch"),
)

wordings = Table(
    "wordings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", String(BATCH_ID_LENGTH), ForeignKey("batches.id"), nullable=False),
    Column("series", Text, nullable=False),
    Column("wording", Text, nullable=False),
    _batch_ref("removed_batch"),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("date", Date, nullable=False),
    *_texts("title_zh", "title_en", "kind", "source_id", "quote"),
)

pending = Table(
    "pending",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("person", Text, nullable=False),
    Column("at", Text, nullable=False),
    Column("record", Json, nullable=False),  # the whole pending.json
    Column("files", Json, nullable=False),  # its rows.csv, removed.csv, sources.csv as text
    Column("seal", Text, nullable=False, server_default=""),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("decision", Json, nullable=True),
    CheckConstraint(f"status IN {PENDING_STATUSES!r}", name="status"),
)

received_files = Table(
    "received_files",
    metadata,
    Column("name", Text, primary_key=True),  # e.g. uploads/<sha256>.csv
    Column("sha256", String(64), nullable=False),
    # Compressed with lz4 on PostgreSQL (migration 0005; a column option SQLAlchemy does not
    # model): stored inside a merge's write transaction, and pglz took twice as long.
    Column("content", LargeBinary, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("name", Text, primary_key=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", Text, nullable=False, server_default=""),
    Column("admin", Boolean, nullable=False, server_default="0"),
    Column("spec", Json, nullable=False),  # the whole account entry (tokens included)
)

os_users = Table(
    "os_users",
    metadata,
    Column("os_name", Text, primary_key=True),
    Column("account", Text, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", Text, nullable=False),
    Column("event", Text, nullable=False),
    Column("person", Text, nullable=False, server_default=""),
    Column("details", Json, nullable=False),
)

data_version = Table(
    "data_version",
    metadata,
    Column("id", Integer, primary_key=True),
    # One row, raised by every change: a reader compares it with one cheap query per rerun.
    Column("version", BigInteger, nullable=False, server_default="0"),
    CheckConstraint("id = 1", name="one_row"),
)
