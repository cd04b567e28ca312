"""Every mutating service, driven with generated bad values (text with control characters,
bidi overrides, zero-width characters, lone surrogates or a megabyte of it; numbers out of
range, bools, floats, fractions and numeric strings; dates from year 1 to 9999, datetimes,
strings; wrong types and None), either succeeds or refuses with a documented ServiceError
(ValidationFailed, PermissionDenied, NotFound, Blocked, ConcurrentEdit or ServiceError itself),
never with a TypeError, OverflowError, UnicodeEncodeError or a database error; a refused call
writes nothing (every table, the audit log included, is as it was, row for row); and what a
successful call stores lies within the bounds (domain.bounds): no control character, no text
longer than its column, no date outside the window.

One database for the module, built once; the examples are derandomized, so a run is the same
every time (a found fault is a fault of the code, not of luck). A coverage guard lists every
public service function taking ``actor`` and fails when one is neither driven here (or in
tests/services/test_contract_bad_input.py, the contract lifecycle's actions on both engines,
which uses this module's strategies and ``attempt``) nor in the commented exclusion list.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import hashlib
import importlib
import inspect
import io
import os
import pkgutil
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, String, Text, select, text

import reseller_desk.services
from reseller_desk import clock
from reseller_desk.db.database import Database
from reseller_desk.db.models import Base, StaffUser
from reseller_desk.domain import bounds
from reseller_desk.domain.company import BankAccountDetails, CompanyDetails, PlanDetails
from reseller_desk.services import applications as apps
from reseller_desk.services import auth, customers, incidents, staff
from reseller_desk.services import settings as settings_service
from reseller_desk.services.applications import ApplicationInput
from reseller_desk.services.errors import ServiceError
from reseller_desk.services.permissions import Actor, Role
from tests.versions import accounts_now, application_now, customer_now, option_now, plan_now, staff_now

from .builders import MIRAI, PAPERS_CORPORATE, TODAY, YAMADA, sc_input, screened_clear, sh_input

# -- which services are driven ---------------------------------------------------------------------
#: Public functions of reseller_desk.services that take ``actor`` and are not driven here, and why.
NOT_DRIVEN = {
    # read-only: lists the audit log for a manager, changes nothing
    "audit.list_audit",
    # the transaction every change of an application runs in, and the stamp it puts on the
    # application (in the caller's transaction): driven through every change of an application
    "applications.writing.changing",
    "applications.writing.touch",
    # the transaction every action on a contract runs in: driven through every such action
    "contracts.acting.changing",
    # read-only: whether the actor must choose a new password before anything else
    "auth.must_change_password",
    # checks, not changes: the permission checks every use case runs first
    "permissions.require_actor",
    "permissions.require_role",
}
DRIVEN: set[str] = set()
#: The modules that drive services with ``drives`` beside this one (imported by the guard, so
#: that it sees them when this module runs alone).
DRIVERS_ELSEWHERE = ("tests.services.test_contract_bad_input", "tests.services.test_journals_bad_input", "tests.services.test_prices",
                     "tests.services.test_billing_settings", "tests.services.test_equipment_catalog",
                     "tests.services.test_equipment_stock", "tests.services.test_equipment_lending",
                     "tests.services.test_equipment_sales", "tests.services.test_equipment_returns_bad_input",
                     "tests.services.test_warranty_replacements", "tests.services.test_equipment_return_settings",
                     "tests.services.test_payments_bad_input", "tests.services.test_dunning_bad_input",
                     "tests.services.test_debit_bad_input", "tests.services.test_statements_bad_input",
                     "tests.services.test_deposits_bad_input", "tests.services.test_receivables_bad_input")


def drives(*names: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Marks a test as the driver of these services (their names under reseller_desk.services)."""
    DRIVEN.update(names)
    return lambda test: test


def mutating_services() -> set[str]:
    """Every public use case under reseller_desk.services taking ``actor``, as module.name. A
    function whose first parameter is ``session`` runs inside its caller's transaction and is
    driven (and retried) through the use cases that call it."""
    found = set()
    for info in pkgutil.walk_packages(reseller_desk.services.__path__, "reseller_desk.services."):
        module = importlib.import_module(info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_") \
                    and "actor" in inspect.signature(function).parameters \
                    and next(iter(inspect.signature(function).parameters)) != "session":
                found.add(f"{module.__name__.removeprefix('reseller_desk.services.')}.{name}")
    return found


# -- bad values --------------------------------------------------------------------------------------
SURROGATE = st.integers(0xD800, 0xDFFF).map(chr)
NASTY = st.sampled_from(["\x00", "\x07", "\x1b[31m", "\r\n", "\t", "\x85", "\u2028", "\u202e", "\u200b", "\u2066",
                         "\ufeff", "\u00ad", "\udcff", "\ud800", "\U000e0100", "𠮷", "😀", "\u3000", " "])
BAD_TEXT = st.one_of(
    st.lists(st.one_of(st.characters(), NASTY, SURROGATE), max_size=12).map("".join),
    st.builds(lambda n, head: head + "國" * n,
              st.sampled_from([29, 30, 31, 49, 50, 51, 60, 61, 64, 65, 80, 81, 100, 101, 200, 201, 255, 2001, 1_000_000]),
              st.sampled_from(["", "\x00", "\udcff"])),
    st.sampled_from(["", " ", "\u200b\u200d", "\u3000", "T8700110005901", "03-1234-5678", "1000", "1e9", "0005"]),
)
BAD_NUMBER = st.one_of(
    st.integers(-10, 1_100), st.sampled_from([bounds.MAX_FEE, bounds.MAX_FEE + 1, 10**9, 2**31, 2**63, 10**20, -(2**63) - 1]),
    st.booleans(), st.floats(allow_nan=True), st.decimals(allow_nan=True, places=2), st.just(Decimal("1000")),
    st.sampled_from(["1000", "１０００", "1.5", ""]),
)
BAD_DATE = st.one_of(
    st.dates(), st.sampled_from([dt.date.min, dt.date.max, dt.date(1999, 12, 31), bounds.EARLIEST_DATE, TODAY,
                                 TODAY + dt.timedelta(days=1), bounds.years_after(TODAY, 2),
                                 bounds.years_after(TODAY, 2) + dt.timedelta(days=1)]),
    st.datetimes(), st.sampled_from(["2026-11-20", "", "令和8年"]), st.integers(), st.none(),
)
WRONG_TYPE = st.sampled_from([None, 0, 1, -1, 1.5, True, b"\xe5\xb1\xb1", [], ["x"], {}, (), Decimal("NaN"), object()])
ANY_BAD = st.one_of(BAD_TEXT, BAD_NUMBER, BAD_DATE, WRONG_TYPE)
BAD_ID = st.one_of(BAD_NUMBER, WRONG_TYPE)


def mostly(valid: object, bad: st.SearchStrategy[Any] = BAD_ID) -> st.SearchStrategy[Any]:
    """``valid`` about three times in four, else a bad value: most examples reach the checks
    past it (an integer draw, whose simplest value 0 is the valid one)."""
    return st.integers(0, 3).flatmap(lambda i: bad if i == 3 else st.just(valid))


#: The version a screen passes back: "current" (the row's version now, read just before the
#: call) mostly, else a bad one — a stale number, 0, a negative, a bool, a float, a string …
VERSION = mostly("current")


def version(drawn: object, now: Callable[[], object]) -> Any:
    """``drawn`` from :data:`VERSION`, with "current" read now."""
    return now() if drawn == "current" else drawn


#: What cleaning takes out of a line: slipped into a valid value, the call must still succeed.
UNSEEN = st.lists(st.sampled_from(["\x00", "\x07", "\x1b", "\u202e", "\u200b", "\u2066", "\ufeff", "\u00ad", "\udcff"]),
                  min_size=1, max_size=3).map("".join)


@st.composite
def spoiled_text(draw: st.DrawFn, valid: str) -> str:
    """``valid`` with characters cleaning removes slipped in somewhere."""
    position = draw(st.integers(0, len(valid)))
    return valid[:position] + draw(UNSEEN) + valid[position:]


@st.composite
def spoiled(draw: st.DrawFn, valid: Any) -> Any:
    """The dataclass ``valid`` with one to three fields bad: any bad value, or for a text field
    sometimes its own value with unwanted characters slipped in (then it should be saved clean)."""
    names = draw(st.lists(st.sampled_from(field_names(type(valid))), min_size=1, max_size=3, unique=True))
    changes = {}
    for name in names:
        value = getattr(valid, name)
        changes[name] = draw(spoiled_text(value) if isinstance(value, str) and draw(st.booleans()) else ANY_BAD)
    return dataclasses.replace(valid, **changes)


def field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


#: 30 examples per service, the same every run. ``BAD_INPUT_EXAMPLES=300`` explores with that
#: many random examples instead (what was run before this test was committed).
EXPLORE = int(os.environ.get("BAD_INPUT_EXAMPLES", "0"))
PROPERTY = settings(max_examples=EXPLORE or 30, deadline=None, derandomize=not EXPLORE, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- the office the services run in ------------------------------------------------------------------
class Office:
    """One database for the module: staff, company, plans and an option of both services, a
    customer; and fresh applications in the states the decisions need."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.manager = self._staff("kanri", "管理 花子", Role.MANAGER)
        self.clerk = self._staff("jimu", "事務 太郎", Role.CLERK)
        settings_service.save_company(db, self.manager, CompanyDetails(
            name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号",
            phone="03-5289-7410", registration_number="T8700110005901"), expected_version=settings_service.NO_COMPANY_ROW)
        self.plans = {
            "sc": settings_service.save_plan(db, self.manager, None,
                                             PlanDetails("simpleconnect", "SC-BASIC", "ベーシック", 2980, 5000),
                                             expected_version=None).id,
            "sh": settings_service.save_plan(db, self.manager, None,
                                             PlanDetails("sokujitsu", "SH-LIGHT", "ライト", 1980, 3000, 12, 10000),
                                             expected_version=None).id,
            "sc_rec": settings_service.save_option(db, self.manager, None,
                                                   PlanDetails("simpleconnect", "SC-REC", "通話録音", 500, 1000),
                                                   expected_version=None).id,
        }
        self.customer_id = customers.add_customer(db, self.clerk, YAMADA).id
        self.open_sc = apps.create_application(db, self.clerk, sc_input(self.plans)).id

    def _staff(self, login: str, name: str, role: Role) -> Actor:
        with self.db.transaction() as session:
            user = StaffUser(login=login, display_name=name, role=role)
            session.add(user)
            session.flush()
            return auth.actor_of(user)

    def screened(self, *, hit: bool = False) -> int:
        """A fresh SC application, screened: every line 問題なし, or one 該当 (for a refusal)."""
        application_id = apps.create_application(self.db, self.clerk, sc_input(self.plans)).id
        detail = screened_clear(self.db, self.clerk, application_id)
        if hit:
            apps.answer_screening_item(self.db, self.clerk, application_id, detail.checklist[0].code, "hit", "前歴",
                                       expected_version=detail.row_version)
        return application_id

    def sh_open(self, *, letter_sent: bool = False) -> int:
        taken_in = apps.create_application(self.db, self.clerk, sh_input(self.plans))
        if letter_sent:
            apps.record_identity_letter(self.db, self.clerk, taken_in.id, "sent", expected_version=taken_in.row_version,
                                        on=TODAY - dt.timedelta(days=2))
        return taken_in.id


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> Iterator[Office]:
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        db = Database.open(tmp_path_factory.mktemp("bad-input") / "desk.sqlite3", create=True)
        try:
            yield Office(db)
        finally:
            db.dispose()


# -- what every call must do -------------------------------------------------------------------------
def snapshot(db: Database) -> dict[str, str]:
    """Each table's rows (every column, in the order of its primary key: on either engine), as a
    digest: equal snapshots, nothing written."""
    digests = {}
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            order = ", ".join(f'"{column.name}"' for column in table.primary_key.columns)
            rows = conn.execute(text(f'SELECT * FROM "{table.name}" ORDER BY {order}')).all()
            digest = hashlib.sha256()
            for row in rows:   # bytes (a notice's PDF) hashed as they are: their repr is slow
                digest.update(repr(tuple(hashlib.sha256(value).digest() if isinstance(value, (bytes, memoryview)) else value
                                         for value in row)).encode())
            digests[table.name] = f"{len(rows)}:{digest.hexdigest()}"
    return digests


#: What a stored text must not hold: C0/C1 controls (a note keeps tab and newline), bidi and
#: zero-width characters.
UNWANTED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
#: Columns that are not typed text: the search key joins its fields with \x1f, and JSON and
#: hashes are written by the program.
NOT_TYPED = {"search_key", "password_hash", "before", "after", "evidence", "document_json", "applicant_json"}
NOT_CHECKED_TABLES: set[str] = set()


def assert_stored_values_in_bounds(db: Database) -> None:
    earliest, latest = bounds.closure_window(TODAY)
    with db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_CHECKED_TABLES:
                continue
            for column in table.columns:
                kind = column.type
                if isinstance(kind, Date):
                    for (day,) in conn.execute(select(column).where(column.is_not(None))):
                        assert earliest <= day <= latest, f"{table.name}.{column.name} = {day}"
                elif isinstance(kind, (String, Text)) and column.name not in NOT_TYPED:
                    limit = getattr(kind, "length", None)
                    for (value,) in conn.execute(select(column).where(column.is_not(None))):
                        assert not UNWANTED.search(value), f"{table.name}.{column.name} = {value!r}"
                        if limit and isinstance(kind, String) and not isinstance(kind, Text):
                            assert len(value) <= limit, f"{table.name}.{column.name}: {len(value)} > {limit}"


#: A refusal is told to the user in Japanese (kana or kanji in it).
JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


def attempt(office: Office, call: Callable[[], object], *, check_stored: bool = True) -> None:
    """Run ``call``: it succeeds (and what is stored is in bounds) or raises a ServiceError and
    writes nothing. Any other exception fails the test with its traceback."""
    before = snapshot(office.db)
    try:
        with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
            call()
    except ServiceError as error:
        assert JAPANESE.search(str(error)), f"a refusal says why, in Japanese: {error!r}"
        assert snapshot(office.db) == before, f"refused ({type(error).__name__}: {error}) but wrote"
    else:
        if check_stored:
            assert_stored_values_in_bounds(office.db)


ACTORS = mostly("manager", st.sampled_from(["clerk", None, "kanri", Actor(999_999, "ghost", "幽霊", Role.MANAGER)]))


def actor_of(office: Office, actor: object) -> object:
    return {"manager": office.manager, "clerk": office.clerk}.get(actor, actor) if isinstance(actor, str) else actor


# -- the coverage guard ------------------------------------------------------------------------------
def test_every_mutating_service_is_driven_or_excluded_with_its_reason():
    for module in DRIVERS_ELSEWHERE:
        importlib.import_module(module)
    found = mutating_services()
    missing = found - DRIVEN - NOT_DRIVEN
    assert not missing, f"not driven by the bad-input property test: {sorted(missing)}"
    assert not (DRIVEN | NOT_DRIVEN) - found, "a listed service no longer exists"


# -- customers and settings ---------------------------------------------------------------------------
@drives("customers.update_customer")
@PROPERTY
@given(draft=spoiled(YAMADA), customer_id=mostly("mine"), shown=VERSION)
def test_changing_a_customer_with_bad_values_saves_it_cleaned_or_refuses_it(office, draft, customer_id, shown):
    target = office.customer_id if customer_id == "mine" else customer_id
    shown_version = version(shown, lambda: customer_now(office.db, target))
    attempt(office, lambda: customers.update_customer(office.db, office.clerk, target, draft,
                                                      expected_version=shown_version))


COMPANY = CompanyDetails(name="株式会社みらいテレコム", postal_code="101-0047", address="東京都千代田区内神田2丁目5番3号",
                         phone="03-5289-7410", fax="03-5289-7411", email="info@mirai.example.co.jp",
                         representative="代表取締役 高田 誠", registration_number="T8700110005901")
ACCOUNT = BankAccountDetails("0005", "三菱UFJ銀行", "331", "神田支店", "普通", "1234567", "ｶ)ﾐﾗｲﾃﾚｺﾑ")
#: The services that take one record and an actor: the valid record each starts from.
RECORD_SERVICES: dict[str, tuple[Any, Callable[[Office, object, Any], object]]] = {
    "customers.add_customer": (MIRAI, lambda office, actor, draft: customers.add_customer(office.db, actor, draft)),
    "settings.save_company": (COMPANY, lambda office, actor, details: settings_service.save_company(
        office.db, actor, details, expected_version=settings_service.get_company_record(office.db).row_version)),
}


@drives(*RECORD_SERVICES)
@pytest.mark.parametrize("service", sorted(RECORD_SERVICES))
@PROPERTY
@given(data=st.data(), actor=ACTORS)
def test_a_record_with_bad_fields_from_any_actor_is_saved_cleaned_or_refused(office, service, data, actor):
    valid, call = RECORD_SERVICES[service]
    record = data.draw(spoiled(valid))
    attempt(office, lambda: call(office, actor_of(office, actor), record))


@drives("settings.save_bank_accounts")
@PROPERTY
@given(bad=spoiled(ACCOUNT), count=st.integers(0, 12),
       shape=mostly("list", st.sampled_from(["tuple", "none", "one", "junk"])),
       shown=mostly("current", st.one_of(BAD_ID, st.dictionaries(BAD_ID, BAD_ID, max_size=3))))
def test_saving_transfer_accounts_with_bad_values_saves_them_cleaned_or_refuses_them(office, bad, count, shape, shown):
    accounts: object = {"list": [ACCOUNT] * count + [bad], "tuple": (bad,), "none": None, "one": bad,
                        "junk": [ACCOUNT, "0005-331"]}[shape]
    attempt(office, lambda: settings_service.save_bank_accounts(  # type: ignore[arg-type]
        office.db, office.manager, accounts, expected_versions=version(shown, lambda: accounts_now(office.db))))


CLOSURE_DAYS = mostly([], st.one_of(BAD_DATE, WRONG_TYPE)).flatmap(
    lambda bad: st.lists(mostly(None, BAD_DATE).flatmap(
        lambda day: st.dates(dt.date(2000, 1, 1), dt.date(2028, 11, 20)) if day is None else st.just(day)), max_size=4)
    if bad == [] else st.just(bad))


@drives("settings.add_closures")
@PROPERTY
@given(days=CLOSURE_DAYS, note=st.one_of(spoiled_text("夏季休業"), BAD_TEXT, WRONG_TYPE))
def test_adding_closure_days_with_bad_values_adds_them_or_refuses_them(office, days, note):
    attempt(office, lambda: settings_service.add_closures(office.db, office.manager, days, note))


@drives("settings.remove_closures")
@PROPERTY
@given(days=CLOSURE_DAYS)
def test_removing_closure_days_with_bad_values_removes_them_or_refuses(office, days):
    attempt(office, lambda: settings_service.remove_closures(office.db, office.manager, days))


PLAN = PlanDetails("simpleconnect", "SC-PROP", "検証プラン", 1980, 3000, 12, 10000, False, True, "備考")


@drives("settings.save_plan", "settings.save_option")
@PROPERTY
@given(details=spoiled(PLAN), record=st.one_of(st.none(), mostly("existing")), option=st.booleans(), shown=VERSION)
def test_saving_a_plan_or_option_with_bad_values_saves_it_cleaned_or_refuses_it(office, details, record, option, shown):
    save = settings_service.save_option if option else settings_service.save_plan
    target = (office.plans["sc_rec"] if option else office.plans["sc"]) if record == "existing" else record
    now = option_now if option else plan_now
    shown_version = None if target is None else version(shown, lambda: now(office.db, target))
    attempt(office, lambda: save(office.db, office.manager, target, details, expected_version=shown_version))


# -- applications ------------------------------------------------------------------------------------
def shown_now(office: Office, shown: object, application_id: object) -> Any:
    """The version of the application a screen shows, from :data:`VERSION`."""
    return version(shown, lambda: application_now(office.db, application_id))



@st.composite
def bad_input(draw: st.DrawFn, office: Office) -> ApplicationInput:
    """A valid SC application with some of its form, papers, debit account, applicant or the
    ids it names bad."""
    inp = sc_input(office.plans)
    draft = draw(mostly(inp.draft, spoiled(inp.draft)))
    if draw(st.booleans()):
        paper = draw(spoiled(PAPERS_CORPORATE[1]))
        draft = dataclasses.replace(draft, documents=(*PAPERS_CORPORATE[:1], paper, *PAPERS_CORPORATE[2:]))
    if draw(st.booleans()) and isinstance(draft.debit_account, BankAccountDetails):
        draft = dataclasses.replace(draft, debit_account=draw(spoiled(draft.debit_account)))
    applicant: object = inp.applicant
    if draw(st.booleans()):
        applicant = draw(spoiled(MIRAI))
    who = draw(mostly("new", st.sampled_from(["customer", "both", "junk"])))
    customer_id = draw(mostly(office.customer_id)) if who != "new" else None
    handled_by = draw(mostly(None, st.one_of(st.just(office.clerk.user_id), BAD_ID)))
    if who == "customer":
        applicant = None
    if who == "junk":
        return draw(st.sampled_from([None, "申込", draft]))  # type: ignore[return-value]
    return ApplicationInput(draft, customer_id=customer_id, applicant=applicant,  # type: ignore[arg-type]
                            handled_by_id=handled_by)


@drives("applications.intake.create_application")
@PROPERTY
@given(data=st.data())
def test_taking_in_an_application_with_bad_values_saves_it_cleaned_or_refuses_it(office, data):
    inp = data.draw(bad_input(office))
    attempt(office, lambda: apps.create_application(office.db, office.clerk, inp))


@drives("applications.intake.update_application")
@PROPERTY
@given(data=st.data(), target=mostly("open"), shown=VERSION)
def test_changing_an_application_with_bad_values_saves_it_cleaned_or_refuses_it(office, data, target, shown):
    inp = data.draw(bad_input(office))
    application_id = office.open_sc if target == "open" else target
    attempt(office, lambda: apps.update_application(office.db, office.clerk, application_id, inp,
                                                    expected_version=shown_now(office, shown, application_id)))


@drives("applications.screening.start_screening")
@PROPERTY
@given(target=mostly("open"), actor=ACTORS, shown=VERSION)
def test_starting_screening_of_a_bad_id_refuses_it(office, target, actor, shown):
    application_id = office.open_sc if target == "open" else target
    attempt(office, lambda: apps.start_screening(office.db, actor_of(office, actor), application_id,
                                                 expected_version=shown_now(office, shown, application_id)))


@drives("applications.screening.answer_screening_item")
@PROPERTY
@given(code=mostly("1", st.one_of(st.sampled_from(["2", "(1)"]), BAD_TEXT, WRONG_TYPE)),
       answer=mostly("clear", st.one_of(st.sampled_from(["hit", "unchecked"]), BAD_TEXT, WRONG_TYPE)),
       note=st.one_of(spoiled_text("確認済"), BAD_TEXT, WRONG_TYPE), shown=VERSION)
def test_answering_a_checklist_line_with_bad_values_saves_it_cleaned_or_refuses_it(office, code, answer, note, shown):
    application_id = office.open_sc
    apps.start_screening(office.db, office.clerk, application_id,
                         expected_version=application_now(office.db, application_id))
    attempt(office, lambda: apps.answer_screening_item(office.db, office.clerk, application_id, code, answer, note,
                                                       expected_version=shown_now(office, shown, application_id)))


#: A date a decision may be given: none (today) most often, else any bad one.
DECISION_DATE = mostly(None, BAD_DATE)


@drives("applications.decisions.approve_application")
@PROPERTY
@given(decided_on=DECISION_DATE, registered_on=DECISION_DATE, opened_on=DECISION_DATE,
       target=mostly("screened"), actor=mostly("manager", st.sampled_from(["clerk", None])), shown=VERSION)
def test_approving_with_bad_dates_approves_or_refuses_writing_nothing(office, decided_on, registered_on, opened_on,
                                                                     target, actor, shown):
    application_id = office.screened() if target == "screened" else target
    attempt(office, lambda: apps.approve_application(office.db, actor_of(office, actor), application_id,
                                                     expected_version=shown_now(office, shown, application_id),
                                                     decided_on=decided_on, registered_on=registered_on,
                                                     opened_on=opened_on))


@drives("applications.decisions.refuse_application")
@PROPERTY
@given(note=st.one_of(spoiled_text("前歴あり"), BAD_TEXT, WRONG_TYPE), decided_on=DECISION_DATE,
       target=mostly("screened"), shown=VERSION)
def test_refusing_with_bad_values_refuses_or_is_refused_writing_nothing(office, note, decided_on, target, shown):
    application_id = office.screened(hit=True) if target == "screened" else target
    attempt(office, lambda: apps.refuse_application(office.db, office.manager, application_id, note,
                                                    expected_version=shown_now(office, shown, application_id),
                                                    decided_on=decided_on))


@drives("applications.decisions.withdraw_application")
@PROPERTY
@given(on=DECISION_DATE, target=mostly("open"), shown=VERSION)
def test_withdrawing_on_a_bad_date_withdraws_or_refuses_writing_nothing(office, on, target, shown):
    application_id = apps.create_application(office.db, office.clerk, sc_input(office.plans)).id \
        if target == "open" else target
    attempt(office, lambda: apps.withdraw_application(office.db, office.clerk, application_id,
                                                      expected_version=shown_now(office, shown, application_id), on=on))


@drives("applications.identity_check.record_identity_letter")
@PROPERTY
@given(status=mostly("sent", st.one_of(st.sampled_from(["confirmed", "failed", "not_sent"]), BAD_TEXT, WRONG_TYPE)),
       on=DECISION_DATE, sent=st.booleans(), target=mostly("open"), shown=VERSION)
def test_recording_the_identity_letter_with_bad_values_records_it_or_refuses(office, status, on, sent, target, shown):
    application_id = office.sh_open(letter_sent=sent) if target == "open" else target
    attempt(office, lambda: apps.record_identity_letter(office.db, office.clerk, application_id, status,
                                                        expected_version=shown_now(office, shown, application_id), on=on))


@drives("incidents.add_incident")
@PROPERTY
@given(kind=mostly("unpaid", st.one_of(st.just("violation"), BAD_TEXT, WRONG_TYPE)),
       occurred_on=mostly(dt.date(2026, 1, 5), BAD_DATE), amount=mostly(5000, BAD_NUMBER),
       note=st.one_of(spoiled_text("2025年2月分 未入金"), BAD_TEXT, WRONG_TYPE),
       resolved_on=DECISION_DATE, target=mostly("customer"))
def test_recording_an_incident_with_bad_values_records_it_or_refuses(office, kind, occurred_on, amount, note,
                                                                    resolved_on, target):
    customer_id = office.customer_id if target == "customer" else target
    attempt(office, lambda: incidents.add_incident(office.db, office.clerk, customer_id, kind, occurred_on,
                                                   amount=amount, note=note, resolved_on=resolved_on))


# -- staff (services/staff.py, services/auth.py) ------------------------------------------------------
STAFF_TEXT = st.one_of(BAD_TEXT, WRONG_TYPE, st.sampled_from(["newbie", "a", "x" * 51, "國" * 51, " pass word "]))


def other_staff(office: Office, role: Role = Role.CLERK) -> int:
    """A fresh staff member to change (never the module's manager, whose log-in the others use)."""
    office.extra = getattr(office, "extra", 0) + 1
    return staff.add_staff(office.db, office.manager, f"extra{office.extra}", f"担当 {office.extra}", role,
                           "correct-horse-battery").id


@drives("staff.add_staff")
@PROPERTY
@given(login=st.one_of(st.text("abcdefghij", min_size=2, max_size=8), STAFF_TEXT),
       name=st.one_of(st.just("新人 一郎"), STAFF_TEXT), role=mostly("clerk", st.one_of(st.just("manager"), STAFF_TEXT)),
       password=mostly("correct-horse-battery", STAFF_TEXT), actor=ACTORS)
def test_adding_staff_with_bad_values_adds_or_refuses_writing_nothing(office, login, name, role, password, actor):
    attempt(office, lambda: staff.add_staff(office.db, actor_of(office, actor), login, name, role, password))


@drives("staff.add_staff_with_temporary_password")
@PROPERTY
@given(login=st.one_of(st.text("klmnopqrst", min_size=2, max_size=8), STAFF_TEXT),
       name=st.one_of(st.just("新人 二郎"), STAFF_TEXT), role=mostly("clerk", STAFF_TEXT), actor=ACTORS)
def test_adding_staff_with_a_temporary_password_and_bad_values_adds_or_refuses(office, login, name, role, actor):
    attempt(office, lambda: staff.add_staff_with_temporary_password(office.db, actor_of(office, actor), login, name,
                                                                    role))


@drives("staff.change_role")
@PROPERTY
@given(target=mostly("other", BAD_ID), role=mostly("manager", st.one_of(st.just("clerk"), STAFF_TEXT)), actor=ACTORS,
       shown=VERSION)
def test_changing_a_role_with_bad_values_changes_it_or_refuses(office, target, role, actor, shown):
    user_id = other_staff(office) if target == "other" else target
    attempt(office, lambda: staff.change_role(office.db, actor_of(office, actor), user_id, role,
                                              expected_version=version(shown, lambda: staff_now(office.db, user_id))))


@drives("staff.set_active")
@PROPERTY
@given(target=mostly("other", BAD_ID), active=mostly(False, st.one_of(st.just(True), ANY_BAD)), actor=ACTORS,
       shown=VERSION)
def test_deactivating_with_bad_values_deactivates_or_refuses(office, target, active, actor, shown):
    user_id = other_staff(office) if target == "other" else target
    attempt(office, lambda: staff.set_active(office.db, actor_of(office, actor), user_id, active,
                                             expected_version=version(shown, lambda: staff_now(office.db, user_id))))


@drives("staff.reset_password")
@PROPERTY
@given(target=mostly("other", BAD_ID), actor=ACTORS, shown=VERSION)
def test_resetting_a_password_of_a_bad_id_resets_it_or_refuses(office, target, actor, shown):
    user_id = other_staff(office) if target == "other" else target
    attempt(office, lambda: staff.reset_password(office.db, actor_of(office, actor), user_id,
                                                 expected_version=version(shown, lambda: staff_now(office.db, user_id))))


@drives("auth.change_own_password")
@PROPERTY
@given(current=mostly("correct-horse-battery", STAFF_TEXT), new=mostly("another-horse-1", STAFF_TEXT),
       who=mostly("self", st.sampled_from([None, "kanri", Actor(999_999, "ghost", "幽霊", Role.CLERK)])))
def test_changing_ones_own_password_to_bad_values_changes_it_or_refuses(office, current, new, who):
    user_id = other_staff(office)
    with office.db.transaction() as session:
        actor = auth.actor_of(session.get(StaffUser, user_id)) if who == "self" else who
    attempt(office, lambda: auth.change_own_password(office.db, actor, current, new))


# -- backups ----------------------------------------------------------------------------------------
@drives("backup.make_backup")
@PROPERTY
@given(name=st.one_of(BAD_TEXT, WRONG_TYPE.filter(lambda value: value is not None)), actor=ACTORS)
def test_backing_up_under_a_bad_file_name_makes_the_backup_or_refuses_it(office, name, actor):
    from sqlalchemy.engine import make_url

    from reseller_desk.services import backup

    folder = os.path.join(os.path.dirname(make_url(office.db.url).database or ""), "backups")
    # a name inside the module's own folder, never a way out of it (nor None: the user's folder)
    out = os.path.join(folder, name.replace("..", "").lstrip("/")) if isinstance(name, str) else name
    attempt(office, lambda: backup.make_backup(office.db, actor_of(office, actor), out))


# -- the contract import (移行) -------------------------------------------------------------------
@st.composite
def import_rows(draw: st.DrawFn) -> object:
    """Rows of the import file, valid ones of both services with some cells bad (any text, or
    a valid cell with unwanted characters slipped in), or rows that are not rows at all."""
    from reseller_desk.domain.contract_import import COLUMNS, SourceRow

    from .import_rows import sc_row, sh_row

    shape = draw(mostly("rows", st.sampled_from(["junk", "bad-number", "bad-cells"])))
    if shape == "junk":
        return draw(st.sampled_from([None, "rows", [None], [{"種別": "法人"}], (1, 2), b"csv"]))
    rows = []
    for n in range(draw(st.integers(1, 3))):
        row = draw(st.sampled_from([sc_row, sh_row]))(n + 1)
        for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=3, unique=True)):
            row[column] = draw(st.one_of(spoiled_text(row[column]), BAD_TEXT))
        cells: object = {**row, 123: "x"} if shape == "bad-cells" else row
        rows.append(SourceRow(draw(BAD_ID) if shape == "bad-number" else n + 2, cells))  # type: ignore[arg-type]
    return rows


@drives("contracts.importing.import_contracts")
@PROPERTY
@given(rows=import_rows(), actor=ACTORS, dry_run=mostly(False, WRONG_TYPE),
       name=mostly("移行.csv", st.one_of(BAD_TEXT, WRONG_TYPE)))
def test_importing_contracts_with_bad_cells_imports_them_cleaned_or_refuses_writing_nothing(office, rows, actor,
                                                                                           dry_run, name):
    from reseller_desk.services.contracts.importing import import_contracts

    attempt(office, lambda: import_contracts(office.db, actor_of(office, actor), rows,  # type: ignore[arg-type]
                                             dry_run=dry_run, source_name=name))


# -- the call charges import (通話料) -------------------------------------------------------------
def usage_number(office: Office) -> tuple[str, str]:
    """A contract of the office holding a number (made once): its カスタマID and number."""
    if not hasattr(office, "usage_line"):
        from reseller_desk.db.models import Contract, ContractNumber
        from reseller_desk.services.contracts.importing import import_contracts

        from .import_rows import sc_row, source_rows

        [code] = import_contracts(office.db, office.manager, source_rows([sc_row(901)]), source_name="usage",
                                  today=TODAY).customer_codes
        with office.db.transaction(write=True) as session:
            contract_id = session.scalars(select(Contract.id).where(Contract.customer_code == code)).one()
            session.add(ContractNumber(contract_id=contract_id, number="0390000901", assigned_on=dt.date(2026, 10, 1)))
        office.usage_line = (code, "03-9000-0901")  # type: ignore[attr-defined]
    return office.usage_line  # type: ignore[attr-defined,no-any-return]


@st.composite
def usage_files(draw: st.DrawFn, code: str, number: str) -> object:
    """A usage file of calls of the office's contract with some cells bad (any text, or a valid
    cell with unwanted characters slipped in), or bytes that are no such file, or no bytes."""
    from reseller_desk.domain.usage_file import COLUMNS

    from .usage_builders import call

    shape = draw(mostly("file", st.sampled_from(["bytes", "junk"])))
    if shape == "junk":
        return draw(WRONG_TYPE)
    if shape == "bytes":
        return draw(st.binary(max_size=200))
    rows = []
    for n in range(draw(st.integers(1, 3))):
        row = call(number, f"2026-11-{3 + n:02d} 09:0{n}", code=draw(st.sampled_from(["", code])))
        for column in draw(st.lists(st.sampled_from(COLUMNS), max_size=3, unique=True)):
            row[column] = draw(st.one_of(spoiled_text(row[column]), BAD_TEXT))
        rows.append(row)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    columns = draw(st.permutations(COLUMNS))
    writer.writerow(columns)
    writer.writerows([[row[c] for c in columns] for row in rows])
    return out.getvalue().encode("utf-8", "surrogatepass")   # a lone surrogate: no UTF-8 (nor Shift_JIS) file


@drives("billing.usage.import_usage")
@PROPERTY
@given(data=st.data(), actor=ACTORS, month=mostly(dt.date(2026, 11, 1), BAD_DATE),
       name=mostly("11月分.csv", st.one_of(BAD_TEXT, WRONG_TYPE)), drop_bad=mostly(False, st.one_of(st.just(True),
                                                                                              WRONG_TYPE)))
def test_importing_call_charges_with_bad_cells_imports_them_cleaned_or_refuses_writing_nothing(office, data, actor,
                                                                                              month, name, drop_bad):
    from reseller_desk.services.billing.usage import import_usage

    file = data.draw(usage_files(*usage_number(office)))
    attempt(office, lambda: import_usage(office.db, actor_of(office, actor), file, name, month,  # type: ignore[arg-type]
                                         drop_bad=drop_bad))
# -- invoices ----------------------------------------------------------------------------------------
def _issued_invoice(office: Office) -> tuple[int, Any]:
    """A fresh customer's October invoice (issued 2026-11-02, before the tests' today): each
    example corrects its own, since an invoice is corrected once."""
    from .invoice_builders import a_customer, document, issue_documents, recurring

    october = dt.date(2026, 10, 1)
    line = recurring("C0000001", "ベーシック 月額", 2, 2980, month=october)
    with clock.frozen(dt.datetime(2026, 11, 20, 10, 0)):
        customer = a_customer(office.db, office.manager)
    [issued] = issue_documents(office.db, customer, [document([line], month=october)])
    return issued.invoice_id, line


@drives("billing.corrections.issue_correction")
@PROPERTY
@given(actor=ACTORS, target=mostly("issued"), reason=mostly("請求額の誤り", st.one_of(spoiled_text("回線数の誤り"),
                                                                                       BAD_TEXT, WRONG_TYPE)),
       replacement=st.one_of(st.none(), st.just("original"), st.lists(st.just("spoiled"), min_size=1, max_size=3),
                             WRONG_TYPE),
       today=mostly(None, BAD_DATE), data=st.data())
def test_correcting_an_invoice_with_bad_values_issues_the_correction_or_refuses_it(office, actor, target, reason,
                                                                                   replacement, today, data):
    from reseller_desk.services.billing.corrections import issue_correction

    invoice_id, line = _issued_invoice(office)
    lines: Any = replacement
    if replacement == "original":
        lines = [line]
    elif isinstance(replacement, list) and replacement and replacement[0] == "spoiled":
        lines = [data.draw(spoiled(line)) for _ in replacement]
    attempt(office, lambda: issue_correction(office.db, actor_of(office, actor),
                                             invoice_id if target == "issued" else target, reason=reason,
                                             replacement=lines, today=today))
# -- the billing run (月次請求) ------------------------------------------------------------------------
@drives("billing.run.bill_month")
@PROPERTY
@given(month=mostly(dt.date(2026, 10, 1), st.one_of(BAD_DATE, WRONG_TYPE)), actor=ACTORS,
       chunk=mostly(500, BAD_NUMBER), progress=mostly(None, WRONG_TYPE), cancelled=mostly(None, WRONG_TYPE))
def test_a_billing_run_with_bad_values_runs_or_refuses_writing_nothing(office, month, actor, chunk, progress,
                                                                       cancelled):
    from reseller_desk.services.billing.run import bill_month

    attempt(office, lambda: bill_month(office.db, actor_of(office, actor), month, today=TODAY,  # type: ignore[arg-type]
                                       chunk=chunk, progress=progress, cancelled=cancelled))
