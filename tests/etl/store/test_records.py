"""etl/store/records: rows rendered with Arrow's kernels are byte for byte the contract's CSV."""

from __future__ import annotations

import pandas as pd
from uploads_support import SOURCE, csv_line, with_rows

from etl.contract.tables import render_observations_csv
from etl.store.records import render_records, render_rows_csv
from etl.uploads.validating import parse_upload


def tricky_rows() -> pd.DataFrame:
    data = with_rows(
        csv_line(0, quote='"a, ""quoted"" note"'),
        csv_line(1, yoy_pct="", period_start="", quote='"two\nlines"'),
        csv_line(2, value="0.30000000000000004", scope='"逗号,口径"'),
        csv_line(3, value="123456789.5", yoy_pct="-3.25"),
        csv_line(4, scope="重庆西部陆海新通道铁海联运班列"),
    )
    return parse_upload(data, "x.csv", {SOURCE}).rows


def test_rows_render_as_the_contract_writes_them() -> None:
    rows = tricky_rows()
    assert render_rows_csv(rows) == render_observations_csv(rows)
    assert len(render_records(rows)) == len(rows)
    assert render_rows_csv(rows.iloc[:0]) == render_observations_csv(rows.iloc[:0])
