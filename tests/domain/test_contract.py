"""The contract's state machine (issue 9): every allowed move, and a Japanese refusal for every
pair the issue does not allow."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reseller_desk.domain.contract import (
    FINAL_STATUSES,
    LIVE_STATUSES,
    ContractAction,
    ContractStatus,
    TransitionRefused,
    allowed_actions,
    is_final,
    transition,
)

S, A = ContractStatus, ContractAction
LIVE = (S.AWAITING_OPENING, S.ACTIVE, S.SUSPENDED, S.CANCELLATION_SCHEDULED)

#: The issue's list of allowed moves, written out here on its own, as the issue words it.
ALLOWED = {
    (S.AWAITING_OPENING, A.OPEN): S.ACTIVE,
    (S.ACTIVE, A.SUSPEND): S.SUSPENDED,
    (S.SUSPENDED, A.RESUME): S.ACTIVE,
    (S.AWAITING_OPENING, A.ACCEPT_CANCELLATION): S.CANCELLATION_SCHEDULED,
    (S.ACTIVE, A.ACCEPT_CANCELLATION): S.CANCELLATION_SCHEDULED,
    (S.SUSPENDED, A.ACCEPT_CANCELLATION): S.CANCELLATION_SCHEDULED,
    (S.CANCELLATION_SCHEDULED, A.CANCELLATION_TAKES_EFFECT): S.CANCELLED,
    **{(status, A.TERMINATE): S.TERMINATED for status in LIVE},
    **{(status, A.DEATH): S.ENDED for status in LIVE},
    (S.AWAITING_OPENING, A.REVOKE): S.REVOKED,
    (S.ACTIVE, A.REVOKE): S.REVOKED,
}
PAIRS = list(itertools.product(ContractStatus, ContractAction))


def test_every_status_has_its_japanese_word():
    assert [s.label for s in ContractStatus] == ["開通待ち", "利用中", "利用停止", "解約予定", "解約済", "強制解約",
                                                 "終了", "取消"]


@pytest.mark.parametrize(("status", "action"), [p for p in PAIRS if p in ALLOWED], ids=str)
def test_an_allowed_move_reaches_the_status_the_issue_names(status, action):
    assert transition(status, action) is ALLOWED[(status, action)]


@pytest.mark.parametrize(("status", "action"), [p for p in PAIRS if p not in ALLOWED], ids=str)
def test_every_other_move_is_refused_with_a_japanese_reason_naming_the_status(status, action):
    with pytest.raises(TransitionRefused) as refused:
        transition(status, action)
    assert isinstance(refused.value, ValueError)
    message = str(refused.value)
    assert f"「{status.label}」" in message and message.endswith("。")
    assert (refused.value.status, refused.value.action) == (status, action)


def test_the_four_ends_are_final_and_allow_nothing():
    assert {S.CANCELLED, S.TERMINATED, S.ENDED, S.REVOKED} == FINAL_STATUSES
    assert set(LIVE) == LIVE_STATUSES
    for status in ContractStatus:
        assert is_final(status) == (allowed_actions(status) == ())


def test_the_actions_a_screen_offers_are_exactly_the_allowed_ones():
    for status in ContractStatus:
        assert set(allowed_actions(status)) == {a for (s, a) in ALLOWED if s is status}
    assert allowed_actions(S.ACTIVE) == (A.SUSPEND, A.ACCEPT_CANCELLATION, A.TERMINATE, A.DEATH, A.REVOKE)


def test_codes_as_stored_are_accepted_and_an_unknown_code_is_a_value_error():
    assert transition("suspended", "resume") is S.ACTIVE
    with pytest.raises(ValueError):
        transition("active", "pause")


@given(st.lists(st.sampled_from(list(ContractAction)), max_size=30))
def test_a_contract_moved_by_any_actions_stays_in_a_known_status_and_never_leaves_an_end(actions):
    status = S.AWAITING_OPENING
    for action in actions:
        try:
            moved = transition(status, action)
        except TransitionRefused:
            continue
        assert not is_final(status), "a final status moved"
        status = moved
    assert status in ContractStatus
