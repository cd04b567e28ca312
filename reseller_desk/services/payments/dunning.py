"""督促 (issue 12), in one place for the screen and the CLI: the stages in 設定
(:mod:`.dunning_stages`), who is at which stage and the suspension candidates
(:mod:`.dunning_list`), issuing a stage's notices (:mod:`.dunning_issue`) and holds
(:mod:`.dunning_holds`). Everything is derived from the invoices, the payments applied to them
(services.payments.balances) and what was issued: a payment stops a customer's dunning at once.
"""

from __future__ import annotations

from reseller_desk.services.payments.dunning_holds import hold_dunning, hold_problems, holds_of, release_hold
from reseller_desk.services.payments.dunning_issue import (
    COMBINED_NAME,
    DunningCancelled,
    IssuedDunning,
    IssuedLetter,
    issue_stage,
    save_combined,
)
from reseller_desk.services.payments.dunning_list import (
    CandidateContract,
    DunningRow,
    HoldInfo,
    LastLetter,
    OverdueInvoice,
    SuspensionCandidate,
    dunning_list,
    suspension_candidates,
)
from reseller_desk.services.payments.dunning_stages import (
    StageDraft,
    StageRecord,
    dunning_stages,
    save_dunning_stages,
    stage_versions,
)

__all__ = ["COMBINED_NAME", "CandidateContract", "DunningCancelled", "DunningRow", "HoldInfo", "IssuedDunning",
           "IssuedLetter", "LastLetter", "OverdueInvoice", "StageDraft", "StageRecord", "SuspensionCandidate",
           "dunning_list", "dunning_stages", "hold_dunning", "hold_problems", "holds_of", "issue_stage",
           "release_hold", "save_combined", "save_dunning_stages", "stage_versions", "suspension_candidates"]
