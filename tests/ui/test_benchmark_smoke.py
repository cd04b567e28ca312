"""The benchmark (tests/benchmarks/run.py, run by ``make bench``) works: its measuring
functions run on 500 customers. No timing is asserted here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("reseller_desk_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def test_measuring_functions_run_on_500_customers(bench, tmp_path, qapp):
    db_path = tmp_path / "bench.sqlite3"
    db = bench.create_database(db_path, 500)
    try:
        from reseller_desk.services.customers import count_customers

        # 500 demo customers, and those the demo's approved applications made.
        total = count_customers(db)
        assert 500 <= total <= 520
        model = bench.make_model(db)
        assert model.rowCount() == total
        filter_times = bench.measure_filter(model)
        assert len(filter_times) == len(bench.keystrokes()) > 0
        bare = bench.BareModel(db)
        assert len(bench.baseline_filter(bare)) == len(filter_times)
        bare.filter(["テスト"])
        assert bare.model.rowCount() == sum("テスト" in r[-1] for r in bare.rows)
        assert len(bench.measure_service_filter(db)) == len(filter_times)
        baseline_sorts = bench.baseline_sorts(bare)
        assert bare.model.rowCount() == total
        bare.sort("id", True)
        assert [r[0] for r in bare.visible] == sorted((r[0] for r in bare.rows), reverse=True)
        assert set(bench.measure_service_sorts(db)) == set(baseline_sorts)
        sorts = bench.measure_sorts(model, repeats=1)
        assert len(sorts) == 16 and set(sorts) == set(baseline_sorts)
        assert all(ms >= 0 for ms in sorts.values())
    finally:
        db.dispose()
    # The child processes really start the app (and a bare window) and report.
    assert bench.measure_startup(db_path, repeats=1) > 0
    assert bench.measure_bare_startup(repeats=1) > 0
    log_in = bench.login_figure(db_path, repeats=1)
    assert log_in.ms > 0 and log_in.baseline_ms > 0 and log_in.name.startswith("log-in (scrypt N=2**")
    figures = [bench.Figure("startup", 900.0, 100.0, 1000.0), bench.Figure("sort", 150.0, 10.0, 100.0)]
    table = bench.format_table(figures)
    assert "9.0x" in table and "OK" in table and "SLOW" in table


def test_the_contract_list_figures_run_on_300_contracts(bench, tmp_path, qapp):
    db_path = tmp_path / "bench.sqlite3"
    bench.create_database(db_path, 300).dispose()
    figures = bench.contract_figures(db_path, 300, repeats=1)
    assert [f.name for f in figures] == ["contracts first page", "contracts status filter", "contracts search",
                                         "contracts sort by furigana"]
    assert all(f.ms > 0 and f.baseline_ms > 0 for f in figures)
    assert all("300 contracts" in f.note for f in figures)
