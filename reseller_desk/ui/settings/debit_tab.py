"""口座振替: what the collecting bank assigned the office (委託者コード, 委託者名 in half-width kana)
and the account the debits are collected into, written in every request file's header
(formats.md §1.4), and the days a customer whose debit failed has to pay by transfer
(services.payments.debit_settings). The service transliterates the names (カ)テストショウジ →
ｶ)ﾃｽﾄｼﾖｳｼﾞ) and pads the numbers; the tab then shows them as stored. Each refusal lands beside its
field. The settings share the company row's version with 会社情報 and 請求: a save over a change
made since is refused naming who, with 「最新の内容を読み込む」 (ui.stale_edit); a save of another
tab reloads this one unless it has edits of its own."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.payments import debit_settings as service
from reseller_desk.services.payments.debit_settings import DebitSettings
from reseller_desk.services.permissions import Role
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.widgets import FieldErrors, field_cell, form_layout, muted_label, select_data

#: field -> (label, placeholder, width); the order of the form.
TEXT_FIELDS: dict[str, tuple[str, str, int]] = {
    "consignor_code": ("委託者コード ※", "銀行から指定された10桁（例: 0000012345）", 220),
    "consignor_name": ("委託者名（カナ） ※", "例: カ)ミライテレコム（半角カナに直して保存します）", 400),
    "bank_code": ("取引銀行番号 ※", "4桁（例: 0001）", 120),
    "bank_name": ("取引銀行名（カナ）", "例: ミズホ（任意）", 260),
    "branch_code": ("取引支店番号 ※", "3桁（例: 100）", 120),
    "branch_name": ("取引支店名（カナ）", "例: ホンテン（任意）", 260),
    "account_number": ("口座番号 ※", "7桁以内（例: 1234567）", 160),
}
LABELS = {**{name: label for name, (label, _p, _w) in TEXT_FIELDS.items()},
          "account_type": "預金種目 ※", "failed_debit_pay_days": "振替不能のときの支払期限"}
ORDER = ("consignor_code", "consignor_name", "bank_code", "bank_name", "branch_code", "branch_name",
         "account_type", "account_number", "failed_debit_pay_days")
DAYS_TIP = ("口座振替ができなかった請求書は振込でのお支払いになります。振替結果を取り込んだ日からこの日数の後"
            "（休業日なら翌営業日）を振込期限として、口座振替不能のお知らせに記載します。")


class DebitTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.errors = FieldErrors()
        self.dirty = False
        #: The version of the settings shown, which a save passes back.
        self.version = service.DebitSettings().version
        self.edits: dict[str, QLineEdit] = {}
        for name, (_label, placeholder, width) in TEXT_FIELDS.items():
            edit = QLineEdit()
            edit.setObjectName(name)
            edit.setPlaceholderText(placeholder)
            edit.setMinimumWidth(width)
            edit.setMaximumWidth(width)
            edit.textEdited.connect(self._edited)
            self.edits[name] = edit
        self.account_type = QComboBox()
        self.account_type.setObjectName("account_type")
        for code, label in service.ACCOUNT_TYPES.items():
            self.account_type.addItem(label, code)
        self.account_type.currentIndexChanged.connect(self._edited)
        self.pay_days = QSpinBox()
        self.pay_days.setObjectName("failed_debit_pay_days")
        self.pay_days.setRange(*service.PAY_DAYS)
        self.pay_days.setSuffix("日後")
        self.pay_days.setToolTip(DAYS_TIP)
        self.pay_days.valueChanged.connect(self._edited)
        widgets: dict[str, QWidget] = {**self.edits, "account_type": self.account_type,
                                       "failed_debit_pay_days": self.pay_days}
        form = form_layout()
        for name in ORDER:
            widget = widgets[name]
            form.addRow(LABELS[name], field_cell(widget, labels=[self.errors.add(name, widget)], left=True))
        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveDebit")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("元に戻す")
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addWidget(muted_label("口座振替の依頼データの先頭（ヘッダー）に書く内容です。銀行との契約書のとおりに"
                                      "入力してください。※は必須項目です。"), 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        box = QWidget()
        box.setLayout(form)
        box.setMaximumWidth(820)
        layout.addWidget(box)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        ctx.changes.changed.connect(lambda what: self.reload_if_clean() if what == Changes.SETTINGS else None)
        self.set_editable(ctx.actor.role == Role.MANAGER)
        self.load()

    def changing_widgets(self) -> Iterable[QWidget]:
        return (*self.edits.values(), self.account_type, self.pay_days, self.save_button, self.revert_button)

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        if editable:
            self.pay_days.setToolTip(DAYS_TIP)

    def _edited(self, *_args: Any) -> None:
        self.dirty = True

    # -- reading ------------------------------------------------------------------------------
    def load(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: service.debit_settings(db), success=self.set_settings, failure=self.refused,
                         parent=self)

    def reload_if_clean(self) -> None:
        if not self.dirty:
            self.load()

    def set_settings(self, settings: DebitSettings) -> None:
        for widget in (*self.edits.values(), self.account_type, self.pay_days):
            widget.blockSignals(True)
        for name, edit in self.edits.items():
            edit.setText(getattr(settings, name))
        select_data(self.account_type, settings.account_type)
        self.pay_days.setValue(settings.failed_debit_pay_days)
        for widget in (*self.edits.values(), self.account_type, self.pay_days):
            widget.blockSignals(False)
        self.version = settings.version
        self.errors.clear()
        self.dirty = False

    def details(self) -> dict[str, object]:
        values: dict[str, object] = {name: edit.text() for name, edit in self.edits.items()}
        values["account_type"] = self.account_type.currentData()
        values["failed_debit_pay_days"] = self.pay_days.value()
        return values

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        ctx, version, details = self.ctx, self.version, self.details()
        self.set_status("")
        ctx.ops.run(lambda: service.save_debit_settings(ctx.db, ctx.actor, details, expected_version=version),
                    success=self._saved, invalid=self._invalid, failure=self.refused, reload=self.load,
                    changes=(Changes.SETTINGS, Changes.PAYMENTS), status="口座振替の設定を保存しました。", parent=self)

    def _saved(self, settings: DebitSettings) -> None:
        self.set_settings(settings)
        self.set_status("口座振替の設定を保存しました。")

    def _invalid(self, error: ValidationFailed) -> None:
        first, others = self.errors.show(error.errors)
        self.set_status("\n".join([str(error), *others.values()]), error=True)
        if first is not None:
            first.setFocus()
