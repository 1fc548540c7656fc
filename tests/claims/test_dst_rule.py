"""One DST rule for every entry point (docs/methodology.md, "Time"): a Brussels wall-clock
time that the October night repeats or the March night skips gets the same verdict, with
the same message, in an outage CSV, a doctor's slot or consultation CSV and the slot and
consultation forms; written with its offset, it is the same instant everywhere."""

from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from claims_helpers import english, in_english
from outage_helpers import CSV_HEADER, run_import

from claims.importers.consultations import consultations_preview
from claims.importers.slots import slots_preview
from claims.models import AffectedSlot, Consultation
from outages.models import Incident, Service

pytestmark = pytest.mark.django_db

_english = pytest.fixture(autouse=True)(in_english)

REPEATED = "2024-10-27T02:30"  # happens twice: 00:30 UTC (+02:00), then 01:30 UTC (+01:00)
SKIPPED = "2024-03-31T02:30"  # never happens: the clocks go from 02:00 to 03:00


def _service_ids(*slugs):
    return [str(pk) for pk in Service.objects.filter(slug__in=slugs).values_list("pk", flat=True)]


def outage_csv(start):
    report = run_import(CSV_HEADER + f"EH-1,recip-e,{start},,major_outage,,,\n")
    return [error.message for error in report.errors]


def slot_csv(doctor, start):
    text = f"start,end,services,note\n{start},2024-10-27T04:00:00+01:00,recip-e,\n"
    preview = slots_preview(doctor=doctor, data=text.encode("utf-8"))
    return [str(error) for error in preview.errors]


def consultation_csv(doctor, start):
    text = (
        f"start,duration_minutes,code,fee,services,outcome\n{start},20,101076,,recip-e,cancelled\n"
    )
    preview = consultations_preview(doctor=doctor, data=text.encode("utf-8"))
    return [str(error) for error in preview.errors]


def slot_form(client, start):
    response = client.post(
        "/claims/slots/new/",
        {"start": start, "end": "2024-10-27T04:00+01:00", "services": _service_ids("recip-e")},
    )
    return response


def consultation_form(client, start):
    return client.post(
        "/claims/consultations/new/",
        {
            "start": start,
            "duration_minutes": "20",
            "code": "101076",
            "fee": "",
            "services": _service_ids("recip-e"),
            "outcome": "cancelled",
        },
    )


def _page(response):
    return unescape(response.content.decode())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            REPEATED,
            "27/10/2024 02:30 happens twice in Brussels (the clocks move back that night). "
            "Give its UTC offset: 2024-10-27T02:30+02:00 for the first, "
            "2024-10-27T02:30+01:00 for the second.",
        ),
        (
            SKIPPED,
            "31/03/2024 02:30 does not exist in Brussels (the clocks move forward that night). "
            "Check the time, or give its UTC offset, e.g. 2024-03-31T02:30+01:00.",
        ),
    ],
)
def test_a_repeated_or_skipped_hour_is_refused_alike_everywhere(
    doctor_client, doctor, value, message
):
    client = english(doctor_client)
    assert [m for m in outage_csv(value) if message in m]
    assert [m for m in slot_csv(doctor, value) if message in m]
    assert [m for m in consultation_csv(doctor, value) if message in m]
    slot_page = slot_form(client, value)
    consultation_page = consultation_form(client, value)
    assert slot_page.status_code == consultation_page.status_code == 200
    assert message in _page(slot_page)
    assert message in _page(consultation_page)
    # Nothing was recorded anywhere.
    assert not Incident.objects.exists()
    assert not AffectedSlot.objects.exists()
    assert not Consultation.objects.exists()


def test_with_its_offset_the_repeated_hour_is_the_same_instant_everywhere(doctor_client, doctor):
    client = english(doctor_client)
    second = f"{REPEATED}+01:00"  # the second 02:30, winter time
    instant = datetime(2024, 10, 27, 1, 30, tzinfo=UTC)
    assert outage_csv(second) == []
    assert Incident.objects.get().start == instant
    assert slot_csv(doctor, second) == []
    assert consultation_csv(doctor, second) == []
    assert slot_form(client, second).status_code == 302
    assert AffectedSlot.objects.get(doctor=doctor).start == instant
    assert consultation_form(client, second).status_code == 302
    assert Consultation.objects.get(doctor=doctor).start == instant


@pytest.mark.parametrize(
    ("start", "end", "accepted"),
    [
        # 23 h 12 min of real time: the March night has one hour less.
        ("2024-03-30T04:00", "2024-03-31T04:12", True),
        # 24 h 30 min of real time: the October night has one hour more.
        ("2024-10-26T04:00", "2024-10-27T03:30", False),
    ],
)
def test_a_slot_over_a_dst_night_is_measured_in_real_time(
    doctor_client, doctor, start, end, accepted
):
    text = f"start,end,services,note\n{start},{end},recip-e,\n"
    preview = slots_preview(doctor=doctor, data=text.encode("utf-8"))
    form = english(doctor_client).post(
        "/claims/slots/new/", {"start": start, "end": end, "services": _service_ids("recip-e")}
    )
    too_long = "A slot lasts at most 24 hours"
    if accepted:
        assert preview.errors == []
        assert form.status_code == 302
        assert AffectedSlot.objects.get().end - AffectedSlot.objects.get().start == timedelta(
            hours=23, minutes=12
        )
    else:
        assert [str(error) for error in preview.errors if too_long in str(error)]
        assert form.status_code == 200 and too_long in _page(form)
        assert not AffectedSlot.objects.exists()
