"""The contract's status (契約の状態) and the moves between them: a state machine over the whole
contract lifecycle (terms-rules.md §7: SC §6, §23–27; SH §16–18, §20, §23, §26–27, §36).

``transition(status, action)`` is the one place that says which move is allowed from which
status; services and screens ask it (or :func:`allowed_actions`), never copy it. A refused move
raises :class:`TransitionRefused`, a ``ValueError`` with the reason in Japanese.

- 開通待ち → 利用中 (OPEN: the line is opened, 開通日, SH §17).
- 利用中 ⇄ 利用停止 (SUSPEND, RESUME: SC §24.1, SH §23; a suspension for non-payment lasts
  until paid).
- 開通待ち / 利用中 / 利用停止 → 解約予定 (ACCEPT_CANCELLATION: the customer's request, SC §23,
  SH §26) → 解約済 (CANCELLATION_TAKES_EFFECT, on the effective date).
- any live status → 強制解約 (TERMINATE: SC §24, §26; SH §27, §36) or 終了 (DEATH of an
  individual, SH §20).
- 開通待ち / 利用中 → 取消 (REVOKE: the identity check failed after acceptance, SH §14.2(7)).
- 解約済, 強制解約, 終了 and 取消 are final.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ContractAction", "ContractStatus", "FINAL_STATUSES", "LIVE_STATUSES", "TransitionRefused",
           "allowed_actions", "can", "is_final", "transition"]


class ContractStatus(StrEnum):
    AWAITING_OPENING = "awaiting_opening"              # 開通待ち
    ACTIVE = "active"                                  # 利用中
    SUSPENDED = "suspended"                            # 利用停止
    CANCELLATION_SCHEDULED = "cancellation_scheduled"  # 解約予定
    CANCELLED = "cancelled"                            # 解約済
    TERMINATED = "terminated"                          # 強制解約
    ENDED = "ended"                                    # 終了 (death of an individual, SH §20)
    REVOKED = "revoked"                                # 取消 (identity check failed after acceptance)

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ContractStatus.AWAITING_OPENING: "開通待ち", ContractStatus.ACTIVE: "利用中",
    ContractStatus.SUSPENDED: "利用停止", ContractStatus.CANCELLATION_SCHEDULED: "解約予定",
    ContractStatus.CANCELLED: "解約済", ContractStatus.TERMINATED: "強制解約",
    ContractStatus.ENDED: "終了", ContractStatus.REVOKED: "取消",
}


class ContractAction(StrEnum):
    OPEN = "open"                                            # 開通
    SUSPEND = "suspend"                                      # 利用停止
    RESUME = "resume"                                        # 利用再開
    ACCEPT_CANCELLATION = "accept_cancellation"              # 解約受付
    CANCELLATION_TAKES_EFFECT = "cancellation_takes_effect"  # 解約の発効
    TERMINATE = "terminate"                                  # 強制解約（契約解除）
    DEATH = "death"                                          # 死亡による終了
    REVOKE = "revoke"                                        # 契約の取消

    @property
    def label(self) -> str:
        return _ACTION_LABELS[self]


_ACTION_LABELS = {
    ContractAction.OPEN: "開通", ContractAction.SUSPEND: "利用停止", ContractAction.RESUME: "利用再開",
    ContractAction.ACCEPT_CANCELLATION: "解約の受付", ContractAction.CANCELLATION_TAKES_EFFECT: "解約の発効",
    ContractAction.TERMINATE: "強制解約", ContractAction.DEATH: "死亡による終了", ContractAction.REVOKE: "取消",
}

#: A contract in one of these is still in force (or about to be): it can be terminated or end
#: by death, and its phone numbers stay taken.
LIVE_STATUSES = frozenset({ContractStatus.AWAITING_OPENING, ContractStatus.ACTIVE, ContractStatus.SUSPENDED,
                           ContractStatus.CANCELLATION_SCHEDULED})
#: Nothing moves a contract out of these.
FINAL_STATUSES = frozenset(ContractStatus) - LIVE_STATUSES

_S, _A = ContractStatus, ContractAction
#: (from, action) -> to: every allowed move, and only those.
_MOVES: dict[tuple[ContractStatus, ContractAction], ContractStatus] = {
    (_S.AWAITING_OPENING, _A.OPEN): _S.ACTIVE,
    (_S.ACTIVE, _A.SUSPEND): _S.SUSPENDED,
    (_S.SUSPENDED, _A.RESUME): _S.ACTIVE,
    **{(status, _A.ACCEPT_CANCELLATION): _S.CANCELLATION_SCHEDULED
       for status in (_S.AWAITING_OPENING, _S.ACTIVE, _S.SUSPENDED)},
    (_S.CANCELLATION_SCHEDULED, _A.CANCELLATION_TAKES_EFFECT): _S.CANCELLED,
    **{(status, _A.TERMINATE): _S.TERMINATED for status in LIVE_STATUSES},
    **{(status, _A.DEATH): _S.ENDED for status in LIVE_STATUSES},
    (_S.AWAITING_OPENING, _A.REVOKE): _S.REVOKED,
    (_S.ACTIVE, _A.REVOKE): _S.REVOKED,
}


class TransitionRefused(ValueError):
    """A move the contract's status does not allow; the message says why, in Japanese."""

    def __init__(self, status: ContractStatus, action: ContractAction, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.action = action


def _refusal(status: ContractStatus, action: ContractAction) -> str:
    if status in FINAL_STATUSES:
        return f"契約は「{status.label}」で終わっているため、{action.label}はできません。"
    reasons = {
        _A.OPEN: "開通できるのは「開通待ち」の契約だけです。",
        _A.SUSPEND: "利用停止できるのは「利用中」の契約だけです。",
        _A.RESUME: "利用再開できるのは「利用停止」中の契約だけです。",
        _A.ACCEPT_CANCELLATION: "解約はすでに受け付けています。",
        _A.CANCELLATION_TAKES_EFFECT: "解約を受け付けていない契約は解約済にできません。",
        _A.REVOKE: "取消できるのは「開通待ち」または「利用中」の契約だけです。",
    }
    return f"契約は「{status.label}」のため、{action.label}はできません。{reasons.get(action, '')}"


def transition(status: ContractStatus, action: ContractAction) -> ContractStatus:
    """The status ``action`` moves a contract in ``status`` to; TransitionRefused otherwise."""
    status, action = ContractStatus(status), ContractAction(action)
    to = _MOVES.get((status, action))
    if to is None:
        raise TransitionRefused(status, action, _refusal(status, action))
    return to


def can(status: ContractStatus, action: ContractAction) -> bool:
    return (ContractStatus(status), ContractAction(action)) in _MOVES


def allowed_actions(status: ContractStatus) -> tuple[ContractAction, ...]:
    """The actions a contract in ``status`` allows, in the order of ContractAction (the
    buttons a contract's screen shows)."""
    return tuple(action for action in ContractAction if can(status, action))


def is_final(status: ContractStatus) -> bool:
    return ContractStatus(status) in FINAL_STATUSES
