"""The upload page's correction tab: one stored figure corrected or retracted, with a reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial

import streamlit as st

from dashboard.upload.context import UploadContext
from dashboard.upload.messages import Outcome, report_write
from etl.contract import qualifiers
from etl.contract.qualifiers import QUALIFIERS
from etl.contract.vocabulary import load_metrics
from etl.store import auth, commands


def _qualifier_choice(ctx: UploadContext, key: str | None) -> str:
    if key is None:
        return ctx.locale.t("up_keep_qualifier")
    return qualifiers.label(key, ctx.locale.lang) or ctx.locale.t("up_exact_qualifier")


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
    locale = ctx.locale
    metrics = list(load_metrics())
    with st.form("correct"):
        cols = st.columns(3)
        metric = cols[0].selectbox(locale.t("up_metric"), metrics)
        scope = cols[1].text_input(locale.t("up_scope"))
        period_end = cols[2].date_input(locale.t("up_period_end"), value=None)
        source_id = cols[0].text_input(locale.t("up_source_id_optional"))
        old_value = cols[1].text_input(locale.t("up_old_value"))
        action = cols[2].radio(
            locale.t("up_action"),
            ["correct", "retract"],
            format_func=lambda a: locale.t("up_correct" if a == "correct" else "up_retract"),
        )
        new_value = st.number_input(locale.t("up_new_value"), min_value=0.0)
        # None keeps the figure's own qualifier; "" states it exactly.
        new_qualifier = st.selectbox(
            locale.t("up_new_qualifier"),
            [None, *QUALIFIERS],
            format_func=partial(_qualifier_choice, ctx),
            key="correct_qualifier",
        )
        reason = st.text_input(locale.t("up_reason_required"))
        submit = "up_submit_approval" if ctx.settings.require_approval else "up_submit"
        if st.form_submit_button(locale.t(submit)):
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
