"""corridor/cli.py and options.py: every subcommand has help, takes --data-dir, and refuses bad
input bilingually."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corridor.cli import build_parser, main
from etl.contract.paths import REPO_ROOT
from etl.contract.schema import OBSERVATION_COLUMNS

SEED = REPO_ROOT / "data" / "raw" / "articles" / "000_94a6ceb4cb2b2b47.txt"
HAN = re.compile(r"[\u4e00-\u9fff]")


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "corridor.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", subcommands())
def test_every_subcommand_has_help_and_data_dir(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main([name, "--help"])
    assert info.value.code == 0
    assert "--data-dir" in capsys.readouterr().out


@pytest.mark.parametrize("name", subcommands())
def test_every_subcommand_is_documented_in_the_readme(name: str) -> None:
    assert f"corridor {name}" in (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_extract_prints_contract_csv_for_the_seed() -> None:
    result = run("extract", str(SEED), "--published", "2024-09-11")
    assert result.returncode == 0, result.stderr
    assert not result.stdout.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0].keys()) == list(OBSERVATION_COLUMNS)
    trains = next(r for r in rows if r["metric"] == "train_runs")
    assert (trains["value"], trains["yoy_pct"], trains["period_end"]) == (
        "816",
        "17.8",
        "2024-07-31",
    )


def test_extract_without_a_date_infers_the_year_and_says_so() -> None:
    result = run("extract", str(SEED))
    assert result.returncode == 0
    assert "inferred" in result.stderr and HAN.search(result.stderr)
    assert "2024-07-31" in result.stdout


def test_extract_how_adds_a_column_saying_how_each_period_was_decided(tmp_path: Path) -> None:
    path = tmp_path / "how.txt"
    path.write_text(
        "截至9月底，某班列累计开行3000列。此外，某公路班车累计发运1.2万车次。"
        "某班列已通达100个国家。\n",
        encoding="utf-8",
    )
    result = run("extract", str(path), "--published", "2023-10-10", "--how")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0].keys()) == [*OBSERVATION_COLUMNS, "how"]
    assert [(r["metric"], r["period_end"], r["how"]) for r in rows] == [
        ("train_runs", "2023-09-30", "stated"),
        ("vehicles", "2023-09-30", "carried"),
        ("countries_reached", "2023-10-10", "publication"),
    ]
    plain = run("extract", str(path), "--published", "2023-10-10")
    assert "how" not in plain.stdout.splitlines()[0].split(",")


def test_an_article_with_no_figures_prints_the_header_alone(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("published: 2024-01-01\n---\n今天天气很好，大家都很高兴。\n", encoding="utf-8")
    result = run("extract", str(path))
    assert result.returncode == 0
    assert result.stdout == ",".join(OBSERVATION_COLUMNS) + "\n"


@pytest.mark.parametrize(
    ("content", "needle"),
    [(None, "file not found"), (b"", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary")],
)
def test_extract_refuses_bad_files_without_a_traceback(
    tmp_path: Path, content: bytes | None, needle: str
) -> None:
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    result = run("extract", str(path))
    assert result.returncode == 2
    assert needle in result.stderr and str(path) in result.stderr
    assert HAN.search(result.stderr) and "Traceback" not in result.stderr


def test_extract_refuses_a_bad_date_option() -> None:
    result = run("extract", str(SEED), "--published", "2024-13-01")
    assert result.returncode == 2 and "YYYY-MM-DD" in result.stderr


def test_build_writes_into_a_new_data_dir_from_env(tmp_path: Path) -> None:
    target = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "raw", target / "raw")
    result = run("build", "--quiet", env={"CORRIDOR_DATA_DIR": str(target)})
    assert result.returncode == 0, result.stderr
    assert (target / "tidy" / "observations.csv").exists()
    assert "add-article" not in result.stdout  # no database yet: nothing to warn of
    # Once a database is built from the tables, a rebuild says the database keeps its record.
    assert run("export", env={"CORRIDOR_DATA_DIR": str(target)}).returncode == 0
    again = run("build", "--quiet", env={"CORRIDOR_DATA_DIR": str(target)})
    assert again.returncode == 0 and "keeps its record" in again.stdout


def test_build_progress_goes_to_stderr(tmp_path: Path) -> None:
    target = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "raw", target / "raw")
    result = run("build", "--data-dir", str(target))
    articles = len(list((target / "raw" / "articles").glob("*.txt")))
    assert result.returncode == 0 and f"[1/{articles}]" in result.stderr


def test_build_refuses_a_corrupt_sidecar(tmp_path: Path) -> None:
    target = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "raw", target / "raw")
    (target / "raw" / "articles" / "001.source.json").write_text("{", encoding="utf-8")
    result = run("build", "--data-dir", str(target))
    assert result.returncode == 2 and "001.source.json" in result.stderr
    assert not (target / "tidy").exists()


def test_evaluate_scores_the_golden_articles() -> None:
    golden = REPO_ROOT / "tests" / "golden"
    result = run("evaluate", str(golden / "articles"), str(golden / "truth.csv"))
    assert result.returncode == 0, result.stderr
    assert "overall" in result.stdout and "F1" in result.stdout


def test_evaluate_refuses_a_missing_directory(tmp_path: Path) -> None:
    result = run("evaluate", str(tmp_path / "none"), str(tmp_path / "t.csv"))
    assert result.returncode == 2 and "not found" in result.stderr


def test_serve_prepares_the_database_in_a_child_process(tmp_path: Path) -> None:
    from corridor.cli import warm_cache
    from etl.contract.paths import Layout

    target = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data" / "raw", target / "raw")
    shutil.copytree(REPO_ROOT / "data" / "tidy", target / "tidy")
    warm_cache(Layout(target))
    assert (target / "corridor.sqlite").is_file()
    assert not (target / "cache").exists(), "no cache files any more"
