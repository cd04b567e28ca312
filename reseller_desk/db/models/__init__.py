"""The tables of Reseller Desk (SQLAlchemy 2.x typed ORM).

Money is always an ``int`` column of yen. Every table that a clerk changes carries who changed
it and when; the full before/after is in ``audit_log``. Every table the office edits in place
carries a ``row_version`` (:func:`version_counter`): a save whose form showed an older version
is refused (services.versions), so nothing is overwritten silently. Later issues add their
tables by a new Alembic revision under ``db/migrations/versions``; never edit an applied
revision.
"""

from __future__ import annotations

from reseller_desk.db.models.base import NAMING_CONVENTION, Base, utcnow, version_counter
from reseller_desk.db.models.billing import (
    BillRun,
    BillRunProblem,
    Invoice,
    InvoiceLineRow,
    PriceChange,
    UsageImport,
    UsageRecord,
)
from reseller_desk.db.models.charges import OneTimeCharge
from reseller_desk.db.models.collections import (
    Deposit,
    DepositEntry,
    DunningHold,
    DunningLetter,
    DunningLetterItem,
    DunningStage,
    JournalAccount,
    LateInterest,
)
from reseller_desk.db.models.contracts import Contract, Notice
from reseller_desk.db.models.customers import Customer, CustomerIncident
from reseller_desk.db.models.equipment import (
    EquipmentAccessory,
    EquipmentModel,
    EquipmentPriceChange,
    EquipmentSale,
    EquipmentUnit,
    Rental,
    ReturnedAccessory,
    ReturnRequest,
    UnitEvent,
    WarrantyReplacement,
)
from reseller_desk.db.models.intake import (
    Application,
    ApplicationDocument,
    ApplicationOption,
    DebitAccountColumns,
    ScreeningItem,
)
from reseller_desk.db.models.lifecycle import (
    ContractEnding,
    ContractEvent,
    ContractNumber,
    ContractOptionPeriod,
    ContractPlanPeriod,
    SpecialAgreementRow,
    Succession,
    Suspension,
)
from reseller_desk.db.models.office import (
    AuditEntry,
    BankAccount,
    CompanyClosure,
    CompanySettings,
    Counter,
    DatabaseInfo,
    Plan,
    PlanOption,
    StaffUser,
    TermsProfileRecord,
)
from reseller_desk.db.models.payments import (
    BankCsvMapping,
    DebitBatch,
    DebitRequest,
    PayerName,
    Payment,
    PaymentApplication,
    StatementImport,
    StatementLine,
    WriteOff,
)

__all__ = [
    "EquipmentModel", "EquipmentAccessory", "EquipmentPriceChange", "EquipmentUnit", "UnitEvent", "Rental",
    "EquipmentSale", "ReturnRequest", "ReturnedAccessory", "WarrantyReplacement",
    "NAMING_CONVENTION", "utcnow", "version_counter", "Base", "StaffUser", "DatabaseInfo", "CompanySettings",
    "BankAccount", "CompanyClosure", "TermsProfileRecord", "Plan", "PlanOption", "AuditEntry", "Counter",
    "Customer", "CustomerIncident", "DebitAccountColumns", "Application", "ApplicationOption",
    "ApplicationDocument", "ScreeningItem", "Contract", "Notice", "ContractPlanPeriod", "ContractOptionPeriod",
    "ContractNumber", "SpecialAgreementRow", "ContractEvent", "Suspension", "ContractEnding", "Succession",
    "OneTimeCharge", "PriceChange", "BillRun", "BillRunProblem", "Invoice", "InvoiceLineRow", "UsageImport",
    "UsageRecord",
    "Payment", "PaymentApplication", "WriteOff", "PayerName", "BankCsvMapping", "StatementImport",
    "StatementLine", "DebitBatch", "DebitRequest", "DunningStage", "DunningLetter", "DunningLetterItem",
    "DunningHold", "Deposit", "DepositEntry", "LateInterest", "JournalAccount",
]

import reseller_desk.db.frozen  # noqa: E402, F401 - issued invoices refused a change in the ORM too
