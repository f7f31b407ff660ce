"""Alembic's entry point: migrate the connection `etl.store.db.migrate` hands over."""

from __future__ import annotations

from alembic import context

from etl.store.db.tables import metadata

# The caller passes an open connection (config.attributes["connection"]): the URL, its password
# included, never goes through an ini file or a log line.
connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
