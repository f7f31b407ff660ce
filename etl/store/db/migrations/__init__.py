"""Alembic migrations of the store's schema, shipped in the package (no alembic.ini needed)."""

# The newest revision in versions/: a start whose database already stands here opens it without
# importing Alembic (etl.store.db.opening). A new migration raises it; test_migrate.py checks it
# is Alembic's own head.
HEAD_REVISION = "0006"
