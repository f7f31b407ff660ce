"""An upload checked against the store before anything is merged (a dry run): its file read and
checked in the limited child, then its preview against the stored table.

Pandas-free until the file has gone to the child: the store is opened and its registered sources
read, the file sent, and what the preview needs (pandas, the store's operations, the series
rules) imported while the child reads it, so the two interpreters' start-ups overlap instead of
the child waiting for this one's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import replace as with_fields
from typing import TYPE_CHECKING

from etl.contract.paths import Layout
from etl.store.db.opening import store_engine
from etl.store.db.source_ids import active_source_ids
from etl.uploads.upload import Upload, parse_upload

if TYPE_CHECKING:
    from etl.store.preview import Preview

# What the preview uses (pandas with them), imported, and the series rules it applies read, while
# the child reads the file: ~0.5 s of this process's start-up beside the child's own.
PREVIEW_MODULES = ("etl.store.db.operations", "etl.store.db.reading", "etl.contract.series")


def validate_upload(
    layout: Layout,
    data: bytes,
    name: str,
    *,
    max_bytes: int | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> tuple[Upload, Preview]:
    """Return the validated upload and its preview against the stored table (a dry run);
    meanwhile: the caller's own preparation, done while the file is read (parse_upload)."""
    engine = store_engine(layout)
    with engine.connect() as connection:
        known = active_source_ids(connection)

    def prepare() -> None:
        for module in PREVIEW_MODULES:
            importlib.import_module(module)
        from etl.contract.series import load_series_rules

        load_series_rules()
        if meanwhile is not None:
            meanwhile()

    upload = parse_upload(data, name, known, max_bytes=max_bytes, meanwhile=prepare)
    from etl.contract.series import fill_series
    from etl.store.db import operations as ops
    from etl.store.db.reading import active_wordings

    with engine.connect() as connection, connection.begin():
        preview = ops.check_against(connection, upload.rows, upload.identities)
        # Shown: the series each row joins (named, or by the rules and analysts' wordings);
        # stored: the series as uploaded, so the rules keep deciding for rows that name none.
        wordings = active_wordings(connection)
    return upload, with_fields(
        preview,
        new=fill_series(preview.new, wordings),
        present=fill_series(preview.present, wordings),
        contradicting=fill_series(preview.contradicting, wordings),
    )
