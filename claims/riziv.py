"""RIZIV/INAMI numbers: eleven digits, shown as 1-23456-78-901."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s./-]")


def normalize_riziv(value: str) -> str:
    """Digits only; accepts the number with or without separators."""
    return _SEPARATORS.sub("", value or "")


def validate_riziv(value: str) -> None:
    digits = normalize_riziv(value)
    if not (len(digits) == 11 and digits.isdigit()):
        raise ValidationError(
            _("A RIZIV/INAMI number has 11 digits, for example 1-23456-78-901."),
            code="invalid_riziv",
        )


def format_riziv(value: str) -> str:
    digits = normalize_riziv(value)
    if len(digits) != 11:
        return value
    return f"{digits[0]}-{digits[1:6]}-{digits[6:8]}-{digits[8:]}"
