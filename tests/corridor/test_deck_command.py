"""`corridor deck`: writes the PPTX, refuses bad filters in both languages, makes the PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from tool_support import require_tool

from corridor import deck_command as cli_deck
from corridor.cli import main
from dashboard.deck import pdf as deck_pdf


def test_deck_writes_a_pptx_with_progress_on_stderr(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "meeting.pptx"
    code = main(["deck", "--data-dir", str(data_dir), "--out", str(out), "--region", "chongqing"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    prs = Presentation(str(out))
    assert len(prs.slides) >= 3
    assert prs.slides[0].shapes.title.text_frame.text == "西部陆海新通道数据看板"
    assert "重庆" in prs.slides[0].placeholders[1].text_frame.text
    assert "chart slide 1/" in captured.err
    assert f"{len(prs.slides)} 张幻灯片 slides" in captured.out


def test_deck_in_english(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "en.pptx"
    assert main(["deck", "--data-dir", str(data_dir), "--out", str(out), "--lang", "en"]) == 0
    slides = Presentation(str(out)).slides
    # The written briefing follows the title; the headline cards come next.
    assert slides[1].shapes.title.text_frame.text == "Briefing"
    assert slides[2].shapes.title.text_frame.text == "Headline figures"


def test_deck_takes_related_corridors_only_when_asked(data_dir: Path, tmp_path: Path) -> None:
    def titles(*extra: str) -> list[str]:
        out = tmp_path / f"deck{len(extra)}.pptx"
        assert main(["deck", "--data-dir", str(data_dir), "--out", str(out), *extra]) == 0
        slides = Presentation(str(out)).slides
        return [s.shapes.title.text_frame.text for s in slides if s.shapes.title is not None]

    # The test data's only related figure is China–Europe rail's 3000 trains (Chongqing).
    assert not any("相关通道" in x or "3000" in x for x in titles())
    related = [x for x in titles("--related") if x.startswith("相关通道")]
    assert related == ["相关通道 · 截至2019年7月5日 班列开行3000列"]


def test_help_describes_every_filter(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["deck", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for option in ("--out", "--lang", "--from", "--to", "--region", "--route", "--metric",
                   "--basis", "--source", "--related", "--pdf", "--data-dir"):  # fmt: skip
        assert option in text


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (["--region", "mars"], "region=mars 无法识别", "region=mars is not recognised"),
        (["--from", "2024-13"], "不是有效的年月", "is not a month like 2024-07"),
        (["--lang", "fr"], "lang=fr 无法识别", "lang=fr is not recognised"),
        (["--basis", "guessed"], "basis=guessed 无法识别", "basis=guessed is not recognised"),
        (["--from", "2030-01"], "当前筛选条件下没有数据", "No figures match these filters"),
    ],
)
def test_bad_filter_is_refused_in_both_languages(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    zh: str,
    en: str,
) -> None:
    out = tmp_path / "bad.pptx"
    code = main(["deck", "--data-dir", str(data_dir), "--out", str(out), *args])
    err = capsys.readouterr().err
    assert code != 0
    assert zh in err and en in err
    assert "ignored" not in err  # the command line refuses; it does not guess
    assert not out.exists()


def test_output_must_be_a_pptx(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["deck", "--data-dir", str(data_dir), "--out", str(tmp_path / "x.ppt")]) != 0
    assert ".pptx" in capsys.readouterr().err


def test_without_libreoffice_the_pptx_still_comes(
    data_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(cli_deck, "find_soffice", lambda: None)
    out = tmp_path / "no_office.pptx"
    assert main(["deck", "--data-dir", str(data_dir), "--out", str(out), "--pdf"]) == 0
    err = capsys.readouterr().err
    assert "未安装 LibreOffice" in err and "LibreOffice (soffice) is not installed" in err
    assert out.exists() and not out.with_suffix(".pdf").exists()


@pytest.mark.slow
def test_pdf_has_a_page_per_slide(data_dir: Path, tmp_path: Path) -> None:
    require_tool("soffice", "--pdf converts the deck with LibreOffice")
    require_tool("pdfinfo", "counts the PDF's pages")
    out = tmp_path / "handout.pptx"
    assert main(["deck", "--data-dir", str(data_dir), "--out", str(out), "--pdf"]) == 0
    pdf = out.with_suffix(".pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))  # type: ignore[union-attr]
    assert pages == len(Presentation(str(out)).slides)


# fonts-noto-cjk ships one collection (.ttc) whose faces share one CFF table named for the
# Japanese face; the conversion uses standalone SC faces made from it (dashboard/deck/pdf_fonts.py),
# so every CJK font the PDF embeds is named for simplified Chinese.
_SIMPLIFIED = re.compile(r"CJK ?SC|CJKsc|SourceHanSans(CN|SC)", re.I)
_OTHER_CJK = re.compile(r"CJK ?(JP|KR|TC|HK)|CJK(jp|kr|tc|hk)|SourceHanSans(JP|KR|TW|HK|K|J)", re.I)


def _cjk_faces(pdf: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in listing.stdout.splitlines()[2:] if line.strip()]
    return [n.split("+", 1)[-1] for n in names if re.search(r"CJK|SourceHan|Han", n, re.I)]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_of_the_shipped_data_uses_only_simplified_chinese_faces(
    tmp_path: Path, lang: str
) -> None:
    require_tool("soffice", "--pdf converts the deck with LibreOffice")
    require_tool("pdffonts", "lists the PDF's fonts")
    out = tmp_path / f"shipped_{lang}.pptx"
    assert main(["deck", "--out", str(out), "--pdf", "--lang", lang]) == 0
    faces = _cjk_faces(out.with_suffix(".pdf"))
    # The English deck's slides hold no Chinese since issue 23 (series, places and outlets in
    # English); whatever CJK face it embeds must still be the simplified one.
    if lang == "zh":
        assert faces, "the deck's Chinese text is drawn in a CJK face"
    for face in faces:
        assert _SIMPLIFIED.search(face), faces
        assert not _OTHER_CJK.search(face), faces


def _rendered(
    tmp_path: Path, name: str, east: str, lang_tag: str, system_fonts: bool = False
) -> bytes:
    """Return the raster of one slide whose text has distinct SC and JP forms (骨 角 直 写 关)."""
    from pptx.oxml.ns import qn
    from pptx.util import Inches, Pt

    from dashboard.deck.slides import set_fonts
    from dashboard.locales import ZH

    prs = Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    box = slide.shapes.add_textbox(Inches(0.5), Inches(0.5), Inches(9), Inches(3))
    run = box.text_frame.paragraphs[0].add_run()
    run.text = "骨角直写关"
    run.font.size = Pt(120)
    set_fonts(slide.element, ZH, **({"east": east} if east else {}))
    for props in slide.element.iter(qn("a:rPr")):
        props.set("lang", lang_tag)
    path = tmp_path / f"{name}.pptx"
    prs.save(str(path))
    if system_fonts:  # the reference in Japanese forms: the collections, as the system has them
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(deck_pdf, "simplified_font_env", dict)
            pdf = cli_deck.convert_to_pdf(path, cli_deck.find_soffice() or "soffice")
    else:
        pdf = cli_deck.convert_to_pdf(path, cli_deck.find_soffice() or "soffice")
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / name)], check=True)
    return next(tmp_path.glob(f"{name}*.png")).read_bytes()


@pytest.mark.slow
def test_deck_chinese_is_not_drawn_in_japanese_forms(tmp_path: Path) -> None:
    require_tool("soffice", "converts the slide with LibreOffice")
    require_tool("pdftoppm", "rasterises the PDF")
    ours = _rendered(tmp_path, "deck", "", "zh-CN")
    japanese = _rendered(tmp_path, "jp", "Noto Sans CJK JP", "ja-JP", system_fonts=True)
    simplified = _rendered(tmp_path, "sc", "Noto Sans CJK SC", "zh-CN")
    assert ours != japanese
    assert ours == simplified
