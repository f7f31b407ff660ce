"""The database store's tests run on SQLite and on PostgreSQL (tests/pg_support.py)."""

from pg_support import db_url, postgres_server

__all__ = ["db_url", "postgres_server"]
