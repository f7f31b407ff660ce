"""etl/store/records: rows rendered once serve both the batch file and the table hash, byte for
byte as rendering each afresh would."""

from __future__ import annotations

import pandas as pd
from uploads_support import SOURCE, csv_line, with_rows

from etl.contract.series import fill_series
from etl.store.records import (
    RenderedRows,
    hash_after,
    records_sum,
    render_records,
    render_rows_csv,
    table_hash,
)
from etl.uploads.validating import parse_upload

BEFORE = "0" * 63 + "7"


def tricky_rows() -> pd.DataFrame:
    data = with_rows(
        csv_line(0, quote='"a, ""quoted"" note"'),
        csv_line(1, yoy_pct="", period_start="", quote='"two\nlines"'),
        csv_line(2, value="0.30000000000000004", scope='"逗号,口径"'),
        csv_line(3, value="123456789.5", yoy_pct="-3.25"),
        csv_line(4, scope="重庆西部陆海新通道铁海联运班列"),
    )
    return parse_upload(data, "x.csv", {SOURCE}).rows


def test_rendered_rows_give_the_same_csv_and_sum_as_rendering_the_frame() -> None:
    rows = tricky_rows()
    rendered = RenderedRows.of(rows)
    assert rendered.records().tolist() == render_records(rows).tolist()
    assert render_rows_csv(rendered) == render_rows_csv(rows)
    assert records_sum(rendered) == records_sum(rows)


def test_filling_the_series_re_renders_it_as_the_filled_frame_renders() -> None:
    rows = tricky_rows()
    filled = fill_series(rows, (("chongqing_rail_sea", "逗号,口径"),))
    assert not filled["series"].equals(rows["series"]), "the rules fill some series"
    again = RenderedRows.of(rows).series_filled((("chongqing_rail_sea", "逗号,口径"),))
    assert again.frame["series"].tolist() == filled["series"].tolist()
    assert again.records().tolist() == render_records(filled).tolist()
    assert hash_after(BEFORE, again, rows.iloc[:0]) == hash_after(BEFORE, filled, rows.iloc[:0])


def test_rows_whose_series_are_all_named_are_not_rendered_again() -> None:
    rows = tricky_rows().assign(series="chongqing_rail_sea")
    rendered = RenderedRows.of(rows)
    assert rendered.series_filled() is rendered
    assert table_hash(rows) == f"{records_sum(rendered):064x}"
