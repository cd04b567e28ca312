"""Bank and branch names from their codes (全銀協 codes), with the maintained zengin-code
dataset, so a clerk types 0005 / 021 and the form shows 三菱ＵＦＪ / 神田."""

from __future__ import annotations

import dataclasses
from functools import cache

from reseller_desk.domain.company import BankAccountDetails


@cache
def _banks() -> dict:
    from zengin_code import Bank  # ~0.1 s to load: only when a bank code is looked up

    return Bank.all


def bank_name(bank_code: str) -> str | None:
    bank = _banks().get(bank_code)
    return bank.name if bank else None


def branch_name(bank_code: str, branch_code: str) -> str | None:
    bank = _banks().get(bank_code)
    if bank is None:
        return None
    branch = bank.branches.get(branch_code)
    return branch.name if branch else None


def with_bank_names(account: BankAccountDetails) -> BankAccountDetails:
    """The account with its bank and branch names filled in from the codes, where known."""
    return dataclasses.replace(
        account,
        bank_name=bank_name(account.bank_code) or account.bank_name,
        branch_name=branch_name(account.bank_code, account.branch_code) or account.branch_name,
    )


def bank_code_problems(account: BankAccountDetails) -> dict[str, str]:
    """Codes that are well-formed but do not exist."""
    errors: dict[str, str] = {}
    if len(account.bank_code) == 4 and account.bank_code.isdigit() and bank_name(account.bank_code) is None:
        errors["bank_code"] = f"金融機関コード {account.bank_code} は見つかりません。"
    elif (len(account.branch_code) == 3 and account.branch_code.isdigit()
          and bank_name(account.bank_code) and branch_name(account.bank_code, account.branch_code) is None):
        errors["branch_code"] = f"支店コード {account.branch_code} は{bank_name(account.bank_code)}にありません。"
    return errors
