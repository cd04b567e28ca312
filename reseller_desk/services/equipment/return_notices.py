"""Issuing the letters about lent units (domain.return_notices) as services.contract_notices issues
the contract's: 機器返却のお願い when a contract ends (inside the ending's transaction) and the
返却督促 a clerk sends for late returns, one per contract. Each is numbered (返-2026-000001,
督-…), its content frozen as JSON beside the PDF rendered then, never edited; printing again
prints the stored bytes (services.notices.notice_pdf). :func:`save_letters` writes them as files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Contract, EquipmentAccessory, EquipmentModel, EquipmentUnit, Notice, ReturnRequest
from reseller_desk.domain import rules
from reseller_desk.domain.bounds import is_record_id
from reseller_desk.domain.notices import NoticeKind, printed_clause
from reseller_desk.domain.return_notices import (
    ReturnedUnitLine,
    ReturnNoticeDetails,
    ReturnNoticeDocument,
    to_json,
)
from reseller_desk.domain.staff import Role
from reseller_desk.domain.terms import TermsProfile
from reseller_desk.services import audit, notices, numbering, records
from reseller_desk.services.contracts.acting import changing, customer_of, profile_of
from reseller_desk.services.equipment.penalties import OPEN, contract_penalty_so_far
from reseller_desk.services.errors import NotFound, ServiceError, ValidationFailed
from reseller_desk.services.permissions import Actor, require_role
from reseller_desk.services.retry import retried

__all__ = ["IssuedLetter", "SavedLetters", "issue_return_request", "save_letters", "send_reminders"]

COMBINED_NAME = "返却督促_印刷用.pdf"


@dataclass(frozen=True)
class IssuedLetter:
    notice_id: int
    number: str
    customer_name: str
    customer_code: str
    pdf: bytes


@dataclass(frozen=True)
class SavedLetters:
    files: tuple[Path, ...]
    combined: Path | None
    cancelled: bool = False


def _unit_lines(session: Session, requests: Sequence[ReturnRequest]) -> tuple[ReturnedUnitLine, ...]:
    lines = []
    for request in requests:
        unit = session.get(EquipmentUnit, request.unit_id)
        assert unit is not None  # the foreign key says so
        model = session.get(EquipmentModel, unit.model_id)
        assert model is not None
        accessories = session.scalars(select(EquipmentAccessory.name).where(EquipmentAccessory.model_id == model.id)
                                      .order_by(EquipmentAccessory.sort_order, EquipmentAccessory.id)).all()
        lines.append(ReturnedUnitLine(model.name, unit.serial_number, tuple(accessories)))
    return tuple(lines)


def _details(session: Session, contract: Contract, profile: TermsProfile, requests: Sequence[ReturnRequest],
             **reminder: object) -> ReturnNoticeDetails:
    terms = profile.rental_return
    clause = printed_clause(terms.clause) if terms else ""
    return ReturnNoticeDetails(
        customer_code=contract.customer_code, contract_ended_on=contract.ends_on or requests[0].requested_on,
        deadline=min(r.deadline for r in requests), place=requests[0].place, units=_unit_lines(session, requests),
        monthly_charges=requests[0].monthly_charges, multiplier=terms.multiplier if terms else 0,
        clause=clause.replace(", ", "・"),
        late_clause=printed_clause(terms.clause.split(",")[-1].strip()) if terms else "",
        **reminder)  # type: ignore[arg-type]


def _issue(session: Session, actor: Actor, kind: NoticeKind, contract: Contract, profile: TermsProfile,
           issued_on: dt.date, details: ReturnNoticeDetails) -> Notice:
    from reseller_desk.reports.return_notices import UnprintableNotice, render_return_notice

    customer = customer_of(session, contract)
    document = ReturnNoticeDocument(
        kind=kind, number=numbering.notice_number(session, kind.number_prefix, issued_on.year), issued_on=issued_on,
        issuer=notices.current_issuer(session), addressee=notices.addressee_of(records.customer_draft_of(customer)),
        service_name=profile.name, details=details)
    try:
        pdf = render_return_notice(document)
    except UnprintableNotice as error:
        raise ServiceError(f"通知書 {document.number} を印刷できる形にできません（{error}）。"
                           "会社名・住所・宛名の長さを確認してください。") from error
    return notices.store_contract_notice(session, actor, kind, contract, document.number, issued_on,
                                         to_json(document), pdf)


def issue_return_request(session: Session, actor: Actor, contract: Contract, profile: TermsProfile,
                         requests: Sequence[ReturnRequest], issued_on: dt.date) -> Notice:
    """機器返却のお願い for ``requests`` (the contract's open returns), in the caller's transaction."""
    return _issue(session, actor, NoticeKind.RETURN_REQUEST, contract, profile, issued_on,
                  _details(session, contract, profile, requests))


@retried
def send_reminders(db: Database, actor: Actor, request_ids: Sequence[int], *,
                   today: dt.date | None = None) -> list[IssuedLetter]:
    """返却督促 for the open returns chosen: one letter per contract (its chosen units), each
    request's reminders counted. Clerks and managers. The letters, in the order of the contracts."""
    require_role(actor, Role.CLERK, Role.MANAGER, action="返却督促の作成")
    today = today or clock.today()
    if not isinstance(request_ids, (list, tuple, set, frozenset)) or not all(is_record_id(i) for i in request_ids):
        raise NotFound("選んだ返却が見つかりません。一覧を読み込み直してください。")
    ids = list(dict.fromkeys(request_ids))
    if not ids:
        raise ValidationFailed({"requests": "督促する返却を一覧で選んでください。"})
    letters = []
    with changing(db, actor) as session:
        requests = session.scalars(select(ReturnRequest).where(ReturnRequest.id.in_(ids))
                                   .order_by(ReturnRequest.contract_id, ReturnRequest.id)).all()
        if len(requests) != len(ids):
            raise NotFound("選んだ返却の一部が見つかりません。一覧を読み込み直してください。")
        if any(r.status != OPEN for r in requests):
            raise ServiceError("選んだ返却の一部はすでに処理済みです。一覧を読み込み直してください。")
        by_contract: dict[int, list[ReturnRequest]] = {}
        for request in requests:
            by_contract.setdefault(request.contract_id, []).append(request)
        for contract_id, chosen in by_contract.items():
            contract = session.get(Contract, contract_id)
            assert contract is not None
            profile = profile_of(session, contract)
            deadline = min(r.deadline for r in chosen)
            count = max(r.reminders_sent for r in chosen) + 1
            details = _details(session, contract, profile, chosen, as_of=today,
                               days_late=max(0, (today - deadline).days),
                               months_late=rules.late_return_months(deadline, today),
                               penalty_so_far=contract_penalty_so_far(session, profile, contract, today),
                               reminder_count=count)
            row = _issue(session, actor, NoticeKind.RETURN_REMINDER, contract, profile, today, details)
            for request in chosen:
                request.reminders_sent += 1
                request.last_reminded_on = today
            session.flush()
            audit.record(session, actor, "return_request.remind", "return_request", chosen[0].id,
                         after={"notice": row.number, "requests": [r.id for r in chosen], "reminders_sent": count},
                         summary=f"返却督促 {row.number}（{contract.customer_code}、{len(chosen)}台）",
                         customer_id=contract.customer_id)
            customer = customer_of(session, contract)
            assert row.pdf is not None
            letters.append(IssuedLetter(row.id, row.number, customer.name, contract.customer_code, bytes(row.pdf)))
    return letters


def save_letters(letters: Sequence[IssuedLetter], out_dir: Path, *, combined: bool = True,
                 progress: Callable[[int, int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None) -> SavedLetters:
    """Each letter as ``<number>_<customer>.pdf`` in ``out_dir`` and, with ``combined``, all of them
    in one file to print; every file written whole (a temporary file renamed). A cancel stops after
    the file in hand (the letters stay issued: they are in the database)."""
    from reseller_desk.reports.invoice_batch import invoice_file_stem, write_file
    from reseller_desk.reports.return_notices import combined_pdf

    out_dir = Path(out_dir)
    total = len(letters) + (1 if combined else 0)
    written: list[Path] = []
    try:
        for letter in letters:
            if cancelled and cancelled():
                return SavedLetters(tuple(written), None, True)
            written.append(write_file(out_dir / f"{invoice_file_stem(letter.number, letter.customer_name)}.pdf",
                                      letter.pdf))
            if progress:
                progress(len(written), total)
        combined_path = None
        if combined and letters:
            combined_path = write_file(out_dir / COMBINED_NAME, combined_pdf(letter.pdf for letter in letters))
    except OSError as error:
        raise ServiceError(f"PDFを保存できませんでした（{out_dir}）: {error.strerror or error}") from error
    if progress:
        progress(total, total)
    return SavedLetters(tuple(written), combined_path)
