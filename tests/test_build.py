"""etl/extraction/build.py: the committed tables equal a fresh, deterministic build from raw/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.contract.tables import read_observations, read_sources
from etl.extraction.build import build


def test_committed_tables_equal_a_fresh_build(raw_copy: Layout, shipped_layout: Layout) -> None:
    build(raw_copy)
    assert raw_copy.observations_csv.read_bytes() == shipped_layout.observations_csv.read_bytes()
    assert raw_copy.sources_csv.read_bytes() == shipped_layout.sources_csv.read_bytes()


def test_a_second_build_changes_no_byte(raw_copy: Layout) -> None:
    build(raw_copy)
    first = (raw_copy.observations_csv.read_bytes(), raw_copy.sources_csv.read_bytes())
    build(raw_copy)
    assert (raw_copy.observations_csv.read_bytes(), raw_copy.sources_csv.read_bytes()) == first


def test_seed_yields_its_figures_and_derived_prior_year(raw_copy: Layout) -> None:
    build(raw_copy)
    obs = read_observations(raw_copy.observations_csv)
    seed = obs[obs["source_id"] == "cqcustoms-20240911"]
    trains = seed[(seed["metric"] == "train_runs") & (seed["basis"] == "reported")].iloc[0]
    assert trains["value"] == 816 and trains["yoy_pct"] == 17.8
    assert (trains["region"], trains["route"]) == ("chongqing", "rail_sea")
    prior = seed[(seed["metric"] == "train_runs") & (seed["basis"] == "derived")].iloc[0]
    assert prior["value"] == 692.7
    assert prior["period_start"] == pd.Timestamp("2023-01-01")
    assert prior["period_end"] == pd.Timestamp("2023-07-31")
    assert "816" in prior["quote"] and "17.8%" in prior["quote"]


def test_sources_record_provenance(raw_copy: Layout) -> None:
    build(raw_copy)
    sources = read_sources(raw_copy.sources_csv).set_index("source_id")
    seed = sources.loc["cqcustoms-20240911"]
    assert seed["publisher"].startswith("重庆海关") and "中国口岸协会" in seed["publisher"]
    assert bool(seed["published_inferred"]) and seed["url"] == ""
    assert seed["published"] == pd.Timestamp("2024-09-11")
    briefs = sources[sources["kind"] == "brief"]
    # Every raw input but the seed is a brief of a cited report, with its URL.
    assert len(briefs) == len(list(raw_copy.raw_articles.glob("*.txt"))) - 1 >= 70
    assert briefs["url"].str.startswith("http").all()


def test_every_row_cites_a_known_source(raw_copy: Layout) -> None:
    build(raw_copy)
    obs = read_observations(raw_copy.observations_csv)
    sources = read_sources(raw_copy.sources_csv)
    assert set(obs["source_id"]) <= set(sources["source_id"])
    assert (obs["quote"].str.len() > 0).all()


def test_an_edited_raw_article_is_refused(raw_copy: Layout) -> None:
    path = raw_copy.raw_articles / "001.txt"
    path.write_bytes(path.read_bytes() + b"\n")
    with pytest.raises(CorridorError, match="hash mismatch"):
        build(raw_copy)


def test_an_empty_data_directory_builds_empty_valid_tables(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "new")
    result = build(layout)
    assert result.articles == 0
    assert read_observations(layout.observations_csv).empty
    assert read_sources(layout.sources_csv).empty
