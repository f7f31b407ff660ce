"""dashboard/upload/messages.py: the one message after a write, in both languages (issue 22)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.locales import Locale
from dashboard.upload.context import UploadContext
from dashboard.upload.messages import result_message
from etl.contract.paths import Layout
from etl.store.settings import Settings


@dataclass(frozen=True)
class Written:
    batch_id: str | None
    pending_id: str | None = None


def context(lang: str) -> UploadContext:
    return UploadContext(Layout(Path("unused")), Settings(), Locale(lang))


@pytest.mark.parametrize(
    ("lang", "done_key", "expected"),
    [
        ("zh", "up_merged", "已合并为批次 7"),
        ("en", "up_merged", "Merged as batch 7"),
        ("en", "up_stored", "Stored as batch 7"),
        ("en", "up_recorded", "Recorded as batch 7"),
    ],
)
def test_a_written_batch_is_named_in_the_writes_own_words(
    lang: str, done_key: str, expected: str
) -> None:
    assert result_message(context(lang), Written("7"), done_key) == expected


@pytest.mark.parametrize("done_key", ["up_merged", "up_stored", "up_recorded"])
def test_a_change_awaiting_approval_names_the_pending_item_not_a_batch(done_key: str) -> None:
    zh = result_message(context("zh"), Written(None, "p-3"), done_key)
    en = result_message(context("en"), Written(None, "p-3"), done_key)
    assert zh.startswith("已提交待审批（p-3）")
    assert en.startswith("Submitted for approval (p-3)")
    assert "batch" not in en and "批次" not in zh


def test_a_batch_given_as_text_is_named_whatever_the_key() -> None:
    # Registering a source, undoing and approving return the batch itself.
    assert result_message(context("en"), "12", "up_registered") == "Registered (batch 12)"
    assert result_message(context("zh"), "12", "up_undone") == "已撤销，记录为批次 12"
    assert result_message(context("en"), "12", "up_approved") == "Approved: batch 12"


def test_a_write_returning_nothing_says_only_that_it_was_done() -> None:
    assert result_message(context("zh"), None, "up_rejected") == "已驳回。"
    assert result_message(context("en"), None, "up_rejected") == "Rejected."
