"""会社情報: the company's name, address, phone, representative and 適格請求書発行事業者登録番号,
printed on every invoice and notice. The phone and postal code are tidied as typed; the
service checks the rest (the 登録番号 check digit …) and its messages land next to the fields.
A character that no bundled font prints is pointed out as it is typed. A save over details
another manager saved since the tab read them is refused naming who, with
「最新の内容を読み込む」 (ui.stale_edit)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from reseller_desk.domain.company import CompanyDetails
from reseller_desk.domain.customer import format_phone, format_postal_code
from reseller_desk.services import settings as settings_service
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.settings import NO_COMPANY_ROW, CompanyRecord
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.widgets import FieldErrors, field_cell, form_layout, muted_label, watch_glyphs

COMPANY_LABELS = {
    "name": "会社名 ※",
    "postal_code": "郵便番号",
    "address": "住所 ※",
    "phone": "電話番号",
    "fax": "FAX",
    "email": "メールアドレス",
    "representative": "代表者",
    "registration_number": "登録番号（インボイス）",
}
COMPANY_PLACEHOLDERS = {
    "postal_code": "例: 100-0001",
    "phone": "例: 03-1234-5678",
    "fax": "例: 03-1234-5679",
    "email": "例: info@example.co.jp",
    "representative": "例: 代表取締役 山田 太郎",
    "registration_number": "T＋13桁（例: T1234567890123）",
}
#: The fields printed in words on notices and invoices.
PRINTED_FIELDS = ("name", "address", "representative")


class CompanyTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.errors = FieldErrors()
        self.edits: dict[str, QLineEdit] = {}
        self.glyph_warnings: dict[str, QLabel] = {}
        self.dirty = False
        #: The version of the details shown, which a save passes back.
        self.version = NO_COMPANY_ROW
        form = form_layout()
        for name, label in COMPANY_LABELS.items():
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setPlaceholderText(COMPANY_PLACEHOLDERS.get(name, ""))
            edit.textEdited.connect(self._edited)
            self.edits[name] = edit
            labels = [self.errors.add(name, edit)]
            if name in PRINTED_FIELDS:
                self.glyph_warnings[name] = watch_glyphs(edit)
                labels.append(self.glyph_warnings[name])
            form.addRow(label, field_cell(edit, labels=labels))
        self.edits["postal_code"].setMaximumWidth(140)
        self.edits["registration_number"].setMaximumWidth(220)
        for name, tidy in (("postal_code", format_postal_code), ("phone", format_phone), ("fax", format_phone)):
            edit = self.edits[name]
            edit.editingFinished.connect(lambda e=edit, f=tidy: e.setText(f(e.text())) if f(e.text()) != e.text()
                                         else None)
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveCompany")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("元に戻す")
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addWidget(muted_label("会社情報は請求書・通知書に印刷されます。※は必須項目です。"), 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        box = QWidget()
        box.setLayout(form)
        box.setMaximumWidth(760)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def changing_widgets(self) -> Iterable[QWidget]:
        return (*self.edits.values(), self.save_button, self.revert_button)

    def _edited(self, _text: str) -> None:
        self.dirty = True

    def details(self) -> CompanyDetails:
        return CompanyDetails(**{name: edit.text() for name, edit in self.edits.items()})

    def set_details(self, details: CompanyDetails) -> None:
        for name, edit in self.edits.items():
            edit.setText(getattr(details, name))
        self.errors.clear()
        self.dirty = False

    def set_record(self, record: CompanyRecord) -> None:
        self.set_details(record.details)
        self.version = record.row_version

    def load(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: settings_service.get_company_record(db), success=self.set_record, parent=self)

    def reload_if_clean(self) -> None:
        if not self.dirty:
            self.load()

    def save(self) -> None:
        details, ctx, version = self.details(), self.ctx, self.version
        self.set_status("")
        ctx.ops.run(lambda: settings_service.save_company(ctx.db, ctx.actor, details, expected_version=version),
                    success=self._saved, invalid=self._invalid, failure=self.refused, reload=self.load,
                    changes=Changes.SETTINGS, status="会社情報を保存しました。", parent=self)

    def _saved(self, record: CompanyRecord) -> None:
        self.set_record(record)
        self.set_status("会社情報を保存しました。")

    def _invalid(self, error: ValidationFailed) -> None:
        first, _others = self.errors.show(error.errors)
        self.set_status(str(error), error=True)
        if first is not None:
            first.setFocus()
