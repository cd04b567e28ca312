"""The 決定 tab: 承諾… / 不承諾… (a manager's), the applicant's 取下げ, what was decided (the
contract and its dates), and the postal identity check (本人確認郵便, SH §14.2(7)).

Whether a button can succeed is asked of the domain and of the service's answers, never
worked out here: 承諾… is enabled only when the service lists no approval blockers (they are
its tooltip), 不承諾… only when domain.application.refusal_ground_problem finds a 該当 line, 取下げ
only while the application is open, and each identity-letter step by
domain.application.letter_step_problem. A button that cannot succeed says why in its tooltip.

Words: 取下げ is the applicant withdrawing before the decision; 承諾取消 / 取消 is the
acceptance revoked after the fact. No label, button or message uses one for the other.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reseller_desk.domain.application import (
    ApplicationStatus,
    IdentityLetter,
    IdentityLetterResult,
    letter_step_problem,
    refusal_ground_problem,
)
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.services.applications import ApplicationDetail
from reseller_desk.services.permissions import Actor, Role
from reseller_desk.ui.application.checklist import checklist_lines
from reseller_desk.ui.application.decision_dialogs import WAITING_FOR_OPENING
from reseller_desk.ui.widgets import (
    ERROR_COLOR,
    MUTED_COLOR,
    date_edit,
    error_label,
    form_layout,
    format_date_long,
    group,
    month_text,
    muted_label,
    to_date,
)

CLERK_DECISION_HINT = "承諾・不承諾は管理者だけが行えます。"
NOT_OPEN_HINT = "この申込は決定済みのため、取り下げられません。"

RESULT_ROWS = (("status", "状態"), ("decided_on", "決定日"), ("decided_by", "決定者"), ("customer_code", "カスタマID"),
               ("formed_on", "契約成立日"), ("first_billable_month", "課金開始月"), ("opened_on", "開通日"),
               ("contract_status", "契約の状態"), ("decision_note", "社内メモ"), ("withdrawn_on", "取下げ日"),
               ("revoked_on", "承諾取消日"), ("withdrawal_requested", "取下げの申し出"))


def refusal_problem(detail: ApplicationDetail) -> str | None:
    """Why 不承諾 cannot be chosen yet, as the domain says it (None: it can); the internal note
    it also needs is asked in the dialog."""
    return refusal_ground_problem(checklist_lines(detail.checklist))


class DecisionPanel(QWidget):
    approve_requested = Signal()
    refuse_requested = Signal()
    withdraw_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        box, layout = group("決定")
        buttons = QHBoxLayout()
        self.approve_button = QPushButton("承諾…")
        self.approve_button.setObjectName("approveButton")
        self.approve_button.clicked.connect(self.approve_requested.emit)
        self.refuse_button = QPushButton("不承諾…")
        self.refuse_button.setObjectName("refuseButton")
        self.refuse_button.clicked.connect(self.refuse_requested.emit)
        self.withdraw_button = QPushButton("取下げ（申込者からの申し出）")
        self.withdraw_button.setObjectName("withdrawButton")
        self.withdraw_button.clicked.connect(self.withdraw_requested.emit)
        for button in (self.approve_button, self.refuse_button):
            button.setMinimumWidth(110)
            buttons.addWidget(button)
        buttons.addSpacing(24)
        buttons.addWidget(self.withdraw_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.role_hint = muted_label()
        self.role_hint.setObjectName("roleHint")
        layout.addWidget(self.role_hint)
        self.result_form = form_layout()
        self.result_rows: dict[str, QLabel] = {}
        for key, title in RESULT_ROWS:
            value = QLabel()
            value.setObjectName(f"result_{key}")
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.result_rows[key] = value
            self.result_form.addRow(title, value)
        self.result_rows["customer_code"].setStyleSheet("font-size: 13pt; font-weight: bold;")
        layout.addLayout(self.result_form)
        self.decision_blockers = QLabel()
        self.decision_blockers.setObjectName("decisionBlockers")
        self.decision_blockers.setWordWrap(True)
        layout.addWidget(self.decision_blockers)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)

    def show_detail(self, detail: ApplicationDetail, actor: Actor) -> None:
        is_open = ApplicationStatus(detail.status).is_open
        manager = actor.role == Role.MANAGER
        for button in (self.approve_button, self.refuse_button, self.withdraw_button):
            button.setVisible(is_open)  # decided: the result below is what matters
        approve_problem = CLERK_DECISION_HINT if not manager else "\n".join(detail.approval_blockers) or None
        refuse_problem = CLERK_DECISION_HINT if not manager else refusal_problem(detail)
        self._enable(self.approve_button, approve_problem if is_open else "")
        self._enable(self.refuse_button, refuse_problem if is_open else "")
        self._enable(self.withdraw_button, None if is_open else NOT_OPEN_HINT)
        if is_open and self.withdraw_button.isEnabled():
            self.withdraw_button.setToolTip("申込者から申込を取り下げたいと申し出があったとき")
        if not manager and is_open:
            self.role_hint.setText(f"{CLERK_DECISION_HINT}（{actor.name}さんは{actor.role.label}です）")
        elif not detail.may_withdraw and is_open:
            self.role_hint.setText("この約款では、申込者は申込を取り下げられません。取下げの申し出は記録だけされ、審査は続きます。")
        else:
            self.role_hint.setText("")
        self.role_hint.setVisible(bool(self.role_hint.text()))
        self._show_result(detail)
        if is_open and detail.approval_blockers:
            self.decision_blockers.setText("<b>承諾できない理由</b><br>" + "<br>".join(
                f"<span style='color:{ERROR_COLOR}'>・{escape(b)}</span>" for b in detail.approval_blockers))
            self.decision_blockers.setVisible(True)
        else:
            self.decision_blockers.setVisible(False)

    @staticmethod
    def _enable(button: QPushButton, problem: str | None) -> None:
        button.setEnabled(problem is None)
        button.setToolTip(problem or "")

    def _show_result(self, detail: ApplicationDetail) -> None:
        contract = detail.contract
        status = ApplicationStatus(detail.status)

        def with_note(value: str, note: str) -> str:
            return f"<b>{escape(value)}</b><br><span style='color:{MUTED_COLOR}'>{escape(note)}</span>"

        values = {"status": detail.status_label, "decided_on": format_date_long(detail.decided_on),
                  "decided_by": detail.decided_by_name, "decision_note": detail.decision_note}
        if contract is not None:
            month = month_text(contract.first_billable_month) if contract.first_billable_month else WAITING_FOR_OPENING
            values.update(customer_code=contract.customer_code,
                          formed_on=with_note(format_date_long(contract.formed_on), contract.formation_label),
                          first_billable_month=with_note(month, contract.first_billable_note),
                          opened_on=format_date_long(contract.opened_on) if contract.opened_on else "",
                          contract_status=ContractStatus(contract.status).label)
        if detail.cancelled_on and status is ApplicationStatus.WITHDRAWN:
            values["withdrawn_on"] = f"{format_date_long(detail.cancelled_on)}（申込者からの申し出）"
        if detail.cancelled_on and status is ApplicationStatus.REVOKED:
            values["revoked_on"] = f"{format_date_long(detail.cancelled_on)}（本人確認ができなかったため）"
        if detail.withdrawal_requested_on:
            values["withdrawal_requested"] = (f"{format_date_long(detail.withdrawal_requested_on)}に申し出あり"
                                              "（約款により取り下げられず、審査を続けます）")
        for key, label in self.result_rows.items():
            text = values.get(key, "")
            label.setTextFormat(Qt.TextFormat.RichText if text.startswith("<b>") else Qt.TextFormat.PlainText)
            label.setText(text)
            self.result_form.setRowVisible(label, bool(text))


LETTER_STEPS = ((IdentityLetterResult.SENT, "発送を記録", "letterSent"),
                (IdentityLetterResult.CONFIRMED, "到達（本人確認済）", "letterConfirmed"),
                (IdentityLetterResult.FAILED, "不達（本人確認不可）", "letterFailed"))


class IdentityLetterPanel(QWidget):
    """本人確認郵便: where the letter stands and the next step, each button enabled by the
    domain's letter_step_problem (its reason as tooltip)."""

    #: (IdentityLetterResult value, the date) of the step to record.
    step_requested = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box, layout = group("本人確認郵便（郵送による本人確認）")
        self.box.setObjectName("identityLetter")
        self.letter_status = QLabel()
        self.letter_status.setObjectName("letterStatus")
        self.letter_status.setWordWrap(True)
        layout.addWidget(self.letter_status)
        row = QHBoxLayout()
        row.addWidget(QLabel("日付"))
        self.letter_date = date_edit()
        self.letter_date.setObjectName("letterDate")
        row.addWidget(self.letter_date)
        self.buttons: dict[IdentityLetterResult, QPushButton] = {}
        for step, text, name in LETTER_STEPS:
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(lambda _c=False, s=step: self.step_requested.emit(s.value,
                                                                                    to_date(self.letter_date)))
            self.buttons[step] = button
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.letter_error = error_label()
        layout.addWidget(self.letter_error)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.box)

    @property
    def sent_button(self) -> QPushButton:
        return self.buttons[IdentityLetterResult.SENT]

    @property
    def confirmed_button(self) -> QPushButton:
        return self.buttons[IdentityLetterResult.CONFIRMED]

    @property
    def failed_button(self) -> QPushButton:
        return self.buttons[IdentityLetterResult.FAILED]

    def show_detail(self, detail: ApplicationDetail) -> None:
        self.setVisible(detail.postal_identity_check)
        if not detail.postal_identity_check:
            return
        result = IdentityLetterResult(detail.identity_letter_status)
        parts = [f"状態: <b>{escape(result.label)}</b>"]
        if detail.identity_letter_sent_on:
            parts.append(f"発送日 {format_date_long(detail.identity_letter_sent_on)}")
        if detail.identity_letter_result_on:
            parts.append(f"結果 {format_date_long(detail.identity_letter_result_on)}")
        self.letter_status.setText("　".join(parts))
        letter = IdentityLetter(result, detail.identity_letter_sent_on, detail.identity_letter_result_on)
        usable = False
        for step, button in self.buttons.items():
            problem = letter_step_problem(ApplicationStatus(detail.status), letter, step)
            button.setEnabled(problem is None)
            button.setToolTip(problem or "")
            usable = usable or problem is None
        self.letter_date.setEnabled(usable)
