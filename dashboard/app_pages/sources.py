"""Page: the filtered figures with quotes and sources, the metric dictionary, downloads."""

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard.export import csv_bytes, reader_xlsx_bytes
from dashboard.i18n import t
from dashboard.views.index import FigureView
from dashboard.views.tables import display_table, export_frame, metric_dictionary, reading_order

# Rows sent to the browser's table: enough to read and scroll; the downloads carry every row.
TABLE_ROWS = 2000
# The table fills most of a laptop screen; rows are tall enough for two lines of a quote.
TABLE_HEIGHT = 640
ROW_HEIGHT = 56
QUOTE_WIDTH = 480

table, filters = ui.current()
lang = filters.lang
fv = data.view(table, filters) if not table.observations.empty else None


def _export(view: FigureView) -> pd.DataFrame:
    return export_frame(view.figures_frame())


if fv is None:
    ui.no_data_message()
elif not len(fv):
    ui.empty_message(lang)
else:
    kept: FigureView = fv
    shown = display_table(reading_order(kept, TABLE_ROWS), lang)
    if len(fv) > len(shown):
        st.caption(
            f"表中显示前{len(shown)}条（共{len(fv)}条），完整数据请下载 CSV 或 XLSX。"
            if lang == "zh"
            else f"The table shows the first {len(shown)} of {len(fv)} figures; "
            "download the CSV or XLSX for all of them."
        )
    st.caption(
        f"{len(fv)} {t('figures_shown', lang)}"
        + (
            "（同一数字多家来源报道的，只列最新发布的一家，其余见“亦见于”）"
            if lang == "zh"
            else " (a figure reported by several sources is listed once, from the latest; "
            "the others are under 'also reported by')"
        )
    )
    link = "链接" if lang == "zh" else "Link"
    quote = "原文" if lang == "zh" else "Quote"
    yoy = "同比" if lang == "zh" else "YoY"
    # A link cell holds a URL or nothing: no "None" and no link text where there is no link.
    shown[link] = shown[link].where(shown[link].astype(str).str.match(r"^https?://"), None)
    first = [c for c in shown.columns[:3]]
    order = [*first, quote, *[c for c in shown.columns if c not in (*first, quote)]]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=TABLE_HEIGHT,
        row_height=ROW_HEIGHT,
        column_order=order,
        column_config={
            link: st.column_config.LinkColumn(
                link, display_text=("原文链接" if lang == "zh" else "open")
            ),
            quote: st.column_config.TextColumn(quote, width=QUOTE_WIDTH),
            yoy: st.column_config.TextColumn(yoy, width="medium"),
        },
        key="figures_table",
    )
    st.markdown(f"**{t('downloads', lang)}**")
    with st.container(horizontal=True):
        st.download_button(
            "表格（XLSX，按指标分表，显示单位）"
            if lang == "zh"
            else "Workbook (XLSX, a sheet per metric)",
            data=lambda: reader_xlsx_bytes(_export(kept), lang),
            file_name="corridor_figures.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            on_click="ignore",
            key="download_xlsx",
        )
        st.download_button(
            "约定格式 CSV（供程序读取，基本单位）"
            if lang == "zh"
            else "Contract CSV (for machines, base units)",
            data=lambda: csv_bytes(_export(kept)),
            file_name="corridor_figures_contract.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="download_csv",
        )

st.markdown(f"**{t('dictionary', lang)}**")
st.dataframe(metric_dictionary(lang), hide_index=True, key="metric_dictionary")
