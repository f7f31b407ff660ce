"""etl/store: every change is in the audit trail in its own transaction (or refused), and the
trail cannot be changed; logins are audit rows read back exactly; edited pending items are refused
at approval and change nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from audit_support import refuse_audit_rows
from references import read_audit
from uploads_support import ANALYST_ACTOR, csv_bytes, new_layout

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store import pending
from etl.store.actors import ANALYST, Actor
from etl.store.audit import audit
from etl.store.commands import merge_upload, validate_upload
from etl.store.db import tables as t
from etl.store.db.opening import store_engine
from etl.store.table import data_version, export_csv

WANG = Actor("王芳", ANALYST)
LI = Actor("li.lei", ANALYST)


def merged(tmp_path: Path) -> tuple[Layout, str]:
    layout = new_layout(tmp_path / "data")
    upload, _ = validate_upload(layout, csv_bytes(3), "a.csv")
    batch_id = merge_upload(layout, upload, ANALYST_ACTOR).batch_id
    assert batch_id
    return layout, batch_id


def test_every_write_is_in_the_audit_trail_which_refuses_changes(tmp_path: Path) -> None:
    layout, batch_id = merged(tmp_path)
    engine = store_engine(layout)
    a = t.audit
    with engine.connect() as connection:
        events = connection.execute(sa.select(a.c.event, a.c.person, a.c.details)).all()
    writes = [(p, d) for e, p, d in events if e == "write"]
    assert (ANALYST_ACTOR.name, batch_id) in [(p, d["batch"]) for p, d in writes]
    for statement in (sa.update(a).values(person="x"), sa.delete(a)):
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as connection:
            connection.execute(statement)
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(a)).scalar() == len(events)


def test_logins_are_audit_rows_read_back_exactly_and_bounded(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "data")
    who = "a\u2028b\u2029c\x85d\ne"
    audit(layout, "login_failed", who, note="x\u2028y")
    audit(layout, "login", "p" * 1000)
    events = read_audit(layout)
    assert [e["event"] for e in events] == ["login_failed", "login"]
    assert events[0]["who"] == who and events[0]["note"] == "x\u2028y"
    assert events[1]["who"] == "p" * 200, "the trail records attempts, not payloads"
    assert not layout.audit_log.exists(), "no log file beside the data any more"


def test_a_merge_the_audit_trail_cannot_record_is_refused_and_changes_nothing(
    tmp_path: Path,
) -> None:
    layout = new_layout(tmp_path / "data")
    upload, _ = validate_upload(layout, csv_bytes(3), "a.csv")
    before = (data_version(layout), export_csv(layout))
    refuse_audit_rows(layout)
    with pytest.raises(CorridorError) as info:
        merge_upload(layout, upload, ANALYST_ACTOR)
    assert "audit trail cannot be written" in info.value.render()
    assert (data_version(layout), export_csv(layout)) == before


def pending_layout(tmp_path: Path) -> tuple[Layout, str]:
    layout = new_layout(tmp_path / "data")
    layout.settings.write_text("require_approval = true\n", encoding="utf-8")
    upload, _ = validate_upload(layout, csv_bytes(2), "a.csv")
    result = pending.submit_upload(layout, upload, WANG)
    assert result.pending_id
    return layout, result.pending_id


def edit_item(layout: Layout, pending_id: str, **values: Any) -> None:
    p = t.pending
    with store_engine(layout).begin() as connection:
        connection.execute(sa.update(p).where(p.c.id == pending_id).values(**values))


def stored(layout: Layout, pending_id: str) -> Any:
    p = t.pending
    with store_engine(layout).connect() as connection:
        return connection.execute(sa.select(p).where(p.c.id == pending_id)).one()


@pytest.mark.parametrize(
    "changes",
    [{"who": "li.lei"}, {"who_account": "li.lei"}, {"replace": True}],
    ids=["who", "account", "replace"],
)
def test_an_edited_pending_record_is_refused_at_approval(
    tmp_path: Path, changes: dict[str, object]
) -> None:
    layout, pending_id = pending_layout(tmp_path)
    edit_item(layout, pending_id, record={**stored(layout, pending_id).record, **changes})
    before = (data_version(layout), export_csv(layout))
    with pytest.raises(CorridorError) as info:
        pending.approve(layout, Actor("third", ANALYST), pending_id)
    assert "changed after it was submitted" in info.value.render()
    assert (data_version(layout), export_csv(layout)) == before
    assert stored(layout, pending_id).status == "pending"


def test_edited_pending_rows_are_refused_at_approval(tmp_path: Path) -> None:
    layout, pending_id = pending_layout(tmp_path)
    files = dict(stored(layout, pending_id).files)
    files[pending.ROWS] = files[pending.ROWS].replace("1000", "9000")
    edit_item(layout, pending_id, files=files)
    before = (data_version(layout), export_csv(layout))
    with pytest.raises(CorridorError) as info:
        pending.approve(layout, LI, pending_id)
    assert "changed after it was submitted" in info.value.render()
    assert (data_version(layout), export_csv(layout)) == before
