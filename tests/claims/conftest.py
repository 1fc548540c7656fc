import pytest
from claims_helpers import make_example_calendar, make_example_declarations


@pytest.fixture
def example_calendar(db):
    return make_example_calendar()


@pytest.fixture
def example_claim(doctor, example_calendar):
    """The doctor (RIZIV 12345678004) with the worked example's declarations."""
    make_example_declarations(doctor)
    return doctor
