"""振込の取込と消込: 取込… (ImportStatementDialog), then every open statement line as the matcher
proposes it (matching.proposals) in three groups, 一致 / 要確認 / 不明, with their counts in the
group tabs. A 一致 row is checked; a 要確認 or 不明 row gets its customer (one of the candidates
or a search) and invoices in the panel beside the list (この内容で消し込む checks it). 消込を確定
applies every checked row in one call of matching.confirm_matches; 対象外… sets lines aside with
a reason (matching.ignore_lines). Refreshed on Changes.PAYMENTS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reseller_desk.domain.payer_match import MatchGroup
from reseller_desk.services.payments.matching import (
    ConfirmResult,
    LineProposal,
    confirm_matches,
    ignore_lines,
    proposals,
)
from reseller_desk.services.payments.queries import CustomerChoice, CustomerOpen, customer_open
from reseller_desk.ui.context import AppContext
from reseller_desk.ui.operations import Changes
from reseller_desk.ui.payments.customer_picker import CustomerPicker
from reseller_desk.ui.payments.import_dialog import ImportStatementDialog
from reseller_desk.ui.payments.kept import show_kept
from reseller_desk.ui.payments.models import OPEN_INVOICE_COLUMNS, OpenInvoiceModel
from reseller_desk.ui.payments.statement_models import PROPOSAL_COLUMNS, Choice, ProposalModel
from reseller_desk.ui.tables import list_table
from reseller_desk.ui.widgets import ConfirmFunction, ask_confirmation, error_label, format_date, muted_label

GROUPS = (MatchGroup.MATCHED, MatchGroup.CHECK, MatchGroup.UNKNOWN)
#: (parent, title, label) -> the text typed, None when cancelled.
AskNoteFunction = Callable[[QWidget, str, str], str | None]


def ask_note(parent: QWidget, title: str, label: str) -> str | None:
    text, ok = QInputDialog.getMultiLineText(parent, title, label)
    return text if ok else None


class StatementsTab(QWidget):
    #: A dialog of the tab was opened (for tests).
    dialog_opened = Signal(object)
    #: The proposals were read again (after an import, a confirmation, a refresh).
    reloaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.confirm: ConfirmFunction = ask_confirmation(self)
        self.ask_note: AskNoteFunction = ask_note
        self.dialogs: list[QWidget] = []
        self.account: CustomerOpen | None = None
        self.models = {g: ProposalModel(g, self) for g in GROUPS}
        self.tables: dict[MatchGroup, QTableView] = {}
        self.groups = QTabWidget()
        self.groups.setObjectName("matchGroups")
        for group in GROUPS:
            table = list_table(self.models[group], PROPOSAL_COLUMNS, f"proposals_{group.value}", self)
            table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
            table.selectionModel().selectionChanged.connect(lambda *_: self._line_selected())
            self.models[group].dataChanged.connect(lambda *_: self._update_counts())
            self.tables[group] = table
            self.groups.addTab(table, group.label)
        self.groups.currentChanged.connect(lambda _i: self._line_selected())

        self.import_button = QPushButton("取込…")
        self.import_button.setObjectName("importStatements")
        self.import_button.setToolTip("銀行の入金明細（全銀協フォーマットまたはCSV）を取り込む")
        self.import_button.clicked.connect(self.open_import)
        self.reload_button = QPushButton("再読込")
        self.reload_button.clicked.connect(self.refresh)
        self.count_label = QLabel()
        self.count_label.setObjectName("openLineCount")

        # the panel: whom the selected line is applied to
        self.line_label = QLabel()
        self.line_label.setObjectName("selectedLine")
        self.line_label.setWordWrap(True)
        self.line_label.setMinimumHeight(self.fontMetrics().height() * 2 + 8)   # the line and why it is not 一致
        self.picker = CustomerPicker(ctx, self, rows=4)
        self.picker.chosen.connect(self._customer_chosen)
        self.invoices = OpenInvoiceModel(self)
        self.invoice_table = list_table(self.invoices, OPEN_INVOICE_COLUMNS, "lineInvoices", self)
        self.invoice_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.apply_choice_button = QPushButton("この内容で消し込む")
        self.apply_choice_button.setObjectName("applyChoice")
        self.apply_choice_button.setToolTip("選んだ顧客と請求書を明細に設定し、チェックを付ける")
        self.apply_choice_button.clicked.connect(self.apply_choice)
        panel = QGroupBox("顧客と請求書")
        panel_layout = QVBoxLayout(panel)
        panel_layout.addWidget(self.line_label)
        panel_layout.addWidget(self.picker)
        panel_layout.addWidget(muted_label("消し込む請求書にチェック（なし: 支払期日の古い順）"))
        panel_layout.addWidget(self.invoice_table, 1)
        panel_layout.addWidget(self.apply_choice_button)

        self.confirm_button = QPushButton("消込を確定")
        self.confirm_button.setObjectName("confirmMatches")
        self.confirm_button.clicked.connect(self.confirm_checked)
        widest = "消込を確定（9,999件 ¥999,999,999）"   # the text changes as rows are checked
        self.confirm_button.setMinimumWidth(self.fontMetrics().horizontalAdvance(widest) + 24)
        self.ignore_button = QPushButton("対象外…")
        self.ignore_button.setObjectName("ignoreLines")
        self.ignore_button.setToolTip("選択した明細を顧客の入金ではないもの（利息、返金など）として外す")
        self.ignore_button.clicked.connect(self.ignore_selected)
        self.result_label = error_label()
        self.result_label.setObjectName("matchResult")

        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.reload_button)
        top.addStretch(1)
        top.addWidget(self.count_label)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.groups)
        splitter.addWidget(panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 520])
        bottom = QHBoxLayout()
        bottom.addWidget(self.confirm_button)
        bottom.addWidget(self.ignore_button)
        bottom.addWidget(self.result_label, 1)
        bottom.addStretch(0)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(muted_label("一致はチェック済みです。要確認・不明の行は右で顧客と請求書を選んでください。"
                                     "チェックした行を「消込を確定」でまとめて消し込みます。"))
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        ctx.changes.changed.connect(lambda what: self.refresh() if what in (Changes.PAYMENTS, Changes.CUSTOMERS)
                                    else None)
        self._line_selected()
        self.refresh()

    # -- reading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        db = self.ctx.db
        self.ctx.ops.run(lambda: proposals(db), success=self._loaded, parent=self)

    def _loaded(self, found: list[LineProposal]) -> None:
        for group in GROUPS:
            self.models[group].set_records(p for p in found if p.group is group)
        self._update_counts()
        self._line_selected()
        self.reloaded.emit()

    def _update_counts(self) -> None:
        total = 0
        for position, group in enumerate(GROUPS):
            count = len(self.models[group].records)
            total += count
            self.groups.setTabText(position, f"{group.label}（{count:,}）")
        checked = self.confirmations()
        amount = sum(self._proposal(c.line_id).amount for c in checked)
        self.count_label.setText(f"未処理の明細 {total:,}件")
        self.confirm_button.setText(f"消込を確定（{len(checked):,}件 ¥{amount:,}）" if checked else "消込を確定")
        self.confirm_button.setEnabled(bool(checked))

    def _proposal(self, line_id: int) -> LineProposal:
        for model in self.models.values():
            row = model.row_of(line_id)
            if row is not None:
                return model.records[row]
        raise KeyError(line_id)

    def confirmations(self) -> list[Any]:
        return [c for g in GROUPS for c in self.models[g].confirmations()]

    def current_group(self) -> MatchGroup:
        return GROUPS[self.groups.currentIndex()]

    def selected_lines(self) -> list[LineProposal]:
        group = self.current_group()
        rows = sorted({i.row() for i in self.tables[group].selectionModel().selectedRows()})
        return [p for p in (self.models[group].record(r) for r in rows) if p is not None]

    # -- the panel ---------------------------------------------------------------------------------
    def _line_selected(self) -> None:
        lines = self.selected_lines()
        self.ignore_button.setEnabled(bool(lines))
        line = lines[0] if len(lines) == 1 else None
        self.picker.setEnabled(line is not None)
        self.apply_choice_button.setEnabled(False)
        self.account = None
        self.invoices.set_records([])
        if line is None:
            self.line_label.setText("明細を1行選ぶと、消し込む顧客と請求書を選べます。" if not lines
                                    else f"{len(lines):,}行を選択中")
            self.picker.show_choices([], "")
            return
        reason = f"\n{line.reason}" if line.reason else ""
        self.line_label.setText(f"{format_date(line.value_date)}　{line.payer_name}　¥{line.amount:,}{reason}")
        choice = self.models[self.current_group()].choices.get(line.line_id)
        candidates = [CustomerChoice(i, name, "", "") for i, name in line.candidates]
        self.picker.show_choices(candidates, "候補の顧客です。ほかの顧客は検索してください。" if candidates
                                 else "候補がありません。顧客を検索してください。",
                                 select_id=choice.customer_id if choice else None)
        if choice is not None and self.picker.customer_id != choice.customer_id:
            self._customer_chosen(choice.customer_id)

    def _customer_chosen(self, customer_id: int | None) -> None:
        self.account = None
        self.invoices.set_records([])
        self.apply_choice_button.setEnabled(False)
        if customer_id is None:
            return
        db = self.ctx.db
        self.ctx.ops.run(lambda: customer_open(db, customer_id), success=self._account_read, parent=self)

    def _account_read(self, account: CustomerOpen | None) -> None:
        self.account = account
        lines = self.selected_lines()
        if account is None or len(lines) != 1:
            return
        choice = self.models[self.current_group()].choices.get(lines[0].line_id)
        checked = choice.invoice_ids or () if choice and choice.customer_id == account.customer_id else ()
        self.invoices.set_records(account.invoices, checked)
        self.apply_choice_button.setEnabled(True)

    def apply_choice(self) -> None:
        """The customer and invoices in the panel become the selected line's, and it is checked."""
        lines = self.selected_lines()
        if self.account is None or len(lines) != 1:
            return
        chosen = self.invoices.chosen()
        numbers = {i.invoice_id: i.number for i in self.invoices.records}
        choice = Choice(self.account.customer_id, self.account.name, tuple(chosen) or None,
                        tuple(numbers[i] for i in chosen))
        self.models[self.current_group()].choose(lines[0].line_id, choice)
        self.result_label.setVisible(False)

    # -- actions -----------------------------------------------------------------------------------
    def open_import(self) -> ImportStatementDialog:
        return show_kept(ImportStatementDialog(self.ctx, self.window()), self.dialogs, self.dialog_opened)

    def confirm_checked(self) -> None:
        checked = self.confirmations()
        if not checked:
            return
        amount = sum(self._proposal(c.line_id).amount for c in checked)
        if not self.confirm("消込を確定", f"チェックした明細 {len(checked):,}件（¥{amount:,}）を消し込みます。"):
            return
        db, actor = self.ctx.db, self.ctx.actor

        def done(result: ConfirmResult) -> None:
            learned = f" 振込依頼人名を {result.names_learned:,}件登録しました。" if result.names_learned else ""
            credit = f" 過入金 ¥{result.credit:,}。" if result.credit else ""
            text = f"{result.confirmed:,}件を消し込みました（請求書へ ¥{result.applied:,}）。{credit}{learned}"
            self.ctx.ops.message.emit(text)
            self._result(text, error=False)

        self.ctx.ops.run(lambda: confirm_matches(db, actor, checked), success=done,
                         invalid=lambda e: self._result(str(e)), failure=lambda e: self._result(str(e)),
                         changes=Changes.PAYMENTS, parent=self)

    def ignore_selected(self) -> None:
        lines = self.selected_lines()
        if not lines:
            return
        note = self.ask_note(self, "対象外",
                             f"{len(lines):,}行を対象外にします。理由を入力してください（例: 利息、返金）。")
        if note is None:
            return
        db, actor, ids = self.ctx.db, self.ctx.actor, [p.line_id for p in lines]
        self.ctx.ops.run(lambda: ignore_lines(db, actor, ids, note),
                         success=lambda n: self._result(f"{n:,}行を対象外にしました。", error=False),
                         invalid=lambda e: self._result(" ".join(e.errors.values()) or str(e)),
                         failure=lambda e: self._result(str(e)), changes=Changes.PAYMENTS, parent=self)

    def _result(self, text: str, *, error: bool = True) -> None:
        self.result_label.setStyleSheet("color: #c62828;" if error else "color: #2e7d32;")
        self.result_label.setText(text)
        self.result_label.setVisible(True)
