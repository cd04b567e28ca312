"""プラン・オプションの追加・変更: one plan (or option) of a service, its fees in integer yen
(税抜), its minimum term and early-termination fee, whether it is sold only face to face, and
whether new applications may choose it. The service checks it (a code used twice in a service
is refused next to the field). A change of a plan another manager saved since the dialog opened
is refused naming who, with 「最新の内容を読み込む」 (ui.stale_edit), which shows the plan as
stored. The fees here are the price the plan was created with: once its service has been
invoiced they are read-only and change through 価格改定… (ui.settings.price_dialog), from a month
not yet billed."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain import bounds
from reseller_desk.domain.company import PlanDetails
from reseller_desk.domain.prices import PricedItem
from reseller_desk.services import prices as price_service
from reseller_desk.services import settings as settings_service
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.services.prices import PriceHistoryRow
from reseller_desk.services.settings import PlanRecord, ProfileInfo
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.settings.price_dialog import PriceDialog
from reseller_desk.ui.widgets import (
    APP_STYLE,
    MONEY_ALIGNMENT,
    FieldErrors,
    error_label,
    field_cell,
    form_layout,
    muted_label,
    watch_glyphs,
    yen_spin_box,
)

FIELD_TITLES = {"code": "コード ※", "name": "名称 ※", "monthly_fee": "月額料金", "initial_fee": "初期費用",
                "minimum_term_months": "最低利用期間", "early_termination_fee": "契約解除料",
                "requires_face_to_face": "対面販売", "active": "状態", "notes": "備考"}
PLAN_ONLY_FIELDS = frozenset({"minimum_term_months", "early_termination_fee", "requires_face_to_face"})


class PlanDialog(QDialog):
    """Add or change a plan (or an option: the plan-only fields are hidden)."""

    saved = Signal(object)
    #: The plan was read again after a stale save (the list behind may show it too).
    reloaded = Signal(object)
    #: A price change was added or removed through 価格改定… (the list shows this month's price).
    prices_changed = Signal(object)

    def __init__(self, ctx: AppContext, profile: ProfileInfo, record: PlanRecord | None = None, *,
                 is_option: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.profile = profile
        self.record = record
        self.is_option = is_option
        noun = "オプション" if is_option else "プラン"
        self.setWindowTitle(f"{noun}の{'追加' if record is None else '変更'}（{profile.name}）")
        self.setStyleSheet(APP_STYLE)
        self.errors = FieldErrors()
        form = form_layout()

        self.code = QLineEdit()
        self.code.setPlaceholderText("半角英数字（例: BASIC-01）")
        self.name = QLineEdit()
        self.monthly_fee = yen_spin_box()
        self.initial_fee = yen_spin_box()
        self.minimum_term = QSpinBox()
        self.minimum_term.setRange(0, bounds.MAX_MINIMUM_TERM_MONTHS)
        self.minimum_term.setSuffix("か月")
        self.minimum_term.setAlignment(MONEY_ALIGNMENT)
        self.early_termination_fee = yen_spin_box()
        self.face_to_face = QCheckBox("対面販売のみ（本人確認書類が必要）")
        self.active = QCheckBox("有効（新しい申込で選べる）")
        self.notes = QPlainTextEdit()
        self.notes.setFixedHeight(70)
        self.notes.setTabChangesFocus(True)

        every: dict[str, QWidget] = {
            "code": self.code, "name": self.name, "monthly_fee": self.monthly_fee,
            "initial_fee": self.initial_fee, "minimum_term_months": self.minimum_term,
            "early_termination_fee": self.early_termination_fee,
            "requires_face_to_face": self.face_to_face, "active": self.active, "notes": self.notes,
        }
        #: The fields of this dialog: an option has no minimum term, termination fee or face-to-face rule.
        self.widgets = {f: w for f, w in every.items() if not (is_option and f in PLAN_ONLY_FIELDS)}
        form.addRow("サービス", QLabel(profile.name))
        for field, widget in self.widgets.items():
            widget.setObjectName(field)
            labels = [self.errors.add(field, widget)]
            if widget is self.name:  # the name is printed (notices, invoices): say what cannot be
                self.name_glyphs = watch_glyphs(self.name)
                labels.append(self.name_glyphs)
            form.addRow(FIELD_TITLES[field], field_cell(widget, labels=labels))
        self.summary = error_label()
        self.save_button = QPushButton("保存")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        cancel = QPushButton("キャンセル")
        cancel.clicked.connect(self.reject)
        #: What the fees are, once the price history is read (a billed price is changed by 価格改定).
        self.price_note = muted_label()
        self.price_note.setObjectName("priceNote")
        self.price_note.setWordWrap(True)
        self.price_note.setVisible(False)
        self.price_button = QPushButton("価格改定…")
        self.price_button.setObjectName("openPrices")
        self.price_button.setToolTip("適用月を指定して価格を変えます（請求済みの月は変わりません）。")
        self.price_button.clicked.connect(self.open_prices)
        self.price_button.setVisible(record is not None)
        self.price_dialog: PriceDialog | None = None
        buttons = QHBoxLayout()
        buttons.addWidget(self.price_button)
        buttons.addWidget(muted_label("金額は税抜・円単位で入力します。"), 1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addLayout(form)
        layout.addWidget(self.price_note)
        layout.addLayout(buttons)

        details = record.details if record is not None else PlanDetails(profile.key, "", "")
        self.set_details(details)
        self.resize(520, self.sizeHint().height())
        if record is not None:
            self.load_prices()

    def set_details(self, details: PlanDetails) -> None:
        self.code.setText(details.code)
        self.name.setText(details.name)
        self.monthly_fee.setValue(details.monthly_fee)
        self.initial_fee.setValue(details.initial_fee)
        self.minimum_term.setValue(details.minimum_term_months)
        self.early_termination_fee.setValue(details.early_termination_fee)
        self.face_to_face.setChecked(details.requires_face_to_face)
        self.active.setChecked(details.active)
        self.notes.setPlainText(details.notes)

    def details(self) -> PlanDetails:
        key, code, name = self.profile.key, self.code.text(), self.name.text()
        monthly, initial = self.monthly_fee.value(), self.initial_fee.value()
        active, notes = self.active.isChecked(), self.notes.toPlainText()
        if self.is_option:
            return PlanDetails(key, code, name, monthly, initial, active=active, notes=notes)
        return PlanDetails(key, code, name, monthly, initial, minimum_term_months=self.minimum_term.value(),
                           early_termination_fee=self.early_termination_fee.value(),
                           requires_face_to_face=self.face_to_face.isChecked(), active=active, notes=notes)

    # -- the price history ---------------------------------------------------------------------
    @property
    def item(self) -> PricedItem:
        return PricedItem.OPTION if self.is_option else PricedItem.PLAN

    def load_prices(self) -> None:
        if self.record is None:
            return
        db, item, item_id = self.ctx.db, self.item, self.record.id
        self.ctx.ops.run(lambda: price_service.price_history(db, item, item_id), success=self._prices_loaded,
                         failure=self._refused, parent=self)

    def _prices_loaded(self, history: list[PriceHistoryRow]) -> None:
        billed = bool(history) and history[0].billed
        for box in (self.monthly_fee, self.initial_fee):
            box.setReadOnly(billed)
            box.setToolTip(price_service.INVOICED_PRICE_MESSAGE if billed else "")
        changes = len(history) - 1
        notes = []
        if billed:
            notes.append("このサービスは請求済みのため、月額料金・初期費用は「価格改定…」で適用月を指定して変更します。")
        if changes > 0:
            notes.append(f"ここの金額は作成時の価格です（価格改定 {changes}件。今月の価格は一覧に表示）。")
        self.price_note.setText("\n".join(notes))
        self.price_note.setVisible(bool(notes))

    def open_prices(self) -> PriceDialog | None:
        """価格改定… of this plan: its history and the form to add a change."""
        if self.record is None:
            return None
        dialog = PriceDialog(self.ctx, self.item, self.record, parent=self)
        dialog.changed.connect(self._prices_changed)
        self.price_dialog = dialog
        dialog.open()
        return dialog

    def _prices_changed(self, history: list[PriceHistoryRow]) -> None:
        self._prices_loaded(history)
        self.prices_changed.emit(history)

    def error_text(self, field: str) -> str:
        return self.errors.message(field)

    def save(self) -> None:
        details = self.details()
        record_id = self.record.id if self.record is not None else None
        version = self.record.row_version if self.record is not None else None
        service = settings_service.save_option if self.is_option else settings_service.save_plan
        self.save_button.setEnabled(False)
        ctx = self.ctx
        ctx.ops.run(lambda: service(ctx.db, ctx.actor, record_id, details, expected_version=version),
                    success=self._saved, invalid=self._invalid, failure=self._refused, reload=self.reload,
                    done=lambda: self.save_button.setEnabled(True), changes=Changes.SETTINGS,
                    status=f"{'オプション' if self.is_option else 'プラン'}「{details.name}」を保存しました。",
                    parent=self)

    def reload(self) -> None:
        """「最新の内容を読み込む」: the plan as stored replaces what is typed."""
        if self.record is None:
            return
        db, record_id = self.ctx.db, self.record.id
        get = settings_service.get_option if self.is_option else settings_service.get_plan
        self.ctx.ops.run(lambda: get(db, record_id), success=self._reloaded, failure=self._refused, parent=self)

    def _reloaded(self, record: PlanRecord) -> None:
        self.record = record
        self.errors.clear()
        self.summary.setVisible(False)
        self.set_details(record.details)
        self.reloaded.emit(record)

    def _saved(self, record: PlanRecord) -> None:
        self.record = record
        self.saved.emit(record)
        self.accept()

    def _invalid(self, error: ValidationFailed) -> None:
        self.errors.show_refusal(error, self.summary)

    def _refused(self, error: ServiceError) -> None:
        """Said once, in the dialog."""
        self.summary.setText(str(error))
        self.summary.setVisible(True)
