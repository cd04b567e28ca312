"""口座振替 end to end: the request file for a collection day (services.payments.debit), the bank's
result (services.payments.debit_results), the ledger's receipts and the 口座振替不能のお知らせ."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reseller_desk.db.models import AuditEntry, DebitBatch, DebitRequest, Notice, Payment
from reseller_desk.domain.debit_notices import from_json
from reseller_desk.domain.notices import NoticeKind
from reseller_desk.domain.zengin_debit import RECORD_LENGTH
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.payments import ledger
from reseller_desk.services.payments.balances import balances
from reseller_desk.services.payments.debit import batch_detail, debit_batches, debit_preview, export_debit
from reseller_desk.services.payments.debit_results import import_debit_result

from .builders import SUZUKI, YAMADA
from .debit_builders import COLLECTION, a_debit_contract, a_debit_invoice, a_debit_office, bank_result
from .payment_builders import a_customer

VECTORS = Path(__file__).parent.parent / "domain" / "format_vectors"
MAY = dt.date(2027, 5, 27)


def _count(db, model) -> int:
    with db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def _records(data: bytes) -> list[bytes]:
    return [line for line in data.split(b"\r\n") if line]


def _vector_office(db, manager):
    """The office and invoices of formats.md §1.9: invoice 1 (山田, 10,800 still owed, 普通) and
    invoice 2 (鈴木, 5,500, 当座, debited before: 新規コード 0), both due 2027-05-27."""
    a_debit_office(db, manager)
    yamada, suzuki = a_customer(db, manager, YAMADA), a_customer(db, manager, SUZUKI)
    _, code_a = a_debit_contract(db, yamada, holder="ヤマダ タロウ", bank_name="テストギンコウ", branch_name="エキマエ")
    _, code_b = a_debit_contract(db, suzuki, holder="さとう　はなこ", kind="当座", number="0012345",
                                 bank_name="ﾃｽﾄｷﾞﾝｺｳ", branch_name="ｴｷﾏｴ")
    first, _ = a_debit_invoice(db, yamada, code_a, before_tax=10_000, due=MAY)
    second, _ = a_debit_invoice(db, suzuki, code_b, before_tax=5_000, due=MAY)
    april, _ = a_debit_invoice(db, suzuki, code_b, before_tax=5_000, due=dt.date(2027, 4, 27))
    assert (first, second) == (1, 2)   # the vector's 顧客番号
    ledger.record_payment(db, manager, yamada, received_on=dt.date(2027, 5, 1), amount=200, invoice_ids=[first],
                          today=dt.date(2027, 5, 1))
    export_debit(db, manager, dt.date(2027, 4, 27))   # 鈴木's account has been debited before
    return yamada, suzuki, first, second, april


def test_the_request_file_is_the_reference_vector_byte_for_byte(db, manager):
    _vector_office(db, manager)
    exported = export_debit(db, manager, MAY, file_name="依頼0527.dat")
    assert exported.data == (VECTORS / "zengin91_request_crlf.dat").read_bytes()
    assert (exported.records, exported.total, exported.left_out) == (2, 16_300, ())


def test_the_request_file_carries_each_field_where_formats_md_puts_it(db, manager):
    _vector_office(db, manager)
    data = export_debit(db, manager, MAY).data
    header, first, second, trailer, end = _records(data)
    assert all(len(r) == RECORD_LENGTH for r in (header, first, second, trailer, end))
    assert data.count(b"\r\n") == 5 and data.endswith(b"\r\n")
    assert (header[0:1], header[1:3], header[3:4], header[4:14]) == (b"1", b"91", b"0", b"0000012345")
    assert header[14:54].decode("cp932").rstrip() == "ｶ)ﾃｽﾄｼﾖｳｼﾞ"            # カ)テストショウジ, ョ as ﾖ
    assert (header[54:58], header[58:62], header[77:80], header[95:96], header[96:103]) == (
        b"0527", b"9999", b"001", b"1", b"1234567")
    assert header[103:] == b" " * 17
    assert (first[0:1], first[1:5], first[20:23], first[38:42], first[42:43], first[43:50]) == (
        b"2", b"9999", b"002", b"    ", b"1", b"7654321")
    assert first[50:80].decode("cp932").rstrip() == "ﾔﾏﾀﾞ ﾀﾛｳ"
    assert (first[80:90], first[90:91], first[91:111], first[111:112]) == (
        b"0000010800", b"1", b"00000000000000000001", b"0")
    assert second[50:80].decode("cp932").rstrip() == "ｻﾄｳ ﾊﾅｺ"                # さとう　はなこ transliterated
    assert (second[42:43], second[43:50], second[90:91]) == (b"2", b"0012345", b"0")
    assert (trailer[0:1], trailer[1:7], trailer[7:19], trailer[19:55]) == (
        b"8", b"000002", b"000000016300", b"0" * 36)
    assert end == b"9" + b" " * 119


def test_the_banks_result_settles_the_debited_invoice_and_gives_the_failed_one_a_transfer_due_date(db, manager):
    yamada, suzuki, first, second, _ = _vector_office(db, manager)
    request = export_debit(db, manager, MAY).data
    result = bank_result(request, {2: 1})
    assert result == (VECTORS / "zengin91_result_crlf.dat").read_bytes()
    imported = import_debit_result(db, manager, result, file_name="結果0527.dat", today=dt.date(2027, 5, 31))
    assert [(r.invoice_id, r.reason) for r in imported.settled] == [(first, "振替済")]
    [failed] = imported.failed
    assert (failed.invoice_id, failed.reason, failed.amount) == (second, "資金不足", 5_500)
    assert failed.transfer_due == dt.date(2027, 6, 14)       # 5/31 + 14 days, a Monday
    with db.transaction() as session:
        owed = balances(session, invoice_ids=[first, second])
        assert (owed[first].owed, owed[second].owed) == (0, 5_500)
        payment = session.scalars(select(Payment).where(Payment.debit_request_id.is_not(None))).one()
        assert (payment.customer_id, payment.amount, payment.received_on) == (yamada, 10_800, MAY)
        [notice] = session.scalars(select(Notice).where(Notice.kind == NoticeKind.DEBIT_FAILED)).all()
        assert notice.customer_id == suzuki and notice.pdf.startswith(b"%PDF")
        document = from_json(notice.document_json)
        assert [(line.amount, line.reason) for line in document.details.lines] == [(5_500, "資金不足")]
        assert document.details.transfer_due == dt.date(2027, 6, 14)
        assert document.details.accounts[0].account_number == "7654321"
        actions = set(session.scalars(select(AuditEntry.action)))
    assert {"debit.export", "debit.result", "payment.receive", "notice.issue"} <= actions
    detail = batch_detail(db, imported.batch_id)
    assert [r.result_text for r in detail.requests] == ["振替済", "資金不足"]
    assert detail.requests[1].notice_number == notice.number
    assert debit_batches(db)[0].state == "結果取込済（振替済 1件・不能 1件）"
    preview = debit_preview(db, MAY)
    assert [(r.invoice_id, r.included) for r in preview.rows] == [(second, False)]
    assert "振込" in preview.rows[0].reason


def test_importing_the_same_result_file_again_adds_nothing(db, manager):
    _vector_office(db, manager)
    result = bank_result(export_debit(db, manager, MAY).data, {2: 1})
    import_debit_result(db, manager, result, today=dt.date(2027, 5, 31))
    counts = (_count(db, Payment), _count(db, Notice), _count(db, AuditEntry))
    again = import_debit_result(db, manager, result, today=dt.date(2027, 6, 1))
    assert again.already_imported and len(again.rows) == 2 and again.notices == ()
    assert (_count(db, Payment), _count(db, Notice), _count(db, AuditEntry)) == counts


def _one_request(db, manager, **contract):
    a_debit_office(db, manager)
    customer = a_customer(db, manager, YAMADA)
    _, code = a_debit_contract(db, customer, **contract)
    invoice, total = a_debit_invoice(db, customer, code)
    return customer, invoice, total


def _refused_whole(db, manager, data: bytes, words: str) -> None:
    counts = (_count(db, Payment), _count(db, Notice))
    with pytest.raises(ServiceError, match=words):
        import_debit_result(db, manager, data)
    assert (_count(db, Payment), _count(db, Notice)) == counts
    with db.transaction() as session:
        assert session.scalar(select(func.count()).where(DebitRequest.result_code.is_not(None))) == 0
        assert session.scalar(select(func.count()).where(DebitBatch.result_sha256.is_not(None))) == 0


def test_a_result_for_an_invoice_that_was_not_requested_refuses_the_file_whole(db, manager):
    _one_request(db, manager)
    request = export_debit(db, manager, COLLECTION).data
    lines = _records(request)
    other = lines[1][:91] + b"9".rjust(20, b"0") + lines[1][111:]
    extra = lines[1][:91] + b"99".rjust(20, b"0") + lines[1][111:]
    forged = [lines[0], lines[1], extra, b"8" + f"{2:06d}{2 * int(lines[1][80:90]):012d}".encode() + lines[2][19:],
              lines[3]]
    _refused_whole(db, manager, bank_result(b"\r\n".join(forged) + b"\r\n"), "3件目のレコード: 顧客番号")
    _refused_whole(db, manager, bank_result(b"\r\n".join([lines[0], other, *lines[2:]]) + b"\r\n"), "顧客番号")


def test_a_result_whose_amount_differs_from_the_request_is_refused_whole(db, manager):
    _, _, total = _one_request(db, manager)
    lines = _records(export_debit(db, manager, COLLECTION).data)
    changed = lines[1][:80] + f"{total - 1:010d}".encode() + lines[1][90:]
    trailer = b"8" + f"{1:06d}{total - 1:012d}".encode() + lines[2][19:]
    _refused_whole(db, manager, bank_result(b"\r\n".join([lines[0], changed, trailer, lines[3]]) + b"\r\n"),
                   "2件目のレコード: 引落金額")


@pytest.mark.parametrize("spoil, words", [
    (lambda r: r.replace(b"\r\n", b"\n"), "改行"),
    (lambda r: r[:200] + r[201:], "バイト"),
    (lambda r: r[:244] + b"7" + r[245:], "データ区分"),
    (lambda r: r[:249] + b"9" + r[250:], "トレーラー"),
    (lambda r: r[:5] + b"9" + r[6:], "委託者コード"),
], ids=["LF only", "a record of 119 bytes", "an unknown record type", "trailer totals", "another consignor"])
def test_a_malformed_result_file_is_refused_whole_naming_the_fault(db, manager, spoil, words):
    _one_request(db, manager)
    result = bank_result(export_debit(db, manager, COLLECTION).data)
    _refused_whole(db, manager, spoil(result), words)


def test_names_the_bank_can_take_are_transliterated_and_the_others_left_out_with_the_reason(db, manager):
    a_debit_office(db, manager)
    kana, kanji, none = (a_customer(db, manager, YAMADA), a_customer(db, manager, SUZUKI),
                         a_customer(db, manager, YAMADA))
    _, code_kana = a_debit_contract(db, kana, holder="きゃりー　ぱみゅ")
    _, code_kanji = a_debit_contract(db, kanji, holder="鈴木 花子")
    _, code_none = a_debit_contract(db, none, bank="")
    ids = [a_debit_invoice(db, c, code)[0] for c, code in ((kana, code_kana), (kanji, code_kanji), (none, code_none))]
    preview = debit_preview(db, COLLECTION)
    rows = {r.invoice_id: r for r in preview.rows}
    assert rows[ids[0]].included and rows[ids[0]].holder_name == "ｷﾔﾘ- ﾊﾟﾐﾕ"
    assert "使えない文字があります: 鈴、木、花、子" in rows[ids[1]].reason
    assert "口座が契約に登録されていません" in rows[ids[2]].reason
    exported = export_debit(db, manager, COLLECTION)
    assert exported.records == 1 and {r.invoice_id for r in exported.left_out} == {ids[1], ids[2]}


def test_a_second_export_for_the_day_asks_only_what_was_not_asked(db, manager):
    customer, first, _ = _one_request(db, manager)
    export_debit(db, manager, COLLECTION)
    _, code = a_debit_contract(db, customer)
    later, _ = a_debit_invoice(db, customer, code, month=dt.date(2026, 10, 1))
    second = export_debit(db, manager, COLLECTION)
    assert second.records == 1
    assert [r.invoice_id for r in second.left_out] == [first]
    assert "依頼済み" in second.left_out[0].reason
    with db.transaction() as session:
        assert session.scalars(select(DebitRequest.invoice_id).where(
            DebitRequest.debit_batch_id == second.batch_id)).all() == [later]
    with pytest.raises(ServiceError, match="依頼できる請求書がありません"):
        export_debit(db, manager, COLLECTION)


def test_without_the_consignor_settings_the_file_is_refused_and_nothing_written(db, manager):
    customer = a_customer(db, manager, YAMADA)
    _, code = a_debit_contract(db, customer)
    a_debit_invoice(db, customer, code)
    preview = debit_preview(db, COLLECTION)
    assert preview.problems and "委託者コード" in preview.problems[0]
    assert len(preview.included) == 1
    with pytest.raises(ServiceError, match="設定 → 口座振替"):
        export_debit(db, manager, COLLECTION)
    assert _count(db, DebitBatch) == 0 and _count(db, DebitRequest) == 0
