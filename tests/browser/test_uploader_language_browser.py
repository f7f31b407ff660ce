"""Streamlit's own file uploader in Chinese mode, in Debian's Chromium: no English words."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

import pytest
from browser_support import ARTIFACTS, TIMEOUT_MS, require_chromium, streamlit_server

from etl.contract.paths import REPO_ROOT
from etl.store.passwords import hash_password, write_password_hash

pytestmark = pytest.mark.browser

PASSWORD = "analyst password 2025"
# What a Chinese reader may see in the uploader: file formats and the size unit.
ALLOWED = {"CSV", "XLSX", "TXT", "MB", "txt"}
SETTLED_JS = "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    from dashboard_data import write_data_dir

    tmp = tmp_path_factory.mktemp("uploader_language")
    root = write_data_dir(tmp / "data")
    secrets = tmp / "secrets.toml"
    write_password_hash(hash_password(PASSWORD), secrets)
    with streamlit_server(
        root, "streamlit_uploader_zh.log", {"CORRIDOR_SECRETS_FILE": str(secrets)}
    ) as url:
        yield url


def _uploader_text(page: object) -> str:
    # What a reader sees: the visible text (innerText leaves out what CSS hides) and the text
    # CSS puts in ::before/::after of visible elements; the upload icon is a glyph, not a word.
    return str(
        page.evaluate(  # type: ignore[attr-defined]
            """() => Array.from(document.querySelectorAll('[data-testid="stFileUploader"]'))
              .map(u => {
                const parts = [];
                u.querySelectorAll('*').forEach(e => {
                  if (!e.checkVisibility()) return;
                  if (e.matches('[data-testid="stIconMaterial"]')) return;
                  for (const node of e.childNodes) {
                    if (node.nodeType === 3) parts.push(node.textContent);
                  }
                  for (const pseudo of ['::before', '::after']) {
                    const c = getComputedStyle(e, pseudo).content;
                    if (c && c !== 'none' && c !== 'normal') parts.push(c.replace(/^"|"$/g, ''));
                  }
                });
                return parts.join(' ');
              }).join('\\n')"""
        )
    )


def test_the_uploader_reads_in_chinese(chromium_browser: object, server: str) -> None:
    page = chromium_browser.new_page(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    page.goto(f"{server}/upload?lang=zh")
    page.wait_for_selector("input[type=password]", timeout=TIMEOUT_MS)
    page.locator(".st-key-login_name input").fill("analyst")
    page.fill("input[type=password]", PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_selector('[data-testid="stFileUploader"]', timeout=TIMEOUT_MS)
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / "uploader_zh.png"), full_page=True)
    text = _uploader_text(page)
    # Our own words stand where Streamlit's were: the button, the limits and the file types.
    assert "选择文件" in text and "每个文件不超过 25 MB" in text and "CSV、XLSX" in text, text
    words = set(re.findall(r"[A-Za-z][A-Za-z]+", text))
    assert words <= ALLOWED, words - ALLOWED
    # The article tab's uploader takes .txt: its own limits, in Chinese too.
    page.get_by_role("tab", name="新文章").click()
    page.wait_for_function(SETTLED_JS, timeout=TIMEOUT_MS)
    page.wait_for_timeout(600)
    text = _uploader_text(page)
    assert "选择文件" in text and "TXT" in text and "CSV" not in text, text
    words = set(re.findall(r"[A-Za-z][A-Za-z]+", text))
    assert words <= ALLOWED, words - ALLOWED
    page.close()
