"""Requests that race each other get an answer, never a 500: the same period submitted twice
at once, two sign-ups with the same e-mail address or RIZIV number, a doctor's import
confirmed twice, and two reviewers deciding on the same claim."""

import re

import pytest
from claims_helpers import WORKED_EXAMPLE, english
from concurrency import needs_postgresql, other_request_commits_later
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from factories_review import (
    at,
    declare_slot,
    new_doctor,
    recip_e_outage,
    submitted_claim,
    use_fast_dossiers,
)

from accounts.services import doctor_register
from claims.importers.slots import slots_preview
from claims.models import AffectedSlot, Claim, ClaimDecision, Decision, Doctor, ReasonCode, User
from claims.review.services.decisions import claim_decide
from claims.services.claims import claim_file

PERIOD = {"from": "2024-01-01", "to": "2024-01-31"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_postgresql
def test_the_same_period_submitted_twice_at_once_is_submitted_once(client, monkeypatch):
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    doctor = new_doctor(language="en")
    declare_slot(doctor, at(15, 7, 30), at(15, 10, 0))
    client.force_login(doctor.user)
    english(client)

    def other_tab():
        claim_file(
            doctor=doctor,
            first_day=at(1, 0).date(),
            last_day=at(31, 0).date(),
            user=doctor.user,
            declaration_accepted=True,
        )

    with other_request_commits_later(other_tab):
        response = client.post("/claims/claim/", {**PERIOD, "declaration_accepted": "on"})
    assert response.status_code == 200
    assert "This claim is already submitted" in response.text
    assert Claim.objects.filter(doctor=doctor).count() == 1


def _signup(client, *, email, riziv):
    return client.post(
        reverse("signup"),
        {
            "first_name": "Marie",
            "last_name": "Lambert",
            "riziv": riziv,
            "email": email,
            "language": "en",
            "password1": "a-long-and-unusual-passphrase",
            "password2": "a-long-and-unusual-passphrase",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _register(*, email, riziv):
    return lambda: doctor_register(
        email=email,
        password="another-long-passphrase",
        first_name="Other",
        last_name="Person",
        riziv=riziv,
        language="fr",
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_postgresql
def test_two_sign_ups_with_the_same_email_at_once(client):
    client.cookies["django_language"] = "en"
    with other_request_commits_later(_register(email="marie@example.org", riziv="12345678004")):
        response = _signup(client, email="marie@example.org", riziv="98765432101")
    assert response.status_code == 200
    assert "An account already uses this e-mail address" in response.text
    assert User.objects.filter(email="marie@example.org").count() == 1
    assert not Doctor.objects.filter(riziv="98765432101").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_postgresql
def test_two_sign_ups_with_the_same_riziv_number_at_once(client):
    client.cookies["django_language"] = "en"
    with other_request_commits_later(_register(email="other@example.org", riziv="12345678004")):
        response = _signup(client, email="marie@example.org", riziv="12345678004")
    assert response.status_code == 200
    assert "This RIZIV/INAMI number is already registered" in response.text
    # All or nothing: no account without its doctor.
    assert not User.objects.filter(email="marie@example.org").exists()
    assert Doctor.objects.filter(riziv="12345678004").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@needs_postgresql
def test_a_doctors_import_confirmed_twice_at_once_imports_once(doctor_client, doctor):
    english(doctor_client)
    content = (WORKED_EXAMPLE / "slots.csv").read_bytes()
    preview = doctor_client.post(
        "/claims/import/slots/", {"file": SimpleUploadedFile("slots.csv", content, "text/csv")}
    )
    token = re.search(r'name="token" value="([^"]+)"', preview.text).group(1)
    expected = slots_preview(doctor=doctor, data=content).created

    with other_request_commits_later(lambda: slots_preview(doctor=doctor, data=content).apply()):
        response = doctor_client.post("/claims/import/slots/", {"token": token}, follow=True)
    assert response.status_code == 200
    assert "the same rows were written by another import at the same time" in response.text
    assert AffectedSlot.objects.filter(doctor=doctor).count() == expected


def _decided(reviewer, claim, decision=Decision.APPROVE, code=ReasonCode.CONSISTENT):
    return claim_decide(
        claim=claim, reviewer=reviewer, decision=decision, reason_code=code, text="Checked."
    )


@pytest.fixture
def second_reviewer(reviewer, django_user_model):
    user = django_user_model.objects.create_user(
        email="second-reviewer@example.org", password="x-long-password-1234", is_staff=True
    )
    user.groups.set(reviewer.groups.all())
    return user


@pytest.mark.django_db
def test_the_second_reviewer_is_told_the_claim_changed(
    reviewer_client, reviewer, second_reviewer, monkeypatch
):
    english(reviewer_client)
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    claim = submitted_claim()
    page = reviewer_client.get(reverse("review:claim", args=[claim.pk])).text
    token = re.search(r'name="version" value="([^"]*)"', page).group(1)
    # Meanwhile another reviewer rejects it.
    _decided(second_reviewer, claim, Decision.REJECT, ReasonCode.IMPLAUSIBLE)

    response = reviewer_client.post(
        reverse("review:decide", args=[claim.pk]),
        {
            "decision": Decision.APPROVE,
            "reason_code": ReasonCode.CONSISTENT,
            "text": "Looks right.",
            "version": token,
        },
    )
    # The review page again, with the message (not an error page), and nothing recorded.
    assert response.status_code == 200
    assert f"Claim #{claim.pk} changed since you opened it" in response.text
    assert list(ClaimDecision.objects.values_list("decision", flat=True)) == [Decision.REJECT]
    # Read again, the decision goes through.
    page = reviewer_client.get(reverse("review:claim", args=[claim.pk])).text
    fresh = re.search(r'name="version" value="([^"]*)"', page).group(1)
    response = reviewer_client.post(
        reverse("review:decide", args=[claim.pk]),
        {
            "decision": Decision.APPROVE,
            "reason_code": ReasonCode.CONSISTENT,
            "text": "Looks right.",
            "version": fresh,
        },
    )
    assert response.status_code == 302
    assert ClaimDecision.objects.count() == 2


@pytest.mark.django_db
def test_a_bulk_decision_on_a_claim_changed_since_the_list_records_nothing(
    reviewer_client, reviewer, second_reviewer, monkeypatch
):
    english(reviewer_client)
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    first, second = submitted_claim(), submitted_claim()
    page = reviewer_client.get(reverse("review:list")).text
    versions = dict(re.findall(r'name="(version-\d+)" value="([^"]*)"', page))
    assert set(versions) == {f"version-{first.pk}", f"version-{second.pk}"}
    _decided(second_reviewer, second, Decision.REJECT, ReasonCode.IMPLAUSIBLE)

    response = reviewer_client.post(
        reverse("review:bulk_decide"),
        {
            "claim": [first.pk, second.pk],
            "decision": Decision.APPROVE,
            "reason_code": ReasonCode.CONSISTENT,
            "text": "Batch approval.",
            **versions,
        },
        follow=True,
    )
    assert f"Claim #{second.pk} changed since you opened it" in response.text
    # All or nothing: the unchanged claim was not decided either.
    assert list(ClaimDecision.objects.values_list("claim_id", flat=True)) == [second.pk]
