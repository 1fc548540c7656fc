"""Issue 11, point 4: the Django admin follows the app's rules: a reviewer never sees a
doctor's draft there either."""

import pytest
from django.urls import reverse

from claims.models import Claim, ClaimStatus
from tests.claims.factories_review import new_doctor, recip_e_outage, submitted_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def claims():
    recip_e_outage()
    submitted = submitted_claim(dossier_pages=None)
    secret = new_doctor(last_name="Verborgen")
    draft = Claim.objects.create(
        doctor=secret,
        period_start=submitted.period_start,
        period_end=submitted.period_end,
        methodology=submitted.methodology,
    )
    assert draft.status == ClaimStatus.DRAFT
    return submitted, draft


def test_reviewers_see_no_draft_in_the_admin(reviewer_client, claims):
    submitted, draft = claims
    listing = reviewer_client.get(reverse("admin:claims_claim_changelist") + "?status__exact=draft")
    assert listing.status_code == 200
    assert "Verborgen" not in listing.content.decode()
    page = reviewer_client.get(reverse("admin:claims_claim_changelist")).content.decode()
    assert f">{submitted.pk}<" in page
    assert "Verborgen" not in page
    assert reviewer_client.get(
        reverse("admin:claims_claim_change", args=[draft.pk])
    ).status_code in (
        302,
        404,
    )
    doctors = reviewer_client.get(reverse("admin:claims_doctor_changelist")).content.decode()
    assert "Verborgen" not in doctors
    assert submitted.doctor.riziv in doctors


def test_reviewers_cannot_change_a_claim_in_the_admin(reviewer_client, claims):
    submitted, _draft = claims
    url = reverse("admin:claims_claim_change", args=[submitted.pk])
    page = reviewer_client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert reviewer_client.post(url, {"status": "approved"}).status_code == 403


def test_administrators_still_see_every_claim(admin_client, claims):
    _submitted, draft = claims
    page = admin_client.get(reverse("admin:claims_claim_changelist") + "?status__exact=draft")
    assert "Verborgen" in page.content.decode()
