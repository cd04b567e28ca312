"""入金消込's matcher: the ways a bank prints one payer's name meet in one key; each transfer is 一致,
要確認 or 不明 as the issue says; a transfer paying several invoices together (合算) finds them; no
invoice is proposed to two transfers (domain.payer_match)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reseller_desk.domain.payer_match import (
    MatchGroup,
    OpenInvoice,
    PayerIndex,
    Transfer,
    combination_for,
    loose_key,
    match_transfers,
    payer_key,
)
from reseller_desk.domain.zengin_debit import bank_kana

NOV = dt.date(2026, 11, 30)


def invoice(invoice_id: int, customer_id: int, amount: int, due: dt.date = NOV) -> OpenInvoice:
    return OpenInvoice(invoice_id, customer_id, f"2026-{invoice_id:06d}", due, amount)


def transfer(name: str, amount: int, row: int = 1) -> Transfer:
    return Transfer(row, dt.date(2026, 11, 30), amount, name)


def test_the_ways_a_bank_prints_a_company_meet_in_one_key():
    variants = ["カブシキガイシャ ミライショウジ", "ｶ)ﾐﾗｲｼﾖｳｼﾞ", "(ｶ)ﾐﾗｲｼﾖｳｼﾞ",
                "ﾐﾗｲｼﾖｳｼﾞ(ｶ", "ミライショウジ（カ", "ｶ) ﾐﾗｲ ｼﾖｳｼﾞ", "ﾐﾗｲｼﾖｳｼﾞ", "ミライシヨウジ", "ミライショウジ"]
    assert {payer_key(v) for v in variants} == {"ﾐﾗｲｼﾖｳｼﾞ"}
    assert payer_key("ﾕ)ｻﾄｳｺｳｷﾞﾖｳ") == payer_key("サトウコウギョウ（ユ") == "ｻﾄｳｺｳｷﾞﾖｳ"
    assert payer_key("やまだ　たろう") == payer_key("ﾔﾏﾀﾞ ﾀﾛｳ") == "ﾔﾏﾀﾞﾀﾛｳ"
    assert loose_key("ﾔﾏﾀﾞ ﾀﾛｳ") == loose_key("ﾔﾏﾀ ﾀﾛｳ") == "ﾔﾏﾀﾀﾛｳ"
    assert payer_key("ｶﾄｳ") == "ｶﾄｳ"          # a name that begins like a legal form keeps it


KATAKANA = st.text(st.sampled_from(list("アイウエオカキクケコガギグゲゴサシスセソタチツテトナニヌネノハヒフヘホ"
                                        "パピプペポマミムメモヤユヨラリルレロワンャュョッ")), min_size=2, max_size=12)
FORMS = st.sampled_from(["ｶ){}", "(ｶ){}", "{}(ｶ", "カ）{}", "{}（カ", "カブシキガイシャ {}", "{}", "ﾕ){}", "{}(ﾕ"])


@settings(max_examples=300, deadline=None)
@given(KATAKANA, FORMS, st.booleans(), st.booleans())
def test_any_katakana_name_keeps_its_key_however_it_is_printed(name, form, half_width, spaced):
    printed = form.format(bank_kana(name) if half_width else name)
    if spaced:
        printed = printed.replace("ｶ)", "ｶ) ").replace("カ）", "カ） ")
    assert payer_key(printed) == payer_key(name)
    assert payer_key(name.translate(str.maketrans("ャュョッ", "ヤユヨツ"))) == payer_key(name)


def test_one_customer_and_an_exact_amount_is_matched_several_invoices_together_too():
    index = PayerIndex({1: ["ミライショウジ"], 2: ["ヤマダ タロウ"]})
    invoices = [invoice(10, 1, 3278), invoice(11, 1, 5000, dt.date(2026, 12, 27)), invoice(20, 2, 2178)]
    [one, both, yamada] = match_transfers([transfer("ｶ)ﾐﾗｲｼﾖｳｼﾞ", 3278), transfer("ﾐﾗｲｼﾖｳｼﾞ(ｶ", 5000, 2),
                                           transfer("ﾔﾏﾀﾞ ﾀﾛｳ", 2178, 3)], index, invoices)
    assert (one.group, one.customer_id, one.invoice_ids) == (MatchGroup.MATCHED, 1, (10,))
    assert (both.group, both.invoice_ids) == (MatchGroup.MATCHED, (11,))      # 10 is taken by the first row
    assert (yamada.group, yamada.customer_id) == (MatchGroup.MATCHED, 2)
    [together] = match_transfers([transfer("ﾐﾗｲｼﾖｳｼﾞ", 8278)], index, invoices)
    assert (together.group, together.invoice_ids) == (MatchGroup.MATCHED, (10, 11))


def test_a_short_payment_several_candidates_and_an_unknown_name_are_for_the_clerk():
    index = PayerIndex({1: ["ミライショウジ"], 2: ["ヤマダ タロウ"], 3: ["ヤマダ タロウ"]})
    invoices = [invoice(10, 1, 3278), invoice(20, 2, 2178), invoice(30, 3, 4400)]
    [short, same_name, nobody] = match_transfers(
        [transfer("ｶ)ﾐﾗｲｼﾖｳｼﾞ", 2838), transfer("ﾔﾏﾀﾞ ﾀﾛｳ", 4400), transfer("ｽｽﾞｷ ｲﾁﾛｳ", 1000)], index, invoices)
    assert (short.group, short.customer_id, short.invoice_ids, short.difference) == (MatchGroup.CHECK, 1, (10,), -440)
    assert "過小入金" in short.reason and "440円" in short.reason
    assert (same_name.group, same_name.candidates, same_name.customer_id, same_name.invoice_ids) == (
        MatchGroup.CHECK, (2, 3), 3, (30,))                                  # the one whose amount fits
    assert (nobody.group, nobody.customer_id, nobody.candidates) == (MatchGroup.UNKNOWN, None, ())
    assert [p.group.label for p in (short, same_name, nobody)] == ["要確認", "要確認", "不明"]


def test_a_name_that_lost_its_voicing_marks_is_found_by_the_loose_key():
    index = PayerIndex({2: ["ヤマダ タロウ"]})
    [found] = match_transfers([transfer("ﾔﾏﾀ ﾀﾛｳ", 2178)], index, [invoice(20, 2, 2178)])
    assert (found.group, found.customer_id) == (MatchGroup.MATCHED, 2)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 50_000), min_size=1, max_size=10), st.data())
def test_the_combination_found_adds_up_to_the_amount_and_prefers_the_oldest(amounts, data):
    invoices = [invoice(n, 1, a, NOV + dt.timedelta(days=n)) for n, a in enumerate(amounts)]
    chosen = data.draw(st.sets(st.integers(0, len(amounts) - 1), min_size=1))
    amount = sum(amounts[n] for n in chosen)
    found = combination_for(amount, invoices)
    assert found is not None and sum(i.open_amount for i in found) == amount
    assert len(found) <= len(chosen)
    if chosen == set(range(len(chosen))):     # the oldest ones: exactly those
        assert [i.invoice_id for i in found] == sorted(chosen)
    assert combination_for(sum(amounts) + 1, invoices) is None


def test_an_index_of_stored_keys_finds_what_one_of_names_finds_and_loose_keys_that_meet_keep_both():
    names = {1: ["ヤマダ タロウ"], 2: ["ヤマタ タロウ"], 3: ["ｶ)ﾐﾗｲｼﾖｳｼﾞ", "ミライ"], 4: ["ハバ"], 5: ["ハハ"]}
    built, stored = PayerIndex(names), PayerIndex.of_keys({c: [payer_key(n) for n in ns] for c, ns in names.items()})
    for name in ("ﾔﾏﾀﾞ ﾀﾛｳ", "ﾔﾏﾀ ﾀﾛｳ", "ﾐﾗｲ", "ﾐﾗｲｼﾖｳｼﾞ(ｶ", "ｽｽﾞｷ"):
        assert built.candidates(name) == stored.candidates(name)
    assert built.candidates("ﾔﾏﾀﾞ ﾀﾛｳ") == (1,) and built.candidates("ﾔﾏﾀ ﾀﾛｳ") == (2,)
    assert built.candidates("ﾊﾟﾊﾟ") == (4, 5)                # only the loose key knows it: both
    assert built.exact[payer_key("ハバ")] == {4}              # the loose index never changed an exact set
