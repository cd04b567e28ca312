"""The journal services driven with bad values (tests.services.test_bad_input_properties): an
export is written or refused in Japanese; the mapping is saved cleaned or refused, never half."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from reseller_desk.domain.journal_entries import DEFAULTS, AccountName, Ledger, Role
from reseller_desk.services.payments import journals

from .test_bad_input_properties import ACTORS, ANY_BAD, BAD_DATE, BAD_TEXT, PROPERTY, actor_of, attempt, drives, mostly
from .test_bad_input_properties import office as office  # noqa: F401 - the module-scoped bad-input office

LEDGERS = mostly("yayoi", st.one_of(st.sampled_from([x.value for x in Ledger]), ANY_BAD))


@drives("payments.journals.export_journal")
@PROPERTY
@given(actor=ACTORS, month=mostly(dt.date(2026, 11, 1), BAD_DATE), ledger=LEDGERS,
       journal=mostly("all", st.one_of(st.sampled_from(["sales", "receipts"]), ANY_BAD)))
def test_exporting_a_journal_with_bad_values_writes_it_or_refuses(office, actor, month, ledger, journal):
    attempt(office, lambda: journals.export_journal(office.db, actor_of(office, actor), month, ledger=ledger,
                                                    journal=journal))


@drives("payments.journals.save_journal_accounts")
@PROPERTY
@given(actor=ACTORS, ledger=LEDGERS, account=mostly("普通預金", BAD_TEXT), sub=mostly("", BAD_TEXT),
       tax=mostly("対象外", BAD_TEXT), rows=mostly("all", st.one_of(st.just("none"), ANY_BAD)),
       shown=mostly("now", ANY_BAD))
def test_saving_the_mapping_with_bad_values_saves_it_cleaned_or_refuses(office, actor, ledger, account, sub, tax,
                                                                        rows, shown):
    chart = DEFAULTS[Ledger(ledger)] if ledger in {x.value for x in Ledger} else DEFAULTS[Ledger.YAYOI]
    table = ([(role, AccountName(account, sub, tax) if role is Role.BANK else name) for role, name in chart.items()]
             if rows == "all" else [] if rows == "none" else rows)

    def save():
        versions = ({r.role.value: r.row_version for r in journals.journal_accounts(office.db, ledger)
                     if r.row_version is not None} if shown == "now" else shown)
        return journals.save_journal_accounts(office.db, actor_of(office, actor), ledger, table,
                                              expected_versions=versions)
    attempt(office, save)
