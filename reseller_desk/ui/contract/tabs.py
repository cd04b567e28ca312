"""The tabs of the contract window, each showing one part of a ContractDetail: 概要 (dates,
payment, this month's composition, what is under way), 履歴 (the timeline, oldest first), 回線・
番号 (the plan periods and the phone numbers), オプション, 特約. Plain views: no service call."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from reseller_desk.services.contracts.detail import (
    AgreementLine,
    ContractDetail,
    NumberLine,
    OptionLine,
    PlanLine,
    TimelineLine,
)
from reseller_desk.ui.tables import RecordTableModel, list_table
from reseller_desk.ui.widgets import (
    ALIGN_CENTER,
    ALIGN_RIGHT,
    Column,
    format_date,
    format_date_long,
    format_local_datetime,
    format_yen,
    month_text,
    muted_label,
)


def _until(month) -> str:
    return month_text(month) if month else "（継続中）"


TIMELINE_COLUMNS = (
    Column("effective_on", "日付", 92, text=lambda e: format_date(e.effective_on)),
    Column("kind_label", "内容", 100),
    Column("from_label", "変更前", 72, ALIGN_CENTER),
    Column("to_label", "変更後", 72, ALIGN_CENTER),
    Column("reason", "理由・メモ", 330),
    Column("notice_number", "通知書", 120),
    Column("recorded_by", "担当", 90),
    Column("recorded_at", "記録日時", 130, text=lambda e: format_local_datetime(e.recorded_at)),
)
PLAN_COLUMNS = (
    Column("from_month", "開始月", 90, text=lambda p: month_text(p.from_month)),
    Column("until_month", "終了月", 90, text=lambda p: _until(p.until_month)),
    Column("name", "プラン", 200),
    Column("lines", "回線数", 70, ALIGN_RIGHT, lambda p: f"{p.lines:,}"),
)
NUMBER_COLUMNS = (
    Column("number", "電話番号", 140),
    Column("assigned_on", "割当日", 100, text=lambda n: format_date(n.assigned_on)),
    Column("released_on", "解放日", 100, text=lambda n: format_date(n.released_on)),
)
OPTION_COLUMNS = (
    Column("name", "オプション", 220),
    Column("quantity", "数量", 60, ALIGN_RIGHT, lambda o: f"{o.quantity:,}"),
    Column("from_month", "開始月", 90, text=lambda o: month_text(o.from_month)),
    Column("until_month", "終了月", 90, text=lambda o: _until(o.until_month)),
)
AGREEMENT_COLUMNS = (
    Column("subject_label", "対象", 170),
    Column("target", "オプション", 120),
    Column("monthly_fee", "月額（税抜）", 100, ALIGN_RIGHT, lambda a: format_yen(a.monthly_fee)),
    Column("condition", "条件", 200),
    Column("source", "根拠書類", 150),
    Column("from_month", "開始月", 90, text=lambda a: month_text(a.from_month)),
    Column("until_month", "終了月", 90, text=lambda a: _until(a.until_month)),
)


class ListTab(QWidget):
    """A tab that is one list (and a line under it)."""

    def __init__(self, columns, object_name: str, note: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model: RecordTableModel = RecordTableModel(columns, self)
        self.table = list_table(self.model, columns, object_name, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        if note:
            layout.addWidget(muted_label(note))

    def show_rows(self, rows) -> None:
        self.model.set_records(rows)


class TimelineTab(ListTab):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TIMELINE_COLUMNS, "timeline",
                         "古い順。状態の変更は、だれが・いつ・どの日付で・なぜ行ったかを残します。", parent)

    def show_detail(self, detail: ContractDetail) -> None:
        self.show_rows(detail.timeline)

    def lines(self) -> tuple[TimelineLine, ...]:
        return tuple(self.model.records)


class LinesTab(QWidget):
    """The plan and its lines month by month, and the phone numbers (one per line)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plans: RecordTableModel[PlanLine] = RecordTableModel(PLAN_COLUMNS, self)
        self.numbers: RecordTableModel[NumberLine] = RecordTableModel(NUMBER_COLUMNS, self)
        row = QHBoxLayout(self)
        for title, model, name in (("プランと回線数の履歴", self.plans, "planHistory"),
                                   ("電話番号", self.numbers, "numbers")):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(list_table(model, model.columns, name, self), 1)
            row.addWidget(box, 1)

    def show_detail(self, detail: ContractDetail) -> None:
        self.plans.set_records(detail.plan_history)
        self.numbers.set_records(detail.numbers)


class OptionsTab(ListTab):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(OPTION_COLUMNS, "options", "オプションは基本契約とともに終了します（SH §6.2–3）。", parent)

    def show_detail(self, detail: ContractDetail) -> None:
        self.show_rows(detail.option_history)

    def lines(self) -> tuple[OptionLine, ...]:
        return tuple(self.model.records)


class AgreementsTab(ListTab):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(AGREEMENT_COLUMNS, "agreements",
                         "特約の料金は、対象の月について設定の料金に代わります（SC §1.3）。", parent)

    def show_detail(self, detail: ContractDetail) -> None:
        self.show_rows(detail.agreements)

    def lines(self) -> tuple[AgreementLine, ...]:
        return tuple(self.model.records)


def _value(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class SummaryTab(QWidget):
    """概要: the dates, the payment, this month's composition and charges, what is under way."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        self.contract_box = QGroupBox("契約")
        self.contract_form = QFormLayout(self.contract_box)
        self.month_box = QGroupBox("今月の内容")
        self.month_form = QFormLayout(self.month_box)
        self.under_way = QLabel()
        self.under_way.setObjectName("underWay")
        self.under_way.setWordWrap(True)
        right = QVBoxLayout()
        right.addWidget(self.month_box)
        way = QGroupBox("進行中の手続き")
        inner = QVBoxLayout(way)
        inner.addWidget(self.under_way)
        right.addWidget(way)
        right.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.contract_box)
        left.addStretch(1)
        row.addLayout(left, 1)
        row.addLayout(right, 1)

    @staticmethod
    def _fill(form: QFormLayout, rows: list[tuple[str, str]]) -> None:
        while form.rowCount():
            form.removeRow(0)
        for label, text in rows:
            form.addRow(label, _value(text))

    def show_detail(self, d: ContractDetail) -> None:
        rows = [("顧客", f"{d.customer.name}（{d.customer.kind_label}）"), ("住所", d.customer.address),
                ("電話番号", d.customer.phone), ("サービス", d.profile_name),
                ("契約日", format_date_long(d.formed_on, weekday=False))]
        rows += [(label, format_date_long(day, weekday=False)) for label, day in
                 (("登録日", d.registered_on), ("開通日", d.opened_on)) if day]
        rows.append(("課金開始月", month_text(d.first_billable_month) or "（開通日が決まると決まります）"))
        if d.last_billable_month:
            rows.append(("最終課金月", month_text(d.last_billable_month)))
        if d.ends_on:
            rows.append(("終了日", format_date_long(d.ends_on, weekday=False)))
        if d.accelerated_on:
            rows.append(("期限の利益の喪失", format_date_long(d.accelerated_on, weekday=False)))
        if d.service_data_deletion_due:
            rows.append(("サービスデータ削除予定", format_date_long(d.service_data_deletion_due, weekday=False)))
        rows.append(("支払方法", f"{d.payment_label}　{d.payment_account}".strip()))
        self._fill(self.contract_form, rows)
        if d.now is None:
            self._fill(self.month_form, [("", "今月は課金対象の内容がありません。")])
        else:
            now = d.now
            month_rows = [("月", month_text(now.month)), ("プラン", now.plan_name), ("回線数", f"{now.lines:,}")]
            month_rows += [("オプション", f"{o.name} × {o.quantity}") for o in now.options]
            month_rows += [("特約", f"{a.subject_label} {format_yen(a.monthly_fee)} {a.condition}（{a.source}）")
                           for a in now.agreements]
            month_rows.append(("月額（税抜）", format_yen(now.monthly_charges)))
            self._fill(self.month_form, month_rows)
        self.under_way.setText(under_way_text(d))


def under_way_text(d: ContractDetail) -> str:
    """What is under way on the contract, in a few lines (rich text)."""
    lines = []
    if d.suspension:
        s = d.suspension
        state = "利用停止中" if s.state == "active" else "利用停止の予定"
        until = (f"〜{format_date(s.planned_end_on)}" if s.planned_end_on
                 else f"から（{s.period_text or '解除まで'}）")
        reason = escape(s.reason_text or s.reason_code)
        clause = f"　{escape(s.clause)}" if s.clause else ""
        lines.append(f"<b>{state}</b>: {reason}　{format_date(s.starts_on)}{escape(until)}{clause}")
    if d.ending and not d.ending.taken_effect:
        e = d.ending
        fee = f"　契約解除料 {format_yen(e.early_termination_fee)}" if e.early_termination_fee else ""
        last = month_text(e.last_billable_month)
        lines.append(f"<b>終了予定</b>: {format_date(e.effective_on)}（最終課金月 {last}）{fee}")
    if d.succession:
        w = d.succession
        lines.append(f"<b>地位承継</b>: {escape(w.successor_name)} 書類期限 {format_date(w.proof_deadline)}")
    return "<br>".join(lines) or "ありません。"
