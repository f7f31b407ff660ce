"""The upload page's correction tab: one stored figure corrected or retracted, with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import streamlit as st

from dashboard.i18n import t
from dashboard.upload.context import UploadContext
from dashboard.upload.messages import Outcome, report_write
from etl.contract import qualifiers
from etl.contract.qualifiers import QUALIFIERS
from etl.contract.vocabulary import load_metrics
from etl.store import auth, commands


def _qualifier_choice(ctx: UploadContext, key: str | None) -> str:
    if key is None:
        return t("up_keep_qualifier", ctx.lang)
    return qualifiers.label(key, ctx.lang) or t("up_exact_qualifier", ctx.lang)


def _criteria(
    metric: str, scope: str, period_end: date | None, source_id: str, old_value: str
) -> dict[str, str | None]:
    """Return what picks the figure out: the metric, and each other field the analyst filled."""
    return {
        "metric": metric,
        "scope": scope.strip() or None,
        "period_end": period_end.isoformat() if period_end else None,
        "source_id": source_id.strip() or None,
        "value": old_value.strip() or None,
    }


def correct_tab(ctx: UploadContext, actor: auth.Actor) -> None:
    """Correct or retract one stored figure, with a reason."""
    lang = ctx.lang
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
            format_func=partial(_qualifier_choice, ctx),
            key="correct_qualifier",
        )
        reason = st.text_input(t("up_reason_required", lang))
        submit = "up_submit_approval" if ctx.settings.require_approval else "up_submit"
        if st.form_submit_button(t(submit, lang)):
            criteria = _criteria(metric, scope, period_end, source_id, old_value)
            change: Callable[[], Outcome]
            if action == "correct":
                change = partial(
                    commands.correct_figure,
                    ctx.layout,
                    actor,
                    criteria,
                    new_value,
                    reason,
                    qualifier=new_qualifier,
                )
            else:
                change = partial(commands.retract_figure, ctx.layout, actor, criteria, reason)
            report_write(ctx, change, "up_recorded")
