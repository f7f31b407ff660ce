"""Benchmark: hostile uploads are refused quickly (the issue measured 95 s for the first).

Run: .venv/bin/python bench/bench_upload_limits.py [--runs 3]
Prints, for each case, the median seconds to refusal and the refusal's length in characters:
a 0.5 MB CSV of 60,000 columns, a 10 MB CSV of 1,000,000 columns, a CSV of 60 unknown columns,
and a 16 MB workbook without <dimension> whose cells reach XFD.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import zipfile

from etl.contract.errors import CorridorError
from etl.uploads.validating import parse_upload

HEADER = "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote"
ROW = "teu,1000,TEU,2024-01-01,2024-01-31,重庆,1.5,bench-src,note"


def wide_csv(columns: int) -> bytes:
    names = ",".join(f"c{i}" for i in range(columns))
    return (names + "\n" + ",".join("1" for _ in range(columns)) + "\n").encode()


def unknown_columns_csv() -> bytes:
    extra = ",".join(f"extra_{i}" for i in range(60 - 9))
    return (f"{HEADER},{extra}\n{ROW}{',' * (60 - 9)}\n").encode()


def far_workbook(target_bytes: int = 16 * 1024 * 1024) -> bytes:
    """Return a workbook without <dimension> whose rows hold a cell at column XFD."""
    row = '<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>x</t></is></c>'
    far = '<c r="XFD{r}" t="inlineStr"><is><t>y</t></is></c></row>'
    parts, size, r = [], 0, 1
    while size < target_bytes:
        piece = (row + far).format(r=r)
        parts.append(piece)
        size += len(piece)
        r += 1
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData>' + "".join(parts) + "</sheetData></worksheet>"
    )
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": f'<Types xmlns="{ns}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
        'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
        'worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{ns}/package/2006/relationships"><Relationship '
        f'Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/'
        'officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def refusal(data: bytes, name: str) -> tuple[float, int]:
    start = time.perf_counter()
    try:
        parse_upload(data, name, {"bench-src"}, max_bytes=64 * 1024 * 1024)
    except CorridorError as exc:
        return time.perf_counter() - start, len(exc.render())
    raise SystemExit(f"{name} was accepted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cases = {
        "60,000-column CSV": (wide_csv(60_000), "wide.csv"),
        "1,000,000-column CSV": (wide_csv(1_000_000), "wider.csv"),
        "60 unknown columns": (unknown_columns_csv(), "unknown.csv"),
        "16 MB XLSX, no <dimension>, cells at XFD": (far_workbook(), "far.xlsx"),
    }
    for label, (data, name) in cases.items():
        runs = [refusal(data, name) for _ in range(args.runs)]
        times = [t for t, _ in runs]
        print(
            f"{label:42s} {len(data) / 1e6:6.1f} MB  refused in median "
            f"{statistics.median(times):6.3f} s (runs {', '.join(f'{t:.3f}' for t in times)}), "
            f"message {runs[0][1]} chars"
        )


if __name__ == "__main__":
    main()
