"""The incident page: services, Brussels times, duration, status, source, import history."""

import pytest
from django.urls import reverse
from outage_helpers import CSV_HEADER, brussels, make_incident, run_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def en_client(client):
    client.cookies["django_language"] = "en"
    return client


def url(reference):
    return reverse("outages:incident", args=[reference])


def test_it_shows_what_a_reader_needs(en_client):
    run_import(
        CSV_HEADER + "EH-2024-0115-A,recip-e;mycarenet,2024-01-15T07:05:00Z,"
        "2024-01-15T09:30:00Z,major_outage,confirmed,MyCarenet unavailable,"
        "https://status.example.org/1\n"
    )
    html = en_client.get(url("EH-2024-0115-A")).content.decode()
    assert "MyCarenet unavailable" in html
    assert "Recip-e (electronic prescription), MyCarenet" in html
    # 07:05 UTC is 08:05 in Brussels in winter.
    assert "Monday 15 January 2024, 08:05" in html
    assert "Monday 15 January 2024, 10:30" in html
    assert '<dd class="col-sm-9" id="incident-duration">2 h 25 min</dd>' in html
    assert "Confirmed" in html
    assert 'href="https://status.example.org/1"' in html


def test_summer_times_are_shown_in_brussels_time(en_client):
    make_incident("EX-1", ["recip-e"], brussels(2024, 7, 15, 8, 5), brussels(2024, 7, 15, 9))
    html = en_client.get(url("EX-1")).content.decode()
    assert "Monday 15 July 2024, 08:05" in html
    assert "55 min" in html


def test_the_import_history_lists_creation_and_update(en_client):
    row = "EH-1,recip-e,2024-01-15T08:05,2024-01-15T09:00,major_outage,,,\n"
    run_import(CSV_HEADER + row, name="first.csv")
    run_import(CSV_HEADER + row.replace("09:00", "09:30"), name="second.csv")
    response = en_client.get(url("EH-1"))
    changes = response.context["changes"]
    assert [(change.action, change.import_record.file_name) for change in changes] == [
        ("updated", "second.csv"),
        ("created", "first.csv"),
    ]
    html = response.content.decode()
    assert "Created" in html and "Updated" in html
    # File names are for administrators only.
    assert "second.csv" not in html


def test_admins_see_the_import_files(admin_client):
    run_import(CSV_HEADER + "EH-1,recip-e,2024-01-15T08:05,,major_outage,,,\n", name="first.csv")
    assert "first.csv" in admin_client.get(url("EH-1")).content.decode()


def test_an_ongoing_incident_says_so(en_client):
    make_incident("EX-1", ["recip-e"], brussels(2024, 1, 15, 8), None)
    html = en_client.get(url("EX-1")).content.decode()
    assert "ongoing" in html
    assert "so far" in html


def test_references_with_slashes_and_at_signs_work(en_client):
    make_incident("abc/123@status.example.org", ["recip-e"], brussels(2024, 1, 15, 8), None)
    assert en_client.get(url("abc/123@status.example.org")).status_code == 200


def test_an_unknown_reference_is_not_found(client):
    assert client.get(url("NOPE")).status_code == 404


def test_the_page_makes_a_constant_number_of_queries(client, django_assert_max_num_queries):
    row = "EH-1,recip-e;mycarenet;dmg,2024-01-15T08:05,2024-01-15T09:00,major_outage,,,\n"
    run_import(CSV_HEADER + row)
    with django_assert_max_num_queries(4):
        client.get(url("EH-1"))
    for minute in range(10, 30):
        run_import(CSV_HEADER + row.replace("09:00", f"09:{minute}"))
    with django_assert_max_num_queries(4):
        response = client.get(url("EH-1"))
    assert len(response.context["changes"]) == 21
