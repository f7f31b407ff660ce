"""Page: analysts upload files and articles, register sources, correct figures and undo batches.

Only layout: every check and every write is etl.ingest / etl.store, the same functions the CLI
uses, and each write takes the analyst Actor, so a manager's session cannot change data even if
a widget were shown by mistake. Uploaded text is only ever shown as text (dataframes, code).
"""

from __future__ import annotations

import hashlib
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard.safe_text import plain
from etl.contract.errors import CorridorError
from etl.contract.vocabulary import load_metrics
from etl.store import auth
from etl.store import commands as store
from etl.uploads import articles as article_uploads
from etl.uploads import reading, validating

table, filters = ui.current()
lang = filters.lang
layout = data.current_layout()
# Pasted text is bounded (at most 300 kB as UTF-8, well under the 5 MB article limit).
PASTE_MAX_CHARS = 100_000


def L(zh: str, en: str) -> str:
    """Return the text in the page's language."""
    return zh if lang == "zh" else en


def show_error(exc: CorridorError) -> None:
    """Show a refusal: a fixed headline, then the problems as plain text (never markdown)."""
    st.error(
        L("未接受，数据没有任何改动。", "Refused; nothing was changed."), icon=":material/block:"
    )
    st.code(exc.render(), language=None, wrap_lines=True)


def oidc_configured() -> bool:
    """Return whether Streamlit's [auth] (OIDC) section is configured."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def current_actor(section: dict[str, object]) -> auth.Actor | None:
    """Return the signed-in analyst or manager, drawing the sign-in controls as needed."""
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        email = str(getattr(st.user, "email", "") or "")
        st.caption(L(f"已登录：{plain(email)}", f"Signed in as {plain(email)}"))
        st.button(L("退出登录", "Log out"), on_click=st.logout, key="oidc_logout")
        return auth.actor_from_email(email, section)
    actor = st.session_state.get("_analyst")
    if isinstance(actor, auth.Actor):
        st.caption(L("已以分析员身份登录。", "Signed in as analyst."))
        if st.button(L("退出登录", "Log out"), key="pw_logout"):
            st.session_state.pop("_analyst", None)
            st.rerun()
        return actor
    if oidc_configured():
        st.button(L("用单位账号登录", "Log in with your organisation"), on_click=st.login)
    if auth.password_configured(section):
        with st.form("login"):
            password = st.text_input(L("分析员密码", "Analyst password"), type="password")
            if st.form_submit_button(L("登录", "Log in")):
                actor = auth.login_with_password(password, section)
                if actor is None:
                    st.error(L("密码不对。", "Wrong password."))
                else:
                    st.session_state["_analyst"] = actor
                    st.rerun()
    return None


def not_configured() -> None:
    """Explain how to set up analyst access; nothing is accepted until then."""
    st.warning(
        L(
            "尚未设置分析员权限，因此本页不接受任何上传。",
            "No analyst access is set up, so this page accepts nothing.",
        ),
        icon=":material/lock:",
    )
    st.markdown(
        L(
            "在服务器上运行下面的命令设置分析员密码（密码只以散列形式保存在 "
            "`.streamlit/secrets.toml`，权限 0600），然后刷新本页：",
            "On the server, set an analyst password (only its hash is stored, in "
            "`.streamlit/secrets.toml`, mode 0600), then reload this page:",
        )
    )
    st.code("corridor set-password", language="bash")
    st.markdown(
        L(
            "也可以用单位的身份提供方（OIDC）登录：在 secrets.toml 中配置 `[auth]`，"
            "并在 `[corridor]` 中用 `analyst_emails` 列出分析员的邮箱。",
            "Or sign in with your organisation's identity provider (OIDC): configure `[auth]` "
            "in secrets.toml and list analysts' e-mails as `analyst_emails` under `[corridor]`.",
        )
    )


def upload_tab(actor: auth.Actor) -> None:
    """Upload a CSV or XLSX: validate, preview, merge."""
    st.download_button(
        L("下载模板（CSV）", "Download the template (CSV)"),
        validating.template_csv(),
        file_name="corridor_upload_template.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    limit_mb = reading.max_upload_bytes() / (1024 * 1024)
    file = st.file_uploader(
        L("CSV 或 XLSX 文件", "A CSV or XLSX file"),
        type=["csv", "xlsx"],
        key="upload_file",
        help=L(f"每个文件上限 {limit_mb:g} MiB", f"At most {limit_mb:g} MiB per file"),
    )
    if file is None:
        return
    try:
        reading.check_size(file.size, file.name)  # before reading a byte of it
        upload, preview = store.validate_upload(layout, file.getvalue(), file.name)
    except CorridorError as exc:
        show_error(exc)
        return
    cols = st.columns(3)
    cols[0].metric(L("新增", "New"), len(preview.new))
    cols[1].metric(L("已有", "Already held"), len(preview.present))
    cols[2].metric(L("与现有数据矛盾", "Contradicting"), len(preview.contradicting))
    st.dataframe(preview.frame(), hide_index=True, key="upload_preview")
    if not preview.changes:
        st.info(L("所有行都已存在，无需合并。", "Every row is already held; nothing to merge."))
        return
    replace = False
    if len(preview.contradicting):
        replace = st.checkbox(
            L(
                "用本文件的数值替换矛盾的已有数据（记录旧值→新值）",
                "Replace the contradicted figures with this file's values (recorded old → new)",
            ),
            key="upload_replace",
        )
    if st.button(L("确认合并", "Merge"), type="primary", key="upload_merge"):
        try:
            result = store.merge_upload(layout, upload, actor, replace=replace)
        except CorridorError as exc:
            show_error(exc)
            return
        st.success(L(f"已合并为批次 {result.batch_id}", f"Merged as batch {result.batch_id}"))


def _article_input() -> tuple[bytes, str] | None:
    """Return the article's bytes and name: an uploaded .txt, else the pasted text."""
    left, right = st.columns(2)
    file = left.file_uploader(L("文章（.txt）", "An article (.txt)"), type=["txt"], key="art_file")
    pasted = right.text_area(
        L("或粘贴文章全文", "Or paste the article's text"),
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
    label = L("发布日期（由正文推断，请核对）", "Published (inferred from the text: check it)")
    try:
        proposal = article_uploads.propose_article(data, name)
    except CorridorError as exc:
        # No date anywhere: the analyst gives one.
        chosen = st.date_input(L("发布日期", "Published"), value=None, key=key)
        if chosen is None:
            show_error(exc)
            return None
        return article_uploads.propose_article(data, name, chosen)
    if not proposal.published_inferred:
        st.caption(L(f"发布日期 {proposal.published}（页首）", f"Published {proposal.published}"))
        return proposal
    chosen = st.date_input(label, value=proposal.published, key=key)
    if chosen is not None and chosen != proposal.published:
        return article_uploads.propose_article(data, name, chosen)
    st.warning(
        L(
            f"文章未注明发布日期：按正文推断为 {proposal.published}，保存时标记为推断。",
            f"The article gives no date: {proposal.published} is inferred from the text and "
            "will be stored marked inferred.",
        ),
        icon=":material/event:",
    )
    return proposal


def _periods_preview(proposal: article_uploads.ArticleProposal) -> None:
    """Show how each figure's period was decided; carried and publication dates need review."""
    hows = {
        "stated": L("文中写明", "stated in its clause"),
        "carried": L("沿用上文", "carried from earlier"),
        "publication": L("取发布日期", "publication date"),
    }
    shown = proposal.periods.copy()
    shown["how"] = shown["how"].map(hows)
    shown["review"] = shown["review"].map(lambda r: L("⚠ 请核对", "⚠ review") if r else "")
    flagged = int(proposal.periods["review"].sum())
    st.markdown(L("**各数据的期间如何确定**", "**How each period was decided**"))
    if flagged:
        st.caption(
            L(
                f"{flagged} 条的期间不是文中就地写明的（沿用上文或取发布日期），请核对。",
                f"{flagged} periods were not stated in their own clause (carried or taken "
                "from the publication date): please check them.",
            )
        )
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
    source_id = cols[0].text_input(L("来源编号", "Source id"), proposal.source_id, key="art_sid")
    title = cols[1].text_input(
        L("标题", "Title"),
        proposal.title,
        key=f"art_title_{proposal.sha256[:12]}",
        placeholder=L("文章没有标题行：请填写标题", "The article has no title line: give one"),
    )
    publisher = cols[0].text_input(L("发布机构", "Publisher"), proposal.publisher, key="art_pub")
    url = cols[1].text_input(L("网址", "URL"), proposal.url, key="art_url")
    _periods_preview(proposal)
    st.caption(
        L(
            "提取结果可直接修改、删除或添加行；接受后原文按原样保存，其数据不会被重新提取。",
            "Edit, delete or add rows; once accepted the article is kept as received and its "
            "rows are never re-extracted.",
        )
    )
    rows = st.data_editor(proposal.rows, num_rows="dynamic", hide_index=True, key="art_rows")
    replace = st.checkbox(
        L("替换矛盾的已有数据", "Replace contradicted figures"), key="art_replace"
    )
    if not title.strip():
        st.info(L("请先填写标题。", "Give a title first."))
    accept = st.button(
        L("接受并保存", "Accept and store"),
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
        st.success(L(f"已保存为批次 {result.batch_id}", f"Stored as batch {result.batch_id}"))


def source_tab(actor: auth.Actor) -> None:
    """Register a source that uploads can cite."""
    with st.form("add_source"):
        source_id = st.text_input(L("来源编号", "Source id"))
        title = st.text_input(L("标题", "Title"))
        publisher = st.text_input(L("发布机构", "Publisher"))
        published = st.date_input(L("发布日期", "Published"), value=date.today())
        url = st.text_input(L("网址（可不填）", "URL (optional)"))
        if st.form_submit_button(L("登记", "Register")):
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
            st.success(L(f"已登记（批次 {batch}）", f"Registered (batch {batch})"))


def correct_tab(actor: auth.Actor) -> None:
    """Correct or retract one stored figure, with a reason."""
    metrics = list(load_metrics())
    with st.form("correct"):
        cols = st.columns(3)
        metric = cols[0].selectbox(L("指标", "Metric"), metrics)
        scope = cols[1].text_input(L("口径（原文）", "Scope (source's words)"))
        period_end = cols[2].date_input(L("截止日期", "Period end"), value=None)
        source_id = cols[0].text_input(L("来源编号（可不填）", "Source id (optional)"))
        old_value = cols[1].text_input(L("现值（可不填）", "Value held now (optional)"))
        action = cols[2].radio(
            L("操作", "Action"),
            ["correct", "retract"],
            format_func=lambda a: L("更正", "Correct") if a == "correct" else L("撤回", "Retract"),
        )
        new_value = st.number_input(L("新值（基本单位）", "New value (base units)"), min_value=0.0)
        reason = st.text_input(L("原因（必填）", "Reason (required)"))
        if st.form_submit_button(L("提交", "Submit")):
            criteria: dict[str, str | None] = {
                "metric": metric,
                "scope": scope.strip() or None,
                "period_end": period_end.isoformat() if period_end else None,
                "source_id": source_id.strip() or None,
                "value": old_value.strip() or None,
            }
            try:
                if action == "correct":
                    batch = store.correct_figure(layout, actor, criteria, new_value, reason)
                else:
                    batch = store.retract_figure(layout, actor, criteria, reason)
            except CorridorError as exc:
                show_error(exc)
                return
            st.success(L(f"已记录为批次 {batch}", f"Recorded as batch {batch}"))


def history_tab(actor: auth.Actor) -> None:
    """List the batches and undo one."""
    entries = store.history(layout)
    if not entries:
        st.info(L("还没有批次。", "No batches yet."))
        return
    st.dataframe(pd.DataFrame(entries), hide_index=True, key="history_table")
    choice = st.selectbox(
        L("撤销哪个批次", "Batch to undo"),
        [e["id"] for e in reversed(entries)],
        key="undo_choice",
    )
    reason = st.text_input(L("原因", "Reason"), key="undo_reason")
    if st.button(L("撤销", "Undo"), key="undo_button"):
        try:
            batch = store.undo_batch(layout, actor, str(choice), reason)
        except CorridorError as exc:
            show_error(exc)
            return
        st.success(L(f"已撤销，记录为批次 {batch}", f"Undone; recorded as batch {batch}"))


section = auth.read_secrets()
if not auth.password_configured(section) and not oidc_configured():
    not_configured()
else:
    actor = current_actor(section)
    if actor is None:
        st.info(L("请以分析员身份登录后上传。", "Log in as an analyst to upload."))
    elif not actor.is_analyst:
        st.info(
            L(
                "您的账号只能查看数据，不能修改。",
                "Your account can view the data but not change it.",
            ),
            icon=":material/visibility:",
        )
    else:
        tabs = st.tabs(
            [
                L("上传文件", "Upload a file"),
                L("新文章", "New article"),
                L("登记来源", "Register a source"),
                L("更正或撤回", "Correct or retract"),
                L("历史与撤销", "History and undo"),
            ]
        )
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
