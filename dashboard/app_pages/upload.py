"""Page: analysts upload files and articles, register sources, correct figures and undo batches.

Only layout: every check and every write is etl.ingest / etl.store, the same functions the CLI
uses, and each write takes the analyst Actor, so a manager's session cannot change data even if
a widget were shown by mistake. Uploaded text is only ever shown as text (dataframes, code).
The parts live in dashboard/upload/: signing in, the result messages, the preview and one module
per tab.
"""

from __future__ import annotations

import streamlit as st

from dashboard.upload import login
from dashboard.upload.context import UploadContext, current_context
from dashboard.upload.tab_article import article_tab
from dashboard.upload.tab_correct import correct_tab
from dashboard.upload.tab_file import upload_tab
from dashboard.upload.tab_history import history_tab
from dashboard.upload.tab_review import review_tab
from dashboard.upload.tab_runs import FILE_TAB, HISTORY_TAB, REVIEW_TAB, alone, note_drawn
from dashboard.upload.tab_source import source_tab
from etl.store import auth, pending


def tabs(ctx: UploadContext, actor: auth.Actor) -> None:
    """Draw the analyst's tabs, the review tab when approval is on or something is pending; the
    file, history and review tabs rerun alone (dashboard/upload/tab_runs.py)."""
    parts = [
        ("up_tab_upload", alone(FILE_TAB, upload_tab)),
        ("up_tab_article", article_tab),
        ("up_tab_source", source_tab),
        ("up_tab_correct", correct_tab),
        ("up_tab_history", alone(HISTORY_TAB, history_tab)),
    ]
    fragments = [FILE_TAB, HISTORY_TAB]
    if ctx.settings.require_approval or pending.list_pending(ctx.layout):
        parts.append(("up_tab_review", alone(REVIEW_TAB, review_tab)))
        fragments.append(REVIEW_TAB)
    note_drawn(fragments)
    drawn = st.tabs([ctx.locale.t(key) for key, _draw in parts])
    for tab, (_key, draw) in zip(drawn, parts, strict=True):
        with tab:
            draw(ctx, actor)


ctx = current_context()
section = auth.read_secrets()
users = auth.read_users(ctx.layout, section=section)
if not users and not login.oidc_configured():
    login.not_configured(ctx)
else:
    actor = login.current_actor(ctx, section, users)
    login.hold_uploads(actor is not None and actor.is_analyst)
    if actor is None:
        st.info(ctx.locale.t("up_log_in_first"))
    elif not actor.is_analyst:
        st.info(
            ctx.locale.t("up_view_only"),
            icon=":material/visibility:",
        )
    else:
        tabs(ctx, actor)
