"""An index on every figure's identity, active or not: an undo compares a batch's figures with
how they stood after it, and reads them by identity among a million rows.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_figures_identity", "figures", ["identity"])


def downgrade() -> None:
    op.drop_index("ix_figures_identity", table_name="figures")
