"""The 請求書 list's benchmark (tests/benchmarks/bench_invoice_list.py, part of ``make bench``)
works: it bulk inserts invoices the list reads and measures every figure, on 300 customers.
No timing is asserted here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from sqlalchemy import text

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def test_the_invoice_list_figures_run_on_a_small_office(tmp_path, qapp):
    spec = importlib.util.spec_from_file_location("reseller_desk_benchmark", BENCHMARKS / "run.py")
    bench = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = bench  # dataclasses look their module up there
    try:
        spec.loader.exec_module(bench)
        db_path = tmp_path / "bench.sqlite3"
        demo = bench.create_database(db_path, 300)
        with demo.transaction() as session:   # the demo office bills two months itself
            billed = session.scalar(text("SELECT count(*) FROM invoices"))
        demo.dispose()
        from tests.benchmarks.bench_invoice_list import invoice_list_figures, queries

        figures = invoice_list_figures(db_path, 300, repeats=1)
    finally:
        sys.modules.pop(spec.name, None)
    assert [f.name for f in figures] == [f"invoices {name}" for name in queries()]
    assert all(f.ms > 0 and f.baseline_ms > 0 for f in figures)
    assert "300 invoices" in figures[0].note and f"{300 + billed} found" in figures[0].note
    month = figures[1].note
    assert "25 found" in month  # 300 invoices over twelve months
