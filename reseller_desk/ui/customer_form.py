"""The customer form (顧客の登録・編集).

On 保存 the form asks the service to check the input (``check_customer``, no database); every
problem is shown in red directly under its field, the field gets a red border, focus moves to
the first bad field and nothing is saved. Clean input is then compared with the book
(``find_possible_duplicates``): possible duplicates are listed in a panel inside the dialog
(「重複の可能性があります」) with 「それでも保存」 and 「戻る」. Saving runs through the operations
wrapper; a ValidationFailed from the service lands next to the fields as well.
"""

from __future__ import annotations

import dataclasses
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.customer import (
    CORPORATE_ONLY_FIELDS,
    CUSTOMER_FIELDS,
    FIELD_LABELS,
    REQUIRED_FIELDS,
    CustomerDraft,
    CustomerKind,
    format_postal_code,
)
from reseller_desk.services import customers as customer_service
from reseller_desk.services.customers import CustomerRecord, DuplicateHit
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.incidents import IncidentsDialog
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    APP_STYLE,
    FieldErrors,
    error_label,
    field_cell,
    fit_on_screen,
    format_local_datetime,
    muted_label,
    notice_frame,
    watch_glyphs,
)

#: Fields printed on notices: a character no bundled font has is pointed out as it is typed.
PRINTED_FIELDS = frozenset({"name", "representative_title", "representative_name", "contact_title", "contact_name",
                            "address"})

PLACEHOLDERS = {
    "name": "例: 株式会社テスト商事 / 山田 太郎",
    "name_kana": "例: カブシキガイシャテストショウジ（ひらがな可）",
    "representative_title": "役職（例: 代表取締役）",
    "representative_name": "氏名",
    "contact_title": "役職・部署",
    "contact_name": "氏名",
    "postal_code": "例: 100-0001",
    "address": "都道府県から",
    "phone": "例: 03-1234-5678",
    "email": "例: info@example.co.jp",
    "corporate_number": "13桁（例: 1234567890123）",
}


def label_text(name: str, text: str | None = None) -> str:
    text = text or FIELD_LABELS[name]
    return f"{text} ※" if name in REQUIRED_FIELDS else text


class CustomerFields(QWidget):
    """The customer's fields, each with its red message under it: the body of the customer
    form, and the 新規 applicant of the 申込 dialog (whose errors come keyed "applicant.…")."""

    def __init__(self, parent: QWidget | None = None, *, with_notes: bool = True) -> None:
        super().__init__(parent)
        self.errors = FieldErrors()
        self.edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.glyph_warnings: dict[str, QLabel] = {}
        self.with_notes = with_notes
        self._build()
        self.set_draft(CustomerDraft())

    def _line(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(PLACEHOLDERS.get(name, ""))
        edit.setAccessibleName(FIELD_LABELS[name])
        self.edits[name] = edit
        return edit

    def _glyph_labels(self, edit: QLineEdit) -> list[QLabel]:
        """The warning for characters no bundled font prints, for the fields printed on notices."""
        if edit.objectName() not in PRINTED_FIELDS:
            return []
        label = watch_glyphs(edit)
        self.glyph_warnings[edit.objectName()] = label
        return [label]

    def _build(self) -> None:
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form_layout = form

        # 区分
        self.corporate_radio = QRadioButton(CustomerKind.CORPORATE.label)
        self.individual_radio = QRadioButton(CustomerKind.INDIVIDUAL.label)
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.corporate_radio)
        self.kind_group.addButton(self.individual_radio)
        kind_box = QWidget()
        kind_row = QHBoxLayout(kind_box)
        kind_row.setContentsMargins(0, 0, 0, 0)
        kind_row.addWidget(self.corporate_radio)
        kind_row.addWidget(self.individual_radio)
        kind_row.addStretch(1)
        kind_error = self.errors.add("kind", kind_box, edited_by=(self.corporate_radio, self.individual_radio))
        form.addRow(label_text("kind"), field_cell(kind_box, labels=[kind_error]))

        def row(name: str, text: str | None = None, left: bool = False) -> QWidget:
            edit = self._line(name)
            cell = field_cell(edit, labels=[self.errors.add(name, edit), *self._glyph_labels(edit)], left=left)
            form.addRow(label_text(name, text), cell)
            return cell

        row("name")
        row("name_kana")
        self.edits["name_kana"].editingFinished.connect(self._tidy_kana)

        def pair(title_name: str, name_name: str, text: str) -> QWidget:
            title, person = self._line(title_name), self._line(name_name)
            title.setMaximumWidth(180)
            cell = field_cell(title, person, labels=[self.errors.add(title_name, title),
                                                     self.errors.add(name_name, person),
                                                     *self._glyph_labels(title), *self._glyph_labels(person)])
            form.addRow(text, cell)
            return cell

        self.representative_cell = pair("representative_title", "representative_name", "代表者")
        pair("contact_title", "contact_name", "担当者")

        row("postal_code", left=True)
        self.edits["postal_code"].setMaximumWidth(140)
        self.edits["postal_code"].setMaxLength(8)  # NNN-NNNN; a ninth character cannot be typed
        self.edits["postal_code"].textEdited.connect(self._postal_edited)
        self.edits["postal_code"].editingFinished.connect(self._tidy_postal)
        row("address")
        row("phone")
        self.edits["phone"].editingFinished.connect(self._tidy_phone)
        row("email")
        self.corporate_number_cell = row("corporate_number")
        self.edits["corporate_number"].setMaxLength(20)

        notes = QPlainTextEdit()
        notes.setObjectName("notes")
        notes.setAccessibleName(FIELD_LABELS["notes"])
        notes.setTabChangesFocus(True)
        notes.setMinimumHeight(72)
        notes.setMaximumHeight(120)
        self.edits["notes"] = notes
        self.notes_cell = field_cell(notes, labels=[self.errors.add("notes", notes)])
        form.addRow(label_text("notes"), self.notes_cell)
        if not self.with_notes:
            form.setRowVisible(self.notes_cell, False)

        self.corporate_radio.toggled.connect(self._kind_changed)

    # -- values ------------------------------------------------------------------------
    def kind(self) -> str:
        return CustomerKind.INDIVIDUAL.value if self.individual_radio.isChecked() else CustomerKind.CORPORATE.value

    def set_kind(self, kind: str) -> None:
        (self.individual_radio if kind == CustomerKind.INDIVIDUAL.value else self.corporate_radio).setChecked(True)
        self._kind_changed()

    def text(self, name: str) -> str:
        edit = self.edits[name]
        return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

    def draft(self) -> CustomerDraft:
        """What the clerk typed. A 個人 sends no 法人番号 or 代表者 (kept in the hidden fields)."""
        kind = self.kind()
        values = {name: self.text(name) for name in CUSTOMER_FIELDS if name != "kind"}
        if kind == CustomerKind.INDIVIDUAL.value:
            for name in CORPORATE_ONLY_FIELDS:
                values[name] = ""
        return CustomerDraft(kind=kind, **values)

    def set_draft(self, draft: CustomerDraft) -> None:
        for name in CUSTOMER_FIELDS:
            if name == "kind":
                continue
            edit = self.edits[name]
            value = getattr(draft, name) or ""
            if isinstance(edit, QPlainTextEdit):
                if edit.toPlainText() != value:
                    edit.setPlainText(value)
            elif edit.text() != value:
                edit.setText(value)
        self.set_kind(draft.kind)

    def keep_hidden(self, cleaned: CustomerDraft) -> CustomerDraft:
        """Show the cleaned values but keep what a 個人's hidden 法人 fields hold."""
        if cleaned.kind == CustomerKind.INDIVIDUAL.value:
            return dataclasses.replace(cleaned, **{n: self.text(n) for n in CORPORATE_ONLY_FIELDS})
        return cleaned

    def set_read_only(self, read_only: bool) -> None:
        for edit in self.edits.values():
            edit.setReadOnly(read_only)
        self.corporate_radio.setEnabled(not read_only)
        self.individual_radio.setEnabled(not read_only)

    def _kind_changed(self, *_args) -> None:
        corporate = self.kind() == CustomerKind.CORPORATE.value
        self.form_layout.setRowVisible(self.representative_cell, corporate)
        self.form_layout.setRowVisible(self.corporate_number_cell, corporate)

    # -- tidying as the clerk types (the service cleans anyway) --------------------------
    def _cleaned(self, **values: str) -> CustomerDraft:
        return customer_service.check_customer(CustomerDraft(**values))[0]

    def _tidy_kana(self) -> None:
        edit = self.edits["name_kana"]
        tidy = self._cleaned(name_kana=edit.text()).name_kana
        if tidy != edit.text():
            edit.setText(tidy)

    def _tidy_phone(self) -> None:
        edit = self.edits["phone"]
        tidy = self._cleaned(phone=edit.text()).phone
        if tidy != edit.text():
            edit.setText(tidy)

    def _postal_edited(self, text: str) -> None:
        tidy = format_postal_code(text)
        if tidy != text.strip() and len(tidy) == 8:
            edit = self.edits["postal_code"]
            edit.setText(tidy)
            edit.setCursorPosition(len(tidy))

    def _tidy_postal(self) -> None:
        edit = self.edits["postal_code"]
        tidy = format_postal_code(edit.text())
        if tidy != edit.text():
            edit.setText(tidy)

    # -- errors ------------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str], prefix: str = "") -> tuple[QWidget | None, dict[str, str]]:
        """Show the messages of these fields (keys "name" … or, with ``prefix``,
        "applicant.name" …); returns the first bad widget and the messages of other keys."""
        mine = {k[len(prefix):]: v for k, v in errors.items() if k.startswith(prefix)}
        first, others = self.errors.show(mine)
        others = {f"{prefix}{k}": v for k, v in others.items()}
        others.update({k: v for k, v in errors.items() if not k.startswith(prefix)})
        return first, others

    def clear_errors(self) -> None:
        self.errors.clear()


class CustomerForm(QDialog):
    """Add (``record`` None) or edit a customer. Emits :attr:`saved` with the stored record."""

    saved = Signal(object)

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
        if self.record is not None:
            stamps = muted_label(f"登録 {format_local_datetime(self.record.created_at)}　"
                                 f"更新 {format_local_datetime(self.record.updated_at)}")
            stamps.setWordWrap(False)  # one line, never "更新" above its time
            footer.addWidget(stamps)
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
                ctx.db, ctx.actor, record.id, cleaned, record.row_version)
            status = f"顧客「{cleaned.name}」の変更を保存しました。"
        self._set_busy(True)
        ctx.ops.run(call, success=self._saved, invalid=lambda e: self.show_errors(e.errors, str(e)),
                    failure=self._failed, done=lambda: self._set_busy(False),
                    changes=Changes.CUSTOMERS, status=status, parent=self)

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
