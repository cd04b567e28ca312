"""The dialogs of the contract window's 「変更」 menu: changes during the contract that take
effect from a month (プラン変更, 回線数, オプションの追加・終了, 特約: SH §6.2–3, SC §1.3), the
phone numbers, and the report of a succession (地位承継, SH §20.1).

They follow ui.contract.actions.ActionDialog: fields with a red label under each (the service's
ValidationFailed puts its message beside the field at fault), the call through Operations with
the version of the contract the window shows, the stale-edit dialog, a refusal naming no field
(SC has no succession clause) shown above the form. What they offer comes from the contract
detail and the settings of its service (its plans and options); the rules are the services'.

A month is chosen as 年/月 (the first of the month), by default next month; the last month of an
option, by default this month (it is billed up to it and stops from next month).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from reseller_desk.domain import bounds
from reseller_desk.domain.contract_history import AgreementDocument, AgreementSubject, SpecialAgreement
from reseller_desk.domain.customer import CustomerKind
from reseller_desk.domain.lifecycle import SuccessionKind
from reseller_desk.services import settings
from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.contracts.detail import ContractDetail
from reseller_desk.services.settings import PlanRecord
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.contract.actions import ActionDialog
from reseller_desk.ui.widgets import date_edit, format_yen, month_text, to_date, yen_spin_box

#: How far ahead a month may be chosen (the services refuse beyond two years).
MONTHS_AHEAD_YEARS = 2


def next_month(today: dt.date) -> dt.date:
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def month_edit(today: dt.date, day: dt.date | None = None, *, open_ended: bool = False) -> QDateEdit:
    """年/月 (the first of the month), on ``day`` or next month; ``open_ended``: its lowest value
    reads 「（定めない）」 and stands for no month."""
    edit = date_edit(day or next_month(today), window=(bounds.EARLIEST_DATE,
                                                       bounds.years_after(today, MONTHS_AHEAD_YEARS)))
    edit.setDisplayFormat("yyyy年MM月")
    edit.setCalendarPopup(False)
    if open_ended:
        edit.setSpecialValueText("（定めない）")
        edit.setDate(edit.minimumDate())
    return edit


def month_of(edit: QDateEdit) -> dt.date | None:
    """The month chosen (its first day); None for an open end left at 「（定めない）」."""
    if edit.specialValueText() and edit.date() == edit.minimumDate():
        return None
    return to_date(edit).replace(day=1)


def _spin(low: int, high: int, value: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    box.setValue(min(max(value, low), high))
    box.setSuffix(suffix)
    box.setFixedWidth(110)
    return box


def _running_plan(detail: ContractDetail) -> tuple[int | None, int]:
    running = [p for p in detail.plan_history if p.until_month is None] or list(detail.plan_history[-1:])
    return (running[-1].plan_id, running[-1].lines) if running else (None, 1)


class ChangeDialog(ActionDialog):
    """A change from a month, whose choices (plans, options) the settings give."""

    confirm_text = "登録"

    def choices_loaded(self, records: list[PlanRecord]) -> None:
        raise NotImplementedError

    def load_choices(self, options: bool) -> None:
        """Read the active plans (or options) of the contract's service, then
        :meth:`choices_loaded`; 登録 waits for them."""
        self.loaded = False
        self.confirm_button.setEnabled(False)
        db, key = self.db, self.detail.profile_key
        lister = settings.list_options if options else settings.list_plans
        self.ctx.ops.run(lambda: [r for r in lister(db, key) if r.details.active], success=self._loaded, parent=self)

    def _loaded(self, records: list[PlanRecord]) -> None:
        self.choices_loaded(records)
        self.loaded = True
        self.confirm_button.setEnabled(True)

    def ready(self) -> bool:
        return getattr(self, "loaded", True)


class PlanChangeDialog(ChangeDialog):
    title = "プラン変更"
    confirm_text = "プランを変更"

    def build(self) -> None:
        self.current_plan, _lines = _running_plan(self.detail)
        self.plan = self.field("plan_id", "新しいプラン", QComboBox())
        self.plan.setObjectName("planChoice")
        self.from_month = self.field("from_month", "変更月", month_edit(self.today))
        self.note("変更月からの料金が新しいプランになります。回線数・オプションは変わりません。")
        self.load_choices(options=False)

    def choices_loaded(self, records: list[PlanRecord]) -> None:
        self.plan.clear()
        for r in records:
            now = "（現在）" if r.id == self.current_plan else ""
            fee = format_yen(r.details.monthly_fee)
            self.plan.addItem(f"{r.details.name}（{r.details.code}）{fee}/回線{now}", r.id)
        others = [i for i in range(self.plan.count()) if self.plan.itemData(i) != self.current_plan]
        if others:
            self.plan.setCurrentIndex(others[0])

    def call(self) -> Any:
        db, actor, cid, plan, month = self.db, self.ctx.actor, self.detail.id, self.plan.currentData(), \
            month_of(self.from_month)
        return lifecycle.change_plan(db, actor, cid, plan_id=plan, from_month=month, expected_version=self.version)


class LinesDialog(ActionDialog):
    title = "回線数の変更"
    confirm_text = "回線数を変更"

    def build(self) -> None:
        _plan, lines = _running_plan(self.detail)
        self.lines = self.field("lines", "回線数", _spin(bounds.MIN_LINES, bounds.MAX_LINES, lines, " 回線"))
        self.lines.setObjectName("lines")
        self.from_month = self.field("from_month", "変更月", month_edit(self.today))
        self.note(f"今の回線数は{lines}回線です。変更月から新しい回線数で課金します。")

    def call(self) -> Any:
        db, actor, cid, lines, month = self.db, self.ctx.actor, self.detail.id, self.lines.value(), \
            month_of(self.from_month)
        return lifecycle.change_lines(db, actor, cid, lines=lines, from_month=month, expected_version=self.version)


class AddOptionDialog(ChangeDialog):
    title = "オプション追加"
    confirm_text = "オプションを追加"

    def build(self) -> None:
        self.option = self.field("option_id", "オプション", QComboBox())
        self.option.setObjectName("optionChoice")
        self.quantity = self.field("quantity", "数量", _spin(1, bounds.MAX_LINES, 1, ""))
        self.from_month = self.field("from_month", "開始月", month_edit(self.today))
        self.note("すでに付いているオプションは、開始月から新しい数量になります。"
                  "オプションは基本契約とともに終了します（SH §6.2–3）。")
        self.load_choices(options=True)

    def choices_loaded(self, records: list[PlanRecord]) -> None:
        self.option.clear()
        for r in records:
            self.option.addItem(f"{r.details.name}（{r.details.code}）{format_yen(r.details.monthly_fee)}", r.id)

    def call(self) -> Any:
        db, actor, cid = self.db, self.ctx.actor, self.detail.id
        option, quantity, month = self.option.currentData(), self.quantity.value(), month_of(self.from_month)
        return lifecycle.add_option(db, actor, cid, option_id=option, quantity=quantity, from_month=month,
                                    expected_version=self.version)


class EndOptionDialog(ActionDialog):
    title = "オプション終了"
    confirm_text = "オプションを終了"

    def build(self) -> None:
        self.option = self.field("option_id", "オプション", QComboBox())
        self.option.setObjectName("optionChoice")
        for o in self.detail.option_history:
            if o.until_month is None:
                self.option.addItem(f"{o.name} × {o.quantity}（{month_text(o.from_month)}から）", o.option_id)
        self.last_month = self.field("last_month", "最終月", month_edit(self.today, self.today.replace(day=1)))
        self.note("最終月まで課金し、その翌月から外れます。")
        if not self.option.count():
            self.note("この契約に付いているオプションはありません。")
            self.confirm_button.setEnabled(False)

    def ready(self) -> bool:
        return self.option.count() > 0

    def call(self) -> Any:
        db, actor, cid, option, month = self.db, self.ctx.actor, self.detail.id, self.option.currentData(), \
            month_of(self.last_month)
        return lifecycle.end_option(db, actor, cid, option_id=option, last_month=month, expected_version=self.version)


class AgreementDialog(ChangeDialog):
    """特約 (SC §1.3): what it overrides (the plan's or an option's monthly fee, or a written
    condition), the document it comes from and its number, the months it covers."""

    title = "特約の登録"
    confirm_text = "特約を登録"

    def build(self) -> None:
        self.subject = self.field("subject", "対象", QComboBox())
        self.subject.setObjectName("agreementSubject")
        for s in AgreementSubject:
            self.subject.addItem(s.label, s)
        self.option = self.field("option_id", "オプション", QComboBox())
        self.option.setObjectName("optionChoice")
        self.monthly_fee = self.field("monthly_fee", "月額（税抜）", yen_spin_box())
        self.condition = self.field("condition", "条件", QLineEdit())
        self.condition.setPlaceholderText("例: 初年度は基本料を無料とする")
        self.document = self.field("document", "根拠書類", QComboBox())
        for d in AgreementDocument:
            self.document.addItem(d.label, d)
        self.document_number = self.field("document_number", "書類番号", QLineEdit())
        self.document_number.setPlaceholderText("例: Q-2025-031")
        self.from_month = self.field("from_month", "開始月", month_edit(self.today))
        self.until_month = self.field("until_month", "終了月", month_edit(self.today, open_ended=True))
        self.errors.add("agreement", self.subject, self.errors.label("subject"))
        self.note("特約の料金は、対象の月について設定の料金に代わります（SC §1.3）。")
        self.subject.currentIndexChanged.connect(lambda _i: self._subject_changed())
        self._subject_changed()
        self.load_choices(options=True)

    def choices_loaded(self, records: list[PlanRecord]) -> None:
        self.option.clear()
        for r in records:
            self.option.addItem(f"{r.details.name}（{r.details.code}）", r.id)

    def _subject_changed(self) -> None:
        subject = self.subject.currentData()
        self.option.setEnabled(subject is AgreementSubject.OPTION_MONTHLY_FEE)
        self.monthly_fee.setEnabled(subject is not AgreementSubject.CONDITION)

    def agreement(self) -> SpecialAgreement:
        subject = self.subject.currentData()
        priced = subject is not AgreementSubject.CONDITION
        return SpecialAgreement(
            subject, self.document.currentData(), self.document_number.text(), month_of(self.from_month),  # type: ignore[arg-type]
            month_of(self.until_month), self.monthly_fee.value() if priced else None,
            self.option.currentData() if subject is AgreementSubject.OPTION_MONTHLY_FEE else None,
            self.condition.text())

    def call(self) -> Any:
        db, actor, cid, agreement = self.db, self.ctx.actor, self.detail.id, self.agreement()
        return lifecycle.add_special_agreement(db, actor, cid, agreement=agreement, expected_version=self.version)


class NumbersDialog(ActionDialog):
    title = "電話番号"
    confirm_text = "電話番号を登録"

    def build(self) -> None:
        _plan, lines = _running_plan(self.detail)
        self.numbers = self.field("numbers", "電話番号（1行に1つ）", QPlainTextEdit())
        self.numbers.setObjectName("numbers")
        self.numbers.setFixedHeight(110)
        self.numbers.setPlaceholderText("03-1234-5678")
        self.numbers.setPlainText("\n".join(n.number for n in self.detail.numbers if n.released_on is None))
        self.note(f"回線数（{lines}回線）まで登録できます。外した番号は本日で解放します。"
                  "ほかの契約で使用中の番号は登録できません。")

    def typed(self) -> list[str]:
        return [line.strip() for line in self.numbers.toPlainText().splitlines() if line.strip()]

    def call(self) -> Any:
        db, actor, cid, numbers = self.db, self.ctx.actor, self.detail.id, self.typed()
        return lifecycle.set_numbers(db, actor, cid, numbers=numbers, expected_version=self.version)


#: The kinds offered first to each kind of customer (all are offered: the papers say which; an
#: individual's is a business transferred, since under SH §20.2 a death ends the contract).
FIRST_KINDS = {CustomerKind.CORPORATE.label: SuccessionKind.MERGER,
               CustomerKind.INDIVIDUAL.label: SuccessionKind.TRANSFER}


class SuccessionReportDialog(ActionDialog):
    """地位承継の届出 (SH §20.1): the kind, the day, the successor; the service gives the deadline
    for the papers and issues the 地位承継届出のお願い. Terms without a succession clause (SC)
    refuse it, and the refusal is shown above the form."""

    title = "地位承継の届出"
    confirm_text = "届出を記録"

    def build(self) -> None:
        self.kind = self.field("kind", "承継の種類", QComboBox())
        self.kind.setObjectName("successionKind")
        first = FIRST_KINDS.get(self.detail.customer.kind_label)
        for k in sorted(SuccessionKind, key=lambda k: k is not first):
            self.kind.addItem(k.label, k.value)
        self.succeeded_on = self.field("succeeded_on", "承継日", date_edit(self.today))
        self.successor_name = self.field("successor_name", "承継者の名称", QLineEdit())
        self.successor_name.setObjectName("successorName")
        self.successor_name.setPlaceholderText("例: 株式会社みらいホールディングス")
        self.note_edit = self.field("note", "メモ", QPlainTextEdit())
        self.note_edit.setFixedHeight(60)
        self.note("承継を証明する書類の期限を計算し、地位承継届出のお願いを発行します。"
                  "書類を受け取ったら、地位承継の一覧で「書類を受領…」を押してください。")

    def call(self) -> Any:
        db, actor, cid = self.db, self.ctx.actor, self.detail.id
        kind, day, name, note = self.kind.currentData(), to_date(self.succeeded_on), self.successor_name.text(), \
            self.note_edit.toPlainText()
        return lifecycle.report_succession(db, actor, cid, kind=kind, succeeded_on=day, successor_name=name, note=note,
                                           expected_version=self.version)


#: The dialog of each item of the 「変更」 menu (ui.contract.buttons.CHANGE_ITEMS).
DIALOGS: dict[str, type[ActionDialog]] = {
    "plan": PlanChangeDialog, "lines": LinesDialog, "add_option": AddOptionDialog, "end_option": EndOptionDialog,
    "agreement": AgreementDialog, "numbers": NumbersDialog, "succession": SuccessionReportDialog,
}


def change_dialog(key: str, ctx: AppContext, detail: ContractDetail, parent: QWidget | None = None) -> ActionDialog:
    return DIALOGS[key](ctx, detail, parent)


__all__ = ["DIALOGS", "change_dialog", "month_edit", "month_of", "next_month"]
