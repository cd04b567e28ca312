"""The matching benchmark runs (small, here: the figures themselves belong to ``make bench``)."""

from __future__ import annotations

from tests.benchmarks import bench_matching


def test_the_matching_benchmark_sorts_every_row_into_a_group_and_prints_its_figure():
    said: list[str] = []
    [figure] = bench_matching.figures(log=said.append, customers=2_000, rows_wanted=300)
    assert figure.name == "入金消込 300 rows / 2,000 customers" and figure.ms > 0 and figure.baseline_ms > 0
    assert "不明 30" in said[0] and "一致" in figure.note
