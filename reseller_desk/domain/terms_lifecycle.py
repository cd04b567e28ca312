"""The sections of a terms profile that the contract's lifecycle reads: suspension by the company
([suspension]: SC §24.1, SH §23) and termination by the company ([termination]: SC §24, §26;
SH §27, §36), each with its grounds as the terms list them (terms-rules.md §7).

Read by :mod:`reseller_desk.domain.terms` (a profile without either section is malformed: both
terms have them). Every difference is a field: whether the customer is told beforehand (SH
§23.2) or not (SC §24.1), whether the charges continue (SC §24.2, terms-rules.md §4 decision),
which ground lasts until paid (SH §23.1(1)), whether a termination accelerates every debt (SH
§27.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from reseller_desk.domain.profile_table import Table

__all__ = ["SuspensionReason", "SuspensionRules", "TerminationGround", "TerminationRules",
           "read_suspension", "read_termination"]


@dataclass(frozen=True)
class SuspensionReason:
    """One ground on which the company may suspend the service. ``until_paid``: the suspension
    lasts until the money is paid (SH §23.1(1); SC §9.13, §13) rather than for a period."""

    code: str
    clause: str
    text: str
    until_paid: bool


@dataclass(frozen=True)
class SuspensionRules:
    clause: str
    # SH §23.2: the reason, the start date and the period are told beforehand, except in an
    # emergency; SC §24.1: 事前に通知することなく.
    notice_required: bool
    # SC §24.2 (terms-rules.md §4, decision): the monthly charges continue during a suspension
    # for the customer's cause; the last month used is billed, nothing is refunded.
    charges_continue: bool
    reasons: tuple[SuspensionReason, ...]

    def reason(self, code: object) -> SuspensionReason | None:
        return next((r for r in self.reasons if r.code == code), None)


@dataclass(frozen=True)
class TerminationGround:
    code: str
    clause: str
    text: str


@dataclass(frozen=True)
class TerminationRules:
    clause: str
    # SH §27.2: the customer loses the benefit of time; every debt falls due at once.
    accelerates: bool
    acceleration_clause: str   # what is owed at the end (SH §27.2; SC §24.2 the last month used)
    grounds: tuple[TerminationGround, ...]

    def ground(self, code: object) -> TerminationGround | None:
        return next((g for g in self.grounds if g.code == code), None)


def read_suspension(t: Table) -> SuspensionRules:
    clause = t.text("clause")
    notice_required = t.flag("notice_required")
    charges_continue = t.flag("charges_continue")
    reasons = []
    for r in t.items("reasons", "利用停止の事由"):
        reasons.append(SuspensionReason(code=r.text("code"), clause=r.text("clause"), text=r.text("text"),
                                        until_paid=r.flag("until_paid")))
        r.done()
    t.done()
    return SuspensionRules(clause, notice_required, charges_continue, tuple(reasons))


def read_termination(t: Table) -> TerminationRules:
    clause = t.text("clause")
    accelerates = t.flag("accelerates")
    acceleration_clause = t.text("acceleration_clause")
    grounds = []
    for g in t.items("grounds", "解除の事由"):
        grounds.append(TerminationGround(code=g.text("code"), clause=g.text("clause"), text=g.text("text")))
        g.done()
    t.done()
    return TerminationRules(clause, accelerates, acceleration_clause, tuple(grounds))
