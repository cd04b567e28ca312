"""The lists of the 口座振替 section, as table models a test reads without a window: the preview
of one collection day (services.payments.debit.PreviewRow: 含める, or 含めない with the reason),
the batches written (BatchInfo) and the rows of an imported result (debit_results.ResultRow).
Amounts are right-aligned; a row left out or a failed debit is marked in the warning colour."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from reseller_desk.ui.tables import RecordTableModel
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    ERROR_COLOR,
    WARNING_COLOR,
    Column,
    format_date,
    format_local_datetime,
    format_yen,
)

__all__ = ["BATCH_COLUMNS", "PREVIEW_COLUMNS", "RESULT_COLUMNS", "BatchModel", "PreviewModel", "ResultModel",
           "account_text"]

#: 預金種目 of a data record (formats.md §1.4 data field 7), as the clerk reads it.
ACCOUNT_TYPE_NAMES = {1: "普通", 2: "当座", 3: "納税準備", 9: "その他"}
INCLUDED = "含める"
LEFT_OUT = "含めない"


def account_text(row: Any) -> str:
    """9999-002 普通 7654321 ﾔﾏﾀﾞ ﾀﾛｳ (the account the file asks), or "" when none is known."""
    if not row.bank_code:
        return ""
    kind = ACCOUNT_TYPE_NAMES.get(row.account_type, "")
    return " ".join(p for p in (f"{row.bank_code}-{row.branch_code}", kind, row.account_number, row.holder_name) if p)


PREVIEW_COLUMNS: tuple[Column, ...] = (
    Column("included", "対象", 70, ALIGN_CENTER, lambda r: INCLUDED if r.included else LEFT_OUT),
    Column("customer_name", "顧客", 180),
    Column("customer_code", "カスタマID", 90, ALIGN_CENTER),
    Column("invoice_number", "請求書番号", 120),
    Column("amount", "金額", 100, ALIGN_RIGHT, lambda r: format_yen(r.amount)),
    Column("account", "口座", 240, text=account_text),
    Column("reason", "含めない理由・注意", 360, text=lambda r: r.reason or r.note),
)

BATCH_COLUMNS: tuple[Column, ...] = (
    Column("collection_date", "振替日", 100, ALIGN_CENTER, lambda b: format_date(b.collection_date)),
    Column("records", "件数", 70, ALIGN_RIGHT, lambda b: f"{b.records:,}件"),
    Column("total", "金額", 120, ALIGN_RIGHT, lambda b: format_yen(b.total)),
    Column("state", "状態", 280, text=lambda b: b.state),
    Column("created_by", "作成者", 120),
    Column("created_at", "作成日時", 140, ALIGN_CENTER, lambda b: format_local_datetime(b.created_at)),
    Column("file_name", "ファイル名", 200),
)

RESULT_COLUMNS: tuple[Column, ...] = (
    Column("settled", "結果", 80, ALIGN_CENTER, lambda r: "振替済" if r.settled else "振替不能"),
    Column("invoice_number", "請求書番号", 150),
    Column("customer_name", "顧客", 200),
    Column("amount", "金額", 100, ALIGN_RIGHT, lambda r: format_yen(r.amount)),
    Column("reason", "理由", 220, text=lambda r: "" if r.settled else r.reason),
    Column("transfer_due", "振込期限", 100, ALIGN_CENTER, lambda r: format_date(r.transfer_due)),
    Column("note", "備考", 300),
)


class PreviewModel(RecordTableModel[Any]):
    """The preview: a row left out reads in the warning colour; its reason is its tooltip."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(PREVIEW_COLUMNS, parent)

    def extra_data(self, record: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not record.included:
            return QBrush(QColor(WARNING_COLOR))
        return None

    def tooltip(self, record: Any, column: Column) -> str | None:
        if column.key in ("included", "reason") and (record.reason or record.note):
            return record.reason or record.note
        return super().tooltip(record, column)


class BatchModel(RecordTableModel[Any]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(BATCH_COLUMNS, parent)

    def extra_data(self, record: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column.key == "state" and record.failed:
            return QBrush(QColor(WARNING_COLOR))
        return None


class ResultModel(RecordTableModel[Any]):
    """The result: 振替不能 rows in red, settled first as the file lists them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(RESULT_COLUMNS, parent)

    def extra_data(self, record: Any, column: Column, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and not record.settled and column.key in ("settled", "reason",
                                                                                             "transfer_due"):
            return QBrush(QColor(ERROR_COLOR))
        return None
