"""The demo doctor's January 2024 (``seed_demo``): declarations over the demo calendar,
a draft claim with something to show, idempotent."""

from datetime import date

import pytest
from claims_helpers import english

from claims.demo import DEMO_DOCTOR, seed_accounts, seed_declarations
from claims.models import AffectedSlot, Claim, ClaimStatus, Consultation, Doctor
from claims.selectors import claim_report
from outages.demo import seed_calendar

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.dossier_queued]


@pytest.fixture
def seeded(db):
    seed_accounts()
    seed_calendar()
    seed_declarations()
    return Doctor.objects.get(riziv=DEMO_DOCTOR["riziv"])


def test_the_demo_doctor_has_a_meaningful_draft_claim_for_january(seeded):
    claim = Claim.objects.get(doctor=seeded)
    assert (claim.period_start, claim.period_end, claim.status) == (
        date(2024, 1, 1),
        date(2024, 1, 31),
        ClaimStatus.DRAFT,
    )
    result = claim_report(claim=claim).result
    # Verified time on every outage day, some unverified time, losses and catch-up.
    assert result.verified_minutes > 600
    assert result.unverified_minutes > 60
    assert result.revenue_loss > 0 and result.catch_up_minutes > 0
    assert {"DEMO-2024-01-09", "DEMO-2024-01-15-A", "DEMO-2024-01-22", "DEMO-2024-01-24-A"} <= set(
        result.cited_incidents
    )
    assert "DEMO-2024-01-24-B" not in result.cited_incidents  # degraded: not counted


def test_seeding_twice_changes_nothing(seeded):
    before = claim_report(claim=Claim.objects.get(doctor=seeded)).result
    counts = (AffectedSlot.objects.count(), Consultation.objects.count(), Claim.objects.count())
    seed_accounts()
    seed_calendar()
    seed_declarations()
    assert counts == (
        AffectedSlot.objects.count(),
        Consultation.objects.count(),
        Claim.objects.count(),
    )
    assert claim_report(claim=Claim.objects.get(doctor=seeded)).result == before


def test_the_demo_dashboard_shows_the_draft(client, seeded):
    client.force_login(seeded.user)
    english(client)
    text = client.get("/").content.decode()
    claim = Claim.objects.get(doctor=seeded)
    total = claim_report(claim=claim).result.total
    assert f"{total:,.2f} EUR" in text
    assert "Review and submit" in text
