"""The tables of the 入金 screen without a window: the payments list, a customer's open invoices
with check boxes, a statement preview with the problems beside the lines, and one group of the
matcher's proposals (checked by default only when 一致; a line with no customer cannot be
checked; the clerk's choice goes into the confirmation with the line's version)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from reseller_desk.domain.intake import PaymentMethod
from reseller_desk.domain.payer_match import MatchGroup
from reseller_desk.domain.payments import PaymentKind, ReceiptMethod
from reseller_desk.domain.receivables import InvoiceState
from reseller_desk.services.payments.matching import Confirmation, LineProposal
from reseller_desk.services.payments.queries import OpenInvoice, PaymentRow
from reseller_desk.services.payments.statements import PreviewRow
from reseller_desk.ui.payments.models import OpenInvoiceModel, PaymentTableModel
from reseller_desk.ui.payments.statement_models import Choice, ProposalModel, StatementPreviewModel, preview_lines

DAY = dt.date(2026, 12, 25)
CHECK = Qt.ItemDataRole.CheckStateRole


def a_payment(id_: int, amount: int, kind=PaymentKind.RECEIPT, reversed_by=None, invoices=("2026-000001",)):
    return PaymentRow(id_, DAY, 7, "株式会社みらい商事", kind, ReceiptMethod.TRANSFER, amount, "ｶ)ﾐﾗｲ", "二重入力",
                      "管理 花子", dt.datetime(2026, 12, 25, 1, 0), None, reversed_by, False, invoices)


def a_proposal(line_id: int, group: MatchGroup, customer_id=None, candidates=(), invoice_ids=(), numbers=()):
    return LineProposal(line_id, 3, 1, line_id + 1, DAY, 11_000, "ｶ)ﾐﾗｲｼﾖｳｼﾞ", group, customer_id,
                        "株式会社みらい商事" if customer_id else "", candidates, invoice_ids, numbers,
                        0 if group is MatchGroup.MATCHED else -440, "" if group is MatchGroup.MATCHED else "金額が違います")


def test_a_payment_reads_as_the_office_writes_it_and_a_reversal_is_negative(qapp):
    model = PaymentTableModel()
    model.set_records([a_payment(2, -11_000, PaymentKind.REVERSAL), a_payment(1, 11_000, reversed_by=2)])
    texts = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(2)]
    assert texts[0] == ["2026-12-25", "株式会社みらい商事", "振込", "入金取消", "−¥11,000", "ｶ)ﾐﾗｲ", "2026-000001",
                        "管理 花子"]
    assert texts[1][3:5] == ["入金（取消済）", "¥11,000"]
    assert model.index(0, 4).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#9e9e9e"
    assert model.index(1, 3).data(Qt.ItemDataRole.ToolTipRole) == "入金: 二重入力"
    assert model.row_of(1) == 1 and model.row_of(9) is None
    assert not model.record(1).reversible and not model.record(0).reversible


def test_open_invoices_are_chosen_by_their_check_box_in_list_order(qapp):
    model = OpenInvoiceModel()
    rows = [OpenInvoice(i, f"2026-00000{i}", dt.date(2026, 9 + i, 1), dt.date(2026, 10 + i, 27),
                        PaymentMethod.TRANSFER, 5_500, 5_500 if i != 2 else 440,
                        InvoiceState.OPEN if i != 2 else InvoiceState.SHORT) for i in (1, 2)]
    model.set_records(rows, checked=[2, 99])
    assert model.chosen() == [2]
    assert model.index(1, 5).data() == "過小入金" and model.index(1, 4).data() == "¥440"
    assert model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsUserCheckable
    assert not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsUserCheckable
    assert model.setData(model.index(0, 0), Qt.CheckState.Checked, CHECK)
    assert model.chosen() == [1, 2]
    assert not model.setData(model.index(0, 1), Qt.CheckState.Unchecked, CHECK)
    model.setData(model.index(1, 0), Qt.CheckState.Unchecked, CHECK)
    assert model.chosen() == [1] and model.index(1, 0).data(CHECK) == Qt.CheckState.Unchecked


def test_a_preview_lists_unreadable_lines_with_their_problem_beside_them(qapp):
    model = StatementPreviewModel()
    model.set_records(preview_lines([PreviewRow(2, DAY, 3_300, "ﾔﾏﾀﾞ ﾀﾛｳ", ""), PreviewRow(4, DAY, 1_100, "ｽｽﾞｷ", "")],
                                    [(3, "日付が読めません。"), (0, "全体の問題"), (4, "振込依頼人名が空です。")]))
    assert [[model.index(r, c).data() for c in range(5)] for r in range(3)] == [
        ["2", "2026-12-25", "¥3,300", "ﾔﾏﾀﾞ ﾀﾛｳ", "OK"],
        ["3", "", "", "", "日付が読めません。"],
        ["4", "2026-12-25", "¥1,100", "ｽｽﾞｷ", "振込依頼人名が空です。"]]
    assert model.index(1, 4).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert model.index(0, 4).data(Qt.ItemDataRole.ForegroundRole) is None


def test_only_matched_lines_start_checked_and_a_line_needs_a_customer_to_be_checked(qapp):
    matched = ProposalModel(MatchGroup.MATCHED)
    matched.set_records([a_proposal(1, MatchGroup.MATCHED, 7, ((7, "株式会社みらい商事"),), (11,), ("2026-000001",))])
    assert matched.index(0, 0).data(CHECK) == Qt.CheckState.Checked
    assert matched.index(0, 3).data() == "株式会社みらい商事" and matched.index(0, 4).data() == "2026-000001"
    assert matched.confirmations() == [Confirmation(1, 7, (11,), 3)]

    unknown = ProposalModel(MatchGroup.UNKNOWN)
    unknown.set_records([a_proposal(2, MatchGroup.UNKNOWN)])
    assert unknown.index(0, 0).data(CHECK) == Qt.CheckState.Unchecked and unknown.index(0, 3).data() == "（未選択）"
    assert not unknown.setData(unknown.index(0, 0), Qt.CheckState.Checked, CHECK)
    assert unknown.confirmations() == []
    assert unknown.index(0, 5).data() == "−¥440"
    unknown.choose(2, Choice(8, "山田 太郎", None))
    assert unknown.index(0, 0).data(CHECK) == Qt.CheckState.Checked
    assert unknown.index(0, 4).data() == "古い順"
    assert unknown.confirmations() == [Confirmation(2, 8, None, 3)]
    unknown.setData(unknown.index(0, 0), Qt.CheckState.Unchecked, CHECK)
    assert unknown.confirmations() == []


def test_a_line_of_several_candidates_names_them_in_its_tooltip(qapp):
    check = ProposalModel(MatchGroup.CHECK)
    check.set_records([a_proposal(3, MatchGroup.CHECK, None, ((7, "株式会社みらい商事"), (8, "みらい株式会社")))])
    assert check.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == "候補: 株式会社みらい商事、みらい株式会社"
    assert check.index(0, 0).data(CHECK) == Qt.CheckState.Unchecked
    check.choose(3, Choice(8, "みらい株式会社", ()))
    assert check.index(0, 4).data() == "（過入金として残す）"
    assert check.confirmations() == [Confirmation(3, 8, (), 3)]
