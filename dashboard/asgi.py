"""How the dashboard is served: `streamlit run dashboard/asgi.py` (what `corridor serve` runs).

It serves dashboard/app.py as `streamlit run dashboard/app.py` would, with one difference: a
page's own address (/trains, a copied link) is answered with Streamlit's index.html telling its
frontend where the server's root is. Without that, Streamlit's frontend opened at /trains asks
/trains/_stcore/health and /trains/_stcore/host-config first, gets two 404s, waits 100 ms and
asks the root (streamlit/streamlit#7074): every page but the overview started later than it
could (bench/README.md, stop 33). The root is the directory of the page's address, read in the
browser, so a proxy's path prefix is kept as Streamlit's own probing keeps it.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path

import streamlit as st
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route
from streamlit import config

from dashboard import page_paths

INDEX = Path(st.__file__).parent / "static" / "index.html"
# Read by Streamlit's frontend (window.__streamlit, its embedding settings) when its module
# scripts start, which is after every classic script in the document has run.
ROOT_SCRIPT = (
    '<script>window.__streamlit = {BACKEND_BASE_URL: new URL(".", location.href).href};</script>'
)
HEAD = "<head>"


def with_root(index_html: str) -> str:
    """Return Streamlit's index.html with the frontend told its server's root; unchanged when it
    has no head or already sets Streamlit's embedding settings (the frontend then probes)."""
    if HEAD not in index_html or "window.__streamlit" in index_html:
        return index_html
    return index_html.replace(HEAD, HEAD + ROOT_SCRIPT, 1)


@cache
def page_html() -> str:
    """Return the index.html a page's own address is answered with (read once per server)."""
    return with_root(INDEX.read_text(encoding="utf-8"))


async def page(_request: Request) -> HTMLResponse:
    """Answer a page's address as Streamlit answers it (never cached), its root told."""
    return HTMLResponse(page_html(), headers={"Cache-Control": "no-cache"})


def page_routes(base_url_path: str = "") -> list[Route]:
    """Return a route for every page's own address, under Streamlit's server.baseUrlPath."""
    base = "/".join(part for part in base_url_path.split("/") if part)
    prefix = f"/{base}" if base else ""
    return [Route(f"{prefix}/{path}", page, methods=["GET"]) for path in page_paths.url_paths()]


@asynccontextmanager
async def ends_spares(_app: st.App) -> AsyncIterator[None]:
    """Serve; once stopped, end the upload page's spare children (etl/uploads/sandbox.py).

    Streamlit's ASGI server raises the stop signal again once it has shut down, so the process
    ends by SIGTERM without running the atexit hook that ends them under `streamlit run app.py`.
    """
    try:
        yield None
    finally:
        # Loaded only where an upload page ran: no spare exists otherwise.
        sandbox = sys.modules.get("etl.uploads.sandbox")
        if sandbox is not None:
            sandbox.end_spares()


app = st.App(
    "app.py",
    routes=page_routes(str(config.get_option("server.baseUrlPath") or "")),
    lifespan=ends_spares,
)
