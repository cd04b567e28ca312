"""Contracts with phone numbers, and the providers' usage files that charge calls to them, for
the tests of the call charges import (service, CLI and dialog)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from reseller_desk import clock
from reseller_desk.db.models import Contract, ContractNumber
from reseller_desk.domain.usage_file import COLUMNS
from reseller_desk.services.contracts.importing import import_contracts

from .builders import TODAY
from .import_rows import csv_bytes, sc_row, sh_row, source_rows

MONTH = dt.date(2026, 11, 1)
#: The day the tests run (the clock frozen): November has ended.
AFTER_MONTH = dt.datetime(2026, 12, 2, 10, 0)
ASSIGNED_ON = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def after_november():
    """The clock at 2026-12-02 (imported into a test module, it runs for each of its tests)."""
    with clock.frozen(AFTER_MONTH):
        yield


@dataclass(frozen=True)
class Line:
    contract_id: int
    customer_code: str
    number: str          # as stored: digits
    customer_id: int
    terms_profile_id: int

    @property
    def typed(self) -> str:
        """The number as a provider writes it: 03-1234-5678."""
        return f"{self.number[:2]}-{self.number[2:6]}-{self.number[6:]}"


def lines_on_file(db, clerk, count: int, *, start: int = 1, service: str = "sc") -> list[Line]:
    """``count`` contracts brought in (移行), each holding one number since 2026-10-01:
    0300000001, 0300000002, … (from ``start``)."""
    make = sc_row if service == "sc" else sh_row
    rows = [make(n) for n in range(start, start + count)]
    result = import_contracts(db, clerk, source_rows(rows), source_name=f"移行{start}.csv", today=TODAY)
    lines = []
    with db.transaction(write=True) as session:
        for n, code in enumerate(result.customer_codes, start=start):
            contract = session.scalars(select(Contract).where(Contract.customer_code == code)).one()
            number = f"03{n:08d}"
            session.add(ContractNumber(contract_id=contract.id, number=number, assigned_on=ASSIGNED_ON))
            lines.append(Line(contract.id, code, number, contract.customer_id, contract.terms_profile_id))
    return lines


def call(number: str = "", when: str = "2026-11-03 09:05", *, destination: str = "090-1111-2222", seconds: str = "60",
         amount: str = "10", code: str = "") -> dict[str, str]:
    return {"電話番号": number, "カスタマID": code, "日時": when, "発信先": destination, "秒数": seconds, "金額": amount}


def calls_of(lines: Iterable[Line], count: int) -> list[dict[str, str]]:
    """``count`` different calls spread over ``lines`` and November, amounts 1–9 yen."""
    lines = list(lines)
    return [call(lines[i % len(lines)].typed, f"2026-11-{1 + i % 30:02d} {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}",
                 seconds=str(i % 600), amount=str(1 + i % 9))
            for i in range(count)]


def usage_csv(rows: Iterable[Mapping[str, str]], encoding: str = "utf-8", columns: Iterable[str] = COLUMNS) -> bytes:
    """The file a provider sends: a header row, then one call per row."""
    return csv_bytes(rows, encoding, columns)
