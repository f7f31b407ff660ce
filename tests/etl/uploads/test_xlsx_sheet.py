"""etl/uploads/xlsx_sheet.py: a workbook's sheet as text rows and as columns under its header,
for cells written the way odd producers write them (gaps, repeats, out-of-order cells, comments,
rich and phonetic shared strings, empty values), as the reader has always read them."""

from __future__ import annotations

import io
import zipfile

import pytest

from etl.contract.errors import CorridorError
from etl.uploads.xlsx_sheet import read_xlsx_cells, read_xlsx_columns

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
        '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0"?><Relationships xmlns="{RELS}">'
        f'<Relationship Id="rId1" Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{DOC}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId3" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    ),
    # Styles: 0 plain, 1 a custom 0.0%, 2 a built-in date (14), 3 the built-in 0.00% (10).
    "xl/styles.xml": (
        f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><numFmts count="1">'
        '<numFmt numFmtId="164" formatCode="0.0%"/></numFmts><cellXfs count="4">'
        '<xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="14"/><xf numFmtId="10"/>'
        "</cellXfs></styleSheet>"
    ),
    # 0 metric, 1 value, 2 rich runs with a phonetic guide, 3 kept spaces, 4 empty.
    "xl/sharedStrings.xml": (
        f'<?xml version="1.0"?><sst xmlns="{MAIN}"><si><t>metric</t></si><si><t>value</t></si>'
        "<si><r><t>ri</t></r><r><t>ch</t></r><rPh><t>X</t></rPh></si>"
        '<si><t xml:space="preserve">  sp </t></si><si/></sst>'
    ),
}
HEADER = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    '<c r="C1" t="inlineStr"><is><t>yoy</t></is></c></row>'
)
ODD_ROWS = (
    '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>007</v></c>'
    '<c r="C2" s="1"><v>0.123</v></c></row>'
    '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" t="n"><v>1.50</v></c>'
    '<c r="C3" s="3"><v>-1</v></c></row>'
    '<row r="5"><c r="A5" t="str"><v>txt</v></c><c r="B5" s="2"><v>45000</v></c>'
    '<c r="C5" t="b"><v>1</v></c></row>'
    '<row r="6"><c r="A6" t="e"><v>#N/A</v></c><c r="B6"><v>1E3</v></c><c r="C6"/></row>'
    '<row><c t="s"><v>4</v></c><c><v/></c><c s="1"/></row>'
    '<row r="9"><c r="C9" s="1"><v>2</v></c><c r="A9" t="s"><v>0</v></c>'
    '<c r="A9"><v>5</v></c></row>'
    '<row r="10"><c r="A10" t="inlineStr"><v>9</v></c>'
    '<c r="B10" t="d"><v>2025-01-02T00:00:00</v></c><c r="C10"><!-- x --><v>3</v></c></row>'
    '<row r="11"><c r="A11" t=""><v>q</v></c><c r="B11" s=""><v>1_000</v></c>'
    '<c r="C11" t="s"/></row>'
    '<row r="12"></row><row r="13"><c r="A13" t="inlineStr"><is><r><t>a</t></r>'
    "<r><t>b</t></r></is></c></row>"
)


def workbook(rows: str) -> bytes:
    """Return a workbook whose first sheet's data is the given row elements."""
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in {**PARTS, "xl/worksheets/sheet1.xml": sheet}.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_odd_cells_read_as_their_values_show() -> None:
    rows = dict(read_xlsx_cells(workbook(HEADER + ODD_ROWS), "odd.xlsx"))
    assert rows[1] == ["metric", "value", "yoy"]
    assert rows[2] == ["rich", "7", "12.3%"]  # runs joined, no phonetic guide; 007 is 7
    assert rows[3] == ["  sp ", "1.5", "-100%"]  # built-in 0.00% is a percent too
    assert rows[5] == ["txt", "2023-03-15", "TRUE"]  # a date-styled serial is a date
    assert rows[6] == ["#N/A", "1000", ""]
    assert rows[7] == ["", "", ""]  # a row without r follows the last; empty values are ""
    assert rows[9] == ["5", "", "200%"]  # out of order and repeated: the last cell wins
    assert rows[10] == ["", "2025-01-02", "3"]  # an inline string reads its is, not a v
    assert rows[11] == ["q", "1000", ""]
    assert 12 not in rows and rows[13] == ["ab"]  # a row without cells is no row


def test_columns_are_the_rows_under_the_header() -> None:
    data = workbook(HEADER + ODD_ROWS)
    rows = read_xlsx_cells(data, "odd.xlsx")
    header, numbers, columns = read_xlsx_columns(data, "odd.xlsx")
    assert header == rows[0][1]
    assert numbers == [r for r, _texts in rows[1:]]
    padded = [[*texts, "", "", ""][:3] for _r, texts in rows[1:]]
    assert columns == [[texts[i] for texts in padded] for i in range(3)]


def test_a_header_alone_gives_empty_columns() -> None:
    assert read_xlsx_columns(workbook(HEADER), "h.xlsx") == (
        ["metric", "value", "yoy"],
        [],
        [[], [], []],
    )


@pytest.mark.parametrize(
    ("rows", "english", "row"),
    [
        ("", "the sheet is empty", None),
        ('<row r="2"><c r="E2" t="s"><v>0</v></c></row>', "beyond the header", 2),
        ('<row r="2"><c r="A2" t="s"><v>99</v></c></row>', "IndexError", None),
        ('<row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row>', "formula", 2),
    ],
)
def test_bad_sheets_are_refused_with_the_reason(rows: str, english: str, row: int | None) -> None:
    data = workbook(HEADER + rows if rows else "")
    with pytest.raises(CorridorError) as caught:
        read_xlsx_columns(data, "bad.xlsx")
    problem = caught.value.problems[0]
    assert english in problem.en and problem.zh and problem.row == row
