"""Fixtures of the calendar's tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the translator fills French and Dutch)."""
    with translation.override("en"):
        yield
