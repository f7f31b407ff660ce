"""Page: the filtered figures with quotes and sources, the metric dictionary, downloads."""

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard.export import csv_bytes, reader_xlsx_bytes
from dashboard.views.index import FigureView
from dashboard.views.tables import export_frame, metric_dictionary

# Rows sent to the browser's table: enough to read and scroll; the downloads carry every row.
TABLE_ROWS = 2000
# The table fills most of a laptop screen; rows are tall enough for two lines of a quote.
TABLE_HEIGHT = 640
ROW_HEIGHT = 56
QUOTE_WIDTH = 480

table, filters, locale = ui.page_state()
fv = data.view(table, filters, locale) if not table.observations.empty else None


def _export(view: FigureView) -> pd.DataFrame:
    return export_frame(view.figures_frame())


if fv is None:
    ui.no_data_message()
elif not len(fv):
    ui.empty_message(locale)
else:
    kept: FigureView = fv
    shown = data.figures_table(table, filters, locale, TABLE_ROWS)
    if len(fv) > len(shown):
        st.caption(locale.t("src_first_rows", shown=len(shown), total=len(fv)))
    st.caption(f"{len(fv)} {locale.t('figures_shown')}" + locale.t("src_one_per_figure"))
    link = locale.t("col_link")
    quote = locale.t("col_quote")
    yoy = locale.t("col_yoy")
    # A link cell holds a URL or nothing: no "None" and no link text where there is no link.
    shown[link] = shown[link].where(shown[link].astype(str).str.match(r"^https?://"), None)
    said = locale.t("col_sentence_kind")
    first = [c for c in shown.columns[:3]]
    lead = (*first, said, quote)
    order = [*lead, *[c for c in shown.columns if c not in lead]]
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        height=TABLE_HEIGHT,
        row_height=ROW_HEIGHT,
        column_order=order,
        column_config={
            link: st.column_config.LinkColumn(link, display_text=locale.t("src_link_text")),
            quote: st.column_config.TextColumn(quote, width=QUOTE_WIDTH),
            yoy: st.column_config.TextColumn(yoy, width="medium"),
        },
        key="figures_table",
    )
    st.markdown(f"**{locale.t('downloads')}**")
    with st.container(horizontal=True):
        st.download_button(
            locale.t("src_download_xlsx"),
            data=lambda: reader_xlsx_bytes(_export(kept), locale),
            file_name="corridor_figures.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            on_click="ignore",
            key="download_xlsx",
        )
        st.download_button(
            locale.t("src_download_csv"),
            data=lambda: csv_bytes(_export(kept)),
            file_name="corridor_figures_contract.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="download_csv",
        )

st.markdown(f"**{locale.t('dictionary')}**")
st.dataframe(metric_dictionary(locale), hide_index=True, key="metric_dictionary")
