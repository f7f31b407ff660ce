"""dashboard/asgi.py: a page's own address answered with Streamlit's index.html and its root
told, on every page's path (under a base URL path too), never cached; the rest left to
Streamlit."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Iterator
from types import ModuleType, SimpleNamespace

import pytest
from streamlit import config

from dashboard import page_paths

INDEX = """<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <script type="module" crossorigin src="./static/js/index.js"></script>
  </head>
  <body><div id="root"></div></body>
</html>"""


@pytest.fixture(scope="module")
def asgi() -> Iterator[ModuleType]:
    # Importing the launcher makes its st.App, which names the process's main script when none
    # is named yet (as `streamlit run` would have): put back for the tests that follow.
    before = config._main_script_path
    try:
        yield importlib.import_module("dashboard.asgi")
    finally:
        config._main_script_path = before


def test_the_root_is_told_before_streamlits_scripts_run(asgi: ModuleType) -> None:
    html = asgi.with_root(INDEX)
    assert html.count("window.__streamlit") == 1
    # A classic script in the head runs before any module script starts.
    assert html.index(asgi.ROOT_SCRIPT) < html.index('type="module"')
    assert 'new URL(".", location.href)' in asgi.ROOT_SCRIPT
    # Everything else is Streamlit's own.
    assert html.replace(asgi.ROOT_SCRIPT, "") == INDEX


def test_an_index_without_a_head_or_with_settings_of_its_own_is_left_as_it_is(
    asgi: ModuleType,
) -> None:
    once = asgi.with_root(INDEX)
    assert asgi.with_root(once) == once
    headless = "<html><body><div id=root></div></body></html>"
    assert asgi.with_root(headless) == headless


def test_the_installed_streamlits_index_gets_the_root(asgi: ModuleType) -> None:
    # A Streamlit whose index.html changed shape would leave its frontend probing again.
    html = asgi.page_html()
    assert asgi.ROOT_SCRIPT in html
    assert html.replace(asgi.ROOT_SCRIPT, "") == asgi.INDEX.read_text(encoding="utf-8")


def test_every_page_has_a_route_and_nothing_else_does(asgi: ModuleType) -> None:
    paths = [route.path for route in asgi.page_routes()]
    assert paths == [f"/{path}" for path in page_paths.url_paths()]
    assert {"/trains", "/reach", "/data", "/upload", "/present"} <= set(paths)
    # The root, Streamlit's own routes and its static files stay Streamlit's.
    assert not any(p == "/" or "_stcore" in p or p.startswith("/static") for p in paths)
    # The launcher's app serves exactly these (no base URL path is configured here).
    assert [r.path for r in asgi.app._user_routes] == paths


@pytest.mark.parametrize(
    ("base", "prefix"), [("", ""), ("corridor", "/corridor"), ("/a/b/", "/a/b"), ("//", "")]
)
def test_a_base_url_path_prefixes_every_route(asgi: ModuleType, base: str, prefix: str) -> None:
    paths = [route.path for route in asgi.page_routes(base)]
    assert paths == [f"{prefix}/{path}" for path in page_paths.url_paths()]


def test_a_page_is_answered_with_the_index_and_never_cached(asgi: ModuleType) -> None:
    response = asyncio.run(asgi.page(None))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["content-type"].startswith("text/html")
    assert response.body.decode("utf-8") == asgi.page_html()


async def _serve_and_stop(asgi: ModuleType) -> None:
    async with asgi.ends_spares(asgi.app):
        pass


def test_a_stopped_server_ends_the_upload_pages_spares(
    asgi: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    ended: list[bool] = []
    monkeypatch.setitem(
        sys.modules, "etl.uploads.sandbox", SimpleNamespace(end_spares=lambda: ended.append(True))
    )
    asyncio.run(_serve_and_stop(asgi))
    assert ended == [True]
    # Where no upload page ran, the sandbox is not even loaded to be asked.
    monkeypatch.delitem(sys.modules, "etl.uploads.sandbox")
    asyncio.run(_serve_and_stop(asgi))
    assert "etl.uploads.sandbox" not in sys.modules
