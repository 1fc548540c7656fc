"""Another doctor's slot, consultation or claim answers 404 on every URL, for reading,
editing, deleting and submitting; anonymous visitors are sent to the login page."""

import pytest
from claims_helpers import at, make_consultation, make_slot

from claims.models import AffectedSlot, Claim, Consultation
from claims.services.claims import claim_get_or_create_draft

# No test here reads a dossier: submitted claims leave theirs queued (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.dossier_queued]


@pytest.fixture
def others(other_doctor):
    from datetime import date

    slot = make_slot(other_doctor, at(7, 30), at(10), ["recip-e"])
    consultation = make_consultation(
        other_doctor, at(9, 40), 20, "101076", "31.81", ["recip-e"], "cancelled"
    )
    claim = claim_get_or_create_draft(
        doctor=other_doctor, first_day=date(2024, 1, 1), last_day=date(2024, 1, 31)
    )
    return {"slot": slot, "consultation": consultation, "claim": claim}


CASES = [
    ("get", "/claims/slots/{slot}/"),
    ("post", "/claims/slots/{slot}/"),
    ("get", "/claims/slots/{slot}/delete/"),
    ("post", "/claims/slots/{slot}/delete/"),
    ("get", "/claims/consultations/{consultation}/"),
    ("post", "/claims/consultations/{consultation}/"),
    ("get", "/claims/consultations/{consultation}/delete/"),
    ("post", "/claims/consultations/{consultation}/delete/"),
    ("get", "/claims/{claim}/"),
    ("post", "/claims/{claim}/submit/"),
    ("get", "/claims/{claim}/delete/"),
    ("post", "/claims/{claim}/delete/"),
]


def _url(template, others):
    return template.format(**{name: obj.pk for name, obj in others.items()})


@pytest.mark.parametrize("method, template", CASES)
def test_another_doctors_object_answers_404(doctor_client, others, method, template):
    data = {
        "start": "2024-01-15T07:30",
        "end": "2024-01-15T11:00",
        "declaration_accepted": "on",
    }
    response = getattr(doctor_client, method)(_url(template, others), data)
    assert response.status_code == 404
    # Nothing changed hands or disappeared.
    assert AffectedSlot.objects.filter(pk=others["slot"].pk).exists()
    assert Consultation.objects.filter(pk=others["consultation"].pk).exists()
    claim = Claim.objects.get(pk=others["claim"].pk)
    assert claim.status == "draft" and claim.snapshot is None


@pytest.mark.parametrize("method, template", CASES)
def test_a_reviewer_without_a_doctor_profile_gets_404_too(
    reviewer_client, others, method, template
):
    response = getattr(reviewer_client, method)(_url(template, others))
    assert response.status_code == 404


@pytest.mark.parametrize("method, template", CASES[:1] + CASES[8:9])
def test_anonymous_visitors_are_sent_to_log_in(client, others, method, template):
    response = getattr(client, method)(_url(template, others))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_lists_and_claim_page_show_only_the_doctors_own_declarations(doctor_client, others):
    for url in (
        "/claims/slots/?from=2024-01-01&to=2024-01-31",
        "/claims/consultations/?from=2024-01-01&to=2024-01-31",
        "/claims/claim/?from=2024-01-01&to=2024-01-31",
        "/claims/week/?week=2024-W03",
    ):
        content = doctor_client.get(url).content.decode()
        assert f"/claims/slots/{others['slot'].pk}/" not in content
        assert f"/claims/consultations/{others['consultation'].pk}/" not in content
        assert "101076" not in content  # the other doctor's only code
