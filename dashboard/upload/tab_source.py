"""The upload page's source tab: registering a source that uploads can cite."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from dashboard.upload.context import UploadContext
from dashboard.upload.messages import report_write
from etl.store import auth, commands


def source_tab(ctx: UploadContext, actor: auth.Actor) -> None:
    """Register a source that uploads can cite."""
    locale = ctx.locale
    with st.form("add_source"):
        source_id = st.text_input(locale.t("up_source_id"))
        title = st.text_input(locale.t("up_title"))
        publisher = st.text_input(locale.t("up_publisher"))
        published = st.date_input(locale.t("up_published"), value=date.today())
        url = st.text_input(locale.t("up_url_optional"))
        if st.form_submit_button(locale.t("up_register")):
            add_source = partial(
                commands.add_source,
                ctx.layout,
                actor,
                source_id=source_id.strip(),
                title=title,
                publisher=publisher,
                published=published,
                url=url,
            )
            report_write(ctx, add_source, "up_registered")
