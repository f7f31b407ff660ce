"""dashboard/uploader_text.py: Streamlit's uploader words replaced by the catalogue's in Chinese."""

from __future__ import annotations

from dashboard.locales import EN, ZH
from dashboard.uploader_text import _css_string, uploader_css

MB = 1024 * 1024


def test_chinese_hides_streamlits_words_and_shows_its_own_limits_and_types() -> None:
    css = uploader_css("upload_file", ["csv", "xlsx"], 25 * MB, ZH)
    assert css.startswith("<style>") and css.endswith("</style>")
    assert ".st-key-upload_file" in css
    assert '"选择文件"' in css
    assert "每个文件不超过 25 MB · CSV、XLSX" in css
    assert '"将文件拖放到此处"' in css
    assert css.count("display: none") == 2  # the button's word and the built-in limits


def test_a_smaller_limit_reads_as_it_is() -> None:
    assert "每个文件不超过 2.5 MB · TXT" in uploader_css("art_file", [".txt"], int(2.5 * MB), ZH)


def test_english_keeps_streamlits_own_words() -> None:
    assert uploader_css("upload_file", ["csv"], 25 * MB, EN) == ""


def test_a_quote_cannot_end_the_css_string() -> None:
    assert _css_string('a"b\\c') == '"a\\"b\\\\c"'
