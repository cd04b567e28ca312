"""口座振替不能のお知らせ in the layout of ``reports.letter``: the invoices whose debit failed, the
bank's reason, the amount, the new due date and the office's accounts to pay into by transfer.
It prints only the facts of its ``domain.debit_notices`` document."""

from __future__ import annotations

from typing import cast

from reseller_desk.domain.debit_notices import DebitFailedDetails, DebitFailedDocument
from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.reports.format import jp_date, yen
from reseller_desk.reports.letter import SP, NoticeRenderer, Row, UnprintableNotice

__all__ = ["DebitFailedRenderer", "UnprintableNotice", "render_debit_notice"]


class DebitFailedRenderer(NoticeRenderer):
    kind = NoticeKind.DEBIT_FAILED

    def __init__(self, doc: DebitFailedDocument) -> None:
        # the letter reads the parts every notice has (number, date, issuer, addressee, title)
        super().__init__(cast(NoticeDocument, doc))
        self.d: DebitFailedDetails = doc.details

    def body_paragraphs(self) -> list[str]:
        d = self.d
        return [
            f"さて、{self.service()}のご利用料金につきまして、{jp_date(d.collection_date)}に"
            "ご指定の口座からの振替（引き落とし）を金融機関に依頼いたしましたが、下記の理由により"
            "振替ができませんでした。",
            f"つきましては、お手数ですが下記の金額を<b>{jp_date(d.transfer_due)}</b>までに当社の口座へ"
            "お振り込みくださいますようお願い申し上げます。なお、本状と行き違いにお支払いいただいている"
            "場合は、ご容赦ください。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.d
        rows = []
        if d.customer_codes:
            rows.append(Row("カスタマID", "、".join(d.customer_codes)))
        for line in d.lines:
            rows.append(Row(f"請求書{SP}{line.invoice_number}",
                            f"{line.billing_month.year}年{line.billing_month.month}月ご利用分",
                            amount=yen(line.amount), note=f"振替できなかった理由: {line.reason}"))
        if len(d.lines) > 1:
            rows.append(Row("お支払い金額の合計", "", amount=yen(d.total)))
        rows.append(Row("お振込期限", jp_date(d.transfer_due)))
        accounts = [f"{a.bank_name}{SP}{a.branch_name}{SP}{a.account_type}{SP}{a.account_number}\n"
                    f"口座名義{SP}{a.holder_kana}" for a in d.accounts]
        rows.append(Row("お振込先", "\n".join(accounts) or "当社までお問い合わせください",
                        note="振込手数料はお客様のご負担となります。"))
        i = self.doc.issuer
        parts = (i.name, f"TEL{SP}{i.phone}" if i.phone else "", f"E-mail{SP}{i.email}" if i.email else "")
        rows.append(Row("お問い合わせ先", "\n".join(p for p in parts if p)))
        return rows

    def record_notes(self) -> list[str]:
        return ["次回以降のご請求は、引き続きご指定の口座から振替いたします。口座の残高をご確認ください。"]


def render_debit_notice(doc: DebitFailedDocument) -> bytes:
    """The letter as PDF bytes (A4, fonts embedded); UnprintableNotice when it cannot be laid out."""
    if NoticeKind(doc.kind) is not NoticeKind.DEBIT_FAILED:
        raise ValueError(f"not a debit notice: {doc.kind!r}")
    return DebitFailedRenderer(doc).render()
