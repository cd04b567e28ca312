"""The tamper check of issued invoices (電子帳簿保存法: a stored invoice cannot be changed
unnoticed): ``reseller-desk verify`` and the 設定 action.

Each invoice stores ``content_hash`` = SHA-256 of the previous invoice's hash and its canonical
JSON (domain.invoice_document.chain_hash), written by services.billing.issuing in id order. The
check reads every invoice in id order, in batches (keyset pages of :data:`BATCH` invoices and
their lines, plain Core rows: 100,000 invoices take no more memory than one batch), and for
each one checks, in this order:

1. ``previous_hash`` is the hash of the invoice before (GENESIS_HASH for the first);
2. ``content_hash`` is chain_hash(that hash, ``document_json``): the document is as issued;
3. the columns copied from the document for searching (number, kind, month, dates, method,
   customer name and codes, the totals, the carried credit) say what the document says;
4. the ``invoice_lines`` rows are the document's lines: as many, in order, field for field;
5. the number is the next of its year's gapless series (services.numbering, counters
   ``invoice-YYYY``).

After the last invoice, each year's counter must not have issued numbers beyond the last one
found: the chain cannot see invoices deleted from its end, the counter can. The first invoice
that fails is named with the check it failed (Japanese); nothing after it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import Counter, Invoice, InvoiceLineRow
from reseller_desk.domain.billing import invoice_number
from reseller_desk.domain.invoice_document import GENESIS_HASH, InvoiceDocument, chain_hash
from reseller_desk.services.errors import ServiceError

__all__ = ["BATCH", "ChainCheckCancelled", "ChainFault", "ChainReport", "report_text", "verify_chain"]

#: Invoices read per page.
BATCH = 1000
#: The counter of each year's invoice numbers (services.billing.issuing).
COUNTER_PREFIX = "invoice-"


@dataclass(frozen=True)
class ChainFault:
    """The first invoice that does not match, and which check it failed (Japanese)."""

    invoice_id: int
    number: str
    reason: str


@dataclass(frozen=True)
class ChainReport:
    """``checked``: invoices found good before the fault (all of them when there is none);
    ``head_hash``: the content hash of the last invoice found good (GENESIS_HASH for none) —
    with no fault, the chain's head, which an office may note down outside the database."""

    checked: int
    fault: ChainFault | None
    head_hash: str


class ChainCheckCancelled(ServiceError):
    def __init__(self, checked: int) -> None:
        super().__init__(f"検査を中止しました（{checked:,} 件目までは異常ありません）。もう一度最初から実行できます。")
        self.checked = checked


_INVOICE_COLUMNS = (Invoice.id, Invoice.number, Invoice.kind, Invoice.billing_month, Invoice.issue_date,
                    Invoice.due_date, Invoice.payment_method, Invoice.customer_name, Invoice.customer_codes,
                    Invoice.taxable_10, Invoice.tax_10, Invoice.taxable_8, Invoice.tax_8, Invoice.exempt,
                    Invoice.outside, Invoice.total, Invoice.carried_forward, Invoice.document_json,
                    Invoice.previous_hash, Invoice.content_hash)
#: The line columns, in BillLine's terms (position is checked apart).
_LINE_FIELDS = ("kind", "customer_code", "contract_id", "description", "period_from", "period_to", "quantity",
                "unit_amount", "amount", "tax_category", "source", "source_id")
_LINE_COLUMNS = (InvoiceLineRow.invoice_id, InvoiceLineRow.position,
                 *(getattr(InvoiceLineRow, name) for name in _LINE_FIELDS))

#: Column → (its words, what the document says).
_COPIED: dict[str, tuple[str, Callable[[InvoiceDocument], Any]]] = {
    "number": ("請求書番号", lambda d: d.number),
    "kind": ("種別", lambda d: d.kind),
    "billing_month": ("対象月", lambda d: d.billing_month),
    "issue_date": ("発行日", lambda d: d.issue_date),
    "due_date": ("支払期限", lambda d: d.due_date),
    "payment_method": ("支払方法", lambda d: d.payment_method),
    "customer_name": ("請求先", lambda d: d.customer.name),
    "customer_codes": ("カスタマID", lambda d: ";".join(d.customer_codes)),
    "taxable_10": ("課税10%対象額", lambda d: d.totals.taxable_10),
    "tax_10": ("消費税10%", lambda d: d.totals.tax_10),
    "taxable_8": ("課税8%対象額", lambda d: d.totals.taxable_8),
    "tax_8": ("消費税8%", lambda d: d.totals.tax_8),
    "exempt": ("非課税", lambda d: d.totals.exempt),
    "outside": ("不課税", lambda d: d.totals.outside),
    "total": ("請求額", lambda d: d.totals.total),
    "carried_forward": ("次回繰越額", lambda d: d.carried_forward),
}
_LINE_WORDS = {"kind": "種類", "customer_code": "カスタマID", "contract_id": "契約", "description": "内容",
               "period_from": "期間（開始）", "period_to": "期間（終了）", "quantity": "数量", "unit_amount": "単価",
               "amount": "金額", "tax_category": "税区分", "source": "元データ", "source_id": "元データ"}


def _document(row: Row[Any]) -> InvoiceDocument | None:
    try:
        return InvoiceDocument.from_json(row.document_json)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _line_problem(lines: Sequence[Row[Any]], document: InvoiceDocument) -> str | None:
    if len(lines) != len(document.lines):
        return f"明細の行数（{len(lines)} 行）が内容（{len(document.lines)} 行）と一致しません。"
    for position, (row, line) in enumerate(zip(lines, document.lines, strict=True), start=1):
        if row.position != position:
            return f"明細 {position} 行目の並び（{row.position}）が内容と一致しません。"
        for name in _LINE_FIELDS:
            if getattr(row, name) != getattr(line, name):
                return f"明細 {position} 行目の{_LINE_WORDS[name]}が内容と一致しません。"
    return None


def _problem(row: Row[Any], previous: str, lines: Sequence[Row[Any]], next_numbers: dict[int, int]) -> str | None:
    """Why ``row`` does not match, or None."""
    if row.previous_hash != previous:
        return "前の請求書のハッシュとつながっていません（前の請求書が削除・変更されたか、順序が変わっています）。"
    if row.content_hash != chain_hash(previous, row.document_json):
        return "内容（document_json）のハッシュが一致しません（発行後に内容が変更されています）。"
    document = _document(row)
    if document is None:
        return "内容（document_json）を読めません。"
    for column, (words, said) in _COPIED.items():
        if getattr(row, column) != said(document):
            return f"{words}の列が内容と一致しません（発行後に変更されています）。"
    if problem := _line_problem(lines, document):
        return problem
    year = document.issue_date.year
    expected = invoice_number(year, next_numbers.get(year, 1))
    if row.number != expected:
        return f"請求書番号が連番になっていません（{expected} のはずです）。"
    next_numbers[year] = next_numbers.get(year, 1) + 1
    return None


def _lines_by_invoice(session: Session, first_id: int, last_id: int) -> dict[int, list[Row[Any]]]:
    grouped: dict[int, list[Row[Any]]] = {}
    query = select(*_LINE_COLUMNS).where(InvoiceLineRow.invoice_id.between(first_id, last_id)) \
        .order_by(InvoiceLineRow.invoice_id, InvoiceLineRow.position)
    for line in session.execute(query):
        grouped.setdefault(line.invoice_id, []).append(line)
    return grouped


def _tail_fault(session: Session, next_numbers: dict[int, int], last_of_year: dict[int, str]) -> ChainFault | None:
    """An invoice number the counter issued that no invoice has (removed from the chain's end)."""
    counters = session.execute(select(Counter.name, Counter.next_value)
                               .where(Counter.name.like(f"{COUNTER_PREFIX}%")).order_by(Counter.name)).all()
    for name, counter_next in counters:
        year_text = name.removeprefix(COUNTER_PREFIX)
        if not year_text.isdigit():
            continue
        year = int(year_text)
        found_next = next_numbers.get(year, 1)
        if counter_next > found_next:
            missing = invoice_number(year, found_next)
            last_number = last_of_year.get(year, "")
            after = f"{last_number} の後の" if last_number else ""
            return ChainFault(0, missing, f"{after}請求書 {missing} から {invoice_number(year, counter_next - 1)} "
                                          "までが見つかりません（発番済みの請求書が削除された可能性があります）。")
    return None


def verify_chain(db: Database, *, progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> ChainReport:
    """Check every issued invoice (see the module's docstring). ``progress(done, total)`` after
    each batch; ``cancelled()`` True stops the check (ChainCheckCancelled). Writes nothing."""
    with db.transaction() as session:
        total = session.scalar(select(func.count()).select_from(Invoice)) or 0
        previous, checked, last_id = GENESIS_HASH, 0, 0
        next_numbers: dict[int, int] = {}
        last_of_year: dict[int, str] = {}
        if progress is not None:
            progress(0, total)
        while True:
            if cancelled is not None and cancelled():
                raise ChainCheckCancelled(checked)
            rows = session.execute(select(*_INVOICE_COLUMNS).where(Invoice.id > last_id)
                                   .order_by(Invoice.id).limit(BATCH)).all()
            if not rows:
                break
            lines = _lines_by_invoice(session, rows[0].id, rows[-1].id)
            for row in rows:
                reason = _problem(row, previous, lines.pop(row.id, []), next_numbers)
                if reason is not None:
                    return ChainReport(checked, ChainFault(row.id, row.number, reason), previous)
                previous = row.content_hash
                checked += 1
                last_of_year[row.issue_date.year] = row.number
            last_id = rows[-1].id
            if progress is not None:
                progress(checked, max(total, checked))
        fault = _tail_fault(session, next_numbers, last_of_year)
        return ChainReport(checked, fault, previous)


def report_text(report: ChainReport) -> str:
    """What ``reseller-desk verify`` and the 設定 action say."""
    if report.fault is None:
        return f"{report.checked} 件の請求書を検査しました。改ざんは見つかりませんでした。"
    fault = report.fault
    where = f"請求書 {fault.number}" + (f"（ID {fault.invoice_id}）" if fault.invoice_id else "")
    return (f"{where}: {fault.reason}\n"
            f"その前の {report.checked:,} 件は正しく連鎖しています。バックアップと照合してください。")
