"""Bank and branch names from their codes (全銀協 codes), with the maintained zengin-code
dataset, so a clerk types 0005 / 021 and the form shows 三菱ＵＦＪ / 寺田町.

The codes are what a bank reads (a 全銀 transfer or debit file carries only codes); the names
are for people. So a code that does not exist is refused, and a name that contradicts its
code is replaced by zengin-code's: 0005-021 is 寺田町 whatever was typed next to it.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

from reseller_desk.domain.company import BankAccountDetails, bank_account_type_problems, validate_bank_account
from reseller_desk.domain.search import normalize

#: What people write after a name that zengin-code leaves out (三菱UFJ銀行 for 三菱ＵＦＪ,
#: 神田支店 for 神田): a typed name that differs only by one of these agrees with the code.
BANK_SUFFIXES = ("銀行",)
BRANCH_SUFFIXES = ("支店",)


@cache
def _banks() -> dict[str, Any]:
    from zengin_code import Bank  # ~0.1 s to load: only when a bank code is looked up

    banks: dict[str, Any] = Bank.all
    return banks


def bank_name(bank_code: str) -> str | None:
    bank = _banks().get(bank_code)
    return str(bank.name) if bank else None


def branch_name(bank_code: str, branch_code: str) -> str | None:
    bank = _banks().get(bank_code)
    if bank is None:
        return None
    branch = bank.branches.get(branch_code)
    return str(branch.name) if branch else None


def name_agrees(typed: str, official: str, suffixes: tuple[str, ...]) -> bool:
    """Whether ``typed`` names what ``official`` (zengin-code's name) does: the same letters
    once width, kana and spaces are folded (domain.search.normalize), with or without one of
    ``suffixes`` after them."""
    typed_key, official_key = normalize(typed), normalize(official)
    if not typed_key:
        return False
    candidates = {official_key} | {official_key + normalize(s) for s in suffixes}
    return typed_key in candidates


def with_bank_names(account: BankAccountDetails) -> BankAccountDetails:
    """The account with the names its codes have in zengin-code: a typed name that agrees
    (:func:`name_agrees`) is kept as typed; an empty one, or one that names another bank or
    branch, becomes zengin-code's. Names of codes zengin-code does not know are left alone
    (:func:`bank_code_problems` refuses those codes)."""
    official_bank = bank_name(account.bank_code)
    official_branch = branch_name(account.bank_code, account.branch_code)
    bank = account.bank_name
    if official_bank is not None and not name_agrees(bank, official_bank, BANK_SUFFIXES):
        bank = official_bank
    branch = account.branch_name
    if official_branch is not None and not name_agrees(branch, official_branch, BRANCH_SUFFIXES):
        branch = official_branch
    return dataclasses.replace(account, bank_name=bank, branch_name=branch)


def bank_code_problems(account: BankAccountDetails) -> dict[str, str]:
    """Codes that are well-formed but do not exist."""
    errors: dict[str, str] = {}
    if len(account.bank_code) == 4 and account.bank_code.isdigit() and bank_name(account.bank_code) is None:
        errors["bank_code"] = f"金融機関コード {account.bank_code} は見つかりません。"
    elif (len(account.branch_code) == 3 and account.branch_code.isdigit()
          and bank_name(account.bank_code) and branch_name(account.bank_code, account.branch_code) is None):
        errors["branch_code"] = f"支店コード {account.branch_code} は{bank_name(account.bank_code)}にありません。"
    return errors


def bank_account_problems(account: BankAccountDetails) -> dict[str, str]:
    """Field -> message for an account whose names :func:`with_bank_names` has filled in: the
    checks of domain.company.validate_bank_account, and the codes looked up in zengin-code.
    An unknown code is the fault, not the name that it therefore lacks."""
    type_problems = bank_account_type_problems(account)
    if type_problems:
        return type_problems
    errors = validate_bank_account(account)
    for field, message in bank_code_problems(account).items():
        errors[field] = message
        errors.pop(field.replace("_code", "_name"), None)
    return errors
