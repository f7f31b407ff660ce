"""The upload page's article tab: an uploaded or pasted article, the rows the extractor proposes,
edited by the analyst, checked and accepted."""

from __future__ import annotations

import hashlib
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.upload.context import UploadContext
from dashboard.upload.findings import show_findings
from dashboard.upload.messages import report_write, show_error
from dashboard.uploader_text import show_uploader_words
from etl.contract.errors import CorridorError
from etl.store import auth, commands
from etl.store.record_check import check_article_rows
from etl.uploads import articles, sandbox

# Pasted text is bounded (at most 300 kB as UTF-8, well under the 5 MB article limit).
PASTE_MAX_CHARS = 100_000


def _article_input(ctx: UploadContext) -> tuple[bytes, str] | None:
    """Return the article's bytes and name: an uploaded .txt, else the pasted text."""
    left, right = st.columns(2)
    show_uploader_words("art_file", ["txt"], ctx.locale)
    file = left.file_uploader(ctx.locale.t("up_article_file"), type=["txt"], key="art_file")
    pasted = right.text_area(
        ctx.locale.t("up_article_paste"),
        key="art_text",
        height=160,
        max_chars=PASTE_MAX_CHARS,
    )
    if file is not None:
        return file.getvalue(), file.name
    if pasted.strip():
        return pasted.encode("utf-8"), "pasted.txt"
    return None


def _dated_proposal(ctx: UploadContext, raw: bytes, name: str) -> articles.ArticleProposal | None:
    """Return the proposal; a guessed publication date is shown, editable and marked inferred."""
    locale = ctx.locale
    key = f"art_published_{hashlib.sha256(raw).hexdigest()[:12]}"
    label = locale.t("up_published_inferred")
    try:
        proposal = articles.propose_article(raw, name)
    except CorridorError as exc:
        # No date anywhere: the analyst gives one.
        chosen = st.date_input(locale.t("up_published"), value=None, key=key)
        if chosen is None:
            show_error(ctx, exc)
            return None
        return articles.propose_article(raw, name, chosen)
    if not proposal.published_inferred:
        st.caption(locale.t("up_published_head", date=proposal.published))
        return proposal
    chosen = st.date_input(label, value=proposal.published, key=key)
    if chosen is not None and chosen != proposal.published:
        return articles.propose_article(raw, name, chosen)
    st.warning(
        locale.t("up_date_inferred", date=proposal.published),
        icon=":material/event:",
    )
    return proposal


def _periods_preview(ctx: UploadContext, proposal: articles.ArticleProposal) -> None:
    """Show how each figure's period was decided; carried and publication dates need review."""
    locale = ctx.locale
    hows = {
        "stated": locale.t("up_how_stated"),
        "carried": locale.t("up_how_carried"),
        "publication": locale.t("up_how_publication"),
    }
    shown = proposal.periods.copy()
    shown["how"] = shown["how"].map(hows)
    shown["review"] = shown["review"].map(lambda r: locale.t("up_review_mark") if r else "")
    flagged = int(proposal.periods["review"].sum())
    st.markdown(locale.t("up_periods_heading"))
    if flagged:
        st.caption(locale.t("up_periods_flagged", flagged=flagged))
    # A static table: every period and its quote stay readable (and searchable) on the page.
    st.table(shown.set_index("metric"))


def _edited_rows(proposal: articles.ArticleProposal) -> pd.DataFrame:
    """Return the reported rows as the analyst edited them, with their derived rows."""
    # Derived prior-year rows follow from the reported ones: shown apart, never edited by hand.
    reported = proposal.rows.loc[proposal.rows["basis"] != "derived"]
    edited = st.data_editor(reported, num_rows="dynamic", hide_index=True, key="art_rows")
    return articles.with_derived(pd.DataFrame(edited))


def article_tab(ctx: UploadContext, actor: auth.Actor) -> None:
    """Upload or paste an article: the extractor proposes rows; edit them, then accept."""
    # Drawn only for a signed-in analyst: the limited child that reads an article waits ready,
    # and readers' sessions hold none.
    sandbox.keep_upload_spare()
    locale = ctx.locale
    got = _article_input(ctx)
    if got is None:
        return
    try:
        proposal = _dated_proposal(ctx, *got)
    except CorridorError as exc:
        show_error(ctx, exc)
        return
    if proposal is None:
        return
    cols = st.columns(2)
    source_id = cols[0].text_input(locale.t("up_source_id"), proposal.source_id, key="art_sid")
    title = cols[1].text_input(
        locale.t("up_title"),
        proposal.title,
        key=f"art_title_{proposal.sha256[:12]}",
        placeholder=locale.t("up_title_missing"),
    )
    publisher = cols[0].text_input(locale.t("up_publisher"), proposal.publisher, key="art_pub")
    url = cols[1].text_input(locale.t("up_url"), proposal.url, key="art_url")
    _periods_preview(ctx, proposal)
    st.caption(locale.t("up_edit_rows"))
    rows = _edited_rows(proposal)
    derived = rows.loc[rows["basis"] == "derived"]
    if len(derived):
        st.caption(locale.t("up_derived_rows"))
        st.dataframe(derived, hide_index=True, key="art_derived")
    show_findings(
        ctx,
        check_article_rows(
            ctx.layout,
            pd.DataFrame(rows),
            proposal.name,
            source_id=source_id.strip(),
            proposed_id=proposal.source_id,
            title=title,
            publisher=publisher,
            published=proposal.published,
            table=data.current_table(),
        ),
        "article_findings",
    )
    replace = st.checkbox(locale.t("up_replace"), key="art_replace")
    if not title.strip():
        st.info(locale.t("up_title_first"))
    accept = st.button(
        locale.t("up_submit_approval") if ctx.settings.require_approval else locale.t("up_accept"),
        type="primary",
        key="art_accept",
        disabled=not title.strip(),
    )
    if accept:
        accept_article = partial(
            commands.accept_article,
            ctx.layout,
            actor,
            proposal,
            pd.DataFrame(rows),
            source_id=source_id,
            title=title,
            publisher=publisher,
            published=proposal.published,
            url=url,
            replace=replace,
        )
        report_write(ctx, accept_article, "up_stored")
