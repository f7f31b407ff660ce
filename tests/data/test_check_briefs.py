"""data/raw/research/check_briefs.py: a brief's longest run shared with its report, names apart."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from etl.contract.paths import REPO_ROOT

SCRIPT = REPO_ROOT / "data" / "raw" / "research" / "check_briefs.py"


def _checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_briefs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REPORT = (
    "今年1—7月，西部陆海新通道铁海联运班列累计发送集装箱货物43.95万标箱，"
    "同比增长28.14%，保持良好增长态势。"
)


def test_the_longest_shared_run_is_found() -> None:
    check = _checker()
    assert check.longest_shared("甲乙丙丁戊己", "子丙丁戊丑") == "丙丁戊"
    assert check.longest_shared("abc", "xyz") == ""


def test_names_break_a_run_and_never_count() -> None:
    check = _checker()
    brief = check.normalise("据报道,西部陆海新通道铁海联运班列运货", "\x00")
    report = check.normalise("西部陆海新通道铁海联运班列运货", "\x01")
    assert check.longest_shared(brief, report) == "运货"


def test_widths_fold_so_a_comma_does_not_hide_a_copy() -> None:
    check = _checker()
    run = check.longest_shared(
        check.normalise("增长28.14%,保持", "\x00"), check.normalise(REPORT, "\x01")
    )
    assert run == "增长28.14%,保持"


def test_a_copied_brief_fails_and_a_summary_passes(tmp_path: Path) -> None:
    check = _checker()
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "20220805-x.txt").write_text(REPORT, encoding="utf-8")
    header = "title: t\npublisher: 广西日报\n---\n"
    copied = tmp_path / "20220805-x.txt"
    copied.write_text(header + REPORT, encoding="utf-8")
    assert check.main([str(copied), "--reports", str(reports)]) == 1
    copied.write_text(
        header
        + "据国铁南宁局,今年1—7月西部陆海新通道铁海联运班列运送货物共43.95万标箱,同比增长28.14%。",
        encoding="utf-8",
    )
    assert check.main([str(copied), "--reports", str(reports)]) == 0
