"""The audit trail in tests: a database made to refuse new audit rows, on either engine."""

from __future__ import annotations

from etl.contract.paths import Layout
from etl.store.db.opening import store_engine


def refuse_audit_rows(where: Layout) -> None:
    """Make the database refuse every new audit row, as a full disk or a lost grant would."""
    engine = store_engine(where)
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql(
                "CREATE TRIGGER audit_full BEFORE INSERT ON audit "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
            return
        connection.exec_driver_sql(
            "CREATE FUNCTION audit_full() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$"
        )
        connection.exec_driver_sql(
            "CREATE TRIGGER audit_full BEFORE INSERT ON audit "
            "FOR EACH ROW EXECUTE FUNCTION audit_full()"
        )
