"""Page: the filtered figures with quotes and sources, the metric dictionary, downloads."""

import streamlit as st

from dashboard import data, ui
from dashboard.export import csv_bytes, xlsx_bytes
from dashboard.i18n import t
from dashboard.views import display_table, export_frame, figures_frame, metric_dictionary

table, filters = ui.current()
lang = filters.lang
records = data.figures(table, filters) if not table.observations.empty else []
if table.observations.empty:
    ui.no_data_message()
elif not records:
    ui.empty_message(lang)
else:
    figures = figures_frame(records)
    shown = display_table(records, lang)
    st.caption(
        f"{len(shown)} {t('figures_shown', lang)}"
        + (
            "（同一数字多家来源报道的，只列最新发布的一家，其余见“亦见于”）"
            if lang == "zh"
            else " (a figure reported by several sources is listed once, from the latest; "
            "the others are under 'also reported by')"
        )
    )
    link = "链接" if lang == "zh" else "Link"
    quote = "原文" if lang == "zh" else "Quote"
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            link: st.column_config.LinkColumn(
                link, display_text=("原文链接" if lang == "zh" else "open")
            ),
            quote: st.column_config.TextColumn(quote, width="large"),
        },
        key="figures_table",
    )
    st.markdown(f"**{t('downloads', lang)}**")
    export = export_frame(figures)
    with st.container(horizontal=True):
        st.download_button(
            t("download_csv", lang),
            data=lambda: csv_bytes(export),
            file_name="corridor_figures.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
            key="download_csv",
        )
        st.download_button(
            t("download_xlsx", lang),
            data=lambda: xlsx_bytes(export),
            file_name="corridor_figures.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            on_click="ignore",
            key="download_xlsx",
        )

st.markdown(f"**{t('dictionary', lang)}**")
st.dataframe(metric_dictionary(lang), hide_index=True, key="metric_dictionary")
