"""The record check's findings on rows about to be merged, shown before the merge."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.safe_text import plain
from dashboard.upload.context import UploadContext
from etl.store.record_check import RowsCheck


def show_findings(ctx: UploadContext, check: RowsCheck | None, key: str) -> None:
    """Show what the record check questions in the rows about to be merged, before the merge."""
    locale = ctx.locale
    if check is None:
        return
    if not check.report.counts:
        st.caption(locale.t("up_check_clean"))
        return
    head = locale.t("up_check_head", summary=plain(check.summary(locale.lang)))
    if check.report.errors:
        st.error(head, icon=":material/rule:")
    else:
        st.warning(head, icon=":material/rule:")
    shown = []
    for finding in check.records(locale.lang):
        severity = locale.t(f"up_check_{finding['severity']}")
        message = finding["message"] + (f" — {finding['detail']}" if finding["detail"] else "")
        for row in finding["rows"]:
            source = row["source"]
            shown.append(
                {
                    locale.t("up_check_severity"): severity,
                    locale.t("up_check_rule"): finding["rule"],
                    locale.t("up_check_message"): message,
                    locale.t("xl_metric"): row["metric"],
                    locale.t("up_check_value"): row["stated"],
                    locale.t("xl_period"): f"{row['period_start'] or '…'}—{row['period_end']}",
                    locale.t("up_check_series"): row["series"],
                    locale.t("xl_quote"): row["quote"],
                    locale.t("xl_source"): " ".join(
                        x for x in (row["source_id"], source.get("publisher", "")) if x
                    ),
                }
            )
    # A dataframe shows every cell as text: nothing from a file or an article renders as markup.
    st.dataframe(pd.DataFrame(shown), hide_index=True, key=key)
