"""The contract's status (契約の状態). The statuses are those of the whole contract lifecycle
(SC §6, §23–27; SH §16–18, §20, §23, §26–27); today intake forms contracts (利用中) and the
postal identity check revokes them (取消, SH §14.2(7)). The transitions between the other
statuses arrive with the contract lifecycle.
"""

from __future__ import annotations

from enum import StrEnum


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
        return {"awaiting_opening": "開通待ち", "active": "利用中", "suspended": "利用停止",
                "cancellation_scheduled": "解約予定", "cancelled": "解約済", "terminated": "強制解約",
                "ended": "終了", "revoked": "取消"}[self.value]
