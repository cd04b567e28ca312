"""申込内容: the applicant, the application (channel, date, service, plan, options, lines, the
staff member handling it, notes), the payment method and the papers received, as one widget.

The choices offered (services, their plans and options, the staff) are a :class:`Catalog` the
window loads off the UI thread and reloads when settings change; the form keeps what is
selected while its lists are refilled. :meth:`IntakeForm.application_input` is what the
service is given; its ValidationFailed keys ("applicant.phone", "debit.bank_code",
"documents.0.number_last_digits" …) land next to their fields through :meth:`show_errors`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain import bounds
from reseller_desk.domain.intake import ApplicationDraft, Channel, PaymentMethod
from reseller_desk.services import settings as settings_service
from reseller_desk.services import staff as staff_service
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.services.settings import PlanRecord, ProfileInfo
from reseller_desk.services.staff import StaffInfo
from reseller_desk.ui.application.applicant import ApplicantChooser, DebitAccountFields
from reseller_desk.ui.application.documents import DocumentsEditor
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.widgets import (
    MONEY_ALIGNMENT,
    FieldErrors,
    combo,
    date_edit,
    field_cell,
    form_layout,
    format_yen,
    group,
    select_data,
    to_date,
    to_qdate,
)

if TYPE_CHECKING:
    from reseller_desk.db.database import Database

CHOOSE_PLAN = "（選択してください）"
NO_OPTIONS = "（このサービスのオプションはありません）"


@dataclass(frozen=True)
class Catalog:
    """What the form offers: the services (terms profiles), their plans and options, and the
    active staff."""

    profiles: tuple[ProfileInfo, ...] = ()
    staff: tuple[StaffInfo, ...] = ()
    plans: dict[str, tuple[PlanRecord, ...]] = field(default_factory=dict)
    options: dict[str, tuple[PlanRecord, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Selection:
    """What the form's lists should have selected once they are filled."""

    profile_key: str | None = None
    plan_id: int | None = None
    option_ids: tuple[int, ...] = ()
    handler_id: int | None = None


def load_catalog(db: Database) -> Catalog:
    """The choices of the form, read from the services (off the UI thread)."""
    profiles = tuple(settings_service.list_profiles())
    return Catalog(profiles, tuple(s for s in staff_service.list_staff(db) if s.active),
                   {p.key: tuple(settings_service.list_plans(db, p.key)) for p in profiles},
                   {p.key: tuple(settings_service.list_options(db, p.key)) for p in profiles})


def plan_text(plan: PlanRecord) -> str:
    """A plan as the dropdown offers it: its name and what it costs."""
    details = plan.details
    suffix = "" if details.active else "（受付停止中）"
    return f"{details.name}{suffix}　月額 {format_yen(details.monthly_fee)}・初期費用 {format_yen(details.initial_fee)}"


class IntakeForm(QWidget):
    #: The last red message of the form went (the clerk fixed what was wrong).
    errors_cleared = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.catalog: Catalog | None = None
        self._wanted = Selection(handler_id=ctx.actor.user_id)
        self._clean: ApplicationInput | None = None
        self.errors = FieldErrors(on_cleared=self._error_cleared)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 12, 4)
        columns = QHBoxLayout()
        outer.addLayout(columns)
        left, right = QVBoxLayout(), QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        applicant_box, applicant_layout = group("申込者")
        self.applicant = ApplicantChooser(ctx, self.errors)
        self.applicant.fields.errors.on_cleared = self._error_cleared
        applicant_layout.addWidget(self.applicant)
        left.addWidget(applicant_box)
        left.addStretch(1)

        right.addWidget(self._build_application())
        right.addWidget(self._build_payment())
        right.addStretch(1)

        docs_box, docs_layout = group("提出書類")
        self.documents = DocumentsEditor()
        self.documents.setObjectName("documents")
        docs_layout.addWidget(self.documents)
        outer.addWidget(docs_box)
        outer.addStretch(1)

    def _build_application(self) -> QWidget:
        box, layout = group("申込")
        form = form_layout()
        layout.addLayout(form)
        self.channel_combo = combo([(c.label, c.value) for c in Channel])
        self.channel_combo.setObjectName("channel")
        self.channel_combo.setMinimumWidth(140)
        self.received_on = date_edit()
        self.received_on.setObjectName("receivedOn")
        self.profile_combo = QComboBox()
        self.profile_combo.setObjectName("profile")
        self.plan_combo = QComboBox()
        self.plan_combo.setObjectName("plan")
        self.plan_combo.setMinimumWidth(300)
        self.plan_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.options_list = QListWidget()
        self.options_list.setObjectName("options")
        self.options_list.setMaximumHeight(72)
        self.lines_spin = QSpinBox()
        self.lines_spin.setObjectName("lines")
        self.lines_spin.setRange(bounds.MIN_LINES, bounds.MAX_LINES)
        self.lines_spin.setAlignment(MONEY_ALIGNMENT)
        self.lines_spin.setSuffix(" 回線")
        self.lines_spin.setMaximumWidth(120)
        self.handler_combo = QComboBox()
        self.handler_combo.setObjectName("handledBy")
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setObjectName("applicationNotes")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(52)
        form.addRow("受付経路 ※", self._left(self.channel_combo, "channel"))
        form.addRow("受付日 ※", self._left(self.received_on, "received_on"))
        form.addRow("サービス ※", self._left(self.profile_combo, "profile_key"))
        form.addRow("プラン ※", self._left(self.plan_combo, "plan_id"))
        form.addRow("オプション", field_cell(self.options_list,
                                           labels=[self.errors.add("option_ids", self.options_list)]))
        form.addRow("回線数 ※", self._left(self.lines_spin, "lines"))
        form.addRow("担当", self._left(self.handler_combo, "handled_by_id"))
        form.addRow("備考", field_cell(self.notes_edit, labels=[self.errors.add("notes", self.notes_edit)]))
        self.profile_combo.currentIndexChanged.connect(lambda _i: self._profile_changed())
        return box

    def _left(self, widget: QWidget, name: str) -> QWidget:
        return field_cell(widget, labels=[self.errors.add(name, widget)], left=True)

    def _build_payment(self) -> QWidget:
        box, layout = group("支払方法")
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
        layout.addWidget(field_cell(payment_cell, labels=[
            self.errors.add("payment_method", payment_cell, edited_by=[self.debit_radio, self.transfer_radio])]))
        self.debit = DebitAccountFields(self.errors)
        layout.addWidget(self.debit)
        self.debit_radio.toggled.connect(lambda _c: self.debit.setVisible(self.debit_radio.isChecked()))
        self.transfer_radio.setChecked(True)
        self.debit.setVisible(False)
        return box

    # -- the choices -----------------------------------------------------------------------
    def set_catalog(self, catalog: Catalog) -> None:
        """Offer ``catalog``. What is selected stays selected; before the first catalog, what
        :meth:`fill` (or the defaults) asked for is selected now."""
        if self.catalog is not None:
            self._wanted = Selection(self.profile_combo.currentData(), self.plan_combo.currentData(),
                                     self.option_ids(), self.handler_combo.currentData())
        was_clean = not self.is_dirty()
        self.catalog = catalog
        self._apply(self._wanted)
        if was_clean:
            self.mark_clean()

    def _apply(self, wanted: Selection) -> None:
        catalog = self.catalog or Catalog()
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        for profile in catalog.profiles:
            self.profile_combo.addItem(profile.name, profile.key)
        select_data(self.profile_combo, wanted.profile_key)
        self.profile_combo.blockSignals(False)
        self.handler_combo.clear()
        for staff in catalog.staff:
            self.handler_combo.addItem(f"{staff.name}（{staff.role.label}）", staff.id)
        if wanted.handler_id is not None and not select_data(self.handler_combo, wanted.handler_id):
            self.handler_combo.addItem(f"（ID {wanted.handler_id}）", wanted.handler_id)  # no longer active
            select_data(self.handler_combo, wanted.handler_id)
        self._fill_plans(wanted.plan_id, wanted.option_ids)

    def _profile_changed(self) -> None:
        self._fill_plans(None, ())

    def _fill_plans(self, plan_id: int | None, option_ids: tuple[int, ...]) -> None:
        """The plans and options of the selected service; a stopped plan or option is offered
        only when it is the one the application has."""
        key = self.profile_combo.currentData()
        catalog = self.catalog or Catalog()
        self.plan_combo.clear()
        self.plan_combo.addItem(CHOOSE_PLAN, None)
        for plan in catalog.plans.get(key, ()):
            if plan.details.active or plan.id == plan_id:
                self.plan_combo.addItem(plan_text(plan), plan.id)
        if plan_id is not None:
            select_data(self.plan_combo, plan_id)
        elif self.plan_combo.count() == 2:
            self.plan_combo.setCurrentIndex(1)  # the only plan of the service
        self.options_list.clear()
        for option in catalog.options.get(key, ()):
            if option.details.active or option.id in option_ids:
                item = QListWidgetItem(f"{option.details.name}　月額 {format_yen(option.details.monthly_fee)}")
                item.setData(Qt.ItemDataRole.UserRole, option.id)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                checked = option.id in option_ids
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.options_list.addItem(item)
        if not self.options_list.count():
            item = QListWidgetItem(NO_OPTIONS)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.options_list.addItem(item)

    def option_ids(self) -> tuple[int, ...]:
        chosen = []
        for i in range(self.options_list.count()):
            item = self.options_list.item(i)
            if item.flags() & Qt.ItemFlag.ItemIsUserCheckable and item.checkState() == Qt.CheckState.Checked:
                chosen.append(item.data(Qt.ItemDataRole.UserRole))
        return tuple(chosen)

    def option_item(self, name: str) -> QListWidgetItem | None:
        """The option of that name in the list (its text also shows the fee)."""
        for i in range(self.options_list.count()):
            item = self.options_list.item(i)
            if item.text().split("　")[0] == name:
                return item
        return None

    # -- filling ---------------------------------------------------------------------------
    def new_defaults(self) -> None:
        self.applicant.set_new(self.applicant.fields.draft())
        self.transfer_radio.setChecked(True)
        self.mark_clean()

    def fill(self, inp: ApplicationInput, applicant_name: str, *, read_only: bool) -> None:
        """Show the stored application ``inp`` (the applicant named ``applicant_name``)."""
        draft = inp.draft
        if inp.customer_id is not None:
            self.applicant.set_existing(inp.customer_id, applicant_name)
        else:
            self.applicant.set_new(inp.applicant or self.applicant.fields.draft())
        select_data(self.channel_combo, draft.channel)
        self.received_on.setDate(to_qdate(draft.received_on))
        self._wanted = Selection(draft.profile_key, draft.plan_id, tuple(draft.option_ids), inp.handled_by_id)
        if self.catalog is not None:
            self._apply(self._wanted)
        self.lines_spin.setValue(draft.lines)
        (self.debit_radio if draft.payment_method == PaymentMethod.DEBIT else self.transfer_radio).setChecked(True)
        self.debit.set_account(draft.debit_account)
        self.notes_edit.setPlainText(draft.notes)
        self.documents.set_entries(draft.documents)
        self.set_read_only(read_only)
        self.mark_clean()

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.channel_combo, self.received_on, self.profile_combo, self.plan_combo, self.options_list,
                       self.lines_spin, self.handler_combo, self.debit_radio, self.transfer_radio):
            widget.setEnabled(not read_only)
        self.notes_edit.setReadOnly(read_only)
        self.applicant.set_read_only(read_only)
        self.debit.set_read_only(read_only)
        self.documents.set_read_only(read_only)

    # -- what was typed ----------------------------------------------------------------------
    def application_input(self) -> ApplicationInput:
        debit = self.debit_radio.isChecked()
        draft = ApplicationDraft(
            channel=self.channel_combo.currentData(), received_on=to_date(self.received_on),
            profile_key=self.profile_combo.currentData() or "", plan_id=self.plan_combo.currentData(),
            option_ids=self.option_ids(), lines=self.lines_spin.value(),
            payment_method=PaymentMethod.DEBIT if debit else PaymentMethod.TRANSFER,
            debit_account=self.debit.account() if debit else None,
            documents=self.documents.entries(), notes=self.notes_edit.toPlainText())
        handler = self.handler_combo.currentData()
        if self.applicant.is_new():
            return ApplicationInput(draft, applicant=self.applicant.fields.draft(), handled_by_id=handler)
        return ApplicationInput(draft, customer_id=self.applicant.customer_id, handled_by_id=handler)

    def mark_clean(self) -> None:
        """What the form shows now is what is stored (or the blank form)."""
        self._clean = self.application_input()

    def is_dirty(self) -> bool:
        """The clerk changed something since the form was filled or saved."""
        return self._clean is not None and self.application_input() != self._clean

    # -- errors ----------------------------------------------------------------------------
    def show_errors(self, errors: dict[str, str]) -> tuple[QWidget | None, dict[str, str]]:
        """Each message next to its field; returns the first bad widget and the messages no
        field of the form shows."""
        first_applicant, rest = self.applicant.fields.show_errors(errors, prefix="applicant.")
        documents = {k.removeprefix("documents."): v for k, v in rest.items() if k.startswith("documents.")}
        rest = {k: v for k, v in rest.items() if not k.startswith("documents.")}
        first_document, doc_rest = self.documents.show_errors(documents)
        first_form, others = self.errors.show(rest)
        others.update({f"documents.{k}": v for k, v in doc_rest.items()})
        return first_applicant or first_form or first_document, others

    def clear_errors(self) -> None:
        self.errors.clear()
        self.applicant.fields.clear_errors()
        self.documents.clear_errors()

    def has_errors(self) -> bool:
        return self.errors.has_errors() or self.applicant.fields.errors.has_errors()

    def _error_cleared(self) -> None:
        if not self.has_errors():
            self.errors_cleared.emit()

    def error_text(self, name: str) -> str:
        """The red message shown for ``name`` ("applicant.phone", "debit.bank_code",
        "documents.0.number_last_digits" …); "" when none."""
        if name.startswith("applicant."):
            return self.applicant.fields.errors.message(name.removeprefix("applicant."))
        if name.startswith("documents."):
            _, index, field_name = name.split(".", 2)
            return self.documents.rows[int(index)].error_text(field_name)
        return self.errors.message(name)
