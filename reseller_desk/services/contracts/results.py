"""What the contract lifecycle's services give back: plain frozen data for the screens and the
command line (services.contracts.lifecycle)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionResult:
    """The outcome of one action on a contract: a short Japanese ``message`` for the screen, the
    notice issued with it (None when none was), and the contract's ``row_version`` after it
    (the ``expected_version`` of the next action on the same screen)."""

    contract_id: int
    message: str
    notice_id: int | None
    row_version: int


@dataclass(frozen=True)
class Reason:
    """A ground of suspension of the contract's terms (the profile's [suspension].reasons)."""

    code: str
    text: str
    clause: str
    until_paid: bool


@dataclass(frozen=True)
class SuspensionTerms:
    """What the suspend dialog shows: whether the customer must be told beforehand (SH §23.2)
    or not (SC §24.1), the message that says so, and the reasons the terms allow."""

    notice_required: bool
    clause: str
    message: str
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Ground:
    """A ground of termination by the company (the profile's [termination].grounds)."""

    code: str
    text: str
    clause: str


@dataclass(frozen=True)
class TerminationTerms:
    clause: str
    accelerates: bool
    message: str
    grounds: tuple[Ground, ...]


@dataclass(frozen=True)
class CancellationPreview:
    """What accepting a cancellation requested on this day for this month would record (SC §23,
    SH §18, §26); ``problem`` is why the desired month cannot be (naming the cutoff and the
    earliest month), None when it can. Writes nothing."""

    effective_on: dt.date
    last_billable_month: dt.date
    earliest_month: dt.date
    problem: str | None
    early_termination_fee: int
    fee_note: str
    service_data_deletion_due: dt.date | None
    equipment_note: str


@dataclass(frozen=True)
class SuccessionRow:
    """A succession waiting for its proof (SH §20.1), for the list and 本日の業務."""

    id: int
    contract_id: int
    customer_code: str
    customer_name: str
    kind: str
    kind_label: str
    succeeded_on: dt.date
    successor_name: str
    proof_deadline: dt.date
    days_left: int          # negative: past the deadline
    overdue: bool
    contract_row_version: int
