"""One application (申込) in its own window, also used for 新規受付.

Tabs: 申込内容 (the applicant and the application, with the papers received), 審査 (the
checklist of the terms' refusal grounds, each line's evidence, and why 承諾 is not possible yet),
決定 (承諾 / 不承諾 for a manager, the applicant's withdrawal, the postal identity check) and
通知書 (the notices issued, saved or opened as PDF).

Every read and write goes through ``services.applications`` via the operations wrapper. The
service decides everything — what is missing, what blocks 承諾, what a withdrawal does under
each terms of service; the window shows its answers and its messages. ValidationFailed keys
("applicant.phone", "debit.bank_code", "documents.0.number_last_digits" …) land in red next to
their fields and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain.application import (
    ApplicationStatus,
    IdentityLetter,
    IdentityLetterResult,
    ScreeningAnswer,
    letter_step_problem,
    revokes_acceptance,
)
from reseller_desk.domain.banks import bank_name, branch_name
from reseller_desk.domain.company import ACCOUNT_TYPES, BankAccountDetails
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.customer import CustomerDraft
from reseller_desk.domain.intake import (
    ApplicationDraft,
    Channel,
    DocumentEntry,
    DocumentKind,
    IdentityKind,
    PaymentMethod,
    identity_number_problem,
)
from reseller_desk.services import applications as application_service
from reseller_desk.services import auth
from reseller_desk.services import customers as customer_service
from reseller_desk.services import notices as notice_service
from reseller_desk.services import settings as settings_service
from reseller_desk.services.applications import ApplicationDetail, ApplicationInput, ContractPreview
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.permissions import Role
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.customer_form import CustomerFields
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    APP_STYLE,
    ERROR_COLOR,
    MONEY_ALIGNMENT,
    MUTED_COLOR,
    ConfirmFunction,
    FieldErrors,
    SavePathFunction,
    ask_confirmation,
    ask_save_path,
    combo,
    date_edit,
    documents_folder,
    error_label,
    field_cell,
    form_layout,
    format_date,
    format_date_long,
    format_local_datetime,
    group,
    month_text,
    muted_label,
    notice_frame,
    select_data,
    set_invalid,
    to_date,
    to_qdate,
)

SEARCH_DELAY_MS = 200
SEARCH_LIMIT = 50
SYSTEM_CHECK = "システム照合"
CLERK_DECISION_HINT = "承諾・不承諾は管理者だけが行えます。"
REVOCATION_CONFIRM = "契約を取り消し、契約取消通知書を発行します。よろしいですか？"
WAITING_FOR_OPENING = "開通日が決まり次第"

ANSWER_COLORS = {
    ScreeningAnswer.CLEAR.value: "#2e7d32",
    ScreeningAnswer.HIT.value: ERROR_COLOR,
    ScreeningAnswer.UNCHECKED.value: "#e65100",
}
STATUS_BADGE = {
    ApplicationStatus.RECEIVED.value: "#1565c0",
    ApplicationStatus.AWAITING_DOCUMENTS.value: "#e65100",
    ApplicationStatus.SCREENING.value: "#6a1b9a",
    ApplicationStatus.APPROVED.value: "#2e7d32",
    ApplicationStatus.REFUSED.value: ERROR_COLOR,
    ApplicationStatus.WITHDRAWN.value: "#757575",
    ApplicationStatus.REVOKED.value: "#757575",
}


# -- 提出書類 ----------------------------------------------------------------------------------------
DOCUMENT_COLUMNS = (("種類", 150), ("受領日", 130), ("本人確認書類の種類", 170), ("番号下4桁", 100), ("メモ", 0), ("", 60))
DOCUMENT_FIELDS = ("kind", "received_on", "identity_kind", "number_last_digits", "note")


class DocumentRow(QWidget):
    """One paper: its widgets side by side and, under them, the red messages of that paper."""

    remove_requested = Signal(object)

    def __init__(self, entry: DocumentEntry | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = combo([(k.label, k.value) for k in DocumentKind])
        self.received_on = date_edit()
        self.identity_kind = combo([("（選択）", "")] + [(k.label, k.value) for k in IdentityKind])
        self.number = QLineEdit()
        self.number.setPlaceholderText("下4桁")
        self.number.setMaxLength(20)
        self.note = QLineEdit()
        self.remove_button = QPushButton("削除")
        self.remove_button.setToolTip("この書類を一覧から外します（保存で確定）")
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))
        self.widgets: dict[str, QWidget] = {"kind": self.kind, "received_on": self.received_on,
                                            "identity_kind": self.identity_kind,
                                            "number_last_digits": self.number, "note": self.note}
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for widget, (_title, width) in zip((*self.widgets.values(), self.remove_button), DOCUMENT_COLUMNS):
            if width:
                widget.setFixedWidth(width)
            row.addWidget(widget, 0 if width else 1)
        self.error = error_label()
        self.error.setObjectName("documentError")
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.error)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.identity_kind.currentIndexChanged.connect(lambda _i: self.check_number())
        self.number.textChanged.connect(lambda _t: self.check_number())
        if entry is not None:
            self.set_entry(entry)
        self._kind_changed()

    def is_identity(self) -> bool:
        return self.kind.currentData() == DocumentKind.IDENTITY.value

    def _kind_changed(self, *_args) -> None:
        identity = self.is_identity()
        self.identity_kind.setEnabled(identity)
        self.number.setEnabled(identity)
        self.check_number()

    def entry(self) -> DocumentEntry:
        identity = self.is_identity()
        return DocumentEntry(self.kind.currentData(), to_date(self.received_on),
                             self.identity_kind.currentData() if identity else "",
                             self.number.text() if identity else "", self.note.text())

    def set_entry(self, entry: DocumentEntry) -> None:
        select_data(self.kind, entry.kind)
        self.received_on.setDate(to_qdate(entry.received_on))
        select_data(self.identity_kind, entry.identity_kind)
        self.number.setText(entry.number_last_digits)
        self.note.setText(entry.note)

    def check_number(self) -> str | None:
        """Live feedback on the number as it is typed (the service refuses the same)."""
        problem = identity_number_problem(self.identity_kind.currentData() or "", self.number.text()) \
            if self.is_identity() else None
        self.show_errors({"number_last_digits": problem} if problem else {})
        return problem

    def show_errors(self, errors: dict[str, str]) -> QWidget | None:
        first = None
        for name, widget in self.widgets.items():
            bad = bool(errors.get(name))
            set_invalid(widget, bad)
            if bad and first is None:
                first = widget
        messages = [errors[n] for n in DOCUMENT_FIELDS if errors.get(n)]
        self.error.setText("\n".join(messages))
        self.error.setVisible(bool(messages))
        return first

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.widgets.values():
            widget.setEnabled(not read_only)
        self.remove_button.setVisible(not read_only)
        if not read_only:
            self._kind_changed()


class DocumentsEditor(QWidget):
    """提出書類: a small table of the papers received, with 追加 / 削除."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[DocumentRow] = []
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        for title, width in DOCUMENT_COLUMNS:
            label = QLabel(title)
            label.setStyleSheet("font-weight: bold;")
            if width:
                label.setFixedWidth(width)
            header.addWidget(label, 0 if width else 1)
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(4)
        self.empty_label = muted_label("提出された書類はまだありません。「書類を追加」で受け取った書類を記録します。")
        self.add_button = QPushButton("書類を追加")
        self.add_button.setObjectName("addDocument")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.general_error = error_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(muted_label("本人確認書類の番号は下4桁だけを記録します。マイナンバーは記録しません。"), 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addLayout(self.rows_layout)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.general_error)
        layout.addLayout(buttons)

    def add_row(self, entry: DocumentEntry | None = None) -> DocumentRow:
        row = DocumentRow(entry)
        row.remove_requested.connect(self.remove_row)
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        row.show()  # at once, not when the layout gets round to it
        self.empty_label.setVisible(False)
        self.changed.emit()
        return row

    def remove_row(self, row: DocumentRow) -> None:
        if row in self.rows:
            self.rows.remove(row)
            self.rows_layout.removeWidget(row)
            row.hide()
            row.deleteLater()
        self.empty_label.setVisible(not self.rows)
        self.changed.emit()

    def entries(self) -> tuple[DocumentEntry, ...]:
        return tuple(row.entry() for row in self.rows)

    def set_entries(self, entries) -> None:
        for row in list(self.rows):
            self.remove_row(row)
        for entry in entries:
            self.add_row(entry)

    def show_errors(self, errors: dict[str, str]) -> tuple[QWidget | None, dict[str, str]]:
        """``errors`` keyed "0.number_last_digits" …; returns the first bad widget and the rest."""
        first = None
        used = set()
        for index, row in enumerate(self.rows):
            mine = {}
            for name in DOCUMENT_FIELDS:
                key = f"{index}.{name}"
                if key in errors:
                    mine[name] = errors[key]
                    used.add(key)
            widget = row.show_errors(mine)
            first = first or widget
        return first, {k: v for k, v in errors.items() if k not in used}

    def clear_errors(self) -> None:
        for row in self.rows:
            row.show_errors({})
        self.general_error.setVisible(False)

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setVisible(not read_only)
        for row in self.rows:
            row.set_read_only(read_only)


# -- 承諾 / 不承諾 -------------------------------------------------------------------------------------
class _DecisionDialog(QDialog):
    """承諾 / 不承諾 dialogs: field errors next to their fields, anything else in the summary."""

    def _invalid(self, error: ValidationFailed) -> None:
        first, others = self.errors.show(error.errors)
        self.summary.setText("\n".join([str(error), *others.values()]))
        self.summary.setVisible(True)
        self.adjustSize()
        if first is not None:
            first.setFocus()

    def _failed(self, error: ServiceError, title: str) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)
        self.adjustSize()
        self.ctx.ops.show_message(title, str(error))


class ApproveDialog(_DecisionDialog):
    """承諾…: the decision date, the SC 登録日 or the SH 開通日, and what they give (契約成立日,
    課金開始月) as the service previews it, before the manager confirms."""

    approved = Signal(object)

    def __init__(self, ctx: AppContext, detail: ApplicationDetail, preview: ContractPreview,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.preview = preview
        self.setObjectName("approveDialog")
        self.setWindowTitle(f"承諾 — {detail.number}")
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
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
        self.summary = error_label()
        self.summary.setObjectName("summary")

        form = form_layout()
        form.addRow("申込", QLabel(f"{detail.number}　{detail.applicant.name}（{detail.profile_name}・{detail.plan_name}）"))
        form.addRow("承諾日 ※", field_cell(self.decided_on, labels=[self.errors.add("decided_on", self.decided_on)]))
        if preview.uses_registration_date:
            registered_cell = field_cell(self.registered_on, muted_label("契約はこの日に成立します（既定は承諾日）。"),
                                         labels=[self.errors.add("registered_on", self.registered_on)])
            registered_cell.layout().itemAt(0).layout().addStretch(1)
            form.addRow("登録日 ※", registered_cell)
        if preview.uses_opening_date:
            opened_cell = field_cell(self.opened_check, self.opened_on, labels=[self.errors.add("opened_on", self.opened_on)])
            opened_cell.layout().itemAt(0).layout().addStretch(1)
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
        self.resize(620, self.sizeHint().height())

    # -- values ----------------------------------------------------------------------------
    def values(self) -> dict[str, dt.date | None]:
        return {
            "decided_on": to_date(self.decided_on),
            "registered_on": to_date(self.registered_on) if self.preview.uses_registration_date else None,
            "opened_on": to_date(self.opened_on) if self.preview.uses_opening_date and self.opened_check.isChecked() else None,
        }

    def _decided_changed(self, _date) -> None:
        if self._registered_follows:  # 登録日 follows 承諾日 until the manager changes it
            self.registered_on.blockSignals(True)
            self.registered_on.setDate(self.decided_on.date())
            self.registered_on.blockSignals(False)
        self.update_preview()

    def _registered_changed(self, _date) -> None:
        self._registered_follows = False
        self.update_preview()

    def _opened_toggled(self, checked: bool) -> None:
        self.opened_on.setEnabled(checked)
        self.update_preview()

    # -- preview ---------------------------------------------------------------------------
    def update_preview(self) -> None:
        values, application_id, db = self.values(), self.detail.id, self.ctx.db
        self.ctx.ops.run(lambda: application_service.preview_contract(db, application_id, **values),
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
        values, application_id, ctx = self.values(), self.detail.id, self.ctx
        self.approve_button.setEnabled(False)
        self.errors.clear()
        self.summary.setVisible(False)
        ctx.ops.run(lambda: application_service.approve_application(ctx.db, ctx.actor, application_id, **values),
                    success=self._approved, invalid=self._invalid,
                    failure=lambda error: self._failed(error, "承諾できませんでした"),
                    done=lambda: self.approve_button.setEnabled(True),
                    changes=(Changes.APPLICATIONS, Changes.CUSTOMERS),
                    status=f"申込 {self.detail.number} を承諾しました。", parent=self)

    def _approved(self, detail: ApplicationDetail) -> None:
        self.detail = detail
        self.approved.emit(detail)
        self.accept()



class RefuseDialog(_DecisionDialog):
    """不承諾…: the reason goes into an internal note (社内メモ) that is never sent."""

    refused = Signal(object)

    def __init__(self, ctx: AppContext, detail: ApplicationDetail, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.setObjectName("refuseDialog")
        self.setWindowTitle(f"不承諾 — {detail.number}")
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
        self.decided_on = date_edit()
        self.note = QPlainTextEdit()
        self.note.setObjectName("internalNote")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(100)
        self.note.setPlaceholderText("不承諾の理由（審査で該当した事由、確認した内容など）")
        self.summary = error_label()
        self.summary.setObjectName("summary")
        form = form_layout()
        form.addRow("申込", QLabel(f"{detail.number}　{detail.applicant.name}（{detail.profile_name}）"))
        form.addRow("決定日 ※", field_cell(self.decided_on, labels=[self.errors.add("decided_on", self.decided_on)]))
        hint = muted_label("社内メモです。申込者には通知されません（不承諾通知書に理由は記載されません）。")
        hint.setObjectName("internalNoteHint")
        form.addRow("社内メモ（理由） ※", field_cell(self.note, labels=[hint, self.errors.add("internal_note", self.note)]))
        self.cancel_button = QPushButton("キャンセル")
        self.cancel_button.clicked.connect(self.reject)
        self.refuse_button = QPushButton("不承諾にする")
        self.refuse_button.setObjectName("confirmRefuse")
        self.refuse_button.clicked.connect(self.refuse)
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
        note, decided_on, application_id, ctx = self.note.toPlainText(), to_date(self.decided_on), self.detail.id, self.ctx
        self.refuse_button.setEnabled(False)
        self.errors.clear()
        self.summary.setVisible(False)
        ctx.ops.run(lambda: application_service.refuse_application(ctx.db, ctx.actor, application_id, note,
                                                                   decided_on=decided_on),
                    success=self._refused_ok, invalid=self._invalid,
                    failure=lambda error: self._failed(error, "不承諾にできませんでした"),
                    done=lambda: self.refuse_button.setEnabled(True), changes=Changes.APPLICATIONS,
                    status=f"申込 {self.detail.number} を不承諾にしました。", parent=self)

    def _refused_ok(self, detail: ApplicationDetail) -> None:
        self.detail = detail
        self.refused.emit(detail)
        self.accept()



# -- the application window --------------------------------------------------------------------------
CHECKLIST_COLUMNS = (("番号", 44), ("審査事由", 330), ("条項", 100), ("回答", 104), ("確認者", 104),
                     ("日時", 124), ("メモ", 160))
(CL_CODE, CL_TEXT, CL_CLAUSE, CL_ANSWER, CL_CHECKER, CL_AT, CL_NOTE) = range(len(CHECKLIST_COLUMNS))

DEBIT_FIELDS = ("bank_code", "branch_code", "account_type", "account_number", "holder_kana")
FORM_FIELDS = ("customer_id", "channel", "received_on", "profile_key", "plan_id", "option_ids", "lines",
               "handled_by_id", "payment_method", *(f"debit.{f}" for f in DEBIT_FIELDS), "notes")


class ApplicationDialog(QDialog):
    """新規受付 (``detail`` None) or one application. Emits :attr:`changed` with every new
    :class:`ApplicationDetail` (saved, screened, decided …)."""

    changed = Signal(object)
    #: A dialog of this window (承諾… / 不承諾…) was opened: tests and the page reach it.
    dialog_opened = Signal(object)

    def __init__(self, ctx: AppContext, detail: ApplicationDetail | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: ApplicationDetail | None = None
        self.customer_id: int | None = None
        self.ask_save_path: SavePathFunction = ask_save_path
        self.confirm: ConfirmFunction = ask_confirmation(self)
        self.open_url: Callable[[QUrl], bool] = QDesktopServices.openUrl
        self.sub_dialogs: list[QDialog] = []
        self._busy = 0
        self.setObjectName("applicationDialog")
        self.setStyleSheet(APP_STYLE)
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setModal(False)
        self.errors = FieldErrors()
        self.profiles = settings_service.list_profiles()
        self.staff = [s for s in auth.list_staff(ctx.db) if s.active]
        self._build()
        if detail is None:
            self._new_defaults()
        else:
            self.set_detail(detail)
        self.resize(1060, 800)

    # == building ======================================================================
    def _build(self) -> None:
        outer = QVBoxLayout(self)

        # header: number, status, what is missing
        header = QHBoxLayout()
        self.number_label = QLabel()
        self.number_label.setObjectName("applicationNumber")
        self.number_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.status_label = QLabel()
        self.status_label.setObjectName("applicationStatus")
        self.info_label = QLabel()
        self.info_label.setObjectName("applicationInfo")
        self.info_label.setWordWrap(True)
        header.addWidget(self.number_label)
        header.addWidget(self.status_label)
        header.addWidget(self.info_label, 1)
        outer.addLayout(header)

        self.banner = notice_frame()
        banner_layout = QHBoxLayout(self.banner)
        self.banner_label = QLabel()
        self.banner_label.setObjectName("banner")
        self.banner_label.setWordWrap(True)
        self.banner_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        banner_layout.addWidget(self.banner_label, 1)
        close_banner = QPushButton("×")
        close_banner.setFixedWidth(28)
        close_banner.setFlat(True)
        close_banner.setToolTip("このお知らせを閉じる")
        close_banner.clicked.connect(lambda: self.banner.setVisible(False))
        banner_layout.addWidget(close_banner, 0, Qt.AlignmentFlag.AlignTop)
        self.banner.setVisible(False)
        outer.addWidget(self.banner)

        self.summary = error_label()
        self.summary.setObjectName("summary")
        outer.addWidget(self.summary)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("applicationTabs")
        self.intake_tab = self._build_intake()
        self.screening_tab = self._build_screening()
        self.decision_tab = self._build_decision()
        self.notices_tab = self._build_notices()
        self.tabs.addTab(self.intake_tab, "申込内容")
        self.tabs.addTab(self.screening_tab, "審査")
        self.tabs.addTab(self.decision_tab, "決定・取下げ")
        self.tabs.addTab(self.notices_tab, "通知書")
        outer.addWidget(self.tabs, 1)

        footer = QHBoxLayout()
        self.footer_note = muted_label("※は必須項目です。")
        footer.addWidget(self.footer_note, 1)
        self.close_button = QPushButton("閉じる")
        self.close_button.setToolTip("閉じる（Esc）。保存していない変更は失われます。")
        self.close_button.clicked.connect(self.reject)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveApplication")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("申込内容を保存（Ctrl+S）")
        self.save_button.clicked.connect(self.save)
        footer.addWidget(self.close_button)
        footer.addWidget(self.save_button)
        outer.addLayout(footer)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.tabs.currentChanged.connect(lambda _i: self._update_footer())
        self.tabs.currentChanged.connect(lambda _i: self._row_timer.start())

    # -- 申込内容 ---------------------------------------------------------------------------
    def _build_intake(self) -> QWidget:
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.intake_body = body
        outer = QVBoxLayout(body)
        outer.setContentsMargins(4, 4, 12, 4)
        columns = QHBoxLayout()
        outer.addLayout(columns)
        layout = QVBoxLayout()  # left: the applicant
        right = QVBoxLayout()   # right: the application and its payment
        columns.addLayout(layout, 1)
        columns.addLayout(right, 1)

        # 申込者
        applicant_box, applicant_layout = group("申込者")
        choice = QHBoxLayout()
        self.existing_radio = QRadioButton("既存の顧客")
        self.new_radio = QRadioButton("新規")
        self.applicant_group = QButtonGroup(self)
        self.applicant_group.addButton(self.existing_radio)
        self.applicant_group.addButton(self.new_radio)
        choice.addWidget(self.new_radio)
        choice.addWidget(self.existing_radio)
        choice.addStretch(1)
        applicant_layout.addLayout(choice)

        self.existing_box = QWidget()
        existing = QVBoxLayout(self.existing_box)
        existing.setContentsMargins(0, 0, 0, 0)
        self.customer_search = QLineEdit()
        self.customer_search.setObjectName("customerSearch")
        self.customer_search.setPlaceholderText("顧客を検索（名称・フリガナ・電話番号・メール・法人番号）")
        self.customer_search.setClearButtonEnabled(True)
        self.customer_results = QListWidget()
        self.customer_results.setObjectName("customerResults")
        self.customer_results.setMaximumHeight(120)
        self.chosen_label = QLabel("顧客を選んでください。")
        self.chosen_label.setObjectName("chosenCustomer")
        existing.addWidget(self.customer_search)
        existing.addWidget(self.customer_results)
        existing.addWidget(field_cell(self.chosen_label, labels=[self.errors.add("customer_id", self.customer_search)]))
        applicant_layout.addWidget(self.existing_box)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_customers)
        self.customer_search.textChanged.connect(lambda _t: self._search_timer.start())
        self.customer_results.itemClicked.connect(self._customer_picked)
        self.customer_results.itemActivated.connect(self._customer_picked)

        self.applicant_fields = CustomerFields(with_notes=False)
        self.applicant_fields.setObjectName("applicantFields")
        applicant_layout.addWidget(self.applicant_fields)
        self.new_radio.toggled.connect(self._applicant_mode_changed)
        layout.addWidget(applicant_box)
        layout.addStretch(1)

        # 申込
        app_box, app_layout = group("申込")
        form = form_layout()
        app_layout.addLayout(form)
        self.channel_combo = combo([(c.label, c.value) for c in Channel])
        self.channel_combo.setObjectName("channel")
        self.received_on = date_edit()
        self.received_on.setObjectName("receivedOn")
        self.profile_combo = combo([(p.name, p.key) for p in self.profiles])
        self.profile_combo.setObjectName("profile")
        self.plan_combo = QComboBox()
        self.plan_combo.setObjectName("plan")
        self.plan_combo.setMinimumWidth(260)
        self.options_list = QListWidget()
        self.options_list.setObjectName("options")
        self.options_list.setMaximumHeight(72)
        self.lines_spin = QSpinBox()
        self.lines_spin.setObjectName("lines")
        self.lines_spin.setRange(1, 999)
        self.lines_spin.setAlignment(MONEY_ALIGNMENT)
        self.lines_spin.setSuffix(" 回線")
        self.lines_spin.setMaximumWidth(120)
        self.handler_combo = combo([(f"{s.name}（{s.role.label}）", s.id) for s in self.staff])
        self.handler_combo.setObjectName("handledBy")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("applicationNotes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(52)

        def left(widget: QWidget, name: str, *extra: QWidget) -> QWidget:
            cell = field_cell(widget, *extra, labels=[self.errors.add(name, widget)])
            if not extra:
                cell.layout().setAlignment(widget, Qt.AlignmentFlag.AlignLeft)
            return cell

        self.channel_combo.setMinimumWidth(140)
        form.addRow("受付経路 ※", left(self.channel_combo, "channel"))
        form.addRow("受付日 ※", left(self.received_on, "received_on"))
        form.addRow("サービス ※", left(self.profile_combo, "profile_key"))
        form.addRow("プラン ※", left(self.plan_combo, "plan_id"))
        form.addRow("オプション", field_cell(self.options_list, labels=[self.errors.add("option_ids", self.options_list)]))
        form.addRow("回線数 ※", left(self.lines_spin, "lines"))
        form.addRow("担当", left(self.handler_combo, "handled_by_id"))
        form.addRow("備考", field_cell(self.notes_edit, labels=[self.errors.add("notes", self.notes_edit)]))
        self.profile_combo.currentIndexChanged.connect(lambda _i: self._profile_changed())
        right.addWidget(app_box)

        # 支払方法
        pay_box, pay_layout = group("支払方法")
        methods = QHBoxLayout()
        self.debit_radio = QRadioButton(PaymentMethod.DEBIT.label)
        self.transfer_radio = QRadioButton(PaymentMethod.TRANSFER.label)
        self.payment_group = QButtonGroup(self)
        self.payment_group.addButton(self.debit_radio)
        self.payment_group.addButton(self.transfer_radio)
        methods.addWidget(self.transfer_radio)
        methods.addWidget(self.debit_radio)
        methods.addStretch(1)
        payment_cell = QWidget()
        payment_cell.setLayout(methods)
        pay_layout.addWidget(field_cell(payment_cell, labels=[self.errors.add("payment_method", payment_cell)]))
        self.debit_box = QWidget()
        debit_form = form_layout()
        debit_form.setContentsMargins(0, 0, 0, 0)
        self.debit_box.setLayout(debit_form)
        self.bank_code = QLineEdit()
        self.bank_code.setObjectName("bankCode")
        self.bank_code.setPlaceholderText("4桁")
        self.bank_code.setMaxLength(4)
        self.bank_code.setFixedWidth(80)
        self.bank_name_label = QLabel()
        self.bank_name_label.setObjectName("bankName")
        self.branch_code = QLineEdit()
        self.branch_code.setObjectName("branchCode")
        self.branch_code.setPlaceholderText("3桁")
        self.branch_code.setMaxLength(3)
        self.branch_code.setFixedWidth(80)
        self.branch_name_label = QLabel()
        self.branch_name_label.setObjectName("branchName")
        self.account_type = combo([(t, t) for t in ACCOUNT_TYPES])
        self.account_type.setObjectName("accountType")
        self.account_type.setFixedWidth(100)
        self.account_number = QLineEdit()
        self.account_number.setObjectName("accountNumber")
        self.account_number.setPlaceholderText("7桁")
        self.account_number.setMaxLength(7)
        self.account_number.setFixedWidth(110)
        self.holder_kana = QLineEdit()
        self.holder_kana.setObjectName("holderKana")
        self.holder_kana.setPlaceholderText("半角カナ（例: ｶ)ﾐﾗｲｼｮｳｼﾞ）。全角でも可")
        self.holder_kana.setToolTip("全角カナ・ひらがなで入力しても、保存時に半角カナに直します")
        self.debit_widgets = {"bank_code": self.bank_code, "branch_code": self.branch_code,
                              "account_type": self.account_type, "account_number": self.account_number,
                              "holder_kana": self.holder_kana}

        def with_name(edit: QWidget, name_label: QLabel, field: str) -> QWidget:
            cell = field_cell(edit, name_label, labels=[self.errors.add(f"debit.{field}", edit)])
            cell.layout().itemAt(0).layout().addStretch(1)
            return cell

        debit_form.addRow("金融機関コード", with_name(self.bank_code, self.bank_name_label, "bank_code"))
        debit_form.addRow("支店コード", with_name(self.branch_code, self.branch_name_label, "branch_code"))
        debit_form.addRow("預金種目", left(self.account_type, "debit.account_type"))
        debit_form.addRow("口座番号", left(self.account_number, "debit.account_number"))
        debit_form.addRow("口座名義", field_cell(self.holder_kana, labels=[self.errors.add("debit.holder_kana", self.holder_kana)]))
        pay_layout.addWidget(self.debit_box)
        self.debit_radio.toggled.connect(lambda _c: self._payment_changed())
        self.bank_code.textChanged.connect(lambda _t: self.update_bank_names())
        self.branch_code.textChanged.connect(lambda _t: self.update_bank_names())
        right.addWidget(pay_box)
        right.addStretch(1)

        # 提出書類, under both columns
        docs_box, docs_layout = group("提出書類")
        self.documents = DocumentsEditor()
        self.documents.setObjectName("documents")
        docs_layout.addWidget(self.documents)
        outer.addWidget(docs_box)
        outer.addStretch(1)

        scroll.setWidget(body)
        return scroll

    # -- 審査 ------------------------------------------------------------------------------
    def _build_screening(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        top = QHBoxLayout()
        self.screen_button = QPushButton("審査開始")
        self.screen_button.setObjectName("startScreening")
        self.screen_button.setToolTip("約款の拒否事由ごとに審査項目を作り、顧客の記録と過去の申込を照合して記入します")
        self.screen_button.clicked.connect(self.start_screening)
        top.addWidget(self.screen_button)
        top.addWidget(muted_label("「システム照合」の行は顧客の記録・過去の申込・申込内容から自動で記入しています。"
                                  "回答を変えると、その担当者の回答になります。"), 1)
        layout.addLayout(top)

        self.checklist = QTableWidget(0, len(CHECKLIST_COLUMNS))
        self.checklist.setObjectName("checklist")
        self.checklist.setHorizontalHeaderLabels([title for title, _w in CHECKLIST_COLUMNS])
        self.checklist.verticalHeader().setVisible(False)
        self.checklist.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.checklist.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.checklist.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                       | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.checklist.setWordWrap(True)
        self.checklist.setAlternatingRowColors(True)
        header = self.checklist.horizontalHeader()
        header.setHighlightSections(False)
        for column, (_title, width) in enumerate(CHECKLIST_COLUMNS):
            self.checklist.setColumnWidth(column, width)
        header.setSectionResizeMode(CL_TEXT, QHeaderView.ResizeMode.Stretch)
        # Row heights follow the wrapped text once the columns have their widths (coalesced).
        self._row_timer = QTimer(self)
        self._row_timer.setSingleShot(True)
        self._row_timer.setInterval(0)
        self._row_timer.timeout.connect(self.checklist.resizeRowsToContents)
        header.sectionResized.connect(lambda *_: self._row_timer.start())
        self.checklist.itemChanged.connect(self._checklist_item_changed)
        self.checklist.currentCellChanged.connect(lambda row, *_: self._show_evidence(row))
        layout.addWidget(self.checklist, 1)

        self.evidence_frame = QFrame()
        self.evidence_frame.setFrameShape(QFrame.Shape.StyledPanel)
        evidence_layout = QVBoxLayout(self.evidence_frame)
        evidence_layout.setContentsMargins(8, 4, 8, 4)
        self.evidence_label = QLabel("行を選ぶと、その審査項目の照合の記録がここに表示されます。")
        self.evidence_label.setObjectName("evidence")
        self.evidence_label.setWordWrap(True)
        self.evidence_label.setTextFormat(Qt.TextFormat.RichText)
        self.evidence_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.evidence_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        evidence_layout.addWidget(self.evidence_label)
        self.evidence_frame.setMaximumHeight(120)
        layout.addWidget(self.evidence_frame)

        self.blockers_title = QLabel("承諾できない理由")
        self.blockers_title.setStyleSheet("font-weight: bold;")
        self.blockers = QListWidget()
        self.blockers.setObjectName("blockers")
        self.blockers.setWordWrap(True)
        layout.addWidget(self.blockers_title)
        layout.addWidget(self.blockers)
        return tab

    # -- 決定・取消 ---------------------------------------------------------------------------
    def _build_decision(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)

        decision_box, decision_layout = group("決定")
        buttons = QHBoxLayout()
        self.approve_button = QPushButton("承諾…")
        self.approve_button.setObjectName("approveButton")
        self.approve_button.clicked.connect(self.approve)
        self.refuse_button = QPushButton("不承諾…")
        self.refuse_button.setObjectName("refuseButton")
        self.refuse_button.clicked.connect(self.refuse)
        self.withdraw_button = QPushButton("取下げ（申込者からの申し出）")
        self.withdraw_button.setObjectName("withdrawButton")
        self.withdraw_button.setToolTip("申込者から申込を取り下げたいと申し出があったとき")
        self.withdraw_button.clicked.connect(self.withdraw)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.refuse_button)
        buttons.addSpacing(24)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        decision_layout.addLayout(buttons)
        self.role_hint = muted_label()
        self.role_hint.setObjectName("roleHint")
        decision_layout.addWidget(self.role_hint)

        result_form = form_layout()
        self.result_rows: dict[str, QLabel] = {}
        self.result_form = result_form
        for key, title in (("status", "状態"), ("decided_on", "決定日"), ("decided_by", "決定者"),
                           ("customer_code", "カスタマID"), ("formed_on", "契約成立日"),
                           ("first_billable_month", "課金開始月"), ("opened_on", "開通日"),
                           ("contract_status", "契約の状態"), ("decision_note", "社内メモ"),
                           ("cancelled", "取下げ・取消"), ("withdrawal_requested", "取下げの申し出")):
            value = QLabel()
            value.setObjectName(f"result_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.result_rows[key] = value
            result_form.addRow(title, value)
        self.result_rows["customer_code"].setStyleSheet("font-size: 13pt; font-weight: bold;")
        decision_layout.addLayout(result_form)
        self.decision_blockers = QLabel()
        self.decision_blockers.setObjectName("decisionBlockers")
        self.decision_blockers.setWordWrap(True)
        decision_layout.addWidget(self.decision_blockers)
        layout.addWidget(decision_box)

        self.letter_box, letter_layout = group("本人確認郵便（郵送による本人確認）")
        self.letter_box.setObjectName("identityLetter")
        self.letter_status = QLabel()
        self.letter_status.setObjectName("letterStatus")
        self.letter_status.setWordWrap(True)
        letter_layout.addWidget(self.letter_status)
        row = QHBoxLayout()
        row.addWidget(QLabel("日付"))
        self.letter_date = date_edit()
        self.letter_date.setObjectName("letterDate")
        row.addWidget(self.letter_date)
        self.letter_sent_button = QPushButton("発送を記録")
        self.letter_sent_button.setObjectName("letterSent")
        self.letter_confirmed_button = QPushButton("到達（本人確認済）")
        self.letter_confirmed_button.setObjectName("letterConfirmed")
        self.letter_failed_button = QPushButton("不達（本人確認不可）")
        self.letter_failed_button.setObjectName("letterFailed")
        for button, status in ((self.letter_sent_button, IdentityLetterResult.SENT),
                               (self.letter_confirmed_button, IdentityLetterResult.CONFIRMED),
                               (self.letter_failed_button, IdentityLetterResult.FAILED)):
            button.clicked.connect(lambda _c=False, s=status.value: self.record_identity_letter(s))
            row.addWidget(button)
        row.addStretch(1)
        letter_layout.addLayout(row)
        self.letter_error = error_label()
        letter_layout.addWidget(self.letter_error)
        layout.addWidget(self.letter_box)
        layout.addStretch(1)
        return tab

    # -- 通知書 -----------------------------------------------------------------------------
    def _build_notices(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.notice_table = QTableWidget(0, 3)
        self.notice_table.setObjectName("notices")
        self.notice_table.setHorizontalHeaderLabels(["文書番号", "種類", "発行日"])
        self.notice_table.verticalHeader().setVisible(False)
        self.notice_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.notice_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.notice_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.notice_table.setColumnWidth(0, 170)
        self.notice_table.setColumnWidth(1, 220)
        self.notice_table.horizontalHeader().setStretchLastSection(True)
        self.notice_table.doubleClicked.connect(lambda _i: self.open_notice())
        layout.addWidget(self.notice_table, 1)
        buttons = QHBoxLayout()
        self.save_pdf_button = QPushButton("PDFを保存…")
        self.save_pdf_button.setObjectName("saveNoticePdf")
        self.save_pdf_button.clicked.connect(lambda: self.save_notice_pdf())
        self.open_pdf_button = QPushButton("開く")
        self.open_pdf_button.setObjectName("openNotice")
        self.open_pdf_button.setToolTip("PDFを開きます。印刷はPDFの表示ソフトから行います。")
        self.open_pdf_button.clicked.connect(lambda: self.open_notice())
        buttons.addWidget(muted_label("通知書は発行したときの内容のまま保存されています。印刷は「開く」で表示したPDFから行います。"), 1)
        buttons.addWidget(self.save_pdf_button)
        buttons.addWidget(self.open_pdf_button)
        layout.addLayout(buttons)
        return tab

    # == filling =======================================================================
    def _new_defaults(self) -> None:
        self.new_radio.setChecked(True)
        self.transfer_radio.setChecked(True)
        select_data(self.handler_combo, self.ctx.actor.user_id)
        self._profile_changed()
        self._applicant_mode_changed()
        self._payment_changed()
        self.update_bank_names()
        self.set_detail_view(None)

    def set_detail(self, detail: ApplicationDetail, *, form: bool = True) -> None:
        """Show ``detail``; ``form`` False keeps what is typed on 申込内容 (after a screening
        answer, say) unless the application was decided meanwhile."""
        self.detail = detail
        is_open = ApplicationStatus(detail.status).is_open
        if form or not is_open:
            self._fill_form(detail)
        self.set_detail_view(detail)

    def _fill_form(self, detail: ApplicationDetail) -> None:
        inp = detail.input
        draft = inp.draft
        if inp.customer_id is not None:
            self.existing_radio.setChecked(True)
            self.customer_id = inp.customer_id
            self.chosen_label.setText(f"選択中: ID {inp.customer_id}　{detail.applicant.name}")
            self.applicant_fields.set_draft(CustomerDraft())
        else:
            self.new_radio.setChecked(True)
            self.customer_id = None
            self.applicant_fields.set_draft(inp.applicant or detail.applicant)
        select_data(self.channel_combo, draft.channel)
        self.received_on.setDate(to_qdate(draft.received_on))
        select_data(self.profile_combo, draft.profile_key)
        self._profile_changed(keep_plan=draft.plan_id, keep_options=draft.option_ids)
        self.lines_spin.setValue(draft.lines)
        if inp.handled_by_id is not None and not select_data(self.handler_combo, inp.handled_by_id):
            self.handler_combo.addItem(f"（ID {inp.handled_by_id}）", inp.handled_by_id)
            select_data(self.handler_combo, inp.handled_by_id)
        (self.debit_radio if draft.payment_method == PaymentMethod.DEBIT.value else self.transfer_radio).setChecked(True)
        account = draft.debit_account or BankAccountDetails()
        self.bank_code.setText(account.bank_code)
        self.branch_code.setText(account.branch_code)
        select_data(self.account_type, account.account_type or ACCOUNT_TYPES[0])
        self.account_number.setText(account.account_number)
        self.holder_kana.setText(account.holder_kana)
        self.notes_edit.setPlainText(draft.notes)
        self.documents.set_entries(draft.documents)
        self._applicant_mode_changed()
        self._payment_changed()
        self.update_bank_names()
        read_only = not ApplicationStatus(detail.status).is_open
        self.set_form_read_only(read_only)

    def set_form_read_only(self, read_only: bool) -> None:
        for widget in (self.existing_radio, self.new_radio, self.customer_search, self.customer_results,
                       self.channel_combo, self.received_on, self.profile_combo, self.plan_combo, self.options_list,
                       self.lines_spin, self.handler_combo, self.debit_radio, self.transfer_radio,
                       *self.debit_widgets.values()):
            widget.setEnabled(not read_only)
        self.notes_edit.setReadOnly(read_only)
        self.applicant_fields.set_read_only(read_only)
        self.documents.set_read_only(read_only)

    def _profile_changed(self, keep_plan: int | None = None, keep_options=()) -> None:
        key = self.profile_combo.currentData()
        plans = settings_service.list_plans(self.ctx.db, key) if key else []
        options = settings_service.list_options(self.ctx.db, key) if key else []
        self.plan_combo.clear()
        self.plan_combo.addItem("（選択してください）", None)
        for plan in plans:
            if plan.details.active or plan.id == keep_plan:
                suffix = "" if plan.details.active else "（受付停止中）"
                self.plan_combo.addItem(f"{plan.details.name}{suffix}", plan.id)
        if keep_plan is not None:
            select_data(self.plan_combo, keep_plan)
        elif self.plan_combo.count() == 2:
            self.plan_combo.setCurrentIndex(1)
        self.options_list.clear()
        for option in options:
            if option.details.active or option.id in keep_options:
                item = QListWidgetItem(option.details.name)
                item.setData(Qt.ItemDataRole.UserRole, option.id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if option.id in keep_options else Qt.CheckState.Unchecked)
                self.options_list.addItem(item)
        if not self.options_list.count():
            item = QListWidgetItem("（このサービスのオプションはありません）")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.options_list.addItem(item)

    def _applicant_mode_changed(self, *_args) -> None:
        new = self.new_radio.isChecked()
        self.applicant_fields.setVisible(new)
        self.existing_box.setVisible(not new)

    def _payment_changed(self) -> None:
        self.debit_box.setVisible(self.debit_radio.isChecked())

    def update_bank_names(self) -> None:
        """The bank and branch names from their codes, as the clerk types."""
        bank_code, branch_code = self.bank_code.text().strip(), self.branch_code.text().strip()
        bank = bank_name(bank_code) if len(bank_code) == 4 else None
        if len(bank_code) == 4:
            self._name(self.bank_name_label, bank, "該当する金融機関がありません")
        else:
            self._name(self.bank_name_label, None, "")
        if bank and len(branch_code) == 3:
            self._name(self.branch_name_label, branch_name(bank_code, branch_code), f"{bank}にこの支店はありません")
        else:
            self._name(self.branch_name_label, None, "")

    @staticmethod
    def _name(label: QLabel, name: str | None, missing: str) -> None:
        label.setText(name or missing)
        label.setStyleSheet("font-weight: bold;" if name else f"color: {ERROR_COLOR};")

    # -- the parts that follow every change ----------------------------------------------------
    def set_detail_view(self, detail: ApplicationDetail | None) -> None:
        is_new = detail is None
        for index in (1, 2, 3):
            self.tabs.setTabEnabled(index, not is_new)
        if is_new:
            self.setWindowTitle("申込の新規受付")
            self.number_label.setText("新規受付")
            self.status_label.setText("")
            self.info_label.setText("")
            self._update_footer()
            return
        self.setWindowTitle(f"申込 {detail.number} — {detail.applicant.name}")
        self.number_label.setText(detail.number)
        color = STATUS_BADGE.get(detail.status, "#000000")
        self.status_label.setText(detail.status_label)
        self.status_label.setStyleSheet(f"color: white; background: {color}; border-radius: 3px; padding: 2px 8px;"
                                        "font-weight: bold;")
        info = [f"{detail.profile_name}・{detail.plan_name}"]
        if detail.missing_documents:
            info.append(f"<span style='color:#e65100'>不足書類: {escape('・'.join(detail.missing_documents))}</span>")
        if detail.withdrawal_requested_on:
            info.append(f"<span style='color:{ERROR_COLOR}'>取下げの申し出あり（{format_date(detail.withdrawal_requested_on)}）</span>")
        self.info_label.setText("　".join(info))
        self._show_checklist(detail)
        self._show_blockers(detail)
        self._show_decision(detail)
        self._show_letter(detail)
        self._show_notices(detail)
        self._update_footer()

    def _update_footer(self) -> None:
        editable = self.detail is None or ApplicationStatus(self.detail.status).is_open
        on_intake = self.tabs.currentWidget() is self.intake_tab
        self.save_button.setVisible(editable and on_intake)
        if self.detail is not None and not editable:
            self.footer_note.setText(f"この申込は「{self.detail.status_label}」のため、申込内容は変更できません。")
        else:
            self.footer_note.setText("※は必須項目です。" if on_intake else "")

    # -- checklist -----------------------------------------------------------------------
    def _show_checklist(self, detail: ApplicationDetail) -> None:
        is_open = ApplicationStatus(detail.status).is_open
        self.screen_button.setText("照合をやり直す" if detail.checklist else "審査開始")
        self.screen_button.setEnabled(is_open)
        current = self.checklist.currentRow()
        self.checklist.blockSignals(True)
        self.checklist.clearContents()
        self.checklist.setRowCount(len(detail.checklist))
        self.answer_combos: dict[str, QComboBox] = {}
        for row, item in enumerate(detail.checklist):
            evidence = "\n".join(f"└ {line}" for line in item.evidence)
            cells = {
                CL_CODE: item.code,
                CL_TEXT: item.text + (f"\n{evidence}" if evidence else ""),
                CL_CLAUSE: item.clause,
                CL_CHECKER: SYSTEM_CHECK if item.prefilled else item.checked_by_name,
                CL_AT: format_local_datetime(item.checked_at),
                CL_NOTE: item.note,
            }
            for column, text in cells.items():
                cell = QTableWidgetItem(text)
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if column == CL_NOTE and is_open:
                    flags |= Qt.ItemFlag.ItemIsEditable
                    cell.setToolTip("ダブルクリックでメモを書けます")
                cell.setFlags(flags)
                cell.setData(Qt.ItemDataRole.UserRole, item.code)
                if column == CL_CODE:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                else:
                    cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                if column == CL_TEXT and item.evidence:
                    cell.setToolTip(item.text + "\n\n" + evidence)
                if column == CL_CHECKER and item.prefilled:
                    cell.setForeground(QBrush(QColor(MUTED_COLOR)))
                self.checklist.setItem(row, column, cell)
            answer = combo([(a.label, a.value) for a in ScreeningAnswer])
            answer.setObjectName(f"answer_{item.code}")
            select_data(answer, item.answer)
            answer.setEnabled(is_open)
            answer.setStyleSheet(f"QComboBox {{ color: {ANSWER_COLORS.get(item.answer, '#000')}; font-weight: bold; }}")
            answer.currentIndexChanged.connect(lambda _i, code=item.code, box=answer: self.answer(code, box.currentData()))
            container = QWidget()
            box_layout = QVBoxLayout(container)
            box_layout.setContentsMargins(2, 2, 2, 2)
            box_layout.addWidget(answer)
            box_layout.addStretch(1)
            self.checklist.setCellWidget(row, CL_ANSWER, container)
            self.answer_combos[item.code] = answer
        self.checklist.blockSignals(False)
        self._row_timer.start()
        if detail.checklist:
            self.checklist.setCurrentCell(max(0, min(current, len(detail.checklist) - 1)), CL_TEXT)
            self._show_evidence(self.checklist.currentRow())
        else:
            self.evidence_label.setText("「審査開始」を押すと、約款の拒否事由ごとの審査項目ができます。")

    def _show_evidence(self, row: int) -> None:
        if self.detail is None or not 0 <= row < len(self.detail.checklist):
            return
        item = self.detail.checklist[row]
        who = SYSTEM_CHECK if item.prefilled else (item.checked_by_name or "未回答")
        lines = [f"<b>({escape(item.code)}) {escape(item.text)}</b>　<span style='color:{MUTED_COLOR}'>{escape(item.clause)}</span>",
                 f"回答: <span style='color:{ANSWER_COLORS.get(item.answer, '#000')}'><b>{escape(item.answer_label)}</b></span>"
                 f"　確認者: {escape(who)}　{escape(format_local_datetime(item.checked_at))}"]
        if item.note:
            lines.append(f"メモ: {escape(item.note)}")
        if item.evidence:
            lines.append("照合の記録:<br>" + "<br>".join(f"・{escape(line)}" for line in item.evidence))
        else:
            lines.append(f"<span style='color:{MUTED_COLOR}'>照合の記録はありません（担当者が確認して回答します）。</span>")
        self.evidence_label.setText("<br>".join(lines))

    def _show_blockers(self, detail: ApplicationDetail) -> None:
        self.blockers.clear()
        is_open = ApplicationStatus(detail.status).is_open
        self.blockers_title.setVisible(is_open)
        self.blockers.setVisible(is_open)
        for reason in detail.approval_blockers:
            item = QListWidgetItem(f"・{reason}")
            item.setForeground(QBrush(QColor(ERROR_COLOR)))
            self.blockers.addItem(item)
        if is_open and not detail.approval_blockers:
            item = QListWidgetItem("承諾できない理由はありません（すべての審査項目が「問題なし」、書類もそろっています）。")
            item.setForeground(QBrush(QColor("#2e7d32")))
            self.blockers.addItem(item)
        # As tall as its lines, up to six; it scrolls beyond.
        line = self.blockers.fontMetrics().height() + 4
        self.blockers.setFixedHeight(min(max(self.blockers.count(), 1), 6) * line + 2 * self.blockers.frameWidth() + 4)

    # -- decision ------------------------------------------------------------------------
    def _show_decision(self, detail: ApplicationDetail) -> None:
        is_open = ApplicationStatus(detail.status).is_open
        manager = self.ctx.actor.role == Role.MANAGER
        self.approve_button.setEnabled(is_open and manager)
        self.refuse_button.setEnabled(is_open and manager)
        self.withdraw_button.setEnabled(is_open)
        for button in (self.approve_button, self.refuse_button, self.withdraw_button):
            button.setVisible(is_open)  # decided: the result below is what matters
        for button in (self.approve_button, self.refuse_button):
            button.setToolTip("" if manager else CLERK_DECISION_HINT)
        if not manager and is_open:
            self.role_hint.setText(f"{CLERK_DECISION_HINT}（{self.ctx.actor.name}さんは{self.ctx.actor.role.label}です）")
        elif not detail.may_withdraw and is_open:
            self.role_hint.setText("この約款では、申込者は申込を取り下げられません。取下げの申し出は記録だけされ、審査は続きます。")
        else:
            self.role_hint.setText("")
        self.role_hint.setVisible(bool(self.role_hint.text()))
        contract = detail.contract

        def with_note(value: str, note: str) -> str:
            return f"<b>{escape(value)}</b><br><span style='color:{MUTED_COLOR}'>{escape(note)}</span>"

        values = {
            "status": detail.status_label,
            "decided_on": format_date_long(detail.decided_on),
            "decided_by": detail.decided_by_name,
            "customer_code": contract.customer_code if contract else "",
            "formed_on": with_note(format_date_long(contract.formed_on), contract.formation_label) if contract else "",
            "first_billable_month": with_note(month_text(contract.first_billable_month) if contract.first_billable_month
                                              else WAITING_FOR_OPENING, contract.first_billable_note) if contract else "",
            "opened_on": format_date_long(contract.opened_on) if contract and contract.opened_on else "",
            "contract_status": (ContractStatus(contract.status).label if contract else ""),
            "decision_note": detail.decision_note,
            "cancelled": (f"{format_date_long(detail.cancelled_on)}　{ApplicationStatus(detail.status).label}"
                          if detail.cancelled_on else ""),
            "withdrawal_requested": (f"{format_date_long(detail.withdrawal_requested_on)}に申し出あり（約款により取下げはできず、審査を続けます）"
                                     if detail.withdrawal_requested_on else ""),
        }
        for key, label in self.result_rows.items():
            text = values.get(key, "")
            label.setTextFormat(Qt.TextFormat.RichText if text.startswith("<b>") else Qt.TextFormat.PlainText)
            label.setText(text)
            self.result_form.setRowVisible(label, bool(text))
        if is_open and detail.approval_blockers:
            self.decision_blockers.setText("<b>承諾できない理由</b><br>" + "<br>".join(
                f"<span style='color:{ERROR_COLOR}'>・{escape(b)}</span>" for b in detail.approval_blockers))
            self.decision_blockers.setVisible(True)
        else:
            self.decision_blockers.setVisible(False)

    def _show_letter(self, detail: ApplicationDetail) -> None:
        self.letter_box.setVisible(detail.postal_identity_check)
        if not detail.postal_identity_check:
            return
        status = IdentityLetterResult(detail.identity_letter_status)
        parts = [f"状態: <b>{escape(status.label)}</b>"]
        if detail.identity_letter_sent_on:
            parts.append(f"発送日 {format_date_long(detail.identity_letter_sent_on)}")
        if detail.identity_letter_result_on:
            parts.append(f"結果 {format_date_long(detail.identity_letter_result_on)}")
        self.letter_status.setText("　".join(parts))
        letter = IdentityLetter(status, detail.identity_letter_sent_on, detail.identity_letter_result_on)
        usable = False
        for button, step in ((self.letter_sent_button, IdentityLetterResult.SENT),
                             (self.letter_confirmed_button, IdentityLetterResult.CONFIRMED),
                             (self.letter_failed_button, IdentityLetterResult.FAILED)):
            problem = letter_step_problem(ApplicationStatus(detail.status), letter, step)
            button.setEnabled(problem is None)
            button.setToolTip(problem or "")
            usable = usable or problem is None
        self.letter_date.setEnabled(usable)

    def _show_notices(self, detail: ApplicationDetail) -> None:
        current = self.notice_table.currentRow()
        self.notice_table.setRowCount(len(detail.notices))
        for row, notice in enumerate(detail.notices):
            for column, text in enumerate((notice.number, notice.title, format_date(notice.issued_on))):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, notice.id)
                self.notice_table.setItem(row, column, cell)
        if detail.notices:
            self.notice_table.selectRow(current if 0 <= current < len(detail.notices) else len(detail.notices) - 1)
        has = bool(detail.notices)
        self.save_pdf_button.setEnabled(has)
        self.open_pdf_button.setEnabled(has)
        self.tabs.setTabText(3, f"通知書（{len(detail.notices)}）" if has else "通知書")

    # == input ==========================================================================
    def application_input(self) -> ApplicationInput:
        debit = self.debit_radio.isChecked()
        account = None
        if debit:
            account = BankAccountDetails(self.bank_code.text(), "", self.branch_code.text(), "",
                                         self.account_type.currentData(), self.account_number.text(),
                                         self.holder_kana.text())
        options = []
        for i in range(self.options_list.count()):
            item = self.options_list.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable and item.checkState() == Qt.CheckState.Checked:
                options.append(item.data(Qt.ItemDataRole.UserRole))
        draft = ApplicationDraft(
            channel=self.channel_combo.currentData(), received_on=to_date(self.received_on),
            profile_key=self.profile_combo.currentData() or "", plan_id=self.plan_combo.currentData(),
            option_ids=tuple(options), lines=self.lines_spin.value(),
            payment_method=(PaymentMethod.DEBIT if debit else PaymentMethod.TRANSFER).value, debit_account=account,
            documents=self.documents.entries(), notes=self.notes_edit.toPlainText())
        if self.new_radio.isChecked():
            return ApplicationInput(draft, applicant=self.applicant_fields.draft(),
                                    handled_by_id=self.handler_combo.currentData())
        return ApplicationInput(draft, customer_id=self.customer_id, handled_by_id=self.handler_combo.currentData())

    # -- choosing an existing customer ----------------------------------------------------
    def search_customers(self) -> None:
        self._search_timer.stop()
        query, db = self.customer_search.text().strip(), self.ctx.db
        if not query:
            self.customer_results.clear()
            return
        self.ctx.ops.run(lambda: customer_service.customer_rows(db, customer_service.customer_ids(db, query)[:SEARCH_LIMIT]),
                         success=self._show_customers, parent=self)

    def _show_customers(self, rows) -> None:
        self.customer_results.clear()
        for row in rows:
            item = QListWidgetItem(f"ID {row.id}　{row.name}（{row.name_kana}）　{row.phone}　{row.address}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, row.name)
            self.customer_results.addItem(item)
        if not rows:
            item = QListWidgetItem("該当する顧客はいません。")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.customer_results.addItem(item)

    def _customer_picked(self, item: QListWidgetItem) -> None:
        customer_id = item.data(Qt.ItemDataRole.UserRole)
        if customer_id is None:
            return
        self.choose_customer(customer_id, item.data(Qt.ItemDataRole.UserRole + 1))

    def choose_customer(self, customer_id: int, name: str) -> None:
        self.existing_radio.setChecked(True)
        self.customer_id = customer_id
        self.chosen_label.setText(f"選択中: ID {customer_id}　{name}")
        label = self.errors.label("customer_id")
        label.setVisible(False)
        set_invalid(self.customer_search, False)

    # == saving =========================================================================
    def save(self) -> None:
        if self._busy or (self.detail is not None and not ApplicationStatus(self.detail.status).is_open):
            return
        inp = self.application_input()
        ctx, detail = self.ctx, self.detail
        if detail is None:
            call = lambda: application_service.create_application(ctx.db, ctx.actor, inp)  # noqa: E731
            status = "申込を受け付けました。"
        else:
            application_id, version = detail.id, detail.row_version
            call = lambda: application_service.update_application(  # noqa: E731
                ctx.db, ctx.actor, application_id, inp, expected_version=version)
            status = f"申込 {detail.number} の変更を保存しました。"
        self._set_busy(True)
        ctx.ops.run(call, success=self._saved, invalid=self._invalid, failure=self._failed,
                    done=lambda: self._set_busy(False), changes=Changes.APPLICATIONS, status=status, parent=self)

    def _saved(self, detail: ApplicationDetail) -> None:
        new = self.detail is None
        self.clear_errors()
        self.set_detail(detail)
        if new:
            self.show_banner(f"申込 {detail.number} を受け付けました（状態: {detail.status_label}）。"
                             + (f"不足書類: {'・'.join(detail.missing_documents)}" if detail.missing_documents else ""))
        self.changed.emit(detail)

    def show_errors(self, errors: dict[str, str], summary: str | None = None) -> None:
        first_applicant, rest = self.applicant_fields.show_errors(errors, prefix="applicant.")
        documents = {k[len("documents."):]: v for k, v in rest.items() if k.startswith("documents.")}
        rest = {k: v for k, v in rest.items() if not k.startswith("documents.")}
        first_document, doc_rest = self.documents.show_errors(documents)
        first_form, others = self.errors.show(rest)
        others.update({f"documents.{k}": v for k, v in doc_rest.items()})
        lines = [summary or str(ValidationFailed(errors))] + [f"{v}" for v in others.values()]
        self.summary.setText("\n".join(lines))
        self.summary.setVisible(bool(errors))
        first = first_applicant or first_form or first_document
        if errors:
            self.tabs.setCurrentWidget(self.intake_tab)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.intake_tab.ensureWidgetVisible(first)

    def clear_errors(self) -> None:
        self.errors.clear()
        self.applicant_fields.clear_errors()
        self.documents.clear_errors()
        self.summary.clear()
        self.summary.setVisible(False)

    def error_text(self, name: str) -> str:
        """The red message shown for ``name`` ("applicant.phone", "debit.bank_code",
        "documents.0.number_last_digits" …); "" when none."""
        if name.startswith("applicant."):
            return self.applicant_fields.errors.message(name[len("applicant."):])
        if name.startswith("documents."):
            _, index, field = name.split(".", 2)
            row = self.documents.rows[int(index)]
            return row.error.text() if not row.error.isHidden() and row.widgets[field].property("invalid") else ""
        return self.errors.message(name)

    def _invalid(self, error: ValidationFailed) -> None:
        self.show_errors(error.errors, str(error))

    def _failed(self, error: ServiceError) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)
        self.ctx.ops.show_message("操作を完了できませんでした", str(error))

    def _set_busy(self, busy: bool) -> None:
        self._busy = max(0, self._busy + (1 if busy else -1))
        self.save_button.setEnabled(not self._busy)

    def show_banner(self, text: str, warning: bool = False) -> None:
        self.banner.setStyleSheet(
            "QFrame#notice { background: #ffebee; border: 1px solid #c62828; border-radius: 4px; }" if warning
            else "QFrame#notice { background: #e8f5e9; border: 1px solid #2e7d32; border-radius: 4px; }")
        self.banner_label.setStyleSheet("font-weight: bold;" if warning else "")
        self.banner_label.setText(text)
        self.banner.setVisible(True)

    # == screening ======================================================================
    def _run(self, call, *, status: str | None = None, changes=Changes.APPLICATIONS, success=None) -> None:
        """A change to this application; the new detail is shown (the form is left as typed)."""
        def shown(detail: ApplicationDetail) -> None:
            self.summary.setVisible(False)
            self.banner.setVisible(False)  # an older notice no longer applies
            self.set_detail(detail, form=False)
            self.changed.emit(detail)
            if success is not None:
                success(detail)

        self.ctx.ops.run(call, success=shown, failure=self._failed, invalid=lambda e: self._failed(e),
                         changes=changes, status=status, parent=self)

    def start_screening(self) -> None:
        if self.detail is None:
            return
        ctx, application_id = self.ctx, self.detail.id
        self._run(lambda: application_service.start_screening(ctx.db, ctx.actor, application_id),
                  status=f"申込 {self.detail.number} の審査項目を照合しました。",
                  success=lambda _d: self.tabs.setCurrentWidget(self.screening_tab))

    def answer(self, code: str, answer: str, note: str | None = None) -> None:
        """A person's answer to one line (問題なし / 該当 / 未確認)."""
        if self.detail is None:
            return
        if note is None:
            item = next((i for i in self.detail.checklist if i.code == code), None)
            note = item.note if item is not None else ""
        ctx, application_id = self.ctx, self.detail.id
        label = ScreeningAnswer(answer).label
        self._run(lambda: application_service.answer_screening_item(ctx.db, ctx.actor, application_id, code, answer, note),
                  status=f"審査項目({code})を「{label}」にしました。")

    def _checklist_item_changed(self, cell: QTableWidgetItem) -> None:
        if cell.column() != CL_NOTE or self.detail is None:
            return
        code = cell.data(Qt.ItemDataRole.UserRole)
        combo_box = self.answer_combos.get(code)
        if combo_box is not None:
            self.answer(code, combo_box.currentData(), cell.text())

    # == decision =======================================================================
    def approve(self) -> None:
        """承諾…: the service previews the contract dates, then the dialog asks for them."""
        if self.detail is None:
            return
        db, application_id = self.ctx.db, self.detail.id
        today = clock.today()
        self.ctx.ops.run(lambda: application_service.preview_contract(db, application_id, decided_on=today),
                         success=self._open_approve, parent=self)

    def _open_approve(self, preview: ContractPreview) -> ApproveDialog:
        dialog = ApproveDialog(self.ctx, self.detail, preview, self)
        dialog.approved.connect(self._approved)
        self._open_sub_dialog(dialog)
        return dialog

    def _approved(self, detail: ApplicationDetail) -> None:
        self.set_detail(detail)
        self.changed.emit(detail)
        self.tabs.setCurrentWidget(self.decision_tab)
        contract = detail.contract
        if contract is not None:
            month = month_text(contract.first_billable_month) if contract.first_billable_month else WAITING_FOR_OPENING
            self.show_banner(f"承諾しました。カスタマID {contract.customer_code}、契約成立日 "
                             f"{format_date_long(contract.formed_on)}、課金開始月 {month}。承諾通知書を発行しました。")

    def refuse(self) -> RefuseDialog | None:
        if self.detail is None:
            return None
        dialog = RefuseDialog(self.ctx, self.detail, self)
        dialog.refused.connect(self._refused)
        self._open_sub_dialog(dialog)
        return dialog

    def _refused(self, detail: ApplicationDetail) -> None:
        self.set_detail(detail)
        self.changed.emit(detail)
        self.tabs.setCurrentWidget(self.decision_tab)
        self.show_banner("不承諾にしました。不承諾通知書を発行しました（理由は記載されません）。")

    def _open_sub_dialog(self, dialog: QDialog) -> None:
        dialog.finished.connect(lambda _r, d=dialog: self._sub_dialog_closed(d))
        self.sub_dialogs.append(dialog)
        dialog.open()
        self.dialog_opened.emit(dialog)

    def _sub_dialog_closed(self, dialog: QDialog) -> None:
        if dialog in self.sub_dialogs:
            self.sub_dialogs.remove(dialog)
        self.ctx.ops.delete_when_idle(dialog)

    def withdraw(self) -> None:
        """取下げ: the applicant asks to withdraw. What that does is the terms' (the service's) call."""
        if self.detail is None:
            return
        detail = self.detail
        if detail.may_withdraw:
            text = f"申込 {detail.number} を、申込者からの申し出により取り下げます。よろしいですか？"
        else:
            text = (f"申込 {detail.number} について、申込者からの取下げの申し出を記録します。"
                    "この約款では申込は取り下げられないため、審査は続きます。")
        if not self.confirm("申込の取下げ", text):
            return
        ctx, application_id = self.ctx, detail.id
        self.ctx.ops.run(lambda: application_service.withdraw_application(ctx.db, ctx.actor, application_id),
                         success=self._withdrawn, failure=self._failed, changes=Changes.APPLICATIONS, parent=self)

    def _withdrawn(self, result) -> None:
        self.set_detail(result.detail, form=False)
        self.changed.emit(result.detail)
        self.show_banner(result.message, warning=not result.withdrawn)
        self.ctx.ops.message.emit(result.message)

    def record_identity_letter(self, status: str) -> None:
        if self.detail is None:
            return
        detail, on = self.detail, to_date(self.letter_date)
        revokes = revokes_acceptance(ApplicationStatus(detail.status), IdentityLetterResult(status))
        if revokes and not self.confirm("本人確認不可の記録", REVOCATION_CONFIRM):
            return
        ctx, application_id = self.ctx, detail.id
        label = IdentityLetterResult(status).label

        def recorded(new: ApplicationDetail) -> None:
            if revokes and new.status == ApplicationStatus.REVOKED:
                notice = new.notices[-1].number if new.notices else ""
                self.show_banner(f"本人確認ができなかったため契約を取り消しました（状態: {new.status_label}）。"
                                 f"契約取消通知書 {notice} を発行しました。", warning=True)

        self._run(lambda: application_service.record_identity_letter(ctx.db, ctx.actor, application_id, status, on=on),
                  status=f"本人確認郵便: {label}を記録しました。",
                  changes=(Changes.APPLICATIONS, Changes.CUSTOMERS) if revokes else Changes.APPLICATIONS,
                  success=recorded)

    # == notices ========================================================================
    def selected_notice(self):
        if self.detail is None or not self.detail.notices:
            return None
        row = self.notice_table.currentRow()
        if not 0 <= row < len(self.detail.notices):
            row = len(self.detail.notices) - 1
        return self.detail.notices[row]

    def save_notice_pdf(self, notice=None) -> None:
        notice = notice or self.selected_notice()
        if notice is None:
            return
        suggested = str(documents_folder() / f"{notice.number}_{notice.title}.pdf")
        path = self.ask_save_path(self, "通知書をPDFで保存", suggested)
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        db, notice_id = self.ctx.db, notice.id

        def write() -> str:
            content = notice_service.notice_pdf(db, notice_id)
            try:
                Path(path).write_bytes(content)
            except OSError as error:
                raise ServiceError(f"PDFを保存できませんでした（{path}）: {error.strerror or error}") from error
            return path

        self.ctx.ops.run(write, status=f"{notice.number} を {Path(path).name} に保存しました。", failure=self._failed,
                         parent=self)

    def open_notice(self, notice=None) -> None:
        """Write the PDF to a temporary file and open it in the PDF viewer (print from there)."""
        notice = notice or self.selected_notice()
        if notice is None:
            return
        db, notice_id = self.ctx.db, notice.id

        def write() -> str:
            folder = Path(tempfile.gettempdir()) / "reseller-desk"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{notice.number}.pdf"
            target.write_bytes(notice_service.notice_pdf(db, notice_id))
            return str(target)

        def opened(path: str) -> None:
            if not self.open_url(QUrl.fromLocalFile(path)):
                self.ctx.ops.show_message("PDFを開けませんでした", f"PDFを表示するソフトが見つかりません。\n{path}")

        self.ctx.ops.run(write, success=opened, failure=self._failed, parent=self)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self._row_timer.start()  # once the columns have their widths

    # == closing ========================================================================
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        for dialog in list(self.sub_dialogs):
            dialog.close()
        super().closeEvent(event)
