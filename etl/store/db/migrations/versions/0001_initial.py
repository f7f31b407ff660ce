"""The store's first schema: batches, figures, sources, wordings, events, pending items,
received files, accounts, the append-only audit trail and the data version.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# The audit trail is append-only in the database itself, not only in the code that writes it.
SQLITE_AUDIT_GUARDS = (
    "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
    "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END",
)
POSTGRESQL_AUDIT_GUARDS = (
    "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    "$$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $$",
    "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit "
    "FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only()",
)


def upgrade() -> None:
    """Create every table, the audit trail's guards and the data version's one row."""
    _create_accounts()
    _create_audit()
    _create_batches()
    _create_data_version()
    _create_events()
    _create_os_users()
    _create_pending()
    _create_received_files()
    _create_figures()
    _create_sources()
    _create_wordings()
    guards = (
        SQLITE_AUDIT_GUARDS if op.get_bind().dialect.name == "sqlite" else POSTGRESQL_AUDIT_GUARDS
    )
    for statement in guards:
        op.execute(statement)
    op.execute("INSERT INTO data_version (id, version) VALUES (1, 0)")


def _create_accounts() -> None:
    op.create_table(
        "accounts",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.Text(), server_default="", nullable=False),
        sa.Column("admin", sa.Boolean(), server_default="0", nullable=False),
        sa.Column(
            "spec",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_accounts")),
    )


def _create_audit() -> None:
    op.create_table(
        "audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("person", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "details",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit")),
    )


def _create_batches() -> None:
    op.create_table(
        "batches",
        sa.Column("id", sa.String(length=15), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("person", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), server_default="", nullable=False),
        sa.Column("file_sha256", sa.Text(), server_default="", nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("approved_by", sa.Text(), server_default="", nullable=False),
        sa.Column("pending_id", sa.Text(), server_default="", nullable=False),
        sa.Column("rows_added", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rows_removed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="applied", nullable=False),
        sa.Column("undoes", sa.String(length=15), nullable=True),
        sa.Column("undone_by", sa.String(length=15), nullable=True),
        sa.Column(
            "record",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('upload', 'article', 'source', 'correction', 'retraction', 'undo', "
            "'wording')",
            name=op.f("ck_batches_kind"),
        ),
        sa.ForeignKeyConstraint(["undoes"], ["batches.id"], name=op.f("fk_batches_undoes_batches")),
        sa.ForeignKeyConstraint(
            ["undone_by"], ["batches.id"], name=op.f("fk_batches_undone_by_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
        sa.UniqueConstraint("seq", name=op.f("uq_batches_seq")),
    )


def _create_data_version() -> None:
    op.create_table(
        "data_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_data_version_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_version")),
    )


def _create_events() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title_zh", sa.Text(), server_default="", nullable=False),
        sa.Column("title_en", sa.Text(), server_default="", nullable=False),
        sa.Column("kind", sa.Text(), server_default="", nullable=False),
        sa.Column("source_id", sa.Text(), server_default="", nullable=False),
        sa.Column("quote", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )


def _create_os_users() -> None:
    op.create_table(
        "os_users",
        sa.Column("os_name", sa.Text(), nullable=False),
        sa.Column("account", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("os_name", name=op.f("pk_os_users")),
    )


def _create_pending() -> None:
    op.create_table(
        "pending",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("person", sa.Text(), nullable=False),
        sa.Column("at", sa.Text(), nullable=False),
        sa.Column(
            "record",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "files",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("seal", sa.Text(), server_default="", nullable=False),
        sa.Column("status", sa.String(length=16), server_default="pending", nullable=False),
        sa.Column(
            "decision",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), "postgresql"),
            nullable=True,
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name=op.f("ck_pending_status")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending")),
    )


def _create_received_files() -> None:
    op.create_table(
        "received_files",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_received_files")),
    )


def _create_figures() -> None:
    op.create_table(
        "figures",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("metric", sa.Text(), server_default="", nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("qualifier", sa.Text(), server_default="", nullable=False),
        sa.Column("unit", sa.Text(), server_default="", nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("region", sa.Text(), server_default="", nullable=False),
        sa.Column("route", sa.Text(), server_default="", nullable=False),
        sa.Column("scope", sa.Text(), server_default="", nullable=False),
        sa.Column("series", sa.Text(), server_default="", nullable=False),
        sa.Column("yoy_pct", sa.Double(), nullable=True),
        sa.Column("basis", sa.Text(), server_default="", nullable=False),
        sa.Column("source_id", sa.Text(), server_default="", nullable=False),
        sa.Column("quote", sa.Text(), server_default="", nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=False),
        sa.Column("report_no", sa.Integer(), server_default="0", nullable=False),
        sa.Column("added_batch", sa.String(length=15), nullable=True),
        sa.Column("removed_batch", sa.String(length=15), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_batch"], ["batches.id"], name=op.f("fk_figures_added_batch_batches")
        ),
        sa.ForeignKeyConstraint(
            ["removed_batch"], ["batches.id"], name=op.f("fk_figures_removed_batch_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_figures")),
    )
    op.create_index("ix_figures_added_batch", "figures", ["added_batch"], unique=False)
    op.create_index("ix_figures_removed_batch", "figures", ["removed_batch"], unique=False)
    op.create_index(
        "uq_figures_active_identity",
        "figures",
        ["identity", "report_no"],
        unique=True,
        sqlite_where=sa.text("removed_batch IS NULL"),
        postgresql_where=sa.text("removed_batch IS NULL"),
    )


def _create_sources() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), server_default="", nullable=False),
        sa.Column("publisher", sa.Text(), server_default="", nullable=False),
        sa.Column("published", sa.Date(), nullable=False),
        sa.Column("published_inferred", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("url", sa.Text(), server_default="", nullable=False),
        sa.Column("kind", sa.Text(), server_default="", nullable=False),
        sa.Column("file_name", sa.Text(), server_default="", nullable=False),
        sa.Column("sha256", sa.Text(), server_default="", nullable=False),
        sa.Column("added_by", sa.Text(), server_default="", nullable=False),
        sa.Column("added_at", sa.Text(), server_default="", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("added_batch", sa.String(length=15), nullable=True),
        sa.Column("removed_batch", sa.String(length=15), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_batch"], ["batches.id"], name=op.f("fk_sources_added_batch_batches")
        ),
        sa.ForeignKeyConstraint(
            ["removed_batch"], ["batches.id"], name=op.f("fk_sources_removed_batch_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
    )
    op.create_index(
        "uq_sources_active_source_id",
        "sources",
        ["source_id"],
        unique=True,
        sqlite_where=sa.text("removed_batch IS NULL"),
        postgresql_where=sa.text("removed_batch IS NULL"),
    )


def _create_wordings() -> None:
    op.create_table(
        "wordings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("batch_id", sa.String(length=15), nullable=False),
        sa.Column("series", sa.Text(), nullable=False),
        sa.Column("wording", sa.Text(), nullable=False),
        sa.Column("removed_batch", sa.String(length=15), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name=op.f("fk_wordings_batch_id_batches")
        ),
        sa.ForeignKeyConstraint(
            ["removed_batch"], ["batches.id"], name=op.f("fk_wordings_removed_batch_batches")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wordings")),
    )


def downgrade() -> None:
    """Drop everything the upgrade created."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_no_truncate ON audit")
        op.execute("DROP TRIGGER audit_no_change ON audit")
        op.execute("DROP FUNCTION audit_append_only()")
    for table in (
        "figures",
        "wordings",
        "sources",
        "received_files",
        "pending",
        "os_users",
        "events",
        "data_version",
        "batches",
        "audit",
        "accounts",
    ):
        op.drop_table(table)
