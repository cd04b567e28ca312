"""The two printed notices of a warranty replacement (SC §21), one-page letters in the layout
of ``reports.letter``: 交換機器送付のご案内 (sent with the replacement) and 交換前機器返送のお願い
(once it was received: the deadline and the penalty). Each prints only the facts of its
``domain.replacement_notices`` details; ``render_replacement_notice`` picks the renderer by the
details' class.
"""

from __future__ import annotations

from typing import ClassVar

from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.domain.replacement_notices import (
    ReplacedUnitReturnDetails,
    ReplacementNoticeDetails,
    ReplacementSentDetails,
)
from reseller_desk.reports.format import jp_date, yen
from reseller_desk.reports.letter import SP, NoticeRenderer, Row, UnprintableNotice

__all__ = ["ReplacedUnitReturnRenderer", "ReplacementSentRenderer", "UnprintableNotice", "render_replacement_notice"]

#: SC §21.2: the customer may send the old unit cash on delivery.
CASH_ON_DELIVERY = "送料着払いでご返送いただけます。"
WARRANTY_GOES_ON = "交換品はご購入の機器の保証期間を引き継ぎます。"


class _ReplacementRenderer(NoticeRenderer):
    def __init__(self, doc: NoticeDocument, details: ReplacementNoticeDetails) -> None:
        super().__init__(doc)
        self.details = details

    def unit_text(self, serial: str, mac: str = "") -> str:
        return "\n".join(p for p in (f"製造番号{SP}{serial}", f"MAC アドレス{SP}{mac}" if mac else "") if p)

    def contact_row(self) -> Row:
        i = self.doc.issuer
        parts = (i.name, f"TEL{SP}{i.phone}" if i.phone else "", f"E-mail{SP}{i.email}" if i.email else "")
        return Row("お問い合わせ先", "\n".join(p for p in parts if p))

    def penalty_row(self, penalty: int, clause: str, deadline_text: str) -> Row:
        return Row("ご返送がない場合", f"{deadline_text}までにご返送がない場合、違約金を申し受けます（税込）",
                   amount=yen(penalty), note=f"{clause}（ご契約時の機器の販売価格に消費税相当額を加えた額）")


class ReplacementSentRenderer(_ReplacementRenderer):
    """交換機器送付のご案内: the new unit, what to send back, within how long, how, at what cost."""

    kind = NoticeKind.REPLACEMENT_SENT
    details: ReplacementSentDetails

    def body_paragraphs(self) -> list[str]:
        d = self.details
        return [
            f"さて、{self.service()}でご購入いただいた機器（カスタマID{SP}{self.m(d.customer_code)}）につきまして、"
            f"保証規定に基づき、下記のとおり交換品を{jp_date(d.shipped_on)}に発送いたしましたので、ご案内申し上げます。",
            f"{self.m(d.return_clause)}に基づき、交換前の機器は、交換品を<b>お受け取りになった日から{d.return_days}日以内</b>に"
            f"下記の返送先までご返送ください。{CASH_ON_DELIVERY}",
        ]

    def record_rows(self) -> list[Row]:
        d = self.details
        rows = [
            Row("カスタマID", d.customer_code),
            Row("サービス", self.doc.service_name),
            Row("機種", d.model_name),
            Row("お送りした交換品", self.unit_text(d.new_serial, d.new_mac)),
            Row("発送日", jp_date(d.shipped_on)),
            Row("ご返送いただく機器", f"交換前の機器本体\n{self.unit_text(d.old_serial)}"),
            Row("ご返送の期限", f"交換品のお受け取り日から{d.return_days}日以内", note=d.return_clause),
            Row("返送先", d.place, note=CASH_ON_DELIVERY),
            self.penalty_row(d.penalty, d.penalty_clause, "期限"),
        ]
        if d.warranty_ends_on is not None:
            rows.append(Row("保証期間", f"{jp_date(d.warranty_ends_on)}まで", note=WARRANTY_GOES_ON))
        rows.append(self.contact_row())
        return rows

    def record_notes(self) -> list[str]:
        return ["※ 交換品をお受け取りになりましたら、お受け取り日を当社にお知らせください。"
                "返送期限の日付をあらためてご案内いたします。"]


class ReplacedUnitReturnRenderer(_ReplacementRenderer):
    """交換前機器返送のお願い: the deadline (received + 14 days, SC §21.2) and the penalty."""

    kind = NoticeKind.REPLACED_UNIT_RETURN
    details: ReplacedUnitReturnDetails
    title_deadline: ClassVar[str] = "ご返送の期限"

    def body_paragraphs(self) -> list[str]:
        d = self.details
        return [
            f"さて、{jp_date(d.shipped_on)}にお送りした交換品（カスタマID{SP}{self.m(d.customer_code)}）を"
            f"{jp_date(d.received_on)}にお受け取りいただいたことを確認いたしました。",
            f"{self.m(d.return_clause)}に基づき、交換前の機器を<b>{jp_date(d.deadline)}</b>までに下記の返送先へ"
            f"ご返送くださいますようお願い申し上げます。{CASH_ON_DELIVERY}",
            f"期限までにご返送がない場合、違約金として {yen(d.penalty)}（税込）を申し受けます"
            f"（{self.m(d.penalty_clause)}）。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.details
        return [
            Row("カスタマID", d.customer_code),
            Row("サービス", self.doc.service_name),
            Row("機種", d.model_name),
            Row("ご返送いただく機器", f"交換前の機器本体\n{self.unit_text(d.old_serial)}"),
            Row("交換品", self.unit_text(d.new_serial)),
            Row("交換品のお受け取り日", jp_date(d.received_on)),
            Row(self.title_deadline, jp_date(d.deadline), note=d.return_clause),
            Row("返送先", d.place, note=CASH_ON_DELIVERY),
            self.penalty_row(d.penalty, d.penalty_clause, jp_date(d.deadline)),
            self.contact_row(),
        ]


_RENDERERS: dict[type[object], type[_ReplacementRenderer]] = {
    ReplacementSentDetails: ReplacementSentRenderer, ReplacedUnitReturnDetails: ReplacedUnitReturnRenderer}


def render_replacement_notice(doc: NoticeDocument, details: ReplacementNoticeDetails) -> bytes:
    """The notice as PDF bytes (A4, fonts embedded; same input, same bytes). UnprintableNotice
    when it cannot be laid out; ValueError when the details do not fit the kind."""
    renderer = _RENDERERS[type(details)]
    if doc.kind != renderer.kind:
        raise ValueError(f"{NoticeKind(doc.kind).label}に {type(details).__name__} は使えません")
    return renderer(doc, details).render()
