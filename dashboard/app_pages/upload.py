"""Page: analysts upload files and articles, register sources, correct figures and undo batches.

Only layout: every check and every write is etl.ingest / etl.store, the same functions the CLI
uses, and each write takes the analyst Actor, so a manager's session cannot change data even if
a widget were shown by mistake. Uploaded text is only ever shown as text (dataframes, code).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import data, ui, upload_guard
from dashboard.i18n import LANGS, t
from dashboard.safe_text import plain
from dashboard.upload_preview import MAX_PREVIEW_ROWS, preview_table
from etl.contract import qualifiers
from etl.contract.errors import CorridorError, Problem
from etl.contract.qualifiers import QUALIFIERS
from etl.contract.vocabulary import load_metrics
from etl.store import auth
from etl.store import commands as store
from etl.store import pending as review
from etl.store.audit import audit, audit_ready
from etl.store.history import (
    history_frame,
    history_sentences,
    option_label,
    undo_effect,
    undo_options,
)
from etl.store.record_check import RowsCheck, check_article_rows, check_rows
from etl.store.settings import load_settings
from etl.uploads import articles as article_uploads
from etl.uploads import reading, validating
from etl.uploads.template import template_xlsx

table, filters = ui.current()
lang = filters.lang
layout = data.current_layout()
settings = load_settings(layout)
# Pasted text is bounded (at most 300 kB as UTF-8, well under the 5 MB article limit).
PASTE_MAX_CHARS = 100_000


def show_error(exc: CorridorError) -> None:
    """Show a refusal: a fixed headline, then the problems as plain text (never markdown)."""
    st.error(t("up_refused", lang), icon=":material/block:")
    st.code(exc.render(), language=None, wrap_lines=True)


def oidc_configured() -> bool:
    """Return whether Streamlit's [auth] (OIDC) section is configured."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _shown_name(name: str) -> str:
    # Names are letters, digits, CJK and _ . @ - (auth.NAME_RE); escape what markdown would read.
    return "".join("\\" + ch if ch in "_.@-*`[]" else ch for ch in name)


def _role_label(actor: auth.Actor) -> str:
    return t("up_role_analyst" if actor.is_analyst else "up_role_manager", lang)


def _logout(actor: auth.Actor, event: str = "logout") -> None:
    st.session_state.pop("_analyst", None)
    st.session_state.pop("_last_active", None)
    try:
        audit(layout, event, actor.name)
    except CorridorError as exc:  # logged out all the same; the log's trouble is shown
        show_error(exc)


def current_actor(section: dict[str, object], users: dict[str, auth.User]) -> auth.Actor | None:
    """Return the signed-in person, drawing the sign-in controls as needed.

    A password session ends after the settings' idle timeout; every login, failure, lockout,
    logout and timeout goes to the data directory's audit log.
    """
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        email = str(getattr(st.user, "email", "") or "")
        oidc_actor = auth.actor_for_email(email, section, users)
        if st.session_state.get("_oidc_audited") != oidc_actor.name:
            try:
                audit(layout, "login", oidc_actor.name, method="oidc", role=oidc_actor.role)
            except CorridorError as exc:  # fails closed: an unrecorded login gets no access
                show_error(exc)
                return None
            st.session_state["_oidc_audited"] = oidc_actor.name
        st.caption(t("up_signed_in", lang, name=plain(email)))
        st.button(t("up_logout", lang), on_click=st.logout, key="oidc_logout")
        return oidc_actor
    actor = st.session_state.get("_analyst")
    if isinstance(actor, auth.Actor):
        idle_s = settings.idle_timeout_minutes * 60
        last = float(st.session_state.get("_last_active", 0.0))
        if time.time() - last > idle_s:
            _logout(actor, "timeout")
            st.warning(
                t("up_timed_out", lang, minutes=settings.idle_timeout_minutes),
                icon=":material/timer_off:",
            )
        else:
            st.session_state["_last_active"] = time.time()
            name = _shown_name(actor.name)
            st.caption(t("up_signed_in_role", lang, name=name, role=_role_label(actor)))
            if st.button(t("up_logout", lang), key="pw_logout"):
                _logout(actor)
                st.rerun()
            return actor
    if oidc_configured():
        st.button(t("up_login_oidc", lang), on_click=st.login)
    if users:
        with st.form("login"):
            name = st.text_input(t("up_login_name", lang), key="login_name")
            password = st.text_input(t("up_login_pw", lang), type="password", key="login_pw")
            if st.form_submit_button(t("up_login", lang)):
                try:
                    _log_in(name, password, users)
                except CorridorError as exc:  # the audit log cannot record it: no login
                    show_error(exc)
    return None


def _client() -> str:
    """Return who is guessing, for the lockout: the client's address, else this session."""
    address = getattr(st.context, "ip_address", None)
    if isinstance(address, str) and address:
        return f"ip:{address}"
    # A local connection is the reverse proxy on this machine, which names the client in
    # X-Real-IP (README); only a local connection is trusted to say so.
    forwarded = st.context.headers.get("X-Real-IP") if address is None else None
    if isinstance(forwarded, str) and forwarded.strip():
        return f"ip:{forwarded.strip()[:64]}"
    if "_client" not in st.session_state:
        st.session_state["_client"] = f"session:{secrets.token_hex(8)}"
    return str(st.session_state["_client"])


def _log_in(name: str, password: str, users: dict[str, auth.User]) -> None:
    """Check a name and password and record the outcome; refused if the log cannot record it."""
    audit_ready(layout)
    actor, outcome = auth.login_named(name, password, users, client=_client())
    who = name.strip()[:64]
    if actor is not None:
        audit(layout, "login", actor.name, method="password", role=actor.role)
        st.session_state["_analyst"] = actor
        st.session_state["_last_active"] = time.time()
        st.rerun()
    elif outcome == "locked":
        audit(layout, "login_refused_locked", who)
        st.error(t("up_locked", lang))
    else:
        audit(layout, "login_failed", who)
        if outcome == "lockout":
            audit(layout, "lockout", who)
        st.error(t("up_wrong_login", lang))


def not_configured() -> None:
    """Explain how to set up analyst access; nothing is accepted until then."""
    st.warning(
        t("up_not_configured", lang),
        icon=":material/lock:",
    )
    st.markdown(t("up_setup_password", lang))
    st.code("corridor set-password", language="bash")
    st.markdown(t("up_setup_oidc", lang))


def show_findings(check: RowsCheck | None, key: str) -> None:
    """Show what the record check questions in the rows about to be merged, before the merge."""
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


def merge_label() -> str:
    """Return the write button's words: 提交审批 when a second analyst must approve."""
    return t("up_submit_approval" if settings.require_approval else "up_merge", lang)


# A file citing more unregistered sources than this is not fixed one form at a time.
MAX_INLINE_SOURCES = 5


def unregistered_sources(exc: CorridorError) -> list[str]:
    """Return the source ids a refusal names as unregistered, if that is its only problem."""
    ids = [p.value or "" for p in exc.problems if p.en.startswith("unknown source")]
    if not ids or len(ids) != len(exc.problems):
        return []
    return list(dict.fromkeys(i for i in ids if i))


def register_sources_inline(actor: auth.Actor, ids: list[str]) -> None:
    """Offer a form registering the file's unregistered sources, then check the file again."""
    shown = ids[:MAX_INLINE_SOURCES]
    # Source ids come from the file: shown as plain text inside the markdown message.
    listed = plain("、".join(shown))
    st.info(t("up_sources_missing", lang, ids=listed), icon=":material/library_add:")
    with st.form("inline_sources"):
        fields = []
        for n, source_id in enumerate(shown):
            st.text(source_id)
            cols = st.columns(4)
            fields.append(
                (
                    source_id,
                    cols[0].text_input(t("up_title", lang), key=f"inline_title_{n}"),
                    cols[1].text_input(t("up_publisher", lang), key=f"inline_pub_{n}"),
                    cols[2].date_input(t("up_published", lang), value=None, key=f"inline_date_{n}"),
                    cols[3].text_input(t("up_url_optional", lang), key=f"inline_url_{n}"),
                )
            )
        if not st.form_submit_button(t("up_register", lang)):
            return
    try:
        for source_id, title, publisher, published, url in fields:
            store.add_source(
                layout,
                actor,
                source_id=source_id,
                title=title,
                publisher=publisher,
                published=published or date.today(),
                url=url,
            )
    except CorridorError as exc:
        show_error(exc)
        return
    st.rerun()


def show_notes(notes: tuple[Problem, ...]) -> None:
    """Show how cells were read (units converted, months as days, fractions to check)."""
    if not notes:
        return
    i = LANGS.index(lang) if lang in LANGS else 0
    lines = [(p.zh, p.en)[i] + (f" [{p.column}]" if p.column else "") for p in notes]
    st.warning(t("up_notes", lang), icon=":material/info:")
    st.code("\n".join(lines), language=None, wrap_lines=True)


def upload_tab(actor: auth.Actor) -> None:
    """Upload a CSV or XLSX: validate, preview in the page's words, merge or submit."""
    cols = st.columns(2)
    cols[0].download_button(
        t("up_template_xlsx", lang),
        # Built only when clicked: the workbook takes a second or two, the page should not.
        partial(template_xlsx, lang),
        file_name=f"corridor_upload_template_{lang}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        on_click="ignore",
    )
    cols[1].download_button(
        t("up_template", lang),
        validating.template_csv(lang),
        file_name="corridor_upload_template.csv",
        mime="text/csv",
        icon=":material/download:",
        on_click="ignore",
    )
    limit_mb = reading.max_upload_bytes() / (1024 * 1024)
    file = st.file_uploader(
        t("up_file", lang),
        type=["csv", "xlsx"],
        key="upload_file",
        help=t("up_file_limit", lang, mb=limit_mb),
    )
    if file is None:
        return
    try:
        reading.check_size(file.size, file.name)  # before reading a byte of it
        upload, preview = store.validate_upload(layout, file.getvalue(), file.name)
    except CorridorError as exc:
        show_error(exc)
        missing = unregistered_sources(exc)
        if missing:
            register_sources_inline(actor, missing)
        return
    show_notes(upload.notes)
    counts = st.columns(3)
    counts[0].metric(t("up_new", lang), len(preview.new))
    counts[1].metric(t("up_held", lang), len(preview.present))
    counts[2].metric(t("up_contradicting", lang), len(preview.contradicting))
    frame = preview.frame()
    if len(frame) > MAX_PREVIEW_ROWS:
        st.caption(t("up_preview_cut", lang, shown=MAX_PREVIEW_ROWS, total=len(frame)))
    st.dataframe(preview_table(frame, lang), hide_index=True, key="upload_preview")
    if not preview.changes:
        st.info(t("up_all_held", lang))
        return
    incoming = pd.concat(
        [preview.new, preview.contradicting.drop(columns="old_value", errors="ignore")]
    )
    show_findings(check_rows(layout, incoming), "upload_findings")
    replace = False
    if len(preview.contradicting):
        replace = st.checkbox(
            t("up_replace_file", lang),
            key="upload_replace",
        )
    if st.button(merge_label(), type="primary", key="upload_merge"):
        try:
            result = store.merge_upload(layout, upload, actor, replace=replace)
        except CorridorError as exc:
            show_error(exc)
            return
        if result.pending_id:
            st.success(t("up_submitted", lang, pending=result.pending_id))
        else:
            st.success(t("up_merged", lang, batch=result.batch_id))


# The original shown beside a pending item's rows: enough to check the rows against it.
MAX_ORIGINAL_CHARS = 20_000


def show_original(record: dict[str, object]) -> None:
    """Show what the analyst submitted: the pasted article or the file, as plain text."""
    st.caption(t("up_pending_original", lang))
    stored = str(record.get("stored_as") or "")
    path = (layout.root / stored).resolve()
    if not stored or not path.is_relative_to(layout.uploads.resolve()) or not path.is_file():
        st.caption(t("up_original_missing", lang))
        return
    data = path.read_bytes()
    if str(record.get("file_kind")) == "xlsx":
        try:
            _kind, frame = reading.read_upload_frame(data, path.name, max_bytes=len(data) + 1)
        except CorridorError as exc:
            show_error(exc)
            return
        st.dataframe(frame.head(MAX_PREVIEW_ROWS), key=f"original_{path.name[:16]}")
        return
    text = data[: MAX_ORIGINAL_CHARS * 4].decode("utf-8", errors="replace")
    st.code(text[:MAX_ORIGINAL_CHARS], language=None, wrap_lines=True)


def review_tab(actor: auth.Actor) -> None:
    """Pending changes: each with its kind, who sent it, its rows beside the submitted article or
    file; approved or rejected by another analyst, the card updating at once."""
    flash = st.session_state.pop("_review_flash", None)
    if flash:
        st.success(flash)
    items = review.list_pending(layout)
    if not items:
        st.info(t("up_nothing_pending", lang))
        return
    for item in items:
        r = item.record
        with st.container(border=True, key=f"pending_{item.id}"):
            st.text(
                t(
                    "up_pending_item",
                    lang,
                    id=item.id,
                    kind=t(f"up_kind_{item.kind}", lang)
                    if item.kind in review.KINDS
                    else item.kind[:40],
                    who=r.get("who", ""),
                    file=r.get("title") or r.get("file_name", ""),
                    new=r.get("rows_new", 0),
                    replacing=r.get("rows_contradicting", 0),
                )
            )
            left, right = st.columns(2) if item.kind in ("upload", "article") else (st, None)
            try:
                rows = review.pending_frame(layout, item)
                left.caption(t("up_pending_rows", lang))
                left.dataframe(rows, hide_index=True, key=f"pending_preview_{item.id}")
            except CorridorError as exc:
                show_error(exc)
            if right is not None:
                with right:
                    show_original(r)
            own = r.get("who") == actor.name
            if own:
                st.caption(t("up_own_pending", lang))
            cols = st.columns(3)
            if cols[0].button(
                t("up_approve", lang), key=f"approve_{item.id}", type="primary", disabled=own
            ):
                try:
                    result = review.approve(layout, actor, item.id)
                except CorridorError as exc:
                    show_error(exc)
                    continue
                st.session_state["_review_flash"] = t("up_approved", lang, batch=result.batch_id)
                st.rerun()
            reason = cols[1].text_input(t("up_reject_reason", lang), key=f"why_{item.id}")
            if cols[2].button(t("up_reject", lang), key=f"reject_{item.id}"):
                try:
                    review.reject(layout, actor, item.id, reason)
                except CorridorError as exc:
                    show_error(exc)
                    continue
                st.session_state["_review_flash"] = t("up_rejected", lang)
                st.rerun()


def _article_input() -> tuple[bytes, str] | None:
    """Return the article's bytes and name: an uploaded .txt, else the pasted text."""
    left, right = st.columns(2)
    file = left.file_uploader(t("up_article_file", lang), type=["txt"], key="art_file")
    pasted = right.text_area(
        t("up_article_paste", lang),
        key="art_text",
        height=160,
        max_chars=PASTE_MAX_CHARS,
    )
    if file is not None:
        return file.getvalue(), file.name
    if pasted.strip():
        return pasted.encode("utf-8"), "pasted.txt"
    return None


def _dated_proposal(data: bytes, name: str) -> article_uploads.ArticleProposal | None:
    """Return the proposal; a guessed publication date is shown, editable and marked inferred."""
    key = f"art_published_{hashlib.sha256(data).hexdigest()[:12]}"
    label = t("up_published_inferred", lang)
    try:
        proposal = article_uploads.propose_article(data, name)
    except CorridorError as exc:
        # No date anywhere: the analyst gives one.
        chosen = st.date_input(t("up_published", lang), value=None, key=key)
        if chosen is None:
            show_error(exc)
            return None
        return article_uploads.propose_article(data, name, chosen)
    if not proposal.published_inferred:
        st.caption(t("up_published_head", lang, date=proposal.published))
        return proposal
    chosen = st.date_input(label, value=proposal.published, key=key)
    if chosen is not None and chosen != proposal.published:
        return article_uploads.propose_article(data, name, chosen)
    st.warning(
        t("up_date_inferred", lang, date=proposal.published),
        icon=":material/event:",
    )
    return proposal


def _periods_preview(proposal: article_uploads.ArticleProposal) -> None:
    """Show how each figure's period was decided; carried and publication dates need review."""
    hows = {
        "stated": t("up_how_stated", lang),
        "carried": t("up_how_carried", lang),
        "publication": t("up_how_publication", lang),
    }
    shown = proposal.periods.copy()
    shown["how"] = shown["how"].map(hows)
    shown["review"] = shown["review"].map(lambda r: t("up_review_mark", lang) if r else "")
    flagged = int(proposal.periods["review"].sum())
    st.markdown(t("up_periods_heading", lang))
    if flagged:
        st.caption(t("up_periods_flagged", lang, flagged=flagged))
    # A static table: every period and its quote stay readable (and searchable) on the page.
    st.table(shown.set_index("metric"))


def article_tab(actor: auth.Actor) -> None:
    """Upload or paste an article: the extractor proposes rows; edit them, then accept."""
    got = _article_input()
    if got is None:
        return
    try:
        proposal = _dated_proposal(*got)
    except CorridorError as exc:
        show_error(exc)
        return
    if proposal is None:
        return
    cols = st.columns(2)
    source_id = cols[0].text_input(t("up_source_id", lang), proposal.source_id, key="art_sid")
    title = cols[1].text_input(
        t("up_title", lang),
        proposal.title,
        key=f"art_title_{proposal.sha256[:12]}",
        placeholder=t("up_title_missing", lang),
    )
    publisher = cols[0].text_input(t("up_publisher", lang), proposal.publisher, key="art_pub")
    url = cols[1].text_input(t("up_url", lang), proposal.url, key="art_url")
    _periods_preview(proposal)
    st.caption(t("up_edit_rows", lang))
    # Derived prior-year rows follow from the reported ones: shown apart, never edited by hand.
    reported = proposal.rows.loc[proposal.rows["basis"] != "derived"]
    edited = st.data_editor(reported, num_rows="dynamic", hide_index=True, key="art_rows")
    rows = article_uploads.with_derived(pd.DataFrame(edited))
    derived = rows.loc[rows["basis"] == "derived"]
    if len(derived):
        st.caption(t("up_derived_rows", lang))
        st.dataframe(derived, hide_index=True, key="art_derived")
    show_findings(
        check_article_rows(
            layout,
            pd.DataFrame(rows),
            proposal.name,
            source_id=source_id.strip(),
            proposed_id=proposal.source_id,
            title=title,
            publisher=publisher,
            published=proposal.published,
        ),
        "article_findings",
    )
    replace = st.checkbox(t("up_replace", lang), key="art_replace")
    if not title.strip():
        st.info(t("up_title_first", lang))
    accept = st.button(
        t("up_submit_approval", lang) if settings.require_approval else t("up_accept", lang),
        type="primary",
        key="art_accept",
        disabled=not title.strip(),
    )
    if accept:
        try:
            result = store.accept_article(
                layout,
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
        except CorridorError as exc:
            show_error(exc)
            return
        if result.pending_id:
            st.success(t("up_submitted", lang, pending=result.pending_id))
        else:
            st.success(t("up_stored", lang, batch=result.batch_id))


def source_tab(actor: auth.Actor) -> None:
    """Register a source that uploads can cite."""
    with st.form("add_source"):
        source_id = st.text_input(t("up_source_id", lang))
        title = st.text_input(t("up_title", lang))
        publisher = st.text_input(t("up_publisher", lang))
        published = st.date_input(t("up_published", lang), value=date.today())
        url = st.text_input(t("up_url_optional", lang))
        if st.form_submit_button(t("up_register", lang)):
            try:
                batch = store.add_source(
                    layout,
                    actor,
                    source_id=source_id.strip(),
                    title=title,
                    publisher=publisher,
                    published=published,
                    url=url,
                )
            except CorridorError as exc:
                show_error(exc)
                return
            st.success(t("up_registered", lang, batch=batch))


def _qualifier_choice(key: str | None) -> str:
    if key is None:
        return t("up_keep_qualifier", lang)
    return qualifiers.label(key, lang) or t("up_exact_qualifier", lang)


def correct_tab(actor: auth.Actor) -> None:
    """Correct or retract one stored figure, with a reason."""
    metrics = list(load_metrics())
    with st.form("correct"):
        cols = st.columns(3)
        metric = cols[0].selectbox(t("up_metric", lang), metrics)
        scope = cols[1].text_input(t("up_scope", lang))
        period_end = cols[2].date_input(t("up_period_end", lang), value=None)
        source_id = cols[0].text_input(t("up_source_id_optional", lang))
        old_value = cols[1].text_input(t("up_old_value", lang))
        action = cols[2].radio(
            t("up_action", lang),
            ["correct", "retract"],
            format_func=lambda a: t("up_correct" if a == "correct" else "up_retract", lang),
        )
        new_value = st.number_input(t("up_new_value", lang), min_value=0.0)
        # None keeps the figure's own qualifier; "" states it exactly.
        new_qualifier = st.selectbox(
            t("up_new_qualifier", lang),
            [None, *QUALIFIERS],
            format_func=_qualifier_choice,
            key="correct_qualifier",
        )
        reason = st.text_input(t("up_reason_required", lang))
        submit = "up_submit_approval" if settings.require_approval else "up_submit"
        if st.form_submit_button(t(submit, lang)):
            criteria: dict[str, str | None] = {
                "metric": metric,
                "scope": scope.strip() or None,
                "period_end": period_end.isoformat() if period_end else None,
                "source_id": source_id.strip() or None,
                "value": old_value.strip() or None,
            }
            try:
                if action == "correct":
                    done = store.correct_figure(
                        layout, actor, criteria, new_value, reason, qualifier=new_qualifier
                    )
                else:
                    done = store.retract_figure(layout, actor, criteria, reason)
            except CorridorError as exc:
                show_error(exc)
                return
            if done.pending_id:
                st.success(t("up_submitted", lang, pending=done.pending_id))
            else:
                st.success(t("up_recorded", lang, batch=done.batch_id))


def history_tab(actor: auth.Actor) -> None:
    """The history as sentences (and a table), then undo: newest batch preselected, a reason,
    and a confirmation saying which figures change back."""
    flash = st.session_state.pop("_undo_flash", None)
    if flash:
        st.success(flash)
    sentences = history_sentences(layout, lang)
    if not sentences:
        st.info(t("up_no_batches", lang))
        return
    st.markdown(t("up_history_heading", lang, zone=plain(settings.time_zone)))
    st.code("\n".join(sentences[:200]), language=None, wrap_lines=True)
    with st.expander(t("up_history_table", lang)):
        st.dataframe(history_frame(layout, lang), hide_index=True, key="history_table")
    undo_section(actor)


def undo_section(actor: auth.Actor) -> None:
    """Choose a batch (newest first, preselected after every change), give a reason, confirm."""
    options = undo_options(layout)
    if not options:
        st.info(t("up_undo_none", lang))
        return
    labels = {str(e["id"]): option_label(e, lang, settings.zone) for e in options}
    newest = str(options[0]["id"])
    # After any change the newest batch is chosen again, whatever was chosen before.
    if st.session_state.get("_undo_newest") != newest:
        st.session_state["_undo_newest"] = newest
        st.session_state["undo_choice"] = newest
        st.session_state["undo_reason"] = ""
        st.session_state.pop("_undo_confirm", None)
    choice = st.selectbox(
        t("up_undo_choice", lang), list(labels), format_func=labels.__getitem__, key="undo_choice"
    )
    reason = st.text_input(t("up_undo_reason", lang), key="undo_reason")
    if st.button(t("up_undo_ask", lang), key="undo_button"):
        if reason.strip():
            st.session_state["_undo_confirm"] = choice
        else:
            st.warning(t("up_undo_need_reason", lang))
    target = st.session_state.get("_undo_confirm")
    if target != choice or target not in labels:
        return
    with st.container(border=True, key="undo_confirm_box"):
        st.markdown(t("up_undo_confirm_head", lang, label=plain(labels[target])))
        effect = undo_effect(layout, target, lang)
        for key, count, words in (
            ("up_undo_goes", effect["goes"], effect["goes_words"]),
            ("up_undo_returns", effect["returns"], effect["returns_words"]),
        ):
            if count:
                more = [t("up_undo_more", lang, n=count - len(words))] if count > len(words) else []
                st.text(t(key, lang, n=count) + "\n" + "\n".join(["  " + w for w in words] + more))
        if effect["sources"]:
            st.text(t("up_undo_sources", lang, ids=", ".join(effect["sources"])))
        cols = st.columns(2)
        if cols[1].button(t("up_cancel", lang), key="undo_cancel"):
            st.session_state.pop("_undo_confirm", None)
            st.rerun()
        if cols[0].button(t("up_undo_confirm", lang), key="undo_confirm", type="primary"):
            try:
                batch = store.undo_batch(layout, actor, str(target), reason)
            except CorridorError as exc:
                show_error(exc)
                return
            st.session_state.pop("_undo_confirm", None)
            st.session_state["_undo_flash"] = t("up_undone", lang, batch=batch)
            st.rerun()


def _hold_uploads(analyst: bool) -> None:
    """Let this session hold uploaded bytes only while an analyst is signed in."""
    from streamlit import runtime

    session = upload_guard.current_session_id()
    if session is None:
        return
    if analyst:
        upload_guard.allow_session(session)
    else:
        manager = runtime.get_instance().uploaded_file_mgr if runtime.exists() else None
        upload_guard.forbid_session(session, manager)


section = auth.read_secrets()
users = auth.read_users(section=section)
if not users and not oidc_configured():
    not_configured()
else:
    actor = current_actor(section, users)
    _hold_uploads(actor is not None and actor.is_analyst)
    if actor is None:
        st.info(t("up_log_in_first", lang))
    elif not actor.is_analyst:
        st.info(
            t("up_view_only", lang),
            icon=":material/visibility:",
        )
    else:
        names = [
            t("up_tab_upload", lang),
            t("up_tab_article", lang),
            t("up_tab_source", lang),
            t("up_tab_correct", lang),
            t("up_tab_history", lang),
        ]
        if settings.require_approval or review.list_pending(layout):
            names.append(t("up_tab_review", lang))
        tabs = st.tabs(names)
        with tabs[0]:
            upload_tab(actor)
        with tabs[1]:
            article_tab(actor)
        with tabs[2]:
            source_tab(actor)
        with tabs[3]:
            correct_tab(actor)
        with tabs[4]:
            history_tab(actor)
        if len(tabs) > 5:
            with tabs[5]:
                review_tab(actor)
