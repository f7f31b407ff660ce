"""The record check's findings on rows about to be merged, shown before the merge."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.i18n import t
from dashboard.safe_text import plain
from dashboard.upload.context import UploadContext
from etl.store.record_check import RowsCheck


def show_findings(ctx: UploadContext, check: RowsCheck | None, key: str) -> None:
    """Show what the record check questions in the rows about to be merged, before the merge."""
    lang = ctx.lang
    if check is None:
        return
    if not check.report.counts:
        st.caption(t("up_check_clean", lang))
        return
    head = t("up_check_head", lang, summary=plain(check.summary(lang)))
    if check.report.errors:
        st.error(head, icon=":material/rule:")
    else:
        st.warning(head, icon=":material/rule:")
    shown = []
    for finding in check.records(lang):
        severity = t(f"up_check_{finding['severity']}", lang)
        message = finding["message"] + (f" — {finding['detail']}" if finding["detail"] else "")
        for row in finding["rows"]:
            source = row["source"]
            shown.append(
                {
                    t("up_check_severity", lang): severity,
                    t("up_check_rule", lang): finding["rule"],
                    t("up_check_message", lang): message,
                    t("xl_metric", lang): row["metric"],
                    t("up_check_value", lang): row["stated"],
                    t("xl_period", lang): f"{row['period_start'] or '…'}—{row['period_end']}",
                    t("up_check_series", lang): row["series"],
                    t("xl_quote", lang): row["quote"],
                    t("xl_source", lang): " ".join(
                        x for x in (row["source_id"], source.get("publisher", "")) if x
                    ),
                }
            )
    # A dataframe shows every cell as text: nothing from a file or an article renders as markup.
    st.dataframe(pd.DataFrame(shown), hide_index=True, key=key)
