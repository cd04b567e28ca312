"""設定 → 口座振替: what the office's collecting bank assigned it (委託者コード and name) and the
account the debits are collected into, written into every request file's header (formats.md
§1.4), and the days a customer whose debit failed is given to pay by transfer
(rules.failed_debit_due_date). Kept on the company settings row; the row's version is shared
with the 会社情報 and 請求 tabs (a save of any makes the others stale).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from reseller_desk.db.database import Database
from reseller_desk.db.models import CompanySettings
from reseller_desk.domain.bounds import whole_number
from reseller_desk.domain.text import clean_line
from reseller_desk.domain.zengin_debit import HEADER_ACCOUNT_TYPES, bank_kana, kana_problem
from reseller_desk.services import audit, versions
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried
from reseller_desk.services.settings import COMPANY_ROW_ID, NO_COMPANY_ROW

__all__ = ["ACCOUNT_TYPES", "DebitSettings", "PAY_DAYS", "debit_settings", "debit_settings_problems",
           "current", "missing_consignor_settings", "save_debit_settings"]

DEBIT = versions.Versioned("口座振替の設定", "company")
#: 預金種目 of the collecting account (formats.md §1.4 header field 11).
ACCOUNT_TYPES = {1: "普通", 2: "当座", 9: "その他"}
#: failed_debit_pay_days bounds.
PAY_DAYS = (1, 60)
_FIELDS = ("consignor_code", "consignor_name", "bank_code", "bank_name", "branch_code", "branch_name",
           "account_type", "account_number", "failed_debit_pay_days")


@dataclass(frozen=True)
class DebitSettings:
    consignor_code: str = ""       # 委託者コード, 10 digits, assigned by the bank
    consignor_name: str = ""       # 委託者名, half-width kana
    bank_code: str = ""            # 取引銀行番号 (4 digits)
    bank_name: str = ""            # half-width kana (任意)
    branch_code: str = ""          # 3 digits
    branch_name: str = ""
    account_type: int = 1
    account_number: str = ""       # 7 digits
    failed_debit_pay_days: int = 14
    version: int = NO_COMPANY_ROW

    def details(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in _FIELDS}


def _of(row: CompanySettings | None) -> DebitSettings:
    if row is None:
        return DebitSettings()
    return DebitSettings(row.debit_consignor_code, row.debit_consignor_name, row.debit_bank_code, row.debit_bank_name,
                         row.debit_branch_code, row.debit_branch_name, row.debit_account_type,
                         row.debit_account_number, row.failed_debit_pay_days, row.row_version)


def debit_settings(db: Database) -> DebitSettings:
    with db.transaction() as session:
        return _of(session.get(CompanySettings, COMPANY_ROW_ID))


def current(session: Session) -> DebitSettings:
    """The settings inside the caller's transaction."""
    return _of(session.get(CompanySettings, COMPANY_ROW_ID))


def missing_consignor_settings(settings: DebitSettings) -> list[str]:
    """What the request file's header needs and 設定 → 口座振替 lacks (names, in order)."""
    labels = {"consignor_code": "委託者コード", "consignor_name": "委託者名", "bank_code": "取引銀行番号",
              "branch_code": "取引支店番号", "account_number": "口座番号"}
    return [label for name, label in labels.items() if not getattr(settings, name)]


def _digits(value: object, length: int, label: str, *, exact: bool) -> tuple[str, str | None]:
    text = clean_line(value).replace(" ", "") if isinstance(value, str) else None
    if text is None or not text.isascii() or not text.isdigit() or len(text) > length \
            or (exact and len(text) != length):
        size = f"{length}桁" if exact else f"{length}桁以内"
        return "", f"{label}は半角数字{size}で入力してください。"
    return (text if exact else text.rjust(length, "0")), None


def _kana(value: object, length: int, label: str, *, required: bool) -> tuple[str, str | None]:
    if not isinstance(value, str):
        return "", f"{label}を入力してください。"
    text = bank_kana(clean_line(value)).strip()
    if not text:
        return "", (f"{label}を入力してください。" if required else None)
    problem = kana_problem(text)
    if problem:
        return "", f"{label}: {problem}"
    if len(text.encode("cp932")) > length:
        return "", f"{label}は半角{length}文字（濁点・半濁点も1文字）までです。"
    return text, None


def debit_settings_problems(details: object) -> tuple[dict[str, object], dict[str, str]]:
    """The settings as they will be stored (kana transliterated, numbers zero-padded) and why
    any cannot be, by field."""
    if not isinstance(details, dict):
        return {}, {"consignor_code": "口座振替の設定が正しく渡されていません。"}
    values: dict[str, object] = {}
    errors: dict[str, str | None] = {}
    values["consignor_code"], errors["consignor_code"] = _digits(details.get("consignor_code"), 10, "委託者コード",
                                                                 exact=True)
    values["consignor_name"], errors["consignor_name"] = _kana(details.get("consignor_name"), 40, "委託者名",
                                                               required=True)
    values["bank_code"], errors["bank_code"] = _digits(details.get("bank_code"), 4, "取引銀行番号", exact=True)
    values["bank_name"], errors["bank_name"] = _kana(details.get("bank_name", ""), 15, "取引銀行名", required=False)
    values["branch_code"], errors["branch_code"] = _digits(details.get("branch_code"), 3, "取引支店番号", exact=True)
    values["branch_name"], errors["branch_name"] = _kana(details.get("branch_name", ""), 15, "取引支店名",
                                                         required=False)
    kind = whole_number(details.get("account_type"))
    values["account_type"] = kind
    errors["account_type"] = (None if kind in HEADER_ACCOUNT_TYPES
                              else "預金種目は 普通・当座・その他 から選んでください。")
    values["account_number"], errors["account_number"] = _digits(details.get("account_number"), 7, "口座番号",
                                                                 exact=False)
    days = whole_number(details.get("failed_debit_pay_days"))
    values["failed_debit_pay_days"] = days
    errors["failed_debit_pay_days"] = None if days is not None and PAY_DAYS[0] <= days <= PAY_DAYS[1] else (
        f"振替不能のときの支払期限は結果の取込日から{PAY_DAYS[0]}〜{PAY_DAYS[1]}日で入力してください。")
    return values, {k: v for k, v in errors.items() if v}


@retried
def save_debit_settings(db: Database, actor: Actor, details: dict[str, object], *,
                        expected_version: int) -> DebitSettings:
    """Save the 口座振替 settings (manager only); returns them with the row's new version. A row
    changed since the tab read it is a ConcurrentEdit naming who; unchanged values write nothing."""
    require_role(actor, Role.MANAGER, action="口座振替の設定の変更")
    after, errors = debit_settings_problems(details)
    if errors:
        raise ValidationFailed(errors)
    with versions.refusing_lost_updates(DEBIT), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        row = session.get(CompanySettings, COMPANY_ROW_ID)
        now = _of(row)
        versions.check(session, DEBIT, COMPANY_ROW_ID, now.version, expected_version)
        before = now.details()
        if before == after and row is not None:
            return now
        if row is None:
            row = CompanySettings(id=COMPANY_ROW_ID)
            session.add(row)
        for name, value in after.items():
            setattr(row, name if name == "failed_debit_pay_days" else f"debit_{name}", value)
        row.updated_by_id = actor.user_id
        session.flush()
        audit.record(session, actor, "debit_settings.update", "company", COMPANY_ROW_ID, before=before, after=after,
                     summary="口座振替の設定の変更")
        return _of(row)
