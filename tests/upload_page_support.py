"""What the upload page's AppTest suites share: opening the page, signing in, a secrets file, an
article pasted with no header."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from etl.contract.paths import REPO_ROOT

APP = str(REPO_ROOT / "dashboard" / "app.py")
PAGE = "app_pages/upload.py"
TIMEOUT = 60
PASSWORD = "analyst password 2025"


def open_page(at: AppTest | None = None) -> AppTest:
    if at is None:  # an AppTest is falsy before its first run
        at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def log_in(at: AppTest, name: str, password: str) -> None:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_pw").input(password)
    at.button[0].click().run()  # the form's submit button
    assert not at.exception, at.exception


# An article pasted with no header: no date, publisher, URL or title line.
PASTED = (
    "2024年1—8月，西部陆海新通道铁海联运班列发送集装箱54321标箱，同比增长12%。\n"
    "截至8月底，公路班车累计发运7654车次。此外，跨境班列累计开行3210列。\n"
    "通道目的地已拓展至123个国家和地区的456个港口。\n"
)
