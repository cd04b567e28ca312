"""The customer's fields (顧客の項目), each with its red message under it: the body of the
customer form (ui.customer_form) and the 新規 applicant of the 申込 window. Kana, phone and
postal code are tidied as typed (the service cleans anyway); a character no bundled font
prints is pointed out in the fields printed on notices.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
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
from reseller_desk.ui.widgets import (
    FieldErrors,
    field_cell,
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
