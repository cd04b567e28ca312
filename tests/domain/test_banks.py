"""Bank and branch names from their codes (zengin-code): a name that agrees is kept, one that
contradicts its code is replaced, an unknown code is refused."""

from __future__ import annotations

import pytest

from reseller_desk.domain.banks import (
    bank_account_problems,
    bank_code_problems,
    bank_name,
    branch_name,
    name_agrees,
    with_bank_names,
)
from reseller_desk.domain.company import BankAccountDetails


def account(bank: str, bank_name_: str, branch: str, branch_name_: str) -> BankAccountDetails:
    return BankAccountDetails(bank, bank_name_, branch, branch_name_, "普通", "1234567", "ﾐﾗｲ")


def test_names_are_looked_up_by_code():
    assert (bank_name("0005"), branch_name("0005", "021"), branch_name("0005", "331")) == ("三菱ＵＦＪ", "寺田町", "神田")
    assert (bank_name("9999"), branch_name("9999", "001"), branch_name("0005", "999")) == (None, None, None)


@pytest.mark.parametrize("typed, agrees", [
    ("三菱ＵＦＪ", True), ("三菱UFJ", True), ("三菱ufj銀行", True), ("三菱 UFJ 銀行", True),
    ("三井住友銀行", False), ("三菱UFJ信託銀行", False), ("", False),
])
def test_a_typed_bank_name_agrees_when_only_width_spacing_or_the_word_bank_differ(typed, agrees):
    assert name_agrees(typed, "三菱ＵＦＪ", ("銀行",)) is agrees


def test_a_name_that_contradicts_its_code_becomes_zengins():
    """gui-walkthrough finding 5: 0005-021 was saved as 神田支店; zengin-code says 寺田町."""
    fixed = with_bank_names(account("0005", "三井住友銀行", "021", "神田支店"))
    assert (fixed.bank_name, fixed.branch_name) == ("三菱ＵＦＪ", "寺田町")


def test_a_name_that_agrees_is_kept_as_typed_and_an_empty_one_filled_in():
    assert with_bank_names(account("0005", "三菱UFJ銀行", "331", "神田支店")) == account("0005", "三菱UFJ銀行", "331",
                                                                                   "神田支店")
    filled = with_bank_names(account("0009", "", "220", ""))
    assert (filled.bank_name, filled.branch_name) == ("三井住友", "神田駅前")


def test_the_names_of_codes_zengin_does_not_know_are_left_for_the_check():
    assert with_bank_names(account("9999", "架空銀行", "001", "本店")) == account("9999", "架空銀行", "001", "本店")


@pytest.mark.parametrize("bank, branch, errors", [
    ("0005", "331", {}),
    ("9999", "001", {"bank_code": "金融機関コード 9999 は見つかりません。"}),
    ("0005", "999", {"branch_code": "支店コード 999 は三菱ＵＦＪにありません。"}),
    ("55", "331", {}),  # malformed: the format check of domain.company says so
])
def test_codes_that_are_well_formed_but_do_not_exist_are_refused(bank, branch, errors):
    assert bank_code_problems(account(bank, "", branch, "")) == errors


def test_an_unknown_code_is_the_fault_not_the_name_it_lacks():
    assert bank_account_problems(account("9999", "", "001", "本店")) == {
        "bank_code": "金融機関コード 9999 は見つかりません。"}
    assert bank_account_problems(with_bank_names(account("0005", "", "999", ""))) == {
        "branch_code": "支店コード 999 は三菱ＵＦＪにありません。"}
