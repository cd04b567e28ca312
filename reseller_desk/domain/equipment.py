"""Equipment (機器): models, units and the moves of a unit between stock and customers
(issue 11; terms-rules.md §8: SH §13, SC §10.4, §21).

A unit's status is a state machine like the contract's: ``transition(status, action)`` is the
one place that says which move is allowed from which status; services and screens ask it (or
:func:`allowed_actions`), never copy it. A refused move raises :class:`UnitMoveRefused`, a
``ValueError`` with the reason in Japanese.

- 在庫 → 貸出中 (LEND, to one contract at a time: SH §13.2) → 返却待ち (REQUEST_RETURN, when the
  contract ends: SH §13.4) → 在庫 (RETURN) or 修理中 (RETURN_FOR_REPAIR, damaged); a unit lent
  may also come back while the contract runs (RETURN, RETURN_FOR_REPAIR).
- 在庫 → 出荷待ち (SELL: the sale's charge is recorded) → 販売済 (SHIP, only once the sale's
  invoice is paid: SC §10.4) or back to 在庫 (CANCEL_SALE, before shipping).
- 在庫 → 販売済 (SHIP_REPLACEMENT: a replacement under warranty, SC §21, ships without a sale);
  the unit it replaces, 販売済 → 返却待ち (AWAIT_REPLACED_UNIT) until it comes back.
- 在庫 ⇄ 修理中 (SEND_TO_REPAIR, REPAIRED); 在庫 / 修理中 → 廃棄 (DISPOSE).
- 貸出中 / 返却待ち / 在庫 → 紛失 (DECLARE_LOST: never came back, or lost in the office).
- 紛失 and 廃棄 are final: the unit has left the office's stock.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dateutil.relativedelta import relativedelta
from netaddr import EUI, AddrFormatError, mac_unix_expanded

from reseller_desk.domain.calendar import BusinessCalendar
from reseller_desk.domain.terms import Roll, TermsProfile

__all__ = ["DEFAULT_RETURN_DAYS", "EquipmentKind", "EquipmentPrice", "FINAL_UNIT_STATUSES", "MAC_MAX_LENGTH",
           "SERIAL_MAX_LENGTH", "UnitAction", "UnitMoveRefused", "UnitStatus", "allowed_actions", "can",
           "equipment_price_in", "lending_problem", "mac_problem", "normalise_mac", "normalise_serial",
           "rental_billed_in", "replacement_problem", "return_deadline", "serial_problem", "shipping_problem",
           "transition", "warranty_ends_on"]


class EquipmentKind(StrEnum):
    PHONE = "phone"        # 電話機
    ROUTER = "router"      # ルーター
    ADAPTER = "adapter"    # アダプター
    OTHER = "other"        # その他

    @property
    def label(self) -> str:
        return {"phone": "電話機", "router": "ルーター", "adapter": "アダプター", "other": "その他"}[self.value]


class UnitStatus(StrEnum):
    IN_STOCK = "in_stock"                      # 在庫
    LENT = "lent"                              # 貸出中
    SOLD = "sold"                              # 販売済
    AWAITING_SHIPMENT = "awaiting_shipment"    # 出荷待ち
    AWAITING_RETURN = "awaiting_return"        # 返却待ち
    IN_REPAIR = "in_repair"                    # 修理中
    LOST = "lost"                              # 紛失
    DISPOSED = "disposed"                      # 廃棄

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    UnitStatus.IN_STOCK: "在庫", UnitStatus.LENT: "貸出中", UnitStatus.SOLD: "販売済",
    UnitStatus.AWAITING_SHIPMENT: "出荷待ち", UnitStatus.AWAITING_RETURN: "返却待ち",
    UnitStatus.IN_REPAIR: "修理中", UnitStatus.LOST: "紛失", UnitStatus.DISPOSED: "廃棄",
}


class UnitAction(StrEnum):
    RECEIVE = "receive"                            # 入庫 (a new unit: not a move, the first event)
    LEND = "lend"                                  # 貸出
    REQUEST_RETURN = "request_return"              # 返却依頼（契約の終了）
    RETURN = "return"                              # 返却受付
    RETURN_FOR_REPAIR = "return_for_repair"        # 返却受付（破損・修理へ）
    SELL = "sell"                                  # 販売
    SHIP = "ship"                                  # 出荷
    CANCEL_SALE = "cancel_sale"                    # 販売の取消
    SHIP_REPLACEMENT = "ship_replacement"          # 交換品の発送（保証, SC §21）
    AWAIT_REPLACED_UNIT = "await_replaced_unit"    # 交換前機器の返送待ち
    SEND_TO_REPAIR = "send_to_repair"              # 修理に出す
    REPAIRED = "repaired"                          # 修理完了
    DECLARE_LOST = "declare_lost"                  # 紛失
    DISPOSE = "dispose"                            # 廃棄

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    UnitAction.RECEIVE: "入庫", UnitAction.LEND: "貸出", UnitAction.REQUEST_RETURN: "返却依頼",
    UnitAction.RETURN: "返却受付", UnitAction.RETURN_FOR_REPAIR: "返却受付（修理へ）", UnitAction.SELL: "販売",
    UnitAction.SHIP: "出荷", UnitAction.CANCEL_SALE: "販売の取消", UnitAction.SHIP_REPLACEMENT: "交換品の発送",
    UnitAction.AWAIT_REPLACED_UNIT: "交換前機器の返送待ち", UnitAction.SEND_TO_REPAIR: "修理に出す",
    UnitAction.REPAIRED: "修理完了", UnitAction.DECLARE_LOST: "紛失", UnitAction.DISPOSE: "廃棄",
}

#: Nothing moves a unit out of these: it has left the office's stock.
FINAL_UNIT_STATUSES = frozenset({UnitStatus.LOST, UnitStatus.DISPOSED})

_S, _A = UnitStatus, UnitAction
#: (from, action) -> to: every allowed move, and only those.
_MOVES: dict[tuple[UnitStatus, UnitAction], UnitStatus] = {
    (_S.IN_STOCK, _A.LEND): _S.LENT,
    (_S.LENT, _A.REQUEST_RETURN): _S.AWAITING_RETURN,
    (_S.LENT, _A.RETURN): _S.IN_STOCK,
    (_S.LENT, _A.RETURN_FOR_REPAIR): _S.IN_REPAIR,
    (_S.AWAITING_RETURN, _A.RETURN): _S.IN_STOCK,
    (_S.AWAITING_RETURN, _A.RETURN_FOR_REPAIR): _S.IN_REPAIR,
    (_S.IN_STOCK, _A.SELL): _S.AWAITING_SHIPMENT,
    (_S.AWAITING_SHIPMENT, _A.SHIP): _S.SOLD,
    (_S.AWAITING_SHIPMENT, _A.CANCEL_SALE): _S.IN_STOCK,
    (_S.IN_STOCK, _A.SHIP_REPLACEMENT): _S.SOLD,
    (_S.SOLD, _A.AWAIT_REPLACED_UNIT): _S.AWAITING_RETURN,
    (_S.IN_STOCK, _A.SEND_TO_REPAIR): _S.IN_REPAIR,
    (_S.IN_REPAIR, _A.REPAIRED): _S.IN_STOCK,
    (_S.LENT, _A.DECLARE_LOST): _S.LOST,
    (_S.AWAITING_RETURN, _A.DECLARE_LOST): _S.LOST,
    (_S.IN_STOCK, _A.DECLARE_LOST): _S.LOST,
    (_S.IN_STOCK, _A.DISPOSE): _S.DISPOSED,
    (_S.IN_REPAIR, _A.DISPOSE): _S.DISPOSED,
}

_NEEDS = {
    _A.LEND: "貸出できるのは「在庫」の機器だけです。",
    _A.REQUEST_RETURN: "返却を依頼できるのは「貸出中」の機器だけです。",
    _A.RETURN: "返却を受け付けられるのは「貸出中」または「返却待ち」の機器だけです。",
    _A.RETURN_FOR_REPAIR: "返却を受け付けられるのは「貸出中」または「返却待ち」の機器だけです。",
    _A.SELL: "販売できるのは「在庫」の機器だけです。",
    _A.SHIP: "出荷できるのは販売を記録した「出荷待ち」の機器だけです。",
    _A.CANCEL_SALE: "販売を取り消せるのは出荷前（「出荷待ち」）の機器だけです。",
    _A.SHIP_REPLACEMENT: "交換品として発送できるのは「在庫」の機器だけです。",
    _A.AWAIT_REPLACED_UNIT: "保証交換の対象にできるのは「販売済」の機器だけです。",
    _A.SEND_TO_REPAIR: "修理に出せるのは「在庫」の機器だけです（返却された機器は返却受付で修理へ回します）。",
    _A.REPAIRED: "修理完了にできるのは「修理中」の機器だけです。",
    _A.DECLARE_LOST: "紛失にできるのは「在庫」「貸出中」「返却待ち」の機器だけです。",
    _A.DISPOSE: "廃棄できるのは「在庫」または「修理中」の機器だけです。",
}


class UnitMoveRefused(ValueError):
    """A move the unit's status does not allow; the message says why, in Japanese."""

    def __init__(self, status: UnitStatus, action: UnitAction, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.action = action


def _refusal(status: UnitStatus, action: UnitAction) -> str:
    if status in FINAL_UNIT_STATUSES:
        return f"機器は「{status.label}」で在庫から外れているため、{action.label}はできません。"
    return f"機器は「{status.label}」のため、{action.label}はできません。{_NEEDS.get(action, '')}"


def transition(status: UnitStatus, action: UnitAction) -> UnitStatus:
    """The status ``action`` moves a unit in ``status`` to; UnitMoveRefused otherwise."""
    status, action = UnitStatus(status), UnitAction(action)
    to = _MOVES.get((status, action))
    if to is None:
        raise UnitMoveRefused(status, action, _refusal(status, action))
    return to


def can(status: UnitStatus, action: UnitAction) -> bool:
    return (UnitStatus(status), UnitAction(action)) in _MOVES


def allowed_actions(status: UnitStatus) -> tuple[UnitAction, ...]:
    """The actions a unit in ``status`` allows, in the order of UnitAction."""
    return tuple(action for action in UnitAction if can(status, action))


# -- identifiers ------------------------------------------------------------------------------------
SERIAL_MAX_LENGTH = 40
MAC_MAX_LENGTH = 17
_SERIAL = re.compile(r"[A-Z0-9][A-Z0-9\-/.]*")
_MAC_DIGITS = re.compile(r"[0-9A-Fa-f]{12}")


def normalise_serial(text: str) -> str:
    """A serial number as stored: full-width to half-width (NFKC, what a scanner or an IME
    types), spaces removed, upper case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


def serial_problem(text: object) -> str | None:
    """Why ``text`` is not a serial number (after :func:`normalise_serial`), or None."""
    if not isinstance(text, str) or not normalise_serial(text):
        return "製造番号（シリアル）を入力してください。"
    serial = normalise_serial(text)
    if len(serial) > SERIAL_MAX_LENGTH:
        return f"製造番号は{SERIAL_MAX_LENGTH}文字以内です（{len(serial)}文字）。"
    if not _SERIAL.fullmatch(serial):
        return "製造番号に使えるのは英字・数字と「-」「/」「.」だけです。"
    return None


def normalise_mac(text: str) -> str:
    """A MAC address as stored: ``00:1A:2B:3C:4D:5E`` (netaddr reads 00-1a-2b…, 001a.2b3c…,
    001A2B3C4D5E); "" for none. ValueError when it is not one."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return ""
    # netaddr alone reads "00:1A:2B" as 00:00:00:1A:00:2B: twelve hex digits are required first.
    digits = re.sub(r"[:\-.]", "", text)
    try:
        if not _MAC_DIGITS.fullmatch(digits):
            raise ValueError(text)
        return str(EUI(digits, version=48, dialect=mac_unix_expanded)).upper()
    except (AddrFormatError, TypeError, ValueError) as error:
        raise ValueError("MAC アドレスは 00:1A:2B:3C:4D:5E のような12桁の16進数で入力してください。") from error


def mac_problem(text: object) -> str | None:
    """Why ``text`` is not a MAC address (blank is allowed: not every unit has one), or None."""
    if text is None:
        return None
    if not isinstance(text, str):
        return "MAC アドレスが正しく渡されていません。"
    try:
        normalise_mac(text)
    except ValueError as error:
        return str(error)
    return None


# -- rules ---------------------------------------------------------------------------------------------
#: Days after the contract ends by which lent units are to be back (a company setting; this is
#: its default: terms-rules.md §8, SH §13.4 leaves the date to the office).
DEFAULT_RETURN_DAYS = 14


def lending_problem(profile: TermsProfile) -> str | None:
    """Why units cannot be lent under ``profile``, or None: lending needs the terms to say how a
    lent unit comes back and what a late return costs (SH §13; SC has no rental clause)."""
    if profile.rental_return is None:
        return (f"{profile.name}の約款には機器の貸与（返却・遅延損害金）の定めがないため、貸出できません。"
                "販売で対応してください。")
    return None


def rental_billed_in(month: dt.date, lent_on: dt.date, returned_on: dt.date | None,
                     last_billable_month: dt.date | None) -> bool:
    """Whether a rental is billed for usage ``month`` (its first day): lent on any day of the
    month, up to the contract's last billable month; no proration (terms-rules.md §4). After
    the contract ends a unit not back costs the late-return penalty, not rent (§8)."""
    month = month.replace(day=1)
    next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    if lent_on >= next_month:
        return False
    if returned_on is not None and returned_on < month:
        return False
    return last_billable_month is None or month <= last_billable_month


def return_deadline(profile: TermsProfile, company: BusinessCalendar, contract_ends_on: dt.date,
                    days: int = DEFAULT_RETURN_DAYS) -> dt.date:
    """The day lent units are to be back: ``days`` after the contract ends, moved off the
    office's closed days as the profile says (``[rental_return] deadline_roll``, SH §13.4: the
    date the office names)."""
    if profile.rental_return is None:
        raise ValueError(lending_problem(profile))
    deadline = contract_ends_on + dt.timedelta(days=days)
    roll = profile.rental_return.deadline_roll
    if roll is Roll.NEXT_BUSINESS_DAY:
        return company.on_or_after(deadline)
    if roll is Roll.PREVIOUS_BUSINESS_DAY:
        return company.on_or_before(deadline)
    return deadline


def shipping_problem(paid: bool) -> str | None:
    """Why a sold unit may not ship yet, or None. SC §10.4: bought equipment ships once it is
    paid for, whatever the payment method; the office does the same under SH, whose terms are
    silent (decision, docs/decisions.md, equipment)."""
    if not paid:
        return ("販売した機器は代金の入金を確認してから出荷します（SC §10.4）。"
                "入金を確認したら、管理者が「入金確認」を記録してください。")
    return None


def warranty_ends_on(shipped_on: dt.date, warranty_months: int) -> dt.date:
    """The last day of a sold unit's warranty of ``warranty_months`` months from the day it
    shipped, counted as the Civil Code counts a period of months (民法 §140, §143): from the next
    day, ending the day before the same day that many months on, or on the last day of that
    month when it has no such day."""
    start = shipped_on + dt.timedelta(days=1)
    same_day: dt.date = start + relativedelta(months=warranty_months)
    if same_day.day < start.day:   # no such day (31 → 30th, February): the month's last day
        return same_day
    return same_day - dt.timedelta(days=1)


def replacement_problem(profile: TermsProfile, shipped_on: dt.date | None, warranty_months: int,
                        today: dt.date) -> str | None:
    """Why a sold unit cannot be replaced under warranty, or None (SC §21: only equipment bought
    from the office, under its warranty; SH has no warranty clause)."""
    if profile.replacement is None:
        return f"{profile.name}の約款には保証交換の定めがありません。"
    if shipped_on is None:
        return "出荷していない機器は保証交換できません。"
    ends = warranty_ends_on(shipped_on, warranty_months)
    if today > ends:
        return f"保証期間は {ends.year}年{ends.month}月{ends.day}日 までで、終了しています。"
    return None


@dataclass(frozen=True)
class EquipmentPrice:
    """A model's prices (yen before tax): what a unit sells for, and its rent a month."""

    sale_price: int
    rental_fee: int


def equipment_price_in(month: dt.date, created_with: EquipmentPrice,
                       changes: Iterable[tuple[dt.date, EquipmentPrice]]) -> EquipmentPrice:
    """The model's prices in force in ``month``: the latest change from a month ≤ it (as for
    plans: domain.prices), else the prices it was created with."""
    month = month.replace(day=1)
    in_force = [(from_month, price) for from_month, price in changes if from_month <= month]
    if not in_force:
        return created_with
    return max(in_force, key=lambda change: change[0])[1]
