"""etl/uploads/startup.py: a process's heavy imports made with the collector paused, then frozen."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.uploads.startup import import_uncollected

MODULE = """
import gc
COLLECTING_WHILE_IMPORTED = gc.isenabled()
"""


@pytest.fixture
def module_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A directory on sys.path for throwaway modules; the collector restored afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    was_enabled = gc.isenabled()
    yield tmp_path
    gc.unfreeze()
    if was_enabled:
        gc.enable()
    for name in [n for n in sys.modules if n.startswith("startup_probe_")]:
        del sys.modules[name]


def test_a_module_is_imported_with_the_collector_paused_then_frozen(module_dir: Path) -> None:
    (module_dir / "startup_probe_a.py").write_text(MODULE)
    gc.enable()
    gc.unfreeze()
    assert import_uncollected(["startup_probe_a"]) == ["startup_probe_a"]
    assert sys.modules["startup_probe_a"].COLLECTING_WHILE_IMPORTED is False
    assert gc.isenabled()
    # Every object alive at the end (the module's among them) is out of the collector's walks.
    assert gc.get_freeze_count() > 1000
    namespace = sys.modules["startup_probe_a"].__dict__
    assert gc.is_tracked(namespace)
    assert all(walked is not namespace for walked in gc.get_objects())


def test_modules_already_imported_pause_and_freeze_nothing(module_dir: Path) -> None:
    (module_dir / "startup_probe_b.py").write_text(MODULE)
    import_uncollected(["startup_probe_b"])
    gc.unfreeze()
    assert import_uncollected(["startup_probe_b", "gc"]) == []
    assert gc.get_freeze_count() == 0


def test_a_collector_the_process_had_off_stays_off(module_dir: Path) -> None:
    (module_dir / "startup_probe_c.py").write_text(MODULE)
    gc.disable()
    import_uncollected(["startup_probe_c"])
    assert not gc.isenabled()


def test_a_failing_import_resumes_collection_and_is_raised(module_dir: Path) -> None:
    (module_dir / "startup_probe_d.py").write_text("raise RuntimeError('broken module')\n")
    gc.enable()
    with pytest.raises(RuntimeError, match="broken module"):
        import_uncollected(["startup_probe_d"])
    assert gc.isenabled()
