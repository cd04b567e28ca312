"""The dunning letters, in the layout of ``reports.letter``: 督促状 (the overdue invoices, what
each owes, the total, where to pay) and 催告書 (the same, the day to pay by, and the day the
service is suspended if it is not paid, with the clause: SC §24.1(8), SH §23.1(1)–§23.2). Each
prints only the facts of its ``domain.dunning_notices`` document; a normal list fits one page.
"""

from __future__ import annotations

from typing import cast

from reseller_desk.domain.dunning_notices import DunningNoticeDetails, DunningNoticeDocument
from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.reports.format import jp_date, jp_month, yen
from reseller_desk.reports.letter import SP, NoticeRenderer, Row, UnprintableNotice

__all__ = ["DunningLetterRenderer", "FinalDemandRenderer", "UnprintableNotice", "render_dunning_notice"]


class _DunningRenderer(NoticeRenderer):
    """A letter about overdue invoices: the invoices, the total, where to pay, the contact."""

    def __init__(self, doc: DunningNoticeDocument) -> None:
        # The letter reads the parts every notice has (number, date, issuer, addressee, title)
        # under the same names.
        super().__init__(cast(NoticeDocument, doc))
        self.d: DunningNoticeDetails = doc.details

    def invoice_rows(self) -> list[Row]:
        rows = [Row("未入金の請求書", f"{line.number}{SP}{jp_month(line.billing_month)}ご利用分",
                    amount=yen(line.owed), note=f"お支払期日{SP}{jp_date(line.due_date)}")
                for line in self.d.invoices]
        return [*rows, Row("未入金額の合計", f"{len(self.d.invoices)}件", amount=yen(self.d.total))]

    def account_row(self) -> Row:
        lines = [f"{a.bank_name}{SP}{a.branch_name}{SP}{a.account_type}{SP}{a.account_number}{SP}{a.holder_kana}"
                 for a in self.d.accounts]
        return Row("お振込先", "\n".join(lines), note="振込手数料はお客様のご負担となります。")

    def contact_row(self) -> Row:
        i = self.doc.issuer
        parts = (i.name, f"TEL{SP}{i.phone}" if i.phone else "", f"E-mail{SP}{i.email}" if i.email else "")
        return Row("お問い合わせ先", "\n".join(p for p in parts if p))

    def head_rows(self) -> list[Row]:
        rows = [Row("サービス", self.doc.service_name)]
        if self.d.customer_codes:
            rows.insert(0, Row("カスタマID", "、".join(self.d.customer_codes)))
        return rows

    def record_notes(self) -> list[str]:
        notes = [self.d.late_interest_note] if self.d.late_interest_note else []
        return [*notes, "本状と行き違いにお支払いいただいた場合は、ご容赦ください。"]


class DunningLetterRenderer(_DunningRenderer):
    """督促状: the due date has passed and the invoices are not (fully) paid."""

    kind = NoticeKind.DUNNING_LETTER

    def body_paragraphs(self) -> list[str]:
        return [
            f"さて、{self.service()}のご利用料金につきまして、下記の請求書のお支払期日を過ぎましたが、"
            "本日現在、当社ではお支払いを確認できておりません。",
            "お手数ながら、下記の金額を至急お振込みくださいますようお願い申し上げます。"
            "ご不明な点がございましたら、下記のお問い合わせ先までご連絡ください。",
        ]

    def record_rows(self) -> list[Row]:
        return [*self.head_rows(), *self.invoice_rows(), self.account_row(), self.contact_row()]


class FinalDemandRenderer(_DunningRenderer):
    """催告書: the last request before the service is suspended."""

    kind = NoticeKind.FINAL_DEMAND

    def body_paragraphs(self) -> list[str]:
        d = self.d
        assert d.pay_by is not None and d.suspension_on is not None
        paragraphs = [
            f"さて、{self.service()}のご利用料金につきまして、これまでお支払いをお願いしてまいりましたが、"
            "本日現在、下記の請求書のお支払いを確認できておりません。",
            f"つきましては、<b>{jp_date(d.pay_by)}</b>までに下記の金額をお支払いくださいますよう、本書をもって"
            f"催告いたします。期限までにお支払いを確認できない場合は、利用規約（{self.m(d.clause)}）に基づき、"
            f"<b>{jp_date(d.suspension_on)}</b>からサービスのご利用を停止させていただきます。",
        ]
        if d.notice_clause:
            paragraphs.append(f"利用を停止する場合は、その理由、開始日及び期間を改めて利用停止予告通知書で"
                              f"お知らせします（{self.m(d.notice_clause)}）。")
        return paragraphs

    def record_rows(self) -> list[Row]:
        d = self.d
        assert d.pay_by is not None and d.suspension_on is not None
        return [
            *self.head_rows(), *self.invoice_rows(),
            Row("お支払期限", jp_date(d.pay_by), note="この日までに当社がお支払いを確認できるようお振込みください。"),
            Row("利用停止予定日", jp_date(d.suspension_on),
                note=f"お支払いを確認できない場合の停止の開始日です（{d.clause}）。お支払いの確認まで停止します。"),
            self.account_row(), self.contact_row(),
        ]


RENDERERS: dict[NoticeKind, type[_DunningRenderer]] = {
    NoticeKind.DUNNING_LETTER: DunningLetterRenderer, NoticeKind.FINAL_DEMAND: FinalDemandRenderer,
}


def render_dunning_notice(doc: DunningNoticeDocument) -> bytes:
    """The letter as PDF bytes (A4, fonts embedded); UnprintableNotice when it cannot be laid out."""
    try:
        cls = RENDERERS[NoticeKind(doc.kind)]
    except (KeyError, ValueError):
        raise ValueError(f"not a dunning notice: {doc.kind!r}") from None
    return cls(doc).render()
