"""申込者: an existing customer, found with the same search as the customer book, or a new
applicant typed into the customer's fields (their errors come keyed "applicant.…"), and the
debit account (口座振替) with its bank and branch names looked up as the codes are typed."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.banks import bank_name, branch_name
from reseller_desk.domain.company import ACCOUNT_TYPES, BankAccountDetails
from reseller_desk.domain.customer import CustomerDraft
from reseller_desk.services import customers as customer_service
from reseller_desk.services.customers import CustomerRow
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.customer_fields import CustomerFields
from reseller_desk.ui.widgets import (
    ERROR_COLOR,
    FieldErrors,
    combo,
    field_cell,
    form_layout,
    select_data,
    set_invalid,
)

SEARCH_DELAY_MS = 200
SEARCH_LIMIT = 50
CHOOSE_CUSTOMER = "顧客を選んでください。"


class ApplicantChooser(QWidget):
    """新規 or 既存の顧客. ``errors`` holds the "customer_id" message (under the search box)."""

    def __init__(self, ctx: AppContext, errors: FieldErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.errors = errors
        self.customer_id: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        choice = QHBoxLayout()
        self.existing_radio = QRadioButton("既存の顧客")
        self.new_radio = QRadioButton("新規")
        self.group = QButtonGroup(self)
        self.group.addButton(self.existing_radio)
        self.group.addButton(self.new_radio)
        choice.addWidget(self.new_radio)
        choice.addWidget(self.existing_radio)
        choice.addStretch(1)
        layout.addLayout(choice)

        self.existing_box = QWidget()
        existing = QVBoxLayout(self.existing_box)
        existing.setContentsMargins(0, 0, 0, 0)
        self.customer_search = QLineEdit()
        self.customer_search.setObjectName("customerSearch")
        self.customer_search.setPlaceholderText("顧客を検索（名称・フリガナ・電話番号・メール・法人番号）")
        self.customer_search.setClearButtonEnabled(True)
        self.customer_results = QListWidget()
        self.customer_results.setObjectName("customerResults")
        self.customer_results.setWordWrap(True)  # two lines a customer, never a sideways scroll
        self.customer_results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.customer_results.setMinimumHeight(150)
        self.chosen_label = QLabel(CHOOSE_CUSTOMER)
        self.chosen_label.setObjectName("chosenCustomer")
        self.chosen_label.setWordWrap(True)
        existing.addWidget(self.customer_search)
        existing.addWidget(self.customer_results)
        existing.addWidget(field_cell(self.chosen_label, labels=[
            errors.add("customer_id", self.customer_search, edited_by=[self.new_radio])]))
        layout.addWidget(self.existing_box)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search_customers)
        self.customer_search.textChanged.connect(lambda _t: self._search_timer.start())
        self.customer_results.itemClicked.connect(self._customer_picked)
        self.customer_results.itemActivated.connect(self._customer_picked)

        self.fields = CustomerFields(with_notes=False)
        self.fields.setObjectName("applicantFields")
        layout.addWidget(self.fields)
        self.new_radio.toggled.connect(lambda _c: self._mode_changed())

    def is_new(self) -> bool:
        return self.new_radio.isChecked()

    def _mode_changed(self) -> None:
        new = self.is_new()
        self.fields.setVisible(new)
        self.existing_box.setVisible(not new)

    def set_new(self, draft: CustomerDraft) -> None:
        self.new_radio.setChecked(True)
        self.customer_id = None
        self.chosen_label.setText(CHOOSE_CUSTOMER)
        self.fields.set_draft(draft)
        self._mode_changed()

    def set_existing(self, customer_id: int, name: str) -> None:
        self.existing_radio.setChecked(True)
        self.customer_id = customer_id
        self.chosen_label.setText(f"選択中: ID {customer_id}　{name}")
        self.fields.set_draft(CustomerDraft())
        self._mode_changed()

    def choose_customer(self, customer_id: int, name: str) -> None:
        """The clerk picked a customer from the search results."""
        self.set_existing(customer_id, name)
        self.errors.clear_field("customer_id")
        set_invalid(self.customer_search, False)

    # -- searching ----------------------------------------------------------------------
    def search_customers(self) -> None:
        self._search_timer.stop()
        query, db = self.customer_search.text().strip(), self.ctx.db
        if not query:
            self.customer_results.clear()
            return
        self.ctx.ops.run(lambda: customer_service.customer_rows(
            db, customer_service.customer_ids(db, query)[:SEARCH_LIMIT]), success=self._show_customers, parent=self)

    def _show_customers(self, rows: list[CustomerRow]) -> None:
        self.customer_results.clear()
        for row in rows:
            details = "　".join(part for part in (row.phone, row.address) if part)
            item = QListWidgetItem(f"ID {row.id}　{row.name}（{row.name_kana}）\n　{details}")
            item.setToolTip(f"{row.name}（{row.name_kana}）\n{details}")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, row.name)
            self.customer_results.addItem(item)
        if not rows:
            item = QListWidgetItem("該当する顧客はいません。")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.customer_results.addItem(item)

    def _customer_picked(self, item: QListWidgetItem) -> None:
        customer_id = item.data(Qt.ItemDataRole.UserRole)
        if customer_id is not None:
            self.choose_customer(customer_id, item.data(Qt.ItemDataRole.UserRole + 1))

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.existing_radio, self.new_radio, self.customer_search, self.customer_results):
            widget.setEnabled(not read_only)
        self.fields.set_read_only(read_only)


class DebitAccountFields(QWidget):
    """口座振替の口座: codes, type, number and holder; errors keyed "debit.<field>"."""

    def __init__(self, errors: FieldErrors, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = form_layout()
        form.setContentsMargins(0, 0, 0, 0)
        self.setLayout(form)
        self.bank_code = self._code("bankCode", "4桁", 4)
        self.bank_name_label = QLabel()
        self.bank_name_label.setObjectName("bankName")
        self.branch_code = self._code("branchCode", "3桁", 3)
        self.branch_name_label = QLabel()
        self.branch_name_label.setObjectName("branchName")
        self.account_type = combo([(t, t) for t in ACCOUNT_TYPES])
        self.account_type.setObjectName("accountType")
        self.account_type.setFixedWidth(100)
        self.account_number = self._code("accountNumber", "7桁", 7)
        self.account_number.setFixedWidth(110)
        self.holder_kana = QLineEdit()
        self.holder_kana.setObjectName("holderKana")
        self.holder_kana.setPlaceholderText("半角カナ（例: ｶ)ﾐﾗｲｼｮｳｼﾞ）。全角でも可")
        self.holder_kana.setToolTip("全角カナ・ひらがなで入力しても、保存時に半角カナに直します")
        self.widgets: dict[str, QWidget] = {"bank_code": self.bank_code, "branch_code": self.branch_code,
                                            "account_type": self.account_type, "account_number": self.account_number,
                                            "holder_kana": self.holder_kana}

        def cell(field: str, *extra: QWidget) -> QWidget:
            widget = self.widgets[field]
            return field_cell(widget, *extra, labels=[errors.add(f"debit.{field}", widget)],
                              left=field != "holder_kana")

        form.addRow("金融機関コード", cell("bank_code", self.bank_name_label))
        form.addRow("支店コード", cell("branch_code", self.branch_name_label))
        form.addRow("預金種目", cell("account_type"))
        form.addRow("口座番号", cell("account_number"))
        form.addRow("口座名義", cell("holder_kana"))
        self.bank_code.textChanged.connect(lambda _t: self.update_bank_names())
        self.branch_code.textChanged.connect(lambda _t: self.update_bank_names())
        self.update_bank_names()

    @staticmethod
    def _code(name: str, placeholder: str, length: int) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.setMaxLength(length)
        edit.setFixedWidth(80)
        return edit

    def account(self) -> BankAccountDetails:
        return BankAccountDetails(self.bank_code.text(), "", self.branch_code.text(), "",
                                  self.account_type.currentData(), self.account_number.text(), self.holder_kana.text())

    def set_account(self, account: BankAccountDetails | None) -> None:
        account = account or BankAccountDetails()
        self.bank_code.setText(account.bank_code)
        self.branch_code.setText(account.branch_code)
        select_data(self.account_type, account.account_type or ACCOUNT_TYPES[0])
        self.account_number.setText(account.account_number)
        self.holder_kana.setText(account.holder_kana)

    def update_bank_names(self) -> None:
        """The bank and branch names from their codes, as the clerk types."""
        bank_code, branch_code = self.bank_code.text().strip(), self.branch_code.text().strip()
        bank = bank_name(bank_code) if len(bank_code) == 4 else None
        self._name(self.bank_name_label, bank, "該当する金融機関がありません" if len(bank_code) == 4 else "")
        if bank and len(branch_code) == 3:
            self._name(self.branch_name_label, branch_name(bank_code, branch_code), f"{bank}にこの支店はありません")
        else:
            self._name(self.branch_name_label, None, "")

    @staticmethod
    def _name(label: QLabel, name: str | None, missing: str) -> None:
        label.setText(name or missing)
        label.setStyleSheet("font-weight: bold;" if name else f"color: {ERROR_COLOR};")

    def set_read_only(self, read_only: bool) -> None:
        for widget in self.widgets.values():
            widget.setEnabled(not read_only)
