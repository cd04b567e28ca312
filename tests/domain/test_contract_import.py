"""The rows of the contract import (移行), checked without a database: every fault is data
(row, column, reason in Japanese) and the profile decides what each service needs; any garbage
row gives faults or a valid draft, never an exception."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reseller_desk.domain.contract import ContractStatus
from reseller_desk.domain.contract_import import (
    COLUMNS,
    ContractDraft,
    RowError,
    ServiceCatalog,
    SourceRow,
    check_rows,
    header_errors,
)
from reseller_desk.domain.terms import load_profile
from tests.services.import_rows import sc_row, sh_row

TODAY = dt.date(2026, 11, 20)
CATALOGS = {
    "simpleconnect": ServiceCatalog(load_profile("simpleconnect"), {"SC-BASIC": 1}, {"SC-REC": 10, "SC-FAX": 11}),
    "sokujitsu": ServiceCatalog(load_profile("sokujitsu"), {"SH-LIGHT": 2}, {}),
}


def check(*rows: dict[str, str]):
    return check_rows([SourceRow(n, r) for n, r in enumerate(rows, start=2)], CATALOGS, today=TODAY)


def faults(row: dict[str, str]) -> dict[str, str]:
    result = check(row)
    assert all(e.row == 2 for e in result.errors)
    return {e.column: e.message for e in result.errors}


def test_a_valid_row_of_each_service_is_a_draft():
    result = check(sc_row(1), sh_row(2))
    assert result.ok and [d.profile_key for d in result.drafts] == ["simpleconnect", "sokujitsu"]
    assert result.drafts[0].first_billable_month == dt.date(2025, 4, 1)      # SC §9.2
    assert result.drafts[1].first_billable_month == dt.date(2025, 5, 1)      # SH §28.2


def test_the_service_may_be_named_by_its_key_or_its_name_and_options_carry_quantities():
    name = load_profile("simpleconnect").name
    draft = check(sc_row(1, サービス=name, オプション="sc-rec*2；SC-FAX"))
    assert draft.ok and draft.drafts[0].options == ((10, 2), (11, 1))
    assert check(sh_row(1, サービス="sokujitsu")).ok


def test_each_fault_names_its_column_in_japanese():
    found = faults(sc_row(1, 種別="会社", フリガナ="かぶしき1", 回線数="0", プラン="NOPE", オプション="SC-REC;SC-REC",
                          申込日="2025-13-01", 支払方法="現金", 状態="休止"))
    assert set(found) >= {"種別", "フリガナ", "回線数", "プラン", "オプション", "申込日", "支払方法", "状態"}
    assert "NOPE" in found["プラン"] and "2回" in found["オプション"]


def test_the_profile_says_which_dates_a_contract_needs():
    assert "登録日を入力" in faults(sc_row(1, 登録日=""))["登録日"]                       # SC §7
    assert "開通日を入力" in faults(sh_row(1, 開通日=""))["開通日"]                       # SH §17
    assert check(sh_row(1, 状態="開通待ち", 開通日="")).ok
    assert "開通待ち" in faults(sc_row(1, 状態="開通待ち"))["状態"]
    assert "月末" in faults(sc_row(1, 状態="解約済", 解約日="2026-06-15"))["解約日"]      # SC §23
    assert check(sh_row(1, 状態="解約済", 解約日="2026-06-15")).ok                     # SH §26.1
    assert "解約日を入力" in faults(sc_row(1, 状態="解約予定"))["解約日"]
    assert "過ぎて" in faults(sc_row(1, 状態="解約予定", 解約日="2026-10-31"))["解約日"]


def test_a_special_agreement_needs_its_document():
    assert "根拠" in faults(sc_row(1, 特約月額="2480"))["特約根拠"]
    assert "見積書" in faults(sc_row(1, 特約月額="2480", 特約根拠="口頭"))["特約根拠"]
    assert "特約月額と一緒" in faults(sc_row(1, 特約根拠="見積書 Q-1"))["特約根拠"]
    draft = check(sc_row(1, 特約月額="2,480円", 特約根拠="注文書 PO-77")).drafts[0]
    assert (draft.agreement_fee, draft.agreement_document.label, draft.agreement_number) == (2480, "注文書", "PO-77")


def test_a_debit_account_is_checked_with_zengin_code_and_a_transfer_has_none():
    assert "0000" in faults(sh_row(1, 銀行コード="0000"))["銀行コード"]
    assert "口座名義" in faults(sh_row(1, 口座名義=""))
    assert "空欄" in faults(sc_row(1, 銀行コード="0005"))["銀行コード"]


def test_the_header_names_unknown_missing_and_repeated_columns():
    errors = header_errors([*COLUMNS[1:], "備考", "名称"])
    assert RowError(1, "種別", "この列がありません。見出しの行に加えてください。") in errors
    assert {e.column for e in errors} == {"種別", "備考", "名称"}
    assert header_errors(list(reversed(COLUMNS))) == []


def test_identical_rows_get_different_keys_and_respelled_rows_the_same():
    a, b = check(sc_row(1), sc_row(1)).drafts
    assert a.key != b.key
    again = check(sc_row(1, 申込日="2025/3/1", 回線数="２")).drafts[0]
    assert again.key == a.key


CELL = st.one_of(st.text(max_size=30), st.sampled_from(["", "法人", "個人", "利用中", "解約済", "2025-02-29", "0",
                                                        "SC-BASIC", "SC-REC*0", "見積書", "口座振替", "*", ";;"]))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(base=st.sampled_from([sc_row, sh_row]), changes=st.dictionaries(st.sampled_from(COLUMNS), CELL, max_size=8),
       extra=st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=2))
def test_any_garbage_row_gives_faults_or_a_valid_draft_never_an_exception(base, changes, extra):
    row = {**base(1), **changes, **extra}
    result = check(row)
    assert bool(result.errors) != bool(result.drafts)
    for error in result.errors:
        assert error.row == 2 and error.column in COLUMNS and error.message
    for draft in result.drafts:
        assert isinstance(draft, ContractDraft) and draft.status in set(ContractStatus)
        assert draft.formed_on >= draft.applied_on and len(draft.key) == 64
