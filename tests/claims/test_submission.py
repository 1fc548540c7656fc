"""Submitting a claim: the declaration on honour, the frozen snapshot, one claim per
period, locked declarations, and figures that never change afterwards."""

import re
from datetime import date
from decimal import Decimal

import pytest
from claims_helpers import (
    EXPECTED_SUMMARY,
    at,
    english,
    in_english,
    make_consultation,
    make_incident,
    make_slot,
)
from django.core.exceptions import ValidationError

from claims.importers.consultations import consultations_preview
from claims.importers.slots import slots_preview
from claims.models import AffectedSlot, Claim, ClaimStatus, Consultation, Methodology
from claims.services.claims import claim_get_or_create_draft, claim_submit
from claims.services.declarations import slot_create, slot_delete, slot_update
from claims.snapshot import snapshot_recompute
from outages.models import Incident, Service

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.dossier_queued]

_english = pytest.fixture(autouse=True)(in_english)

JANUARY = (date(2024, 1, 1), date(2024, 1, 31))


def draft(doctor, first=JANUARY[0], last=JANUARY[1]):
    return claim_get_or_create_draft(doctor=doctor, first_day=first, last_day=last)


@pytest.fixture
def submitted(example_claim):
    return claim_submit(
        claim=draft(example_claim), user=example_claim.user, declaration_accepted=True
    )


def test_submission_needs_the_declaration_on_honour(example_claim):
    claim = draft(example_claim)
    with pytest.raises(ValidationError, match="Tick the declaration on honour"):
        claim_submit(claim=claim, user=example_claim.user, declaration_accepted=False)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT and claim.snapshot is None


def test_submission_freezes_inputs_parameters_figures_and_cited_incidents(submitted):
    assert submitted.status == ClaimStatus.SUBMITTED
    assert submitted.declaration_accepted and submitted.submitted_at
    assert submitted.methodology.version == "ABSyM-2024.1"
    assert (submitted.lost_minutes, submitted.total) == (156, Decimal("302.42"))
    snapshot = Claim.objects.get(pk=submitted.pk).snapshot
    assert snapshot["figures"]["summary"] == EXPECTED_SUMMARY
    assert snapshot["methodology"]["hourly_rate"] == "90.00"
    assert snapshot["methodology"]["catch_up_minutes"]["mycarenet"] == 5
    assert len(snapshot["inputs"]["slots"]) == 2
    assert len(snapshot["inputs"]["consultations"]) == 5
    # Only the counted incidents of the doctor's services are kept as inputs.
    assert [i["reference"] for i in snapshot["inputs"]["incidents"]] == ["EX-1", "EX-2"]
    ex2 = snapshot["cited_incidents"][1]
    assert ex2 == {
        "reference": "EX-2",
        "title": "Incident EX-2",
        "start": "2024-01-15T08:30:00Z",
        "end": "2024-01-15T10:00:00Z",
        "impact": "partial_outage",
        "status": "confirmed",
        "services": ["mycarenet", "recip-e"],
        "source_url": "https://status.example.org/EX-2",
    }
    slot_rows = snapshot["figures"]["slots"]
    assert slot_rows[0]["verified"] == [
        {
            "start": "2024-01-15T07:00:00Z",
            "end": "2024-01-15T09:00:00Z",
            "incidents": ["EX-1", "EX-2"],
        }
    ]


def test_the_snapshot_alone_recomputes_the_same_figures(submitted):
    result = snapshot_recompute(submitted.snapshot)
    assert (result.total, result.lost_minutes) == (Decimal("302.42"), 156)
    assert result.cited_incidents == ("EX-1", "EX-2")


def test_a_claim_is_submitted_once(submitted):
    with pytest.raises(ValidationError, match="already submitted"):
        claim_submit(claim=submitted, user=submitted.doctor.user, declaration_accepted=True)


def test_only_the_claims_doctor_submits_it(example_claim, other_doctor):
    with pytest.raises(ValidationError, match="Only the doctor"):
        claim_submit(claim=draft(example_claim), user=other_doctor.user, declaration_accepted=True)


def test_one_claim_per_doctor_and_period(example_claim):
    assert draft(example_claim) == draft(example_claim)
    assert Claim.objects.count() == 1


def test_a_period_overlapping_a_submitted_claim_is_refused(submitted):
    with pytest.raises(ValidationError, match=r"overlaps your claim #\d+"):
        draft(submitted.doctor, date(2024, 1, 20), date(2024, 2, 10))
    # A draft made before the submission cannot be submitted over it either.
    Claim.objects.filter(pk=submitted.pk).update(status=ClaimStatus.DRAFT)
    other = draft(submitted.doctor, date(2024, 1, 20), date(2024, 2, 10))
    Claim.objects.filter(pk=submitted.pk).update(status=ClaimStatus.SUBMITTED)
    with pytest.raises(ValidationError, match="overlaps"):
        claim_submit(claim=other, user=submitted.doctor.user, declaration_accepted=True)


def test_the_next_period_is_fine(submitted):
    assert draft(submitted.doctor, date(2024, 2, 1), date(2024, 2, 29)).status == "draft"


def test_declarations_inside_a_submitted_period_can_no_longer_change(submitted):
    doctor = submitted.doctor
    recipe = list(Service.objects.filter(slug="recip-e"))
    message = r"falls inside your claim #\d+ .* already submitted"
    with pytest.raises(ValidationError, match=message):
        slot_create(doctor=doctor, start=at(13), end=at(14), services=recipe)
    slot = AffectedSlot.objects.filter(doctor=doctor).first()
    with pytest.raises(ValidationError, match=message):
        slot_update(slot=slot, start=slot.start, end=at(12, 30), services=recipe)
    with pytest.raises(ValidationError, match=message):
        slot_delete(slot=slot)
    # Moving a February slot into January is refused too.
    february = slot_create(
        doctor=doctor, start=at(8, day=5, month=2), end=at(9, day=5, month=2), services=recipe
    )
    with pytest.raises(ValidationError, match=message):
        slot_update(slot=february, start=at(13), end=at(14), services=recipe)


def test_imports_into_a_submitted_period_are_refused_but_unchanged_rows_pass(submitted):
    doctor = submitted.doctor
    text = (
        "start,end,services,note\n"
        "2024-01-15T07:30,2024-01-15T10:00,recip-e,\n"  # unchanged: fine
        "2024-01-15T13:00,2024-01-15T14:00,recip-e,\n"  # new in January: refused
    )
    preview = slots_preview(doctor=doctor, data=text.encode())
    assert [row.status for row in preview.rows] == ["unchanged", "error"]
    assert "already submitted" in str(preview.errors[0])
    text = (
        "start,duration_minutes,code,fee,services,outcome\n"
        "2024-01-15T11:30,20,101076,31.81,recip-e,cancelled\n"
    )
    assert not consultations_preview(doctor=doctor, data=text.encode()).is_valid


def test_the_pages_refuse_changes_in_a_submitted_period(client, submitted):
    client.force_login(submitted.doctor.user)
    english(client)
    slot = AffectedSlot.objects.filter(doctor=submitted.doctor).first()
    consultation = Consultation.objects.filter(doctor=submitted.doctor).first()
    response = client.post(f"/claims/slots/{slot.pk}/delete/")
    assert "already submitted" in response.content.decode()
    response = client.post(f"/claims/consultations/{consultation.pk}/delete/")
    assert "already submitted" in response.content.decode()
    response = client.post(
        "/claims/slots/new/",
        {
            "start": "2024-01-20T08:00",
            "end": "2024-01-20T09:00",
            "services": [Service.objects.get(slug="recip-e").pk],
        },
    )
    assert "already submitted" in response.content.decode()
    listing = client.get("/claims/slots/?from=2024-01-01&to=2024-01-31").content.decode()
    assert f"in submitted claim #{submitted.pk}" in listing
    assert f"/claims/slots/{slot.pk}/delete/" not in listing
    assert AffectedSlot.objects.filter(doctor=submitted.doctor).count() == 2


def test_submitted_figures_never_change_after_calendar_changes(client, submitted):
    client.force_login(submitted.doctor.user)
    english(client)
    frozen = Claim.objects.get(pk=submitted.pk).snapshot
    # The calendar changes: EX-1 is shortened, a new incident covers the unverified time.
    Incident.objects.filter(reference="EX-1").update(end=at(9))
    make_incident("EX-5", ["recip-e"], at(7), at(8))
    # A declaration outside the period changes too (allowed).
    make_slot(submitted.doctor, at(8, day=1, month=2), at(9, day=1, month=2), ["recip-e"])
    make_consultation(
        submitted.doctor, at(8, day=1, month=2), 20, "101076", "31.81", ["recip-e"], "cancelled"
    )
    Methodology.objects.create(
        version="ABSyM-2025.1", published_on="2025-01-01", hourly_rate="120.00"
    )

    claim = Claim.objects.get(pk=submitted.pk)
    assert claim.snapshot == frozen
    assert (claim.total, claim.lost_minutes) == (Decimal("302.42"), 156)
    text = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "302.42 EUR" in text
    assert "ABSyM-2024.1" in text
    # …and it says a recomputation would now differ, and by how much.
    assert "The official calendar has changed since this claim was submitted" in text
    assert "Incidents that would now be cited: EX-5" in text
    # The difference carries its sign, and the doctor reads what they may do.
    assert re.search(r"\((\+|−)[\d,.]+ EUR compared with the submission\)", text)
    assert "you need do nothing" in text


def test_no_notice_when_the_calendar_did_not_change(client, submitted):
    client.force_login(submitted.doctor.user)
    english(client)
    text = client.get(f"/claims/{submitted.pk}/").content.decode()
    assert "302.42 EUR" in text
    assert "has changed since" not in text
    assert "Submit my claim" not in text


def test_submitting_through_the_pages(client, example_claim):
    client.force_login(example_claim.user)
    english(client)
    period = {"from": "2024-01-01", "to": "2024-01-31"}
    response = client.post("/claims/claim/", period)
    assert "Tick the declaration on honour" in response.content.decode()
    assert not Claim.objects.exists()
    response = client.post("/claims/claim/", {**period, "declaration_accepted": "on"})
    claim = Claim.objects.get()
    assert response["Location"] == f"/claims/{claim.pk}/"
    assert claim.status == ClaimStatus.SUBMITTED and claim.total == Decimal("302.42")
    # The period's page now leads to that claim.
    assert (
        client.get("/claims/claim/?from=2024-01-01&to=2024-01-31")["Location"]
        == f"/claims/{claim.pk}/"
    )


def test_a_draft_is_submitted_from_its_page_and_deleted_only_as_a_draft(client, example_claim):
    client.force_login(example_claim.user)
    english(client)
    claim = draft(example_claim)
    assert "Submit my claim" in client.get(f"/claims/{claim.pk}/").content.decode()
    client.post(f"/claims/{claim.pk}/submit/", {"declaration_accepted": "on"})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    response = client.post(f"/claims/{claim.pk}/delete/")
    assert "already submitted" in response.content.decode()
    assert Claim.objects.filter(pk=claim.pk).exists()
    february = draft(example_claim, date(2024, 2, 1), date(2024, 2, 29))
    assert client.post(f"/claims/{february.pk}/delete/").status_code == 302
    assert not Claim.objects.filter(pk=february.pk).exists()


def test_it_handles_dst_the_snapshot_keeps_utc_and_the_fall_back_hour(doctor):
    from claims_helpers import brussels

    # 27 October 2024: 01:00–04:00 Brussels is four real hours.
    make_incident("AUTUMN", ["recip-e"], brussels(2024, 10, 27, 0), brussels(2024, 10, 27, 6))
    make_slot(doctor, brussels(2024, 10, 27, 1), brussels(2024, 10, 27, 4), ["recip-e"])
    claim = claim_submit(
        claim=draft(doctor, date(2024, 10, 1), date(2024, 10, 31)),
        user=doctor.user,
        declaration_accepted=True,
    )
    snapshot = claim.snapshot
    assert snapshot["period"]["start"] == "2024-09-30T22:00:00Z"  # midnight, summer time
    assert snapshot["period"]["end"] == "2024-10-31T23:00:00Z"  # midnight, winter time
    assert snapshot["inputs"]["slots"][0]["start"] == "2024-10-26T23:00:00Z"
    assert snapshot["figures"]["seconds"]["verified"] == 4 * 3600
    assert claim.lost_minutes == 240
