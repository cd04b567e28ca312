"""請求: the direct-debit collection day (SC §10.1), the invoice's issue day (SC §10.2) and the tax
category of the 契約解除料 (terms-rules.md §4), with a line saying which issue and due dates
these settings give for last month's invoices (services.billing_settings.billing_dates: no date
arithmetic here). The choices offered are the bounds of the terms profiles, read with the
settings. The settings share the company row's version with 会社情報: a save over a change made
since is refused naming who, with 「最新の内容を読み込む」 (ui.stale_edit). The row at the bottom is
holds 「請求書の改ざん検査」: the hash chain of every stored invoice checked off the UI thread
(services.billing.verify, 電子帳簿保存法), naming the first invoice that does not match."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reseller_desk.domain.charges import TaxCategory
from reseller_desk.services import billing_settings as service
from reseller_desk.services.billing import verify
from reseller_desk.services.billing.verify import ChainReport
from reseller_desk.services.billing_settings import BillingDates, BillingSettings
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes, Progress
from reseller_desk.ui.settings.tab import SettingsTab
from reseller_desk.ui.widgets import (
    ERROR_COLOR,
    FieldErrors,
    field_cell,
    form_layout,
    format_date_long,
    month_text,
    muted_label,
    select_data,
)

COLLECTION_TIP = ("SC §10.1: 口座振替日は翌月25日から月末日までの、事務所が定める日です。"
                  "金融機関の休業日は翌営業日に振り替えます（年をまたぐこともあります）。")
ISSUE_TIP = ("SC §10.2: 利用月の請求書は翌月15日までに発行します。"
             "指定日が休業日のときは翌営業日、ただし15日を過ぎることはありません。")
TAX_TIP = ("契約解除料（SH §18）は、契約を早期に終える補償として不課税とする判断です（terms-rules §4）。"
           "税理士の判断が異なる場合はここで変えます。新しく記録する解除料から適用します。")
INTEREST_TIP = ("遅延損害金（SC §14 年14.6%、SH §30 年14.5%）は延滞した請求書が支払われたときに計上します。"
                "ここにチェックすると、毎月末にもそれまでの分を計上し、次回の請求書に載せます（売掛金の画面から実行）。")
FIRST_BUSINESS_DAY = "初日の営業日"
#: The issue-day choice standing for no day (the first company business day of M+1).
NO_DAY = 0


class BillingTab(SettingsTab):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.errors = FieldErrors()
        self.dirty = False
        self.loaded: BillingSettings | None = None
        #: The version of the settings shown, which a save passes back.
        self.version = service.DEFAULTS.version
        self.collection_day = QComboBox()
        self.collection_day.setObjectName("collection_day")
        self.collection_day.setToolTip(COLLECTION_TIP)
        self.invoice_issue_day = QComboBox()
        self.invoice_issue_day.setObjectName("invoice_issue_day")
        self.invoice_issue_day.setToolTip(ISSUE_TIP)
        self.early_termination_tax = QComboBox()
        self.early_termination_tax.setObjectName("early_termination_tax")
        self.early_termination_tax.setToolTip(TAX_TIP)
        for category in TaxCategory:
            self.early_termination_tax.addItem(category.label, category)
        self.interest_at_month_end = QCheckBox("遅延損害金を月末にも計上する")
        self.interest_at_month_end.setObjectName("interest_at_month_end")
        self.interest_at_month_end.setToolTip(INTEREST_TIP)
        self.interest_at_month_end.toggled.connect(lambda _on: self._edited(0))
        form = form_layout()
        for name, title, box in (("collection_day", "口座振替日", self.collection_day),
                                 ("invoice_issue_day", "請求書発行日", self.invoice_issue_day),
                                 ("early_termination_tax", "契約解除料の税区分", self.early_termination_tax)):
            box.setMinimumWidth(180)
            box.currentIndexChanged.connect(self._edited)
            form.addRow(title, field_cell(box, labels=[self.errors.add(name, box)], left=True))
        form.addRow("遅延損害金", field_cell(self.interest_at_month_end,
                                          labels=[self.errors.add("interest_at_month_end", self.interest_at_month_end)],
                                          left=True))
        self.preview = QLabel()
        self.preview.setObjectName("billingDates")
        self.preview.setWordWrap(True)
        form.addRow("先月分の日付", self.preview)

        self.save_button = QPushButton("保存")
        self.save_button.setObjectName("saveBilling")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("元に戻す")
        self.revert_button.clicked.connect(self.load)
        buttons = QHBoxLayout()
        buttons.addWidget(muted_label("口座振替日と発行日は、これから発行する請求書に使います。"), 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        #: The tab's actions: 「請求書の改ざん検査」.
        self.action_row = QHBoxLayout()
        self.action_row.setObjectName("billingActions")
        self.verify_button = QPushButton("請求書の改ざん検査…")
        self.verify_button.setObjectName("verifyChain")
        self.verify_button.setToolTip("発行済みの請求書すべてのハッシュの連鎖を確かめ、内容が変えられた最初の請求書を示します"
                                      "（電子帳簿保存法）。何も書き換えません。")
        self.verify_button.clicked.connect(lambda: self.verify_chain())
        self.verify_result = QLabel()
        self.verify_result.setObjectName("verifyResult")
        self.verify_result.setWordWrap(True)
        self.action_row.addWidget(self.verify_button)
        self.action_row.addWidget(self.verify_result, 1)
        layout = QVBoxLayout(self)
        fields = QWidget()
        fields.setLayout(form)
        fields.setMaximumWidth(760)
        layout.addWidget(fields)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(self.action_row)

    def set_editable(self, editable: bool) -> None:
        """As every tab, and the fields keep the clause they apply as their tooltip when editable."""
        super().set_editable(editable)
        if editable:
            for box, tip in ((self.collection_day, COLLECTION_TIP), (self.invoice_issue_day, ISSUE_TIP),
                             (self.early_termination_tax, TAX_TIP)):
                box.setToolTip(tip)

    def changing_widgets(self) -> Iterable[QWidget]:
        return (self.collection_day, self.invoice_issue_day, self.early_termination_tax, self.interest_at_month_end,
                self.save_button, self.revert_button)

    # -- reading ------------------------------------------------------------------------------
    def load(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: (service.billing_settings(db), service.collection_day_range(),
                                  service.invoice_issue_day_max()),
                         success=self._loaded, failure=self.refused, parent=self)

    def reload_if_clean(self) -> None:
        if not self.dirty:
            self.load()

    def _loaded(self, result: tuple[BillingSettings, tuple[int, int], int]) -> None:
        settings, (low, high), latest = result
        self._fill(self.collection_day, [(f"{day}日" if day < 31 else "31日（月末日）", day)
                                         for day in range(low, high + 1)])
        self._fill(self.invoice_issue_day, [(FIRST_BUSINESS_DAY, NO_DAY)] +
                   [(f"毎月{day}日", day) for day in range(1, latest + 1)])
        self.set_settings(settings)

    @staticmethod
    def _fill(box: QComboBox, items: list[tuple[str, int]]) -> None:
        box.blockSignals(True)
        box.clear()
        for text, value in items:
            box.addItem(text, value)
        box.blockSignals(False)

    def set_settings(self, settings: BillingSettings) -> None:
        for box, value in ((self.collection_day, settings.collection_day),
                           (self.invoice_issue_day, settings.invoice_issue_day or NO_DAY)):
            box.blockSignals(True)
            if not select_data(box, value):  # a stored day the profiles no longer allow: shown as it is
                box.addItem(f"{value}日", value)
                select_data(box, value)
            box.blockSignals(False)
        self.early_termination_tax.blockSignals(True)
        select_data(self.early_termination_tax, settings.early_termination_tax)
        self.early_termination_tax.blockSignals(False)
        self.interest_at_month_end.blockSignals(True)
        self.interest_at_month_end.setChecked(settings.interest_at_month_end)
        self.interest_at_month_end.blockSignals(False)
        self.loaded = settings
        self.version = settings.version
        self.errors.clear()
        self.dirty = False
        self.update_preview()

    def _edited(self, _index: int) -> None:
        self.dirty = True
        self.update_preview()

    # -- the dates they give ------------------------------------------------------------------
    def issue_day(self) -> int | None:
        """The issue day chosen; None for 初日の営業日."""
        day = self.invoice_issue_day.currentData()
        return None if day in (None, NO_DAY) else int(day)

    def update_preview(self) -> None:
        db, day, issue = self.ctx.db, self.collection_day.currentData(), self.issue_day()
        if day is None:
            self.preview.setText("")
            return
        self.ctx.ops.run(lambda: service.billing_dates(db, collection_day=day, invoice_issue_day=issue),
                         success=self._show_dates, invalid=lambda _e: self.preview.setText(""),
                         failure=lambda _e: self.preview.setText(""), parent=self)

    def _show_dates(self, dates: list[BillingDates]) -> None:
        lines = [f"{month_text(dates[0].month)}分の請求書"] if dates else []
        for d in dates:
            lines += [d.profile_name, f"　発行日 {format_date_long(d.issue_date)}"
                                      f"／口座振替 {format_date_long(d.debit_date)}"
                                      f"／振込期限 {format_date_long(d.transfer_due_date)}"]
        self.preview.setText("\n".join(lines))

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        ctx, version = self.ctx, self.version
        day, issue = self.collection_day.currentData(), self.issue_day()
        tax = self.early_termination_tax.currentData()
        month_end = self.interest_at_month_end.isChecked()
        self.set_status("")
        ctx.ops.run(lambda: service.save_billing_settings(ctx.db, ctx.actor, collection_day=day,
                                                          invoice_issue_day=issue, early_termination_tax=tax,
                                                          expected_version=version,
                                                          interest_at_month_end=month_end),
                    success=self._saved, invalid=self._invalid, failure=self.refused, reload=self.load,
                    changes=Changes.SETTINGS, status="請求の設定を保存しました。", parent=self)

    def _saved(self, settings: BillingSettings) -> None:
        self.set_settings(settings)
        self.set_status("請求の設定を保存しました。")

    def _invalid(self, error: ValidationFailed) -> None:
        first, others = self.errors.show(error.errors)
        self.set_status("\n".join([str(error), *others.values()]), error=True)
        if first is not None:
            first.setFocus()

    # -- 請求書の改ざん検査 ----------------------------------------------------------------------
    def verify_chain(self) -> None:
        db = self.ctx.db
        self.verify_button.setEnabled(False)

        def work(progress: Progress) -> ChainReport:
            def report(done: int, total: int) -> None:
                progress.report(done, total, f"請求書を検査しています… {done:,} / {total:,}")

            return verify.verify_chain(db, progress=report, cancelled=lambda: progress.cancelled)

        def shown(report: ChainReport) -> None:
            self.verify_result.setText(verify.report_text(report))
            self.verify_result.setStyleSheet("" if report.fault is None else f"color: {ERROR_COLOR};")

        self.ctx.ops.run(work, progress="請求書のハッシュの連鎖を検査しています…", success=shown,
                         failure=lambda e: self.verify_result.setText(str(e)),
                         done=lambda: self.verify_button.setEnabled(True), parent=self)
