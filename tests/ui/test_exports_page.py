"""出力 and 設定 → 会計ソフト連携 through the window: December's invoices and payments previewed with
balanced totals and written to the file the service makes (byte for byte); a name Shift_JIS
cannot hold listed in red on its row and nothing written; a month that does not add up refused
with the difference; the accountant's name edited in 設定 used by the next preview; a stale
save offered the reload; a clerk sees the mapping read-only. The table models without a window."""

from __future__ import annotations

import datetime as dt
import pathlib

import pytest
from PySide6.QtCore import Qt

from reseller_desk import clock
from reseller_desk.domain.journal import JournalLine, Slip
from reseller_desk.domain.journal_entries import DEFAULTS, AccountName, Ledger, Role
from reseller_desk.services.contracts import lifecycle
from reseller_desk.services.contracts.detail import contract_detail
from reseller_desk.services.payments import journals
from reseller_desk.services.payments.journals import JournalAccountRow, JournalExport
from reseller_desk.ui.exports.model import JournalPreviewModel, preview_rows, problem_lines
from reseller_desk.ui.exports.page import ExportsPage, default_file_name
from reseller_desk.ui.settings.journal_tab import JournalAccountsModel, JournalTab
from reseller_desk.ui.settings.page import SettingsPage
from reseller_desk.ui.widgets import ERROR_COLOR
from tests.services.builders import TODAY, sh_input
from tests.services.contract_builders import approved
from tests.services.journal_builders import DECEMBER, a_month_of_money, an_invoice_with_extras
from tests.services.payment_builders import a_customer

from .helpers import set_up_office

SHOTS = pathlib.Path("/tmp/lead/shots12")
#: Early January: 出力 offers December, the month the builders' invoices were issued, as last month.
JANUARY = dt.datetime(2027, 1, 8, 10, 0)


def _shot(widget, artifacts, name: str) -> None:
    widget.grab().save(str(artifacts / name))
    if SHOTS.is_dir():
        widget.grab().save(str(SHOTS / name))


@pytest.fixture
def office(db, manager):
    return set_up_office(db, manager)


@pytest.fixture
def sh_open(db, office, manager) -> int:
    contract_id = approved(db, manager, sh_input(office), today=TODAY)
    lifecycle.open_contract(db, manager, contract_id, opened_on=TODAY,
                            expected_version=contract_detail(db, contract_id).row_version, today=TODAY)
    return contract_id


@pytest.fixture
def january():
    with clock.frozen(JANUARY):
        yield


def page_of(ctx, qtbot) -> ExportsPage:
    page = ExportsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1180, 620)
    page.show()
    return page


def cell(model, row: int, key: str, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, model.column_of(key)), role)


# -- the page -------------------------------------------------------------------------------------
def test_the_preview_balances_and_the_export_writes_the_services_bytes(
        clerk_ctx, qtbot, db, clerk, sh_open, january, tmp_path, artifacts, shown):
    month = a_month_of_money(db, clerk, sh_open)
    page = page_of(clerk_ctx, qtbot)
    assert page.chosen_month() == DECEMBER and page.chosen_ledger() is Ledger.YAYOI
    model = page.model
    lines = model.lines()
    assert len(lines) == page.export.lines and not page.problems.isVisible()
    total = model.totals()
    assert total.debit_amount == total.credit_amount == sum(r.debit_amount or 0 for r in lines)
    assert total.memo == "借方合計 = 貸方合計"
    last = model.rowCount() - 1
    assert cell(model, last, "debit") == "借方合計" and cell(model, last, "credit") == "貸方合計"
    assert cell(model, last, "debit_amount") == f"¥{total.debit_amount:,}"
    assert cell(model, 0, "credit_amount", Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert cell(model, 0, "debit") == "売掛金" and cell(model, 0, "debit_amount") == f"¥{month.invoice_totals[month.first]:,}"
    assert cell(model, 0, "on").startswith("2026-12-") and cell(model, 1, "on") == ""   # a slip's first line
    assert "課税売上込10%" in cell(model, 0, "credit", Qt.ItemDataRole.ToolTipRole)
    assert "伝票" in page.summary.text() and "一致" in page.summary.text()
    assert page.export_button.isEnabled()
    _shot(page, artifacts, "journalui_preview.png")

    asked = []
    target = tmp_path / "out" / "yayoi_2026-12.csv"
    target.parent.mkdir()
    page.ask_save_path = lambda _parent, _caption, suggested: asked.append(suggested) or str(target)
    written = []
    page.exported.connect(lambda path, export: written.append((path, export)))
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    assert pathlib.Path(asked[0]).name == "yayoi_2026-12.csv"
    assert target.read_bytes() == journals.build_journal(db, DECEMBER, ledger="yayoi").data
    assert written and written[0][0] == target
    assert list(target.parent.iterdir()) == [target]                    # no temporary file left
    assert "yayoi_2026-12.csv に書き出しました" in page.result_label.text() and shown.messages == []

    page.choose(ledger="freee", journal="sales")
    assert page.model.totals().debit_amount == sum(month.invoice_totals.values())
    page.ask_save_path = lambda _parent, _caption, suggested: asked.append(suggested) or ""
    page.export_file()                                                   # the dialog cancelled: nothing
    assert pathlib.Path(asked[-1]).name == "freee_2026-12_売上.csv"


def test_a_name_shift_jis_cannot_hold_is_listed_in_red_on_its_row_and_nothing_is_written(
        clerk_ctx, qtbot, db, clerk, sh_open, january, tmp_path, artifacts, shown):
    a_month_of_money(db, clerk, sh_open, name="株式会社𠮷田商事")
    page = page_of(clerk_ctx, qtbot)
    page.choose(ledger="mf")
    assert page.problems.isVisible()
    texts = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert texts[0].startswith("書き出せない行が") and all("𠮷" in t and "行目" in t for t in texts[1:])
    faulty = [row for row, r in enumerate(page.model.records) if r.fault]
    assert faulty and all("𠮷" in page.model.records[row].memo for row in faulty)
    assert cell(page.model, faulty[0], "memo", Qt.ItemDataRole.ForegroundRole).color().name() == ERROR_COLOR
    assert cell(page.model, faulty[0], "memo", Qt.ItemDataRole.ToolTipRole).startswith(f"{faulty[0] + 2}行目")
    assert not page.export_button.isEnabled()
    _shot(page, artifacts, "journalui_problems.png")

    target = tmp_path / "mf_2026-12.csv"
    page.ask_save_path = lambda *_args: str(target)
    page.export_file()
    assert not target.exists() and list(tmp_path.glob("*.part")) == [] and list(tmp_path.glob(".*.part")) == []
    assert "Shift_JIS で書けません" in shown.texts()[-1] and "書き出していません" in page.result_label.text()

    page.choose(ledger="freee")                                          # UTF-8: the name is fine
    assert not page.problems.isVisible() and page.export_button.isEnabled()


def test_a_month_whose_invoice_does_not_add_up_is_refused_with_the_difference(
        clerk_ctx, qtbot, db, clerk, office, january):
    an_invoice_with_extras(db, a_customer(db, clerk), tamper=1234)
    page = page_of(clerk_ctx, qtbot)
    assert page.refusal.isVisible() and "差 1,234円" in page.refusal.text()
    assert page.model.rowCount() == 0 and not page.export_button.isEnabled()


def test_a_name_edited_in_the_settings_is_used_by_the_next_preview(
        ctx, qtbot, db, manager, clerk, sh_open, january, artifacts, shown):
    a_month_of_money(db, clerk, sh_open)
    page = page_of(ctx, qtbot)
    page.choose(journal="receipts")
    tab = JournalTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(820, 560)
    tab.show()
    model = tab.model
    bank = next(row for row, r in enumerate(model.records) if r.role is Role.BANK)
    sub = model.index(bank, model.column_of("sub_account"))
    assert model.flags(sub) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(sub, "みずほ銀行")
    assert model.data(sub, Qt.ItemDataRole.FontRole).bold() and "既定: （なし）" in model.data(sub, Qt.ItemDataRole.ToolTipRole)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert "弥生会計の科目を保存しました" in tab.status.text() and not model.dirty
    assert any(r.debit == "普通預金／みずほ銀行" for r in page.model.lines())     # Changes.PAYMENTS: re-read
    _shot(tab, artifacts, "journalui_settings.png")

    other = JournalTab(ctx)                                              # another window's edit meanwhile
    qtbot.addWidget(other)
    other.model.setData(other.model.index(bank, other.model.column_of("account")), "当座預金")
    model.reset([bank])
    assert model.records[bank].name == DEFAULTS[Ledger.YAYOI][Role.BANK]
    other.save()
    tab.save()
    assert shown.stale_edits and "会計ソフト連携の科目" in str(shown.stale_edits[-1][0])
    shown.reload_latest()
    assert model.records[bank].name.account == "当座預金" and not model.dirty

    model.setData(model.index(bank, model.column_of("account")), "")
    tab.save()
    assert tab.status.text().splitlines()[-1] == f"{bank + 1}行目（入金口座（振込・口座振替））: 勘定科目を入力してください。"
    assert model.data(model.index(bank, 1), Qt.ItemDataRole.ForegroundRole).color().name() == ERROR_COLOR
    tab.reset_all()
    tab.save()
    assert all(r.row_version is None for r in journals.journal_accounts(db, "yayoi"))
    assert not any("みずほ銀行" in r.debit or "当座預金" in r.debit for r in page.model.lines())


def test_a_clerk_sees_the_mapping_read_only_and_cannot_save(clerk_ctx, qtbot, db):
    settings_page = SettingsPage(clerk_ctx)
    qtbot.addWidget(settings_page)
    tab = settings_page.journal_tab
    assert settings_page.tabs.tabText(settings_page.tabs.indexOf(tab)) == "会計ソフト連携"
    assert not tab.save_button.isEnabled() and not tab.reset_all_button.isEnabled()
    index = tab.model.index(0, tab.model.column_of("account"))
    assert not tab.model.flags(index) & Qt.ItemFlag.ItemIsEditable and not tab.model.setData(index, "売掛金（得意先）")
    tab.ledger.setCurrentIndex(tab.ledger.findData("mf"))
    assert tab.model.records[1].name.tax_category == "課税売上 10%"
    tab.save()                                                           # the service refuses anyway
    assert "管理者" in tab.status.text()
    assert all(r.row_version is None for r in journals.journal_accounts(db, "mf"))


def test_switching_the_ledger_with_unsaved_edits_asks_first(ctx, qtbot):
    tab = JournalTab(ctx)
    qtbot.addWidget(tab)
    tab.model.setData(tab.model.index(0, 1), "売掛金（得意先）")
    asked = []
    tab.ask = lambda title, text: asked.append(text) or False
    tab.ledger.setCurrentIndex(tab.ledger.findData("freee"))
    assert asked and tab.ledger.currentData() == "yayoi" and tab.model.records[0].name.account == "売掛金（得意先）"
    tab.ask = lambda title, text: True
    tab.ledger.setCurrentIndex(tab.ledger.findData("freee"))
    assert tab.shown_ledger is Ledger.FREEE and tab.model.records[1].name.tax_category == "課税売上10%"


# -- the models, without a window -----------------------------------------------------------------
def _export(problems=()) -> JournalExport:
    slips = (Slip(dt.date(2026, 12, 1), (JournalLine("売掛金", 11_000, "売上高", 10_000, credit_tax="課税売上込10%",
                                                     credit_tax_amount=909, memo="請求書 A-1 みらい"),
                                         JournalLine("", 0, "受取利息", 1_000, memo="請求書 A-1 みらい")), kind=3),
             Slip(dt.date(2026, 12, 10), (JournalLine("普通預金", 11_000, "売掛金", 11_000, debit_sub="みずほ銀行",
                                                      memo="振込入金 みらい"),)))
    return JournalExport(b"", slips, 3, 22_000, 22_000, tuple(problems))


def test_the_preview_rows_are_the_files_lines_then_the_totals():
    rows = preview_rows(_export(), Ledger.YAYOI)
    assert [(r.on, r.debit, r.debit_amount, r.credit, r.credit_amount) for r in rows] == [
        (dt.date(2026, 12, 1), "売掛金", 11_000, "売上高", 10_000), (None, "", None, "受取利息", 1_000),
        (dt.date(2026, 12, 10), "普通預金／みずほ銀行", 11_000, "売掛金", 11_000),
        (None, "借方合計", 22_000, "貸方合計", 22_000)]
    assert rows[0].credit_tax == "税区分: 課税売上込10%（消費税 ¥909）" and rows[-1].total
    model = JournalPreviewModel()
    model.show_export(_export(), Ledger.CSV)
    assert model.index(1, 2).data() == "" and model.index(3, 5).data() == "借方合計 = 貸方合計"
    assert model.data(model.index(3, 0), Qt.ItemDataRole.FontRole).bold()


def test_a_problem_names_the_line_of_the_file_whatever_its_header():
    problem = "3行目: 「𠮷」は Shift_JIS で書けません"
    assert problem_lines([problem], Ledger.YAYOI) == {2: problem}       # 弥生: no header line
    assert problem_lines([problem, "not a line"], Ledger.MF) == {1: problem}
    rows = preview_rows(_export([problem]), Ledger.MF)
    assert [r.fault for r in rows] == [False, True, False, False]


def test_the_default_file_name_says_ledger_month_and_journal():
    assert default_file_name(Ledger.YAYOI, dt.date(2026, 11, 1), journals.JournalKind.ALL) == "yayoi_2026-11.csv"
    assert default_file_name(Ledger.MF, dt.date(2026, 11, 1), journals.JournalKind.RECEIPTS) == "mf_2026-11_入金.csv"


def _rows(ledger: Ledger) -> list[JournalAccountRow]:
    return [JournalAccountRow(role, name, name, None) for role, name in DEFAULTS[ledger].items()]


def test_the_mapping_model_edits_resets_and_names_the_refused_cells():
    model = JournalAccountsModel()
    model.set_rows(_rows(Ledger.FREEE))
    assert model.rowCount() == len(Role) and model.index(0, 0).data() == "売掛金"
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(model.index(0, 2), "  得意先A ") and model.records[0].name == AccountName("売掛金", "得意先A", "対象外")
    assert model.dirty and model.expected_versions() == {}
    assert dict(model.wanted())[Role.RECEIVABLE].sub_account == "得意先A"
    lines = model.show_errors({"0.sub_account": "補助科目は50文字までです。", "rows": "一覧が正しくありません。"})
    assert lines == ["1行目（売掛金）: 補助科目は50文字までです。", "一覧が正しくありません。"]
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ToolTipRole) == "補助科目は50文字までです。"
    model.reset([0])
    assert model.records[0].name == model.records[0].default and (0, "sub_account") not in model.errors
    model.editable = False
    assert not model.setData(model.index(0, 1), "x") and not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable
    stored = [JournalAccountRow(Role.BANK, AccountName("当座預金"), DEFAULTS[Ledger.FREEE][Role.BANK], 4)]
    model.set_rows(stored)
    assert model.expected_versions() == {"bank": 4} and not model.dirty
