"""The invoice PDF benchmark (tests/benchmarks/bench_invoice_pdf.py, run by ``make bench``)
works: on a dozen invoices it makes the three figures, and its bare baseline draws the very
pages the renderer draws. No timing is asserted here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from reseller_desk.reports.invoice import render_invoice

from .invoice_samples import pages_text

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_invoice_pdf.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("reseller_desk_invoice_pdf_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_the_bare_baseline_draws_the_same_pages_as_the_renderer(bench):
    documents = bench.make_documents(12)
    assert len({d.number for d in documents}) == 12
    for document in (documents[0], documents[10]):
        bare = bench.bare_file(bench.record_pages(document))
        assert pages_text(bare) == pages_text(render_invoice(document))


def test_the_benchmark_makes_its_three_figures(bench):
    rows: list[tuple] = []
    figures = bench.invoice_pdf_figures(lambda *args: rows.append(args) or args, count=12, log=lambda line: None)
    assert len(figures) == 3
    assert [name.split(" (")[0] for name, *_ in rows] == [
        "invoice PDFs, 1 process", "invoice PDFs, 2 processes", "combined print file"]
    assert all(ms > 0 and baseline > 0 and target > 0 for _, ms, baseline, target, _ in rows)
    assert all("/s" in note for *_, note in rows)
