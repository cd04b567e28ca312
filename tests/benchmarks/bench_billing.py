"""Benchmark of the billing run (月次請求) over 10,000 and 100,000 contracts of about three lines
each (a plan and two options, or a plan, an option and a one-time charge), on generated data
bulk inserted with Core (never through the services), against a baseline that writes the same
invoice and line rows with plain ``sqlite3`` executemany in one transaction.

    .venv/bin/python tests/benchmarks/bench_billing.py [--contracts 10000 100000]

The run is timed in a child process of its own, which also reports its peak memory (ru_maxrss),
so that what this process held to make the data is not counted. Target: at most 5× the
baseline (aim 3×), under 500 MB at 100,000. ``tests/benchmarks/run.py`` calls :func:`figures`.
:func:`generate` also makes the office of the kill test (tests/test_cli_bill_kill.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MONTH = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 20)
SIZES = (10_000, 100_000)
TARGET_RATIO = 5.0
TARGET_MB = 500
STAFF_LOGIN = "bench"
#: Written ``BATCH`` rows per executemany.
BATCH = 10_000


def _months_before(month: dt.date, n: int) -> dt.date:
    total = month.year * 12 + month.month - 1 - n
    return dt.date(total // 12, total % 12 + 1, 1)


def generate(db, contracts: int, *, seed: int = 1, month: dt.date = MONTH) -> dict[str, int]:
    """An office of ``contracts`` contracts billable in ``month``, bulk inserted (Core
    executemany): company details, a transfer account, plans and options of both services with
    a price change, customers (one in five with two contracts), contracts with their plan and
    option periods, one-time charges. Returns what was made."""
    from sqlalchemy import insert, select, text

    from reseller_desk.db.models import (
        BankAccount,
        CompanySettings,
        Contract,
        ContractOptionPeriod,
        ContractPlanPeriod,
        Customer,
        OneTimeCharge,
        Plan,
        PlanOption,
        PriceChange,
    )
    from reseller_desk.domain.charges import ChargeKind, TaxCategory
    from reseller_desk.domain.contract import ContractStatus
    from reseller_desk.domain.customer import CustomerKind
    from reseller_desk.domain.intake import PaymentMethod
    from reseller_desk.services import settings

    rng = random.Random(seed)
    with db.transaction(write=True) as session:
        session.execute(insert(CompanySettings), [dict(
            id=1, name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号",
            phone="03-5289-7410", registration_number="T8700110005901", row_version=1)])
        session.execute(insert(BankAccount), [dict(bank_code="0005", bank_name="三菱UFJ銀行", branch_code="331",
                                                   branch_name="神田支店", account_type="普通", account_number="1234567",
                                                   holder_kana="ｶ)ﾐﾗｲﾃﾚｺﾑ", row_version=1)])
        profiles = [settings.profile_record(session, key).id for key in ("simpleconnect", "sokujitsu")]
        plan_rows = [(profiles[0], "SC-BASIC", "ベーシック", 2980, 5000), (profiles[1], "SH-LIGHT", "ライト", 1980, 3000)]
        plans = list(session.scalars(insert(Plan).returning(Plan.id, sort_by_parameter_order=True), [
            dict(terms_profile_id=p, code=c, name=n, monthly_fee=m, initial_fee=i, row_version=1)
            for p, c, n, m, i in plan_rows]))
        option_rows = [(profiles[0], "SC-REC", "通話録音", 500, 1000), (profiles[0], "SC-VM", "留守番電話", 300, 0),
                       (profiles[1], "SH-IVR", "IVR", 800, 2000), (profiles[1], "SH-REC", "録音", 400, 0)]
        options = list(session.scalars(insert(PlanOption).returning(PlanOption.id, sort_by_parameter_order=True), [
            dict(terms_profile_id=p, code=c, name=n, monthly_fee=m, initial_fee=i, row_version=1)
            for p, c, n, m, i in option_rows]))
        session.execute(insert(PriceChange), [dict(plan_id=plans[0], from_month=_months_before(month, 3),
                                                   monthly_fee=3080, initial_fee=5000)])
        first_customer = (session.scalar(select(Customer.id).order_by(Customer.id.desc()).limit(1)) or 0) + 1
        first_contract = (session.scalar(select(Contract.id).order_by(Contract.id.desc()).limit(1)) or 0) + 1
        customers, rows, plan_periods, option_periods, charges = [], [], [], [], []
        customer_count = (contracts - 1) * 4 // 5 + 1 if contracts else 0
        for n in range(customer_count):
            corporate = n % 3 != 0
            customers.append(dict(
                id=first_customer + n, kind=CustomerKind.CORPORATE if corporate else CustomerKind.INDIVIDUAL,
                name=f"株式会社ベンチ{n}" if corporate else f"請求 太郎{n}", name_kana=f"ベンチ{n}",
                postal_code="150-0002", address=f"東京都渋谷区渋谷{n % 9 + 1}丁目{n % 30 + 1}番{n % 7 + 1}号",
                phone=f"03-{n // 10000 % 10000:04d}-{n % 10000:04d}", row_version=1))
        for n in range(contracts):
            customer_index = n * 4 // 5
            sc = customer_index % 2 == 0
            contract_id = first_contract + n
            first = month if n % 20 == 0 else _months_before(month, 1 + rng.randrange(20))
            debit = customer_index % 5 < 3
            row = dict(id=contract_id, customer_code=f"K{contract_id:07d}", customer_id=first_customer + customer_index,
                       terms_profile_id=profiles[0 if sc else 1], status=ContractStatus.ACTIVE,
                       formed_on=first - dt.timedelta(days=10), first_billable_month=first,
                       payment_method=PaymentMethod.DEBIT if debit else PaymentMethod.TRANSFER, row_version=1)
            if debit:
                row.update(debit_bank_code="0005", debit_bank_name="三菱UFJ銀行", debit_branch_code="021",
                           debit_branch_name="渋谷支店", debit_account_type="普通",
                           debit_account_number=f"{customer_index % 10_000_000:07d}", debit_holder_kana="ﾍﾞﾝﾁ")
            rows.append(row)
            plan_periods.append(dict(contract_id=contract_id, plan_id=plans[0 if sc else 1], lines=1 + n % 3,
                                     from_month=first))
            own = options[:2] if sc else options[2:]
            held = own if n % 10 < 7 else own[:1]
            option_periods.extend(dict(contract_id=contract_id, option_id=o, quantity=1 + (n + k) % 2, from_month=first)
                                  for k, o in enumerate(held))
            if len(held) == 1:
                outside = n % 2 == 0
                amount = 1460 if outside else 9800
                charges.append(dict(customer_id=first_customer + customer_index, terms_profile_id=row["terms_profile_id"],
                                    contract_id=contract_id, billing_month=month,
                                    kind=ChargeKind.LATE_INTEREST if outside else ChargeKind.EQUIPMENT_SALE,
                                    description="遅延損害金" if outside else "IP電話機", quantity=1, unit_amount=amount,
                                    amount=amount, tax_category=TaxCategory.OUTSIDE if outside else TaxCategory.TAXABLE_10))
        for model, made in ((Customer, customers), (Contract, rows), (ContractPlanPeriod, plan_periods),
                            (ContractOptionPeriod, option_periods), (OneTimeCharge, charges)):
            for start in range(0, len(made), BATCH):
                session.execute(insert(model), made[start:start + BATCH])
        if session.bind is not None and session.bind.dialect.name == "postgresql":  # ids given: move the sequences on
            for table in ("customers", "contracts"):
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))"))
    return {"customers": len(customers), "contracts": len(rows), "charges": len(charges)}


def add_staff(db, login: str = STAFF_LOGIN) -> None:
    from reseller_desk.db.models import StaffUser

    with db.transaction(write=True) as session:
        session.add(StaffUser(login=login, display_name="請求 担当", role="clerk"))


def make_office(path: Path, contracts: int) -> None:
    from reseller_desk.db.database import Database

    db = Database.open(path, create=True)
    try:
        add_staff(db)
        generate(db, contracts)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    finally:
        db.dispose()


def _child(path: str) -> int:
    """Bill MONTH on ``path`` as the bench clerk; print the time and peak memory as JSON."""
    import resource

    from sqlalchemy import select

    from reseller_desk.db.database import Database
    from reseller_desk.db.models import StaffUser
    from reseller_desk.services.auth import actor_of
    from reseller_desk.services.billing.run import bill_month

    db = Database.open(path)
    with db.transaction() as session:
        actor = actor_of(session.scalars(select(StaffUser).where(StaffUser.login == STAFF_LOGIN)).one())
    started, cpu = time.perf_counter(), time.process_time()
    summary = bill_month(db, actor, MONTH, today=TODAY)
    ms, cpu_ms = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    db.dispose()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"ms": ms, "cpu_ms": cpu_ms, "peak_mb": peak_mb, "invoices": summary.billed,
                      "status": summary.status}))
    return 0


def baseline_ms(billed: Path, empty: Path) -> tuple[float, float, int, int]:
    """The invoice and line rows the run wrote in ``billed``, written again into ``empty`` (the
    same database before the run) with plain sqlite3 executemany in one transaction."""
    source = sqlite3.connect(billed)
    invoice_columns = [r[1] for r in source.execute("PRAGMA table_info(invoices)")]
    line_columns = [r[1] for r in source.execute("PRAGMA table_info(invoice_lines)")]
    invoices = source.execute(f"SELECT {', '.join(invoice_columns)} FROM invoices ORDER BY id").fetchall()
    lines = source.execute(f"SELECT {', '.join(line_columns)} FROM invoice_lines ORDER BY id").fetchall()
    source.close()
    target = sqlite3.connect(empty, isolation_level=None)
    started, cpu = time.perf_counter(), time.process_time()
    target.execute("BEGIN IMMEDIATE")
    target.executemany(f"INSERT INTO invoices ({', '.join(invoice_columns)}) VALUES "
                       f"({', '.join('?' * len(invoice_columns))})", invoices)
    target.executemany(f"INSERT INTO invoice_lines ({', '.join(line_columns)}) VALUES "
                       f"({', '.join('?' * len(line_columns))})", lines)
    target.execute("COMMIT")
    ms, cpu_ms = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
    target.close()
    return ms, cpu_ms, len(invoices), len(lines)


def figures(sizes: Sequence[int] = SIZES, log: Callable[[str], None] = print, folder: Path | None = None) -> list:
    from tests.benchmarks.run import Figure

    made: list = []
    with tempfile.TemporaryDirectory(prefix="bench-billing-", dir=folder) as tmp:
        for contracts in sizes:
            path, empty = Path(tmp) / f"billing-{contracts}.sqlite3", Path(tmp) / f"baseline-{contracts}.sqlite3"
            started = time.perf_counter()
            make_office(path, contracts)
            shutil.copyfile(path, empty)
            log(f"billing: {contracts:,} contracts generated in {time.perf_counter() - started:.1f} s")
            child = subprocess.run([sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
                                   check=True)
            result = json.loads(child.stdout.strip().splitlines()[-1])
            base, base_cpu, invoices, lines = baseline_ms(path, empty)
            made.append(Figure(f"billing run {contracts:,} contracts", result["ms"], base, TARGET_RATIO * base,
                               f"{invoices:,} invoices, {lines:,} lines; CPU {result['cpu_ms'] / 1000:.1f} s vs "
                               f"{base_cpu / 1000:.2f} s ({result['cpu_ms'] / max(base_cpu, 1):.1f}x); peak "
                               f"{result['peak_mb']:.0f} MB (< {TARGET_MB}); target {TARGET_RATIO:.0f}x the sqlite3 "
                               "executemany baseline"))
            log(f"billing: {contracts:,} contracts billed in {result['ms'] / 1000:.1f} s "
                f"(baseline {base / 1000:.2f} s, peak {result['peak_mb']:.0f} MB)")
    return made


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contracts", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(args.child)
    from tests.benchmarks.run import format_table

    print(format_table(figures(args.contracts)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
