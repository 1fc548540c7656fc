from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def render_amount(language: str) -> str:
    with translation.override(language):
        return Template('{{ amount|floatformat:"2g" }}').render(
            Context({"amount": Decimal("1234.56")})
        )


def test_french_and_dutch_amounts_read_1_234_56():
    assert render_amount("fr") == "1.234,56"
    assert render_amount("nl") == "1.234,56"


def test_english_amounts_read_1_234_56_with_a_comma():
    assert render_amount("en") == "1,234.56"
