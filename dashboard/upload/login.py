"""Who is at the upload page: password and OIDC sign-in, the idle timeout, the audit trail.

A password session ends after the settings' idle timeout; every login, failure, lockout, logout
and timeout goes to the database's audit trail. Only a signed-in analyst's session may hold
uploaded bytes (dashboard/upload_guard.py).
"""

from __future__ import annotations

import secrets
import time

import streamlit as st

from dashboard import upload_guard
from dashboard.safe_text import plain
from dashboard.upload.context import UploadContext
from dashboard.upload.messages import show_error
from etl.contract.errors import CorridorError
from etl.store import auth
from etl.store.audit import audit, audit_ready


def oidc_configured() -> bool:
    """Return whether Streamlit's [auth] (OIDC) section is configured."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def not_configured(ctx: UploadContext) -> None:
    """Explain how to set up analyst access; nothing is accepted until then."""
    st.warning(
        ctx.locale.t("up_not_configured"),
        icon=":material/lock:",
    )
    st.markdown(ctx.locale.t("up_setup_password"))
    st.code("corridor set-password", language="bash")
    st.markdown(ctx.locale.t("up_setup_oidc"))


def _shown_name(name: str) -> str:
    # Names are letters, digits, CJK and _ . @ - (auth.NAME_RE); escape what markdown would read.
    return "".join("\\" + ch if ch in "_.@-*`[]" else ch for ch in name)


def _role_label(ctx: UploadContext, actor: auth.Actor) -> str:
    return ctx.locale.t("up_role_analyst" if actor.is_analyst else "up_role_manager")


def _logout(ctx: UploadContext, actor: auth.Actor, event: str = "logout") -> None:
    st.session_state.pop("_analyst", None)
    st.session_state.pop("_last_active", None)
    try:
        audit(ctx.layout, event, actor.name)
    except CorridorError as exc:  # logged out all the same; the trail's trouble is shown
        show_error(ctx, exc)


def _oidc_actor(
    ctx: UploadContext, section: dict[str, object], users: dict[str, auth.User]
) -> auth.Actor | None:
    """Return the person signed in through OIDC once the audit trail has their login."""
    email = str(getattr(st.user, "email", "") or "")
    actor = auth.actor_for_email(email, section, users)
    if st.session_state.get("_oidc_audited") != actor.name:
        try:
            audit(ctx.layout, "login", actor.name, method="oidc", role=actor.role)
        except CorridorError as exc:  # fails closed: an unrecorded login gets no access
            show_error(ctx, exc)
            return None
        st.session_state["_oidc_audited"] = actor.name
    st.caption(ctx.locale.t("up_signed_in", name=plain(email)))
    st.button(ctx.locale.t("up_logout"), on_click=st.logout, key="oidc_logout")
    return actor


def _idle_too_long(ctx: UploadContext) -> bool:
    """Return whether this session has been idle longer than the settings allow."""
    last = float(st.session_state.get("_last_active", 0.0))
    return time.time() - last > ctx.settings.idle_timeout_minutes * 60


def still_signed_in(ctx: UploadContext, actor: auth.Actor) -> bool:
    """Return whether actor is still this session's analyst, marking the session active; a
    tab rerunning alone asks this, as the page's full run would (which then says why not)."""
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        return st.session_state.get("_oidc_audited") == actor.name
    if st.session_state.get("_analyst") != actor or _idle_too_long(ctx):
        return False
    st.session_state["_last_active"] = time.time()
    return True


def _session_actor(ctx: UploadContext) -> auth.Actor | None:
    """Return the person of this password session, unless it has been idle too long."""
    actor = st.session_state.get("_analyst")
    if not isinstance(actor, auth.Actor):
        return None
    if _idle_too_long(ctx):
        _logout(ctx, actor, "timeout")
        st.warning(
            ctx.locale.t("up_timed_out", minutes=ctx.settings.idle_timeout_minutes),
            icon=":material/timer_off:",
        )
        return None
    st.session_state["_last_active"] = time.time()
    name = _shown_name(actor.name)
    st.caption(ctx.locale.t("up_signed_in_role", name=name, role=_role_label(ctx, actor)))
    if st.button(ctx.locale.t("up_logout"), key="pw_logout"):
        _logout(ctx, actor)
        st.rerun()
    return actor


def current_actor(
    ctx: UploadContext, section: dict[str, object], users: dict[str, auth.User]
) -> auth.Actor | None:
    """Return the signed-in person, drawing the sign-in controls as needed."""
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        return _oidc_actor(ctx, section, users)
    actor = _session_actor(ctx)
    if actor is not None:
        return actor
    if oidc_configured():
        st.button(ctx.locale.t("up_login_oidc"), on_click=st.login)
    if users:
        with st.form("login"):
            name = st.text_input(ctx.locale.t("up_login_name"), key="login_name")
            password = st.text_input(ctx.locale.t("up_login_pw"), type="password", key="login_pw")
            if st.form_submit_button(ctx.locale.t("up_login")):
                try:
                    _log_in(ctx, name, password, users)
                except CorridorError as exc:  # the audit trail cannot record it: no login
                    show_error(ctx, exc)
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


def _log_in(ctx: UploadContext, name: str, password: str, users: dict[str, auth.User]) -> None:
    """Check a name and password and record the outcome; refused if the log cannot record it."""
    audit_ready(ctx.layout)
    actor, outcome = auth.login_named(name, password, users, client=_client())
    who = name.strip()[:64]
    if actor is not None:
        audit(ctx.layout, "login", actor.name, method="password", role=actor.role)
        st.session_state["_analyst"] = actor
        st.session_state["_last_active"] = time.time()
        st.rerun()
    elif outcome == "locked":
        audit(ctx.layout, "login_refused_locked", who)
        st.error(ctx.locale.t("up_locked"))
    else:
        audit(ctx.layout, "login_failed", who)
        if outcome == "lockout":
            audit(ctx.layout, "lockout", who)
        st.error(ctx.locale.t("up_wrong_login"))


def hold_uploads(analyst: bool) -> None:
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
