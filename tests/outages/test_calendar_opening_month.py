"""The calendar opens on the latest month with incidents, not on an empty current month,
and offers every month that has incidents."""

import pytest
from django.urls import reverse
from outage_helpers import brussels, make_incident

pytestmark = pytest.mark.django_db


def test_it_opens_on_the_latest_month_with_incidents_and_lists_them(client):
    make_incident("J-1", ["recip-e"], brussels(2024, 1, 15, 8), brussels(2024, 1, 15, 9))
    make_incident("M-1", ["recip-e"], brussels(2024, 3, 4, 8), brussels(2024, 3, 4, 9))
    client.cookies["django_language"] = "en"
    response = client.get(reverse("outages:calendar"))
    assert response.context["month_value"] == "2024-03"
    page = response.content.decode()
    months = page[page.index('id="incident-months"') :]
    assert 'href="?month=2024-03"' in months and 'href="?month=2024-01"' in months
    assert 'href="?month=2024-02"' not in months
    assert 'aria-current="page">March 2024' in months


def test_a_month_asked_for_is_kept(client):
    make_incident("J-1", ["recip-e"], brussels(2024, 1, 15, 8), brussels(2024, 1, 15, 9))
    assert (
        client.get(reverse("outages:calendar"), {"month": "2023-11"}).context["month_value"]
        == "2023-11"
    )
