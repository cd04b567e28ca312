"""The month's slips for the accountant (issue 12 "The accountant's journals"): the sales journal
(one slip per issued invoice) and the receipts journal (payments, credit applied later,
write-offs, deposits), in the account names of one ledger (弥生 / freee / MF / plain CSV).

Pure: facts in (what the services read), :class:`~reseller_desk.domain.journal.Slip` out.
Accounts are *roles* (売掛金, 売上高 10% …); each ledger names a role its own way
(:data:`DEFAULTS`, overridden by 設定's mapping). A ledger that takes amounts tax-inclusive
with a tax category (弥生 課税売上込10%, freee 課税売上10%, MF 課税売上 10%) gets one 売上高
line per rate with its tax amount; the plain CSV (税抜経理) gets 売上高 before tax and
仮受消費税 per rate (:attr:`LedgerProfile.tax_inclusive`).

Decisions (docs/decisions.md, the accountant's journals):

* What a receipt leaves unapplied is 前受金 (the advance role), not a negative 売掛金; credit
  applied later moves 前受金 → 売掛金 on the day applied; a refund is 前受金 / 普通預金; a
  reversal is the receipt's slip with the signs turned.
* A negative amount is written on the other side (弥生 and MF take no negatives): a credit
  invoice (返還請求書) is 売上高 / 売掛金.
* 不課税 lines go by what they are: late interest (遅延損害金, SC §14 / SH §30) to 受取利息,
  every other 不課税 charge (損害金, 違約金, 解除料 …) to 雑収入; a carried credit (前回繰越 /
  次回繰越) is the customer's own 売掛金.
* A deposit 利用保証金 is no revenue (SC §9.10–13): received 普通預金 / 預り保証金, applied to
  unpaid charges 預り保証金 / 売掛金 (the payment of method 保証金充当), refunded 預り保証金 /
  普通預金.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from reseller_desk.domain.charges import ChargeKind
from reseller_desk.domain.journal import NOT_TAXED, JournalLine, JournalRefused, Slip
from reseller_desk.domain.payments import DepositEntryKind, PaymentKind, ReceiptMethod, WriteOffAccount

__all__ = ["DEFAULTS", "PROFILES", "AccountName", "AppliedFact", "DepositFact", "InvoiceFacts", "JournalKind",
           "Ledger", "LedgerProfile", "PaymentFact", "Role", "WriteOffFact", "accounts_of", "outside_role",
           "receipts_slips", "sales_slips"]


class Ledger(StrEnum):
    YAYOI = "yayoi"
    FREEE = "freee"
    MF = "mf"
    CSV = "csv"

    @property
    def label(self) -> str:
        return {"yayoi": "弥生会計", "freee": "freee会計", "mf": "マネーフォワード クラウド会計",
                "csv": "CSV（汎用）"}[self.value]


class JournalKind(StrEnum):
    SALES = "sales"
    RECEIPTS = "receipts"
    ALL = "all"

    @property
    def label(self) -> str:
        return {"sales": "売上仕訳", "receipts": "入金仕訳", "all": "すべて"}[self.value]


class Role(StrEnum):
    """What an account is for in these journals."""

    RECEIVABLE = "receivable"
    SALES_10 = "sales_10"
    SALES_8 = "sales_8"
    SALES_EXEMPT = "sales_exempt"
    OUTPUT_TAX_10 = "output_tax_10"
    OUTPUT_TAX_8 = "output_tax_8"
    INTEREST = "interest"
    DAMAGES = "damages"
    DEPOSIT = "deposit"
    BANK = "bank"
    CASH = "cash"
    ADVANCE = "advance"
    BAD_DEBT = "bad_debt"
    MISC_LOSS = "misc_loss"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]


_ROLE_LABELS = {
    Role.RECEIVABLE: "売掛金", Role.SALES_10: "売上（課税10%）", Role.SALES_8: "売上（軽減8%）",
    Role.SALES_EXEMPT: "売上（非課税）", Role.OUTPUT_TAX_10: "仮受消費税（10%・税抜の帳簿）",
    Role.OUTPUT_TAX_8: "仮受消費税（8%・税抜の帳簿）", Role.INTEREST: "遅延損害金（不課税）",
    Role.DAMAGES: "損害金・違約金など（不課税）", Role.DEPOSIT: "利用保証金", Role.BANK: "入金口座（振込・口座振替）",
    Role.CASH: "現金", Role.ADVANCE: "過入金（前受金）", Role.BAD_DEBT: "貸倒れ",
    Role.MISC_LOSS: "少額の償却（振込手数料の差引など）",
}


@dataclass(frozen=True)
class AccountName:
    """A role in one ledger: account, 補助科目, 税区分 (as the ledger spells them)."""

    account: str
    sub_account: str = ""
    tax_category: str = ""


@dataclass(frozen=True)
class LedgerProfile:
    """What differs between ledgers besides the names: amounts tax-inclusive with the tax
    category (the ledger splits the tax) or before tax with 仮受消費税 lines."""

    tax_inclusive: bool


PROFILES = {Ledger.YAYOI: LedgerProfile(True), Ledger.FREEE: LedgerProfile(True), Ledger.MF: LedgerProfile(True),
            Ledger.CSV: LedgerProfile(False)}


def _chart(out: str, sales_10: str, sales_8: str, exempt: str) -> dict[Role, AccountName]:
    """A standard chart's names; only the 税区分 strings differ by ledger (formats.md §3.4, §4)."""
    return {
        Role.RECEIVABLE: AccountName("売掛金", "", out), Role.SALES_10: AccountName("売上高", "", sales_10),
        Role.SALES_8: AccountName("売上高", "", sales_8), Role.SALES_EXEMPT: AccountName("売上高", "", exempt),
        Role.OUTPUT_TAX_10: AccountName("仮受消費税", "", out), Role.OUTPUT_TAX_8: AccountName("仮受消費税", "", out),
        Role.INTEREST: AccountName("受取利息", "", out), Role.DAMAGES: AccountName("雑収入", "", out),
        Role.DEPOSIT: AccountName("預り保証金", "", out), Role.BANK: AccountName("普通預金", "", out),
        Role.CASH: AccountName("現金", "", out), Role.ADVANCE: AccountName("前受金", "", out),
        Role.BAD_DEBT: AccountName("貸倒損失", "", out), Role.MISC_LOSS: AccountName("雑損失", "", out),
    }


#: Each ledger's names for the roles: 弥生 課税売上込10% / 課税売上込軽減8% / 非課売上 / 対象外
#: (formats.md §3.4), freee 課税売上10% / 課税売上8%（軽）/ 非課売上 / 対象外 (§4.1, [U]), MF
#: 課税売上 10% / 課税売上 (軽)8% / 非課税売上 / 対象外 (§4.2, with the half-width space), and
#: the plain CSV's own words.
DEFAULTS: Mapping[Ledger, Mapping[Role, AccountName]] = {
    Ledger.YAYOI: _chart(NOT_TAXED, "課税売上込10%", "課税売上込軽減8%", "非課売上"),
    Ledger.FREEE: _chart(NOT_TAXED, "課税売上10%", "課税売上8%（軽）", "非課売上"),
    Ledger.MF: _chart(NOT_TAXED, "課税売上 10%", "課税売上 (軽)8%", "非課税売上"),
    Ledger.CSV: _chart("不課税", "課税10%", "軽減8%", "非課税"),
}


def accounts_of(ledger: Ledger, overrides: Mapping[Role, AccountName]) -> dict[Role, AccountName]:
    """The names in use: the ledger's defaults with the accountant's overrides."""
    return {**DEFAULTS[ledger], **{role: name for role, name in overrides.items() if role in DEFAULTS[ledger]}}


def outside_role(charge_kind: ChargeKind | None, *, carried: bool) -> Role:
    """The account of a 不課税 invoice line: a carried credit is the customer's 売掛金; late
    interest (SC §14, SH §30) 受取利息; anything else (damages, penalties) 雑収入."""
    if carried:
        return Role.RECEIVABLE
    return Role.INTEREST if charge_kind is ChargeKind.LATE_INTEREST else Role.DAMAGES


# --- facts the services read ------------------------------------------------------------------


@dataclass(frozen=True)
class InvoiceFacts:
    """An issued invoice (or credit invoice, negative) as the sales journal needs it;
    ``outside_lines``: its 不課税 lines as (role, amount)."""

    number: str
    issue_date: dt.date
    customer_name: str
    total: int
    taxable_10: int = 0
    tax_10: int = 0
    taxable_8: int = 0
    tax_8: int = 0
    exempt: int = 0
    outside_lines: tuple[tuple[Role, int], ...] = ()
    credit: bool = False


@dataclass(frozen=True)
class AppliedFact:
    """Σ of one payment's applications to one invoice on one day."""

    payment_id: int
    invoice_number: str
    applied_on: dt.date
    amount: int


@dataclass(frozen=True)
class PaymentFact:
    payment_id: int
    kind: PaymentKind
    method: ReceiptMethod
    received_on: dt.date
    amount: int               # signed: a reversal or a refund is negative
    customer_name: str
    payer_name: str = ""


@dataclass(frozen=True)
class WriteOffFact:
    invoice_number: str
    written_on: dt.date
    amount: int
    account: WriteOffAccount
    customer_name: str


@dataclass(frozen=True)
class DepositFact:
    kind: DepositEntryKind
    on: dt.date
    amount: int
    customer_name: str
    by_payment: bool = False  # applied through a payment entry: that payment's slip carries it


# --- building slips --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    debit: bool
    role: Role
    amount: int
    tax: int | None = None
    partner: str = ""


@dataclass
class _SlipBuilder:
    names: Mapping[Role, AccountName]
    entries: list[_Entry] = field(default_factory=list)

    def add(self, debit: bool, role: Role, amount: int, *, tax: int | None = None, partner: str = "") -> None:
        if amount == 0:
            return
        if amount < 0:   # the other side (弥生 and MF take no negatives)
            debit, amount, tax = not debit, -amount, None if tax is None else -tax
        self.entries.append(_Entry(debit, role, amount, tax, partner))

    def slip(self, on: dt.date, memo: str) -> Slip | None:
        debits = [e for e in self.entries if e.debit]
        credits = [e for e in self.entries if not e.debit]
        if not debits and not credits:
            return None
        lines = []
        for index in range(max(len(debits), len(credits))):
            d = debits[index] if index < len(debits) else None
            c = credits[index] if index < len(credits) else None
            lines.append(JournalLine(
                debit_account=self._name(d).account, debit_amount=d.amount if d else 0,
                credit_account=self._name(c).account, credit_amount=c.amount if c else 0,
                debit_sub=self._name(d).sub_account, debit_tax=self._name(d).tax_category or NOT_TAXED,
                debit_tax_amount=d.tax if d else None, credit_sub=self._name(c).sub_account,
                credit_tax=self._name(c).tax_category or NOT_TAXED, credit_tax_amount=c.tax if c else None,
                memo=memo, debit_partner=d.partner if d else "", credit_partner=c.partner if c else ""))
        return Slip(on, tuple(lines), kind=3 if len(lines) > 1 else 0)

    def _name(self, entry: _Entry | None) -> AccountName:
        return self.names[entry.role] if entry else AccountName("")


def _invoice_slip(invoice: InvoiceFacts, names: Mapping[Role, AccountName], inclusive: bool) -> Slip | None:
    outside = sum(amount for _, amount in invoice.outside_lines)
    parts = invoice.taxable_10 + invoice.tax_10 + invoice.taxable_8 + invoice.tax_8 + invoice.exempt + outside
    if parts != invoice.total:
        raise JournalRefused(0, f"請求書 {invoice.number} の内訳の合計 {parts:,}円 が請求額 {invoice.total:,}円 と"
                                f"合いません（差 {parts - invoice.total:,}円）。")
    who = invoice.customer_name
    b = _SlipBuilder(names)
    b.add(True, Role.RECEIVABLE, invoice.total, partner=who)
    if inclusive:
        b.add(False, Role.SALES_10, invoice.taxable_10 + invoice.tax_10, tax=invoice.tax_10)
        b.add(False, Role.SALES_8, invoice.taxable_8 + invoice.tax_8, tax=invoice.tax_8)
    else:
        b.add(False, Role.SALES_10, invoice.taxable_10)
        b.add(False, Role.OUTPUT_TAX_10, invoice.tax_10)
        b.add(False, Role.SALES_8, invoice.taxable_8)
        b.add(False, Role.OUTPUT_TAX_8, invoice.tax_8)
    b.add(False, Role.SALES_EXEMPT, invoice.exempt)
    for role, amount in invoice.outside_lines:
        b.add(False, role, amount, partner=who if role is Role.RECEIVABLE else "")
    title = "返還請求書" if invoice.credit else "請求書"
    return b.slip(invoice.issue_date, f"{title} {invoice.number} {who}")


def sales_slips(invoices: Iterable[InvoiceFacts], names: Mapping[Role, AccountName],
                profile: LedgerProfile) -> list[Slip]:
    """One slip per invoice: 売掛金 / 売上高 (per rate), 非課税, 不課税 lines by what they are.
    Refused (:class:`JournalRefused`) when an invoice's parts do not add up to its total."""
    slips = (_invoice_slip(invoice, names, profile.tax_inclusive) for invoice in invoices)
    return [slip for slip in slips if slip is not None]


_MONEY = {ReceiptMethod.CASH: Role.CASH, ReceiptMethod.DEPOSIT: Role.DEPOSIT}
_PAYMENT_WORDS = {PaymentKind.RECEIPT: "入金", PaymentKind.REVERSAL: "入金取消", PaymentKind.REFUND: "返金"}


def receipts_slips(payments: Sequence[PaymentFact], applied: Sequence[AppliedFact],
                   write_offs: Sequence[WriteOffFact], deposits: Sequence[DepositFact],
                   names: Mapping[Role, AccountName]) -> list[Slip]:
    """The money side of the month, in date order: each payment entry (money / 売掛金 per
    invoice it settled that day, the rest 前受金); credit applied on another day (前受金 /
    売掛金); write-offs (貸倒損失 or 雑損失 / 売掛金); deposits received and refunded."""
    by_payment = {p.payment_id: p for p in payments}
    dated: list[tuple[dt.date, int, Slip]] = []

    def keep(on: dt.date, slip: Slip | None) -> None:
        if slip is not None:
            dated.append((on, len(dated), slip))

    same_day: dict[int, list[AppliedFact]] = {}
    later: dict[tuple[int, dt.date], list[AppliedFact]] = {}
    for fact in applied:
        payment = by_payment.get(fact.payment_id)
        if payment is not None and fact.applied_on == payment.received_on:
            same_day.setdefault(fact.payment_id, []).append(fact)
        else:
            later.setdefault((fact.payment_id, fact.applied_on), []).append(fact)
    for payment in payments:
        b = _SlipBuilder(names)
        who = payment.customer_name
        b.add(True, _MONEY.get(payment.method, Role.BANK), payment.amount)
        settled = same_day.get(payment.payment_id, [])
        for fact in settled:
            b.add(False, Role.RECEIVABLE, fact.amount, partner=who)
        b.add(False, Role.ADVANCE, payment.amount - sum(f.amount for f in settled), partner=who)
        numbers = "・".join(f.invoice_number for f in settled)
        memo = f"{payment.method.label}{_PAYMENT_WORDS[payment.kind]} {who}" + (f"（{numbers}）" if numbers else "")
        keep(payment.received_on, b.slip(payment.received_on, memo))
    for (_, on), facts in later.items():
        b = _SlipBuilder(names)
        for fact in facts:
            b.add(True, Role.ADVANCE, fact.amount)
            b.add(False, Role.RECEIVABLE, fact.amount)
        keep(on, b.slip(on, f"過入金の充当（{'・'.join(f.invoice_number for f in facts)}）"))
    for w in write_offs:
        b = _SlipBuilder(names)
        b.add(True, Role.BAD_DEBT if w.account is WriteOffAccount.BAD_DEBT else Role.MISC_LOSS, w.amount)
        b.add(False, Role.RECEIVABLE, w.amount, partner=w.customer_name)
        keep(w.written_on, b.slip(w.written_on, f"{w.account.label} 請求書 {w.invoice_number} {w.customer_name}"))
    for d in deposits:
        if d.by_payment:
            continue
        b = _SlipBuilder(names)
        received = d.kind is DepositEntryKind.RECEIVED
        b.add(True, Role.BANK if received else Role.DEPOSIT, d.amount)
        b.add(False, Role.DEPOSIT if received else Role.RECEIVABLE if d.kind is DepositEntryKind.APPLIED
              else Role.BANK, d.amount, partner=d.customer_name)
        keep(d.on, b.slip(d.on, f"利用保証金 {d.kind.label} {d.customer_name}"))
    dated.sort(key=lambda item: (item[0], item[1]))
    return [slip for _, _, slip in dated]
