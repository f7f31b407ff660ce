"""etl/extraction/build.py: the committed tables equal a fresh, deterministic build from raw/."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from etl.contract.errors import CorridorError
from etl.contract.paths import Layout
from etl.contract.tables import read_observations, read_sources
from etl.extraction.build import BRIEF_NOTE, build


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
    # The publisher is the original outlet; the reprinting site is in the note only.
    assert seed["publisher"] == "重庆海关" and "转载：中国口岸协会" in seed["note"]
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


def _one_brief(root: Path, sidecar: dict[str, object]) -> Layout:
    layout = Layout(root)
    layout.raw_articles.mkdir(parents=True)
    text = (
        "title: 示例\npublisher: 新华社\npublished: 2024-05-01\nurl: https://example.org/a\n---\n"
    )
    text += "2023年,西部陆海新通道铁海联运班列开行9580列,同比增长8.6%。\n"
    (layout.raw_articles / "x.txt").write_text(text, encoding="utf-8")
    (layout.raw_articles / "x.source.json").write_text(json.dumps(sidecar), encoding="utf-8")
    return layout


def test_a_reprint_is_named_in_the_note_and_never_in_the_publisher(tmp_path: Path) -> None:
    layout = _one_brief(tmp_path, {"kind": "brief", "reprinted_by": "某转载网"})
    build(layout)
    src = read_sources(layout.sources_csv).iloc[0]
    assert src["publisher"] == "新华社"
    assert "转载：某转载网 / reprinted by 某转载网" in src["note"]


def test_a_brief_is_labelled_a_summary_in_the_projects_words(tmp_path: Path) -> None:
    layout = _one_brief(tmp_path, {"kind": "brief", "note": "改写的简讯"})
    build(layout)
    src = read_sources(layout.sources_csv).iloc[0]
    assert src["kind"] == "brief"
    assert src["note"].startswith(BRIEF_NOTE) and "本项目据公开报道整理的摘要" in src["note"]


def test_shipped_briefs_say_what_they_are(raw_copy: Layout) -> None:
    build(raw_copy)
    briefs = read_sources(raw_copy.sources_csv).query("kind == 'brief'")
    assert briefs["note"].str.contains("本项目据公开报道整理的摘要", regex=False).all()
