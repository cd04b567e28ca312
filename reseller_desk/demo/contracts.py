"""The demo contracts written in bulk: one executemany per table and chunk (contracts, periods,
numbers, 特約, timeline, suspensions, endings, successions, one-time charges), inside the
caller's transaction, so that 100,000 customers stay fast.

The rows are those history.py would write one at a time (the first periods from the month of
formation, a FORMED event with the status approval gives, every move of the status with its
from/to as ``transition`` walked it in demo.stories), written without the ORM's unit of work.
``recorded_by_id`` is the demo staff member who would have done it: the manager for suspensions
and terminations, the clerk for the rest.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from reseller_desk.db.models import (
    Contract,
    ContractEnding,
    ContractEvent,
    ContractNumber,
    ContractOptionPeriod,
    ContractPlanPeriod,
    OneTimeCharge,
    SpecialAgreementRow,
    Succession,
    Suspension,
)
from reseller_desk.demo.stories import Story, initial_status
from reseller_desk.domain.charges import ChargeKind, TaxCategory
from reseller_desk.domain.company import BankAccountDetails, clean_bank_account
from reseller_desk.domain.contract_history import AgreementDocument, AgreementSubject, ContractEventKind
from reseller_desk.domain.customer import CustomerDraft
from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.services import audit, numbering
from reseller_desk.services.permissions import Actor

#: Branches the demo's debit accounts are at (codes of zengin-code, names as it spells them).
DEBIT_BRANCHES = (("0001", "みずほ", "001", "東京営業部"), ("0005", "三菱ＵＦＪ", "331", "神田"),
                  ("0009", "三井住友", "220", "神田駅前"), ("0009", "三井住友", "219", "神田"),
                  ("0001", "みずほ", "004", "丸の内中央"), ("0005", "三菱ＵＦＪ", "001", "本店"))
#: The first demo phone number and the stride through the 050 block: a multiplier prime to
#: 9 × 10^7 walks every 8-digit subscriber number once, so no two demo numbers are alike.
NUMBER_BASE, NUMBER_STRIDE, NUMBER_SPAN = 10_000_000, 7_368_787, 90_000_000


def insert_rows(session: Session, table: Table, rows: list[dict], key: str) -> dict:
    """Insert ``rows`` with one executemany (the driver's fast path: no RETURNING, which SQLite
    could only give in order one INSERT per row) and map each row's ``key`` (unique among them)
    to the id it got: the new rows are those past the highest id before (this transaction
    holds the write lock)."""
    before = session.execute(select(func.max(table.c.id))).scalar() or 0
    session.execute(insert(table), rows)
    return dict(session.execute(select(table.c[key], table.c.id).where(table.c.id > before)).tuples().all())


def phone_number(serial: int) -> str:
    """The ``serial``-th demo number: 050 + 8 digits (IP telephony), digits only as stored."""
    return f"050{NUMBER_BASE + serial * NUMBER_STRIDE % NUMBER_SPAN:08d}"


class _Writer:
    """The rows of a chunk of stories, in the order they are inserted."""

    def __init__(self, session: Session, manager: Actor, clerk: Actor, now: dt.datetime, today: dt.date,
                 tax: TaxCategory, profile_ids: dict[str, int]) -> None:
        self.session, self.manager, self.clerk = session, manager, clerk
        self.now, self.today, self.tax, self.profile_ids = now, today, tax, profile_ids
        self.numbers = 0

    def at(self, day: dt.date, minutes: int) -> dt.datetime:
        """When a row about ``day`` was recorded: that day during office hours (naive UTC), or now
        for a day still to come."""
        if day >= self.today:
            return self.now
        return dt.datetime.combine(day, dt.time(0, 30)) + dt.timedelta(minutes=minutes % 480)

    def contract_row(self, story: Story, code: str, customer_id: int, customer: CustomerDraft,
                     rng: random.Random) -> dict:
        account = BankAccountDetails(account_type="")
        if story.payment is PaymentMethod.DEBIT:
            bank, bank_name, branch, branch_name = rng.choice(DEBIT_BRANCHES)
            account = clean_bank_account(BankAccountDetails(bank, bank_name, branch, branch_name, "普通",
                                                            f"{rng.randint(1, 9_999_999):07d}",
                                                            customer.name_kana.replace(" ", "")[:30]))
        return dict(
            customer_code=code, customer_id=customer_id, application_id=None,
            terms_profile_id=self.profile_ids[story.profile.key], status=story.status,
            formed_on=story.formed_on, registered_on=story.registered_on, opened_on=story.opened_on,
            first_billable_month=story.first_billable_month, last_billable_month=story.last_billable_month,
            ends_on=story.ends_on, payment_method=story.payment, revoked_on=story.revoked_on,
            accelerated_on=story.accelerated_on, service_data_deletion_due=story.service_data_deletion_due,
            import_key=None,
            created_at=self.at(story.formed_on, customer_id), created_by_id=self.clerk.user_id, row_version=1,
            debit_bank_code=account.bank_code, debit_bank_name=account.bank_name,
            debit_branch_code=account.branch_code, debit_branch_name=account.branch_name,
            debit_account_type=account.account_type, debit_account_number=account.account_number,
            debit_holder_kana=account.holder_kana)

    def write(self, stories: Sequence[Story], contract_ids: Sequence[int], customer_ids: Sequence[int]) -> None:
        rows: dict[type, list[dict]] = {model: [] for model in (
            ContractPlanPeriod, ContractOptionPeriod, ContractNumber, SpecialAgreementRow, ContractEvent,
            Suspension, Succession)}
        endings: list[tuple[Story, int, int]] = []
        for story, contract_id, customer_id in zip(stories, contract_ids, customer_ids, strict=True):
            self._history(rows, story, contract_id)
            if story.ending:
                endings.append((story, contract_id, customer_id))
            if story.succession:
                s = story.succession
                rows[Succession].append(dict(
                    contract_id=contract_id, kind=s.kind, succeeded_on=s.succeeded_on, successor_name=s.successor_name,
                    successor_customer_id=None, previous_customer_id=customer_id, proof_deadline=s.proof_deadline,
                    state="waiting", documents_received_on=None, note="", notice_id=None, row_version=1,
                    recorded_at=self.at(s.reported_on, contract_id), recorded_by_id=self.clerk.user_id))
        for model, values in rows.items():
            if values:
                self.session.execute(insert(model.__table__), values)
        self._endings(endings)

    def _history(self, rows: dict[type, list[dict]], story: Story, contract_id: int) -> None:
        clerk, manager = self.clerk.user_id, self.manager.user_id
        formed_at = self.at(story.formed_on, contract_id)
        for since, until, plan, lines in story.plans:
            rows[ContractPlanPeriod].append(dict(contract_id=contract_id, plan_id=plan.id, lines=lines,
                                                 from_month=since, until_month=until,
                                                 recorded_at=self.at(since, contract_id), recorded_by_id=clerk))
        for since, until, option, quantity in story.options:
            rows[ContractOptionPeriod].append(dict(contract_id=contract_id, option_id=option.id, quantity=quantity,
                                                   from_month=since, until_month=until,
                                                   recorded_at=self.at(since, contract_id), recorded_by_id=clerk))
        for span in story.numbers:
            rows[ContractNumber].append(dict(contract_id=contract_id, number=phone_number(self.numbers),
                                             assigned_on=span.assigned_on, released_on=span.released_on,
                                             recorded_at=self.at(span.assigned_on, contract_id),
                                             recorded_by_id=clerk))
            self.numbers += 1
        if story.agreement:
            fee, number, since = story.agreement
            rows[SpecialAgreementRow].append(dict(
                contract_id=contract_id, subject=AgreementSubject.PLAN_MONTHLY_FEE, option_id=None, monthly_fee=fee,
                condition="", document=AgreementDocument.QUOTE, document_number=number, from_month=since,
                until_month=story.last_billable_month, recorded_at=formed_at, recorded_by_id=clerk))
        start = initial_status(story.profile)
        for n, step in enumerate(story.steps):
            formed = step.kind is ContractEventKind.FORMED
            rows[ContractEvent].append(dict(
                contract_id=contract_id, kind=step.kind, action=step.action,
                from_status=step.from_status, to_status=start if formed else step.to_status,
                effective_on=step.on, reason=step.reason, notice_id=None,
                recorded_at=self.at(step.on, contract_id + n), recorded_by_id=manager if step.by_manager else clerk))
        for s in story.suspensions:
            rows[Suspension].append(dict(
                contract_id=contract_id, reason_code=s.reason_code, reason_text=s.reason_text, clause=s.clause,
                state=s.state, noticed_on=s.noticed_on, notice_id=None, starts_on=s.starts_on, planned_end_on=None,
                period_text=s.period_text, emergency=False, emergency_note="", started_on=s.started_on,
                resumed_on=s.resumed_on, row_version=1, recorded_at=self.at(s.noticed_on or s.starts_on, contract_id),
                recorded_by_id=manager))

    def _endings(self, endings: list[tuple[Story, int, int]]) -> None:
        """The endings, then the 契約解除料 of those inside the minimum term (SH §18) as one-time
        charges for the last billable month, in the tax category of 設定 (不課税 by default);
        an accelerated one (SH §27.2) goes on the immediate final invoice."""
        if not endings:
            return
        values = []
        for story, contract_id, _customer in endings:
            e = story.ending
            assert e is not None
            values.append(dict(
                contract_id=contract_id, kind=e.kind, requested_on=e.requested_on, desired_month=e.desired_month,
                effective_on=e.effective_on, last_billable_month=e.last_billable_month, grounds_code=e.grounds_code,
                grounds_text=e.grounds_text, note=e.note, early_termination_fee=e.early_termination_fee,
                accelerated=e.accelerated, service_data_deletion_due=e.service_data_deletion_due,
                taken_effect=e.taken_effect,
                superseded=False, recorded_at=self.at(e.requested_on, contract_id),
                recorded_by_id=(self.manager if e.kind == "termination" else self.clerk).user_id))
        made = insert_rows(self.session, ContractEnding.__table__, values, "contract_id")  # one per contract
        ids = [made[contract_id] for _story, contract_id, _customer in endings]
        charges = []
        for (story, contract_id, customer_id), ending_id in zip(endings, ids, strict=True):
            e = story.ending
            assert e is not None
            if e.early_termination_fee:
                plan = story.plan
                charges.append(dict(
                    customer_id=customer_id, terms_profile_id=self.profile_ids[story.profile.key],
                    contract_id=contract_id, billing_month=e.last_billable_month, kind=ChargeKind.EARLY_TERMINATION,
                    description=f"契約解除料（{plan.name}、最低利用期間 {plan.minimum_term_months}か月）",
                    quantity=1, unit_amount=e.early_termination_fee, amount=e.early_termination_fee,
                    tax_category=self.tax, source="contract_ending", source_id=ending_id, immediate=e.accelerated,
                    note="", invoice_id=None, recorded_at=self.at(e.requested_on, contract_id),
                    recorded_by_id=self.clerk.user_id))
        if charges:
            self.session.execute(insert(OneTimeCharge.__table__), charges)


def insert_contracts(session: Session, manager: Actor, clerk: Actor, stories: Sequence[Story],
                     customer_ids: Sequence[int], drafts: Sequence[CustomerDraft], *, now: dt.datetime,
                     today: dt.date, tax: TaxCategory, profile_ids: dict[str, int], rng: random.Random,
                     chunk: int = 5000) -> Counter[str]:
    """Every story's rows, its カスタマID from the counter (a block reserved at once, so the
    numbers stay 1 … n with the approvals that come after), and one audit record for them all
    with the count per status (as the customers' bulk insert does). The statuses counted."""
    first = numbering.reserve(session, "customer-code", len(stories))
    writer = _Writer(session, manager, clerk, now, today, tax, profile_ids)
    table = Contract.__table__
    for start in range(0, len(stories), chunk):
        part = stories[start:start + chunk]
        owners = [customer_ids[s.customer] for s in part]
        rows = [writer.contract_row(s, f"C{first + start + i:07d}", owner, drafts[s.customer], rng)
                for i, (s, owner) in enumerate(zip(part, owners, strict=True))]
        made = insert_rows(session, table, rows, "customer_code")
        writer.write(part, [made[row["customer_code"]] for row in rows], owners)
    statuses = Counter(story.status.label for story in stories)
    audit.record(session, manager, "demo.contracts", "contract", None,
                 after={"count": len(stories), "statuses": dict(sorted(statuses.items()))},
                 summary=f"デモ契約 {len(stories)}件（約1年の履歴つき）を作成")
    return statuses
