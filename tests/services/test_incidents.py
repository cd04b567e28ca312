"""Records kept on a customer for later screening (資格取消, 強制解約, 規約違反, 未払い): each
value checked through the service, nothing saved when one is wrong, every record audited."""

from __future__ import annotations

import datetime as dt

import pytest

from reseller_desk.domain.application import IncidentKind
from reseller_desk.services import customers, incidents
from reseller_desk.services.audit import list_audit
from reseller_desk.services.errors import NotFound, ValidationFailed

from .builders import TODAY, YAMADA


@pytest.fixture
def customer_id(db, clerk) -> int:
    return customers.add_customer(db, clerk, YAMADA).id


def test_a_record_is_kept_on_the_customer_and_audited(db, clerk, manager, customer_id):
    record = incidents.add_incident(db, clerk, customer_id, "unpaid", dt.date(2025, 3, 31), amount=12_800,
                                    note=" 2025年2月分 ", resolved_on=dt.date(2025, 5, 1), today=TODAY)
    assert (record.kind, record.kind_label, record.amount, record.note) == (IncidentKind.UNPAID, "未払い", 12_800,
                                                                            "2025年2月分")
    assert incidents.list_incidents(db, customer_id) == [record]
    [entry] = list_audit(db, manager, entity="customer_incident")
    assert entry.action == "incident.add" and entry.customer_id == customer_id
    assert entry.after == {"kind": "unpaid", "occurred_on": "2025-03-31", "amount": 12800, "note": "2025年2月分"}


@pytest.mark.parametrize("kind, occurred_on, amount, resolved_on, field, message", [
    ("fraud", dt.date(2025, 1, 1), 0, None, "kind", "記録の種類を選んでください。"),
    ("unpaid", dt.date(2025, 1, 1), -1, None, "amount", "金額は0〜999,999,999円の整数で入力してください。"),
    ("unpaid", dt.date(2025, 1, 1), 1.5, None, "amount", "金額は0〜999,999,999円の整数で入力してください。"),
    ("unpaid", dt.date(2026, 11, 21), 0, None, "occurred_on", "発生日が未来の日付です（本日は11月20日）。"),
    ("unpaid", dt.date(2025, 6, 1), 0, dt.date(2025, 5, 31), "resolved_on", "解消日が発生日より前です。"),
    ("unpaid", dt.date(2025, 6, 1), 0, dt.date(2026, 11, 21), "resolved_on", "解消日が未来の日付です（本日は11月20日）。"),
])
def test_a_wrong_value_is_refused_beside_its_field_and_nothing_is_saved(db, clerk, customer_id, kind, occurred_on,
                                                                        amount, resolved_on, field, message):
    with pytest.raises(ValidationFailed) as error:
        incidents.add_incident(db, clerk, customer_id, kind, occurred_on, amount=amount, resolved_on=resolved_on,
                               today=TODAY)
    assert error.value.errors == {field: message}
    assert incidents.list_incidents(db, customer_id) == []


def test_a_record_needs_a_customer_on_file(db, clerk):
    with pytest.raises(NotFound, match="^顧客 999 は見つかりません。$"):
        incidents.add_incident(db, clerk, 999, "violation", dt.date(2025, 1, 1), today=TODAY)
