"""Importing existing contracts (移行) on both engines: a 1,000-row file of every status and both
services in each of the file formats imports; one bad row refuses the whole file, naming its
row and column, and leaves every table as it was; the same file twice adds nothing; an
existing customer is reused; each timeline starts with 移行 on its 申込日 and reaches the
status in the file through allowed moves."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from reseller_desk.db.models import (
    AuditEntry,
    Base,
    Contract,
    ContractEnding,
    ContractEvent,
    ContractOptionPeriod,
    Customer,
    SpecialAgreementRow,
    Suspension,
)
from reseller_desk.domain.contract import ContractStatus, transition
from reseller_desk.domain.contract_history import AgreementDocument, ContractEventKind
from reseller_desk.services import customers
from reseller_desk.services.contracts import history
from reseller_desk.services.contracts.import_file import ImportRefused, read_import_file
from reseller_desk.services.contracts.importing import import_contracts
from reseller_desk.services.errors import PermissionDenied

from .builders import MIRAI, TODAY
from .import_rows import every_status_rows, sc_row, sh_row, source_rows, write_csv, write_xlsx


def table_counts(db) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {t.name: conn.execute(text(f'SELECT COUNT(*) FROM "{t.name}"')).scalar_one()
                for t in Base.metadata.sorted_tables}


def count(db, model, *where) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def imported(db, clerk, rows, **kwargs):
    return import_contracts(db, clerk, source_rows(rows), source_name="移行.csv", today=TODAY, **kwargs)


@pytest.mark.parametrize("form", ["utf-8", "utf-8-sig", "cp932", "xlsx"])
def test_a_thousand_rows_of_every_status_and_both_services_import(db, office, clerk, tmp_path, form):
    rows = every_status_rows(1000)
    path = write_xlsx(tmp_path / "移行.xlsx", rows) if form == "xlsx" else write_csv(tmp_path / "移行.csv", rows, form)
    file = read_import_file(path)
    assert len(file.rows) == 1000 and file.rows[0].number == 2
    result = import_contracts(db, clerk, file.rows, source_name=file.name, today=TODAY)
    assert (result.added, result.already_imported) == (1000, 0)
    assert result.customers_created == 999 and result.customers_reused == 0   # rows 3 and 5: one customer
    assert count(db, Contract) == 1000 and count(db, Customer) == 999
    with db.transaction() as session:
        statuses = dict(session.execute(select(Contract.status, func.count()).group_by(Contract.status)).tuples().all())
        profiles = session.scalars(select(func.count(func.distinct(Contract.terms_profile_id)))).one()
    assert set(statuses) == {ContractStatus.AWAITING_OPENING, ContractStatus.ACTIVE, ContractStatus.SUSPENDED,
                             ContractStatus.CANCELLATION_SCHEDULED, ContractStatus.CANCELLED}
    assert profiles == 2
    assert count(db, Suspension) == statuses[ContractStatus.SUSPENDED]
    assert count(db, ContractEnding) == statuses[ContractStatus.CANCELLED] + statuses[ContractStatus.CANCELLATION_SCHEDULED]
    assert count(db, SpecialAgreementRow) == len([r for r in rows if r["特約月額"]])
    assert count(db, AuditEntry, AuditEntry.action == "contract.import") == 1000
    assert count(db, AuditEntry, AuditEntry.action == "contracts.import") == 1


def test_every_timeline_starts_with_its_import_on_the_application_date_and_moves_legally(db, office, clerk):
    rows = every_status_rows(12)
    imported(db, clerk, rows)
    with db.transaction() as session:
        for contract in session.scalars(select(Contract).order_by(Contract.id)):
            events = session.scalars(select(ContractEvent).where(ContractEvent.contract_id == contract.id)
                                     .order_by(ContractEvent.id)).all()
            first = events[0]
            assert first.kind is ContractEventKind.IMPORTED and first.kind.label == "移行"
            row = rows[int(first.reason.rsplit(" ", 1)[1].removesuffix("行目")) - 2]
            assert first.effective_on == dt.date.fromisoformat(row["申込日"]) and "移行.csv" in first.reason
            status = first.to_status
            for event in events[1:]:
                if event.action is not None:
                    assert event.from_status is status and transition(status, event.action) is event.to_status
                    status = event.to_status
            assert status is contract.status and contract.status.label == row["状態"]
            assert [e.effective_on for e in events] == sorted(e.effective_on for e in events)


def test_the_dates_come_from_the_rules_not_the_file(db, office, clerk):
    imported(db, clerk, [sc_row(1), sh_row(2), sh_row(3, 状態="開通待ち", 開通日=""),
                         sc_row(4, 状態="解約済", 解約日="2026-06-30"), sh_row(5, 状態="解約済", 解約日="2026-06-12")])
    with db.transaction() as session:
        sc, sh, waiting, sc_ended, sh_ended = session.scalars(select(Contract).order_by(Contract.id)).all()
        assert (sc.formed_on, sc.registered_on, sc.first_billable_month) == (
            dt.date(2025, 3, 10), dt.date(2025, 3, 10), dt.date(2025, 4, 1))          # SC §7, §9.2
        assert (sh.formed_on, sh.opened_on, sh.first_billable_month) == (
            dt.date(2025, 5, 12), dt.date(2025, 5, 12), dt.date(2025, 5, 1))          # SH §17, §28.2
        assert waiting.first_billable_month is None and waiting.status is ContractStatus.AWAITING_OPENING
        assert (sc_ended.ends_on, sc_ended.last_billable_month) == (dt.date(2026, 6, 30), dt.date(2026, 6, 1))
        endings = {e.contract_id: e for e in session.scalars(select(ContractEnding))}
        # SC §23: received by the cutoff, the last day of May (a Sunday: the Friday before)
        assert endings[sc_ended.id].requested_on == dt.date(2026, 5, 29)
        assert endings[sc_ended.id].desired_month == dt.date(2026, 6, 1) and endings[sc_ended.id].taken_effect
        assert endings[sh_ended.id].requested_on == dt.date(2026, 6, 12)          # SH §26.1
        assert history.composition_of(session, sc.id, dt.date(2026, 7, 1)).options[0][1] == 1
        # an ended contract consists of nothing after its last billable month (SH §6.2–3)
        assert history.composition_of(session, sc_ended.id, dt.date(2026, 6, 1)) is not None
        assert history.composition_of(session, sc_ended.id, dt.date(2026, 7, 1)) is None
        assert all(c.application_id is None and c.customer_code.startswith("C") for c in (sc, sh, waiting))


def test_a_special_agreement_replaces_the_plan_fee_from_the_first_billable_month(db, office, clerk):
    imported(db, clerk, [sc_row(1, 特約月額="¥2,480", 特約根拠="見積書 Q-2025-031", オプション="SC-REC*3")])
    with db.transaction() as session:
        contract = session.scalars(select(Contract)).one()
        agreement = session.scalars(select(SpecialAgreementRow)).one()
        assert (agreement.document, agreement.document_number, agreement.monthly_fee, agreement.from_month) == (
            AgreementDocument.QUOTE, "Q-2025-031", 2480, dt.date(2025, 4, 1))
        composition = history.composition_of(session, contract.id, dt.date(2025, 4, 1))
        assert composition.plan_fee_override() == 2480 and composition.options == ((office["sc_rec"], 3),)
        assert session.scalars(select(ContractOptionPeriod.quantity)).one() == 3


def test_one_bad_row_refuses_the_whole_file_naming_its_row_and_column_and_writes_nothing(db, office, clerk):
    rows = every_status_rows(50)
    rows[40] = {**rows[40], "プラン": "NO-SUCH-PLAN"}
    before = table_counts(db)
    with pytest.raises(ImportRefused) as refused:
        imported(db, clerk, rows)
    assert [(e.row, e.column) for e in refused.value.row_errors] == [(42, "プラン")]
    assert "NO-SUCH-PLAN" in refused.value.row_errors[0].message
    assert str(refused.value.row_errors[0]).startswith("行 42 列 プラン: ")
    assert table_counts(db) == before


def test_the_same_file_twice_adds_nothing_and_says_so(db, office, clerk):
    rows = every_status_rows(30)
    first = imported(db, clerk, rows)
    before = table_counts(db)
    again = imported(db, clerk, rows)
    assert (first.added, again.added, again.already_imported) == (30, 0, 30)
    assert "何も追加していません" in again.summary()
    assert table_counts(db) == before
    # the same content spelled another way (dates, widths) is the same row
    respelled = [{**r, "申込日": r["申込日"].replace("-", "/"), "回線数": "２" if r["回線数"] == "2" else r["回線数"]}
                 for r in rows]
    assert imported(db, clerk, respelled).added == 0
    # one new row among them is added alone
    assert imported(db, clerk, [*rows, sc_row(99)]).added == 1


def test_two_identical_rows_are_two_contracts_and_stay_two_on_a_second_import(db, office, clerk):
    rows = [sc_row(1), sc_row(1)]
    assert imported(db, clerk, rows).added == 2
    assert imported(db, clerk, rows).added == 0
    assert count(db, Contract) == 2 and count(db, Customer) == 1


def test_an_existing_customer_is_reused_by_the_duplicate_keys_of_the_customer_book(db, office, clerk):
    existing = customers.add_customer(db, clerk, MIRAI)
    same_number = sc_row(1, 名称="カ）ミライ商事", 法人番号=MIRAI.corporate_number, 住所="別の住所 1-1")
    same_name_and_phone = sc_row(2, 名称=MIRAI.name, 電話番号="０３－３４００－１２３４", 住所="")
    result = imported(db, clerk, [same_number, same_name_and_phone, sc_row(3)])
    assert (result.customers_reused, result.customers_created) == (1, 1)
    with db.transaction() as session:
        owners = session.scalars(select(Contract.customer_id).order_by(Contract.id)).all()
    assert owners[:2] == [existing.id, existing.id] and owners[2] != existing.id
    assert customers.get_customer(db, existing.id).draft.address == MIRAI.address  # not changed by the import


def test_a_dry_run_checks_and_counts_writing_nothing(db, office, clerk):
    before = table_counts(db)
    result = imported(db, clerk, every_status_rows(20), dry_run=True)
    assert result.dry_run and result.added == 20 and "確認のみ" in result.summary()
    assert table_counts(db) == before


def test_a_progress_callback_that_raises_leaves_nothing_imported(db, office, clerk):
    before = table_counts(db)

    def stop(done: int, total: int) -> None:
        if done == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        imported(db, clerk, every_status_rows(20), progress=stop)
    assert table_counts(db) == before


def test_only_staff_import_and_the_audit_log_names_who(db, office, clerk):
    with pytest.raises(PermissionDenied):
        imported(db, None, [sc_row(1)])
    imported(db, clerk, [sc_row(1)])
    with db.transaction() as session:
        users = set(session.scalars(select(AuditEntry.user_id).where(AuditEntry.action.like("contract%"))))
    assert users == {clerk.user_id}


def test_a_header_with_unknown_and_missing_columns_names_them(tmp_path):
    from reseller_desk.domain.contract_import import COLUMNS

    columns = [c for c in COLUMNS if c != "プラン"] + ["備考"]
    path = write_csv(tmp_path / "x.csv", [sc_row(1)], columns=columns)
    with pytest.raises(ImportRefused) as refused:
        read_import_file(path)
    faults = {(e.row, e.column): e.message for e in refused.value.row_errors}
    assert "不明な列" in faults[(1, "備考")] and "ありません" in faults[(1, "プラン")]


def test_a_file_neither_utf8_nor_shift_jis_is_refused_in_japanese(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("種別".encode("utf-16"))
    with pytest.raises(ImportRefused, match="文字コード"):
        read_import_file(path)
    workbook = tmp_path / "y.xlsx"
    workbook.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(ImportRefused, match="Excel"):
        read_import_file(workbook)


def test_the_order_of_columns_is_free_and_blank_rows_are_skipped_keeping_row_numbers(tmp_path):
    from reseller_desk.domain.contract_import import COLUMNS

    path = write_csv(tmp_path / "x.csv", [sc_row(1), {}, sc_row(2)], columns=list(reversed(COLUMNS)))
    file = read_import_file(path)
    assert [r.number for r in file.rows] == [2, 4] and file.rows[1].cells["名称"] == "株式会社テスト2"


def test_bytes_that_are_not_shift_jis_either_are_refused(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"\x82\xa0\x81")   # a Shift_JIS lead byte without its trail
    with pytest.raises(ImportRefused, match="文字コード"):
        read_import_file(path)
