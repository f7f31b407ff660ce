"""Two dashboard servers on one PostgreSQL record (issue 24): each `corridor serve` has its own
empty data directory and CORRIDOR_DATABASE_URL naming the same database; a figure ingested
through the command line shows on both servers' trains chart after a reload."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from browser_support import ARTIFACTS, TIMEOUT_MS, require_chromium
from local_browser import ServerDidNotStart, corridor_command, free_port, local_server
from pg_support import new_database, postgres_cluster

from etl.contract.paths import REPO_ROOT, Layout
from etl.store import accounts, actors, auth
from etl.store.db.engine import DATABASE_ENV, create_store_engine
from etl.store.db.importing import import_batches
from etl.store.db.migrate import upgrade
from etl.store.db.opening import forget_engines

pytestmark = pytest.mark.browser

# A figure no test data holds: the value is what the charts' data is searched for.
VALUE = "4321"
NEW_ROW = (
    "metric,value,unit,period_start,period_end,scope,yoy_pct,source_id,quote\n"
    f"train_runs,{VALUE},trains,2024-01-01,2024-08-31,重庆西部陆海新通道铁海联运班列（两台服务器）,,"
    "cqcustoms-20240911,two servers\n"
)
# Every plotly chart's data, as the browser holds it.
CHART_DATA_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot'))
  .map(p => JSON.stringify(p.data || [])).join(' ')"""


@contextmanager
def corridor_serve(data_dir: Path, env: dict[str, str], log_name: str) -> Iterator[str]:
    """Run `corridor serve` on data_dir at 127.0.0.1 on a free port; yield its URL."""
    log = ARTIFACTS / log_name
    port = free_port()
    command = corridor_command(data_dir, port)
    startup_s = 3 * TIMEOUT_MS / 1000
    try:
        with local_server(
            command, port, cwd=REPO_ROOT, env=env, log=log, startup_s=startup_s, stop_s=15
        ) as (url, _pid):
            yield url
    except ServerDidNotStart:
        pytest.fail(f"corridor serve did not start; see {log}")


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """One PostgreSQL database holding the test figures, and the environment that names it and
    the analyst the command line acts as."""
    require_chromium()
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from dashboard_data import write_data_dir

    tmp = tmp_path_factory.mktemp("two_servers")
    with postgres_cluster() as server, new_database(server) as url:
        engine = create_store_engine(url)
        upgrade(engine)
        import_batches(engine, Layout(write_data_dir(tmp / "seed")))
        engine.dispose()
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv(DATABASE_ENV, url)  # the account goes into the shared database
            seed = Layout(tmp / "seed")
            accounts.add_user(seed, "analyst", actors.ANALYST, "analyst password 2025", by=None)
            analyst = auth.Actor("analyst", actors.ANALYST)
            token = accounts.make_token(seed, "analyst", by=analyst)
            forget_engines()
        env = {
            **os.environ,
            "PYTHONPATH": str(REPO_ROOT),
            DATABASE_ENV: url,
            auth.TOKEN_ENV: token,
        }
        yield tmp, env


def _chart_data(page: object, server: str) -> str:
    """Return the trains page's chart data ("" when no chart drew: a server without data)."""
    from playwright.sync_api import TimeoutError as NoChart

    page.goto(f"{server}/trains?lang=en")  # type: ignore[attr-defined]
    try:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=3 * TIMEOUT_MS)  # type: ignore[attr-defined]
    except NoChart:
        return ""
    page.wait_for_function(  # type: ignore[attr-defined]
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )
    return str(page.evaluate(CHART_DATA_JS))  # type: ignore[attr-defined]


def test_a_figure_ingested_on_the_command_line_shows_on_both_servers(
    chromium_browser: object, record: tuple[Path, dict[str, str]]
) -> None:
    tmp, env = record
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        servers = [
            stack.enter_context(corridor_serve(tmp / f"server{n}", env, f"two_servers_{n}.log"))
            for n in (1, 2)
        ]
        page = chromium_browser.new_page()  # type: ignore[attr-defined]
        before = [_chart_data(page, url) for url in servers]
        assert all(before), "both servers draw the trains chart from the database"
        assert not any(VALUE in data for data in before)
        upload = tmp / "new.csv"
        upload.write_text(NEW_ROW, encoding="utf-8")
        ingest = [sys.executable, "-m", "corridor.cli", "ingest", str(upload), "--yes"]
        ingest += ["--data-dir", str(tmp / "cli")]  # the command line's own, empty, too
        done = subprocess.run(ingest, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        after = [_chart_data(page, url) for url in servers]  # a page load: a new session each
        page.screenshot(path=str(ARTIFACTS / "two_servers.png"), full_page=True)
        page.close()
    assert [VALUE in data for data in after] == [True, True], "the figure shows on both servers"
