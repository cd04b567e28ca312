"""承諾… and 不承諾…: the manager's decision, asked in a small dialog over the application window.

承諾 asks the decision date and, depending on the terms, the SC 登録日 (SC §7) or the SH 開通日
(SH §17, §28.2), and shows what they give (契約成立日, 課金開始月) as the service previews it.
不承諾 asks the decision date and the internal note (社内メモ), which is never printed. A refusal
from the service is shown once, inside the dialog (field messages next to their fields, the
rest in the dialog's summary); the dialog stays open so the manager can correct it. A decision
on a stale screen (the application changed since the window showed it) is refused naming who
changed it; 「最新の内容を読み込む」 closes the dialog and the window shows the application as
stored, to be decided again on what it now says.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.services import applications as application_service
from reseller_desk.services.applications import ApplicationDetail, ContractPreview
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
    month_text,
    muted_label,
    to_date,
)

#: What the first billable month reads while an SH contract has no 開通日 yet.
WAITING_FOR_OPENING = "開通日が決まり次第"


class DecisionDialog(QDialog):
    """What both decision dialogs are built on: the context, the application decided, the
    red messages next to the fields (``errors``) and the summary line above them.
    :attr:`reload_requested`: the decision was stale and the manager chose to reload."""

    reload_requested = Signal()

    def __init__(self, ctx: AppContext, detail: ApplicationDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.setStyleSheet(APP_STYLE)
        self.summary = error_label()
        self.summary.setObjectName("summary")
        self.errors = FieldErrors(on_cleared=self._field_error_cleared)

    def _field_error_cleared(self) -> None:
        if not self.errors.has_errors():
            self.summary.setVisible(False)

    def clear_messages(self) -> None:
        self.errors.clear()
        self.summary.setVisible(False)

    def _invalid(self, error: ValidationFailed) -> None:
        first, others = self.errors.show(error.errors)
        self.summary.setText("\n".join([str(error), *others.values()]))
        self.summary.setVisible(True)
        self.adjustSize()
        if first is not None:
            first.setFocus()

    def reload(self) -> None:
        """「最新の内容を読み込む」 after a stale decision: the window reloads, this dialog goes."""
        self.reload_requested.emit()
        self.reject()

    def _failed(self, error: ServiceError) -> None:
        """A refusal (not the manager's role, a rule not met …): said once, in the dialog."""
        self.summary.setText(str(error))
        self.summary.setVisible(True)
        self.adjustSize()


class ApproveDialog(DecisionDialog):
    """承諾…: the decision date, the SC 登録日 or the SH 開通日, and what they give (契約成立日,
    課金開始月) as the service previews it, before the manager confirms."""

    approved = Signal(object)

    def __init__(self, ctx: AppContext, detail: ApplicationDetail, preview: ContractPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, detail, parent)
        self.preview = preview
        self.setObjectName("approveDialog")
        self.setWindowTitle(f"承諾 — {detail.number}")
        self._registered_follows = True

        self.decided_on = date_edit()
        self.registered_on = date_edit()
        self.opened_check = QCheckBox("開通日を入力する")
        self.opened_on = date_edit()
        self.opened_on.setEnabled(False)
        self.formed_title = QLabel()
        self.formed_value = QLabel()
        self.formed_value.setObjectName("formedOn")
        self.billable_value = QLabel()
        self.billable_value.setObjectName("firstBillableMonth")
        for label in (self.formed_value, self.billable_value):
            label.setStyleSheet("font-weight: bold;")
        self.billable_note = muted_label()

        form = form_layout()
        form.addRow("申込", QLabel(f"{detail.number}　{detail.applicant.name}（{detail.profile_name}・"
                                   f"{detail.plan_name}）"))
        form.addRow("承諾日 ※", field_cell(self.decided_on, labels=[self.errors.add("decided_on", self.decided_on)]))
        if preview.uses_registration_date:
            hint = muted_label("契約はこの日に成立します（既定は承諾日）。")
            form.addRow("登録日 ※", field_cell(self.registered_on, labels=[
                self.errors.add("registered_on", self.registered_on), hint]))
        if preview.uses_opening_date:
            opened_error = self.errors.add("opened_on", self.opened_on, edited_by=[self.opened_check])
            opened_cell = field_cell(self.opened_check, self.opened_on, labels=[opened_error], left=True)
            form.addRow("開通日", opened_cell)
        form.addRow(self.formed_title, self.formed_value)
        form.addRow("課金開始月", self.billable_value)
        form.addRow("", self.billable_note)

        self.cancel_button = QPushButton("キャンセル")
        self.cancel_button.clicked.connect(self.reject)
        self.approve_button = QPushButton("承諾する")
        self.approve_button.setObjectName("confirmApprove")
        self.approve_button.setDefault(True)
        self.approve_button.clicked.connect(self.approve)
        buttons = QHBoxLayout()
        buttons.addWidget(muted_label("承諾すると契約とカスタマIDができ、承諾通知書を発行します。"), 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.approve_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self.decided_on.dateChanged.connect(self._decided_changed)
        self.registered_on.dateChanged.connect(self._registered_changed)
        self.opened_check.toggled.connect(self._opened_toggled)
        self.opened_on.dateChanged.connect(lambda _d: self.update_preview())
        self.show_preview(preview)
        self.resize(640, self.sizeHint().height())

    # -- values ----------------------------------------------------------------------------
    def values(self) -> dict[str, dt.date | None]:
        with_opening = self.preview.uses_opening_date and self.opened_check.isChecked()
        return {
            "decided_on": to_date(self.decided_on),
            "registered_on": to_date(self.registered_on) if self.preview.uses_registration_date else None,
            "opened_on": to_date(self.opened_on) if with_opening else None,
        }

    def _decided_changed(self, _date: QDate) -> None:
        if self._registered_follows:  # 登録日 follows 承諾日 until the manager changes it
            self.registered_on.blockSignals(True)
            self.registered_on.setDate(self.decided_on.date())
            self.registered_on.blockSignals(False)
        self.update_preview()

    def _registered_changed(self, _date: QDate) -> None:
        self._registered_follows = False
        self.update_preview()

    def _opened_toggled(self, checked: bool) -> None:
        self.opened_on.setEnabled(checked)
        self.update_preview()

    # -- preview ---------------------------------------------------------------------------
    def update_preview(self) -> None:
        values, application_id, db = self.values(), self.detail.id, self.ctx.db
        decided_on = to_date(self.decided_on)
        self.ctx.ops.run(lambda: application_service.preview_contract(
            db, application_id, decided_on=decided_on, registered_on=values["registered_on"],
            opened_on=values["opened_on"]),
                         success=self.show_preview, parent=self)

    def show_preview(self, preview: ContractPreview) -> None:
        self.preview = preview
        self.formed_title.setText(preview.formation_label)
        self.formed_value.setText(format_date_long(preview.formed_on))
        self.billable_value.setText(month_text(preview.first_billable_month) if preview.first_billable_month
                                    else WAITING_FOR_OPENING)
        self.billable_note.setText(preview.first_billable_note)

    # -- approving -------------------------------------------------------------------------
    def approve(self) -> None:
        values, application_id, version, ctx = self.values(), self.detail.id, self.detail.row_version, self.ctx
        self.approve_button.setEnabled(False)
        self.clear_messages()
        ctx.ops.run(lambda: application_service.approve_application(ctx.db, ctx.actor, application_id,
                                                                    expected_version=version, **values),
                    success=self._approved, invalid=self._invalid, failure=self._failed, reload=self.reload,
                    done=lambda: self.approve_button.setEnabled(True),
                    changes=(Changes.APPLICATIONS, Changes.CUSTOMERS),
                    status=f"申込 {self.detail.number} を承諾しました。", parent=self)

    def _approved(self, detail: ApplicationDetail) -> None:
        self.detail = detail
        self.approved.emit(detail)
        self.accept()


class RefuseDialog(DecisionDialog):
    """不承諾…: the reason goes into an internal note (社内メモ) that is never sent."""

    refused = Signal(object)

    def __init__(self, ctx: AppContext, detail: ApplicationDetail, parent: QWidget | None = None) -> None:
        super().__init__(ctx, detail, parent)
        self.setObjectName("refuseDialog")
        self.setWindowTitle(f"不承諾 — {detail.number}")
        self.decided_on = date_edit()
        self.note = QPlainTextEdit()
        self.note.setObjectName("internalNote")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(100)
        self.note.setPlaceholderText("不承諾の理由（審査で該当した事由、確認した内容など）")
        form = form_layout()
        form.addRow("申込", QLabel(f"{detail.number}　{detail.applicant.name}（{detail.profile_name}）"))
        form.addRow("決定日 ※", field_cell(self.decided_on, labels=[self.errors.add("decided_on", self.decided_on)]))
        hint = muted_label("社内メモです。申込者には通知されません（不承諾通知書に理由は記載されません）。")
        hint.setObjectName("internalNoteHint")
        note_error = self.errors.add("internal_note", self.note)
        form.addRow("社内メモ（理由） ※", field_cell(self.note, labels=[hint, note_error]))
        self.cancel_button = QPushButton("キャンセル")
        self.cancel_button.clicked.connect(self.reject)
        self.refuse_button = QPushButton("不承諾にする")
        self.refuse_button.setObjectName("confirmRefuse")
        self.refuse_button.clicked.connect(self.refuse)
        self.note.textChanged.connect(lambda: self.summary.setVisible(False))  # the missing note is being written
        buttons = QHBoxLayout()
        buttons.addWidget(muted_label("不承諾通知書を発行します。"), 1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.refuse_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.resize(600, self.sizeHint().height())

    def refuse(self) -> None:
        note, decided_on, application_id, ctx = (self.note.toPlainText(), to_date(self.decided_on), self.detail.id,
                                                 self.ctx)
        version = self.detail.row_version
        self.refuse_button.setEnabled(False)
        self.clear_messages()
        ctx.ops.run(lambda: application_service.refuse_application(ctx.db, ctx.actor, application_id, note,
                                                                   expected_version=version, decided_on=decided_on),
                    success=self._refused_ok, invalid=self._invalid, failure=self._failed, reload=self.reload,
                    done=lambda: self.refuse_button.setEnabled(True), changes=Changes.APPLICATIONS,
                    status=f"申込 {self.detail.number} を不承諾にしました。", parent=self)

    def _refused_ok(self, detail: ApplicationDetail) -> None:
        self.detail = detail
        self.refused.emit(detail)
        self.accept()
