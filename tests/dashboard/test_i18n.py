"""The one translation catalogue: every key in both languages; nothing else branches on language."""

from __future__ import annotations

import ast
from string import Formatter

import pytest

from dashboard.i18n import LANGS, TEXT, both, pair, t
from etl.contract.paths import REPO_ROOT

DASHBOARD = REPO_ROOT / "dashboard"
# How numbers, dates and periods are written differs by more than words (万/亿 without
# thousands separators, 年/月 patterns): dashboard.format owns those rules and may branch.
MAY_BRANCH = {"format.py"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_key_has_both_languages_and_both_or_neither_are_templates(key: str) -> None:
    entry = TEXT[key]
    assert len(entry) == len(LANGS) == 2, key
    zh, en = entry
    assert zh.strip() and en.strip(), key
    # A language may word a count differently (等5个来源 / and 2 more), so the fields may differ;
    # but a template in one language is a template in the other.
    assert bool(_fields(zh)) == bool(_fields(en)), key


def test_lookup_fills_fields_and_both_puts_chinese_first() -> None:
    assert t("axis_title", "zh", label="集装箱运量", unit="万标箱") == "集装箱运量（万标箱）"
    assert t("axis_title", "en", label="Container volume", unit="TEU") == "Container volume (TEU)"
    assert pair("filters") == ("筛选", "Filters")
    assert both("empty_result").startswith("当前筛选条件下没有数据。") and " / No figures" in both(
        "empty_result"
    )


def _language_branches(tree: ast.AST) -> list[int]:
    """Return the lines that compare something with a language code ("zh" or "en")."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(isinstance(o, ast.Constant) and o.value in LANGS for o in operands):
                lines.append(node.lineno)
    return lines


def test_no_module_builds_text_by_branching_on_the_language() -> None:
    found = {}
    for path in sorted(DASHBOARD.rglob("*.py")):
        name = path.relative_to(DASHBOARD).as_posix()
        if name in MAY_BRANCH:
            continue
        lines = _language_branches(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[name] = lines
    assert found == {}, f"branches on the language (use dashboard.i18n.t): {found}"


def test_the_check_sees_a_branch_when_there_is_one() -> None:
    code = 'def f(lang):\n    return "上一张" if lang == "zh" else "Previous"\n'
    assert _language_branches(ast.parse(code)) == [2]
    assert _language_branches(ast.parse("zh = 'en' != lang\n")) == [1]
    assert _language_branches(ast.parse("x = t('present_prev', lang)\n")) == []
