"""Use cases of intake and screening: take in an application, screen it against its terms'
refusal grounds, decide it, and issue the notices (SC §6–8, SH §14–17).

Who may do what is checked in each use case: clerks (事務) and managers (管理者) take in and
screen applications; only a manager decides them. Every change is audited with the customer
and application it concerns. The modules, by what they do:

- ``queries``: the list and the detail the screens read (and the DTOs);
- ``intake``: taking an application in and changing it before the decision;
- ``screening``: the checklist and what the records answer on it;
- ``decisions``: 承諾, 不承諾 and the applicant's withdrawal;
- ``identity_check``: the postal identity check (SH §14.2(7)) and the revocation it can bring;
- ``writing``: what every change of an application does around its own work.

``from reseller_desk.services import applications as apps; apps.create_application(...)``
is the way in for the window, the command line and the demo.
"""

from reseller_desk.services.applications.decisions import (
    approve_application,
    preview_contract,
    refuse_application,
    withdraw_application,
)
from reseller_desk.services.applications.identity_check import record_identity_letter
from reseller_desk.services.applications.intake import create_application, update_application
from reseller_desk.services.applications.queries import (
    ApplicationDetail,
    ApplicationInput,
    ApplicationRow,
    ChecklistItem,
    ContractPreview,
    ContractSummary,
    WithdrawalResult,
    get_application,
    list_applications,
)
from reseller_desk.services.applications.screening import answer_screening_item, start_screening

__all__ = [
    "ApplicationDetail",
    "ApplicationInput",
    "ApplicationRow",
    "ChecklistItem",
    "ContractPreview",
    "ContractSummary",
    "WithdrawalResult",
    "answer_screening_item",
    "approve_application",
    "create_application",
    "get_application",
    "list_applications",
    "preview_contract",
    "record_identity_letter",
    "refuse_application",
    "start_screening",
    "update_application",
    "withdraw_application",
]
