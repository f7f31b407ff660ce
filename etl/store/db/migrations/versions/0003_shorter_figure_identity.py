"""A figure's identity as the first 32 hex digits of its key's sha256 (128 bits), not all 64: the
two identity indexes of a million figures halve, and a merge of many new figures, which touches
nearly every page of both, writes half as much.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SHORT = 32
# Rows read and written back at once when downgrading: bounds the memory, nothing else.
CHUNK = 50_000
INDEXES = ("uq_figures_active_identity", "ix_figures_identity")


def upgrade() -> None:
    op.execute(f"UPDATE figures SET identity = substr(identity, 1, {SHORT})")
    # The update left both indexes' pages half full: rebuilt, they are the size the merge reads.
    for index in INDEXES:
        op.execute(f"REINDEX {'INDEX ' if _postgresql() else ''}{index}")


def downgrade() -> None:
    # The whole digest cannot be read back from its half: it is worked out again from the
    # figure key, as revision 0002's code did.
    import hashlib

    import pandas as pd

    from etl.contract.identity import KEY_COLUMNS, figure_keys

    connection = op.get_bind()
    figures = sa.table("figures", sa.column("id"), sa.column("identity"))
    select = sa.text(
        f"SELECT id, {', '.join(KEY_COLUMNS)} FROM figures WHERE id > :last ORDER BY id "
        f"LIMIT {CHUNK}"
    )
    last = 0
    while rows := connection.execute(select, {"last": last}).all():
        last = rows[-1][0]
        # Dates as the database gives them (text or date) read as their ISO text, as the
        # identity reads them; a missing text is "".
        frame = pd.DataFrame([r[1:] for r in rows], columns=list(KEY_COLUMNS), dtype=object)
        keys = figure_keys(frame).tolist()
        connection.execute(
            figures.update().where(figures.c.id == sa.bindparam("fid")),
            [
                {"fid": r[0], "identity": hashlib.sha256(k.encode("utf-8")).hexdigest()}
                for r, k in zip(rows, keys, strict=True)
            ],
        )


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"
