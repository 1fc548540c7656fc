"""Adding, editing, deleting and listing slots and consultations in the browser: every
rule has its own clear message, datetimes are Brussels time, lists make a constant
number of queries."""

from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from claims_helpers import at, brussels, checked_values, english, make_consultation, make_slot
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import AffectedSlot, Consultation
from outages.models import Service

pytestmark = pytest.mark.django_db


def service_ids(*slugs):
    return [str(pk) for pk in Service.objects.filter(slug__in=slugs).values_list("pk", flat=True)]


@pytest.fixture
def client_en(doctor_client):
    return english(doctor_client)


def post_slot(client, start, end, services=("recip-e",), note="", url="/claims/slots/new/"):
    return client.post(
        url, {"start": start, "end": end, "services": service_ids(*services), "note": note}
    )


def post_consultation(
    client,
    start="2024-01-15T09:40",
    duration="20",
    code="101076",
    fee="",
    services=("recip-e",),
    outcome="cancelled",
    url="/claims/consultations/new/",
):
    return client.post(
        url,
        {
            "start": start,
            "duration_minutes": duration,
            "code": code,
            "fee": fee,
            "services": service_ids(*services),
            "outcome": outcome,
        },
    )


def test_a_slot_is_saved_in_brussels_time(client_en, doctor):
    response = post_slot(client_en, "2024-01-15T07:30", "2024-01-15T10:00", note="paper")
    assert response.status_code == 302
    assert response["Location"] == "/claims/slots/?from=2024-01-01&to=2024-01-31"
    slot = AffectedSlot.objects.get(doctor=doctor)
    assert slot.start == brussels(2024, 1, 15, 7, 30)  # 06:30 UTC
    assert slot.end == brussels(2024, 1, 15, 10, 0)
    assert [s.slug for s in slot.services.all()] == ["recip-e"]


def test_it_handles_dst_a_summer_slot_is_utc_plus_two(client_en, doctor):
    post_slot(client_en, "2024-07-01T09:00", "2024-07-01T10:00")
    slot = AffectedSlot.objects.get(doctor=doctor)
    assert slot.start.astimezone(UTC).hour == 7


def test_it_handles_dst_a_time_the_spring_night_skips_is_refused(client_en, doctor):
    response = post_slot(client_en, "2024-03-31T02:30", "2024-03-31T04:00")
    assert response.status_code == 200
    assert "does not exist in Brussels" in response.content.decode()
    assert not AffectedSlot.objects.exists()


@pytest.mark.parametrize(
    "start, end, message",
    [
        ("2024-01-15T10:00", "2024-01-15T09:00", "The end must be after the start."),
        ("2024-01-15T10:00", "2024-01-15T10:00", "The end must be after the start."),
        ("2024-01-15T08:00", "2024-01-16T08:01", "A slot lasts at most 24 hours"),
    ],
)
def test_a_slot_with_wrong_times_is_refused_with_a_clear_message(client_en, start, end, message):
    response = post_slot(client_en, start, end)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AffectedSlot.objects.exists()


def test_a_slot_of_exactly_24_hours_is_accepted(client_en):
    assert post_slot(client_en, "2024-01-15T08:00", "2024-01-16T08:00").status_code == 302


def test_a_slot_in_the_future_is_refused(client_en):
    tomorrow = (timezone.localtime() + timedelta(days=1)).replace(second=0, microsecond=0)
    response = post_slot(
        client_en,
        tomorrow.strftime("%Y-%m-%dT%H:%M"),
        (tomorrow + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    assert "This is in the future" in response.content.decode()
    assert not AffectedSlot.objects.exists()


def test_a_slot_needs_a_service(client_en):
    response = post_slot(client_en, "2024-01-15T08:00", "2024-01-15T09:00", services=())
    assert "Choose at least one service" in response.content.decode()


def test_a_duplicate_slot_is_refused_and_the_form_keeps_its_values(client_en, doctor):
    make_slot(doctor, at(7, 30), at(10), ["recip-e"])
    response = post_slot(client_en, "2024-01-15T07:30", "2024-01-15T10:00", note="kept")
    content = response.content.decode()
    assert "You already declared a slot with this start and end." in content
    assert 'value="kept"' in content
    assert AffectedSlot.objects.count() == 1


def test_another_doctors_identical_slot_is_no_duplicate(client_en, other_doctor):
    make_slot(other_doctor, at(7, 30), at(10), ["recip-e"])
    assert post_slot(client_en, "2024-01-15T07:30", "2024-01-15T10:00").status_code == 302


def test_the_slot_form_defaults_to_the_services_used_last(client_en, doctor):
    make_slot(doctor, at(7, 30), at(10), ["mycarenet", "dmg"])
    content = client_en.get("/claims/slots/new/").content.decode()
    assert sorted(checked_values(content, "services")) == sorted(service_ids("mycarenet", "dmg"))


def test_a_slot_is_edited_and_shown_back_in_brussels_time(client_en, doctor):
    slot = make_slot(doctor, brussels(2024, 7, 1, 9, 0), brussels(2024, 7, 1, 10, 0), ["recip-e"])
    content = client_en.get(f"/claims/slots/{slot.pk}/").content.decode()
    assert 'value="2024-07-01T09:00"' in content
    response = post_slot(
        client_en, "2024-07-01T09:00", "2024-07-01T11:00", url=f"/claims/slots/{slot.pk}/"
    )
    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.end == brussels(2024, 7, 1, 11, 0)


def test_a_slot_is_deleted_after_confirmation(client_en, doctor):
    slot = make_slot(doctor, at(7, 30), at(10), ["recip-e"])
    assert "Delete this slot?" in client_en.get(f"/claims/slots/{slot.pk}/delete/").content.decode()
    assert client_en.post(f"/claims/slots/{slot.pk}/delete/").status_code == 302
    assert not AffectedSlot.objects.exists()


def test_an_empty_fee_takes_the_nomenclature_fee_of_that_date(client_en, doctor):
    response = post_consultation(client_en, code="101496", fee="")
    assert response.status_code == 302
    assert Consultation.objects.get(doctor=doctor).fee == Decimal("36.61")


def test_a_fee_the_doctor_typed_is_kept(client_en, doctor):
    post_consultation(client_en, fee="40.00")
    assert Consultation.objects.get(doctor=doctor).fee == Decimal("40.00")


def test_an_unknown_code_with_an_empty_fee_asks_for_the_fee(client_en):
    response = post_consultation(client_en, code="999999", fee="")
    assert "Code 999999 has no fee in the nomenclature table" in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_code_outside_its_fee_validity_asks_for_the_fee(client_en):
    # The 2024 table is valid from 1 January 2024 to 31 December 2024.
    response = post_consultation(client_en, start="2023-12-29T10:00", fee="")
    assert "has no fee in the nomenclature table" in response.content.decode()


def test_an_unknown_code_with_a_fee_is_accepted(client_en, doctor):
    assert post_consultation(client_en, code="999999", fee="12.50").status_code == 302


def test_a_duplicate_consultation_is_refused(client_en, doctor):
    make_consultation(doctor, at(9, 40), 20, "101076", "31.81", ["recip-e"], "cancelled")
    response = post_consultation(client_en)
    assert "You already declared a consultation with this start and code." in (
        response.content.decode()
    )
    # Same start, another code: a second act in the same consultation is fine.
    assert post_consultation(client_en, code="101496").status_code == 302


@pytest.mark.parametrize(
    "duration, message",
    [("0", "greater than or equal to 1"), ("1441", "less than or equal to 1440")],
)
def test_a_consultation_lasts_between_one_minute_and_24_hours(client_en, duration, message):
    response = post_consultation(client_en, duration=duration)
    assert message in response.content.decode()


def test_a_consultation_in_the_future_is_refused(client_en):
    tomorrow = timezone.localtime() + timedelta(days=1)
    response = post_consultation(client_en, start=tomorrow.strftime("%Y-%m-%dT%H:%M"))
    assert "This is in the future" in response.content.decode()


def test_the_consultation_form_embeds_the_fee_table_and_continues_the_agenda(client_en, doctor):
    make_consultation(doctor, at(9, 40), 20, "101496", "36.61", ["mycarenet"], "cancelled")
    content = client_en.get("/claims/consultations/new/").content.decode()
    assert 'id="nomenclature-fees"' in content and "31.81" in content
    assert "js/claims.js" in content
    # The next consultation starts where the last one ended, with its code.
    assert 'value="2024-01-15T10:00"' in content
    assert 'value="101496"' in content


def test_a_consultation_is_edited(client_en, doctor):
    consultation = make_consultation(
        doctor, at(9, 40), 20, "101076", "31.81", ["recip-e"], "cancelled"
    )
    response = post_consultation(
        client_en, outcome="unpaid", fee="31.81", url=f"/claims/consultations/{consultation.pk}/"
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.outcome == "unpaid"


def list_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url + "?from=2024-01-01&to=2024-01-31")
    assert response.status_code == 200
    return len(queries)


def test_the_lists_make_a_constant_number_of_queries(client_en, doctor):
    make_slot(doctor, at(7, 30), at(10), ["recip-e"])
    make_consultation(doctor, at(9, 40), 20, "101076", "31.81", ["recip-e"], "cancelled")
    urls = ("/claims/slots/", "/claims/consultations/")
    few = {url: list_queries(client_en, url) for url in urls}
    for day in range(1, 29):
        make_slot(
            doctor, brussels(2024, 1, day, 14), brussels(2024, 1, day, 15), ["recip-e", "dmg"]
        )
        for minute in (0, 20):
            make_consultation(
                doctor,
                brussels(2024, 1, day, 14, minute),
                20,
                "101076",
                "31.81",
                ["recip-e", "mycarenet"],
                "completed",
            )
    many = {url: list_queries(client_en, url) for url in urls}
    assert few == many
    assert all(count <= 8 for count in many.values())


def test_the_list_shows_only_the_period(client_en, doctor):
    make_slot(doctor, at(7, 30), at(10), ["recip-e"], note="january")
    make_slot(
        doctor, brussels(2024, 2, 5, 8), brussels(2024, 2, 5, 9), ["recip-e"], note="february"
    )
    content = client_en.get("/claims/slots/?from=2024-01-01&to=2024-01-31").content.decode()
    assert "january" in content and "february" not in content
