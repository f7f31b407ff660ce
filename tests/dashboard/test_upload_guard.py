"""dashboard/upload_guard.py: anonymous sessions hold no uploaded bytes; analysts' sessions
hold a bounded number and size; the data table's own CSV export is off."""

from __future__ import annotations

from pathlib import Path

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.testing.v1 import AppTest

from dashboard import upload_guard
from etl.contract.paths import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")


def record(file_id: str, size: int) -> UploadedFileRec:
    return UploadedFileRec(
        file_id=file_id, name=f"{file_id}.csv", type="text/csv", data=b"x" * size
    )


def test_an_anonymous_session_holds_no_uploaded_bytes() -> None:
    manager = upload_guard.guard(MemoryUploadedFileManager("/_stcore/upload_file"))
    for i in range(10):
        manager.add_file("anonymous-session", record(f"f{i}", 1024 * 1024))
    assert manager.get_files("anonymous-session", [f"f{i}" for i in range(10)]) == []
    assert manager.file_storage.get("anonymous-session", {}) == {}


def test_an_analysts_session_holds_a_bounded_number_and_size() -> None:
    manager = upload_guard.guard(MemoryUploadedFileManager("/_stcore/upload_file"))
    upload_guard.allow_session("analyst-session")
    try:
        for i in range(10):
            manager.add_file("analyst-session", record(f"f{i}", 10 * 1024 * 1024))
        held = manager.file_storage["analyst-session"]
        assert len(held) <= upload_guard.MAX_SESSION_FILES
        assert sum(len(f.data) for f in held.values()) <= upload_guard.MAX_SESSION_BYTES
        assert "f9" in held, "the newest file is kept"
    finally:
        upload_guard.forbid_session("analyst-session", manager)
    assert manager.file_storage.get("analyst-session") is None


def test_the_data_tables_own_csv_export_is_switched_off(data_dir: Path) -> None:
    from streamlit import config

    config.set_option("client.disableDataExport", False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    assert config.get_option("client.disableDataExport") is True
