"""The 請求 section: the 請求書 list (ui.invoice.model: the ids of the filter in SQL, the rows a page
at a time) with its search fields — 対象月, 種別, 状態, 発行日 from–to, 金額 min–max and 顧客, alone
or combined (電子帳簿保存法's date, amount and counterparty) — and the actions of the month:
月次請求… (ui.invoice.run_dialog), 月の請求書をPDF保存… (ui.invoice.month_pdfs), CSV保存… of what
the list shows, and 開く (Enter / double-click) for the invoice's window with its preview. The
tab 請求履歴 lists the billing runs (ui.invoice.run_history).

Every read runs off the UI thread through Operations; a refused filter (from after to, min above
max, a negative amount) is shown beside its field and the list keeps what it showed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reseller_desk import clock
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.services.billing import invoices as invoice_service
from reseller_desk.services.billing.invoices import InvoiceFilter
from reseller_desk.services.errors import ServiceError, ValidationFailed
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.customer_page import debounced_search
from reseller_desk.ui.invoice.model import COLUMNS, INVOICE_ID_ROLE, InvoiceQuery, InvoiceTableModel, Loaded
from reseller_desk.ui.invoice.month_pdfs import MonthPdfDialog
from reseller_desk.ui.invoice.opening import open_invoice_window
from reseller_desk.ui.invoice.run_dialog import MonthlyRunDialog, offered_months
from reseller_desk.ui.invoice.run_history import RunHistoryPanel
from reseller_desk.ui.invoice.usage_import import UsageImportDialog
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.tables import SelectableList, list_table
from reseller_desk.ui.widgets import (
    FieldErrors,
    SavePathFunction,
    documents_folder,
    error_label,
    save_path_asker,
    to_qdate,
)

SEARCH_PLACEHOLDER = "顧客の名称・フリガナ、カスタマID、請求書番号で検索"
#: A date field left at this day means "no bound" (shown as 指定なし).
NO_DATE = QDate(1999, 12, 31)
KINDS = (("すべて", None), *((kind.label, kind.value) for kind in InvoiceKind))
STATUS_CHOICES = (("すべて", None), *((label, key) for key, label in invoice_service.STATUSES.items()))
(LIST_TAB, HISTORY_TAB) = range(2)


def optional_date_edit(name: str) -> QDateEdit:
    """A date field that may be left empty (指定なし)."""
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setMaximumDate(QDate(2099, 12, 31))
    edit.setSpecialValueText("指定なし")
    edit.setDate(NO_DATE)
    edit.setMinimumWidth(120)
    return edit


def date_of(edit: QDateEdit) -> dt.date | None:
    value = edit.date()
    return None if value == NO_DATE else dt.date(value.year(), value.month(), value.day())


def set_date(edit: QDateEdit, day: dt.date | None) -> None:
    edit.setDate(to_qdate(day) if day else NO_DATE)


def month_of(box: QComboBox) -> dt.date | None:
    """The month a month chooser holds (as ISO text: QComboBox.findData cannot match a date)."""
    data = box.currentData()
    return dt.date.fromisoformat(data) if data else None


def amount_of(text: str) -> int | None | str:
    """The yen typed ("5,000", "５０００"), None when empty, the text itself when it is no number
    (the page refuses it beside the field)."""
    import unicodedata

    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace("円", "").replace("¥", "").strip()
    if not cleaned:
        return None
    try:
        return int(cleaned)
    except ValueError:
        return text


class InvoicePage(QWidget):
    title = "請求"

    #: An invoice window was opened (the window itself), for tests and the main window.
    window_opened = Signal(object)
    #: A dialog of the page was opened (月次請求, 月のPDF), for tests.
    dialog_opened = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = InvoiceTableModel(ctx.db, load=False, parent=self)
        self._pending: tuple[InvoiceQuery, bool] | None = None
        self._order_stale = True
        self.ask_csv_path: SavePathFunction = save_path_asker("CSV (*.csv)")
        self.dialogs: list[QWidget] = []

        self.search, self._search_timer = debounced_search(
            self, "invoiceSearch", SEARCH_PLACEHOLDER,
            "半角・全角、ひらがな・カタカナ、ハイフンの有無は区別しません。スペースで区切るとすべてを含む請求書を探します。",
            self.apply_filters, 300)
        self.search.move_down.connect(lambda: self.selection.enter())
        self.month = QComboBox()
        self.month.setObjectName("invoiceMonth")
        self.month.addItem("すべて", None)
        for month in offered_months(clock.today()):
            self.month.addItem(f"{month:%Y-%m}", month.isoformat())  # findData() cannot match a date
        self.kind = QComboBox()
        self.kind.setObjectName("invoiceKind")
        self.status = QComboBox()
        self.status.setObjectName("invoiceStatus")
        for box, choices in ((self.kind, KINDS), (self.status, STATUS_CHOICES)):
            for label, data in choices:
                box.addItem(label, data)
        self.issued_from = optional_date_edit("issuedFrom")
        self.issued_to = optional_date_edit("issuedTo")
        self.min_total = QLineEdit()
        self.min_total.setObjectName("minTotal")
        self.max_total = QLineEdit()
        self.max_total.setObjectName("maxTotal")
        for edit in (self.min_total, self.max_total):
            edit.setPlaceholderText("円")
            edit.setMaximumWidth(110)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setToolTip("返還請求書は返還額（マイナスを除いた額）で比べます")
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(400)
        self._typing.timeout.connect(self.apply_filters)
        for box in (self.month, self.kind, self.status):
            box.currentIndexChanged.connect(lambda _i: self.apply_filters())
        for edit in (self.issued_from, self.issued_to):
            edit.dateChanged.connect(lambda _d: self._typing.start())
        for line in (self.min_total, self.max_total):
            line.textChanged.connect(lambda _t: self._typing.start())

        self.errors = FieldErrors()
        error_labels = {name: self.errors.add(name, widget) for name, widget in (
            ("customer", self.search), ("month", self.month), ("kind", self.kind), ("status", self.status),
            ("issued_from", self.issued_from), ("issued_to", self.issued_to), ("min_total", self.min_total),
            ("max_total", self.max_total))}

        self.count_label = QLabel()
        self.count_label.setObjectName("invoiceCount")
        self.clear_button = QPushButton("条件をクリア")
        self.clear_button.clicked.connect(self.clear_filters)
        self.open_button = QPushButton("開く")
        self.open_button.setObjectName("openInvoice")
        self.open_button.setToolTip("選択した請求書を開く（Enter / ダブルクリック）: プレビュー・印刷・PDF保存")
        self.open_button.clicked.connect(lambda: self.open_selected())
        self.run_button = QPushButton("月次請求…")
        self.run_button.setObjectName("monthlyRun")
        self.run_button.setToolTip("利用月を選んで、その月の請求書を発行します")
        self.run_button.clicked.connect(self.open_monthly_run)
        self.usage_button = QPushButton("通話料の取込…")
        self.usage_button.setObjectName("usageImport")
        self.usage_button.setToolTip("上位事業者の通話明細（CSV）をその月の請求に取り込みます")
        self.usage_button.clicked.connect(lambda: self.open_usage_import())
        self.month_pdf_button = QPushButton("月の請求書をPDF保存…")
        self.month_pdf_button.setObjectName("monthPdfs")
        self.month_pdf_button.clicked.connect(self.open_month_pdfs)
        self.csv_button = QPushButton("CSV保存…")
        self.csv_button.setObjectName("invoiceCsv")
        self.csv_button.setToolTip("表示中の条件の請求書をCSV（Excelで開けるUTF-8）で保存します")
        self.csv_button.clicked.connect(self.export_csv)

        self.table = list_table(self.model, COLUMNS, "invoiceTable", self)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        header.sectionClicked.connect(self._header_clicked)
        self.selection = SelectableList(self.table, INVOICE_ID_ROLE, self.model.row_of, self._update_buttons)
        self.open_selected = self.selection.opening_with(self.open_invoice)
        self.model.total_changed.connect(lambda total: self.count_label.setText(f"{total:,}件"))
        self.message = error_label()
        self.message.setObjectName("invoiceMessage")

        filters = QGridLayout()
        filters.addWidget(self.search, 0, 0, 1, 4)
        filters.addWidget(error_labels["customer"], 1, 0, 1, 4)
        for column, (label, widget, name) in enumerate((("対象月", self.month, "month"), ("種別", self.kind, "kind"),
                                                        ("状態", self.status, "status")), start=2):
            filters.addWidget(QLabel(label), 0, 2 * column, Qt.AlignmentFlag.AlignRight)
            filters.addWidget(widget, 0, 2 * column + 1)
            filters.addWidget(error_labels[name], 1, 2 * column + 1)
        filters.addWidget(self.count_label, 0, 10)
        second = QHBoxLayout()
        for widget in (QLabel("発行日"), self.issued_from, QLabel("〜"), self.issued_to, QLabel("　金額"),
                       self.min_total, QLabel("〜"), self.max_total, QLabel("円"), self.clear_button):
            second.addWidget(widget)
        second.addStretch(1)
        for widget in (self.csv_button, self.month_pdf_button, self.usage_button, self.run_button, self.open_button):
            second.addWidget(widget)
        second_errors = QHBoxLayout()
        for name in ("issued_from", "issued_to", "min_total", "max_total"):
            second_errors.addWidget(error_labels[name])
        second_errors.addStretch(1)

        list_tab = QWidget()
        list_layout = QVBoxLayout(list_tab)
        list_layout.addLayout(filters)
        list_layout.addLayout(second)
        list_layout.addLayout(second_errors)
        list_layout.addWidget(self.message)
        list_layout.addWidget(self.table, 1)
        self.history = RunHistoryPanel(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(list_tab, "請求書")
        self.tabs.addTab(self.history, "請求履歴")
        self.tabs.currentChanged.connect(lambda index: self.history.refresh() if index == HISTORY_TAB else None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        ctx.changes.changed.connect(self._data_changed)
        self._update_buttons()
        self.refresh()

    # -- the filter ----------------------------------------------------------------------
    def current_filter(self) -> InvoiceFilter | dict[str, str]:
        """The filter the fields say, or the fields that are no filter at all (field -> message)."""
        amounts = {name: amount_of(edit.text()) for name, edit in (("min_total", self.min_total),
                                                                   ("max_total", self.max_total))}
        bad = {name: "金額は円の整数で入力してください（例: 5,000）。" for name, value in amounts.items()
               if isinstance(value, str)}
        if bad:
            return bad
        kind = self.kind.currentData()
        return InvoiceFilter(month=month_of(self.month), kind=InvoiceKind(kind) if kind else None,
                             status=self.status.currentData(), issued_from=date_of(self.issued_from),
                             issued_to=date_of(self.issued_to), min_total=amounts["min_total"],  # type: ignore[arg-type]
                             max_total=amounts["max_total"], customer=self.search.text())  # type: ignore[arg-type]

    def set_filter(self, flt: InvoiceFilter) -> None:
        """Put ``flt`` in the fields (and read the list once)."""
        for box in (self.month, self.kind, self.status, self.issued_from, self.issued_to, self.min_total,
                    self.max_total, self.search):
            box.blockSignals(True)
        self.month.setCurrentIndex(max(0, self.month.findData(flt.month.isoformat() if flt.month else None)))
        self.kind.setCurrentIndex(max(0, self.kind.findData(flt.kind)))
        self.status.setCurrentIndex(max(0, self.status.findData(flt.status)))
        set_date(self.issued_from, flt.issued_from)
        set_date(self.issued_to, flt.issued_to)
        self.min_total.setText("" if flt.min_total is None else str(flt.min_total))
        self.max_total.setText("" if flt.max_total is None else str(flt.max_total))
        self.search.setText(flt.customer)
        for box in (self.month, self.kind, self.status, self.issued_from, self.issued_to, self.min_total,
                    self.max_total, self.search):
            box.blockSignals(False)
        self.apply_filters()

    def clear_filters(self) -> None:
        self.set_filter(InvoiceFilter())

    def apply_filters(self, *, reread: bool = False) -> None:
        self._search_timer.stop()
        self._typing.stop()
        flt = self.current_filter()
        if isinstance(flt, dict):
            self.errors.show(flt)
            return
        self.load(self.model.with_filter(flt), reread=reread)

    def refresh(self) -> None:
        """F5 / invoices issued: read the list again (off the UI thread), same filter and order."""
        self._order_stale = True
        self.apply_filters()

    def load(self, query: InvoiceQuery, *, reread: bool = False) -> None:
        """Read ``query`` off the UI thread; the order too when asked or when the invoices changed
        since it was read (until a read of it is shown, every read reads it)."""
        reread = reread or self._order_stale
        self._pending = (query, reread)
        model = self.model
        self.ctx.ops.run(lambda: model.load(query, reread=reread),
                         success=lambda loaded: self._loaded(loaded, reread), invalid=self._refused, parent=self)

    def _loaded(self, loaded: Loaded, reread: bool = False) -> None:
        if (loaded[0], reread) != self._pending:  # a newer filter is on its way
            return
        if reread:
            self._order_stale = False
        self.errors.clear()
        self.message.setVisible(False)
        self.model.show(loaded)
        header = self.table.horizontalHeader()
        header.blockSignals(True)
        header.setSortIndicator(self.model.sort_column(), Qt.SortOrder.DescendingOrder if loaded[0].descending
                                else Qt.SortOrder.AscendingOrder)
        header.blockSignals(False)

    def _refused(self, error: ValidationFailed) -> None:
        self.errors.show(error.errors)

    def _header_clicked(self, column: int) -> None:
        query = self.model.query
        same = self.model.sort_column() == column
        order = Qt.SortOrder.DescendingOrder if same and not query.descending else Qt.SortOrder.AscendingOrder
        sorted_query = self.model.sort_query(column, order)
        if sorted_query is None:
            self.load(query)  # the indicator goes back where the order is
            self.ctx.ops.message.emit("この列では並べ替えできません。")
            return
        self.load(sorted_query)

    def _data_changed(self, what: str) -> None:
        if what in (Changes.INVOICES, Changes.CUSTOMERS):
            self.refresh()

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selection.selected_id() is not None)

    # -- windows and dialogs -------------------------------------------------------------
    def open_invoice(self, invoice_id: int) -> None:
        open_invoice_window(self.ctx, invoice_id, self, self.window_opened.emit)

    def _keep(self, dialog: QWidget) -> QWidget:
        self.dialogs.append(dialog)
        dialog.finished.connect(lambda _r, d=dialog: self._forget(d))
        self.dialog_opened.emit(dialog)
        return dialog

    def _forget(self, dialog: QWidget) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)
        self.ctx.ops.delete_when_idle(dialog)

    def open_monthly_run(self) -> MonthlyRunDialog:
        dialog = MonthlyRunDialog(self.ctx, self.window())
        dialog.finished_run.connect(lambda summary: self._show_month(summary.billing_month))
        self._keep(dialog)
        dialog.open()
        return dialog

    def _show_month(self, month: dt.date) -> None:
        """After a run: the list shows that month's invoices (the run's change notice has the
        order read again)."""
        self.set_filter(InvoiceFilter(month=month))

    def open_usage_import(self) -> UsageImportDialog:
        dialog = UsageImportDialog(self.ctx, self.window())
        self._keep(dialog)
        dialog.open()
        return dialog

    def open_month_pdfs(self) -> MonthPdfDialog:
        dialog = MonthPdfDialog(self.ctx, self.window(), month=month_of(self.month))
        self._keep(dialog)
        dialog.open()
        return dialog

    def export_csv(self) -> None:
        """CSV保存…: the invoices of the current filter (all of them, not only the rows painted)."""
        flt = self.model.query.filter
        month = f"_{flt.month:%Y%m}" if flt.month else ""
        suggested = str(documents_folder() / f"請求書一覧{month}_{clock.today():%Y%m%d}.csv")
        path = self.ask_csv_path(self, "請求書の一覧をCSVで保存", suggested)
        if not path:
            return
        if not path.lower().endswith(".csv"):
            path += ".csv"
        db = self.ctx.db

        def write() -> int:
            try:
                with open(path, "w", encoding="utf-8-sig", newline="") as out:  # BOM: Excel reads it as UTF-8
                    return invoice_service.write_invoices_csv(db, flt, out)
            except OSError as error:
                raise ServiceError(f"CSVを保存できませんでした（{path}）: {error.strerror or error}") from error

        def saved(count: int) -> None:
            self.ctx.ops.message.emit(f"請求書 {count:,}件を {Path(path).name} に保存しました。")

        self.ctx.ops.run(write, success=saved, failure=lambda e: self._show_message(str(e)), parent=self)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)

