"""口座振替 through the window: the page opens on the next collection day, previews its invoices
(one left out for want of an account), writes the request file where the clerk says (the bytes
the service returned), imports the bank's result with one debit failed, shows the settled and the
failed invoice with the bank's reason, and saves the 口座振替不能のお知らせ; 設定 → 口座振替 saves the
consignor's details as stored and puts a refusal beside its field. The table models are read
without a window."""

from __future__ import annotations

import datetime as dt
import pathlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reseller_desk import clock
from reseller_desk.services.payments.balances import balances
from reseller_desk.services.payments.debit import BatchInfo, PreviewRow
from reseller_desk.services.payments.debit_results import ResultRow
from reseller_desk.services.payments.debit_settings import debit_settings
from reseller_desk.ui.debit.models import BatchModel, PreviewModel, ResultModel, account_text
from reseller_desk.ui.debit.page import DebitPage
from reseller_desk.ui.debit.result_dialog import DebitResultDialog
from reseller_desk.ui.settings.debit_tab import DebitTab
from reseller_desk.ui.widgets import ERROR_COLOR, WARNING_COLOR
from tests.services.builders import SUZUKI, YAMADA
from tests.services.debit_builders import (
    COLLECTION,
    OFFICE,
    a_debit_contract,
    a_debit_invoice,
    a_debit_office,
    bank_result,
)
from tests.services.payment_builders import a_customer, another_customer
from tests.versions import company_now

SHOTS = pathlib.Path("/tmp/lead/shots12")
BEFORE = dt.datetime(2026, 12, 3, 10, 0)     # the file is written weeks before the collection day
AFTER = dt.datetime(2026, 12, 29, 10, 0)     # the bank's result comes the day after


def _shot(widget, artifacts, name: str) -> None:
    QApplication.processEvents()   # the layout of labels just changed
    widget.grab().save(str(artifacts / name))
    if SHOTS.is_dir():
        widget.grab().save(str(SHOTS / name))


def _owed(db, *invoice_ids: int) -> list[int]:
    with db.transaction() as session:
        found = balances(session, invoice_ids=list(invoice_ids))
        return [found[i].owed for i in invoice_ids]


def _column(model, key: str, row: int = 0):
    return model.index(row, model.column_of(key))


def _three_invoices(db, manager, clerk):
    """山田 and 鈴木 pay by 口座振替 from an account; ひかり's contract has none."""
    a_debit_office(db, manager)
    yamada, suzuki = a_customer(db, clerk, YAMADA), a_customer(db, clerk, SUZUKI)
    hikari = another_customer(db, clerk)
    _, code_a = a_debit_contract(db, yamada, holder="ヤマダ タロウ")
    _, code_b = a_debit_contract(db, suzuki, holder="スズキ ハナコ", number="1111111")
    _, code_c = a_debit_contract(db, hikari, bank="")
    first, first_total = a_debit_invoice(db, yamada, code_a, before_tax=10_000)
    second, second_total = a_debit_invoice(db, suzuki, code_b, before_tax=5_000)
    third, _ = a_debit_invoice(db, hikari, code_c, before_tax=3_000)
    return (first, first_total), (second, second_total), third


def test_a_clerk_writes_the_request_file_imports_the_result_and_saves_the_failed_debit_notice(
        clerk_ctx, qtbot, db, manager, clerk, shown, artifacts, tmp_path):
    with clock.frozen(BEFORE):
        (first, first_total), (second, second_total), third = _three_invoices(db, manager, clerk)
        page = DebitPage(clerk_ctx)
        qtbot.addWidget(page)
        page.resize(1280, 680)
        page.show()
        assert page.collection_date() == COLLECTION           # the 27th is a Sunday: Monday the 28th
        assert page.model.rowCount() == 3 and not page.problems.isVisible()
        rows = {page.model.record(r).invoice_id: r for r in range(3)}
        assert _column(page.model, "included", rows[first]).data() == "含める"
        assert _column(page.model, "included", rows[third]).data() == "含めない"
        assert "口座振替の口座が契約に登録されていません" in _column(page.model, "reason", rows[third]).data()
        amount = _column(page.model, "amount", rows[first])
        assert amount.data() == f"¥{first_total:,}"
        assert amount.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
        assert _column(page.model, "account", rows[first]).data() == "9999-002 普通 7654321 ﾔﾏﾀﾞ ﾀﾛｳ"
        assert page.count_label.text() == f"含める 2件 ¥{first_total + second_total:,}／含めない 1件"
        assert page.export_button.isEnabled()
        _shot(page, artifacts, "debitui_preview.png")

        target = tmp_path / "依頼1228.txt"
        page.ask_save_path = lambda _parent, _caption, _suggested: str(target)
        written = []
        page.exported.connect(lambda exported, path: written.append((exported, path)))
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        assert len(written) == 1 and shown.texts() == []
        exported, path = written[0]
        assert path == target and target.read_bytes() == exported.data
        assert (exported.records, exported.total) == (2, first_total + second_total)
        assert "依頼データ 2件" in page.result_label.text()
        assert page.batch_model.rowCount() == 1
        batch = page.batch_model.record(0)
        assert (batch.records, batch.state, batch.created_by) == (2, "結果待ち", clerk.name)
        assert _column(page.batch_model, "total").data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
        # Asked once: both now wait for the result, and nothing is left to ask.
        assert all(not page.model.record(r).included for r in range(3))
        assert not page.export_button.isEnabled()

    result_file = tmp_path / "結果1228.txt"
    result_file.write_bytes(bank_result(target.read_bytes(), {2: 1}))   # 鈴木: 資金不足
    with clock.frozen(AFTER):
        page.ask_open_path = lambda _parent, _caption, _filter: str(result_file)
        opened = []
        page.dialog_opened.connect(opened.append)
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
        assert shown.texts() == [] and len(opened) == 1
        dialog = opened[0]
        assert isinstance(dialog, DebitResultDialog)
        qtbot.addWidget(dialog)
        results = {dialog.model.record(r).invoice_id: r for r in range(dialog.model.rowCount())}
        assert _column(dialog.model, "settled", results[first]).data() == "振替済"
        assert _column(dialog.model, "settled", results[second]).data() == "振替不能"
        assert _column(dialog.model, "reason", results[second]).data() == "資金不足"
        assert _column(dialog.model, "transfer_due", results[second]).data() != ""
        assert "振替済 1件" in dialog.summary.text() and "振替不能 1件" in dialog.summary.text()
        assert _owed(db, first, second) == [0, second_total]
        assert page.batch_model.record(0).state == "結果取込済（振替済 1件・不能 1件）"
        _shot(dialog, artifacts, "debitui_result.png")

        pdf = tmp_path / "お知らせ.pdf"
        dialog.ask_save_path = lambda _parent, _caption, _suggested: str(pdf)
        assert dialog.save_button.isEnabled()
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert shown.unexpected == [] and shown.texts() == [], dialog.saved_label.text()
        assert pdf.read_bytes() == dialog.result.notices[0].pdf and pdf.read_bytes().startswith(b"%PDF")
        assert str(pdf) in dialog.saved_label.text()
        _shot(page, artifacts, "debitui_after.png")

        # The same file again adds nothing, and says so.
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
        again = opened[-1]
        qtbot.addWidget(again)
        assert again.result.already_imported and "取込済み" in again.summary.text()
        assert not again.save_button.isEnabled()
        assert _owed(db, first) == [0]


def test_a_request_file_that_cannot_be_written_is_offered_for_another_place(
        clerk_ctx, qtbot, db, manager, clerk, shown, tmp_path):
    with clock.frozen(BEFORE):
        _three_invoices(db, manager, clerk)
        page = DebitPage(clerk_ctx)
        qtbot.addWidget(page)
        taken = tmp_path / "a folder"
        taken.mkdir()                      # a folder of that name: the file cannot replace it
        good = tmp_path / "依頼.txt"
        answers = iter([str(taken), str(good)])
        page.ask_save_path = lambda _parent, _caption, _suggested: next(answers)
        written = []
        page.exported.connect(lambda exported, path: written.append((exported, path)))
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        assert len(shown.texts()) == 1 and shown.texts()[0].startswith("依頼データは記録しましたが")
        assert len(written) == 1 and written[0][1] == good and good.read_bytes() == written[0][0].data
        assert page.batch_model.rowCount() == 1 and taken.is_dir()


def test_without_the_consignor_settings_the_page_says_so_in_red_and_writes_nothing(
        clerk_ctx, qtbot, db, clerk, tmp_path):
    with clock.frozen(BEFORE):
        customer = a_customer(db, clerk, YAMADA)
        _, code = a_debit_contract(db, customer)
        a_debit_invoice(db, customer, code)
        page = DebitPage(clerk_ctx)
        qtbot.addWidget(page)
        page.show()
        assert page.problems.isVisible() and "設定 → 口座振替" in page.problems.text()
        assert page.model.rowCount() == 1 and not page.export_button.isEnabled()
        assert "設定 → 口座振替" in page.export_button.toolTip()


def test_a_malformed_result_file_is_refused_in_japanese_and_nothing_is_applied(
        clerk_ctx, qtbot, db, manager, clerk, shown, tmp_path):
    with clock.frozen(BEFORE):
        (first, _), _, _ = _three_invoices(db, manager, clerk)
        page = DebitPage(clerk_ctx)
        qtbot.addWidget(page)
        bad = tmp_path / "bad.txt"
        bad.write_bytes(b"1" * 119 + b"\r\n")
        page.ask_open_path = lambda _parent, _caption, _filter: str(bad)
        qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
        assert len(shown.texts()) == 1 and "振替結果は何も取り込んでいません" in shown.texts()[0]
        assert page.result_label.text() == shown.texts()[0] and page.dialogs == []
        assert _owed(db, first)[0] > 0


def test_the_settings_tab_saves_the_consignor_as_stored_and_puts_a_refusal_beside_its_field(
        ctx, qtbot, db, manager, shown, artifacts):
    tab = DebitTab(ctx)
    qtbot.addWidget(tab)
    tab.resize(900, 620)
    tab.show()
    assert tab.edits["consignor_code"].text() == "" and tab.pay_days.value() == 14
    for name, value in {**OFFICE, "consignor_name": "カ)テストショウジ", "account_number": "12345"}.items():
        if name in tab.edits:
            tab.edits[name].setText(str(value))
    tab.pay_days.setValue(10)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert tab.status.text() == "口座振替の設定を保存しました。"
    saved = debit_settings(db)
    assert (saved.consignor_name, saved.account_number, saved.failed_debit_pay_days) == (
        "ｶ)ﾃｽﾄｼﾖｳｼﾞ", "0012345", 10)
    assert tab.edits["consignor_name"].text() == "ｶ)ﾃｽﾄｼﾖｳｼﾞ"     # shown as the file will carry it

    tab.edits["consignor_code"].setText("12AB")
    tab.edits["consignor_code"].textEdited.emit("12AB")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    error = tab.errors.label("consignor_code")
    assert error.isVisible() and error.text() == "委託者コードは半角数字10桁で入力してください。"
    assert tab.errors.widget("consignor_code").property("invalid") is True
    assert debit_settings(db).consignor_code == OFFICE["consignor_code"]
    _shot(tab, artifacts, "debitui_settings.png")


def test_a_save_over_company_details_saved_since_offers_the_latest(ctx, qtbot, db, manager, shown):
    from reseller_desk.domain.company import CompanyDetails
    from reseller_desk.services import settings

    tab = DebitTab(ctx)
    qtbot.addWidget(tab)
    tab.edits["consignor_code"].setText("0000099999")
    tab.edits["consignor_code"].textEdited.emit("0000099999")
    # Another manager saves the 会社情報 (the same row) meanwhile, in another window.
    settings.save_company(db, manager, CompanyDetails(name="株式会社みらいテレコム", address="東京都千代田区"),
                          expected_version=company_now(db))
    for name, value in OFFICE.items():
        if name in tab.edits and name != "consignor_code":
            tab.edits[name].setText(str(value))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert len(shown.stale_edits) == 1 and debit_settings(db).consignor_code == ""
    shown.reload_latest()
    assert tab.edits["consignor_code"].text() == "" and not tab.dirty
    assert tab.version == debit_settings(db).version


def test_a_clerk_sees_the_settings_read_only(clerk_ctx, qtbot):
    tab = DebitTab(clerk_ctx)
    qtbot.addWidget(tab)
    assert tab.edits["consignor_code"].isReadOnly() and not tab.save_button.isEnabled()
    assert not tab.account_type.isEnabled() and not tab.pay_days.isEnabled()


# -- the models, without a window ---------------------------------------------------------------------
def _preview_row(**changes) -> PreviewRow:
    base = dict(invoice_id=7, invoice_number="INV-2026-11-000007", customer_id=3, customer_name="山田 太郎",
                amount=11_000, contract_id=4, customer_code="C0000004", bank_code="0001", branch_code="100",
                account_type=2, account_number="0012345", holder_name="ﾔﾏﾀﾞ ﾀﾛｳ")
    return PreviewRow(**{**base, **changes})


def test_the_preview_model_reads_a_row_left_out_in_the_warning_colour_with_its_reason(qapp):
    model = PreviewModel()
    model.set_records([_preview_row(), _preview_row(invoice_id=8, reason="依頼済み（振替結果を取り込んでいません）",
                                                    note="ignored while left out"),
                       _preview_row(invoice_id=9, note="口座名義は半角30文字で切って依頼します")])
    assert [model.index(r, 0).data() for r in range(3)] == ["含める", "含めない", "含める"]
    assert model.index(0, model.column_of("account")).data() == "0001-100 当座 0012345 ﾔﾏﾀﾞ ﾀﾛｳ"
    assert model.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == WARNING_COLOR
    reason = model.column_of("reason")
    assert model.index(1, reason).data() == "依頼済み（振替結果を取り込んでいません）"
    assert model.index(2, reason).data() == "口座名義は半角30文字で切って依頼します"
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "依頼済み（振替結果を取り込んでいません）"
    assert account_text(_preview_row(bank_code="")) == ""


def test_the_batch_and_result_models_say_what_happened(qapp):
    moment = dt.datetime(2026, 12, 3, 1, 0)
    batches = BatchModel()
    batches.set_records([BatchInfo(1, COLLECTION, "a.txt", 2, 16_500, moment, None, 0, 0, "事務 太郎"),
                         BatchInfo(2, COLLECTION, "b.txt", 2, 16_500, moment, moment, 1, 1, "管理 花子")])
    assert [batches.index(0, c).data() for c in range(5)] == ["2026-12-28", "2件", "¥16,500", "結果待ち", "事務 太郎"]
    assert batches.index(0, batches.column_of("created_at")).data() == "2026-12-03 10:00"   # Japan time
    assert batches.index(1, 3).data(Qt.ItemDataRole.ForegroundRole).color().name() == WARNING_COLOR
    results = ResultModel()
    results.set_records([ResultRow(2, 1, "INV-1", 1, "山田 太郎", 11_000, 0, "振替済"),
                         ResultRow(3, 2, "INV-2", 2, "鈴木 花子", 5_500, 1, "資金不足", dt.date(2027, 1, 13))])
    assert [results.index(1, c).data() for c in range(6)] == [
        "振替不能", "INV-2", "鈴木 花子", "¥5,500", "資金不足", "2027-01-13"]
    assert results.index(0, results.column_of("reason")).data() == ""
    assert results.index(1, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == ERROR_COLOR
    assert results.index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
