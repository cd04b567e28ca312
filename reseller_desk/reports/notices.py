"""The three printed notices of the intake workflow, as PDF: 申込承諾通知書（ご利用開始のご案内）,
申込不承諾通知書 and 契約取消通知書.

One subclass of ``reports.letter.NoticeRenderer`` per kind supplies the wording and the rows of
the 記 table. ``render_notice(doc)`` picks the renderer by ``doc.kind`` and returns the PDF
bytes; the same input gives the same bytes (ReportLab ``invariant=1``). An issued notice is
printed from the bytes stored at issue (``services.notices``), so a change here never alters a
letter already sent.

The renderers own the fixed wording of each kind (the 税抜 note is here, once); they print
only the facts the ``NoticeDocument`` holds, and compute nothing but the formatting of yen and
dates (``reports.format``). A refusal prints no reason, and has no place for one (SH §14.2).
"""

from __future__ import annotations

from typing import ClassVar

from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.reports import contract_notices
from reseller_desk.reports.format import jp_date, jp_month, yen
from reseller_desk.reports.letter import SP, NoticeRenderer, Row, UnprintableNotice

__all__ = [
    "ApprovalNoticeRenderer",
    "NoticeRenderer",
    "RefusalNoticeRenderer",
    "RevocationNoticeRenderer",
    "Row",
    "UnprintableNotice",
    "renderer_for",
    "render_notice",
]


class ApprovalNoticeRenderer(NoticeRenderer):
    """申込承諾通知書（ご利用開始のご案内）: thanks, the acceptance, and the contract's facts."""

    kind = NoticeKind.APPROVAL
    no_options_text: ClassVar[str] = "なし"
    billable_pending_text: ClassVar[str] = "開通日が決まり次第（開通日の月から）"
    tax_note: ClassVar[str] = "※ 金額はいずれも税抜です。消費税は請求時に加算します。"

    def __init__(self, doc: NoticeDocument) -> None:
        if doc.approval is None:
            raise ValueError("申込承諾通知書には承諾の内容（approval）が必要です")
        super().__init__(doc)

    def body_paragraphs(self) -> list[str]:
        return [
            f"さて、このたびは{self.service()}をお申込みいただき、誠にありがとうございます。"
            "お申込みの内容を確認いたしました結果、下記のとおりお申込みを承諾いたしましたので、"
            "ご通知申し上げます。あわせて、ご利用開始にあたってのご契約内容をご案内いたします。",
            "今後とも変わらぬお引き立てを賜りますよう、よろしくお願い申し上げます。",
        ]

    def record_rows(self) -> list[Row]:
        a = self.doc.approval
        assert a is not None
        if a.plan_monthly_subtotal is None:      # stored before the totals were frozen
            plan = Row("プラン", a.plan_name, amount=f"月額 {yen(a.plan_monthly_fee)}")
        else:
            plan = Row("プラン", a.plan_name, amount=f"月額 {yen(a.plan_monthly_subtotal)}",
                       note=f"{yen(a.plan_monthly_fee)} × {a.lines}回線")
        rows = [
            *self.application_rows(),
            Row("カスタマID", a.customer_code),
            Row("サービス", a.service_name),
            Row("提供事業者", a.provider_name),
            Row("回線数", f"{a.lines}回線"),
            plan,
        ]
        if a.options:
            rows += [Row("オプション", o.name, amount=f"月額 {yen(o.monthly_fee)}") for o in a.options]
        else:
            rows.append(Row("オプション", self.no_options_text))
        if a.monthly_total is not None:
            rows.append(Row("月額合計", "", amount=f"月額 {yen(a.monthly_total)}"))
        rows += [
            Row("初期費用", "", amount=yen(a.initial_fee)),
            Row(a.registration_date_label, jp_date(a.contract_formed_on)),
            Row(
                "課金開始月",
                f"{jp_month(a.first_billable_month)}分から"
                if a.first_billable_month is not None
                else self.billable_pending_text,
                note=a.first_billable_note,
            ),
            Row("お支払い方法", a.payment_method),
        ]
        if a.minimum_term_months > 0:
            rows.append(Row("最低利用期間", f"{a.minimum_term_months}か月"))
        if a.early_termination_fee > 0:
            rows.append(Row("契約解除料", "", amount=yen(a.early_termination_fee)))
        if a.support_hours:
            rows.append(Row("サポート受付時間", a.support_hours))
        return rows

    def record_notes(self) -> list[str]:
        return [self.tax_note]


class RefusalNoticeRenderer(NoticeRenderer):
    """申込不承諾通知書: polite, and without any reason (SH §14.2). The table has no field for
    one, and nothing of the screening is printed."""

    kind = NoticeKind.REFUSAL

    def body_paragraphs(self) -> list[str]:
        return [
            f"さて、このたびは{self.service()}をお申込みいただき、誠にありがとうございました。"
            "お申込みの内容を慎重に検討いたしました結果、"
            "誠に恐縮ではございますが、今回はお申込みをお受けできないこととなりました。",
            "ご期待に沿えず誠に申し訳ございませんが、何卒ご理解賜りますようお願い申し上げます。"
            "なお、審査の内容についてはお答えいたしかねますので、あらかじめご了承ください。",
        ]

    def record_rows(self) -> list[Row]:
        return [*self.application_rows(), Row("サービス", self.doc.service_name)]


class RevocationNoticeRenderer(NoticeRenderer):
    """契約取消通知書: the contract is revoked as of ``revoked_on`` because the identity check by
    post could not be completed, citing ``revocation_clause``."""

    kind = NoticeKind.REVOCATION
    reason_text: ClassVar[str] = "郵送による本人確認を完了できなかったため"

    def __init__(self, doc: NoticeDocument) -> None:
        missing = [
            name
            for name, value in (
                ("revoked_contract_code", doc.revoked_contract_code),
                ("revoked_on", doc.revoked_on),
                ("revocation_clause", doc.revocation_clause),
            )
            if not value
        ]
        if missing:
            raise ValueError(f"契約取消通知書に必要な項目がありません: {', '.join(missing)}")
        super().__init__(doc)

    def body_paragraphs(self) -> list[str]:
        d = self.doc
        assert d.revoked_on is not None
        return [
            f"さて、{self.service()}のご契約（カスタマID{SP}{self.m(d.revoked_contract_code)}）"
            "につきましては、郵送による本人確認をお願いしておりましたが、"
            "本人確認を完了することができませんでした。",
            f"つきましては、{self.m(d.revocation_clause)}に基づき、{jp_date(d.revoked_on)}付をもちまして"
            "本契約を取り消しましたので、ここにご通知申し上げます。",
            "ご不明な点は下記までお問い合わせください。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.doc
        assert d.revoked_on is not None
        i = d.issuer
        contact = "\n".join(
            part for part in (i.name, f"TEL{SP}{i.phone}" if i.phone else "",
                              f"E-mail{SP}{i.email}" if i.email else "") if part
        )
        return [
            Row("カスタマID", d.revoked_contract_code),
            Row("サービス", d.service_name),
            *self.application_rows(),
            Row("取消日", jp_date(d.revoked_on)),
            Row("取消の事由", self.reason_text),
            Row("根拠条項", d.revocation_clause),
            Row("お問い合わせ先", contact),
        ]


RENDERERS: dict[NoticeKind, type[NoticeRenderer]] = {
    NoticeKind.APPROVAL: ApprovalNoticeRenderer,
    NoticeKind.REFUSAL: RefusalNoticeRenderer,
    NoticeKind.REVOCATION: RevocationNoticeRenderer,
    **contract_notices.RENDERERS,
}


def renderer_for(doc: NoticeDocument) -> NoticeRenderer:
    """The renderer of ``doc.kind``, ready to ``render()``."""
    try:
        cls = RENDERERS[NoticeKind(doc.kind)]
    except (KeyError, ValueError):
        raise ValueError(f"unknown notice kind: {doc.kind!r}") from None
    return cls(doc)


def render_notice(doc: NoticeDocument) -> bytes:
    """The notice as PDF bytes (A4 portrait, fonts embedded); same input, same bytes. Raises
    ``UnprintableNotice`` when it cannot be laid out."""
    return renderer_for(doc).render()
