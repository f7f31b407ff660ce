"""etl/uploads/reading.py and validating.py: every class of bad upload is refused with a message
naming the problem, row, column and value, and leaves the data directory byte-identical; good
uploads become typed rows."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from uploads_support import (
    ANALYST_ACTOR,
    HEADER,
    SOURCE,
    csv_bytes,
    csv_line,
    new_layout,
    tree_digest,
    with_rows,
    xlsx_bytes,
)

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.store.commands import merge_upload, validate_upload
from etl.uploads.limits import MAX_UPLOAD_ENV, max_upload_bytes
from etl.uploads.reading import read_upload_bytes
from etl.uploads.validating import parse_upload, template_csv, validate_rows

HAN = re.compile(r"[\u4e00-\u9fff]")
FUTURE = (date.today() + timedelta(days=90)).isoformat()


pytestmark = pytest.mark.usefixtures("no_default_data_dir", "read_in_this_process")

# The tests that still read through the limited child, one per kind of outcome that crosses from
# the child to the page: a refusal by the file's type, a field rule's refusal naming its row,
# many problems at once and a bounded list of them, a zip bomb under the child's limits, a good
# workbook and a good upload merged, and the caller's preparation done while the child reads.
# Every other test checks the same reading and checking code in this process.
THROUGH_THE_CHILD = {
    "test_type_is_decided_by_content_not_by_name[pdf]",
    "test_each_field_rule_refuses_the_file_naming_row_column_and_value[metric]",
    "test_every_problem_of_a_file_is_listed_at_once",
    "test_a_large_file_of_bad_rows_lists_a_bounded_number_of_problems",
    "test_xlsx_zip_bomb_is_refused_before_unpacking",
    "test_a_valid_xlsx_is_read_with_number_and_date_cells",
    "test_an_upload_in_chinese_labels_merges_to_the_same_rows_as_its_key_twin",
    "test_validate_does_the_callers_preparation_while_the_file_is_read",
}


def refuse(layout: Layout, data: bytes, name: str = "upload.csv") -> str:
    """Try the page's path (validate, then merge); return the refusal, checking nothing changed."""
    before = tree_digest(layout.root)
    with pytest.raises(CorridorError) as info:
        upload, _preview = validate_upload(layout, data, name)
        merge_upload(layout, upload, ANALYST_ACTOR)
    assert tree_digest(layout.root) == before, "a refused upload changed the data directory"
    message = info.value.render()
    assert HAN.search(message), "the message must be in Chinese too"
    return message


def docx_like() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.csv", HEADER)
    return buffer.getvalue()


TYPE_CASES = [
    ("pdf", b"%PDF-1.7\n" + b"x" * 100, "PDF"),
    ("png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "PNG"),
    ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "xls"),
    ("gzip", b"\x1f\x8b\x08\x00" + b"\x00" * 50, "gzip"),
    ("utf16", "\ufeffmetric,value\n".encode("utf-16"), "UTF-16"),
    ("binary", b"metric,value\n\x00\x01\x02", "binary"),
    ("zip", plain_zip(), "zip archive, not an XLSX"),
    ("docx", docx_like(), "not an Excel workbook"),
    ("damaged-zip", b"PK\x03\x04" + b"\x00" * 40, "damaged zip"),
]


@pytest.mark.parametrize(("case", "data", "needle"), TYPE_CASES, ids=[c[0] for c in TYPE_CASES])
def test_type_is_decided_by_content_not_by_name(
    layout: Layout, case: str, data: bytes, needle: str
) -> None:
    message = refuse(layout, data, name="looks-fine.csv")
    assert needle in message and "looks-fine.csv" in message


def test_encoding_neither_utf8_nor_gb18030_is_refused(layout: Layout) -> None:
    data = with_rows(csv_line(0)) + b"teu,1,TEU,,2024-01-31,\xff\xfe\xff,,test-src,x\n"
    assert "UTF-8 or GB18030" in refuse(layout, data)


def test_gb18030_and_utf8_with_bom_are_read(layout: Layout) -> None:
    text = with_rows(csv_line(0), csv_line(1)).decode("utf-8")
    for data in (text.encode("gb18030"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        upload = parse_upload(data, "x.csv", {SOURCE})
        assert list(upload.rows["scope"]) == ["重庆西部陆海新通道铁海联运班列a0"] * 2


@pytest.mark.parametrize(("sep", "needle"), [(";", "semicolons"), ("\t", "tabs")])
def test_other_delimiters_are_refused_by_name(layout: Layout, sep: str, needle: str) -> None:
    data = csv_bytes(3).decode("utf-8").replace(",", sep).encode("utf-8")
    message = refuse(layout, data)
    assert "comma-separated" in message and needle in message


def test_size_is_capped_before_reading(layout: Layout, tmp_path: Path) -> None:
    data = csv_bytes(50)
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    before = tree_digest(layout.root)
    with pytest.raises(CorridorError, match="too large"):
        read_upload_bytes(path, max_bytes=100)
    with pytest.raises(CorridorError, match="too large"):
        validate_upload(layout, data, "big.csv", max_bytes=100)
    assert tree_digest(layout.root) == before


def test_size_cap_comes_from_the_environment(
    layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MAX_UPLOAD_ENV, "0.001")
    assert max_upload_bytes() == 1048
    assert "too large" in refuse(layout, csv_bytes(100))
    monkeypatch.setenv(MAX_UPLOAD_ENV, "lots")
    with pytest.raises(CorridorError, match=MAX_UPLOAD_ENV):
        max_upload_bytes()


def header_cells() -> list[str]:
    return HEADER.split(",")


def row_cells(i: int) -> list[object]:
    return csv_line(i).split(",")


def test_a_valid_xlsx_is_read_with_number_and_date_cells(layout: Layout) -> None:
    cells = row_cells(0)
    cells[1] = 1500.5
    cells[4] = date(2024, 3, 31)
    data = xlsx_bytes([header_cells(), cells, row_cells(1)])
    upload = parse_upload(data, "x.xlsx", {SOURCE})
    assert upload.kind == "xlsx"
    assert upload.rows["value"].tolist() == [1500.5, 1001.0]
    assert upload.rows["period_end"].iloc[0] == pd.Timestamp("2024-03-31")


def test_xlsx_formula_cells_refuse_the_file(layout: Layout) -> None:
    cells = row_cells(0)
    cells[1] = "=1000+500"
    message = refuse(layout, xlsx_bytes([header_cells(), cells]), "f.xlsx")
    assert "formula" in message and "B" in message and "=1000+500" in message


def test_xlsx_with_two_sheets_is_refused(layout: Layout) -> None:
    message = refuse(layout, xlsx_bytes([header_cells(), row_cells(0)], sheets=2), "two.xlsx")
    assert "exactly one sheet" in message


def rewrite_xlsx(data: bytes, member: str, change: callable) -> bytes:  # type: ignore[valid-type]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == member:
                body = change(body)
            dst.writestr(info, body)
    return out.getvalue()


def test_xlsx_xml_with_a_doctype_is_refused(layout: Layout) -> None:
    good = xlsx_bytes([header_cells(), row_cells(0)])

    def add_doctype(body: bytes) -> bytes:
        return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY lol "lol">]>' + body

    data = rewrite_xlsx(good, "xl/worksheets/sheet1.xml", add_doctype)
    message = refuse(layout, data, "entity.xlsx")
    assert "DOCTYPE" in message and "sheet1.xml" in message


def test_xlsx_zip_bomb_is_refused_before_unpacking(layout: Layout) -> None:
    good = xlsx_bytes([header_cells(), row_cells(0)])
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        with dst.open("xl/media/padding.bin", "w") as handle:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(300):  # 300 MiB of zeros: about 300 KiB packed
                handle.write(chunk)
    data = out.getvalue()
    assert len(data) < 2 * 1024 * 1024
    assert "zip bomb" in refuse(layout, data, "bomb.xlsx")


STRUCTURE_CASES = [
    ("missing column", with_rows("teu,1,TEU", header="metric,value,unit"), "column is missing"),
    ("unknown column", with_rows(csv_line(0) + ",x", header=HEADER + ",colour"), "colour"),
    ("repeated column", with_rows(csv_line(0) + ",x", header=HEADER + ",scope"), "twice"),
    ("no rows", (HEADER + "\n").encode(), "no data rows"),
    ("empty", b"", "empty"),
    ("extra field", with_rows(csv_line(0), csv_line(1) + ",extra"), "more fields"),
]


@pytest.mark.parametrize(
    ("case", "data", "needle"), STRUCTURE_CASES, ids=[c[0] for c in STRUCTURE_CASES]
)
def test_structure_problems_are_refused(
    layout: Layout, case: str, data: bytes, needle: str
) -> None:
    assert needle in refuse(layout, data)


FIELD_CASES = [
    # (case, cells to change, column named, value shown, words of the message)
    ("metric", {"metric": "teus"}, "metric", "teus", "vocabulary"),
    ("unit", {"unit": "万吨"}, "unit", "万吨", "unit does not match"),
    ("wan", {"value": "1.5万"}, "value", "1.5万", "without 万"),
    ("nan", {"value": "NaN"}, "value", "NaN", "finite"),
    ("inf", {"value": "inf"}, "value", "inf", "finite"),
    ("negative", {"value": "-5"}, "value", "-5", "negative"),
    ("bad grouping", {"value": '"1,23,456"'}, "value", "1,23,456", "groups of three"),
    ("word", {"value": "many"}, "value", "many", "不是数字 / not a number"),
    ("yoy word", {"yoy_pct": "12 pct"}, "yoy_pct", "12 pct", "not a valid number"),
    ("too big", {"value": "1e12"}, "value", "1e12", "not a valid number"),
    ("unreal date", {"period_end": "2024-02-30"}, "period_end", "2024-02-30", "real calendar"),
    ("date shape", {"period_end": "31/01/2024"}, "period_end", "31/01/2024", "not a date"),
    ("ancient", {"period_end": "1980-12-31", "period_start": ""}, "period_end", "1980", "1990"),
    ("future", {"period_end": FUTURE, "period_start": ""}, "period_end", FUTURE, "1990"),
    (
        "order",
        {"period_start": "2024-05-01", "period_end": "2024-04-30"},
        "period_start",
        "2024-05-01",
        "after period_end",
    ),
    ("source", {"source_id": "nobody"}, "source_id", "nobody", "unknown source"),
    ("formula =", {"scope": "=HYPERLINK()"}, "scope", "=HYPERLINK()", "formula"),
    ("formula +", {"scope": "+cmd"}, "scope", "+cmd", "formula"),
    ("formula -", {"quote": "-cmd"}, "quote", "-cmd", "formula"),
    ("formula @", {"scope": "@SUM(A1)"}, "scope", "@SUM(A1)", "formula"),
    ("formula tab", {"scope": '"\tx"'}, "scope", "\\tx", "formula"),
    ("markup", {"scope": "<script>alert(1)</script>"}, "scope", "<script>", "markup"),
    ("long", {"scope": "重" * 501}, "scope", "重重重", "too long"),
    ("empty scope", {"scope": ""}, "scope", "", "must not be empty"),
    ("basis", {"basis": "guessed"}, "basis", "guessed", "vocabulary"),
    ("route", {"route": "by_air"}, "route", "by_air", "vocabulary"),
]


def with_cells(changes: dict[str, str]) -> bytes:
    header = HEADER.split(",") + [c for c in changes if c not in HEADER.split(",")]
    good = csv_line(1).split(",") + [""] * (len(header) - len(HEADER.split(",")))
    bad = dict(zip(header, csv_line(0).split(",") + [""] * len(header), strict=False))
    bad.update(changes)
    lines = [",".join(header), ",".join(good), ",".join(bad[c] for c in header)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("case", "changes", "column", "value", "needle"),
    FIELD_CASES,
    ids=[c[0] for c in FIELD_CASES],
)
def test_each_field_rule_refuses_the_file_naming_row_column_and_value(
    layout: Layout,
    case: str,
    changes: dict[str, str],
    column: str,
    value: str,
    needle: str,
) -> None:
    message = refuse(layout, with_cells(changes))
    assert needle in message
    assert "row: 3" in message, message
    assert f"column: {column}" in message, message
    assert value in message, message


def test_every_problem_of_a_file_is_listed_at_once(layout: Layout) -> None:
    rows = [csv_line(0), csv_line(1, value="1.5万"), csv_line(2), csv_line(3, metric="nope")]
    rows.append(csv_line(4, source="ghost"))
    message = refuse(layout, with_rows(*rows))
    assert "3 problems" in message
    for where in ("row: 3; 列 column: value", "row: 5; 列 column: metric", "row: 6"):
        assert where in message


def test_repeated_and_contradicting_rows_within_a_file_are_refused(layout: Layout) -> None:
    message = refuse(layout, with_rows(csv_line(0), csv_line(1), csv_line(0)))
    assert "repeats row 2" in message and "row: 4" in message
    message = refuse(layout, with_rows(csv_line(0), csv_line(0, value="999")))
    assert "contradicts row 2" in message and "999" in message


@pytest.mark.parametrize(
    "name",
    ["", "   ", "../../etc/passwd.csv", "a\\b.csv", "=cmd.csv", "-x.csv", "<b>.csv", "a\nb.csv",
     "x" * 300 + ".csv"],
)  # fmt: skip
def test_file_names_that_are_paths_formulas_or_markup_are_refused(
    layout: Layout, name: str
) -> None:
    assert "invalid file name" in refuse(layout, csv_bytes(2), name=name)


def test_a_plain_chinese_file_name_is_fine(layout: Layout) -> None:
    upload, _preview = validate_upload(layout, csv_bytes(2), "二〇二五年 一季度 (终版).csv")
    assert upload.name == "二〇二五年 一季度 (终版).csv"


def test_thousands_separators_in_groups_of_three_are_fine(layout: Layout) -> None:
    data = with_rows(csv_line(0, value='"1,234,567.5"'), csv_line(1, value='"2,000"'))
    upload = parse_upload(data, "x.csv", {SOURCE})
    assert upload.rows["value"].tolist() == [1234567.5, 2000.0]


def test_region_route_and_basis_are_filled_by_rule_when_left_out(layout: Layout) -> None:
    upload = parse_upload(with_rows(csv_line(0)), "x.csv", {SOURCE})
    row = upload.rows.iloc[0]
    assert (row["region"], row["route"], row["basis"]) == ("chongqing", "rail_sea", "reported")


def test_an_empty_quote_names_the_file_and_row(layout: Layout) -> None:
    upload = parse_upload(with_rows(csv_line(0), csv_line(1, quote="")), "mine.csv", {SOURCE})
    assert upload.rows["quote"].iloc[1] == "mine.csv 第3行 / row 3"


def test_a_negative_yoy_is_a_fall_not_a_formula(layout: Layout) -> None:
    upload = parse_upload(with_rows(csv_line(0, yoy_pct="-3.2")), "x.csv", {SOURCE})
    assert upload.rows["yoy_pct"].iloc[0] == -3.2


def test_the_template_is_a_valid_upload_once_its_source_exists(tmp_path: Path) -> None:
    layout = new_layout(tmp_path / "d", "my-source-id")
    data = template_csv()
    assert data.startswith(b"\xef\xbb\xbf")
    upload, preview = validate_upload(layout, data, "template.csv")
    assert len(preview.new) == 1 and upload.rows["metric"].iloc[0] == "teu"


def test_edited_rows_are_validated_like_a_file() -> None:
    upload = parse_upload(with_rows(csv_line(0), csv_line(1)), "x.csv", {SOURCE})
    edited = upload.rows.reset_index(drop=True).copy()
    edited.loc[1, "value"] = -1.0
    with pytest.raises(CorridorError) as info:
        validate_rows(edited, "article.txt", {SOURCE})
    assert "row: 2" in info.value.render() and "negative" in info.value.render()


def typed_rows() -> pd.DataFrame:
    """Two valid rows with their types, as an article's proposal reaches the editor."""
    upload = parse_upload(with_rows(csv_line(0), csv_line(1)), "x.csv", {SOURCE})
    return upload.rows.reset_index(drop=True).copy()


def test_typed_rows_pass_through_unchanged() -> None:
    rows = typed_rows()
    rows.loc[0, "value"] = 0.1 + 0.2  # no text on the way: the float is kept as it is
    checked = validate_rows(rows, "article.txt", {SOURCE})
    assert checked["value"].iloc[0] == 0.1 + 0.2
    pd.testing.assert_frame_equal(
        checked.reset_index(drop=True), rows, check_dtype=False, check_index_type=False
    )


def test_rows_added_on_screen_are_filled_by_rule_and_numbered_from_one() -> None:
    rows = typed_rows()
    added = {"metric": "teu", "value": 1234.0, "unit": "TEU", "period_start": None,
             "period_end": pd.Timestamp("2024-07-31"), "region": None, "route": None,
             "scope": "  重庆西部陆海新通道铁海联运班列新增  ", "yoy_pct": float("nan"),
             "basis": None, "source_id": SOURCE, "quote": None}  # fmt: skip
    rows = pd.concat([rows, pd.DataFrame([added])], ignore_index=True)
    checked = validate_rows(rows, "article.txt", {SOURCE}).iloc[2]
    assert (checked["region"], checked["route"], checked["basis"]) == (
        "chongqing",
        "rail_sea",
        "reported",
    )
    assert checked["scope"] == "重庆西部陆海新通道铁海联运班列新增"
    assert checked["quote"] == "article.txt 第3行 / row 3"
    assert pd.isna(checked["period_start"]) and pd.isna(checked["yoy_pct"])


@pytest.mark.parametrize(
    ("column", "value", "needle"),
    [
        ("value", float("nan"), "'value' must not be empty"),
        ("value", float("inf"), "finite"),
        ("value", "1,5", "value of 'value' has the wrong format"),
        ("period_end", pd.NaT, "'period_end' must not be empty"),
        ("period_end", "not a date", "value of 'period_end' has the wrong format"),
        ("scope", "<b>重庆</b>", "markup"),
        ("quote", "=HYPERLINK(1)", "formula"),
        ("scope", "重庆" * 300, "too long"),
        ("metric", None, "'metric' must not be empty"),
        ("source_id", "nobody", "unknown source"),
    ],
)
def test_typed_rows_get_the_checks_an_upload_gets(column: str, value: object, needle: str) -> None:
    rows = typed_rows().astype({column: object})
    rows.loc[1, column] = value
    with pytest.raises(CorridorError) as info:
        validate_rows(rows, "article.txt", {SOURCE})
    text = info.value.render()
    assert needle in text and "row: 2" in text and f"column: {column}" in text
    assert HAN.search(text)


def test_a_large_file_of_bad_rows_lists_a_bounded_number_of_problems() -> None:
    rows = [csv_line(i, value="1.5万") for i in range(1000)]
    with pytest.raises(CorridorError) as info:
        parse_upload(with_rows(*rows), "x.csv", {SOURCE})
    assert "more problems not listed" in info.value.render()
    assert len(info.value.problems) <= 202


# Chinese labels and headers, as the dashboard shows them: the same figures as the key twin.
ZH_HEADER = "指标,数值,单位,起始日期,截止日期,地区,线路,口径,同比（%）,类型,来源编号,原文"
EN_HEADER = (
    "metric,value,unit,period_start,period_end,region,route,scope,yoy_pct,basis,source_id,quote"
)
TWIN_ROWS = [
    (("班列开行", "train_runs"), ("列", "trains"), ("重庆", "chongqing"), ("铁海联运", "rail_sea")),
    (
        ("集装箱运量", "teu"),
        ("标箱", "TEU"),
        ("广西", "guangxi"),
        ("中欧班列", "china_europe_rail"),
    ),
    (("进出口值", "trade_value_cny"), ("元", "CNY"), ("通道全线", "corridor"), ("", "")),
    (
        ("Cargo weight", "cargo_tonnes"),
        ("tonnes", "tonnes"),
        ("四川", "sichuan"),
        ("跨境公路", "cross_border_road"),
    ),
]


def twin_uploads() -> tuple[bytes, bytes]:
    zh, en = [ZH_HEADER], [EN_HEADER]
    for i, (metric, unit, region, route) in enumerate(TWIN_ROWS):
        common = f"2024-0{i + 1}-01,2024-0{i + 1}-28"
        tail = f"重庆西部陆海新通道测试口径{i}"
        zh.append(
            f"{metric[0]},{1000 + i},{unit[0]},{common},{region[0]},{route[0]},{tail},"
            f"12.{i}%,{'报道值' if i % 2 else '推算值'},{SOURCE},原文{i}"
        )
        en.append(
            f"{metric[1]},{1000 + i},{unit[1]},{common},{region[1]},{route[1]},{tail},"
            f"12.{i},{'reported' if i % 2 else 'derived'},{SOURCE},原文{i}"
        )
    return ("\n".join(zh) + "\n").encode("utf-8"), ("\n".join(en) + "\n").encode("utf-8")


def test_an_upload_in_chinese_labels_merges_to_the_same_rows_as_its_key_twin(
    tmp_path: Path,
) -> None:
    from etl.store import batches
    from etl.store.table import load_table

    zh, en = twin_uploads()
    assert "班列开行" in zh.decode() and "train_runs" not in zh.decode()
    tables = []
    for name, data in (("zh", zh), ("en", en)):
        where = new_layout(tmp_path / name)
        upload, preview = validate_upload(where, data, f"{name}.csv")
        assert len(preview.new) == len(TWIN_ROWS)
        merge_upload(where, upload, ANALYST_ACTOR)
        tables.append(load_table(where).observations)
    assert batches.render_rows_csv(tables[0]) == batches.render_rows_csv(tables[1])
    assert list(tables[0]["yoy_pct"]) == [12.0, 12.1, 12.2, 12.3]


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("metric", "班列开形", "班列开行 (train_runs)"),
        ("metric", "weather", "train_runs"),
        ("region", "重廣", "重庆 (chongqing)"),
        ("route", "铁海联", "铁海联运 (rail_sea)"),
        ("basis", "估计值", "报道值 (reported)"),
        ("unit", "箱", "标箱（TEU）"),
    ],
)
def test_each_bad_vocabulary_value_names_the_allowed_values(
    layout: Layout, column: str, value: str, named: str
) -> None:
    cells = {
        "metric": "teu",
        "value": "1001",
        "unit": "TEU",
        "period_start": "2001-01-01",
        "period_end": "2001-01-28",
        "region": "chongqing",
        "route": "rail_sea",
        "scope": "重庆西部陆海新通道铁海联运班列",
        "yoy_pct": "3.5",
        "basis": "reported",
        "source_id": SOURCE,
        "quote": "q",
        column: value,
    }
    line = ",".join(cells[c] for c in EN_HEADER_TEST.split(","))
    message = refuse(layout, with_rows(line, header=EN_HEADER_TEST))
    assert named in message, message
    assert len(message) < 800, "the list of allowed values is bounded"


EN_HEADER_TEST = (
    "metric,value,unit,period_start,period_end,region,route,scope,yoy_pct,basis,source_id,quote"
)


def test_a_percent_sign_in_yoy_is_read_as_the_number(layout: Layout) -> None:
    upload, _ = validate_upload(layout, with_rows(csv_line(3, yoy_pct="12.3%")), "p.csv")
    assert upload.rows["yoy_pct"].tolist() == [12.3]


def test_the_chinese_template_is_accepted_once_filled(layout: Layout) -> None:
    from etl.uploads.validating import template_csv

    text = template_csv("zh").decode("utf-8-sig").replace("my-source-id", SOURCE)
    assert text.startswith("指标,数值,限定,单位")
    upload, preview = validate_upload(layout, text.encode("utf-8"), "模板.csv")
    row = upload.rows.iloc[0]
    assert (row["metric"], row["unit"], row["region"], row["route"], row["basis"]) == (
        "teu",
        "TEU",
        "chongqing",
        "rail_sea",
        "reported",
    )
    assert len(preview.new) == 1


def test_validate_does_the_callers_preparation_while_the_file_is_read(
    layout: Layout, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from etl.contract import series

    done: list[str] = []
    read_rules = series.load_series_rules

    def rules_noted() -> None:
        read_rules()
        done.append("rules")

    monkeypatch.setattr("etl.store.commands.load_series_rules", rules_noted)
    upload, preview = validate_upload(
        layout,
        csv_bytes(2),
        "u.csv",
        meanwhile=lambda: done.append(threading.current_thread().name),
    )
    assert done == ["rules", "sandbox-meanwhile"], "both, on the waiting thread, before return"
    assert len(upload.rows) == 2 and len(preview.new) == 2
    assert (preview.new["series"] != "").all(), "the preview's series filled as before"
