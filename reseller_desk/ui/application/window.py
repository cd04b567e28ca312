"""One application (申込) in its own window, also used for 新規受付: a header (number, status,
what is missing), a banner for what just happened, four tabs (申込内容, 審査, 決定, 通知書) and
the routing of every service call through the operations wrapper (off the UI thread).

The window keeps itself current: a change of settings (plans, staff) reloads the choices of
the form; a change of applications made elsewhere reloads the application and refreshes what
is shown, the form too unless the clerk has typed into it (then a banner says so, and saving
is refused by the service as a concurrent edit rather than overwriting the other change); a
change of customer records (Changes.INCIDENTS) tells the screening tab that 照合をやり直す
would read them. A banner that no longer describes the application's status is taken down.

Every change passes the version of what the window shows: a save or an action on a stale view
(another desk changed the application since) is refused by the service, naming who changed it
and when, with 「最新の内容を読み込む」 (ui.stale_edit): a refused save of 申込内容 reloads the form
too; a refused screening answer, decision or step reloads what is shown and keeps what is
typed on 申込内容 (with the banner that says it is not saved).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain.application import (
    ApplicationStatus,
    IdentityLetterResult,
    ScreeningAnswer,
    revokes_acceptance,
)
from reseller_desk.services import applications as application_service
from reseller_desk.services.applications import ApplicationDetail, ContractPreview, WithdrawalResult
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.ui.application.decision_dialogs import WAITING_FOR_OPENING, ApproveDialog, RefuseDialog
from reseller_desk.ui.application.decision_panel import DecisionPanel, IdentityLetterPanel
from reseller_desk.ui.application.header import ApplicationHeader, Banner
from reseller_desk.ui.application.intake_form import Catalog, IntakeForm, load_catalog
from reseller_desk.ui.application.notices_panel import NoticesPanel
from reseller_desk.ui.application.screening_panel import ScreeningPanel
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.widgets import (
    APP_STYLE,
    ConfirmFunction,
    ask_confirmation,
    error_label,
    fit_on_screen,
    format_date_long,
    month_text,
    muted_label,
)

#: The default size: fits a 1366×768 laptop with its taskbar, 閉じる/保存 in view.
DEFAULT_SIZE = (1180, 680)
REVOCATION_CONFIRM = "本人確認ができなかったため承諾を取り消し、契約取消通知書を発行します。よろしいですか？"
CHANGED_ELSEWHERE = ("この申込は別の画面で更新されました。上の状態と審査・決定は最新です。申込内容の入力中の変更は"
                     "まだ保存されていません（保存すると、先に更新された内容との競合として止まります）。")
(INTAKE_TAB, SCREENING_TAB, DECISION_TAB, NOTICES_TAB) = range(4)


class ApplicationDialog(QDialog):
    """新規受付 (``detail`` None) or one application. Emits :attr:`changed` with every new
    :class:`ApplicationDetail` (saved, screened, decided …)."""

    changed = Signal(object)
    #: A dialog of this window (承諾… / 不承諾…) was opened: tests and the page reach it.
    dialog_opened = Signal(object)

    def __init__(self, ctx: AppContext, detail: ApplicationDetail | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.detail: ApplicationDetail | None = None
        self.confirm: ConfirmFunction = ask_confirmation(self)
        self.sub_dialogs: list[QDialog] = []
        self._own_operations = 0
        self._refresh_pending = False
        self._form_version: int | None = None
        self.setObjectName("applicationDialog")
        self.setStyleSheet(APP_STYLE)
        self.setWindowFlag(Qt.WindowType.WindowMinMaxButtonsHint, True)
        self.setModal(False)
        self._build()
        ctx.changes.changed.connect(self._data_changed)
        self.load_catalog()
        if detail is None:
            self.intake.new_defaults()
            self.set_detail_view(None)
        else:
            self.set_detail(detail)
        fit_on_screen(self, *DEFAULT_SIZE)

    # == building ======================================================================
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        self.header = ApplicationHeader()
        self.number_label = self.header.number_label
        self.status_label = self.header.status_label
        self.info_label = self.header.info_label
        outer.addWidget(self.header)
        self.banner = Banner()
        self.banner_label = self.banner.label
        outer.addWidget(self.banner)

        self.summary = error_label()
        self.summary.setObjectName("summary")
        outer.addWidget(self.summary)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("applicationTabs")
        self.intake = IntakeForm(self.ctx)
        self.intake.errors_cleared.connect(lambda: self.summary.setVisible(False))
        self.intake_tab = QScrollArea()
        self.intake_tab.setWidgetResizable(True)
        self.intake_tab.setFrameShape(QFrame.Shape.NoFrame)
        self.intake_tab.setWidget(self.intake)
        self.screening = ScreeningPanel()
        self.screening.start_requested.connect(self.start_screening)
        self.screening.model.answer_requested.connect(self.answer)
        self.screening_tab = self.screening
        self.decision = DecisionPanel()
        self.decision.approve_requested.connect(self.approve)
        self.decision.refuse_requested.connect(self.refuse)
        self.decision.withdraw_requested.connect(self.withdraw)
        self.letter = IdentityLetterPanel()
        self.letter.step_requested.connect(self.record_identity_letter)
        self.decision_tab = QWidget()
        decision_layout = QVBoxLayout(self.decision_tab)
        decision_layout.addWidget(self.decision)
        decision_layout.addWidget(self.letter)
        decision_layout.addStretch(1)
        self.notices = NoticesPanel(self.ctx)
        self.notices.failed.connect(lambda _title, message: self.show_failure(message))
        self.notices_tab = self.notices
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
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        self.tabs.currentChanged.connect(lambda _i: self._update_footer())

    # == the service calls of this window ================================================
    def _op(self, call: Callable[[], Any], **options: Any) -> None:
        """ctx.ops.run for this window: while its own operations run, change notifications
        are this window's own doing and wait until they are done."""
        done = options.pop("done", None)
        self._own_operations += 1

        def finished() -> None:
            self._own_operations -= 1
            if done is not None:
                done()
            if not self._own_operations and self._refresh_pending:
                self._refresh_pending = False
                self.refresh()

        self.ctx.ops.run(call, done=finished, parent=self, **options)

    def load_catalog(self) -> None:
        db = self.ctx.db
        self._op(lambda: load_catalog(db), success=self._catalog_loaded)

    def _catalog_loaded(self, catalog: Catalog) -> None:
        self.intake.set_catalog(catalog)
        self._update_footer()

    def refresh(self) -> None:
        """Re-read the application (changed elsewhere): see the module docstring."""
        if self.detail is None:
            return
        db, application_id = self.ctx.db, self.detail.id
        self._op(lambda: application_service.get_application(db, application_id), success=self._refreshed)

    def _refreshed(self, new: ApplicationDetail, *, form: bool = False) -> None:
        if self.detail is None or new.id != self.detail.id or (new.row_version == self.detail.row_version
                                                              and not form):
            return
        keep_typing = not form and self.intake.is_dirty() and ApplicationStatus(new.status).is_open
        self.set_detail(new, form=not keep_typing)
        if keep_typing:
            self.show_banner(CHANGED_ELSEWHERE, warning=True)
        elif self.banner_label.text() == CHANGED_ELSEWHERE:
            self.banner.take_down()  # the form shows what is stored: nothing typed is waiting

    def reload(self, *, form: bool = False) -> None:
        """「最新の内容を読み込む」 after a stale save or action: the application as stored is
        shown; ``form`` True (a refused save of 申込内容) puts it in the form as well, else what
        is typed there is kept (the banner says so)."""
        if self.detail is None:
            return
        db, application_id = self.ctx.db, self.detail.id
        self.summary.setVisible(False)
        self._op(lambda: application_service.get_application(db, application_id),
                 success=lambda new: self._refreshed(new, form=form))

    def _data_changed(self, what: str) -> None:
        if what == Changes.SETTINGS:
            self.load_catalog()
        elif what == Changes.INCIDENTS:
            detail = self.detail
            screening = detail is not None and bool(detail.checklist) and ApplicationStatus(detail.status).is_open
            self.screening.show_incidents_hint(screening)
        elif what == Changes.APPLICATIONS and self.detail is not None:
            if self._own_operations:
                self._refresh_pending = True
            else:
                self.refresh()

    # == showing =========================================================================
    def set_detail(self, detail: ApplicationDetail, *, form: bool = True) -> None:
        """Show ``detail``; ``form`` False keeps what is typed on 申込内容 (after a screening
        answer, say) unless the application was decided meanwhile."""
        self.detail = detail
        is_open = ApplicationStatus(detail.status).is_open
        if form or not is_open:
            self.intake.fill(detail.input, detail.applicant.name, read_only=not is_open)
            self._form_version = detail.row_version
        self.set_detail_view(detail)

    def set_detail_view(self, detail: ApplicationDetail | None) -> None:
        for index in (SCREENING_TAB, DECISION_TAB, NOTICES_TAB):
            self.tabs.setTabEnabled(index, detail is not None)
        if detail is None:
            self.setWindowTitle("申込の新規受付")
            self.header.show_new()
            self._update_footer()
            return
        self.banner.follow(detail.status)  # a banner about an earlier status goes
        self.setWindowTitle(f"申込 {detail.number} — {detail.applicant.name}")
        self.header.show_detail(detail)
        self.screening.show_detail(detail)
        self.decision.show_detail(detail, self.ctx.actor)
        self.letter.show_detail(detail)
        self.notices.show_notices(detail.notices)
        self.tabs.setTabText(NOTICES_TAB, f"通知書（{len(detail.notices)}）" if detail.notices else "通知書")
        self._update_footer()

    def _update_footer(self) -> None:
        editable = self.detail is None or ApplicationStatus(self.detail.status).is_open
        on_intake = self.tabs.currentWidget() is self.intake_tab
        self.save_button.setVisible(editable and on_intake)
        self.save_button.setEnabled(self.intake.catalog is not None)
        if self.detail is not None and not editable:
            self.footer_note.setText(f"この申込は「{self.detail.status_label}」のため、申込内容は変更できません。")
        else:
            self.footer_note.setText("※は必須項目です。" if on_intake else "")

    def show_banner(self, text: str, warning: bool = False) -> None:
        self.banner.put_up(text, status=self.detail.status if self.detail is not None else None, warning=warning)

    def show_failure(self, message: str) -> None:
        """A refusal, said once: in the window's summary line (no message box on top)."""
        self.summary.setText(message)
        self.summary.setVisible(True)

    # == 申込内容 =========================================================================
    def application_input(self) -> application_service.ApplicationInput:
        return self.intake.application_input()

    def save(self) -> None:
        decided = self.detail is not None and not ApplicationStatus(self.detail.status).is_open
        if self.intake.catalog is None or decided or not self.save_button.isEnabled():
            return
        inp = self.intake.application_input()
        ctx, detail = self.ctx, self.detail
        if detail is None:
            def call() -> ApplicationDetail:
                return application_service.create_application(ctx.db, ctx.actor, inp)
            status = "申込を受け付けました。"
        else:
            application_id, version = detail.id, self._form_version

            def call() -> ApplicationDetail:
                return application_service.update_application(ctx.db, ctx.actor, application_id, inp,
                                                              expected_version=version)
            status = f"申込 {detail.number} の変更を保存しました。"
        self.save_button.setEnabled(False)
        self._op(call, success=self._saved, invalid=self._invalid, failure=lambda e: self.show_failure(str(e)),
                 reload=lambda: self.reload(form=True), done=lambda: self.save_button.setEnabled(True),
                 changes=Changes.APPLICATIONS, status=status)

    def _saved(self, detail: ApplicationDetail) -> None:
        new = self.detail is None
        self.clear_errors()
        self.set_detail(detail)
        missing = f"不足書類: {'・'.join(detail.missing_documents)}" if detail.missing_documents else ""
        done = "を受け付けました" if new else "の変更を保存しました"
        self.show_banner(f"申込 {detail.number} {done}（状態: {detail.status_label}）。{missing}")
        self.changed.emit(detail)

    def show_errors(self, errors: dict[str, str], summary: str | None = None) -> None:
        first, others = self.intake.show_errors(errors)
        lines = [summary or str(ValidationFailed(errors)), *others.values()]
        self.summary.setText("\n".join(lines))
        self.summary.setVisible(bool(errors))
        if errors:
            self.tabs.setCurrentWidget(self.intake_tab)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.intake_tab.ensureWidgetVisible(first)

    def clear_errors(self) -> None:
        self.intake.clear_errors()
        self.summary.clear()
        self.summary.setVisible(False)

    def error_text(self, name: str) -> str:
        return self.intake.error_text(name)

    def _invalid(self, error: ValidationFailed) -> None:
        self.show_errors(error.errors, str(error))

    # == screening, decision, identity letter ============================================
    def _run(self, call: Callable[[], ApplicationDetail], *, status: str | None = None,
             changes: str | tuple[str, ...] = Changes.APPLICATIONS,
             success: Callable[[ApplicationDetail], None] | None = None) -> None:
        """A change to this application; the new detail is shown (the form is left as typed)."""
        def shown(detail: ApplicationDetail) -> None:
            self.summary.setVisible(False)
            self.set_detail(detail, form=False)
            self._form_version = detail.row_version  # this window's own change
            self.changed.emit(detail)
            if success is not None:
                success(detail)

        self._op(call, success=shown, failure=lambda e: self.show_failure(str(e)),
                 invalid=lambda e: self.show_failure(str(e)), reload=self.reload, changes=changes, status=status)

    def start_screening(self) -> None:
        if self.detail is None:
            return
        ctx, application_id, version = self.ctx, self.detail.id, self.detail.row_version
        self.screening.show_incidents_hint(False)
        self._run(lambda: application_service.start_screening(ctx.db, ctx.actor, application_id,
                                                              expected_version=version),
                  status=f"申込 {self.detail.number} の審査項目を照合しました。",
                  success=lambda _d: self.tabs.setCurrentWidget(self.screening_tab))

    def answer(self, code: str, answer: str, note: str | None = None) -> None:
        """A person's answer to one line (問題なし / 該当 / 未確認), with its note."""
        if self.detail is None:
            return
        if note is None:
            item = self.screening.model.item(code)
            note = item.note if item is not None else ""
        ctx, application_id, text, version = self.ctx, self.detail.id, note, self.detail.row_version
        label = ScreeningAnswer(answer).label
        self._run(lambda: application_service.answer_screening_item(ctx.db, ctx.actor, application_id, code, answer,
                                                                    text, expected_version=version),
                  status=f"審査項目({code})を「{label}」にしました。")

    def approve(self) -> None:
        """承諾…: the service previews the contract dates, then the dialog asks for them."""
        if self.detail is None:
            return
        db, application_id, today = self.ctx.db, self.detail.id, clock.today()
        self._op(lambda: application_service.preview_contract(db, application_id, decided_on=today),
                 success=self._open_approve)

    def _open_approve(self, preview: ContractPreview) -> ApproveDialog | None:
        if self.detail is None:
            return None
        dialog = ApproveDialog(self.ctx, self.detail, preview, self)
        dialog.approved.connect(self._approved)
        dialog.reload_requested.connect(self.reload)
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
        dialog.reload_requested.connect(self.reload)
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
        detail = self.detail
        if detail is None:
            return
        if detail.may_withdraw:
            text = f"申込 {detail.number} を、申込者からの申し出により取り下げます。よろしいですか？"
        else:
            text = (f"申込 {detail.number} について、申込者からの取下げの申し出を記録します。"
                    "この約款では申込は取り下げられないため、審査は続きます。")
        if not self.confirm("申込の取下げ", text):
            return
        ctx, application_id, version = self.ctx, detail.id, detail.row_version
        self._op(lambda: application_service.withdraw_application(ctx.db, ctx.actor, application_id,
                                                                  expected_version=version),
                 success=self._withdrawn, failure=lambda e: self.show_failure(str(e)), reload=self.reload,
                 changes=Changes.APPLICATIONS)

    def _withdrawn(self, result: WithdrawalResult) -> None:
        self.set_detail(result.detail, form=False)
        self._form_version = result.detail.row_version
        self.changed.emit(result.detail)
        if result.withdrawn:
            message = f"申込 {result.detail.number} を取り下げました（申込者からの申し出）。"
        else:
            message = (f"{result.detail.profile_name}の約款では、申込者は申込を取り下げられません。"
                       "取下げの申し出として記録しました。審査は続きます。")
        self.show_banner(message, warning=not result.withdrawn)
        self.ctx.ops.message.emit(message)

    def record_identity_letter(self, status: str, on: dt.date | None = None) -> None:
        detail = self.detail
        if detail is None:
            return
        day = on or clock.today()
        step = IdentityLetterResult(status)
        revokes = revokes_acceptance(ApplicationStatus(detail.status), step)
        if revokes and not self.confirm("本人確認不可の記録", REVOCATION_CONFIRM):
            return
        ctx, application_id, version = self.ctx, detail.id, detail.row_version

        def recorded(new: ApplicationDetail) -> None:
            if revokes and new.status == ApplicationStatus.REVOKED:
                notice = new.notices[-1].number if new.notices else ""
                self.show_banner(f"本人確認ができなかったため承諾を取り消しました（状態: {new.status_label}）。"
                                 f"契約取消通知書 {notice} を発行しました。", warning=True)

        self._run(lambda: application_service.record_identity_letter(ctx.db, ctx.actor, application_id, status,
                                                                     expected_version=version, on=day),
                  status=f"本人確認郵便: {step.label}を記録しました。",
                  changes=(Changes.APPLICATIONS, Changes.CUSTOMERS) if revokes else Changes.APPLICATIONS,
                  success=recorded)

    # == Qt events =======================================================================
    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        self.screening.row_timer.start()  # once the columns have their widths

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        for dialog in list(self.sub_dialogs):
            dialog.close()
        super().closeEvent(event)

    def reject(self) -> None:
        for dialog in list(self.sub_dialogs):
            dialog.close()
        super().reject()
