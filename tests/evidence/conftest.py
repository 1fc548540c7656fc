"""Fixtures of the evidence tests: English messages and a status fixture server."""

import pytest
from django.utils import translation

from tests.evidence.status_server import StatusServer


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def status_server():
    with StatusServer() as server:
        yield server
