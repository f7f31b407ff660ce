"""What an upload would change: new, already present and contradicting rows, before any write."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from etl.contract.errors import ContradictionError, Problem, UnknownSourceError
from etl.contract.identity import KEY_COLUMNS, KEY_SEP, figure_keys, figure_pairs
from etl.contract.schema import OBSERVATION_COLUMNS
from etl.contract.tables import (
    format_number,
)

# Contradictions listed in a refusal; the count of the rest follows.
MAX_LISTED = 20


@dataclass(frozen=True)
class Preview:
    """How an upload's rows relate to the table: new, already present, or contradicting."""

    new: pd.DataFrame
    present: pd.DataFrame
    contradicting: pd.DataFrame
    replaced: pd.DataFrame
    # The preview as the merge computes it, kept so a merge made while the store stays as it
    # was read need not read the figures again (etl.store.db.operations).
    checked: Checked | None = field(default=None, repr=False, compare=False)

    @property
    def changes(self) -> bool:
        """Whether merging would change the table."""
        return bool(len(self.new) or len(self.contradicting))

    def summary(self) -> str:
        """Return the counts as one bilingual line."""
        return (
            f"新增 new: {len(self.new)}；已有 already present: {len(self.present)}；"
            f"与现有数据矛盾 contradicting: {len(self.contradicting)}"
        )

    def frame(self) -> pd.DataFrame:
        """Return every upload row with its status and, for contradictions, the value held now."""
        parts = []
        for status, rows in (
            ("new 新增", self.new),
            ("present 已有", self.present),
            ("contradicts 矛盾", self.contradicting),
        ):
            if len(rows):
                part = rows.copy()
                part.insert(0, "status", status)
                part.insert(1, "row", part.index.astype(int) + 2)
                parts.append(part)
        if not parts:
            return pd.DataFrame(columns=["status", "row", *OBSERVATION_COLUMNS, "old_value"])
        out = pd.concat(parts).sort_values("row", kind="stable").reset_index(drop=True)
        if "old_value" not in out:
            out["old_value"] = ""
        out["old_value"] = out["old_value"].fillna("")
        return out


@dataclass(frozen=True)
class Checked:
    """A preview as a merge computes it (series as uploaded), the rows it was worked out for
    and the store's state it was read at (data version, last batch id)."""

    preview: Preview
    rows: pd.DataFrame
    state: tuple[int, str]


def all_new(rows: pd.DataFrame) -> Preview:
    """Return the preview of rows none of which shares a figure with the table."""
    none = rows.iloc[:0]
    return Preview(new=rows, present=none, contradicting=none.copy(), replaced=none.copy())


def with_more_new(preview: Preview, rows: pd.DataFrame) -> Preview:
    """Return the preview with rows known to be new added to its new rows, in row order."""
    if not len(rows):
        return preview
    new = pd.concat([preview.new, rows]).sort_index(kind="stable")
    return Preview(new, preview.present, preview.contradicting, preview.replaced)


def preview_rows(observations: pd.DataFrame, rows: pd.DataFrame) -> Preview:
    """Return which rows are new, already present or contradicting a figure already held."""
    if not len(observations):
        return all_new(rows)
    held_pairs = figure_pairs(observations)
    held_keys = figure_keys(observations)
    keys = figure_keys(rows)
    present = figure_pairs(rows).isin(held_pairs)
    known = keys.isin(held_keys)
    contradicting = known & ~present
    replaced = observations.loc[held_keys.isin(keys[contradicting])]
    conflict_rows = rows.loc[contradicting.to_numpy()].copy()
    if len(conflict_rows):
        olds = (
            pd.DataFrame({"key": held_keys[replaced.index], "v": replaced["value"]})
            .groupby("key")["v"]
            .agg(lambda v: " / ".join(format_number(float(x)) for x in sorted(set(v))))
        )
        conflict_rows["old_value"] = keys[contradicting].map(olds).to_numpy()
    return Preview(
        new=rows.loc[(~known).to_numpy()],
        present=rows.loc[present],
        contradicting=conflict_rows,
        replaced=replaced,
    )


def contradiction_error(preview: Preview, name: str) -> ContradictionError:
    """Return the refusal listing the contradicted figures, old value → new value."""
    rows = preview.contradicting
    problems = [
        Problem(
            "与已有数据矛盾（同一指标、地区、线路、口径和期间，数值不同）；"
            "如确认替换，请选择“替换”（--replace）",
            "contradicts a figure already held (same metric, region, route, scope and period, "
            "another value); choose replace (--replace) to replace it",
            file=name,
            row=int(index) + 2,
            column="value",
            value=f"{rows.at[index, 'old_value']!s} → {_number(rows.at[index, 'value'])}",
        )
        for index in rows.index[:MAX_LISTED]
    ]
    if len(rows) > MAX_LISTED:
        rest = len(rows) - MAX_LISTED
        problems.append(Problem(f"另有 {rest} 处矛盾", f"{rest} more contradictions"))
    return ContradictionError(problems)


def _number(value: object) -> str:
    return format_number(float(value))  # type: ignore[arg-type]


def replacement_records(preview: Preview) -> list[dict[str, Any]]:
    """Return old → new for each replaced figure, for the batch record."""
    if not len(preview.contradicting):
        return []
    new = preview.contradicting
    old = preview.replaced
    new_keyed = pd.DataFrame(
        {
            "key": figure_keys(new).to_numpy(),
            "new_value": new["value"].to_numpy(),
            "new_source_id": new["source_id"].to_numpy(),
        }
    )
    old_keyed = pd.DataFrame(
        {
            "key": figure_keys(old).to_numpy(),
            "old_value": old["value"].to_numpy(),
            "old_source_id": old["source_id"].to_numpy(),
        }
    )
    joined = old_keyed.merge(new_keyed, on="key", how="inner")
    parts = joined["key"].str.split(KEY_SEP, expand=True)
    parts.columns = list(KEY_COLUMNS)
    out = pd.concat([parts, joined.drop(columns="key")], axis=1)
    return [
        {str(k): (float(v) if isinstance(v, float) else v) for k, v in rec.items()}
        for rec in out.to_dict(orient="records")
    ]


def refuse_unknown_sources(rows: pd.DataFrame, known: set[str], name: str) -> None:
    """Refuse rows citing a source that is not among the known ones."""
    missing = sorted(set(pd.unique(rows["source_id"].to_numpy(dtype=object))) - known)
    if missing:
        raise UnknownSourceError.single(
            "来源未登记（可能刚被撤销）",
            "unknown source (perhaps just undone)",
            file=name,
            column="source_id",
            value=", ".join(missing[:10]),
        )
