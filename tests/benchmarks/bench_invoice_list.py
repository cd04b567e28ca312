"""Benchmark of the 請求書 list at 100,000 issued invoices (registered in tests/benchmarks/run.py).

On a copy of the benchmark database (100,000 demo customers), one invoice per customer is bulk
inserted with SQLAlchemy Core (valid rows: the triggers allow INSERT; numbers, frozen JSON and
the hash chain as the one writer makes them; no lines, which the list never reads), over twelve
usage months, both payment methods, a credit invoice in fifty; then ANALYZE.

Each figure is the 請求書 model's read of a query (``InvoiceTableModel.load``: the ids the filter
lets through, each condition over one index, taken from the order held, and the first 200 rows),
median of five, against the customer book doing the same on the same copy, as its model does:

* first page      — every invoice by number, the order read too    vs the book as opened
                    (``customer_order`` + the first 200 ``customer_rows``)
* month filter    — one usage month (~8,300)                      vs the book's search "やまだ"
* amount range    — ¥10,000–¥30,000 (half of them)                vs the book's search "やまだ"
* customer text   — "やまだ" (name or furigana)                     vs the book's search "やまだ"
* combined        — month + amount + "やまだ"                       vs the book's search "やまだ"

(the book's search: ``customer_matches`` filtering the order it holds, then the first 200 rows.)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import statistics
import tempfile
from pathlib import Path

DEFAULT_INVOICES = 100_000
TARGET_MS = 100.0
SEARCH = "やまだ"
MONTHS = 12
#: Twelve months before any the demo office bills itself (reseller_desk.demo.billing).
FIRST_MONTH = dt.date(2024, 12, 1)
THIRD_MONTH = dt.date(2025, 2, 1)   # of the twelve: what the month filter looks for


def add_invoices(db, count: int = DEFAULT_INVOICES, seed: int = 10) -> int:
    """``count`` invoices, one per customer (the first ``count``), bulk inserted; returns how many."""
    from collections import Counter

    from dateutil.relativedelta import relativedelta
    from sqlalchemy import insert, select

    from reseller_desk.db.models import Customer, Invoice, TermsProfileRecord
    from reseller_desk.domain.billing import invoice_number
    from reseller_desk.domain.intake import PaymentMethod
    from reseller_desk.domain.invoice_document import InvoiceKind, chain_hash
    from reseller_desk.services import numbering
    from reseller_desk.services.billing.issuing import latest_hash
    from tests.services.invoice_builders import document, recurring

    rng = random.Random(seed)
    with db.transaction(write=True) as session:
        customers = list(session.execute(select(Customer.id, Customer.name).order_by(Customer.id).limit(count)))
        profile_id = session.scalar(select(TermsProfileRecord.id).where(TermsProfileRecord.key == "simpleconnect"))
        template = document()
        # After the invoices the demo office already has: the chain goes on from its head and
        # each year's numbers from its counter.
        years = Counter((FIRST_MONTH + relativedelta(months=n % MONTHS + 1)).year for n in range(len(customers)))
        sequence = {year: numbering.reserve(session, f"invoice-{year}", n) - 1 for year, n in sorted(years.items())}
        rows, previous = [], latest_hash(session)
        for n, (customer_id, name) in enumerate(customers):
            month = FIRST_MONTH + relativedelta(months=n % MONTHS)
            issue_date = month + relativedelta(months=1)
            year = issue_date.year
            sequence[year] += 1
            number = invoice_number(year, sequence[year])
            credit = n % 50 == 49
            lines = rng.randint(1, 12)
            unit = rng.choice((1980, 2980, 3980))
            line = recurring(f"C{n + 1:07d}", "ベーシック 月額", lines, unit, month=month)
            t10 = lines * unit
            tax = -(-t10 // 10)
            sign = -1 if credit else 1
            method = PaymentMethod.DEBIT if n % 3 == 0 else PaymentMethod.TRANSFER
            doc = dataclasses.replace(
                template, number=number, kind=InvoiceKind.CREDIT if credit else InvoiceKind.INVOICE,
                billing_month=month, issue_date=issue_date, payment_method=method,
                due_date=None if credit else issue_date + dt.timedelta(days=26),
                customer=dataclasses.replace(template.customer, name=name), lines=(line,),
                totals=dataclasses.replace(template.totals, taxable_10=sign * t10, tax_10=sign * tax))
            text = doc.to_json()
            content = chain_hash(previous, text)
            rows.append(dict(
                number=number, kind=doc.kind, billing_month=month, customer_id=customer_id,
                terms_profile_id=profile_id, issue_date=issue_date, due_date=doc.due_date, payment_method=method,
                customer_name=name, customer_codes=line.customer_code, taxable_10=sign * t10, tax_10=sign * tax,
                total=sign * (t10 + tax), document_json=text, previous_hash=previous, content_hash=content))
            previous = content
        for start in range(0, len(rows), 10_000):
            session.execute(insert(Invoice), rows[start:start + 10_000])
    with db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    return len(customers)


def queries():
    from reseller_desk.services.billing.invoices import InvoiceFilter
    from reseller_desk.ui.invoice.model import InvoiceQuery

    month = THIRD_MONTH
    return {
        "first page": InvoiceQuery(),
        "month filter": InvoiceQuery(InvoiceFilter(month=month)),
        "amount range": InvoiceQuery(InvoiceFilter(min_total=10_000, max_total=30_000)),
        "customer text": InvoiceQuery(InvoiceFilter(customer=SEARCH)),
        "combined": InvoiceQuery(InvoiceFilter(month=month, min_total=10_000, max_total=30_000, customer=SEARCH)),
    }


#: figure -> the customer book's search text of its baseline ("" = the book as opened).
BASELINE_SEARCH = {"first page": "", "month filter": SEARCH, "amount range": SEARCH, "customer text": SEARCH,
                   "combined": SEARCH}


def measure(db, repeats: int = 5) -> dict[str, tuple[float, int]]:
    """figure -> (median ms of the model's load, invoices found)."""
    from reseller_desk.ui.invoice.model import InvoiceTableModel

    from .run import timed

    model = InvoiceTableModel(db, load=True)  # the list as opened: the order by number held
    results = {}
    for name, query in queries().items():
        reread = name == "first page"
        found = len(model.load(query)[1])
        results[name] = (statistics.median(timed(lambda q=query, r=reread: model.load(q, reread=r))
                                           for _ in range(repeats)), found)
    return results


def baseline(db, repeats: int = 5) -> dict[str, float]:
    """figure -> median ms of the customer book's ids and first 200 rows for the same kind of read."""
    from reseller_desk.services import customers

    from .run import timed

    order = customers.customer_order(db, "name_kana")

    def book(text: str) -> None:
        matched = customers.customer_matches(db, text) if text else None
        ids = customers.filter_order(order, matched) if text else customers.customer_order(db, "name_kana")
        customers.customer_rows(db, ids[:200])

    book("")
    return {name: statistics.median(timed(lambda t=text: book(t)) for _ in range(repeats))
            for name, text in BASELINE_SEARCH.items()}


def invoice_list_figures(db_path: Path, invoices: int = DEFAULT_INVOICES, repeats: int = 5) -> list:
    """The 請求書 list at ``invoices`` invoices, each figure against the customer book on the same copy."""
    from .run import Figure, copy_database

    with tempfile.TemporaryDirectory() as folder:
        db = copy_database(db_path, Path(folder) / "invoices.sqlite3")
        try:
            added = add_invoices(db, invoices)
            measured = measure(db, repeats)
            base = baseline(db, repeats)
        finally:
            db.dispose()
    return [Figure(f"invoices {name}", ms, base[name], TARGET_MS,
                   f"{added:,} invoices, {found:,} found, ids + 200 rows, median of {repeats}; "
                   f"baseline: customer book {'search ' + repr(BASELINE_SEARCH[name]) if BASELINE_SEARCH[name] else 'as opened'}")
            for name, (ms, found) in measured.items()]
