"""The models (機種) of 設定 → 機器: their details, accessories (付属品, each with the price charged
when it does not come back: SH §13.6) and prices from a month (issue 11).

A model's ``sale_price`` / ``rental_fee`` are the prices it was created with, in force before
its first change; ``equipment_price_changes`` hold the later ones, each from the first of a
month (services.equipment.prices reads them; domain.equipment.equipment_price_in decides). A
month already invoiced is never repriced, by the rule services.prices keeps for plans: a
change from such a month is refused, and so is removing one. A unit is lent or sold to a
contract of either service, so "invoiced" is read over every service here: the latest month
any invoice bills.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import (
    EquipmentAccessory,
    EquipmentModel,
    EquipmentPriceChange,
    ReturnedAccessory,
    StaffUser,
    TermsProfileRecord,
)
from reseller_desk.domain.bounds import (
    MAX_FEE,
    NOTE_MAX_LENGTH,
    is_date,
    is_record_id,
    number_problem,
    whole_number,
    yen_problem,
)
from reseller_desk.domain.equipment import EquipmentKind, EquipmentPrice, equipment_price_in
from reseller_desk.domain.text import clean_line, clean_note, is_visible, length_problem, text_type_problem
from reseller_desk.services import audit, versions
from reseller_desk.services.equipment.prices import model_prices_in
from reseller_desk.services.errors import NotFound, ValidationFailed
from reseller_desk.services.permissions import Actor, Role, confirm_actor, require_role
from reseller_desk.services.prices import _from_month_problem, _month_label, invoiced_month_problem, invoiced_through
from reseller_desk.services.retry import retried

__all__ = ["AccessoryDetails", "MODEL", "MAX_ACCESSORIES", "ModelDetails", "ModelPriceRow", "ModelRecord",
           "add_price_change", "get_model", "invoiced_through_any", "list_models", "model_price_history",
           "remove_price_change", "save_model"]

MODEL = versions.Versioned("この機種", "equipment_model")
#: What comes with one unit: a handset, its cord, an AC adapter, a LAN cable … a dozen at most.
MAX_ACCESSORIES = 20
MAX_WARRANTY_MONTHS = 120
CODE_MAX_LENGTH = 30
NAME_MAX_LENGTH = 50
MAKER_MAX_LENGTH = 50
ACCESSORY_NAME_MAX_LENGTH = 50
_CODE = re.compile(rf"[A-Za-z0-9_\-]{{1,{CODE_MAX_LENGTH}}}")
#: What the model's save says beside a price once any month is invoiced.
INVOICED_PRICE_MESSAGE = "価格は「価格改定」で適用月を指定して変更してください（請求済みの月は変わりません）"


@dataclass(frozen=True)
class ModelDetails:
    """A model as the 機種 dialog edits it (prices in yen before tax)."""

    code: str
    name: str
    kind: EquipmentKind = EquipmentKind.PHONE
    maker: str = ""
    sale_price: int = 0
    rental_fee: int = 0
    warranty_months: int = 12
    active: bool = True
    notes: str = ""


@dataclass(frozen=True)
class AccessoryDetails:
    """An accessory of a model; ``accessory_id`` None for a new one."""

    name: str
    replacement_price: int = 0
    accessory_id: int | None = None


@dataclass(frozen=True)
class ModelRecord:
    id: int
    details: ModelDetails
    accessories: tuple[AccessoryDetails, ...]
    #: The prices in force this month, and the next change after it (None: none entered).
    price_now: EquipmentPrice
    row_version: int
    next_from: dt.date | None = None
    next_price: EquipmentPrice | None = field(default=None)


@dataclass(frozen=True)
class ModelPriceRow:
    """One price of a model: the one it was created with (``change_id`` and ``from_month``
    None) or a change from ``from_month``; ``billed``: a month from it on is invoiced."""

    change_id: int | None
    from_month: dt.date | None
    sale_price: int
    rental_fee: int
    recorded_at: dt.datetime | None
    recorded_by: str
    billed: bool


# -- reading ------------------------------------------------------------------------------------
def _details(row: EquipmentModel) -> ModelDetails:
    return ModelDetails(row.code, row.name, EquipmentKind(row.kind), row.maker, row.sale_price, row.rental_fee,
                        row.warranty_months, row.active, row.notes)


def _accessories(session: Session, model_ids: Sequence[int]) -> dict[int, list[EquipmentAccessory]]:
    by_model: dict[int, list[EquipmentAccessory]] = {}
    for accessory in session.scalars(select(EquipmentAccessory).where(EquipmentAccessory.model_id.in_(model_ids))
                                     .order_by(EquipmentAccessory.sort_order, EquipmentAccessory.id)):
        by_model.setdefault(accessory.model_id, []).append(accessory)
    return by_model


def _records(session: Session, rows: Sequence[EquipmentModel], today: dt.date) -> list[ModelRecord]:
    ids = [r.id for r in rows]
    accessories = _accessories(session, ids)
    month = today.replace(day=1)
    now = model_prices_in(session, month, ids)
    later: dict[int, EquipmentPriceChange] = {}
    for change in session.scalars(select(EquipmentPriceChange).where(
            EquipmentPriceChange.model_id.in_(ids), EquipmentPriceChange.from_month > month)
            .order_by(EquipmentPriceChange.from_month.desc())):
        later[change.model_id] = change   # the soonest wins: read last
    records = []
    for row in rows:
        nxt = later.get(row.id)
        records.append(ModelRecord(
            row.id, _details(row),
            tuple(AccessoryDetails(a.name, a.replacement_price, a.id) for a in accessories.get(row.id, [])),
            now.get(row.id, EquipmentPrice(row.sale_price, row.rental_fee)), row.row_version,
            nxt.from_month if nxt else None, EquipmentPrice(nxt.sale_price, nxt.rental_fee) if nxt else None))
    return records


def list_models(db: Database, *, active_only: bool = False, today: dt.date | None = None) -> list[ModelRecord]:
    """Every model by code (or the active ones), with its accessories and this month's prices."""
    today = today if is_date(today) else clock.today()
    assert today is not None
    with db.transaction() as session:
        statement = select(EquipmentModel).order_by(EquipmentModel.code)
        if active_only:
            statement = statement.where(EquipmentModel.active.is_(True))
        return _records(session, list(session.scalars(statement)), today)


def _model(session: Session, model_id: object) -> EquipmentModel:
    row = session.get(EquipmentModel, model_id) if is_record_id(model_id) else None
    if row is None:
        raise NotFound("指定された機種は見つかりません。一覧を読み込み直してください。")
    return row


def get_model(db: Database, model_id: int, *, today: dt.date | None = None) -> ModelRecord:
    with db.transaction() as session:
        return _records(session, [_model(session, model_id)], today or clock.today())[0]


def invoiced_through_any(session: Session) -> dt.date | None:
    """The latest usage month invoiced for any service (services.prices.invoiced_through of
    each), None before the first invoice."""
    months = [invoiced_through(session, profile_id) for profile_id in session.scalars(select(TermsProfileRecord.id))]
    return max((m for m in months if m is not None), default=None)


# -- saving a model ---------------------------------------------------------------------------------
def _clean(details: ModelDetails) -> tuple[ModelDetails, dict[str, str]]:
    errors: dict[str, str] = {}
    texts = {}
    for name, label in (("code", "コード"), ("name", "名称"), ("maker", "メーカー"), ("notes", "備考")):
        value = getattr(details, name)
        problem = text_type_problem(value, label)
        if problem:
            errors[name] = problem
            texts[name] = ""
        else:
            texts[name] = clean_note(value) if name == "notes" else clean_line(value)
    if "code" not in errors:
        if not texts["code"]:
            errors["code"] = "コードを入力してください。"
        elif not _CODE.fullmatch(texts["code"]):
            errors["code"] = f"コードは半角英数字・「-」「_」の{CODE_MAX_LENGTH}文字以内です。"
    if "name" not in errors:
        problem = "名称を入力してください。" if not is_visible(texts["name"]) else \
            length_problem(texts["name"], NAME_MAX_LENGTH, "名称")
        if problem:
            errors["name"] = problem
    for name, limit, label in (("maker", MAKER_MAX_LENGTH, "メーカー"), ("notes", NOTE_MAX_LENGTH, "備考")):
        problem = None if name in errors else length_problem(texts[name], limit, label)
        if problem:
            errors[name] = problem
    kind = details.kind
    if not (isinstance(kind, str) and kind in set(EquipmentKind)):
        errors["kind"] = "種類を選んでください。"
    for name, label in (("sale_price", "販売価格"), ("rental_fee", "月額レンタル料")):
        problem = yen_problem(getattr(details, name), label, MAX_FEE)
        if problem:
            errors[name] = problem
    problem = number_problem(details.warranty_months, "保証期間", 0, MAX_WARRANTY_MONTHS, "か月")
    if problem:
        errors["warranty_months"] = problem
    if not isinstance(details.active, bool):
        errors["active"] = "有効か停止かを選んでください。"
    if errors:
        return details, errors
    return ModelDetails(texts["code"], texts["name"], EquipmentKind(kind), texts["maker"],
                        int(details.sale_price), int(details.rental_fee), int(details.warranty_months),
                        details.active, texts["notes"]), {}


def _clean_accessories(accessories: object) -> tuple[list[AccessoryDetails], dict[str, str]]:
    if not isinstance(accessories, (list, tuple)):
        return [], {"accessories": "付属品の一覧が正しく渡されていません。"}
    if len(accessories) > MAX_ACCESSORIES:
        return [], {"accessories": f"付属品は{MAX_ACCESSORIES}点までです。"}
    errors: dict[str, str] = {}
    cleaned = []
    for i, accessory in enumerate(accessories):
        if not isinstance(accessory, AccessoryDetails):
            errors[f"accessories.{i}.name"] = "付属品が正しく渡されていません。"
            continue
        name = clean_line(accessory.name) if isinstance(accessory.name, str) else None
        if name is None or not is_visible(name):
            errors[f"accessories.{i}.name"] = "付属品の名称を入力してください。"
        elif length_problem(name, ACCESSORY_NAME_MAX_LENGTH, "付属品の名称"):
            errors[f"accessories.{i}.name"] = length_problem(name, ACCESSORY_NAME_MAX_LENGTH, "付属品の名称") or ""
        problem = yen_problem(accessory.replacement_price, "付属品の弁償額", MAX_FEE)
        if problem:
            errors[f"accessories.{i}.replacement_price"] = problem
        if accessory.accessory_id is not None and not is_record_id(accessory.accessory_id):
            errors[f"accessories.{i}.name"] = "付属品が正しく渡されていません。"
        if name is not None and not problem:
            cleaned.append(AccessoryDetails(name, int(accessory.replacement_price), accessory.accessory_id))
    return cleaned, errors


def _save_accessories(session: Session, row: EquipmentModel, accessories: list[AccessoryDetails]) -> None:
    existing = {a.id: a for a in session.scalars(
        select(EquipmentAccessory).where(EquipmentAccessory.model_id == row.id))}
    kept = {a.accessory_id for a in accessories if a.accessory_id is not None}
    unknown = kept - set(existing)
    if unknown:
        raise NotFound("付属品の一覧が変わっています。画面を読み込み直してください（何も保存していません）。")
    for gone in set(existing) - kept:
        if session.scalar(select(ReturnedAccessory.id).where(ReturnedAccessory.accessory_id == gone).limit(1)):
            raise ValidationFailed({"accessories": f"付属品「{existing[gone].name}」は返却の記録に使われているため"
                                                   "削除できません（名称と弁償額は変えられます）。"})
        session.delete(existing[gone])
    for order, accessory in enumerate(accessories):
        target = existing[accessory.accessory_id] if accessory.accessory_id is not None else \
            EquipmentAccessory(model_id=row.id)
        target.name, target.replacement_price, target.sort_order = accessory.name, accessory.replacement_price, order
        session.add(target)


@retried
def save_model(db: Database, actor: Actor, model_id: int | None, details: ModelDetails,
               accessories: Sequence[AccessoryDetails] = (), *, expected_version: int | None) -> ModelRecord:
    """Add (``model_id`` None) or change a model and its accessories (the list as a whole, in
    its order: an accessory without id is added, one left out removed unless a return recorded
    it). Errors are keyed by field, an accessory's "accessories.N.field" (N from 0). Once any
    month is invoiced the prices change only through :func:`add_price_change`. A model is
    never deleted: set it 停止 (active False). ``expected_version``: the version shown
    (ignored when adding); changed since, ConcurrentEdit."""
    require_role(actor, Role.MANAGER, action="機種の変更")
    if not isinstance(details, ModelDetails):
        raise ValidationFailed({"name": "機種の内容が正しく渡されていません。"})
    if model_id is not None and not is_record_id(model_id):
        raise NotFound("指定された機種は見つかりません。")
    cleaned, errors = _clean(details)
    parts, accessory_errors = _clean_accessories(accessories)
    errors.update(accessory_errors)
    if errors:
        raise ValidationFailed(errors)
    with versions.refusing_lost_updates(MODEL), db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        row = EquipmentModel() if model_id is None else _model(session, model_id)
        before = None
        if model_id is not None:
            versions.check(session, MODEL, row.id, row.row_version, expected_version)
            before = _details(row)
            edited = [f for f in ("sale_price", "rental_fee") if getattr(cleaned, f) != getattr(row, f)]
            if edited and invoiced_through_any(session) is not None:
                raise ValidationFailed(dict.fromkeys(edited, INVOICED_PRICE_MESSAGE))
        clash = session.scalar(select(EquipmentModel.id).where(EquipmentModel.code == cleaned.code))
        if clash is not None and clash != model_id:
            raise ValidationFailed({"code": f"コード「{cleaned.code}」は他の機種で使われています。"})
        for name in ("code", "name", "kind", "maker", "sale_price", "rental_fee", "warranty_months", "active", "notes"):
            setattr(row, name, getattr(cleaned, name))
        session.add(row)
        session.flush()
        _save_accessories(session, row, parts)
        session.flush()
        after = {**dataclasses.asdict(cleaned), "accessories": [f"{a.name} {a.replacement_price:,}円" for a in parts]}
        audit.record(session, actor, f"equipment_model.{'add' if before is None else 'update'}", "equipment_model",
                     row.id, before=before, after=after, summary=f"機種: {cleaned.name}（{cleaned.code}）")
        return _records(session, [row], clock.today())[0]


# -- prices from a month ------------------------------------------------------------------------------
def _history(session: Session, row: EquipmentModel) -> list[ModelPriceRow]:
    through = invoiced_through_any(session)
    changes = session.execute(
        select(EquipmentPriceChange, StaffUser.display_name)
        .outerjoin(StaffUser, StaffUser.id == EquipmentPriceChange.recorded_by_id)
        .where(EquipmentPriceChange.model_id == row.id).order_by(EquipmentPriceChange.from_month)).all()
    history = [ModelPriceRow(None, None, row.sale_price, row.rental_fee, None, "", through is not None)]
    history += [ModelPriceRow(c.id, c.from_month, c.sale_price, c.rental_fee, c.recorded_at, name or "",
                              through is not None and through >= c.from_month) for c, name in changes]
    return history


def model_price_history(db: Database, model_id: int) -> list[ModelPriceRow]:
    """The model's prices: the one it was created with first, then each change by month."""
    with db.transaction() as session:
        return _history(session, _model(session, model_id))


def model_price_in(db: Database, model_id: int, month: dt.date) -> EquipmentPrice:
    """The model's prices in force in ``month`` (any day of it)."""
    if not is_date(month):
        raise ValidationFailed({"month": "月を日付で指定してください。"})
    with db.transaction() as session:
        row = _model(session, model_id)
        history = _history(session, row)
    return equipment_price_in(month, EquipmentPrice(row.sale_price, row.rental_fee),
                              [(h.from_month, EquipmentPrice(h.sale_price, h.rental_fee))
                               for h in history if h.from_month is not None])


@retried
def add_price_change(db: Database, actor: Actor, model_id: int, *, from_month: dt.date, sale_price: int,
                     rental_fee: int, today: dt.date | None = None) -> list[ModelPriceRow]:
    """New prices of the model from ``from_month`` (the first of a month, at most two years
    ahead: services.prices' bounds) on; returns its history. Refused beside its field when that
    month or a later one is invoiced, when the model has a change from that month already, or
    when a price is not whole yen from 0 to domain.bounds.MAX_FEE."""
    require_role(actor, Role.MANAGER, action="機種の価格改定")
    today = today if is_date(today) else clock.today()
    assert today is not None
    errors = {name: problem for name, problem in (
        ("from_month", _from_month_problem(from_month, today)),
        ("sale_price", yen_problem(sale_price, "販売価格", MAX_FEE)),
        ("rental_fee", yen_problem(rental_fee, "月額レンタル料", MAX_FEE))) if problem}
    if errors:
        raise ValidationFailed(errors)
    with db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        row = _model(session, model_id)
        through = invoiced_through_any(session)
        problem = invoiced_month_problem(through, from_month)
        if problem:
            raise ValidationFailed({"from_month": problem})
        if session.scalar(select(EquipmentPriceChange.id).where(EquipmentPriceChange.model_id == row.id,
                                                                EquipmentPriceChange.from_month == from_month)):
            raise ValidationFailed({"from_month": f"{_month_label(from_month)}からの価格改定はすでにあります。"
                                                  "変えるときは、それを削除してから追加してください。"})
        sale, rent = whole_number(sale_price), whole_number(rental_fee)
        assert sale is not None and rent is not None
        change = EquipmentPriceChange(model_id=row.id, from_month=from_month, sale_price=sale, rental_fee=rent,
                                      recorded_by_id=actor.user_id)
        session.add(change)
        session.flush()
        audit.record(session, actor, "equipment_model.price_change", "equipment_model", row.id,
                     after={"from_month": from_month.isoformat(), "sale_price": sale, "rental_fee": rent},
                     summary=f"機種の価格改定: {row.name} {_month_label(from_month)}から "
                             f"販売{sale:,}円・月額{rent:,}円")
        return _history(session, row)


@retried
def remove_price_change(db: Database, actor: Actor, change_id: int) -> list[ModelPriceRow]:
    """Remove a model's price change not yet billed; returns the model's history."""
    require_role(actor, Role.MANAGER, action="機種の価格改定の削除")
    with db.transaction(write=True) as session:
        _staff = confirm_actor(session, actor)  # held: the audit record's check then reads no row again
        change = session.get(EquipmentPriceChange, change_id) if is_record_id(change_id) else None
        if change is None:
            raise NotFound("その価格改定は見つかりません（削除済みかもしれません）。")
        row = _model(session, change.model_id)
        through = invoiced_through_any(session)
        if through is not None and through >= change.from_month:
            raise ValidationFailed({"from_month": f"{_month_label(change.from_month)}からの価格は請求済みの月"
                                                  f"（{_month_label(through)}分まで）に使われているため、削除できません。"})
        before = {"from_month": change.from_month.isoformat(), "sale_price": change.sale_price,
                  "rental_fee": change.rental_fee}
        session.delete(change)
        session.flush()
        audit.record(session, actor, "equipment_model.price_change_removed", "equipment_model", row.id,
                     before=before, summary=f"機種の価格改定の取消: {row.name} {_month_label(change.from_month)}から")
        return _history(session, row)
