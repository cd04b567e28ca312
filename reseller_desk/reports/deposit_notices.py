"""利用保証金預託のお願い in the layout of ``reports.letter`` (SC §9.10–13): why it is asked (the
contract's monthly charges over the terms' line), the amount and the deadline, that it bears no
interest and is applied to unpaid charges, what happens when it is not paid, and where to pay it.
It prints only the facts of its ``domain.deposit_notices`` document; one A4 page.
"""

from __future__ import annotations

from typing import cast

from reseller_desk.domain.deposit_notices import DepositNoticeDetails, DepositNoticeDocument, unpaid_text
from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.reports.format import jp_date, jp_month, yen
from reseller_desk.reports.letter import SP, NoticeRenderer, Row, UnprintableNotice

__all__ = ["DepositRequestRenderer", "UnprintableNotice", "render_deposit_notice"]


class DepositRequestRenderer(NoticeRenderer):
    """利用保証金預託のお願い: issued by a manager for one contract."""

    kind = NoticeKind.DEPOSIT_REQUEST

    def __init__(self, doc: DepositNoticeDocument) -> None:
        # The letter reads the parts every notice has (number, date, issuer, addressee, title);
        # a deposit notice has them under the same names.
        super().__init__(cast(NoticeDocument, doc))
        self.d: DepositNoticeDetails = doc.details

    def body_paragraphs(self) -> list[str]:
        d = self.d
        return [
            f"さて、{self.service()}のご契約（カスタマID{SP}{self.m(d.customer_code)}）につきまして、"
            f"月間のご利用料金等が1IDあたり{d.threshold:,}円を超えておりますため、利用規約"
            f"（{self.m(d.clause)}）に基づき、下記のとおり利用保証金のお預けをお願い申し上げます。",
            f"誠に恐れ入りますが、<b>{jp_date(d.deadline)}</b>までに下記の口座へお振込みくださいますよう"
            "お願いいたします。",
        ]

    def charges_row(self) -> Row:
        d = self.d
        month = f"{jp_month(d.billing_month)}分" if d.billing_month else "見込み"
        return Row("月間のご利用料金等", f"{month}（税抜）", amount=yen(d.monthly_charges),
                   note=f"1IDあたり{d.threshold:,}円を超える場合にお預かりします。")

    def account_row(self) -> Row:
        lines = [f"{a.bank_name}{SP}{a.branch_name}{SP}{a.account_type}{SP}{a.account_number}"
                 f"{SP}口座名義{SP}{a.holder_kana}" for a in self.d.accounts]
        return Row("お振込先", "\n".join(lines), note="振込手数料はお客様のご負担となります。")

    def contact_row(self) -> Row:
        i = self.doc.issuer
        parts = (i.name, f"TEL{SP}{i.phone}" if i.phone else "", f"E-mail{SP}{i.email}" if i.email else "")
        return Row("お問い合わせ先", "\n".join(p for p in parts if p))

    def record_rows(self) -> list[Row]:
        d = self.d
        rows = [
            Row("カスタマID", d.customer_code),
            Row("サービス", self.doc.service_name),
            self.charges_row(),
            Row("利用保証金の額", "消費税の対象外です（不課税）", amount=yen(d.amount)),
            Row("お預け期日", f"{jp_date(d.deadline)}（必着）"),
            self.account_row(),
            Row("利息", "利用保証金には利息を付しません。"),
            Row("充当", "ご利用料金等のお支払いがなされなかった場合は、利用保証金をその料金等に充当いたします。"
                       "ご契約の終了時には、未払いの料金等に充当したうえで、残額をご返還いたします。"),
            Row("期日を過ぎた場合", unpaid_text(jp_date(d.deadline), d.unpaid_clause)),
        ]
        if d.note:
            rows.append(Row("備考", d.note))
        rows.append(self.contact_row())
        return rows


def render_deposit_notice(doc: DepositNoticeDocument) -> bytes:
    """The letter as PDF bytes (A4, fonts embedded); UnprintableNotice when it cannot be laid out."""
    if NoticeKind(doc.kind) is not NoticeKind.DEPOSIT_REQUEST:
        raise ValueError(f"not a deposit notice: {doc.kind!r}")
    return DepositRequestRenderer(doc).render()
