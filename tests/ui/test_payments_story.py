"""Money in through the 入金 screen (issue 12 "Done when": a GUI test imports a transfer statement
and confirms its matches): a 全銀協 振込入金通知 and a bank CSV imported from 取込…, the three
groups 一致 / 要確認 / 不明, the customer of a 不明 row picked by a search, one 消込を確定, the
invoices settled and the lines gone; a line set aside as 対象外; then a payment entered by hand
(an error beside its field first) and reversed with a reason."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.db.models import Payment
from reseller_desk.domain.payer_match import MatchGroup
from reseller_desk.domain.payments import PaymentKind, ReceiptMethod
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services.payments.balances import balances
from reseller_desk.services.payments.matching import proposals
from reseller_desk.ui.payments.entry_dialog import RecordPaymentDialog, ReversePaymentDialog
from reseller_desk.ui.payments.import_dialog import ImportStatementDialog
from reseller_desk.ui.payments.page import STATEMENTS_TAB, PaymentsPage
from tests.services.builders import MIRAI, YAMADA
from tests.services.payment_builders import a_customer, an_invoice
from tests.services.statement_builders import Row, a_mapping, sbi_csv, zengin01

from .helpers import type_text

TODAY = dt.date(2026, 12, 28)
PAID_ON = dt.date(2026, 12, 25)
DUE = dt.date(2026, 12, 27)
SHOTS = Path("/tmp/lead/shots12")


def _shot(widget, artifacts: Path, name: str) -> None:
    widget.grab().save(str(artifacts / f"{name}.png"))
    if SHOTS.is_dir():
        widget.grab().save(str(SHOTS / f"{name}.png"))


def _states(db, *invoice_ids: int) -> list[tuple[InvoiceState, int]]:
    with db.transaction() as session:
        found = balances(session, invoice_ids=invoice_ids)
    return [(found[i].state, found[i].owed) for i in invoice_ids]


def _import(tab, qtbot, path: Path, bank: str | None = None) -> None:
    opened = []
    tab.dialog_opened.connect(opened.append)
    tab.import_button.click()
    dialog = opened[-1]
    assert isinstance(dialog, ImportStatementDialog)
    if bank is not None:
        dialog.bank.setCurrentIndex(dialog.bank.findData(bank))
    dialog.ask_file = lambda _parent: str(path)
    dialog.choose_button.click()
    assert dialog.preview is not None and dialog.preview.ok, dialog.problems.text()
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    assert not dialog.isVisible()


def _refused_preview(tab, tmp_path: Path, artifacts: Path) -> None:
    """A CSV with a bad date: the problem beside its row, 取り込む disabled, nothing imported."""
    bad = tmp_path / "bad.csv"
    bad.write_bytes('"日付","内容","出金金額(円)","入金金額(円)","残高(円)","メモ"\r\n'
                    '"2026/12/25","振込＊ﾔﾏﾀﾞ ﾀﾛｳ",,"3,300","1,000,000","-"\r\n'
                    '"12月25日","振込＊ｽｽﾞｷ ﾊﾅｺ",,"1,100","1,001,100","-"\r\n'.encode("cp932"))
    opened = []
    tab.dialog_opened.connect(opened.append)
    tab.import_button.click()
    dialog = opened[-1]
    dialog.bank.setCurrentIndex(dialog.bank.findData("住信SBI"))
    dialog.ask_file = lambda _parent: str(bad)
    dialog.choose_button.click()
    assert [(line.row_no, line.problems) for line in dialog.model.records] == [
        (2, ()), (3, ("日付「12月25日」が 2026/01/09 の形ではありません。",))]
    assert not dialog.import_button.isEnabled() and "問題のある行が 1件" in dialog.problems.text()
    _shot(dialog, artifacts, "payui_import_problems")
    dialog.reject()
    assert proposals(tab.ctx.db) == []


def _select(table, row: int) -> None:
    table.selectRow(row)


def test_a_statement_is_imported_matched_and_confirmed_then_a_payment_is_entered_and_reversed(
        ctx, qtbot, db, manager, artifacts, tmp_path, shown):
    mirai = a_customer(db, manager)
    hikari = a_customer(db, manager, dataclasses.replace(MIRAI, name="株式会社ひかり商事", name_kana="ヒカリショウジ",
                                                         phone="03-1111-2222", corporate_number=""))
    yamada = a_customer(db, manager, YAMADA)
    inv_mirai, total_mirai = an_invoice(db, mirai, before_tax=10_000, due=DUE)
    inv_hikari, total_hikari = an_invoice(db, hikari, before_tax=5_000, due=DUE, customer_code="C0000002")
    inv_yamada, total_yamada = an_invoice(db, yamada, before_tax=3_000, due=DUE, customer_code="C0000003")
    assert (total_mirai, total_hikari, total_yamada) == (11_000, 5_500, 3_300)
    zengin = tmp_path / "furikomi.dat"
    zengin.write_bytes(zengin01([Row(PAID_ON, 11_000, "ｶ)ﾐﾗｲｼﾖｳｼﾞ"),     # 一致
                                 Row(PAID_ON, 5_060, "ｶ)ﾋｶﾘｼﾖｳｼﾞ"),      # 要確認: ¥440 fee deducted
                                 Row(PAID_ON, 3_300, "ﾀﾅｶ ﾊﾅｺ")]))       # 不明: a parent pays for 山田
    a_mapping(db, manager)
    csv = tmp_path / "sbi.csv"
    csv.write_bytes(sbi_csv([Row(PAID_ON, 12, "ﾘｿｸ")]))                  # bank interest: 対象外

    with clock.frozen(TODAY):
        page = PaymentsPage(ctx)
        qtbot.addWidget(page)
        page.resize(1240, 640)
        page.show()
        qtbot.waitExposed(page)
        page.tabs.setCurrentIndex(STATEMENTS_TAB)
        tab = page.statements_tab
        _refused_preview(tab, tmp_path, artifacts)
        _import(tab, qtbot, zengin)
        _import(tab, qtbot, csv, bank="住信SBI")
        _import(tab, qtbot, zengin)                              # again: nothing new
        assert "すべて取込済み" in " ".join(shown.texts()) or len(proposals(db)) == 4

        matched, check, unknown = (tab.models[g] for g in (MatchGroup.MATCHED, MatchGroup.CHECK, MatchGroup.UNKNOWN))
        assert [p.payer_name for p in matched.records] == ["ｶ)ﾐﾗｲｼﾖｳｼﾞ"]
        assert [p.payer_name for p in check.records] == ["ｶ)ﾋｶﾘｼﾖｳｼﾞ"]
        assert sorted(p.payer_name for p in unknown.records) == ["ﾀﾅｶ ﾊﾅｺ", "ﾘｿｸ"]
        assert [tab.groups.tabText(i) for i in range(3)] == ["一致（1）", "要確認（1）", "不明（2）"]
        assert matched.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
        assert check.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
        assert tab.confirm_button.text() == "消込を確定（1件 ¥11,000）"
        _shot(page, artifacts, "payui_groups")

        # 要確認: the one candidate is proposed; the clerk settles the invoice short (the fee).
        tab.groups.setCurrentIndex(1)
        _select(tab.tables[MatchGroup.CHECK], 0)
        assert tab.picker.hits.count() == 1 and tab.picker.customer_id == hikari
        assert [i.invoice_id for i in tab.invoices.records] == [inv_hikari]
        tab.apply_choice_button.click()
        assert check.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked

        # 不明: no candidate; the clerk searches 山田 and ticks the invoice.
        tab.groups.setCurrentIndex(2)
        row = next(i for i, p in enumerate(unknown.records) if p.payer_name == "ﾀﾅｶ ﾊﾅｺ")
        _select(tab.tables[MatchGroup.UNKNOWN], row)
        assert tab.picker.hits.count() == 0 and not tab.apply_choice_button.isEnabled()
        type_text(qtbot, tab.picker.search, "山田")
        qtbot.keyClick(tab.picker.search, Qt.Key.Key_Return)
        assert tab.picker.hits.count() == 1
        tab.picker.choose_row(0)
        assert [i.number for i in tab.invoices.records] and tab.invoices.records[0].invoice_id == inv_yamada
        tab.invoices.setData(tab.invoices.index(0, 0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
        tab.apply_choice_button.click()
        assert unknown.display(unknown.records[row], unknown.columns[3]) == "山田 太郎"
        _shot(page, artifacts, "payui_pick_unknown")

        asked = []
        tab.confirm = lambda title, text: asked.append(text) or True
        assert tab.confirm_button.text() == "消込を確定（3件 ¥19,360）"
        tab.confirm_button.click()
        assert asked and "3件" in asked[0]
        assert "3件を消し込みました" in tab.result_label.text()
        assert _states(db, inv_mirai, inv_hikari, inv_yamada) == [
            (InvoiceState.PAID, 0), (InvoiceState.SHORT, 440), (InvoiceState.PAID, 0)]
        # the lines are gone from the open list; the interest line is left
        assert [p.payer_name for p in proposals(db)] == ["ﾘｿｸ"]
        assert [tab.groups.tabText(i) for i in range(3)] == ["一致（0）", "要確認（0）", "不明（1）"]

        # 対象外: the bank's interest, with a reason
        _select(tab.tables[MatchGroup.UNKNOWN], 0)
        tab.ask_note = lambda _parent, _title, _label: "普通預金の利息"
        tab.ignore_button.click()
        assert proposals(db) == [] and "対象外にしました" in tab.result_label.text()

        # the payer name of the 不明 row was learned: the list shows it
        page.tabs.setCurrentIndex(2)
        payers = page.payers_tab
        type_text(qtbot, payers.picker.search, "山田")
        qtbot.keyClick(payers.picker.search, Qt.Key.Key_Return)
        payers.picker.choose_row(0)
        assert [(r.name, r.learned) for r in payers.model.records] == [("ﾀﾅｶ ﾊﾅｺ", True)]
        type_text(qtbot, payers.name, "やまだはなこ")
        payers.add_button.click()
        assert [r.name for r in payers.model.records] == ["ﾀﾅｶ ﾊﾅｺ", "ﾔﾏﾀﾞﾊﾅｺ"]
        _shot(page, artifacts, "payui_payer_names")
        page.tabs.setCurrentIndex(3)
        assert [page.banks_tab.banks.item(i).text() for i in range(page.banks_tab.banks.count())] == [
            "（新しい銀行）", "住信SBI"]
        page.banks_tab.banks.setCurrentRow(1)
        assert (page.banks_tab.amount_column.value(), page.banks_tab.payer_column.value()) == (4, 2)
        _shot(page, artifacts, "payui_bank_csv")

        # 入金一覧: the three receipts, newest first; a payment entered by hand for the short one.
        page.tabs.setCurrentIndex(0)
        listing = page.list_tab
        assert listing.model.rowCount() == 3
        assert listing.model.index(0, 4).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
        opened = []
        listing.dialog_opened.connect(opened.append)
        listing.record_button.click()
        dialog = opened[-1]
        assert isinstance(dialog, RecordPaymentDialog)
        dialog.ok_button.click()                                   # no customer yet
        assert dialog.errors.message("customer") == "入金した顧客を検索して選んでください。"
        type_text(qtbot, dialog.picker.search, "ひかり")
        qtbot.keyClick(dialog.picker.search, Qt.Key.Key_Return)
        dialog.picker.choose_row(0)
        assert [i.owed for i in dialog.invoices.records] == [440]
        dialog.ok_button.click()                                   # ¥0
        assert dialog.errors.message("amount") == "入金額は1〜999,999,999円の整数で入力してください。"
        assert dialog.isVisible()
        _shot(dialog, artifacts, "payui_entry_error")
        dialog.amount.setValue(1_000)
        assert dialog.errors.message("amount") == ""               # editing clears it
        dialog.method.setCurrentIndex(dialog.method.findData(ReceiptMethod.CASH))
        assert "過入金として残る額: ¥560" in dialog.preview.text()
        dialog.ok_button.click()
        assert not dialog.isVisible(), dialog.summary.text()
        assert _states(db, inv_hikari) == [(InvoiceState.PAID, 0)]
        assert listing.model.rowCount() == 4
        newest = listing.model.records[0]
        assert (newest.method, newest.amount, newest.customer_id) == (ReceiptMethod.CASH, 1_000, hikari)
        _shot(page, artifacts, "payui_list")

        # 取消…: a reason is required, the clerk confirms, the invoice is short again.
        listing.selection.select(newest.id)
        assert listing.reverse_button.isEnabled()
        listing.confirm = lambda title, text: True
        listing.reverse_button.click()
        reverse = opened[-1]
        assert isinstance(reverse, ReversePaymentDialog)
        reverse.ok_button.click()
        assert reverse.errors.message("reason") and reverse.isVisible()
        type_text(qtbot, reverse.reason, "二重入力")
        reverse.ok_button.click()
        assert not reverse.isVisible()
        assert _states(db, inv_hikari) == [(InvoiceState.SHORT, 440)]
        assert [r.kind for r in listing.model.records[:2]] == [PaymentKind.REVERSAL, PaymentKind.RECEIPT]
        assert listing.model.records[1].reversed_by_id == listing.model.records[0].id
        listing.selection.select(listing.model.records[1].id)
        assert not listing.reverse_button.isEnabled()              # reversed once, never twice
        with db.transaction() as session:
            assert session.get(Payment, listing.model.records[0].id).note == "二重入力"
    assert shown.unexpected == []
