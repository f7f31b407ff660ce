"""The upload page's source tab: registering a source that uploads can cite."""

from __future__ import annotations

from datetime import date
from functools import partial

import streamlit as st

from dashboard.i18n import t
from dashboard.upload.context import UploadContext
from dashboard.upload.messages import report_write
from etl.store import auth, commands


def source_tab(ctx: UploadContext, actor: auth.Actor) -> None:
    """Register a source that uploads can cite."""
    lang = ctx.lang
    with st.form("add_source"):
        source_id = st.text_input(t("up_source_id", lang))
        title = st.text_input(t("up_title", lang))
        publisher = st.text_input(t("up_publisher", lang))
        published = st.date_input(t("up_published", lang), value=date.today())
        url = st.text_input(t("up_url_optional", lang))
        if st.form_submit_button(t("up_register", lang)):
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
