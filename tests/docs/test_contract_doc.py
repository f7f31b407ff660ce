"""docs/contract.md is kept in step with etl/contract/schema.py and the metric vocabulary."""

from __future__ import annotations

import pytest

from etl.contract.paths import REPO_ROOT
from etl.contract.schema import (
    OBSERVATION_COLUMNS,
    SOURCE_COLUMNS,
    observations_schema,
    sources_schema,
)
from etl.contract.vocabulary import load_metrics

CONTRACT = (REPO_ROOT / "docs" / "contract.md").read_text(encoding="utf-8")


def table_rows(heading: str) -> list[list[str]]:
    """Return the cells of the first table under a '## heading' (header and rule left out)."""
    section = CONTRACT.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("|")]
    assert len(lines) > 2, f"no table under '## {heading}'"
    return [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:]]


@pytest.mark.parametrize(
    ("heading", "columns", "schema"),
    [
        ("observations: one row per figure", OBSERVATION_COLUMNS, observations_schema()),
        ("sources: one row per document or upload", SOURCE_COLUMNS, sources_schema()),
    ],
)
def test_the_documented_columns_are_the_schemas_columns(
    heading: str, columns: tuple[str, ...], schema: object
) -> None:
    documented = tuple(row[0] for row in table_rows(heading))
    assert documented == columns
    assert documented == tuple(schema.columns)  # type: ignore[attr-defined]


def test_the_documented_metrics_and_units_are_the_vocabulary() -> None:
    documented = {row[0]: row[1] for row in table_rows("Metric vocabulary")}
    assert documented == {key: metric.unit for key, metric in load_metrics().items()}


def test_the_documented_key_is_the_identity_modules_key() -> None:
    from etl.contract.identity import KEY_COLUMNS

    assert f"({', '.join(KEY_COLUMNS)})" in CONTRACT
