"""The dialogs of the contract window's actions: each gathers what its lifecycle service needs,
calls it through Operations (off the UI thread) with the version of the contract the window
shows, shows a refusal next to the field at fault (ValidationFailed: field → message) and,
when it is done, tells the window (:attr:`ActionDialog.done_with`) and closes.

What a dialog offers comes from the service (the suspension reasons and whether a notice is
needed, the termination grounds, the cancellation preview) or the terms profile (whether a
desired month applies), never from a rule written here. The 解約 dialog shows the preview —
effective date, last billable month, early-termination fee — before it can be confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain import bounds
from reseller_desk.domain.contract import ContractAction
from reseller_desk.domain.terms import CancellationEffective, load_profile
from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.contracts.detail import ContractDetail
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    APP_STYLE,
    FieldErrors,
    date_edit,
    error_label,
    field_cell,
    form_layout,
    format_date_long,
    format_yen,
    month_text,
    muted_label,
    notice_frame,
    to_date,
)


def _note_edit() -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setFixedHeight(60)
    return edit


def future_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """Days a planned step may carry: from the earliest date to a year ahead."""
    return bounds.EARLIEST_DATE, bounds.years_after(today, 1)


class ActionDialog(QDialog):
    """One action on one contract: fields, a red label under each, 実行 and キャンセル."""

    #: Done: the service's message, for the window's status bar.
    done_with = Signal(str)
    #: The contract changed since the window read it: the clerk chose to read it again.
    stale_reloaded = Signal()
    title = ""
    confirm_text = "実行"

    def __init__(self, ctx: AppContext, detail: ContractDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.today = clock.today()
        self.setStyleSheet(APP_STYLE)
        self.setWindowTitle(f"{self.title}（{detail.customer_code} {detail.customer.name}）")
        self.errors = FieldErrors(on_cleared=self._cleared)
        self.summary = error_label()
        self.summary.setObjectName("summary")
        self.form = form_layout()
        self.confirm_button = QPushButton(self.confirm_text)
        self.confirm_button.setObjectName("confirmAction")
        self.confirm_button.setDefault(True)
        self.confirm_button.clicked.connect(self.submit)
        self.cancel_button = QPushButton("キャンセル")
        self.cancel_button.clicked.connect(self.reject)
        footer = QHBoxLayout()
        footer.addStretch(1)
        footer.addWidget(self.cancel_button)
        footer.addWidget(self.confirm_button)
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(self.form)
        layout.addLayout(self.body)
        layout.addStretch(1)
        layout.addLayout(footer)
        self.build()
        self.setMinimumWidth(560)

    # -- building ------------------------------------------------------------------------
    def build(self) -> None:
        raise NotImplementedError

    def field(self, name: str, label: str, widget: QWidget) -> QWidget:
        self.form.addRow(label, field_cell(widget, labels=[self.errors.add(name, widget)], left=True))
        return widget

    def note(self, text: str) -> QLabel:
        label = muted_label(text)
        label.setWordWrap(True)
        self.body.addWidget(label)
        return label

    # -- running -------------------------------------------------------------------------
    def call(self) -> Any:
        """The service call (runs off the UI thread); returns an ActionResult."""
        raise NotImplementedError

    def submit(self) -> None:
        self.errors.clear()
        self.summary.setVisible(False)
        call = self.call
        self.confirm_button.setEnabled(False)
        self.ctx.ops.run(call, success=self._succeeded, invalid=self.show_invalid, failure=self.show_refused,
                         reload=self.reload_latest, changes=Changes.CONTRACTS,
                         done=lambda: self.confirm_button.setEnabled(self.ready()), parent=self)

    def ready(self) -> bool:
        return True

    def _succeeded(self, result: Any) -> None:
        self.done_with.emit(getattr(result, "message", "") or f"{self.title}を記録しました。")
        self.accept()

    def show_invalid(self, error: ValidationFailed) -> None:
        self.errors.show_refusal(error, self.summary)

    def show_refused(self, error: ServiceError) -> None:
        """A refusal that names no field (the terms do not allow it, the status forbids it):
        shown above the form, which stays open."""
        self.summary.setText(str(error))
        self.summary.setVisible(True)

    def reload_latest(self) -> None:
        """The stale-edit dialog's 「最新の内容を読み込む」: the window reads the contract again
        and this dialog, filled in against the old one, closes."""
        self.stale_reloaded.emit()
        self.reject()

    def _cleared(self) -> None:
        if not self.errors.has_errors():
            self.summary.setVisible(False)

    def error_text(self, name: str) -> str:
        return self.errors.message(name)

    # -- values --------------------------------------------------------------------------
    @property
    def db(self):
        return self.ctx.db

    @property
    def version(self) -> int:
        return self.detail.row_version


class OpenDialog(ActionDialog):
    title = "開通"
    confirm_text = "開通を記録"

    def build(self) -> None:
        self.opened_on = self.field("opened_on", "開通日", date_edit(self.today))
        self.note("開通日の月から課金されます（SH §28.2）。")

    def call(self) -> Any:
        db, actor, cid, opened = self.db, self.ctx.actor, self.detail.id, to_date(self.opened_on)
        return lifecycle.open_contract(db, actor, cid, opened_on=opened, expected_version=self.version)


class SuspendDialog(ActionDialog):
    """利用停止: the reasons of the contract's terms and whether a notice is needed, read from
    the service when the dialog opens; the start day, the period, and (manager only) an
    emergency note that lets an SH §23.2 suspension start without its notice."""

    title = "利用停止"
    confirm_text = "利用停止を記録"

    def build(self) -> None:
        self.terms: Any = None
        self.reason = self.field("reason_code", "停止事由", QComboBox())
        self.reason.setObjectName("reasonCode")
        self.starts_on = self.field("starts_on", "停止開始日", date_edit(self.today, window=future_window(self.today)))
        self.planned_end_on = self.field("planned_end_on", "停止終了予定日",
                                         date_edit(self.today, window=future_window(self.today)))
        self.planned_end_on.setSpecialValueText("（定めない）")
        self.planned_end_on.setDate(self.planned_end_on.minimumDate())
        self.period_text = self.field("period_text", "期間の説明", QLineEdit())
        self.period_text.setPlaceholderText("例: 未払い料金のお支払いを確認するまで")
        self.emergency_note = self.field("emergency_note", "緊急の理由（管理者）", _note_edit())
        self.emergency_note.setEnabled(self.ctx.actor.role.value == "manager")
        self.terms_label = QLabel()
        self.terms_label.setObjectName("noticeRule")
        self.terms_label.setWordWrap(True)
        frame = notice_frame()
        inner = QVBoxLayout(frame)
        inner.addWidget(self.terms_label)
        self.body.addWidget(frame)
        self.confirm_button.setEnabled(False)
        db, cid = self.db, self.detail.id
        self.ctx.ops.run(lambda: lifecycle.suspension_terms(db, cid), success=self.show_terms, parent=self)

    def show_terms(self, terms: Any) -> None:
        self.terms = terms
        self.reason.clear()
        for reason in terms.reasons:
            self.reason.addItem(f"{reason.text}（{reason.clause}）", reason.code)
        self.terms_label.setText(terms.message)
        self.confirm_button.setEnabled(True)

    def ready(self) -> bool:
        return self.terms is not None

    def call(self) -> Any:
        end = None if self.planned_end_on.date() == self.planned_end_on.minimumDate() else to_date(self.planned_end_on)
        values = dict(reason_code=self.reason.currentData() or "", starts_on=to_date(self.starts_on),
                      planned_end_on=end, period_text=self.period_text.text(),
                      emergency_note=self.emergency_note.toPlainText(), expected_version=self.version)
        db, actor, cid = self.db, self.ctx.actor, self.detail.id
        return lifecycle.suspend_contract(db, actor, cid, **values)


class ScheduledSuspensionDialog(ActionDialog):
    """A suspension noticed beforehand (SH §23.2) and not started: start it (not before its
    date, unless it was marked an emergency) or withdraw it with a note."""

    title = "予定の利用停止"
    confirm_text = "停止を開始"

    def build(self) -> None:
        s = self.detail.suspension
        assert s is not None
        self.note(f"事由: {s.reason_text or s.reason_code}　開始日: {format_date_long(s.starts_on)}")
        self.withdraw_note = self.field("note", "取りやめる理由", _note_edit())
        self.withdraw_button = QPushButton("予定を取りやめる")
        self.withdraw_button.setObjectName("withdrawSuspension")
        self.withdraw_button.clicked.connect(self.withdraw)
        self.body.addWidget(self.withdraw_button)

    def call(self) -> Any:
        db, actor, cid = self.db, self.ctx.actor, self.detail.id
        return lifecycle.start_suspension(db, actor, cid, expected_version=self.version)

    def withdraw(self) -> None:
        db, actor, cid, note = self.db, self.ctx.actor, self.detail.id, self.withdraw_note.toPlainText()
        self.ctx.ops.run(lambda: lifecycle.withdraw_suspension(db, actor, cid, note=note,
                                                                        expected_version=self.version),
                         success=self._succeeded, invalid=self.show_invalid, changes=Changes.CONTRACTS, parent=self)


class ResumeDialog(ActionDialog):
    title = "利用再開"
    confirm_text = "利用再開を記録"

    def build(self) -> None:
        self.resumed_on = self.field("resumed_on", "利用再開日", date_edit(self.today))
        self.note_edit = self.field("note", "メモ", _note_edit())
        self.note("利用再開通知書を発行します。")

    def call(self) -> Any:
        db, actor, cid = self.db, self.ctx.actor, self.detail.id
        return lifecycle.resume_contract(db, actor, cid, resumed_on=to_date(self.resumed_on),
                                                  note=self.note_edit.toPlainText(), expected_version=self.version)


class CancellationDialog(ActionDialog):
    """解約の受付: the day the request arrived and, where the terms take one (SC §23), the month
    the customer wants to leave. 「確認」 asks the service for the preview (effective date, last
    billable month, early-termination fee, what is deleted when, the equipment to return); a
    month too early is refused there with the earliest one offered. Only a preview of the
    values as they stand can be confirmed."""

    title = "解約の受付"
    confirm_text = "解約を受け付ける"

    def build(self) -> None:
        profile = load_profile(self.detail.profile_key)
        self.takes_month = profile.cancellation.effective is CancellationEffective.END_OF_DESIRED_MONTH
        self.preview: Any = None
        self.requested_on = self.field("requested_on", "解約申出の受付日", date_edit(self.today))
        self.desired_month: QDateEdit | None = None
        if self.takes_month:
            month = date_edit(self.today.replace(day=1), window=future_window(self.today))
            month.setDisplayFormat("yyyy年MM月")
            self.desired_month = self.field("desired_month", "解約希望月", month)  # type: ignore[assignment]
        else:
            self.note("この約款では、解約の申出を受け付けた日に解約となります（SH §26.1）。")
        self.note_edit = self.field("note", "メモ", _note_edit())
        self.preview_button = QPushButton("確認")
        self.preview_button.setObjectName("previewCancellation")
        self.preview_button.clicked.connect(self.ask_preview)
        self.preview_label = QLabel("「確認」を押すと、解約日・最終課金月・契約解除料を表示します。")
        self.preview_label.setObjectName("cancellationPreview")
        self.preview_label.setWordWrap(True)
        frame = notice_frame()
        inner = QVBoxLayout(frame)
        inner.addWidget(self.preview_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.preview_button)
        self.body.addWidget(frame)
        self.body.addLayout(row)
        for edit in (self.requested_on, self.desired_month):
            if edit is not None:
                edit.dateChanged.connect(lambda _d: self._forget_preview())
        self.confirm_button.setEnabled(False)

    def values(self) -> tuple[dt.date, dt.date | None]:
        month = to_date(self.desired_month).replace(day=1) if self.desired_month is not None else None
        return to_date(self.requested_on), month

    def _forget_preview(self) -> None:
        self.preview = None
        self.confirm_button.setEnabled(False)

    def ask_preview(self) -> None:
        db, cid = self.db, self.detail.id
        requested_on, month = self.values()
        self.errors.clear()
        self.ctx.ops.run(lambda: (requested_on, month, lifecycle.preview_cancellation(
            db, cid, requested_on=requested_on, desired_month=month)), success=self.show_preview,
            invalid=self.show_invalid, parent=self)

    def show_preview(self, answer: tuple[dt.date, dt.date | None, Any]) -> None:
        requested_on, month, preview = answer
        if (requested_on, month) != self.values():  # changed while it was read
            return
        lines = [f"解約日: {format_date_long(preview.effective_on)}",
                 f"最終課金月: {month_text(preview.last_billable_month)}",
                 f"契約解除料: {format_yen(preview.early_termination_fee) if preview.early_termination_fee else 'なし'}"
                 + (f"（{preview.fee_note}）" if preview.fee_note else "")]
        if preview.service_data_deletion_due:
            lines.append(f"サービスデータの削除: {format_date_long(preview.service_data_deletion_due)}")
        if preview.equipment_note:
            lines.append(preview.equipment_note)
        if preview.problem:
            self.errors.show({"desired_month": preview.problem} if self.desired_month is not None else {})
            lines.insert(0, preview.problem)
        self.preview_label.setText("\n".join(lines))
        self.preview = None if preview.problem else preview
        self.confirm_button.setEnabled(self.preview is not None)

    def ready(self) -> bool:
        return self.preview is not None

    def call(self) -> Any:
        requested_on, month = self.values()
        db, actor, cid = self.db, self.ctx.actor, self.detail.id
        return lifecycle.accept_cancellation(db, actor, cid, requested_on=requested_on, desired_month=month,
                                                  note=self.note_edit.toPlainText(), expected_version=self.version)


class TerminationDialog(ActionDialog):
    title = "強制解約"
    confirm_text = "契約を解除する"

    def build(self) -> None:
        self.grounds = self.field("grounds_code", "解除事由", QComboBox())
        self.effective_on = self.field("effective_on", "解除日", date_edit(self.today))
        self.note_edit = self.field("note", "理由（必須）", _note_edit())
        self.terms_label = self.note("")
        self.confirm_button.setEnabled(False)
        db, cid = self.db, self.detail.id
        self.ctx.ops.run(lambda: lifecycle.termination_grounds(db, cid), success=self.show_terms, parent=self)

    def show_terms(self, terms: Any) -> None:
        for ground in terms.grounds:
            self.grounds.addItem(f"{ground.text}（{ground.clause}）", ground.code)
        self.terms_label.setText(terms.message)
        self.confirm_button.setEnabled(True)

    def call(self) -> Any:
        db, actor, cid = self.db, self.ctx.actor, self.detail.id
        return lifecycle.terminate_contract(db, actor, cid, grounds_code=self.grounds.currentData() or "",
                                                 note=self.note_edit.toPlainText(),
                                                 effective_on=to_date(self.effective_on),
                                                 expected_version=self.version)


class DeathDialog(ActionDialog):
    title = "死亡による終了"
    confirm_text = "終了を記録"

    def build(self) -> None:
        self.died_on = self.field("died_on", "死亡日", date_edit(self.today))
        self.note_edit = self.field("note", "メモ", _note_edit())
        self.note("契約は死亡日に終了します（SH §20.2）。")

    def call(self) -> Any:
        db, actor, cid = self.db, self.ctx.actor, self.detail.id
        return lifecycle.record_death(db, actor, cid, died_on=to_date(self.died_on),
                                           note=self.note_edit.toPlainText(), expected_version=self.version)


class CancellationTakesEffectDialog(ActionDialog):
    title = "解約の発効"
    confirm_text = "解約済にする"

    def build(self) -> None:
        ending = self.detail.ending
        when = format_date_long(ending.effective_on) if ending else ""
        self.note(f"解約日（{when}）を過ぎた解約予定の契約を解約済にします。解約日前の契約は変わりません。")

    def call(self) -> Any:
        return lifecycle.complete_cancellations(self.db, self.ctx.actor)

    def _succeeded(self, result: Any) -> None:
        done = self.detail.id in (result or [])
        self.done_with.emit("解約済にしました。" if done else "解約日をまだ過ぎていないため、変更はありません。")
        self.accept()


DIALOGS: dict[ContractAction, type[ActionDialog]] = {
    ContractAction.OPEN: OpenDialog,
    ContractAction.SUSPEND: SuspendDialog,
    ContractAction.RESUME: ResumeDialog,
    ContractAction.ACCEPT_CANCELLATION: CancellationDialog,
    ContractAction.CANCELLATION_TAKES_EFFECT: CancellationTakesEffectDialog,
    ContractAction.TERMINATE: TerminationDialog,
    ContractAction.DEATH: DeathDialog,
}


def dialog_for(action: ContractAction, ctx: AppContext, detail: ContractDetail,
               parent: QWidget | None = None) -> ActionDialog | None:
    """The dialog of ``action`` on the contract ``detail`` shows (None: not done here)."""
    if action is ContractAction.SUSPEND and detail.suspension is not None and detail.suspension.state == "scheduled":
        return ScheduledSuspensionDialog(ctx, detail, parent)
    factory: Callable[..., ActionDialog] | None = DIALOGS.get(action)
    return factory(ctx, detail, parent) if factory else None
