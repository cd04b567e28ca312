"""Whether a database is whole: what the concurrency and crash tests (and the probe script
tests/benchmarks/probe_writers.py) check after several writers, or a writer killed midway.

``check(target)`` looks at a SQLite file (a path) or a PostgreSQL database (a URL) and lists
every problem found, in words; an empty list means:

- SQLite only, with plain sqlite3 before anything else opens the file: ``PRAGMA
  integrity_check`` is ok and ``PRAGMA foreign_key_check`` finds nothing (a PostgreSQL server
  enforces its foreign keys itself and has no such check);
- nothing half-made: every 承諾 (or 承諾取消) application has its contract and its acceptance
  notice, every contract an application that was approved, every 不承諾 its refusal notice,
  every 承諾取消 its revocation notice;
- no change without its audit record: one ``*.add`` record for each customer, application,
  contract, staff member, plan and option, one ``notice.issue`` per notice, one decision record
  per decided application, and a customer's or an application's ``row_version`` moved once per
  audited change of it;
- a contract's history read one way: a plan period at least, periods that never share a month,
  numbers released by a contract that has ended, a timeline starting with its formation (or
  its import) whose moves, walked in the order recorded through ``domain.contract.transition``,
  each go from the status the one before left and end at the contract's status;
- every number issued once and without gaps: the カスタマID, the 申込番号 of each year, the
  文書番号 of each kind and year and the 請求書番号 of each year are exactly 1 … n, and their
  counter stands at n + 1;
- every invoice whole: each with its lines (as many as its frozen document holds), its hash
  chained to the one issued before it, one invoice per billing account and month, and every
  one-time charge or call marked billed naming an invoice that exists;
- every unit's status true to its rows (issue 11): a 貸出中 unit has one open rental and no
  other status has one but 返却待ち; a 返却待ち unit has one open return request and no other
  status has one; a 出荷待ち unit one sale not shipped nor cancelled; a 販売済 unit a shipped sale
  or a warranty replacement that sent it; a unit held by a contract only while it is out; and
  its history starts with its receipt and ends in its status;
- the database opens again with ``Database.open`` at this version's schema.

Queries are plain SQL, the same on both engines; numbers and JSON are read in Python.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from reseller_desk.db.database import Database, to_url
from reseller_desk.db.revisions import head_revision
from reseller_desk.domain.contract import ContractAction, ContractStatus, TransitionRefused, transition
from reseller_desk.domain.invoice_document import GENESIS_HASH, chain_hash

#: Each table of a thing that is added, the entity its audit records name, and the action.
ADDED = (
    ("customers", "customer", "customer.add"),
    ("applications", "application", "application.add"),
    ("contracts", "contract", "contract.add"),
    ("notices", "notice", "notice.issue"),
    ("staff_users", "staff", "staff.add"),
    ("plans", "plan", "plan.add"),
    ("plan_options", "option", "option.add"),
)

#: Audit actions that change an application row (each moves its row_version once).
APPLICATION_CHANGES = ("application.update", "application.screening", "application.approve",
                       "application.refuse", "application.withdraw", "application.withdrawal_request",
                       "application.identity_letter", "screening.answer")

#: Where numbers are stored, their pattern (the series, then the serial) and their counter's name.
NUMBERED = (
    ("SELECT customer_code FROM contracts", re.compile(r"C(\d{7})"), "customer-code"),
    ("SELECT number FROM applications", re.compile(r"A-(\d{4})-(\d{6})"), "application-{0}"),
    ("SELECT number FROM notices", re.compile(r"(.)-(\d{4})-(\d{6})"), "notice-{0}-{1}"),
    ("SELECT number FROM invoices", re.compile(r"(\d{4})-(\d{6})"), "invoice-{0}"),
)


@dataclass
class Consistency:
    """What ``check`` found: ``problems`` (empty when the database is whole) and a few counts."""

    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def check(target: str | Path) -> Consistency:
    """Every check of the module's docstring on ``target`` (a SQLite path or a URL)."""
    url = to_url(target)
    found = Consistency()
    if url.startswith("sqlite:"):
        found.problems += sqlite_file_problems(url.removeprefix("sqlite:///"))
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            found.problems += (half_made(conn) + unaudited(conn) + numbering_problems(conn)
                               + contract_problems(conn) + timeline_problems(conn) + invoice_problems(conn)
                               + equipment_problems(conn) + payment_problems(conn))
            found.counts = counts(conn)
    finally:
        engine.dispose()
    found.problems += reopening_problems(target)
    return found


def invoice_problems(conn: Connection) -> list[str]:
    """Invoices without all their lines, a broken hash chain, two invoices of one account and
    month, and charges or calls marked billed by an invoice that does not exist."""
    problems: list[str] = []
    lines = Counter(_column(conn, "SELECT invoice_id FROM invoice_lines"))
    previous = GENESIS_HASH
    for number, invoice_id, document, before, content in conn.execute(text(
            "SELECT number, id, document_json, previous_hash, content_hash FROM invoices ORDER BY id")):
        if lines[invoice_id] != len(json.loads(document)["lines"]) or lines[invoice_id] == 0:
            problems.append(f"invoice {number} with {lines[invoice_id]} line rows")
        if before != previous or content != chain_hash(previous, document):
            problems.append(f"invoice {number} breaks the hash chain")
        previous = content
    problems += _listed("billing accounts invoiced twice for a month", conn.execute(text("""
        SELECT customer_id, terms_profile_id, billing_month FROM invoices
        WHERE kind = 'invoice' AND corrects_invoice_id IS NULL
        GROUP BY customer_id, terms_profile_id, billing_month HAVING count(*) > 1""")).all())
    for table in ("one_time_charges", "usage_records"):
        problems += _listed(f"{table} billed by no invoice", _column(conn, f"""
            SELECT t.id FROM {table} t WHERE t.invoice_id IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.id = t.invoice_id)"""))
    return problems


def sqlite_file_problems(path: str) -> list[str]:
    """``integrity_check`` and ``foreign_key_check`` with plain sqlite3 (the WAL, if any, is
    recovered as any reader would)."""
    conn = sqlite3.connect(path)
    try:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        foreign = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    problems = [] if integrity == ["ok"] else [f"integrity_check: {integrity[:5]}"]
    if foreign:
        problems.append(f"foreign_key_check: {len(foreign)} rows, e.g. {foreign[:3]}")
    return problems


def payment_problems(conn: Connection) -> list[str]:
    """Payments as entries: a receipt applies no more than it brought in, an application belongs
    to the payment's own customer, a reversal undoes exactly its receipt, and no invoice is
    settled beyond its total (plus what credit invoices returned of it)."""
    return (
        _listed("receipts applied beyond their amount", _column(conn,
            "SELECT p.id FROM payments p WHERE p.kind = 'receipt' AND p.amount < (SELECT COALESCE(SUM(a.amount), 0)"
            " FROM payment_applications a WHERE a.payment_id = p.id)"))
        + _listed("applications to another customer's invoice", _column(conn,
            "SELECT a.id FROM payment_applications a JOIN payments p ON p.id = a.payment_id"
            " JOIN invoices i ON i.id = a.invoice_id WHERE i.customer_id <> p.customer_id"))
        + _listed("reversals that do not undo their receipt", _column(conn,
            "SELECT r.id FROM payments r JOIN payments p ON p.id = r.reverses_payment_id"
            " WHERE r.amount <> -p.amount OR r.customer_id <> p.customer_id OR (SELECT COALESCE(SUM(a.amount), 0)"
            " FROM payment_applications a WHERE a.payment_id = r.id) <> -(SELECT COALESCE(SUM(a.amount), 0)"
            " FROM payment_applications a WHERE a.payment_id = p.id AND a.id < (SELECT MIN(b.id) FROM"
            " payment_applications b WHERE b.payment_id = r.id))"))
        + _listed("invoices (never corrected) settled beyond their total", _column(conn,
            "SELECT i.number FROM invoices i WHERE i.kind = 'invoice' AND (SELECT COALESCE(SUM(a.amount), 0)"
            " FROM payment_applications a WHERE a.invoice_id = i.id) + (SELECT COALESCE(SUM(w.amount), 0)"
            " FROM write_offs w WHERE w.invoice_id = i.id) > i.total"
            " AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.corrects_invoice_id = i.id)"))
        + _listed("payments without a payment.receive/reverse/refund record", _column(conn,
            "SELECT p.id FROM payments p WHERE p.kind <> 'reversal' AND NOT EXISTS (SELECT 1 FROM audit_log l"
            " WHERE l.entity = 'payment' AND l.entity_id = p.id)"))
    )


def equipment_problems(conn: Connection) -> list[str]:
    """Each unit's status against its rentals, return requests, sales, replacements and history."""
    def units(sql: str) -> list:
        return _column(conn, sql)

    open_rentals = "SELECT unit_id FROM rentals WHERE returned_on IS NULL"
    open_requests = "SELECT unit_id FROM return_requests WHERE status = 'open'"
    return (
        _listed("units 貸出中 without exactly one open rental", units(
            "SELECT u.serial_number FROM equipment_units u WHERE u.status = 'lent' AND (SELECT COUNT(*) FROM rentals r"
            " WHERE r.unit_id = u.id AND r.returned_on IS NULL AND r.contract_id = u.contract_id) <> 1"))
        + _listed("units with an open rental neither 貸出中 nor 返却待ち", units(
            f"SELECT serial_number FROM equipment_units WHERE id IN ({open_rentals})"
            " AND status NOT IN ('lent', 'awaiting_return')"))
        + _listed("units 返却待ち without exactly one open return request", units(
            "SELECT u.serial_number FROM equipment_units u WHERE u.status = 'awaiting_return' AND (SELECT COUNT(*)"
            " FROM return_requests q WHERE q.unit_id = u.id AND q.status = 'open') <> 1"))
        + _listed("open return requests of a unit not 返却待ち", units(
            f"SELECT serial_number FROM equipment_units WHERE id IN ({open_requests}) AND status <> 'awaiting_return'"))
        + _listed("units 出荷待ち without one sale awaiting shipment", units(
            "SELECT u.serial_number FROM equipment_units u WHERE u.status = 'awaiting_shipment' AND (SELECT COUNT(*)"
            " FROM equipment_sales s WHERE s.unit_id = u.id AND s.shipped_on IS NULL AND NOT s.cancelled) <> 1"))
        + _listed("units 販売済 neither shipped by a sale nor sent as a replacement", units(
            "SELECT u.serial_number FROM equipment_units u WHERE u.status = 'sold' AND NOT EXISTS (SELECT 1 FROM"
            " equipment_sales s WHERE s.unit_id = u.id AND s.shipped_on IS NOT NULL AND NOT s.cancelled)"
            " AND NOT EXISTS (SELECT 1 FROM warranty_replacements w WHERE w.new_unit_id = u.id)"))
        + _listed("units in the office still held by a contract", units(
            "SELECT serial_number FROM equipment_units WHERE status IN ('in_stock', 'in_repair', 'disposed')"
            " AND contract_id IS NOT NULL"))
        + _listed("units out without the contract holding them", units(
            "SELECT serial_number FROM equipment_units WHERE status IN ('lent', 'sold', 'awaiting_shipment',"
            " 'awaiting_return') AND contract_id IS NULL"))
        + _listed("units whose history does not start with their receipt", units(
            "SELECT u.serial_number FROM equipment_units u WHERE COALESCE((SELECT e.action FROM unit_events e"
            " WHERE e.unit_id = u.id ORDER BY e.id LIMIT 1), '') <> 'receive'"))
        + _listed("units whose last move does not end in their status", units(
            "SELECT u.serial_number FROM equipment_units u WHERE COALESCE((SELECT e.to_status FROM unit_events e"
            " WHERE e.unit_id = u.id ORDER BY e.id DESC LIMIT 1), '') <> u.status"))
    )


def _listed(what: str, rows: Iterable[object]) -> list[str]:
    rows = list(rows)
    return [f"{what}: {len(rows)}, e.g. {rows[:5]}"] if rows else []


def _column(conn: Connection, sql: str, **params: object) -> list:
    return [row[0] for row in conn.execute(text(sql), params)]


def half_made(conn: Connection) -> list[str]:
    """Decisions whose contract or notice is missing, and contracts of no approved application."""
    decided = "('approved', 'revoked')"
    return (
        _listed("承諾 without its contract", _column(conn, f"""
            SELECT a.number FROM applications a WHERE a.status IN {decided}
            AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.application_id = a.id)"""))
        + _listed("承諾 without its acceptance notice", _column(conn, f"""
            SELECT a.number FROM applications a JOIN contracts c ON c.application_id = a.id
            WHERE a.status IN {decided} AND NOT EXISTS (SELECT 1 FROM notices n
                WHERE n.contract_id = c.id AND n.kind = 'approval')"""))
        + _listed("contract of an application that is not approved", _column(conn, f"""
            SELECT c.customer_code FROM contracts c JOIN applications a ON a.id = c.application_id
            WHERE a.status NOT IN {decided}"""))
        + _listed("不承諾 without its refusal notice", _column(conn, """
            SELECT a.number FROM applications a WHERE a.status = 'refused' AND NOT EXISTS
            (SELECT 1 FROM notices n WHERE n.application_id = a.id AND n.kind = 'refusal')"""))
        + _listed("承諾取消 without its revocation notice", _column(conn, """
            SELECT a.number FROM applications a WHERE a.status = 'revoked' AND NOT EXISTS
            (SELECT 1 FROM notices n WHERE n.application_id = a.id AND n.kind = 'revocation')"""))
    )


#: The demo's bulk inserts audit each table's rows as one record with their count.
BULK = {"customers": "demo.customers", "contracts": "demo.contracts"}


def _bulk_count(conn: Connection, table: str) -> int:
    """Rows of ``table`` added by the demo's bulk insert (0 for a table it does not fill)."""
    if table not in BULK:
        return 0
    return sum(int(json.loads(after)["count"]) for after in _column(
        conn, "SELECT after FROM audit_log WHERE action = :action", action=BULK[table]))


def unaudited(conn: Connection) -> list[str]:
    """Rows without their one audit record, records of rows that do not exist, and versions
    that moved more often than their rows' audited changes."""
    problems: list[str] = []
    for table, entity, action in ADDED:
        records = Counter(_column(conn, "SELECT entity_id FROM audit_log WHERE action = :action AND entity = :entity",
                                  action=action, entity=entity))
        ids = set(_column(conn, f"SELECT id FROM {table}"))
        missing = sorted(ids - set(records))
        if table in BULK and len(missing) == _bulk_count(conn, table):
            missing = []
        problems += _listed(f"{table} without their {action} record", missing)
        problems += _listed(f"{table} with more than one {action} record", sorted(i for i, n in records.items() if n > 1))
        problems += _listed(f"{action} records of no row of {table}", sorted(set(records) - ids))
    for status, action in (("approved", "application.approve"), ("revoked", "application.approve"),
                           ("refused", "application.refuse")):
        made = Counter(_column(conn, "SELECT entity_id FROM audit_log WHERE action = :action", action=action))
        decided = _column(conn, "SELECT id FROM applications WHERE status = :status", status=status)
        problems += _listed(f"{status} applications without exactly one {action} record",
                            [i for i in decided if made[i] != 1])
    problems += _listed("customers whose row_version moved without a customer.update record", [
        row for row in conn.execute(text("""
            SELECT c.id, c.row_version, (SELECT count(*) FROM audit_log l
                WHERE l.action = 'customer.update' AND l.entity_id = c.id) AS updates
            FROM customers c""")) if row[1] - 1 != row[2]])
    problems += _listed("applications whose row_version moved without an audited change", [
        row for row in conn.execute(text(_APPLICATION_VERSIONS)) if row[1] - 1 != row[2] + row[3]])
    return problems


# Approving a new applicant writes the application twice in one transaction (the customer it
# created, then its status), so that commit moves the version by 2: ``created``.
_APPLICATION_VERSIONS = f"""
    SELECT a.id, a.row_version,
        (SELECT count(*) FROM audit_log l WHERE l.application_id = a.id
            AND l.action IN ({", ".join(f"'{action}'" for action in APPLICATION_CHANGES)})) AS changes,
        (SELECT count(*) FROM audit_log l WHERE l.application_id = a.id AND l.action = 'customer.add') AS created
    FROM applications a"""


#: Statuses in which a contract still holds its phone numbers (domain.contract.LIVE_STATUSES).
_LIVE = "('awaiting_opening', 'active', 'suspended', 'cancellation_scheduled')"


def contract_problems(conn: Connection) -> list[str]:
    """A contract's history that cannot be read one way: no plan period, two plan periods (or
    two periods of one option) sharing a month, a period ending before it starts, a phone
    number still held by a contract that has ended, a timeline that does not start with the
    contract's formation (or its import)."""
    def overlapping(table: str, same: str) -> str:
        return f"""SELECT a.contract_id FROM {table} a JOIN {table} b ON a.contract_id = b.contract_id
            AND {same} a.id < b.id AND (a.until_month IS NULL OR b.from_month <= a.until_month)
            AND (b.until_month IS NULL OR a.from_month <= b.until_month)"""

    return (
        _listed("contracts without a plan period", _column(conn, """
            SELECT c.customer_code FROM contracts c WHERE NOT EXISTS
            (SELECT 1 FROM contract_plan_periods p WHERE p.contract_id = c.id)"""))
        + _listed("contracts whose plan periods overlap", sorted(set(_column(
            conn, overlapping("contract_plan_periods", "")))))
        + _listed("contracts whose periods of one option overlap", sorted(set(_column(
            conn, overlapping("contract_option_periods", "a.option_id = b.option_id AND")))))
        + _listed("periods ending before they start", _column(conn, """
            SELECT contract_id FROM contract_plan_periods WHERE until_month < from_month UNION ALL
            SELECT contract_id FROM contract_option_periods WHERE until_month < from_month"""))
        + _listed("numbers held by a contract that has ended", _column(conn, f"""
            SELECT n.number FROM contract_numbers n JOIN contracts c ON c.id = n.contract_id
            WHERE n.released_on IS NULL AND c.status NOT IN {_LIVE}"""))
        + _listed("timelines that do not start with the formation or the import", _column(conn, """
            SELECT c.customer_code FROM contracts c WHERE NOT EXISTS (SELECT 1 FROM contract_events e
                WHERE e.contract_id = c.id AND e.kind IN ('formed', 'imported') AND e.id = (
                    SELECT min(f.id) FROM contract_events f WHERE f.contract_id = c.id))"""))
    )


#: One line of a timeline as the walk reads it: (action, from_status, to_status).
Move = tuple[str | None, str | None, str | None]


def walk_problem(timeline: list[Move], status: str) -> str | None:
    """Why ``timeline`` (in the order recorded, its first line the formation or the import)
    does not walk through ``domain.contract.transition`` to ``status``, or None."""
    (_action, _before, start), moves = timeline[0], timeline[1:]
    if start is None:
        return "its first event gives no status"
    at = ContractStatus(start)
    for action, before, after in moves:
        if action is None:
            if before is not None or after is not None:
                return f"an event without an action moves {before} → {after}"
            continue
        if before != at.value:
            return f"{action} from {before}, but the timeline stood at {at.value}"
        try:
            at = transition(at, ContractAction(action))
        except TransitionRefused:
            return f"{action} from {at.value} is refused by the state machine"
        if after != at.value:
            return f"{action} records {after}, the state machine gives {at.value}"
    return None if at.value == status else f"the timeline ends at {at.value}, the contract is {status}"


def timeline_problems(conn: Connection) -> list[str]:
    """Contracts whose timeline does not walk from its first event's status to the contract's
    status: a move missing (a status changed without its event, as a 取消 of the identity check
    once was), one the state machine refuses, or a from/to it does not give. A contract without
    events is contract_problems' (its timeline does not start with the formation)."""
    events: dict[int, list[Move]] = {}
    for contract_id, action, before, after in conn.execute(text(
            "SELECT contract_id, action, from_status, to_status FROM contract_events ORDER BY contract_id, id")):
        events.setdefault(contract_id, []).append((action, before, after))
    wrong = []
    for contract_id, code, status in conn.execute(text("SELECT id, customer_code, status FROM contracts ORDER BY id")):
        if contract_id in events and (problem := walk_problem(events[contract_id], status)):
            wrong.append(f"{code}: {problem}")
    return _listed("timelines that do not walk to the contract's status", wrong)


def numbering_problems(conn: Connection) -> list[str]:
    """Each counter's numbers are exactly 1 … next_value − 1, each issued once; no number was
    issued by a counter that does not exist."""
    counters: dict[str, int] = dict(conn.execute(text("SELECT name, next_value FROM counters")).all())
    issued: dict[str, list[int]] = {}
    for sql, pattern, counter in NUMBERED:
        for number in _column(conn, sql):
            match = pattern.fullmatch(number)
            if match is None:
                return [f"a number not of its pattern: {number!r}"]
            *series, serial = match.groups()
            issued.setdefault(counter.format(*series), []).append(int(serial))
    problems = []
    for name in sorted(set(counters) | set(issued)):
        numbers = sorted(issued.get(name, []))
        expected = list(range(1, counters.get(name, 1)))
        if numbers != expected:
            doubled = sorted(n for n, times in Counter(numbers).items() if times > 1)
            gaps = sorted(set(expected) - set(numbers))[:5]
            problems.append(f"counter {name} at {counters.get(name)}: {len(numbers)} numbers issued, "
                            f"duplicates {doubled[:5]}, gaps {gaps}, beyond the counter "
                            f"{sorted(set(numbers) - set(expected))[:5]}")
    return problems


def counts(conn: Connection) -> dict[str, int]:
    found = {table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
             for table in ("customers", "applications", "contracts", "notices", "invoices", "audit_log")}
    found.update((f"applications {status}", n) for status, n in conn.execute(
        text("SELECT status, count(*) FROM applications GROUP BY status")).all())
    return found


def reopening_problems(target: str | Path) -> list[str]:
    try:
        db = Database.open(target)
    except Exception as error:  # noqa: BLE001 - reported as a problem
        return [f"Database.open fails: {error!r}"]
    try:
        revision = db.current_revision()
    finally:
        db.dispose()
    return [] if revision == head_revision() else [f"reopened at revision {revision}, not {head_revision()}"]
