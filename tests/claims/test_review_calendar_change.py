"""The "calendar changed since" flag follows outage imports by itself."""

import pytest
from django.core.management import call_command
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers

from claims.models import ClaimCheck

pytestmark = pytest.mark.django_db

LATE_OUTAGE = (
    "reference,services,start,end,impact,status\n"
    "REV-LATE,recip-e,2024-01-15T11:00,2024-01-15T12:00,major_outage,confirmed\n"
)


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    use_fast_dossiers(monkeypatch)


def test_an_import_after_submission_flags_the_claims_it_changes(
    tmp_path, django_capture_on_commit_callbacks
):
    recip_e_outage()
    claim = submitted_claim(slots=((15, 7, 30, 15, 12, 0),), cancelled=())
    call_command("review_checks")
    assert not ClaimCheck.objects.get(claim=claim).recomputation_differs
    submitted_total = claim.total

    csv = tmp_path / "late.csv"
    csv.write_text(LATE_OUTAGE)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_outages", str(csv))

    check = ClaimCheck.objects.get(claim=claim)
    assert check.recomputation_differs
    claim.refresh_from_db()
    assert claim.total == submitted_total  # the submitted figures never change


def test_an_import_on_other_days_leaves_the_check_alone(
    tmp_path, django_capture_on_commit_callbacks
):
    recip_e_outage()
    claim = submitted_claim(slots=((15, 7, 30, 15, 12, 0),), cancelled=())
    call_command("review_checks")
    computed_at = ClaimCheck.objects.get(claim=claim).computed_at

    csv = tmp_path / "march.csv"
    csv.write_text(LATE_OUTAGE.replace("2024-01-15", "2024-03-15"))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_outages", str(csv))

    assert ClaimCheck.objects.get(claim=claim).computed_at == computed_at


def test_an_admin_edit_of_an_incident_flags_the_claims_it_changes(
    admin_client, django_capture_on_commit_callbacks
):
    outage = recip_e_outage()
    claim = submitted_claim(slots=((15, 7, 30, 15, 12, 0),), cancelled=())
    call_command("review_checks")
    assert not ClaimCheck.objects.get(claim=claim).recomputation_differs

    # The outage is found to have lasted until 11:30 instead of 11:00.
    form = {
        "reference": outage.reference,
        "title": "",
        "description": "",
        "start_0": "2024-01-15",
        "start_1": "08:00:00",
        "end_0": "2024-01-15",
        "end_1": "11:30:00",
        "impact": outage.impact,
        "status": outage.status,
        "services": [service.pk for service in outage.services.all()],
        "source_url": "",
        "changes-TOTAL_FORMS": "0",
        "changes-INITIAL_FORMS": "0",
        "changes-MIN_NUM_FORMS": "0",
        "changes-MAX_NUM_FORMS": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/outages/incident/{outage.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ClaimCheck.objects.get(claim=claim).recomputation_differs
