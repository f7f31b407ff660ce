"""The qualifier through the upload path: the 限定 / qualifier column read from keys, labels and
English words, unknown cells refused in both languages, the template, identity unchanged,
corrections that change it, and every export writing it."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from uploads_support import ANALYST_ACTOR, HEADER, SOURCE, csv_line, with_rows

from corridor.cli import main
from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store.commands import correct_figure, merge_upload, validate_upload
from etl.store.table import export_csv, load_table
from etl.uploads.validating import parse_upload, template_csv, validate_rows

# Uploads read here as the limited child reads them (conftest.read_in_this_process): these tests
# check the qualifier column; tests/etl/store/test_ingest.py reads through the child.
pytestmark = pytest.mark.usefixtures("no_default_data_dir", "read_in_this_process")

WITH_QUALIFIER = HEADER + ",qualifier"
SCOPE_0 = "重庆西部陆海新通道铁海联运班列a0"


def upload_of(*cells: str, header: str = WITH_QUALIFIER) -> bytes:
    """Return an upload whose i-th row carries the i-th qualifier cell."""
    return with_rows(*(f"{csv_line(i)},{cell}" for i, cell in enumerate(cells)), header=header)


@pytest.mark.parametrize(
    ("cell", "key"),
    [
        ("", ""),
        ("准确", ""),
        ("exact", ""),
        ("超过", "over"),
        ("超", "over"),
        ("over", "over"),
        ("More than", "over"),
        ("不到", "under"),
        ("under", "under"),
        ("约", "about"),
        ("about", "about"),
        ("近", "nearly"),
        ("nearly", "nearly"),
        ("接近", "nearly"),
    ],
)
def test_a_qualifier_cell_is_read_as_its_key(cell: str, key: str) -> None:
    upload = parse_upload(upload_of(cell), "q.csv", {SOURCE})
    assert upload.rows["qualifier"].tolist() == [key]


def test_the_chinese_header_names_the_qualifier_column() -> None:
    header = HEADER.replace("metric", "指标") + ",限定"
    upload = parse_upload(upload_of("近", "", header=header), "q.csv", {SOURCE})
    assert upload.rows["qualifier"].tolist() == ["nearly", ""]


def test_an_unknown_qualifier_is_refused_with_the_allowed_values_in_both_languages() -> None:
    with pytest.raises(CorridorError) as info:
        parse_upload(upload_of("over", "大概吧", "maybe"), "q.csv", {SOURCE})
    text = info.value.render()
    assert "无法识别的限定词" in text and "unknown qualifier" in text
    assert "超过（over）" in text and "nearly (近)" in text
    assert "row: 3" in text and "row: 4" in text and "'大概吧'" in text
    assert "row: 2" not in text


def test_rows_edited_on_screen_take_labels_too_and_refuse_unknown_ones() -> None:
    rows = parse_upload(upload_of("", ""), "q.csv", {SOURCE}).rows.reset_index(drop=True)
    rows["qualifier"] = ["约", "over"]
    assert validate_rows(rows, "article.txt", {SOURCE})["qualifier"].tolist() == [
        "about",
        "over",
    ]
    rows["qualifier"] = ["约", "perhaps"]
    with pytest.raises(CorridorError, match="unknown qualifier"):
        validate_rows(rows, "article.txt", {SOURCE})


@pytest.mark.parametrize(("lang", "header"), [("en", "qualifier"), ("zh", "限定")])
def test_the_template_has_the_qualifier_column_in_either_language(lang: str, header: str) -> None:
    first = template_csv(lang).decode("utf-8-sig").splitlines()[0].split(",")
    assert first[2] == header  # right after the value, as in the contract


def test_a_figure_uploaded_again_with_a_qualifier_keeps_its_identity(layout: Layout) -> None:
    upload, _ = validate_upload(layout, upload_of(""), "a.csv")
    merge_upload(layout, upload, ANALYST_ACTOR)
    # Same figure, same value, now stated as a bound: already present, not a new figure.
    _, same = validate_upload(layout, upload_of("over"), "b.csv")
    assert (len(same.new), len(same.present), len(same.contradicting)) == (0, 1, 0)
    # Same figure, another value: contradicting, whatever the qualifier.
    other = with_rows(f"{csv_line(0, value='1200')},约", header=WITH_QUALIFIER)
    _, changed = validate_upload(layout, other, "c.csv")
    assert (len(changed.new), len(changed.present), len(changed.contradicting)) == (0, 0, 1)


def test_a_correction_changes_the_qualifier_or_keeps_it(layout: Layout) -> None:
    upload, _ = validate_upload(layout, upload_of("over"), "a.csv")
    merge_upload(layout, upload, ANALYST_ACTOR)
    pick: dict[str, str | None] = {"metric": "teu", "scope": SCOPE_0}
    correct_figure(layout, ANALYST_ACTOR, pick, 1000.0, "stated exactly", qualifier="")
    assert load_table(layout).observations["qualifier"].tolist() == [""]
    correct_figure(layout, ANALYST_ACTOR, pick, 1001.0, "value only")
    assert load_table(layout).observations["qualifier"].tolist() == [""]
    correct_figure(layout, ANALYST_ACTOR, pick, 1001.0, "a bound after all", qualifier="近")
    assert load_table(layout).observations["qualifier"].tolist() == ["nearly"]
    with pytest.raises(CorridorError, match="unknown qualifier"):
        correct_figure(layout, ANALYST_ACTOR, pick, 1001.0, "bad", qualifier="roughly-ish")


def test_corridor_correct_takes_new_qualifier_and_export_writes_it(
    layout: Layout, tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_account: Path
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(upload_of(""))
    root = str(layout.root)
    assert main(["ingest", str(path), "--data-dir", root, "--yes"]) == 0
    pick = ["--metric", "teu", "--scope", SCOPE_0, "--period-end", "2000-01-28"]
    args = ["correct", "--data-dir", root, *pick, "--new-value", "1000"]
    assert main([*args, "--new-qualifier", "超过", "--reason", "the report says 超"]) == 0
    assert main([*args, "--new-qualifier", "sort of", "--reason", "x"]) == 2
    assert "unknown qualifier" in capsys.readouterr().err
    for raw in ([], ["--raw"]):
        assert main(["export", "--data-dir", root, *raw]) == 0
        exported = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str).fillna("")
        assert list(exported.columns[:3]) == ["metric", "value", "qualifier"]
        assert exported["qualifier"].tolist() == ["over"]
    assert "qualifier" in export_csv(layout).splitlines()[0]


def test_the_pages_contract_csv_download_writes_the_qualifier() -> None:
    from dashboard_data import observations, sources
    from references import figure_records, figures_frame

    from dashboard.export import csv_bytes
    from dashboard.views.tables import export_frame

    data = observations()
    data.loc[data["metric"] == "cargo_categories", "qualifier"] = "over"  # 货物品类1100余种
    text = csv_bytes(export_frame(figures_frame(figure_records(data, sources()))))
    back = pd.read_csv(io.StringIO(text.decode("utf-8-sig")), dtype=str).fillna("")
    assert list(back.columns[:3]) == ["metric", "value", "qualifier"]
    assert back.loc[back["metric"] == "cargo_categories", "qualifier"].tolist() == ["over"]
