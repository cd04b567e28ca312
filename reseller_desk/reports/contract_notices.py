"""The six printed notices of a contract's life, as one-page letters in the layout of
``reports.letter``: 利用停止予告通知書, 利用停止通知書, 利用再開通知書, 解約受付通知書, 契約解除通知書
and 地位承継届出のお願い (terms-rules.md §7). Each prints only the facts of its
``domain.contract_notices`` details; ``reports.notices.render_notice`` picks them by kind.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from reseller_desk.domain.contract_notices import (
    CancellationDetails,
    ResumptionDetails,
    SuccessionRequestDetails,
    SuspensionDetails,
    TerminationDetails,
)
from reseller_desk.domain.notices import NoticeDocument, NoticeKind
from reseller_desk.reports.format import jp_date, jp_month, yen
from reseller_desk.reports.letter import SP, NoticeRenderer, Row

_D = TypeVar("_D")

CHARGES_CONTINUE = ("利用停止中も月額料金は発生します。最終利用月の料金をお支払いいただき、"
                    "お支払い済みの料金は返金いたしません。")


class _ContractRenderer(NoticeRenderer, Generic[_D]):
    """A notice of the contract's life: its details of class ``details_class``."""

    details_class: ClassVar[type[Any]]

    def __init__(self, doc: NoticeDocument) -> None:
        if not isinstance(doc.contract, self.details_class):
            raise ValueError(f"{NoticeKind(doc.kind).label}には {self.details_class.__name__} が必要です")
        super().__init__(doc)

    @property
    def d(self) -> _D:
        details: _D = self.doc.contract  # type: ignore[assignment]
        return details

    def contract_rows(self, customer_code: str) -> list[Row]:
        return [Row("カスタマID", customer_code), Row("サービス", self.doc.service_name)]

    def contact_row(self) -> Row:
        i = self.doc.issuer
        parts = (i.name, f"TEL{SP}{i.phone}" if i.phone else "", f"E-mail{SP}{i.email}" if i.email else "")
        return Row("お問い合わせ先", "\n".join(p for p in parts if p))


class SuspensionNoticeRenderer(_ContractRenderer[SuspensionDetails]):
    """利用停止予告通知書 (SH §23.2): the reason, the start date and the period, told beforehand."""

    kind = NoticeKind.SUSPENSION_NOTICE
    details_class = SuspensionDetails

    def body_paragraphs(self) -> list[str]:
        d = self.d
        return [
            f"さて、誠に遺憾ながら、{self.service()}のお客様のご契約（カスタマID{SP}{self.m(d.customer_code)}）は下記の事由に該当するため、"
            f"{self.m(d.notice_clause)}に基づき、下記の開始日より本サービスの利用を停止いたしますので、"
            "あらかじめご通知申し上げます。",
            "開始日までに事由が解消された場合は、利用停止を取りやめます。お早めに下記までご連絡ください。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.d
        return [
            *self.contract_rows(d.customer_code),
            Row("利用停止の事由", d.reason_text, note=d.reason_clause),
            Row("利用停止の開始日", jp_date(d.starts_on)),
            Row("利用停止の期間", d.period_text),
            *([Row("停止中の料金", CHARGES_CONTINUE)] if d.charges_continue else []),
            self.contact_row(),
        ]


class SuspensionRenderer(_ContractRenderer[SuspensionDetails]):
    """利用停止通知書: the service is suspended from ``starts_on``."""

    kind = NoticeKind.SUSPENSION
    details_class = SuspensionDetails

    def body_paragraphs(self) -> list[str]:
        d = self.d
        told = (f"{jp_date(d.noticed_on)}付の利用停止予告通知書でお知らせしましたとおり、" if d.noticed_on else "")
        why = "緊急やむを得ない事情により、" if d.emergency else ""
        return [
            f"さて、{told}{why}{self.service()}のお客様のご契約（カスタマID{SP}{self.m(d.customer_code)}）は下記の事由により、"
            f"{jp_date(d.starts_on)}から本サービスの利用を停止いたしましたので、ご通知申し上げます。",
            "事由が解消されましたら、利用を再開いたします。下記までご連絡ください。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.d
        return [
            *self.contract_rows(d.customer_code),
            Row("利用停止の事由", d.reason_text, note=d.reason_clause),
            Row("利用停止日", jp_date(d.starts_on)),
            Row("利用停止の期間", d.period_text),
            *([Row("停止中の料金", CHARGES_CONTINUE)] if d.charges_continue else []),
            self.contact_row(),
        ]


class ResumptionRenderer(_ContractRenderer[ResumptionDetails]):
    """利用再開通知書."""

    kind = NoticeKind.RESUMPTION
    details_class = ResumptionDetails

    def body_paragraphs(self) -> list[str]:
        d = self.d
        return [
            f"さて、{jp_date(d.suspended_on)}から停止しておりました{self.service()}のご契約（カスタマID{SP}{self.m(d.customer_code)}）"
            f"の利用停止を解除し、{jp_date(d.resumed_on)}から本サービスの利用を再開いたしましたので、ご通知申し上げます。",
            "今後とも変わらぬお引き立てを賜りますよう、よろしくお願い申し上げます。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.d
        return [
            *self.contract_rows(d.customer_code),
            Row("利用停止日", jp_date(d.suspended_on)),
            Row("利用停止の事由", d.reason_text),
            Row("利用再開日", jp_date(d.resumed_on)),
            self.contact_row(),
        ]


class CancellationRenderer(_ContractRenderer[CancellationDetails]):
    """解約受付通知書 (SC §23, SH §18, §26): the effective date, the last billable month, the fee,
    the equipment to return, the data to be deleted."""

    kind = NoticeKind.CANCELLATION
    details_class = CancellationDetails

    def body_paragraphs(self) -> list[str]:
        d = self.d
        return [
            f"さて、{jp_date(d.requested_on)}にお申出いただきました{self.service()}のご契約（カスタマID{SP}{self.m(d.customer_code)}）の"
            f"解約を、{self.m(d.cancellation_clause)}に基づき下記のとおり承りましたので、ご通知申し上げます。",
            "これまでのご利用、誠にありがとうございました。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.d
        rows = [
            *self.contract_rows(d.customer_code),
            Row("解約のお申出日", jp_date(d.requested_on)),
            *([Row("解約希望月", jp_month(d.desired_month))] if d.desired_month else []),
            Row("解約日", jp_date(d.effective_on)),
            Row("最終請求月", f"{jp_month(d.last_billable_month)}分まで", note="日割り計算・返金はありません。"),
        ]
        if d.early_termination_fee:
            rows.append(Row("契約解除料", "最終のご請求に含めます", amount=yen(d.early_termination_fee),
                            note=d.fee_note))
        if d.data_deletion_note:
            rows.append(Row("データの削除", d.data_deletion_note))
        if d.equipment_note:
            rows.append(Row("貸与機器", d.equipment_note))
        rows.append(self.contact_row())
        return rows


class TerminationRenderer(_ContractRenderer[TerminationDetails]):
    """契約解除通知書 (SC §24, §26; SH §27, §36): the grounds, and where the terms accelerate
    (SH §27.2) that every amount owed now falls due."""

    kind = NoticeKind.TERMINATION
    details_class = TerminationDetails

    def body_paragraphs(self) -> list[str]:
        d = self.d
        paragraphs = [
            f"さて、{self.service()}のお客様のご契約（カスタマID{SP}{self.m(d.customer_code)}）は下記の事由に"
            f"該当するため、{self.m(d.grounds_clause)}に基づき、{jp_date(d.effective_on)}付をもって本契約を解除いたしましたので、"
            "ご通知申し上げます。",
        ]
        if d.accelerated:
            paragraphs.append(self.m(d.acceleration_note)
                              + "未払いの料金等は、別途お送りする請求書によりお支払いください。")
        return paragraphs

    def record_rows(self) -> list[Row]:
        d = self.d
        rows = [
            *self.contract_rows(d.customer_code),
            Row("解除の事由", d.grounds_text, note=d.grounds_clause),
            Row("解除日", jp_date(d.effective_on)),
            Row("最終請求月", f"{jp_month(d.last_billable_month)}分まで"),
        ]
        if d.accelerated:
            rows.append(Row("お支払い", "未払いの料金等はすべて直ちにお支払いいただきます（期限の利益の喪失）"))
        if d.early_termination_fee:
            rows.append(Row("契約解除料", "", amount=yen(d.early_termination_fee), note=d.fee_note))
        if d.equipment_note:
            rows.append(Row("貸与機器", d.equipment_note))
        rows.append(self.contact_row())
        return rows


class SuccessionRequestRenderer(_ContractRenderer[SuccessionRequestDetails]):
    """地位承継届出のお願い (SH §20.1): the deadline and the papers that prove the succession."""

    kind = NoticeKind.SUCCESSION_REQUEST
    details_class = SuccessionRequestDetails

    def body_paragraphs(self) -> list[str]:
        d = self.d
        return [
            f"さて、{self.service()}のご契約（カスタマID{SP}{self.m(d.customer_code)}）について、{self.m(d.kind_label)}による"
            f"契約者の地位の承継のご連絡をいただきました。{self.m(d.clause)}に基づき、承継を証明する書面を"
            f"<b>{jp_date(d.deadline)}</b>までに当社へご提出くださいますようお願い申し上げます。",
            "期限までにご提出がない場合、ご契約を解約させていただくことがあります。あらかじめご了承ください。",
        ]

    def record_rows(self) -> list[Row]:
        d = self.d
        return [
            *self.contract_rows(d.customer_code),
            Row("承継の種類", d.kind_label),
            Row("承継日", jp_date(d.succeeded_on)),
            Row("承継者", d.successor_name),
            Row("ご提出期限", jp_date(d.deadline)),
            Row("ご提出書類", "\n".join(f"・{doc}" for doc in d.documents)),
            self.contact_row(),
        ]


RENDERERS: dict[NoticeKind, type[NoticeRenderer]] = {
    r.kind: r for r in (SuspensionNoticeRenderer, SuspensionRenderer, ResumptionRenderer, CancellationRenderer,
                        TerminationRenderer, SuccessionRequestRenderer) if r.kind is not None
}
