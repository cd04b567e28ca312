"""価格改定: a plan's or option's price from a month on, with its history (issue 10; terms-rules.md
§4 decisions: a price change takes effect from a month and never rewrites past months).

``plans.monthly_fee`` / ``initial_fee`` (and the option's) are the price the item was created
with, in force before its first change; ``price_changes`` rows hold the later prices, each from
the first day of a month (domain.prices.price_in reads them). A month that is already invoiced
for the item's terms profile is never repriced: a change from that month, or from an earlier
one, is refused, and so is removing a change whose month is invoiced. "Invoiced" is read per
terms profile, not per item (an invoice line does not name the plan it bills): once any
account of the service has an invoice for month M, no price of that service changes for M.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Invoice, Plan, PlanOption, PriceChange, StaffUser
from reseller_desk.domain.billing import NamedPrice
from reseller_desk.domain.bounds import EARLIEST_DATE, MAX_FEE, is_date, is_record_id, years_after, yen_problem
from reseller_desk.domain.invoice_document import InvoiceKind
from reseller_desk.domain.prices import Price, PricedItem, price_in
from reseller_desk.domain.prices import PriceChange as PriceChangeValue
from reseller_desk.services import audit
from reseller_desk.services.errors import NotFound, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.retry import retried

__all__ = [
    "INVOICED_PRICE_MESSAGE", "PRICE_HORIZON_YEARS", "Price", "PriceHistoryRow", "PriceNow", "PricedItem",
    "add_price_change", "invoiced_month_problem", "invoiced_through", "price_history", "price_in_month", "prices_now",
    "remove_price_change",
]

#: How far ahead a price change may be entered: next year's price list is decided a year or so
#: ahead; a month in 2090 is a slip of the month picker (the same horizon as closure days).
PRICE_HORIZON_YEARS = 2

#: What the plan and option save says beside a fee field once the service has been invoiced.
INVOICED_PRICE_MESSAGE = "価格は「価格改定」で適用月を指定して変更してください（請求済みの月は変わりません）"


@dataclass(frozen=True)
class PriceHistoryRow:
    """One price of an item: the one it was created with (``change_id`` and ``from_month``
    None, in force from the start) or a change from ``from_month``. ``billed``: a month from this
    price on is already invoiced for the item's service, so it cannot be removed."""

    change_id: int | None
    from_month: dt.date | None
    monthly_fee: int
    initial_fee: int
    recorded_at: dt.datetime | None
    recorded_by: str
    billed: bool


@dataclass(frozen=True)
class PriceNow:
    """The price in force in a month, and the next change after it (None: none entered)."""

    price: Price
    next_from: dt.date | None = None
    next_price: Price | None = None


def _model(item: PricedItem) -> type[Plan] | type[PlanOption]:
    return PlanOption if item is PricedItem.OPTION else Plan


def _noun(item: PricedItem) -> str:
    return "オプション" if item is PricedItem.OPTION else "プラン"


def _entity(item: PricedItem) -> str:
    """The audit log's name of the item, as services.settings writes it."""
    return "option" if item is PricedItem.OPTION else "plan"


def _item(value: object) -> PricedItem:
    if isinstance(value, str) and value in set(PricedItem):
        return PricedItem(value)
    raise NotFound("価格を改定するプランかオプションを選んでください。")


def _row(session: Session, item: PricedItem, item_id: object) -> Plan | PlanOption:
    row = session.get(_model(item), item_id) if is_record_id(item_id) else None
    if not isinstance(row, (Plan, PlanOption)):
        raise NotFound(f"{_noun(item)} {item_id} は見つかりません。")
    return row


def _change_column(item: PricedItem) -> InstrumentedAttribute[int | None]:
    return PriceChange.option_id if item is PricedItem.OPTION else PriceChange.plan_id


def invoiced_through(session: Session, terms_profile_id: int) -> dt.date | None:
    """The latest usage month invoiced for the terms profile (an invoice, not a credit
    invoice), None before the first: every month up to it is billed at the prices it had."""
    latest: dt.date | None = session.scalar(select(func.max(Invoice.billing_month)).where(
        Invoice.terms_profile_id == terms_profile_id, Invoice.kind == InvoiceKind.INVOICE))
    return latest


def _history(session: Session, item: PricedItem, row: Plan | PlanOption) -> list[PriceHistoryRow]:
    through = invoiced_through(session, row.terms_profile_id)
    changes = session.execute(
        select(PriceChange, StaffUser.display_name).outerjoin(StaffUser, StaffUser.id == PriceChange.recorded_by_id)
        .where(_change_column(item) == row.id).order_by(PriceChange.from_month)).all()
    history = [PriceHistoryRow(None, None, row.monthly_fee, row.initial_fee, None, "", through is not None)]
    history += [PriceHistoryRow(change.id, change.from_month, change.monthly_fee, change.initial_fee,
                                change.recorded_at, name or "", through is not None and through >= change.from_month)
                for change, name in changes]
    return history


def _values(item: PricedItem, item_id: int, history: list[PriceHistoryRow]) -> list[PriceChangeValue]:
    return [PriceChangeValue(item, item_id, h.from_month, h.monthly_fee, h.initial_fee)
            for h in history if h.from_month is not None]


def price_history(db: Database, item: PricedItem, item_id: int) -> list[PriceHistoryRow]:
    """The item's prices, the one it was created with first, then each change by month."""
    item = _item(item)
    with db.transaction() as session:
        return _history(session, item, _row(session, item, item_id))


def price_in_month(db: Database, item: PricedItem, item_id: int, month: dt.date) -> Price:
    """The price of the item in force in ``month`` (any day of it)."""
    item = _item(item)
    if not is_date(month):
        raise ValidationFailed({"month": "月を日付で指定してください。"})
    with db.transaction() as session:
        row = _row(session, item, item_id)
        history = _history(session, item, row)
    return price_in(month, Price(row.monthly_fee, row.initial_fee), _values(item, row.id, history))


def prices_now(db: Database, item: PricedItem, month: dt.date, item_ids: list[int] | None = None
               ) -> dict[int, PriceNow]:
    """id → the price in force in ``month`` and the next change after it, for every item of the
    kind (or those of ``item_ids``): what the プラン・オプション tables show, in two queries."""
    item = _item(item)
    month = month.replace(day=1)
    model = _model(item)
    with db.transaction() as session:
        statement = select(model.id, model.monthly_fee, model.initial_fee)
        if item_ids is not None:
            statement = statement.where(model.id.in_([i for i in item_ids if is_record_id(i)]))
        rows = session.execute(statement).all()
        column = _change_column(item)
        changes = session.execute(select(column, PriceChange.from_month, PriceChange.monthly_fee,
                                         PriceChange.initial_fee).where(column.in_([r[0] for r in rows]))).all()
    by_item: dict[int, list[PriceChangeValue]] = {}
    for item_id, from_month, monthly, initial in changes:
        assert item_id is not None
        by_item.setdefault(item_id, []).append(PriceChangeValue(item, item_id, from_month, monthly, initial))
    result = {}
    for item_id, monthly, initial in rows:
        mine = by_item.get(item_id, [])
        later = min((c for c in mine if c.from_month > month), key=lambda c: c.from_month, default=None)
        result[item_id] = PriceNow(price_in(month, Price(monthly, initial), mine),
                                   later.from_month if later else None, later.price if later else None)
    return result


def named_prices_in(session: Session, month: dt.date, plan_ids: Collection[int] | None = None,
                    option_ids: Collection[int] | None = None) -> tuple[dict[int, NamedPrice], dict[int, NamedPrice]]:
    """Inside the caller's transaction: plan id → and option id → the name and the price in
    force in ``month`` (domain.prices.price_in over the changes from a month ≤ it), for every
    plan and option, or those of the ids given. What the billing run and the contract screens
    read, in four queries."""
    month = month.replace(day=1)
    found: list[dict[int, NamedPrice]] = []
    for item, ids in ((PricedItem.PLAN, plan_ids), (PricedItem.OPTION, option_ids)):
        model, column = _model(item), _change_column(item)
        statement = select(model.id, model.name, model.monthly_fee, model.initial_fee)
        changes = select(column, PriceChange.from_month, PriceChange.monthly_fee, PriceChange.initial_fee).where(
            column.is_not(None), PriceChange.from_month <= month)
        if ids is not None:
            statement, changes = statement.where(model.id.in_(ids)), changes.where(column.in_(ids))
        by_item: dict[int, list[PriceChangeValue]] = {}
        for item_id, from_month, monthly, initial in session.execute(changes):
            by_item.setdefault(item_id, []).append(PriceChangeValue(item, item_id, from_month, monthly, initial))
        named = {}
        for item_id, name, monthly, initial in session.execute(statement):
            price = price_in(month, Price(monthly, initial), by_item.get(item_id, ()))
            named[item_id] = NamedPrice(name, price.monthly_fee, price.initial_fee)
        found.append(named)
    return found[0], found[1]


def _month_label(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def _next_month(month: dt.date) -> dt.date:
    after: dt.date = month.replace(day=1) + relativedelta(months=1)
    return after


def _from_month_problem(value: object, today: dt.date) -> str | None:
    if not is_date(value):
        return "適用月を選んでください。"
    assert isinstance(value, dt.date)
    if value.day != 1:
        return "適用月は月の初日（1日）で指定してください。"
    latest = years_after(today, PRICE_HORIZON_YEARS).replace(day=1)
    if value < EARLIEST_DATE:
        return f"適用月は{_month_label(EARLIEST_DATE)}以降にしてください。"
    if value > latest:
        return f"適用月は{PRICE_HORIZON_YEARS}年先（{_month_label(latest)}）までにしてください。"
    return None


def invoiced_month_problem(through: dt.date | None, from_month: dt.date) -> str | None:
    """Why a price cannot change from ``from_month`` when the months up to ``through`` are
    invoiced (a price change never rewrites an invoiced month), or None. Plans, options and
    equipment models alike."""
    if through is None or through < from_month:
        return None
    return (f"{_month_label(through)}分まで請求済みです。適用月は{_month_label(_next_month(through))}以降にしてください"
            "（請求済みの月の価格は変えられません）。")


@retried
def add_price_change(db: Database, actor: Actor, item: PricedItem, item_id: int, *, from_month: dt.date,
                     monthly_fee: int, initial_fee: int, today: dt.date | None = None) -> list[PriceHistoryRow]:
    """A new price of the item from ``from_month`` (the first of a month, at most
    :data:`PRICE_HORIZON_YEARS` ahead) on; returns the item's history. Refused beside its field
    when that month or a later one is already invoiced for the item's service (a price change
    never rewrites an invoiced month), when the item has a change from that month already, or
    when a fee is not whole yen from 0 to domain.bounds.MAX_FEE (as the plan's own fees)."""
    item = _item(item)
    require_role(actor, Role.MANAGER, action="価格改定")
    today = today if is_date(today) else clock.today()
    assert today is not None
    errors = {field: problem for field, problem in (
        ("from_month", _from_month_problem(from_month, today)),
        ("monthly_fee", yen_problem(monthly_fee, "月額料金", MAX_FEE)),
        ("initial_fee", yen_problem(initial_fee, "初期費用", MAX_FEE))) if problem}
    if errors:
        raise ValidationFailed(errors)
    with db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        row = _row(session, item, item_id)
        through = invoiced_through(session, row.terms_profile_id)
        problem = invoiced_month_problem(through, from_month)
        if problem:
            raise ValidationFailed({"from_month": problem})
        column = _change_column(item)
        if session.scalar(select(PriceChange.id).where(column == row.id, PriceChange.from_month == from_month)):
            raise ValidationFailed({"from_month": f"{_month_label(from_month)}からの価格改定はすでにあります。"
                                                  "変えるときは、それを削除してから追加してください。"})
        change = PriceChange(from_month=from_month, monthly_fee=int(monthly_fee), initial_fee=int(initial_fee),
                             recorded_by_id=actor.user_id,
                             **({"option_id": row.id} if item is PricedItem.OPTION else {"plan_id": row.id}))
        session.add(change)
        session.flush()
        after = {"from_month": from_month.isoformat(), "monthly_fee": change.monthly_fee,
                 "initial_fee": change.initial_fee}
        audit.record(session, actor, "price.change", _entity(item), row.id, after=after,
                     summary=f"価格改定: {row.name} {_month_label(from_month)}から 月額{change.monthly_fee:,}円")
        return _history(session, item, row)


@retried
def remove_price_change(db: Database, actor: Actor, change_id: int) -> list[PriceHistoryRow]:
    """Remove a price change not yet billed (no invoice of its month or later for the item's
    service); returns the item's history. A billed one is refused: its months keep its price."""
    require_role(actor, Role.MANAGER, action="価格改定の削除")
    with db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        change = session.get(PriceChange, change_id) if is_record_id(change_id) else None
        if change is None:
            raise NotFound("その価格改定は見つかりません（削除済みかもしれません）。")
        item = PricedItem.OPTION if change.option_id is not None else PricedItem.PLAN
        row = _row(session, item, change.option_id if change.option_id is not None else change.plan_id)
        through = invoiced_through(session, row.terms_profile_id)
        if through is not None and through >= change.from_month:
            raise ValidationFailed({"from_month": f"{_month_label(change.from_month)}からの価格は請求済みの月"
                                                  f"（{_month_label(through)}分まで）に使われているため、削除できません。"})
        before = {"from_month": change.from_month.isoformat(), "monthly_fee": change.monthly_fee,
                  "initial_fee": change.initial_fee}
        session.delete(change)
        session.flush()
        audit.record(session, actor, "price.change_removed", _entity(item), row.id, before=before,
                     summary=f"価格改定の取消: {row.name} {_month_label(change.from_month)}から")
        return _history(session, item, row)
