"""Benchmark of 入金消込's matcher (issue 12): 10,000 statement rows, their payer names printed the
ways banks print them, against 100,000 customers' registered names and their open invoices —
the index built and every row matched (domain.payer_match) — against a baseline that looks the
same rows up in a plain dict of the same names already reduced (the floor of any matcher). The
registered names' keys are made when a name is registered and stored with it, so they are given
to both sides; the statement's names are reduced inside the timing.

    .venv/bin/python tests/benchmarks/bench_matching.py

Target: well under a second (500 ms). ``tests/benchmarks/run.py`` calls :func:`figures`.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

CUSTOMERS, ROWS = 100_000, 10_000
TARGET_MS = 500
_SYLLABLES = list("ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝ")
_PRINTED = ("ｶ){}", "{}(ｶ", "(ｶ){}", "ｶﾌﾞｼｷｶﾞｲｼﾔ {}", "{}", "ﾕ){}")


def office(seed: int = 7, customers: int = CUSTOMERS, rows_wanted: int = ROWS):  # type: ignore[no-untyped-def]
    """Customers with one registered name each (half corporate), one or two open invoices, and
    statement rows: 80 % a customer's exact amount in some printing, 10 % short, 10 % nobody."""
    from reseller_desk.domain.payer_match import OpenInvoice, Transfer

    rng = random.Random(seed)
    names: dict[int, list[str]] = {}
    invoices: list[OpenInvoice] = []
    for customer in range(1, customers + 1):
        name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(4, 9)))
        names[customer] = [f"ｶﾌﾞｼｷｶﾞｲｼﾔ {name}" if customer % 2 else name]
        for k in range(1 + customer % 2):
            invoices.append(OpenInvoice(customer * 10 + k, customer, f"2026-{customer * 10 + k:06d}",
                                        dt.date(2026, 11, 27 + k), rng.randrange(1000, 60000)))
    by_customer: dict[int, list[OpenInvoice]] = {}
    for invoice in invoices:
        by_customer.setdefault(invoice.customer_id, []).append(invoice)
    rows = []
    for row in range(1, rows_wanted + 1):
        customer = rng.randrange(1, customers + 1)
        bare = names[customer][0].replace("ｶﾌﾞｼｷｶﾞｲｼﾔ ", "")
        printed = rng.choice(_PRINTED).format(bare) if customer % 2 else bare
        amount = by_customer[customer][0].open_amount
        kind = row % 10
        if kind == 8:
            amount -= 440
        if kind == 9:
            printed = "ｿﾉﾀ" + "".join(rng.choice(_SYLLABLES) for _ in range(10))
        rows.append(Transfer(row, dt.date(2026, 11, 30), amount, printed))
    return names, invoices, rows


def figures(log: Callable[[str], None] = print, customers: int = CUSTOMERS, rows_wanted: int = ROWS) -> list:
    from reseller_desk.domain.payer_match import MatchGroup, PayerIndex, match_transfers, payer_key
    from tests.benchmarks.run import Figure

    names, invoices, rows = office(customers=customers, rows_wanted=rows_wanted)
    stored = {customer: [payer_key(name) for name in customer_names]   # kept with each name when registered
              for customer, customer_names in names.items()}
    started = time.perf_counter()
    proposals = match_transfers(rows, PayerIndex.of_keys(stored), invoices)
    ms = (time.perf_counter() - started) * 1000
    reduced = {keys[0]: c for c, keys in stored.items()}
    started = time.perf_counter()
    plain = dict(reduced)                  # the floor: a dict built, each row reduced and looked up
    found = [plain.get(payer_key(r.payer_name)) for r in rows]
    base = (time.perf_counter() - started) * 1000
    groups = {g: sum(1 for p in proposals if p.group is g) for g in MatchGroup}
    log(f"matching: {len(rows):,} rows against {len(names):,} customers in {ms:.0f} ms "
        f"({', '.join(f'{g.label} {n:,}' for g, n in groups.items())}; {sum(f is not None for f in found):,} found "
        "by the plain lookup)")
    return [Figure(f"入金消込 {len(rows):,} rows / {len(names):,} customers", ms, base, TARGET_MS,
                   f"{groups[MatchGroup.MATCHED]:,} 一致, {groups[MatchGroup.CHECK]:,} 要確認, "
                   f"{groups[MatchGroup.UNKNOWN]:,} 不明; baseline: a plain dict of the reduced names")]


if __name__ == "__main__":
    from tests.benchmarks.run import format_table

    print(format_table(figures()))
