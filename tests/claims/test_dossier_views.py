"""Downloading a dossier: who may, what they get, and that a stored dossier never changes."""

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from dossier_example import pdf_attachment, pdf_text, services, worked_example_claim

from claims.models import Claim, Consultation
from claims.services.claims import claim_submit
from outages.intervals import BRUSSELS
from outages.models import Incident

pytestmark = pytest.mark.django_db


def url(claim) -> str:
    return reverse("claims:claim_dossier", args=[claim.pk])


def submit(claim):
    return claim_submit(claim=claim, user=claim.doctor.user, declaration_accepted=True)


def add_consultations(doctor, count):
    """``count`` more consultations from 16 January 2024, all during a long Recip-e outage."""
    start = datetime(2024, 1, 16, 8, tzinfo=BRUSSELS)
    recip_e = services(["recip-e"])
    outage = Incident.objects.create(
        reference=f"LONG-{count}",
        start=start,
        end=datetime(2024, 1, 31, 18, tzinfo=BRUSSELS),
        impact="major_outage",
    )
    outage.services.set(recip_e)
    for number in range(count):
        consultation = Consultation.objects.create(
            doctor=doctor,
            start=start + timedelta(days=number // 8, minutes=30 * (number % 8)),
            duration_minutes=20,
            code="101076",
            fee=Decimal("31.81"),
            outcome="completed",
        )
        consultation.services.set(recip_e)


# --- the doctor --------------------------------------------------------------------------------


def test_the_doctor_downloads_the_dossier_of_a_draft(doctor, doctor_client):
    claim = worked_example_claim(doctor)

    response = doctor_client.get(url(claim))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="dossier-claim-{claim.pk}-draft.pdf"'
    )
    assert "302,42 €" in pdf_text(response.content)
    assert Claim.objects.get(pk=claim.pk).dossier.name == ""  # drafts are never stored


def test_a_submitted_dossier_downloads_byte_identical_and_matches_its_sha256(doctor, doctor_client):
    claim = submit(worked_example_claim(doctor))

    first = doctor_client.get(url(claim))
    second = doctor_client.get(url(claim))

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert hashlib.sha256(first.content).hexdigest() == claim.dossier_sha256
    assert len(claim.dossier_sha256) == 64
    assert first["Content-Disposition"] == f'attachment; filename="dossier-claim-{claim.pk}.pdf"'
    assert claim.dossier.read() == first.content


def test_a_submitted_dossier_does_not_change_when_declarations_or_calendar_do(
    doctor, doctor_client
):
    claim = submit(worked_example_claim(doctor))
    before = doctor_client.get(url(claim)).content
    add_consultations(doctor, 10)

    after = doctor_client.get(url(claim)).content

    assert after == before
    assert pdf_attachment(after, f"claim-{claim.pk}.json")["claim_summary"]["total"] == "302.42"


def test_the_claim_page_offers_the_download(doctor, doctor_client):
    claim = worked_example_claim(doctor)
    doctor_client.cookies["django_language"] = "en"

    response = doctor_client.get(reverse("claims:claim", args=[claim.pk]))

    assert "Download the dossier (PDF)" in response.text
    assert f'href="{url(claim)}"' in response.text


# --- everyone else -----------------------------------------------------------------------------


def test_another_doctor_gets_404_for_a_draft_and_a_submitted_claim(doctor, other_doctor, client):
    claim = worked_example_claim(doctor)
    client.force_login(other_doctor.user)

    assert client.get(url(claim)).status_code == 404
    submit(claim)
    assert client.get(url(claim)).status_code == 404


def test_a_reviewer_gets_the_dossier_only_once_submitted(doctor, reviewer_client):
    claim = worked_example_claim(doctor)

    assert reviewer_client.get(url(claim)).status_code == 404

    claim = submit(claim)
    response = reviewer_client.get(url(claim))

    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == claim.dossier_sha256


def test_an_administrator_who_is_no_reviewer_by_group_is_a_reviewer(doctor, admin_client):
    claim = submit(worked_example_claim(doctor))

    assert admin_client.get(url(claim)).status_code == 200


def test_a_staff_member_outside_the_reviewers_gets_404(doctor, client, django_user_model):
    claim = submit(worked_example_claim(doctor))
    staff = django_user_model.objects.create_user(email="staff@example.org", is_staff=True)
    client.force_login(staff)

    assert client.get(url(claim)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(doctor, client):
    claim = submit(worked_example_claim(doctor))

    response = client.get(url(claim))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_claim_is_404(doctor_client):
    assert doctor_client.get(reverse("claims:claim_dossier", args=[999999])).status_code == 404


def test_only_get_is_allowed(doctor, doctor_client):
    claim = worked_example_claim(doctor)

    assert doctor_client.post(url(claim)).status_code == 405


# --- queries -----------------------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 60])
def test_a_stored_dossier_downloads_in_a_constant_number_of_queries(
    doctor, reviewer_client, django_assert_num_queries, extra
):
    claim = worked_example_claim(doctor)
    add_consultations(doctor, extra)
    claim = submit(claim)

    # session, user, claim with its doctor, the reviewers group
    with django_assert_num_queries(4):
        assert reviewer_client.get(url(claim)).status_code == 200


@pytest.mark.parametrize("extra", [0, 60])
def test_a_draft_dossier_renders_in_a_constant_number_of_queries(
    doctor, doctor_client, django_assert_num_queries, extra
):
    claim = worked_example_claim(doctor)
    add_consultations(doctor, extra)

    # session, user, claim; methodology, incidents, slots, consultations; service names
    with django_assert_num_queries(8):
        response = doctor_client.get(url(claim))
    assert response.status_code == 200
    summary = pdf_attachment(response.content, f"claim-{claim.pk}.json")["claim_summary"]
    assert summary["affected_consultations"] == 4 + extra
