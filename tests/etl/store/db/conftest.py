"""The database store's tests run on SQLite and on PostgreSQL (tests/pg_support.py), on the
shipped data and on a data directory in the batch format of earlier versions with a history."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from pg_support import db_url, postgres_server

from etl.contract.paths import REPO_ROOT, Layout
from etl.store.db.engine import create_store_engine
from etl.store.db.migrate import upgrade
from etl.store.db.side_records import USERS_FILE_NAME

__all__ = ["db_url", "history_layout", "postgres_server"]

# Made once by the batch-format store commands (README.md there): the shipped tidy tables plus
# uploads, a replacement, a correction, a retraction, a wording, undos, an approved, a rejected
# and a waiting pending item, accounts and the audit log.
HISTORY = Path(__file__).resolve().parent / "batch_format_history"


@pytest.fixture
def history_layout(tmp_path: Path) -> Layout:
    """A data directory in the batch format with a history (HISTORY), the shipped tidy tables."""
    root = tmp_path / "data"
    shutil.copytree(HISTORY, root, ignore=shutil.ignore_patterns("README.md", "users.json"))
    shutil.copytree(REPO_ROOT / "data" / "tidy", root / "tidy")
    shutil.copy(HISTORY / "users.json", root / USERS_FILE_NAME)
    return Layout(root)


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    """An empty database at the head migration, on each engine."""
    engine = create_store_engine(db_url)
    upgrade(engine)
    yield engine
    engine.dispose()
