"""Untrusted text in Chromium: markdown and HTML payloads in every URL parameter and in stored
scope, title, publisher and quote make no link, image or heading, and no request leaves
127.0.0.1 while the pages load."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from browser_support import SETTLED_JS, TIMEOUT_MS, chromium, streamlit_server
from dashboard_data import observations, sources

from etl.contract.tables import write_observations, write_sources

pytestmark = pytest.mark.browser

EVIL = "evil.example"
PAYLOADS = [
    f"[请重新登录 RELOGIN](http://{EVIL}/login)",
    f"![x](http://{EVIL}/p.png)",
    "x\n# FAKEHEADING",
    f"<a href='http://{EVIL}/h'>HTMLLINK</a><img src='http://{EVIL}/i.png'><h1>FAKEHEADING</h1>",
    "\u202eRTLSPOOF\u202c",
    f"http://{EVIL}/bare",
]
PARAMS = ("from", "to", "region", "route", "metric", "basis", "source", "lang", "present")
PAGES = ("", "trains", "data", "present")
# A link, image or heading the payloads made; the pages' own ones never mention these.
FOUND_JS = f"""() => {{
  const out = [];
  for (const a of document.querySelectorAll('a')) {{
    const href = a.getAttribute('href') || a.getAttribute('xlink:href') || '';
    if (href.includes('{EVIL}') || /RELOGIN|HTMLLINK/.test(a.textContent)) {{
      const box = a.closest('[data-testid]');
      const where = box ? box.getAttribute('data-testid') : a.parentElement.tagName;
      out.push('a ' + href.slice(0, 40) + ' in ' + where);
    }}
  }}
  for (const i of document.querySelectorAll('img, image')) {{
    const src = i.getAttribute('src') || i.getAttribute('href') || i.getAttribute('xlink:href');
    if ((src || '').includes('{EVIL}')) out.push('img ' + src);
  }}
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {{
    if (/FAKEHEADING/.test(h.textContent)) out.push('heading ' + h.textContent.slice(0, 60));
  }}
  if (document.body.innerText.includes('\\u202e')) out.push('bidi override');
  return out;
}}"""


def payload_data_dir(root: Path) -> Path:
    """Return a data directory whose free text carries the payloads, row by row."""
    obs = observations()
    for i in range(len(obs)):
        text = PAYLOADS[i % len(PAYLOADS)]
        obs.loc[i, "scope"] = f"{text} {i}"
        obs.loc[i, "quote"] = PAYLOADS[(i + 1) % len(PAYLOADS)]
    src = sources()
    for i in range(len(src)):
        src.loc[i, "title"] = PAYLOADS[i % len(PAYLOADS)]
        src.loc[i, "publisher"] = PAYLOADS[(i + 2) % len(PAYLOADS)]
    (root / "tidy").mkdir(parents=True)
    write_observations(obs, root / "tidy" / "observations.csv")
    write_sources(src, root / "tidy" / "sources.csv")
    return root


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = payload_data_dir(tmp_path_factory.mktemp("payloads") / "data")
    with streamlit_server(root, "streamlit-payloads.log") as url:
        yield url


def visit(browser: object, url: str, outside: list[str]) -> list[str]:
    context = browser.new_context()  # type: ignore[attr-defined]

    def record(request: object) -> None:
        host = urlsplit(request.url).hostname  # type: ignore[attr-defined]
        if host not in (None, "127.0.0.1") and not request.url.startswith(("data:", "blob:")):  # type: ignore[attr-defined]
            outside.append(request.url)  # type: ignore[attr-defined]

    context.on("request", record)
    page = context.new_page()
    try:
        page.goto(url)
        page.wait_for_selector('[data-testid="stMain"]', timeout=TIMEOUT_MS)
        page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
        page.wait_for_timeout(1500)
        return list(page.evaluate(FOUND_JS))
    finally:
        context.close()


@pytest.mark.slow
def test_payloads_in_urls_and_stored_text_render_as_text(server: str) -> None:
    outside: list[str] = []
    found: dict[str, list[str]] = {}
    with chromium() as browser:
        for path in PAGES:
            # Every parameter at once, each carrying every payload, plus stored payloads.
            query = "&".join(f"{p}={quote(','.join(PAYLOADS))}" for p in PARAMS)
            url = f"{server}/{path}?{query}" if path != "present" else f"{server}/?present=1"
            made = visit(browser, url, outside)
            if made:
                found[url[:80]] = made
        for payload in PAYLOADS:
            made = visit(browser, f"{server}/?region={quote(payload)}&lang=en", outside)
            if made:
                found[payload] = made
    assert not found, found
    assert not outside, f"requests left 127.0.0.1: {sorted(set(outside))[:10]}"


@pytest.mark.slow
def test_page_load_and_png_export_stay_on_127_0_0_1(server: str) -> None:
    outside: list[str] = []
    seen: list[str] = []
    with chromium() as browser:
        context = browser.new_context(accept_downloads=True)  # type: ignore[attr-defined]

        def record(request: object) -> None:
            url = request.url  # type: ignore[attr-defined]
            seen.append(url)
            host = urlsplit(url).hostname
            if host not in (None, "127.0.0.1") and not url.startswith(("data:", "blob:")):
                outside.append(url)

        context.on("request", record)
        page = context.new_page()
        try:
            page.goto(f"{server}/trains")
            page.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=TIMEOUT_MS)
            page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
            # A chart's pictures sit in its download menu, made when the menu is opened.
            page.get_by_role("button", name="下载 · 链接").first.click()
            button = page.locator('[data-testid="stDownloadButton"] button', has_text="PNG").first
            with page.expect_download(timeout=120_000) as info:
                button.click()
            download = info.value
            assert download.suggested_filename.endswith(".png")
            assert Path(download.path()).read_bytes().startswith(b"\x89PNG")
            # The favicon is the app's own file, not a font host's.
            icon = page.evaluate("() => document.querySelector('link[rel*=icon]')?.href || ''")
            assert urlsplit(icon).hostname in ("127.0.0.1", None), icon
        finally:
            context.close()
    assert seen, "requests were recorded"
    assert not outside, f"requests left 127.0.0.1: {sorted(set(outside))[:10]}"
