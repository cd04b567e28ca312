"""Statement import and matching driven with bad values and garbage bytes
(tests.services.test_bad_input_properties): each call imports / applies what is in bounds or
refuses in Japanese and writes nothing; a garbage file never crashes the reader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.services.payments import matching, statements
from reseller_desk.services.payments.matching import Confirmation
from reseller_desk.services.payments.statements import MappingDetails

from .payment_builders import an_invoice
from .statement_builders import SBI, Row, sbi_csv, zengin01
from .test_bad_input_properties import (
    ACTORS,
    ANY_BAD,
    BAD_ID,
    BAD_NUMBER,
    BAD_TEXT,
    PROPERTY,
    VERSION,
    WRONG_TYPE,
    Office,
    actor_of,
    attempt,
    drives,
    mostly,
    version,
)

DAY = dt.date(2026, 11, 18)
GOOD = zengin01([Row(DAY, 11_000, "ｶ)ﾐﾗｲｼﾖｳｼﾞ")])


def _spoiled(data: bytes) -> st.SearchStrategy[bytes]:
    """``data`` with a few bytes overwritten, cut short or lengthened."""
    return st.one_of(
        st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(0, 255)), min_size=1, max_size=4).map(
            lambda changes: bytes(_apply(bytearray(data), changes))),
        st.integers(0, len(data)).map(lambda n: data[:n]),
        st.binary(max_size=40).map(lambda tail: data + tail))


def _apply(data: bytearray, changes: list[tuple[int, int]]) -> bytearray:
    for at, value in changes:
        data[at] = value
    return data


GARBAGE = st.one_of(st.binary(max_size=600), st.binary(max_size=300).map(lambda b: b"101" + b), _spoiled(GOOD),
                    _spoiled(sbi_csv([Row(DAY, 11_000, "ミライ")])))


@pytest.fixture(scope="module")
def statement_office(tmp_path_factory) -> Iterator[Office]:
    """The bad-input office in a database of its own, with an open invoice and a bank mapping."""
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-statements") / "desk.sqlite3", create=True)
        try:
            office = Office(db)
            office.invoice_id, _ = an_invoice(db, office.customer_id, month=dt.date(2026, 10, 1),
                                              due=dt.date(2026, 11, 10))
            statements.save_bank_mapping(db, office.clerk, SBI, expected_version=None)
            yield office
        finally:
            db.dispose()


def an_open_line(office: Office) -> tuple[int, int]:
    """A new open line (its id, its version): a statement of one transfer no line has yet."""
    office.lines = getattr(office, "lines", 0) + 1
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        statements.import_statement(office.db, office.clerk,
                                    zengin01([Row(DAY, 100 + office.lines, "ﾐﾗｲ")]), "line.dat")
    line = next(p for p in matching.proposals(office.db) if p.amount == 100 + office.lines)
    return line.line_id, line.line_version


@drives("payments.statements.import_statement")
@PROPERTY
@given(actor=ACTORS, data=GARBAGE, name=mostly("nyukin.dat", BAD_TEXT),
       bank=mostly(None, st.one_of(st.just("住信SBI"), ANY_BAD)))
def test_importing_garbage_imports_what_reads_or_refuses_and_writes_nothing(statement_office, actor, data, name,
                                                                            bank):
    office = statement_office
    attempt(office, lambda: statements.import_statement(office.db, actor_of(office, actor), data, name, bank=bank))


@PROPERTY
@given(data=GARBAGE, bank=mostly(None, st.one_of(st.just("住信SBI"), ANY_BAD)))
def test_reading_garbage_gives_rows_or_problems_never_a_crash(statement_office, data, bank):
    preview = statements.read_statement_file(statement_office.db, data, "x.dat", bank=bank)
    assert preview.rows or preview.problems
    assert all(isinstance(line, int) and message for line, message in preview.problems)


COLUMN = mostly(3, st.one_of(BAD_NUMBER, WRONG_TYPE))


@drives("payments.statements.save_bank_mapping")
@PROPERTY
@given(actor=ACTORS, bank=mostly("三井住友", BAD_TEXT), date=mostly(1, BAD_NUMBER), amount=mostly(4, BAD_NUMBER),
       payer=COLUMN, reference=mostly(None, BAD_NUMBER), header=mostly(1, BAD_NUMBER),
       form=mostly("%Y/%m/%d", ANY_BAD), shown=mostly(None, BAD_ID))
def test_saving_a_bank_mapping_with_bad_values_saves_it_or_refuses(statement_office, actor, bank, date, amount,
                                                                   payer, reference, header, form, shown):
    office = statement_office
    details = MappingDetails(bank, date, amount, payer, reference, header, form)
    attempt(office, lambda: statements.save_bank_mapping(office.db, actor_of(office, actor), details,
                                                         expected_version=shown))


@drives("payments.matching.confirm_matches")
@PROPERTY
@given(actor=ACTORS, line=mostly("mine"), customer=mostly("mine"),
       invoices=mostly(None, st.one_of(BAD_ID, st.lists(BAD_ID, max_size=3))), shown=VERSION,
       shape=mostly("list", st.sampled_from(["empty", "twice", "bad"])))
def test_confirming_with_bad_values_applies_or_refuses(statement_office, actor, line, customer, invoices, shown,
                                                       shape):
    office = statement_office
    line_id, line_version = an_open_line(office) if line == "mine" else (line, 1)
    confirmation = Confirmation(line_id, office.customer_id if customer == "mine" else customer, invoices,
                                version(shown, lambda: line_version))
    given_ = {"list": [confirmation], "empty": [], "twice": [confirmation, confirmation], "bad": [object()]}[shape]
    attempt(office, lambda: matching.confirm_matches(office.db, actor_of(office, actor), given_))


@drives("payments.matching.ignore_lines")
@PROPERTY
@given(actor=ACTORS, line=mostly("mine"), note=mostly("預金利息", BAD_TEXT))
def test_setting_lines_aside_with_bad_values_sets_them_aside_or_refuses(statement_office, actor, line, note):
    office = statement_office
    target = [an_open_line(office)[0]] if line == "mine" else line
    attempt(office, lambda: matching.ignore_lines(office.db, actor_of(office, actor), target, note))


@drives("payments.matching.reopen_line")
@PROPERTY
@given(actor=ACTORS, line=mostly("mine"))
def test_reopening_a_line_with_bad_values_reopens_it_or_refuses(statement_office, actor, line):
    office = statement_office
    if line == "mine":
        line = an_open_line(office)[0]
        with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
            matching.ignore_lines(office.db, office.clerk, [line], "対象外")
    attempt(office, lambda: matching.reopen_line(office.db, actor_of(office, actor), line))


@drives("payments.matching.add_payer_name")
@PROPERTY
@given(actor=ACTORS, customer=mostly("mine"), name=mostly("ｻﾄｳ ﾊﾅｺ", BAD_TEXT))
def test_registering_a_payer_name_with_bad_values_registers_it_or_refuses(statement_office, actor, customer, name):
    office = statement_office
    target = office.customer_id if customer == "mine" else customer
    attempt(office, lambda: matching.add_payer_name(office.db, actor_of(office, actor), target, name))


@drives("payments.matching.remove_payer_name")
@PROPERTY
@given(actor=ACTORS, payer=mostly("mine"))
def test_removing_a_payer_name_with_bad_values_removes_it_or_refuses(statement_office, actor, payer):
    office = statement_office
    if payer == "mine":
        office.names = getattr(office, "names", 0) + 1
        with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
            payer = matching.add_payer_name(office.db, office.clerk, office.customer_id,
                                            "ﾀﾅｶ" + "ｱ" * office.names).id
    attempt(office, lambda: matching.remove_payer_name(office.db, actor_of(office, actor), payer))
