"""Benchmark of a month's invoice PDFs: 1,000 invoices, one file each (font embedded), and the
combined print file, each next to a baseline measured in the same run on the same machine.

    .venv/bin/python tests/benchmarks/bench_invoice_pdf.py [--invoices N]

(``make bench`` runs it too, from tests/benchmarks/run.py.) It prints a table: it reports, it
is not a test (tests/reports/test_invoice_pdf_bench.py runs it on a dozen
invoices to prove it works).

* files, 1 process: ``reports.invoice_batch.write_invoice_files(workers=1)``. Baseline: the
  same pages drawn with bare ReportLab calls — every ``setFont``/``drawString``/``line``/
  ``rect`` the renderer made, recorded beforehand and replayed on a new Canvas with the same
  embedded font (IPAexGothic) — and written with ``Path.write_bytes``. The cost both pay is
  ReportLab subsetting and embedding the font into every file; the renderer adds its layout.
  Target: within 2× of the baseline.
* files, 2 processes: the same with ``workers=2`` (the spawn pool). Baseline: the bare one-
  process figure above. Target: at least 100 files/s.
* combined print file: ``reports.invoice.render_invoices`` written once. Baseline: the same
  recorded pages replayed into one Canvas (the single-file floor: the font is subset once).
  Target: within 2× of the floor.

The machine's load average is printed with each figure: on a shared machine other work takes
the cores the pool counts on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_INVOICES = 1_000
TARGET_FILES_PER_S = 100.0

Op = tuple[Any, ...]


def make_documents(count: int = DEFAULT_INVOICES) -> list:
    """``count`` issued-looking invoices of November 2026, three to six lines each, under both
    profiles and both payment methods, for customers of varied names."""
    from dataclasses import replace

    from reseller_desk.domain import billing
    from reseller_desk.domain.billing import LineKind
    from reseller_desk.domain.intake import PaymentMethod
    from reseller_desk.domain.invoice_document import DocumentParty
    from reseller_desk.domain.terms import load_profile
    from tests.services.invoice_builders import MONTH, document, recurring

    bases = {(key, method): (load_profile(key), document(profile_key=key, method=method))
             for key in ("simpleconnect", "sokujitsu") for method in PaymentMethod}
    names = ["株式会社みらい商事", "有限会社さくら工業", "合同会社はやて企画", "山田 太郎", "株式会社髙橋製作所"]
    documents = []
    for i in range(count):
        key = "simpleconnect" if i % 3 else "sokujitsu"
        method = PaymentMethod.TRANSFER if i % 2 else PaymentMethod.DEBIT
        profile, base = bases[(key, method)]
        code = f"C{i + 1:07d}"
        lines = [recurring(code, "ベーシックプラン 月額", 1 + i % 5, 2980), recurring(code, "通話録音オプション 月額", 1, 500)]
        lines += [recurring(f"C{i + 500_001:07d}", "内線追加 月額", 1 + i % 7, 330)] * (i % 3)
        lines.append(billing.usage_line(MONTH, customer_code=code, contract_id=None, phone_number="03-1234-5678",
                                        calls=10 + i % 90, amount=120 + i % 4000))
        if i % 10 == 0:
            lines.append(replace(recurring(code, "障害に伴う返金", 1, -500), kind=LineKind.CREDIT_ADJ))
        settled = billing.settle(profile, MONTH, lines)
        name = names[i % len(names)]
        customer = DocumentParty(f"{name}{i:04d}" if name.startswith("株式会社") else name, "150-0002",
                                 f"東京都渋谷区渋谷{1 + i % 4}丁目{1 + i % 20}番{1 + i % 9}号", is_corporate=not name.startswith("山田"))
        documents.append(replace(base, number=f"2026-{i + 1:06d}", customer=customer, lines=settled.lines,
                                 totals=settled.totals, carried_forward=settled.carried_forward,
                                 issue_date=dt.date(2026, 12, 1)))
    return documents


# -- the bare baseline: the renderer's own canvas calls, recorded and replayed --------------------
RECORDED = ("setFont", "drawString", "line", "rect", "setFillColor", "setStrokeColor", "setLineWidth", "showPage")


def record_pages(document) -> list[Op]:
    """Every canvas call the renderer makes for ``document``, in order."""
    from reportlab.pdfgen.canvas import Canvas

    from reseller_desk.reports.invoice import InvoiceRenderer

    ops: list[Op] = []

    class Recorder(Canvas):  # type: ignore[misc]
        pass

    def recording(name: str):
        original = getattr(Canvas, name)

        def call(self, *args, **kwargs):
            ops.append((name, args, kwargs))
            return original(self, *args, **kwargs)

        return call

    for name in RECORDED:
        setattr(Recorder, name, recording(name))
    InvoiceRenderer(document).draw(Recorder(io.BytesIO()))
    return ops


def bare_canvas(buffer: io.BytesIO):
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from reseller_desk.reports.fonts import GOTHIC, register_fonts

    register_fonts()
    return Canvas(buffer, pagesize=A4, invariant=1, initialFontName=GOTHIC)


def replay(canvas, ops: Sequence[Op]) -> None:
    for name, args, kwargs in ops:
        getattr(canvas, name)(*args, **kwargs)


def bare_file(ops: Sequence[Op]) -> bytes:
    buffer = io.BytesIO()
    canvas = bare_canvas(buffer)
    replay(canvas, ops)
    canvas.save()
    return buffer.getvalue()


# -- measuring ----------------------------------------------------------------------------------------
def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _load() -> str:
    """The machine's load average (not on Windows)."""
    average = getattr(os, "getloadavg", None)
    return f"load {average()[0]:.1f}" if average else ""


def measure(documents: Sequence, folder: Path) -> dict[str, float]:
    """Seconds of each way of making the month's PDFs (and of their baselines) in ``folder``."""
    from reseller_desk.reports.invoice import render_invoice, render_invoices
    from reseller_desk.reports.invoice_batch import invoice_file_stem, write_invoice_files

    render_invoice(documents[0])                         # fonts registered, modules imported
    items = [(invoice_file_stem(d.number, d.customer.name), d) for d in documents]
    recorded = [record_pages(d) for d in documents]
    bare_dir, one_dir, two_dir = folder / "bare", folder / "one", folder / "two"
    bare_dir.mkdir()

    def bare_files() -> None:
        for (stem, _), ops in zip(items, recorded, strict=True):
            (bare_dir / f"{stem}.pdf").write_bytes(bare_file(ops))

    def bare_combined() -> None:
        buffer = io.BytesIO()
        canvas = bare_canvas(buffer)
        for ops in recorded:
            replay(canvas, ops)
        canvas.save()
        (folder / "bare-combined.pdf").write_bytes(buffer.getvalue())

    return {
        "bare_files": _seconds(bare_files),
        "one_process": _seconds(lambda: write_invoice_files(items, one_dir, workers=1)),
        "two_processes": _seconds(lambda: write_invoice_files(items, two_dir, workers=2)),
        "bare_combined": _seconds(bare_combined),
        "combined": _seconds(lambda: (folder / "combined.pdf").write_bytes(render_invoices(documents))),
    }


def invoice_pdf_figures(figure: Callable[..., Any], count: int = DEFAULT_INVOICES,
                        log: Callable[[str], None] = print) -> list[Any]:
    """The three figures, as ``figure(name, ms, baseline_ms, target_ms, note)`` (run.Figure)."""
    started = time.perf_counter()
    documents = make_documents(count)
    log(f"invoice PDFs: {count:,} invoices made in {time.perf_counter() - started:.1f} s; nproc {os.cpu_count()}")
    with tempfile.TemporaryDirectory(prefix="reseller-desk-bench-pdf-") as tmp:
        s = measure(documents, Path(tmp))
    rate = {key: count / seconds for key, seconds in s.items()}
    load = _load()
    return [
        figure(f"invoice PDFs, 1 process ({count:,})", s["one_process"] * 1000, s["bare_files"] * 1000,
               2 * s["bare_files"] * 1000,
               f"{rate['one_process']:.0f} files/s; bare ReportLab {rate['bare_files']:.0f} files/s; {load}"),
        figure(f"invoice PDFs, 2 processes ({count:,})", s["two_processes"] * 1000, s["bare_files"] * 1000,
               count / TARGET_FILES_PER_S * 1000,
               f"{rate['two_processes']:.0f} files/s (target ≥ {TARGET_FILES_PER_S:.0f}); "
               f"baseline: bare, 1 process; {load}"),
        figure(f"combined print file ({count:,})", s["combined"] * 1000, s["bare_combined"] * 1000,
               2 * s["bare_combined"] * 1000,
               f"{rate['combined']:.0f} invoices/s; bare single-file floor {rate['bare_combined']:.0f}/s; {load}"),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invoices", type=int, default=DEFAULT_INVOICES)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import run

    table = run.format_table(invoice_pdf_figures(run.Figure, args.invoices))
    print()
    print(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
