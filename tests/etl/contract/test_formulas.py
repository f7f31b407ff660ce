"""etl/contract/formulas.py: formulas found past any leading blanks, refused at upload and
disarmed in every export (the page's CSV/XLSX and `corridor export`), `--raw` excepted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from references import is_formula
from uploads_support import ANALYST_ACTOR, HEADER, SOURCE, csv_line, new_layout, tree_digest

from corridor.cli import main
from dashboard.export import csv_bytes, xlsx_bytes
from etl.contract.errors import CorridorError
from etl.contract.formulas import neutralise_frame, neutralise_text
from etl.contract.paths import Layout
from etl.contract.tables import write_observations
from etl.store.commands import merge_upload, validate_upload
from etl.store.table import load_table
from etl.uploads.validating import parse_upload

# Uploads read here as the limited child reads them (conftest.read_in_this_process): these
# tests check formulas; tests/etl/store/test_ingest.py reads through the child.
pytestmark = pytest.mark.usefixtures("read_in_this_process")

HYPERLINK = '=HYPERLINK("http://evil.example/x","点击")'
PREFIXES = {
    "space": " ",
    "nbsp": "\u00a0",
    "ideographic space": "\u3000",
    "newline": "\n",
    "crlf": "\r\n",
    "zero-width space": "\u200b",
    "mixed": " \u3000\u00a0\n",
}


@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=PREFIXES.keys())
def test_a_formula_behind_blanks_is_still_a_formula(prefix: str) -> None:
    assert is_formula(prefix + HYPERLINK)
    assert neutralise_text(prefix + HYPERLINK) == "'" + prefix + HYPERLINK


@pytest.mark.parametrize("text", ["重庆 = 1", "816 列", "a-b", "", "'=already"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert not is_formula(text)
    assert neutralise_text(text) == text


def test_frames_keep_numbers_and_dates_and_disarm_categories() -> None:
    frame = pd.DataFrame(
        {
            "n": [-3.5, 1.0],
            "d": pd.to_datetime(["2024-01-31", "2024-02-29"]),
            "s": ["\u3000=1+1", "ok"],
            "c": pd.Categorical(["\n@SUM(A1)", "ok"]),
        }
    )
    out = neutralise_frame(frame)
    assert out["n"].tolist() == [-3.5, 1.0]
    assert out["d"].equals(frame["d"])
    assert out["s"].tolist() == ["'\u3000=1+1", "ok"]
    assert out["c"].astype(str).tolist() == ["'\n@SUM(A1)", "ok"]


def upload_with_scope(scope: str) -> bytes:
    """Return a valid two-row CSV whose second row's scope is the given text (quoted)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER.split(","))
    writer.writerow(csv_line(1).split(","))
    row = dict(zip(HEADER.split(","), csv_line(0).split(","), strict=True))
    row["scope"] = scope
    writer.writerow(row.values())
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("prefix", PREFIXES.values(), ids=PREFIXES.keys())
def test_an_upload_with_a_blank_prefixed_formula_is_refused(tmp_path: Path, prefix: str) -> None:
    layout = new_layout(tmp_path / "data")
    before = tree_digest(layout.root)
    with pytest.raises(CorridorError) as info:
        upload, _ = validate_upload(layout, upload_with_scope(prefix + HYPERLINK), "u.csv")
        merge_upload(layout, upload, ANALYST_ACTOR)
    message = info.value.render()
    assert "formula" in message and "column: scope" in message and "row: 3" in message
    assert tree_digest(layout.root) == before


def test_an_xlsx_cell_with_nbsp_before_a_formula_is_refused(tmp_path: Path) -> None:
    layout = new_layout(tmp_path / "data")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER.split(","))
    row = csv_line(0).split(",")
    row[HEADER.split(",").index("quote")] = "\u00a0" + HYPERLINK
    sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(CorridorError) as info:
        validate_upload(layout, buffer.getvalue(), "u.xlsx")
    assert "formula" in info.value.render() and "column: quote" in info.value.render()


def stored_with_formulas(root: Path) -> Layout:
    """Return a data directory whose built table holds formula-like text (as an article might);
    the store is built from it on first start."""
    upload = parse_upload(("\n".join([HEADER, csv_line(0)]) + "\n").encode(), "a.csv", {SOURCE})
    rows = upload.rows.copy()
    rows["quote"] = [" " + HYPERLINK]
    rows["scope"] = ["\u3000+cmd"]
    write_observations(rows, Layout(root).observations_csv)
    return new_layout(root)


def test_corridor_export_disarms_formulas_and_raw_keeps_them(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    layout = stored_with_formulas(tmp_path / "data")
    assert main(["export", "--data-dir", str(layout.root)]) == 0
    rows = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8"))))
    assert rows[0]["quote"] == "' " + HYPERLINK
    assert rows[0]["scope"] == "'\u3000+cmd"
    assert rows[0]["value"] == "1000", "numbers are not touched"
    assert main(["export", "--raw", "--data-dir", str(layout.root)]) == 0
    raw = list(csv.DictReader(io.StringIO(capsysbinary.readouterr().out.decode("utf-8"))))
    assert raw[0]["quote"] == " " + HYPERLINK


def test_page_downloads_disarm_blank_prefixed_formulas(tmp_path: Path) -> None:
    frame = load_table(stored_with_formulas(tmp_path / "data")).observations
    text = csv_bytes(frame[["scope", "quote", "value"]]).decode("utf-8-sig")
    assert "' =HYPERLINK" in text and "'\u3000+cmd" in text
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(frame[["quote"]])))
    sheet = book.active
    assert sheet is not None
    cell = sheet["A2"]
    assert cell.data_type == "s" and str(cell.value).startswith("' =HYPERLINK")


def test_the_fast_first_pass_finds_every_cell_the_exact_checks_find() -> None:
    # check_text runs the exact Python patterns only on the cells the RE2 pass flags: the pass
    # must never miss one (every Unicode blank Python's \s knows, zero-width ones, full-width
    # signs, markup, control characters), whatever they are mixed with.
    import random
    import re

    from etl.contract.formulas import FORMULA_NUMBER_RE, FORMULA_RE, INVISIBLE
    from etl.uploads.cell_checks import CONTROL_RE, MARKUP_RE, suspicious_cells

    exact = re.compile(f"{FORMULA_RE}|{FORMULA_NUMBER_RE}|{MARKUP_RE}|{CONTROL_RE}")
    blanks = [chr(c) for c in range(0x3001) if chr(c).isspace()] + list(INVISIBLE)
    alphabet = blanks + list("=+-@＝＋－＠<>/!?aZ09 ,中\t\r\n\x00\x07\x1b\x7f\x85\ufeff")
    rng = random.Random(7)
    cells = ["".join(rng.choices(alphabet, k=rng.randint(0, 5))) for _ in range(50_000)]
    flagged = suspicious_cells(pd.Series(cells, dtype=object))
    missed = [c for c, f in zip(cells, flagged, strict=True) if exact.search(c) and not f]
    assert not missed, [repr(c) for c in missed[:5]]
    assert 0 < flagged.sum() < len(cells)
