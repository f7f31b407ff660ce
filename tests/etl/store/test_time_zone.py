"""Times in the settings' time zone everywhere: the page's 数据更新于 (dashboard/data.py
last_changed), the history and `corridor pending`."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from uploads_support import ANALYST_ACTOR, csv_bytes, new_layout

from corridor.cli import main
from dashboard import data
from etl.store.commands import merge_upload, validate_upload
from etl.store.history import history_sentences, local_time
from etl.store.pending import list_pending


def test_data_last_changed_is_in_the_settings_time_zone(data_dir: Path) -> None:
    for path in data_dir.rglob("*.csv"):
        os.utime(path, (1_764_900_000, 1_764_900_000))  # 2025-12-05 02:00 UTC
    (data_dir / "settings.toml").write_text('time_zone = "America/New_York"\n', encoding="utf-8")
    changed = data.last_changed()
    assert changed is not None and str(changed.tzinfo) == "America/New_York"
    assert f"{changed:%Y-%m-%d %H:%M}" == "2025-12-04 21:00"
    (data_dir / "settings.toml").unlink()
    changed = data.last_changed()
    assert changed is not None and f"{changed:%H:%M}" == "10:00", "Asia/Shanghai by default"


def test_history_and_pending_times_are_local(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert local_time("2025-12-05T06:03:00+00:00", ZoneInfo("Asia/Shanghai")) == "2025-12-05 14:03"
    layout = new_layout(tmp_path / "data")
    layout.settings.write_text(
        'time_zone = "Europe/London"\nrequire_approval = true\n', encoding="utf-8"
    )
    upload, _ = validate_upload(layout, csv_bytes(2), "a.csv")
    result = merge_upload(layout, upload, ANALYST_ACTOR)
    [item] = list_pending(layout)
    assert item.id == result.pending_id
    utc = str(item.record["when"])
    london = local_time(utc, ZoneInfo("Europe/London"))
    assert any(s.startswith(london) for s in history_sentences(layout, "en"))
    assert main(["pending", "--data-dir", str(layout.root)]) == 0
    assert london in capsys.readouterr().out
