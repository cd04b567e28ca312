"""The demo office: its staff, company details, transfer accounts, closure days, plans and
options of both services, its N customers and their contracts with a year of history, and
applications at every status (``fill_demo``, what ``reseller-desk demo`` runs)."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.jp import cn as corporate_number_std

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import CompanySettings, Customer, StaffUser, utcnow
from reseller_desk.demo.applications import demo_applications
from reseller_desk.demo.billing import bill_demo_months
from reseller_desk.demo.contracts import insert_contracts, insert_rows
from reseller_desk.demo.equipment import fill_equipment
from reseller_desk.demo.payments import fill_payments
from reseller_desk.demo.people import demo_customer
from reseller_desk.demo.stories import Office, OptionInfo, PlanInfo, Story
from reseller_desk.demo.tales import office_stories
from reseller_desk.domain.calendar import year_end_closure_days
from reseller_desk.domain.charges import TaxCategory
from reseller_desk.domain.company import BankAccountDetails, CompanyDetails, PlanDetails
from reseller_desk.domain.customer import CustomerDraft, CustomerKind
from reseller_desk.domain.staff import Role
from reseller_desk.domain.terms import load_profile
from reseller_desk.services import audit, settings
from reseller_desk.services.auth import actor_of
from reseller_desk.services.customers import stored_values
from reseller_desk.services.database_info import database_state, demo_refusal, mark_demo
from reseller_desk.services.errors import PermissionDenied
from reseller_desk.services.permissions import Actor
from reseller_desk.services.retry import retried
from reseller_desk.services.staff import insert_staff

#: The demo office's staff: (login, name, role, password). The passwords are public (README,
#: and `reseller-desk demo` prints them); the accounts are marked demo_account. A real
#: database never has a default password: its first manager is created at the first start.
DEMO_STAFF = (("kanri", "管理 花子", Role.MANAGER, "kanri-demo"), ("jimu", "事務 太郎", Role.CLERK, "jimu-demo"))


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    plans: int
    options: int
    applications: int = 0
    contracts: int = 0
    statuses: dict[str, int] = field(default_factory=dict)   # contracts per status label
    invoices: int = 0


DEMO_PLANS = [
    PlanDetails("simpleconnect", "SC-BASIC", "SimpleConnect ベーシック", 2980, 5000, 1, 0),
    PlanDetails("simpleconnect", "SC-STANDARD", "SimpleConnect スタンダード", 4980, 10000, 1, 0),
    PlanDetails("simpleconnect", "SC-F2F", "SimpleConnect 対面契約プラン", 3980, 5000, 1, 0, True,
                notes="SC §6.4: 対面販売・顔写真付き身分証明書が必要"),
    PlanDetails("sokujitsu", "SH-LIGHT", "即日発番 ライト", 1980, 3000, 12, 10000),
    PlanDetails("sokujitsu", "SH-BUSINESS", "即日発番 ビジネス", 3980, 5000, 24, 20000),
]
DEMO_OPTIONS = [
    PlanDetails("simpleconnect", "SC-REC", "通話録音", 500, 0, 0),
    PlanDetails("simpleconnect", "SC-IVR", "自動音声応答（IVR）", 1000, 3000, 0),
    PlanDetails("simpleconnect", "SC-NUM", "追加電話番号", 300, 1000, 0),
    PlanDetails("sokujitsu", "SH-NUM", "追加電話番号", 500, 1000, 0),
    PlanDetails("sokujitsu", "SH-REC", "通話録音", 800, 0, 0),
    PlanDetails("sokujitsu", "SH-PHONE", "IP電話機レンタル", 600, 0, 0),
]
DEMO_COMPANY = CompanyDetails(
    name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号 みらいビル4F",
    phone="03-5289-7410", fax="03-5289-7411", email="support@mirai-telecom.example.co.jp",
    representative="代表取締役 高田 誠",
    registration_number="T" + corporate_number_std.calc_check_digit("010001234567") + "010001234567",
)
#: The office's transfer accounts, named as the office writes them; the codes are those of
#: these branches in zengin-code (0005-331 is 三菱ＵＦＪ 神田, 0009-220 is 三井住友 神田駅前).
DEMO_BANK_ACCOUNTS = [
    BankAccountDetails("0005", "三菱UFJ銀行", "331", "神田支店", "普通", "1234567", "ｶ)ﾐﾗｲﾃﾚｺﾑ"),
    BankAccountDetails("0009", "三井住友銀行", "220", "神田駅前支店", "普通", "7654321", "ｶ)ﾐﾗｲﾃﾚｺﾑ"),
]


@retried
def ensure_demo_staff(db: Database) -> list[Actor]:
    """The demo office's 管理者 and 事務, with the public demo passwords, marked as demo accounts
    (staff.insert_staff) and recorded in the audit log as added by the demo manager. The same
    transaction marks the database demo, and refuses (PermissionDenied) one that is neither new
    nor demo already: an office database never gets these accounts."""
    actors = []
    with db.transaction(write=True) as session:
        mark_demo(session)
        added = []
        for login, name, role, password in DEMO_STAFF:
            user = session.scalars(select(StaffUser).where(StaffUser.login == login)).first()
            if user is None:
                user = insert_staff(session, login, name, role, password, demo=True)
                added.append(user)
            actors.append(actor_of(user))
        for user in added:
            audit.record(session, actors[0], "staff.add", "staff", user.id,
                         after={"login": user.login, "name": user.display_name, "role": user.role, "demo": True},
                         summary=f"デモ用担当者を登録: {user.display_name}")
    return actors


def _customer_rows(session: Session, actor: Actor, drafts: Sequence[CustomerDraft], chunk: int) -> list[int]:
    """Bulk insert (one executemany per chunk, not one ORM object per row); the new ids, in order.

    Each row's created_at is one microsecond after the one before, so that it tells which id
    each draft got (demo.contracts.insert_rows)."""
    now = utcnow()
    ids: list[int] = []
    table = Customer.__table__
    for start in range(0, len(drafts), chunk):
        rows = []
        for i, draft in enumerate(drafts[start:start + chunk], start):
            at = now + dt.timedelta(microseconds=i)
            row = stored_values(draft)
            row.update(created_at=at, updated_at=at, created_by_id=actor.user_id, updated_by_id=actor.user_id,
                       row_version=1)
            rows.append(row)
        made = insert_rows(session, table, rows, "created_at")
        ids += [made[row["created_at"]] for row in rows]
    audit.record(session, actor, "demo.customers", "customer", None, after={"count": len(drafts)},
                 summary=f"デモ顧客 {len(drafts)}件を作成")
    return ids


@retried
def insert_customers(db: Database, actor: Actor, drafts: list[CustomerDraft], chunk: int = 5000) -> None:
    """Customers only, in bulk, in one transaction (audited as one record with their count)."""
    with db.transaction(write=True) as session:
        _customer_rows(session, actor, drafts, chunk)


def demo_office(db: Database, today: dt.date) -> Office:
    """What the contracts' stories read of the office just set up: its plans and options per
    profile, its company calendar (closure days included) and today."""
    plans: dict[str, list[PlanInfo]] = {}
    for p in settings.list_plans(db):
        d = p.details
        plans.setdefault(d.profile_key, []).append(PlanInfo(p.id, d.code, d.name, d.profile_key, d.monthly_fee,
                                                            d.minimum_term_months, d.early_termination_fee,
                                                            d.requires_face_to_face))
    options: dict[str, list[OptionInfo]] = {}
    for o in settings.list_options(db):
        options.setdefault(o.details.profile_key, []).append(OptionInfo(o.id, o.details.code, o.details.profile_key))
    profiles = {key: load_profile(key) for key in plans}
    return Office(profiles, plans, {key: options.get(key, []) for key in plans}, settings.company_calendar(db), today)


@retried
def insert_customers_and_contracts(db: Database, manager: Actor, clerk: Actor, drafts: list[CustomerDraft],
                                   office: Office, stories: list[Story], chunk: int = 5000) -> Counter[str]:
    """The customers and their contracts with their history, in one transaction: a fill stopped
    part-way leaves either both or neither."""
    with db.transaction(write=True) as session:
        customer_ids = _customer_rows(session, manager, drafts, chunk)
        company = session.scalars(select(CompanySettings)).first()
        tax = company.early_termination_tax if company else TaxCategory.OUTSIDE
        profile_ids = {key: settings.profile_record(session, key).id for key in office.profiles}
        return insert_contracts(session, manager, clerk, stories, customer_ids, drafts, now=utcnow(),
                                today=office.today, tax=tax, profile_ids=profile_ids,
                                rng=random.Random(len(drafts)), chunk=chunk)


def fill_demo(db: Database, customers: int, seed: int = 1) -> DemoSummary:
    """Fill a new database with a demo office and mark it demo (services.database_info).
    Refuses (PermissionDenied, writing nothing) a database that has staff or customers and is
    not marked demo, and a demo database that already has its customers. A demo fill that was
    stopped part-way (its customers are written in one transaction) can be run again: what it
    had saved of the company, plans and options is kept and the rest added."""
    problem = demo_refusal(database_state(db))
    if problem:
        raise PermissionDenied(problem)
    manager, clerk = ensure_demo_staff(db)
    rng = random.Random(seed)
    # Like the command line, the demo changes what it reads just now: the versions it passes
    # are the current ones (a fill stopped part-way may have saved these already).
    settings.save_company(db, manager, DEMO_COMPANY, expected_version=settings.get_company_record(db).row_version)
    settings.save_bank_accounts(db, manager, DEMO_BANK_ACCOUNTS,
                                expected_versions=settings.account_versions(settings.list_bank_accounts(db)))
    today = clock.today()
    for year in range(today.year - 2, today.year + 2):  # the contracts' history goes back two years
        settings.add_closures(db, manager, year_end_closure_days(year), "年末年始休業")
        settings.add_closures(db, manager, [dt.date(year, 8, d) for d in (13, 14, 15)], "夏季休業")
    saved = {(p.details.profile_key, p.details.code) for p in settings.list_plans(db)}
    for plan in DEMO_PLANS:
        if (plan.profile_key, plan.code) not in saved:
            settings.save_plan(db, manager, None, plan, expected_version=None)
    saved = {(o.details.profile_key, o.details.code) for o in settings.list_options(db)}
    for option in DEMO_OPTIONS:
        if (option.profile_key, option.code) not in saved:
            settings.save_option(db, manager, None, option, expected_version=None)
    drafts = [demo_customer(rng) for _ in range(customers)]
    office = demo_office(db, today)
    stories = office_stories(office, rng, [d.kind == CustomerKind.INDIVIDUAL for d in drafts])
    statuses = insert_customers_and_contracts(db, manager, clerk, drafts, office, stories)
    count = demo_applications(db, manager, clerk, rng, today)
    fill_equipment(db, manager, clerk, today)
    invoices = bill_demo_months(db, clerk, today)
    fill_payments(db, clerk, today)
    return DemoSummary(customers, len(DEMO_PLANS), len(DEMO_OPTIONS), count, len(stories), dict(statuses), invoices)
