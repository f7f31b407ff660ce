"""The figure indexes a merge keeps up: the identity of every figure and the batch that removed
it are indexed for removed figures only (`WHERE removed_batch IS NOT NULL`), not for the million
active ones. A new figure is active, so a merge's insert now updates one random-keyed identity
index (the unique one of active figures) instead of two, and no longer adds a NULL to the
removed batch's index. Every lookup keeps an index: active figures by identity through the
unique index of active identities; an undo's removed figures by identity, and a batch's removed
figures by batch, through these two.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

REMOVED = sa.text("removed_batch IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_figures_identity", table_name="figures")
    op.drop_index("ix_figures_removed_batch", table_name="figures")
    for name, column in (
        ("ix_figures_removed_batch", "removed_batch"),
        ("ix_figures_removed_identity", "identity"),
    ):
        op.create_index(name, "figures", [column], sqlite_where=REMOVED, postgresql_where=REMOVED)


def downgrade() -> None:
    op.drop_index("ix_figures_removed_identity", table_name="figures")
    op.drop_index("ix_figures_removed_batch", table_name="figures")
    op.create_index("ix_figures_removed_batch", "figures", ["removed_batch"])
    op.create_index("ix_figures_identity", "figures", ["identity"])
