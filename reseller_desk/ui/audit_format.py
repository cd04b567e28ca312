"""How an audit record reads for a manager: the action in Japanese (application.approve →
申込の承諾), the values before and after as 「名前: 値」 lines with stored codes shown as their
labels (状態: 承諾取消, 回答: 該当), lists and nested values as indented Japanese lines — no
JSON, no English key — and the CSV of what the page shows (UTF-8 with BOM, so that Excel
opens it in Japanese). Display only: nothing here changes what is stored."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

from reseller_desk.domain.application import ApplicationStatus, IdentityLetterResult, IncidentKind, ScreeningAnswer
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.customer import FIELD_LABELS, CustomerKind
from reseller_desk.domain.equipment import UnitAction, UnitStatus
from reseller_desk.domain.intake import Channel, DocumentKind, IdentityKind, PaymentMethod
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.domain.staff import Role
from reseller_desk.services.audit import AuditRecord
from reseller_desk.services.auth import LoginFailure
from reseller_desk.ui.widgets import format_local_datetime

#: What each action of the log is, in the words of the office.
ACTION_LABELS = {
    **{f"unit.{action.value}": f"機器の{action.label}" for action in UnitAction},
    "return_settings.update": "返却期限の設定の変更",
    "unit.receive_list": "機器の一括入庫", "equipment_model.add": "機種の追加", "equipment_model.update": "機種の変更",
    "equipment_model.price_change": "機種の価格改定", "equipment_model.price_change_removed": "機種の価格改定の取消",
    "equipment_sale.confirm_paid": "販売代金の入金確認",
    "application.add": "申込の受付", "application.update": "申込の変更", "application.screening": "審査の照合",
    "screening.answer": "審査項目の回答", "application.approve": "申込の承諾", "application.refuse": "申込の不承諾",
    "application.withdraw": "申込の取下げ", "application.withdrawal_request": "取下げの申し出の記録",
    "application.identity_letter": "本人確認郵便の記録", "contract.add": "契約の成立",
    "contract.revoke": "契約の取消（本人確認不可）", "notice.issue": "通知書の発行", "customer.add": "顧客の登録",
    "customer.update": "顧客情報の変更", "incident.add": "顧客の記録の追加", "company.update": "会社情報の変更",
    "bank_accounts.replace": "振込先口座の変更", "closure.add": "休業日の追加", "closure.remove": "休業日の削除",
    "plan.add": "プランの追加", "plan.update": "プランの変更", "option.add": "オプションの追加",
    "option.update": "オプションの変更", "staff.add": "担当者の登録", "staff.password": "パスワードの変更",
    "staff.login": "ログイン", "staff.login_failed": "ログインの失敗", "staff.role": "担当者の役割の変更",
    "staff.deactivate": "担当者の無効化", "staff.activate": "担当者を有効に戻す",
    "staff.password_reset": "パスワードのリセット", "demo.customers": "デモデータの作成",
    "backup.make": "バックアップの作成", "contract.import": "契約の移行（取込）",
    "contracts.import": "契約の取込（移行）",
    "price.change": "価格改定", "price.change_removed": "価格改定の取消", "billing_settings.update": "請求の設定の変更",
    "invoice.correct": "請求書の訂正", "usage.import": "通話料の取込",
    "invoice.issue": "請求書の発行（月次請求）", "bill_run.start": "月次請求の開始",
    "bill_run.finished": "月次請求の完了", "bill_run.cancelled": "月次請求の中止", "bill_run.failed": "月次請求の失敗",
    "return_request.create": "機器の返却依頼", "return_request.deadline": "返却期限の変更",
    "return_request.receive": "機器の返却受付", "return_request.lost": "機器の紛失（代替機代金）",
    "return_request.penalty": "遅延損害金の減免", "return_request.remind": "返却督促の発行",
    # warranty replacements (services.equipment.replacements)
    "warranty_replacement.ship": "保証交換品の発送", "warranty_replacement.received": "保証交換品の受領の記録",
    "warranty_replacement.returned": "交換前機器の返送受付",
    "warranty_replacement.penalty": "交換前機器の未返送違約金の請求",
    # money in (services.payments)
    "payment.receive": "入金の記録", "payment.reverse": "入金の取消", "payment.apply_credit": "過入金の充当",
    "payment.refund": "過入金の返金",
    # dunning (services.payments.dunning)
    "dunning.issue": "督促状・催告書の発行", "dunning.hold": "督促の保留", "dunning.release_hold": "督促保留の解除",
    "dunning_stages.save": "督促の段階の変更",
    "journal.export": "仕訳の書き出し", "journal_accounts.update": "会計ソフト連携の科目の変更",
    "debit.export": "口座振替依頼データの作成", "debit.result": "口座振替結果の取込",
    "debit_settings.update": "口座振替の設定の変更",
    # deposits (services.payments.deposits)
    "deposit.request": "利用保証金の依頼", "deposit.receive": "利用保証金の受領",
    "deposit.cancel": "利用保証金の依頼の取消", "deposit.settle": "利用保証金の精算",
    "deposit.refund": "利用保証金の返還",
    "deposit.settlement_due": "利用保証金の精算待ち（契約終了）",
    # statements in and matched (services.payments.statements / matching)
    "statement.import": "入金明細の取込", "statement.confirm": "入金の消込", "statement.ignore": "入金明細を対象外に",
    "statement.reopen": "入金明細を未処理に戻す", "payer_name.add": "振込依頼人名の登録",
    "payer_name.remove": "振込依頼人名の削除", "bank_csv_mapping.save": "銀行CSVの列設定の保存",
    "payment.write_off": "未収金の償却", "late_interest.assess": "遅延損害金の計上",
    "late_interest.waive": "遅延損害金の免除",
}
ENTITY_LABELS = {
    "customer": "顧客", "application": "申込", "contract": "契約", "notice": "通知書",
    "screening_item": "審査項目", "customer_incident": "顧客の記録", "staff": "担当者", "plan": "プラン",
    "option": "オプション", "company": "会社情報", "bank_account": "振込先口座", "bank_accounts": "振込先口座",
    "closure": "休業日", "closures": "休業日", "company_closures": "休業日", "incident": "顧客の記録",
    "database": "データベース", "invoice": "請求書", "bill_run": "月次請求",
    "usage_import": "通話料の取込", "unit": "機器", "equipment_model": "機種", "rental": "貸出",
    "equipment_sale": "機器の販売", "return_request": "機器の返却", "warranty_replacement": "保証交換",
    "payment": "入金",
    "dunning_letter": "督促", "dunning_hold": "督促保留", "dunning_stages": "督促の段階",
    "journal": "仕訳", "journal_accounts": "会計ソフト連携の科目",
    "debit_batch": "口座振替依頼データ", "deposit": "利用保証金",
    "statement_import": "入金明細の取込", "statement_line": "入金明細", "payer_name": "振込依頼人名",
    "bank_csv_mapping": "銀行CSVの列設定",
}
VERB_LABELS = {"add": "の追加", "update": "の変更", "remove": "の削除", "replace": "の変更", "issue": "の発行"}
#: Names of the values an audit record keeps.
VALUE_LABELS = {
    **FIELD_LABELS,
    "kind": "種類", "status": "状態", "answer": "回答", "note": "メモ", "ground": "審査項目",
    "prefilled": "システム照合",
    "decided_on": "決定日", "formed_on": "契約成立日", "customer_code": "カスタマID",
    "first_billable_month": "課金開始月", "opened_on": "開通日", "registered_on": "登録日",
    "occurred_on": "発生日", "resolved_on": "解消日", "amount": "金額", "number": "番号", "login": "ログインID",
    "role": "役割", "channel": "受付経路", "received_on": "受付日", "profile_key": "サービス", "plan_id": "プランID",
    "option_ids": "オプションID", "lines": "回線数", "payment_method": "支払方法", "debit_account": "振替口座",
    "documents": "提出書類", "customer_id": "顧客ID", "applicant": "申込者", "handled_by_id": "担当者ID",
    "hit_grounds": "該当した審査項目", "internal_note": "社内メモ", "on": "日付", "sent_on": "発送日",
    "result_on": "結果の日", "count": "件数", "monthly_fee": "月額", "initial_fee": "初期費用", "active": "有効",
    "code": "番号", "revoked_on": "取消日", "text": "審査事由", "clause": "条項", "evidence": "照合の記録",
    "identity_kind": "本人確認書類の種類", "number_last_digits": "番号下4桁", "bank_code": "金融機関コード",
    "bank_name": "金融機関名", "branch_code": "支店コード", "branch_name": "支店名", "account_type": "預金種目",
    "account_number": "口座番号", "holder_kana": "口座名義", "days": "日付", "fax": "FAX",
    "representative": "代表者", "registration_number": "登録番号", "minimum_term_months": "最低利用期間（月）",
    "early_termination_fee": "契約解除料", "requires_face_to_face": "対面販売のみ", "display_name": "氏名",
    "reason": "理由", "failed_logins": "続けて失敗した回数", "demo": "デモ用",
    "file_name": "ファイル名", "folder": "保存先", "size": "サイズ（バイト）",
    "row": "行", "rows": "行数", "added": "追加した契約", "already_imported": "取込済みの行",
    "customers_created": "新規の顧客", "customers_reused": "既存の顧客",
    "location": "場所", "serial_number": "製造番号", "model": "機種", "return_days": "返却期限（契約終了の何日後）",
    "maker": "メーカー", "sale_price": "販売価格", "rental_fee": "月額レンタル料", "warranty_months": "保証期間（月）",
    "accessories": "付属品",
    "paid_note": "入金確認のメモ", "price": "販売価格（税抜）",
    "month": "対象月", "imported": "取り込んだ通話", "dropped": "除いた行", "total_amount": "金額（税抜）",
    "from_month": "適用月", "collection_day": "口座振替日", "invoice_issue_day": "請求書発行日",
    "early_termination_tax": "契約解除料の税区分",
    "credit": "返還請求書", "replacement": "再発行の請求書", "total": "請求額",
    "deadline": "返却期限", "monthly_charges": "遅延損害金の基準額（月額）", "returned_on": "返却日",
    "missing_accessories": "不足した付属品", "damage_note": "破損の内容", "repair_cost": "修理代",
    "penalty": "遅延損害金・違約金", "penalty_charged": "請求する遅延損害金", "penalty_reason": "減免の理由",
    "penalty_so_far": "現時点の遅延損害金", "requests": "返却の記録",
    "reminders_sent": "督促回数",
    # warranty replacements
    "old_unit": "交換前の機器", "new_unit": "交換品", "shipped_on": "発送日",
    "sale_price_at_contract": "契約時の販売価格",
    "damaged": "破損",
    "billing_month": "請求月",
}
#: Stored codes shown with their Japanese labels, by the name they are kept under; the status of
#: a contract and of an identity letter are read with their own enum.
VALUE_ENUMS: dict[str, tuple[type[StrEnum], ...]] = {
    "channel": (Channel,), "status": (ApplicationStatus,), "answer": (ScreeningAnswer,),
    "payment_method": (PaymentMethod,), "identity_kind": (IdentityKind,), "role": (Role,), "reason": (LoginFailure,),
    "kind": (CustomerKind, IncidentKind, DocumentKind, NoticeKind),
}
ACTION_ENUMS: dict[str, dict[str, tuple[type[StrEnum], ...]]] = {
    "contract.revoke": {"status": (ContractStatus,)},
    "contract.import": {"status": (ContractStatus,)},
    "application.identity_letter": {"status": (IdentityLetterResult,)},
    "billing_settings.update": {"early_termination_tax": (TaxCategory,)},
    **{f"unit.{action.value}": {"status": (UnitStatus,)} for action in UnitAction},
}
CSV_HEADER = ("日時", "担当", "操作", "内容", "対象", "変更前", "変更後")
#: Who a record names when it names nobody: a failed log-in with a login ID of no account.
NO_STAFF = "—"


def action_label(action: str, entity: str = "") -> str:
    """The action in Japanese; an action not named here reads from its entity and verb."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    what, _, verb = action.partition(".")
    noun = ENTITY_LABELS.get(what) or ENTITY_LABELS.get(entity) or "記録"
    return f"{noun}{VERB_LABELS.get(verb, 'の操作')}"


def value_label(key: str, value: Any, action: str = "") -> Any:
    """A stored code as its label (as stored when unknown)."""
    if isinstance(value, str):
        for enum in ACTION_ENUMS.get(action, {}).get(key, VALUE_ENUMS.get(key, ())):
            try:
                member = enum(value)
            except ValueError:
                continue
            return getattr(member, "label", None) or getattr(member, "title", value)
    return value


def _scalar(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    return str(value)


def _lines(value: Any, key: str, action: str, indent: int) -> list[str]:
    """``value`` as readable lines: a dict as 「名前: 値」, a list of values joined by 、, a list
    of records one 「・」 line each."""
    pad = "　" * indent
    if isinstance(value, dict):
        lines = []
        for name, item in value.items():
            title = VALUE_LABELS.get(name, "その他")
            if isinstance(item, (dict, list)) and item and not _is_flat_list(item):
                lines.append(f"{pad}{title}:")
                lines += _lines(item, name, action, indent + 1)
            else:
                lines.append(f"{pad}{title}: {_flat(item, name, action)}")
        return lines
    if isinstance(value, list):
        if _is_flat_list(value):
            return [f"{pad}{_flat(value, key, action)}"]
        lines = []
        for item in value:
            if isinstance(item, dict):
                parts = [f"{VALUE_LABELS.get(k, 'その他')}: {_flat(v, k, action)}" for k, v in item.items()
                         if v not in (None, "", [], {})]
                lines.append(f"{pad}・{'、'.join(parts) or '—'}")
            else:
                lines.append(f"{pad}・{_flat(item, key, action)}")
        return lines
    return [f"{pad}{_flat(value, key, action)}"]


def _is_flat_list(value: Any) -> bool:
    return isinstance(value, list) and not any(isinstance(item, (dict, list)) for item in value)


def _flat(value: Any, key: str, action: str) -> str:
    if isinstance(value, list) and _is_flat_list(value):
        return "、".join(_scalar(value_label(key, item, action)) for item in value) or "なし"
    if isinstance(value, (dict, list)):
        return " / ".join(_lines(value, key, action, 0))
    return _scalar(value_label(key, value, action))


def format_values(value: Any, action: str = "") -> str:
    """Values before or after a change as readable Japanese lines; "" for nothing."""
    if value is None:
        return ""
    return "\n".join(_lines(value, "", action, 0))


class AuditText:
    """The texts of a record: what each column, the detail pane and the CSV say."""

    def __init__(self, application_numbers: dict[int, str] | None = None) -> None:
        self.application_numbers = application_numbers or {}

    def target(self, record: AuditRecord) -> str:
        label = ENTITY_LABELS.get(record.entity, "記録")
        if record.entity == "application" and record.entity_id in self.application_numbers:
            return f"{label} {self.application_numbers[record.entity_id]}"
        if record.entity_id is None:
            return label
        return f"{label} ID {record.entity_id}"

    def operation(self, record: AuditRecord) -> str:
        label = action_label(record.action, record.entity)
        return f"{label}: {record.summary}" if record.summary else label

    def row(self, record: AuditRecord) -> tuple[str, ...]:
        """One CSV row (the columns of :data:`CSV_HEADER`)."""
        return (format_local_datetime(record.at, seconds=True), record.user_name or NO_STAFF,
                action_label(record.action, record.entity), record.summary, self.target(record),
                format_values(record.before, record.action), format_values(record.after, record.action))

    def details(self, record: AuditRecord) -> str:
        text = [f"{format_local_datetime(record.at, seconds=True)}　{record.user_name or NO_STAFF}　"
                f"{action_label(record.action, record.entity)}",
                record.summary, f"対象: {self.target(record)}"]
        for title, value in (("変更前", record.before), ("変更後", record.after)):
            if value is not None:
                text.append(f"【{title}】\n{format_values(value, record.action)}")
        return "\n".join(line for line in text if line)


def write_csv(path: str | Path, rows: Iterable[Sequence[str]], header: Sequence[str] = CSV_HEADER) -> int:
    """Write ``rows`` under ``header`` as CSV in UTF-8 with BOM (Excel reads it as Japanese);
    returns how many rows were written."""
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
