"""What a contract costs a month before tax, from what it consisted of that month
(domain.contract_history.Composition) and the prices in 設定 (terms-rules.md §4, decisions):
the plan's monthly fee per line (× 回線数), each option's fee × its quantity, and a 特約's price
(SC §1.3) replacing the one in 設定 for the months it covers. Pure: the services pass prices in.
"""

from __future__ import annotations

from collections.abc import Mapping

from reseller_desk.domain.contract_history import Composition

__all__ = ["monthly_charge"]


def monthly_charge(composition: Composition, plan_monthly_fee: int, option_monthly_fees: Mapping[int, int]) -> int:
    """Yen before tax for the month of ``composition``. ``option_monthly_fees``: option id →
    its fee per unit in 設定 (an option missing there costs nothing it does not say)."""
    plan_fee = composition.plan_fee_override()
    total = (plan_monthly_fee if plan_fee is None else plan_fee) * composition.lines
    for option_id, quantity in composition.options:
        fee = composition.option_fee_override(option_id)
        total += (option_monthly_fees.get(option_id, 0) if fee is None else fee) * quantity
    return total
