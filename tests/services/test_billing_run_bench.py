"""The billing benchmark (tests/benchmarks/bench_billing.py, run by ``make bench``) works: on a
small generated office its run bills every account in a child process and its baseline writes
the same rows again. No timing is asserted here."""

from __future__ import annotations

from tests.benchmarks import bench_billing


def test_the_billing_benchmark_runs_on_a_small_office(tmp_path):
    said: list[str] = []
    [figure] = bench_billing.figures([60], log=said.append, folder=tmp_path)
    assert figure.name == "billing run 60 contracts" and figure.ms > 0 and figure.baseline_ms > 0
    assert figure.note.startswith("48 invoices, ") and "peak" in figure.note
    assert len(said) == 2 and list(tmp_path.iterdir()) == []
