"""The invoice page as a reader sees it: text cut to its column and never cut off (every string
drawn in the lines table stays inside its column), nothing in the margins of any page (pixels
rendered with pypdfium2), figures shrunk rather than wrapped, 行頭禁則, a line taller than a
page refused, and the combined print file: each invoice from a new page with its own 1/N."""

from __future__ import annotations

import io
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pypdfium2
import pytest
from pypdf import PdfReader

from reseller_desk.reports.fonts import GOTHIC, string_width
from reseller_desk.reports.invoice import InvoiceRenderer, UnprintableInvoice, render_invoice, render_invoices
from reseller_desk.reports.text_layout import NO_LINE_START, fit_size, wrap
from tests.services.invoice_builders import recurring

from .invoice_samples import LONG, credit_of, flat, forty_lines, one_line, over_credited, pages_text, rare_names


def test_wrapping_keeps_every_character_and_every_line_fits():
    text = "明細03 オプション 月額" + LONG + " SIP-TRUNK-0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for width in (40.0, 90.0, 170.0):
        lines = wrap(text, width, GOTHIC, 8.5)
        assert len(lines) > 1
        assert all(string_width(line, GOTHIC, 8.5) <= width for line in lines)
        assert flat("".join(lines)) == flat(text)
        assert not any(line[:1] in NO_LINE_START for line in lines)


def test_a_word_of_ascii_stays_whole_unless_it_is_wider_than_the_line():
    assert wrap("契約 SIP-TRUNK-01", string_width("契約 SIP-TRUNK-0", GOTHIC, 9), GOTHIC, 9) == ["契約", "SIP-TRUNK-01"]
    narrow = wrap("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 30, GOTHIC, 9)
    assert "".join(narrow) == "ABCDEFGHIJKLMNOPQRSTUVWXYZ" and len(narrow) > 2


def test_a_closing_mark_never_starts_a_line():
    width = string_width("あいうえお", GOTHIC, 9)
    assert wrap("あいうえお。かきくけこ", width, GOTHIC, 9) == ["あいうえ", "お。かきく", "けこ"]


def test_a_newline_starts_a_line_and_empty_text_is_one_empty_line():
    assert wrap("一行目\n二行目", 200, GOTHIC, 9) == ["一行目", "二行目"]
    assert wrap("", 200, GOTHIC, 9) == [""]


def test_a_figure_too_wide_for_its_column_is_drawn_smaller_not_wrapped():
    assert fit_size("¥2,980", 60, GOTHIC, 8.5) == 8.5
    size = fit_size("¥123,456,789,012", 50, GOTHIC, 8.5)
    assert 5 <= size < 8.5 and string_width("¥123,456,789,012", GOTHIC, size) <= 50


def _strings(pdf: bytes, page: int) -> list[tuple[float, float, str, float]]:
    """(x, y, text, size) of every string drawn on ``page``."""
    out: list[tuple[float, float, str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            out.append((tm[4], tm[5], text.strip(), size * tm[0]))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return out


HUGE = replace(recurring("C0000001", "大口", 1, 0), quantity=12_345, unit_amount=9_876_543_210,
               amount=121_925_925_926_450)


@pytest.mark.parametrize("doc", [forty_lines(), rare_names(), replace(one_line(), lines=(HUGE,))],
                         ids=["forty", "rare", "huge-figures"])
def test_every_string_in_the_lines_table_stays_inside_its_column(doc):
    renderer = InvoiceRenderer(doc)
    pdf = render_invoice(doc)
    edges = [renderer.left]
    for column in renderer.columns:
        edges.append(edges[-1] + column.width)
    for number, placed in enumerate(renderer.paginate()):
        rows = [(top - block.height, top) for top, block in placed if block.row]
        table_bottom = min(bottom for bottom, _ in rows)
        table_top = max(top for _, top in rows) + renderer.table_header().height
        checked = 0
        for x, y, text, size in _strings(pdf, number):
            if not table_bottom < y < table_top:
                continue
            width = string_width(text, GOTHIC, size)
            inside = [i for i in range(len(edges) - 1) if edges[i] - 0.5 <= x < edges[i + 1]]
            assert inside, text
            assert x + width <= edges[inside[0] + 1] + 0.5, (text, x, width)
            checked += 1
        assert checked >= len(rows) * 4


def _render(pdf: bytes, scale: float = 100 / 72):
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [document[i].render(scale=scale).to_pil().convert("L") for i in range(len(document))]
    finally:
        document.close()


def _ink(image, box: tuple[float, float, float, float]) -> float:
    w, h = image.size
    histogram = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h))).histogram()
    return sum(histogram[:128]) / sum(histogram)


@pytest.mark.parametrize("doc", [one_line(), forty_lines(), credit_of(one_line()), over_credited()],
                         ids=["one-line", "forty-lines", "credit", "over-credited"])
def test_every_page_keeps_its_margins_blank_and_has_ink_where_the_header_is(doc):
    images = _render(render_invoice(doc))
    assert len(images) == len(InvoiceRenderer(doc).paginate())
    for index, image in enumerate(images):
        assert image.size == (827, 1170)                          # A4 at 100 dpi
        assert _ink(image, (0, 0, 0.065, 1)) == 0                 # left margin (15 mm of 210)
        assert _ink(image, (0.935, 0, 1, 1)) == 0                 # right margin: nothing runs off
        assert _ink(image, (0, 0, 1, 0.045)) == 0                 # above the header
        assert _ink(image, (0, 0.975, 1, 1)) == 0                 # below the footer
        assert _ink(image, (0.07, 0.93, 0.93, 0.965)) > 0.001     # the footer line and 1/N
        if index == 0:
            assert _ink(image, (0.55, 0.08, 0.93, 0.21)) > 0.02   # issuer and number, top right
            assert _ink(image, (0.35, 0.04, 0.65, 0.08)) > 0.05   # the title, centred


def test_a_line_taller_than_a_page_is_refused_rather_than_cut():
    doc = replace(one_line(), lines=(recurring("C0000001", "長い説明" * 3000, 1, 100),))
    with pytest.raises(UnprintableInvoice, match="A4"):
        render_invoice(doc)


def test_the_print_file_starts_each_invoice_on_a_new_page_with_its_own_page_numbers():
    docs = [one_line(), forty_lines(), credit_of(one_line())]
    pdf = render_invoices(docs)
    pages = [flat(p) for p in pages_text(pdf)]
    counts = [len(InvoiceRenderer(d).paginate()) for d in docs]
    assert len(pages) == sum(counts) == 4
    starts = [0, 1, 3]
    for start, doc, count in zip(starts, docs, counts, strict=True):
        assert pages[start].startswith(flat(InvoiceRenderer(doc).title) + "〒150-0002")
        assert [pages[start + i][-3:] for i in range(count)] == [f"{i + 1}/{count}" for i in range(count)]
        assert all(f"請求書番号{doc.number}" in pages[start + i] for i in range(count))
    reader = PdfReader(io.BytesIO(pdf))
    assert [o.title for o in reader.outline] == [f"{d.number} {d.customer.name}" for d in docs]
    assert reader.metadata["/Keywords"] == "reseller-desk:invoices:2026-11"
    assert render_invoices(docs) == pdf


def test_a_print_file_of_no_invoices_is_refused():
    with pytest.raises(ValueError, match="no invoices"):
        render_invoices([])


def test_a_fresh_process_can_print_the_combined_file_first():
    """The print file's canvas names IPAexGothic as its first font: it must be registered
    before, also when no invoice was rendered in the process yet."""
    code = ("import sys; from tests.reports.invoice_samples import one_line; "
            "from reseller_desk.reports.invoice import render_invoices; "
            "sys.stdout.write(str(len(render_invoices([one_line()]))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 10_000
