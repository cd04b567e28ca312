"""設定 → 機器: how many days after a contract ends its lent units are to be back (SH §13.4 leaves
the date to the office; domain.equipment.return_deadline moves it off closed days). Kept on the
company settings row beside the 会社情報 and the 請求 settings, whose version it shares: a save of
any of them makes the others' screens stale (services.billing_settings does the same)."""

from __future__ import annotations

from dataclasses import dataclass

from reseller_desk.db.database import Database
from reseller_desk.db.models import CompanySettings
from reseller_desk.domain.bounds import whole_number
from reseller_desk.domain.equipment import DEFAULT_RETURN_DAYS
from reseller_desk.services import audit, versions
from reseller_desk.services.errors import ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried
from reseller_desk.services.settings import COMPANY_ROW_ID, NO_COMPANY_ROW

__all__ = ["MAX_RETURN_DAYS", "ReturnSettings", "return_settings", "save_return_days"]

#: The longest a clerk may give a customer to send units back.
MAX_RETURN_DAYS = 90
#: A stale save of this setting: the audit records of the company row name who.
RETURNS = versions.Versioned("返却期限の設定", "company")


@dataclass(frozen=True)
class ReturnSettings:
    days: int
    version: int   # the company row's (NO_COMPANY_ROW before any save)


def _of(row: CompanySettings | None) -> ReturnSettings:
    if row is None:
        return ReturnSettings(DEFAULT_RETURN_DAYS, NO_COMPANY_ROW)
    return ReturnSettings(row.equipment_return_days, row.row_version)


def return_settings(db: Database) -> ReturnSettings:
    with db.transaction() as session:
        return _of(session.get(CompanySettings, COMPANY_ROW_ID))


@retried
def save_return_days(db: Database, actor: Actor, days: int, *, expected_version: int) -> ReturnSettings:
    """Save the days (1–90; manager only); returns the setting with the row's new version. A row
    changed since the screen read it is a ConcurrentEdit naming who; unchanged, nothing is written.
    Returns asked for already keep their deadline."""
    require_role(actor, Role.MANAGER, action="返却期限の設定の変更")
    value = whole_number(days)
    if value is None or not 1 <= value <= MAX_RETURN_DAYS:
        raise ValidationFailed({"days": f"返却期限は契約終了の1〜{MAX_RETURN_DAYS}日後から選んでください。"})
    with versions.refusing_lost_updates(RETURNS), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        row = session.get(CompanySettings, COMPANY_ROW_ID)
        current = _of(row)
        versions.check(session, RETURNS, COMPANY_ROW_ID, current.version, expected_version)
        if row is not None and current.days == value:
            return current
        if row is None:
            row = CompanySettings(id=COMPANY_ROW_ID)
            session.add(row)
        row.equipment_return_days = value
        row.updated_by_id = actor.user_id
        session.flush()
        audit.record(session, actor, "return_settings.update", "company", COMPANY_ROW_ID,
                     before={"return_days": current.days}, after={"return_days": value},
                     summary=f"返却期限の設定の変更: 契約終了の{value}日後")
        return _of(row)
