"""The customer form (顧客の登録・編集).

On 保存 the form asks the service to check the input (``check_customer``, no database); every
problem is shown in red directly under its field, the field gets a red border, focus moves to
the first bad field and nothing is saved. Clean input is then compared with the book
(``find_possible_duplicates``): possible duplicates are listed in a panel inside the dialog
(「重複の可能性があります」) with 「それでも保存」 and 「戻る」. Saving runs through the operations
wrapper; a ValidationFailed from the service lands next to the fields as well. An edit saved
on a stale form (another clerk saved the customer since it was opened) is refused, saying who
and when, with 「最新の内容を読み込む」 (ui.stale_edit), which puts the stored customer in the form.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.customer import (
    FIELD_LABELS,
    CustomerDraft,
)
from reseller_desk.services import customers as customer_service
from reseller_desk.services.contracts import queries as contract_queries
from reseller_desk.services.contracts.queries import ContractRow
from reseller_desk.services.customers import CustomerRecord, DuplicateHit
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.customer_fields import CustomerFields
from reseller_desk.ui.incidents import IncidentsDialog
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    APP_STYLE,
    Column,
    error_label,
    fit_on_screen,
    format_local_datetime,
    format_yen,
    muted_label,
    notice_frame,
)

CUSTOMER_CONTRACT_COLUMNS = (
    Column("customer_code", "カスタマID", 96),
    Column("status_label", "状態", 72, ALIGN_CENTER),
    Column("profile_name", "サービス", 150),
    Column("plan_name", "プラン", 120),
    Column("monthly_charges", "月額（税抜）", 90, ALIGN_RIGHT, lambda r: format_yen(r.monthly_charges)),
)


class CustomerForm(QDialog):
    """Add (``record`` None) or edit a customer. Emits :attr:`saved` with the stored record."""

    saved = Signal(object)
    #: A contract window was opened from the customer's contracts (the window), for tests.
    contract_opened = Signal(object)

    def __init__(self, ctx: AppContext, record: CustomerRecord | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.record = record
        self.duplicates: list[DuplicateHit] = []
        self.incident_dialogs: list[QDialog] = []
        self._busy_count = 0
        self.setObjectName("customerForm")
        self.setStyleSheet(APP_STYLE)
        if record is None:
            self.setWindowTitle("顧客の新規登録")
        else:
            self.setWindowTitle(f"顧客情報の編集（ID {record.id}）")
        self.fields = CustomerFields()
        self.fields.errors.on_cleared = self._field_error_cleared
        self._build()
        self.fields.set_draft(record.draft if record else CustomerDraft())
        fit_on_screen(self, 640, 660)
        if record is not None:
            self.load_contracts()

    # -- building ----------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)

        self.summary = error_label()
        self.summary.setObjectName("summary")
        outer.addWidget(self.summary)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 8, 0)
        body_layout.addWidget(self.fields)
        body_layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        # The customer's contracts (double-click opens the contract window).
        self.contracts_box = QGroupBox("契約")
        self.contracts_box.setObjectName("customerContracts")
        contracts_layout = QVBoxLayout(self.contracts_box)
        self.contracts_model: RecordTableModel[ContractRow] = RecordTableModel(CUSTOMER_CONTRACT_COLUMNS, self)
        self.contracts_table = list_table(self.contracts_model, CUSTOMER_CONTRACT_COLUMNS, "contractsOfCustomer", self)
        self.contracts_table.setMaximumHeight(120)
        self.contracts_table.activated.connect(self._contract_activated)
        contracts_layout.addWidget(self.contracts_table)
        self.contracts_box.setVisible(False)
        outer.addWidget(self.contracts_box)

        # Possible duplicates: shown inside the dialog, so the clerk decides without a modal box.
        self.duplicate_panel = notice_frame()
        panel = QVBoxLayout(self.duplicate_panel)
        heading = QLabel("重複の可能性があります")
        heading.setStyleSheet("font-weight: bold;")
        panel.addWidget(heading)
        self.duplicate_list = QLabel()
        self.duplicate_list.setObjectName("duplicateList")
        self.duplicate_list.setTextFormat(Qt.TextFormat.RichText)
        self.duplicate_list.setWordWrap(True)
        panel.addWidget(self.duplicate_list)
        panel.addWidget(QLabel("同じお客様がすでに登録されていないか確かめてください。"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.back_button = QPushButton("戻る")
        self.back_button.clicked.connect(self.hide_duplicates)
        self.save_anyway_button = QPushButton("それでも保存")
        self.save_anyway_button.clicked.connect(self.save_anyway)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.save_anyway_button)
        panel.addLayout(buttons)
        self.duplicate_panel.setVisible(False)
        outer.addWidget(self.duplicate_panel)

        footer = QHBoxLayout()
        footer.addWidget(muted_label("※は必須項目です。"))
        self.stamps = muted_label()
        self.stamps.setObjectName("stamps")
        self.stamps.setWordWrap(False)  # one line, never "更新" above its time
        self.stamps.setVisible(self.record is not None)
        self._show_stamps()
        footer.addWidget(self.stamps)
        footer.addStretch(1)
        self.incidents_button = QPushButton("顧客の記録…")
        self.incidents_button.setObjectName("incidentsButton")
        self.incidents_button.setToolTip("資格取消・強制解約・規約違反・未払いの記録（申込の審査で照合されます）")
        self.incidents_button.clicked.connect(self.open_incidents)
        self.incidents_button.setVisible(self.record is not None)
        footer.addWidget(self.incidents_button)
        self.cancel_button = QPushButton("キャンセル")
        self.cancel_button.setToolTip("閉じる（Esc）")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.save_button.setToolTip("保存（Ctrl+S）")
        self.save_button.clicked.connect(self.save)
        footer.addWidget(self.cancel_button)
        footer.addWidget(self.save_button)
        outer.addLayout(footer)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)

    def _show_stamps(self) -> None:
        if self.record is not None:
            self.stamps.setText(f"登録 {format_local_datetime(self.record.created_at)}　"
                                f"更新 {format_local_datetime(self.record.updated_at)}")

    # -- 契約 ------------------------------------------------------------------------
    def load_contracts(self) -> None:
        if self.record is None:
            return
        db, customer_id = self.ctx.db, self.record.id
        self.ctx.ops.run(lambda: contract_queries.contracts_of_customer(db, customer_id),
                         success=self._show_contracts, parent=self)

    def _show_contracts(self, rows: list[ContractRow]) -> None:
        self.contracts_model.set_records(rows)
        self.contracts_box.setTitle(f"契約（{len(rows)}件）")
        self.contracts_box.setVisible(bool(rows))

    def _contract_activated(self, index) -> None:
        row = self.contracts_model.record(index.row())
        if row is not None:
            self.open_contract(row.id)

    def open_contract(self, contract_id: int) -> None:
        from reseller_desk.ui.contract.opening import open_contract_window

        open_contract_window(self.ctx, contract_id, self, self.contract_opened.emit)

    # -- 顧客の記録 ------------------------------------------------------------------
    def open_incidents(self):
        """The customer's records that screening reads (資格取消, 未払い …), and 記録を追加."""
        if self.record is None:
            return None
        dialog = IncidentsDialog(self.ctx, self.record.id, self.record.draft.name, self)
        dialog.finished.connect(lambda _r, d=dialog: self._incidents_closed(d))
        self.incident_dialogs.append(dialog)
        dialog.open()
        return dialog

    def _incidents_closed(self, dialog: QDialog) -> None:
        if dialog in self.incident_dialogs:
            self.incident_dialogs.remove(dialog)

    # -- errors ------------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str], summary: str | None = None) -> None:
        first, others = self.fields.errors.show(errors)
        lines = [summary or ValidationFailed(errors).args[0]]
        lines += [f"{FIELD_LABELS.get(k, k)}: {v}" for k, v in others.items()]
        self.summary.setText("\n".join(lines))
        self.summary.setVisible(bool(errors))
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(first, QLineEdit):
                first.selectAll()

    def _field_error_cleared(self) -> None:
        """A fixed field's message went; the summary goes with the last one."""
        if not self.fields.errors.has_errors():
            self.summary.setVisible(False)

    def clear_errors(self) -> None:
        self.fields.errors.clear()
        self.summary.clear()
        self.summary.setVisible(False)

    def error_text(self, name: str) -> str:
        """The red message shown under ``name`` ("" when none)."""
        return self.fields.errors.message(name)

    # -- saving ------------------------------------------------------------------------
    def save(self) -> None:
        """保存: check, look for duplicates, then save."""
        if self._busy:
            return
        self.hide_duplicates()
        cleaned, errors = customer_service.check_customer(self.fields.draft())
        if errors:
            self.show_errors(errors)
            return
        self.clear_errors()
        self.fields.set_draft(self.fields.keep_hidden(cleaned))
        exclude = self.record.id if self.record else None
        self._set_busy(True)
        self.ctx.ops.run(lambda: customer_service.find_possible_duplicates(self.ctx.db, cleaned, exclude),
                         success=lambda hits: self._checked_duplicates(cleaned, hits),
                         failure=self._failed, done=lambda: self._set_busy(False), parent=self)

    def _checked_duplicates(self, cleaned: CustomerDraft, hits: list[DuplicateHit]) -> None:
        if hits:
            self.show_duplicates(hits)
        else:
            self._commit(cleaned)

    def show_duplicates(self, hits: list[DuplicateHit]) -> None:
        self.duplicates = list(hits)
        lines = []
        for hit in hits:
            details = " / ".join(escape(part) for part in (hit.phone, hit.address) if part)
            reasons = "・".join(escape(r) for r in hit.reasons)
            lines.append(f"<b>ID {hit.id}　{escape(hit.name)}</b>　{details}<br>"
                         f"<span style='color:#b71c1c'>理由: {reasons}</span>")
        self.duplicate_list.setText("<br>".join(lines))
        self.duplicate_panel.setVisible(True)
        self.save_button.setEnabled(False)
        self.save_anyway_button.setFocus()

    def hide_duplicates(self) -> None:
        self.duplicates = []
        self.duplicate_panel.setVisible(False)
        self.save_button.setEnabled(not self._busy)

    def save_anyway(self) -> None:
        """「それでも保存」: save although possible duplicates were shown."""
        if self._busy:
            return
        cleaned, errors = customer_service.check_customer(self.fields.draft())
        if errors:
            self.hide_duplicates()
            self.show_errors(errors)
            return
        self.hide_duplicates()
        self._commit(cleaned)

    def _commit(self, cleaned: CustomerDraft) -> None:
        ctx = self.ctx
        if self.record is None:
            call = lambda: customer_service.add_customer(ctx.db, ctx.actor, cleaned)  # noqa: E731
            status = f"顧客「{cleaned.name}」を登録しました。"
        else:
            record = self.record
            call = lambda: customer_service.update_customer(  # noqa: E731
                ctx.db, ctx.actor, record.id, cleaned, expected_version=record.row_version)
            status = f"顧客「{cleaned.name}」の変更を保存しました。"
        self._set_busy(True)
        ctx.ops.run(call, success=self._saved, invalid=lambda e: self.show_errors(e.errors, str(e)),
                    failure=self._failed, reload=self.reload, done=lambda: self._set_busy(False),
                    changes=Changes.CUSTOMERS, status=status, parent=self)

    def reload(self) -> None:
        """「最新の内容を読み込む」: the customer as stored replaces what is typed."""
        if self.record is None:
            return
        db, customer_id = self.ctx.db, self.record.id
        self.ctx.ops.run(lambda: customer_service.get_customer(db, customer_id), success=self._reloaded,
                         failure=self._failed, parent=self)

    def _reloaded(self, record: CustomerRecord) -> None:
        self.record = record
        self.hide_duplicates()
        self.clear_errors()
        self.fields.set_draft(record.draft)
        self._show_stamps()

    def _saved(self, record: CustomerRecord) -> None:
        self.record = record
        self.saved.emit(record)
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.summary.setText(str(error))
        self.summary.setVisible(True)
        self.ctx.ops.show_message("保存できませんでした", str(error))

    @property
    def _busy(self) -> bool:
        return self._busy_count > 0

    def _set_busy(self, busy: bool) -> None:
        self._busy_count = max(0, self._busy_count + (1 if busy else -1))
        busy = self._busy
        self.save_button.setEnabled(not busy and not self.duplicate_panel.isVisible())
        self.save_anyway_button.setEnabled(not busy)
