"""Differences are written with their sign: "(90.00 EUR)" did not say whether the claim
would gain or lose."""

from decimal import Decimal

from django.utils import translation

from claims.templatetags.claim_format import signed_amount, signed_minutes


def test_a_gain_and_a_loss_of_money_carry_their_sign():
    with translation.override("en"):
        assert signed_amount(Decimal("90.00")) == "+90.00"
        assert signed_amount("-1575.78") == "−1,575.78"
        assert signed_amount("0") == "+0.00"
    with translation.override("fr"):
        assert signed_amount("-1575.78").startswith("−1")
    assert signed_amount("not a number") == ""


def test_a_gain_and_a_loss_of_time_carry_their_sign():
    with translation.override("en"):
        assert signed_minutes(90) == "+1 h 30 min"
        assert signed_minutes(-15) == "−15 min"
