"""The example group's deck as a PDF with Japanese text (checked with poppler's pdftotext)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from lib.deck.to_pdf import deck_pdf, printable
from tests.fixtures.deck import demo_workspace, prepared_example

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")


@pytest.fixture(scope="module")
def pdf(store, tmp_path_factory):
    prepared = prepared_example(store, demo_workspace(store))
    path = tmp_path_factory.mktemp("pdf") / "deck.pdf"
    path.write_bytes(deck_pdf(prepared))
    return path, prepared


def _text(path, *pages) -> str:
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run(args + [str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")


def test_one_page_per_slide_plus_the_title(pdf):
    path, prepared = pdf
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages == len(prepared.slides) + 1


def test_japanese_headings_are_extractable_text(pdf):
    path, prepared = pdf
    text = _text(path)
    for heading in ("背景", "課題", "仮説", "分析結果", "評価", "政策提案", "効果・指標"):
        assert heading in text
    assert "見本グループ（完成例）" in _text(path, 1)
    for number, slide in enumerate(prepared.slides, start=2):
        assert slide["title"].replace(" ", "")[:10] in _text(path, number).replace(" ", "")


def test_evidence_pages_have_a_picture_and_a_source(pdf):
    path, prepared = pdf
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, check=True).stdout.decode()
    pages_with_images = {int(line.split()[0]) for line in images.splitlines()[2:] if line.strip()}
    for number, slide in enumerate(prepared.slides, start=2):
        if slide["evidence"]:
            assert number in pages_with_images
            assert "出典" in _text(path, number)


def test_font_is_embedded(pdf):
    path, _ = pdf
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()
    assert "IPAexGothic" in fonts and " yes " in fonts


def test_emoji_are_left_out_rather_than_printed_as_boxes():
    assert printable("🚌 バスの本数📊を増やす\n次の行") == " バスの本数を増やす\n次の行"
