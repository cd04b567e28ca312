"""The letters about lent units, in the layout of ``reports.letter``: 機器返却のお願い (SH §13.4:
the units, accessories, deadline, place, what a late return costs) and its reminder (返却督促:
how late it is and the penalty so far, SH §13.5). Each prints only the facts of its
``domain.return_notices`` document. :func:`combined_pdf` puts issued letters into one file to
print, page for page as they were issued.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import cast

from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.domain.return_notices import ReturnNoticeDetails, ReturnNoticeDocument, late_cost_text
from reseller_desk.reports.format import jp_date, yen
from reseller_desk.reports.letter import SP, NoticeRenderer, Row, UnprintableNotice

__all__ = ["ReturnReminderRenderer", "ReturnRequestRenderer", "UnprintableNotice", "combined_pdf",
           "render_return_notice"]


class _ReturnRenderer(NoticeRenderer):
    """A letter about lent units: the shared rows (the contract, the units, the deadline, the
    place, the late cost, the contact)."""

    def __init__(self, doc: ReturnNoticeDocument) -> None:
        # The letter reads the parts every notice has (number, date, issuer, addressee, title);
        # a return notice has them under the same names.
        super().__init__(cast(NoticeDocument, doc))
        self.d: ReturnNoticeDetails = doc.details

    def unit_rows(self) -> list[Row]:
        """The units, one line each, and what to send with them: one row (a contract may have
        several phones; the letter stays one page)."""
        units = self.d.units
        lines = [f"{u.model_name}{SP}製造番号{SP}{u.serial}" for u in units]
        by_model: dict[str, tuple[str, ...]] = {}
        for u in units:
            by_model.setdefault(u.model_name, u.accessories)
        if len(by_model) == 1:
            [accessories] = by_model.values()
            note = f"同梱する付属品（1台ごと）: {'、'.join(accessories) or 'なし'}"
        else:
            note = "同梱する付属品（1台ごと）: " + "／".join(f"{model} {'、'.join(a) or 'なし'}"
                                                     for model, a in by_model.items())
        label = "返却機器" if len(units) == 1 else f"返却機器（{len(units)}台）"
        return [Row(label, "\n".join(lines), note=note)]

    def common_rows(self) -> list[Row]:
        d = self.d
        return [
            Row("カスタマID", d.customer_code),
            Row("サービス", self.doc.service_name),
            Row("契約終了日", jp_date(d.contract_ended_on)),
            *self.unit_rows(),
            Row("返却期限", f"{jp_date(d.deadline)}（必着）"),
            Row("返却先", d.place, note="返送の費用はお客様のご負担となります。"),
        ]

    def late_row(self) -> Row:
        d = self.d
        return Row("返却が遅れた場合", late_cost_text(d.monthly_charges, d.multiplier, d.late_clause))

    def contact_row(self) -> Row:
        i = self.doc.issuer
        parts = (i.name, f"TEL{SP}{i.phone}" if i.phone else "", f"E-mail{SP}{i.email}" if i.email else "")
        return Row("お問い合わせ先", "\n".join(p for p in parts if p))

    def record_notes(self) -> list[str]:
        return ["付属品が不足している場合や破損している場合は、付属品の代金または修理代相当額を申し受けます。"]


class ReturnRequestRenderer(_ReturnRenderer):
    """機器返却のお願い: issued when the contract ends."""

    kind = NoticeKind.RETURN_REQUEST

    def body_paragraphs(self) -> list[str]:
        d = self.d
        return [
            f"さて、{self.service()}のご契約（カスタマID{SP}{self.m(d.customer_code)}）の終了に伴い、"
            f"当社がお貸ししている下記の機器を、付属品とともに<b>{jp_date(d.deadline)}</b>までに"
            f"下記の返却先へご返却くださいますようお願い申し上げます（{self.m(d.clause)}）。",
            "機器の梱包には、製造番号を確認のうえ、下記の付属品を同梱してください。",
        ]

    def record_rows(self) -> list[Row]:
        return [*self.common_rows(), self.late_row(), self.contact_row()]


class ReturnReminderRenderer(_ReturnRenderer):
    """返却督促: the deadline has passed and the unit is not back."""

    kind = NoticeKind.RETURN_REMINDER

    def body_paragraphs(self) -> list[str]:
        d = self.d
        return [
            f"さて、{self.service()}のご契約（カスタマID{SP}{self.m(d.customer_code)}）の終了に伴いご返却を"
            f"お願いしておりました下記の機器について、返却期限の{jp_date(d.deadline)}を過ぎましたが、"
            "本日現在、当社ではご返却を確認できておりません。",
            "つきましては、至急ご返却くださいますようお願い申し上げます。なお、本状と行き違いにご返却"
            "いただいている場合は、ご容赦ください。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.d
        as_of = jp_date(d.as_of) if d.as_of else ""
        return [
            *self.common_rows(),
            Row("返却の遅延", f"{d.days_late:,}日（{d.months_late}カ月分）", note=f"{as_of}現在"),
            Row("遅延損害金", "ご返却の完了日まで1カ月ごとに加算されます", amount=yen(d.penalty_so_far),
                note=f"{as_of}現在の額です。"),
            self.late_row(),
            self.contact_row(),
        ]


RENDERERS: dict[NoticeKind, type[_ReturnRenderer]] = {
    NoticeKind.RETURN_REQUEST: ReturnRequestRenderer, NoticeKind.RETURN_REMINDER: ReturnReminderRenderer,
}


def render_return_notice(doc: ReturnNoticeDocument) -> bytes:
    """The letter as PDF bytes (A4, fonts embedded); UnprintableNotice when it cannot be laid out."""
    try:
        cls = RENDERERS[NoticeKind(doc.kind)]
    except (KeyError, ValueError):
        raise ValueError(f"not a return notice: {doc.kind!r}") from None
    return cls(doc).render()


def combined_pdf(pdfs: Iterable[bytes]) -> bytes:
    """Issued letters one after the other in one file to print (their pages as stored)."""
    import pypdfium2

    combined = pypdfium2.PdfDocument.new()
    try:
        for data in pdfs:
            source = pypdfium2.PdfDocument(data)
            try:
                combined.import_pages(source)
            finally:
                source.close()
        buffer = io.BytesIO()
        combined.save(buffer)
        return buffer.getvalue()
    finally:
        combined.close()
