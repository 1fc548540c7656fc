"""Doctors corroborate: counts on the incident page and the calendar, candidate incidents."""

import pytest
from claims_helpers import at, make_incident, make_slot

from tests.conftest import make_doctor

pytestmark = pytest.mark.django_db


def doctors(count, *, first=0):
    return [make_doctor(riziv=f"1000000{number:03d}4") for number in range(first, count)]


def declare(people, start, end, services=("recip-e",)):
    for person in people:
        make_slot(person, start, end, list(services))


def english(client):
    client.cookies["django_language"] = "en"
    return client


def test_five_doctors_are_counted_on_the_incident_page_and_calendar(client):
    incident = make_incident("EH-1", ["recip-e"], at(8), at(10))
    people = doctors(5)
    declare(people[:4], at(9), at(11))
    # One slot outside the incident and one of another service do not count.
    declare(people[4:], at(12), at(13))
    declare(people[4:], at(9), at(10), services=("eattest",))
    page = english(client).get(f"/outages/incidents/{incident.reference}/").content.decode()
    assert "Fewer than 5 doctors" in page
    assert "4 doctors" not in page

    declare(people[4:], at(7), at(8, 30))
    page = client.get(f"/outages/incidents/{incident.reference}/").content.decode()
    assert "5 doctors declared time lost during this incident." in page
    calendar = client.get("/outages/?month=2024-01").content.decode()
    cell = calendar[calendar.index(f'data-doctors="{incident.pk}"') :]
    assert cell[: cell.index("</td>")].endswith(">5")


def test_a_doctor_with_two_slots_counts_once(client):
    incident = make_incident("EH-1", ["recip-e", "mycarenet"], at(8), at(12))
    people = doctors(4)
    declare(people, at(8), at(9), services=("recip-e", "mycarenet"))
    declare(people, at(10), at(11))
    page = english(client).get(f"/outages/incidents/{incident.reference}/").content.decode()
    assert "Fewer than 5 doctors" in page


def test_the_calendars_counts_take_one_query(client, django_assert_max_num_queries):
    for number in range(30):
        make_incident(
            f"EH-{number}", ["recip-e"], at(8, day=number % 28 + 1), at(9, day=1 + number % 28)
        )
    declare(doctors(6), at(8, day=3), at(9, day=3))
    # The calendar's pin (tests/outages/test_calendar_page.py): the counts are one of them.
    with django_assert_max_num_queries(6):
        page = client.get("/outages/?month=2024-01").content.decode()
    assert page.count(">6</td>") == 1  # the incident of 3 January
    assert page.count("&lt; 5</span>") == 29


def test_candidates_list_quarter_hours_no_counted_incident_covers(
    admin_client, django_assert_max_num_queries
):
    people = doctors(6)
    declare(people, at(9), at(9, 30))  # 15 January, no incident
    declare(people[:4], at(14), at(15))  # only 4 doctors: below the minimum
    declare(people, at(16), at(17), services=("mycarenet",))
    make_incident("EH-16", ["mycarenet"], at(16), at(17))  # explained by an incident
    declare(people, at(11), at(11, 15), services=("eattest",))
    make_incident("EH-11", ["eattest"], at(11), at(12), status="provisional")  # not counted
    english(admin_client)
    with django_assert_max_num_queries(8):
        response = admin_client.get("/outages/candidates/?month=2024-01")
    quarters = [(q.service.slug, q.start, q.doctors) for q in response.context["quarters"]]
    assert quarters == [
        ("recip-e", at(9), 6),
        ("recip-e", at(9, 15), 6),
        ("eattest", at(11), 6),
    ] or sorted(quarters) == sorted(
        [("recip-e", at(9), 6), ("recip-e", at(9, 15), 6), ("eattest", at(11), 6)]
    )


def test_candidates_respect_a_higher_minimum(admin_client, settings):
    settings.CANDIDATE_MIN_DOCTORS = 7
    declare(doctors(6), at(9), at(9, 30))
    response = admin_client.get("/outages/candidates/?month=2024-01")
    assert response.context["quarters"] == []


def test_candidates_are_for_admins_only(client, doctor_client):
    assert doctor_client.get("/outages/candidates/").status_code == 404
    assert client.get("/outages/candidates/").status_code in (302, 404)


def test_candidates_across_the_dst_change(admin_client):
    # 31 March 2024: 02:00 does not exist in Brussels; a slot over the change is 1 hour.
    people = doctors(5)
    declare(people, at(1, 30, day=31, month=3), at(3, 15, day=31, month=3))
    response = admin_client.get("/outages/candidates/?month=2024-03")
    assert len(response.context["quarters"]) == 3  # 01:30, 01:45, 03:00
