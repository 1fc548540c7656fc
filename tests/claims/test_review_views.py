"""The legal team's pages (claims/review/views/review.py): who may reach them, the review list
(filters, totals, constant queries), a claim's review page, decisions through the browser
forms, and the doctor's side (decision shown, correct and resubmit)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from factories_review import (
    at,
    clone_claims,
    declare_slot,
    incident,
    recip_e_outage,
    submitted_claim,
    use_fast_dossiers,
)

import claims.review.urls as review_urls
import claims.urls as doctor_urls
from claims.models import (
    AffectedSlot,
    AuditEntry,
    Batch,
    BatchOutput,
    Claim,
    ClaimDecision,
    ClaimStatus,
    ClaimVersion,
    Consultation,
    Decision,
    ReasonCode,
)
from claims.review.services.batches import batch_create, batch_freeze, batch_output_start
from claims.review.services.checks import claim_checks_refresh
from claims.review.services.decisions import claim_decide

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    use_fast_dossiers(monkeypatch)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def outage():
    return recip_e_outage()


@pytest.fixture
def claim(outage, doctor):
    return submitted_claim(doctor, slots=((15, 8, 0, 15, 10, 0),), cancelled=((15, 9, 0),))


@pytest.fixture
def batch(claim, reviewer):
    return batch_create(name="Recip-e, January 2024", reviewer=reviewer, claims=[claim.pk])


REVIEW_ROUTES = [pattern.name for pattern in review_urls.urlpatterns]
DOCTOR_ROUTES = [
    pattern.name
    for pattern in doctor_urls.urlpatterns
    # Reviewers may download a submitted claim's dossier (interfaces.md).
    if pattern.name != "claim_dossier"
]


def _review_url(name: str, claim: Claim, batch: Batch) -> str:
    (pattern,) = [p for p in review_urls.urlpatterns if p.name == name]
    values = {"pk": batch.pk if name.startswith("batch") else claim.pk, "number": 1}
    values["kind"] = "dossier"
    kwargs = {key: values[key] for key in pattern.pattern.converters}
    return reverse(f"review:{name}", kwargs=kwargs)


def test_the_review_routes_are_all_covered():
    assert {"list", "claim", "decide", "batch", "batch_output_start", "export_csv"} <= set(
        REVIEW_ROUTES
    )


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", REVIEW_ROUTES)
def test_a_doctor_gets_404_or_403_on_every_review_url(name, method, claim, batch, doctor_client):
    """Every route of claims/review/urls.py, read and written: nothing leaks, nothing
    changes."""
    response = getattr(doctor_client, method)(_review_url(name, claim, batch))
    assert response.status_code in (403, 404)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert not ClaimDecision.objects.exists()
    assert Batch.objects.get().frozen_at is None


@pytest.mark.parametrize("name", REVIEW_ROUTES)
def test_anonymous_visitors_are_sent_to_the_login_page(name, claim, batch, client):
    response = client.get(_review_url(name, claim, batch))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_admin_who_is_not_a_reviewer_is_refused_too(claim, batch, client, django_user_model):
    staff = django_user_model.objects.create_user(email="staff@example.org", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("review:list")).status_code == 404
    assert client.get(reverse("review:claim", args=[claim.pk])).status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", DOCTOR_ROUTES)
def test_a_reviewer_cannot_reach_the_doctors_declaration_pages(
    name, method, claim, reviewer_client, doctor
):
    """Slots, consultations, imports, the week and the claim pages are the doctor's: a
    reviewer gets 404 on every one of them, reading and writing."""
    slot = AffectedSlot.objects.get(doctor=doctor)
    consultation = Consultation.objects.get(doctor=doctor)
    (pattern,) = [p for p in doctor_urls.urlpatterns if p.name == name]
    values = {"pk": claim.pk, "claim_id": claim.pk, "kind": "slots"}
    if "slot" in name:
        values["pk"] = slot.pk
    elif "consultation" in name:
        values["pk"] = consultation.pk
    kwargs = {key: values[key] for key in pattern.pattern.converters}
    response = getattr(reviewer_client, method)(
        reverse(f"claims:{name}", kwargs=kwargs),
        {"start": "2024-01-15T06:00", "end": "2024-01-15T12:00"},
    )
    assert response.status_code == 404
    slot.refresh_from_db()
    assert (slot.start, slot.end) == (at(15, 8), at(15, 10))
    assert AffectedSlot.objects.count() == 1
    assert Consultation.objects.filter(pk=consultation.pk).exists()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_reviewer_cannot_change_declarations_or_figures_in_the_admin(
    claim, reviewer_client, doctor
):
    slot = AffectedSlot.objects.filter(doctor=doctor).first()
    response = reviewer_client.post(
        reverse("admin:claims_affectedslot_change", args=[slot.pk]),
        {"start_0": "2024-01-15", "start_1": "06:00:00"},
    )
    assert response.status_code == 403
    response = reviewer_client.post(
        reverse("admin:claims_claim_change", args=[claim.pk]), {"status": "approved"}
    )
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_the_review_list_shows_totals_and_filters(outage, english, reviewer):
    english.force_login(reviewer)
    january = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=(), language="nl")
    other = submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=(), language="fr")
    incident("REV-FEB", ("mycarenet",), at(5, 8, month=2), at(5, 12, month=2))
    february = submitted_claim(period=(date(2024, 2, 1), date(2024, 2, 29)), slots=(), cancelled=())
    assert february.total == 0
    response = english.get(reverse("review:list"))
    assert response.status_code == 200
    listing = response.context["listing"]
    assert listing.totals.claims == 3
    assert listing.totals.total == january.total + other.total
    assert listing.totals.minutes == january.lost_minutes + other.lost_minutes
    assert f"#{january.pk}" in response.content.decode()

    response = english.get(
        reverse("review:list"),
        {"period_from": "2024-01-01", "period_to": "2024-01-31", "language": "nl"},
    )
    assert [row.claim.pk for row in response.context["listing"].rows] == [january.pk]
    response = english.get(reverse("review:list"), {"service": "recip-e", "sort": "total"})
    assert [row.claim.pk for row in response.context["listing"].rows] == [other.pk, january.pk]
    response = english.get(reverse("review:list"), {"min_total": "100", "max_total": "1000"})
    assert [row.claim.pk for row in response.context["listing"].rows] == [january.pk]
    response = english.get(reverse("review:list"), {"status": "approved"})
    assert response.context["listing"].totals.claims == 0
    assert "No submitted claim matches these filters." in response.content.decode()
    # Per-service and per-month charts, drawn by the server.
    listing = english.get(reverse("review:list")).context["listing"]
    assert {bar.key: bar.claims for bar in listing.per_service} == {"recip-e": 2}
    assert {bar.key: bar.claims for bar in listing.per_month} == {"2024-01": 2, "2024-02": 1}
    assert "<svg" in english.get(reverse("review:list")).content.decode()


def test_drafts_never_appear_in_the_review_list(outage, reviewer_client, doctor):
    declare_slot(doctor, at(15, 8), at(15, 9))
    Claim.objects.create(
        doctor=doctor,
        period_start=date(2024, 1, 1),
        period_end=date(2024, 1, 31),
        methodology_id=1,
    )
    response = reviewer_client.get(reverse("review:list"))
    assert response.context["listing"].totals.claims == 0
    assert (
        reviewer_client.get(reverse("review:claim", args=[Claim.objects.get().pk])).status_code
        == 404
    )


def _list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("review:list"), params)
    assert response.status_code == 200
    return len(queries)


def test_the_review_list_makes_a_constant_number_of_queries(
    outage, reviewer_client, django_assert_max_num_queries
):
    template = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=((15, 10, 30),))
    few = _list_queries(reviewer_client)
    few_flagged = _list_queries(reviewer_client, flag=["outlier", "overlap"], sort="-total")
    clone_claims(template, 120)
    claim_checks_refresh()
    with django_assert_max_num_queries(9):
        reviewer_client.get(reverse("review:list"))
    assert _list_queries(reviewer_client) == few
    assert _list_queries(reviewer_client, flag=["outlier", "overlap"], sort="-total") == few_flagged
    response = reviewer_client.get(reverse("review:list"), {"page": 3})
    assert len(response.context["listing"].rows) == 21  # 121 claims, 50 a page


def test_the_claim_review_page_shows_flags_decisions_and_audit(claim, reviewer, english):
    english.force_login(reviewer)
    claim_decide(
        claim=claim,
        reviewer=reviewer,
        decision=Decision.REQUEST_INFO,
        reason_code=ReasonCode.MISSING_DETAILS,
        text="Please declare the consultations of 15 January.",
    )
    response = english.get(reverse("review:claim", args=[claim.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please declare the consultations of 15 January." in page
    assert "Information requested" in page
    assert "Audit trail" in page and "submitted → info_requested" in page


def test_a_decision_without_reason_is_refused_by_the_form(claim, reviewer_client):
    response = reviewer_client.post(
        reverse("review:decide", args=[claim.pk]),
        {"decision": "reject", "reason_code": "", "text": ""},
    )
    assert response.status_code == 200  # the form again, with its messages
    assert not ClaimDecision.objects.exists()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_a_decision_through_the_form(claim, reviewer_client):
    response = reviewer_client.post(
        reverse("review:decide", args=[claim.pk]),
        {"decision": "approve", "reason_code": "consistent", "text": "Matches the calendar."},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert AuditEntry.objects.filter(claim=claim).count() == 1


def test_a_bulk_decision_through_the_list(outage, reviewer_client):
    claims = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(3)]
    response = reviewer_client.post(
        reverse("review:bulk_decide"),
        {
            "claim": [c.pk for c in claims[:2]],
            "decision": "reject",
            "reason_code": "implausible",
            "text": "Slots do not match the agenda.",
            "next": reverse("review:list") + "?status=submitted",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("review:list") + "?status=submitted"
    assert AuditEntry.objects.count() == 2
    assert [Claim.objects.get(pk=c.pk).status for c in claims] == [
        "rejected",
        "rejected",
        "submitted",
    ]


def test_a_bulk_decision_without_reason_changes_nothing(outage, reviewer_client):
    claims = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(2)]
    reviewer_client.post(
        reverse("review:bulk_decide"),
        {"claim": [c.pk for c in claims], "decision": "approve", "reason_code": "consistent"},
    )
    assert not AuditEntry.objects.exists()


def test_the_doctor_sees_the_decision_and_can_correct_and_resubmit(claim, reviewer, client, doctor):
    client.cookies["django_language"] = "en"
    client.force_login(doctor.user)
    claim_decide(
        claim=claim,
        reviewer=reviewer,
        decision=Decision.REQUEST_INFO,
        reason_code=ReasonCode.UNVERIFIED_TIME,
        text="Your slot of 15 January seems longer than the outage.",
    )
    page = client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "Your slot of 15 January seems longer than the outage." in page
    assert reverse("claim_resubmit", args=[claim.pk]) in page
    # The doctor corrects a declaration of the period (it is open again)...
    declare_slot(doctor, at(15, 10), at(15, 11))
    response = client.get(reverse("claim_resubmit", args=[claim.pk]))
    assert response.status_code == 200
    # 08:00–11:00 verified, minus the cancelled consultation's 20 minutes (rule 6).
    assert response.context["report"].result.lost_minutes == 160
    # ...and resubmits.
    response = client.post(
        reverse("claim_resubmit", args=[claim.pk]), {"declaration_accepted": "on"}
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.lost_minutes == 160
    assert ClaimVersion.objects.filter(claim=claim).count() == 1


def test_the_resubmit_page_refuses_after_the_window(claim, reviewer, client, doctor):
    client.cookies["django_language"] = "en"
    client.force_login(doctor.user)
    claim_decide(
        claim=claim,
        reviewer=reviewer,
        decision=Decision.REQUEST_INFO,
        reason_code=ReasonCode.MISSING_DETAILS,
        text="Add the consultations.",
        now=timezone.now() - timedelta(days=40),
    )
    page = client.get(reverse("claims:claim", args=[claim.pk])).content.decode()
    assert "The time to correct this claim ended on" in page
    response = client.post(
        reverse("claim_resubmit", args=[claim.pk]), {"declaration_accepted": "on"}
    )
    assert response.status_code == 200
    assert "can no longer be resubmitted" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.INFO_REQUESTED


def test_another_doctor_cannot_resubmit(claim, reviewer, client, other_doctor):
    claim_decide(
        claim=claim,
        reviewer=reviewer,
        decision=Decision.REQUEST_INFO,
        reason_code=ReasonCode.MISSING_DETAILS,
        text="Add the consultations.",
    )
    client.force_login(other_doctor.user)
    assert client.get(reverse("claim_resubmit", args=[claim.pk])).status_code == 404
    assert client.post(reverse("claim_resubmit", args=[claim.pk])).status_code == 404


def test_a_batch_from_the_filter_then_frozen_then_its_files(outage, reviewer_client, reviewer):
    claims = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(2)]
    response = reviewer_client.post(
        reverse("review:batch_from_filter"),
        {"name": "Recip-e, January 2024", "service": "recip-e", "period_from": "2024-01-01"},
    )
    batch = Batch.objects.get()
    assert response["Location"] == reverse("review:batch", args=[batch.pk])
    assert sorted(batch.claims.values_list("pk", flat=True)) == sorted(c.pk for c in claims)
    assert batch.filters == {"period_from": "2024-01-01", "service": "recip-e"}
    # Files wait for freezing.
    reviewer_client.post(reverse("review:batch_output_start", args=[batch.pk, "dossier"]))
    assert not BatchOutput.objects.exists()
    reviewer_client.post(reverse("review:batch_freeze", args=[batch.pk]), {"confirm": "yes"})
    batch.refresh_from_db()
    assert batch.is_frozen
    # A frozen batch cannot be deleted.
    reviewer_client.post(reverse("review:batch_delete", args=[batch.pk]), {"confirm": "yes"})
    assert Batch.objects.filter(pk=batch.pk).exists()
    # The immediate task backend of the tests produces the file within the request.
    reviewer_client.post(reverse("review:batch_output_start", args=[batch.pk, "dossier"]))
    progress = reviewer_client.get(reverse("review:batch_progress", args=[batch.pk])).json()
    assert progress["outputs"]["dossier"]["state"] == "done"
    assert progress["outputs"]["dossier"]["percent"] == 100
    assert progress["outputs"]["zip"]["state"] == "none"
    download = reviewer_client.get(progress["outputs"]["dossier"]["download_url"])
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    page = reviewer_client.get(reverse("review:batch", args=[batch.pk])).content.decode()
    assert "Recip-e, January 2024" in page


def test_a_draft_batch_can_be_deleted(batch, reviewer_client):
    reviewer_client.post(reverse("review:batch_delete", args=[batch.pk]), {"confirm": "yes"})
    assert not Batch.objects.exists()


def test_a_batch_from_a_selection(outage, reviewer_client):
    claims = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(3)]
    reviewer_client.post(
        reverse("review:batch_from_selection"),
        {"name": "Selection", "claim": [claims[0].pk, claims[2].pk]},
    )
    batch = Batch.objects.get()
    assert list(batch.members.values_list("claim_id", flat=True)) == [claims[0].pk, claims[2].pk]


def test_the_batch_page_makes_a_constant_number_of_queries(outage, reviewer):
    from django.test import Client

    template = submitted_claim(slots=((15, 8, 0, 15, 10, 0),), cancelled=())
    small = batch_create(name="small", reviewer=reviewer, claims=[template.pk])
    batch_freeze(batch=small, reviewer=reviewer)
    clones = clone_claims(template, 60)
    large = batch_create(
        name="large", reviewer=reviewer, claims=[template.pk] + [c.pk for c in clones]
    )
    batch_freeze(batch=large, reviewer=reviewer)
    batch_output_start(batch=large, kind="zip", user=reviewer, language="en")
    client = Client()
    client.force_login(reviewer)
    counts = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("review:batch", args=[batch.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Decimal(counts[1]) <= 14


def test_a_reviewer_cannot_import_into_the_calendar(reviewer_client):
    assert reviewer_client.get(reverse("outages:import_upload")).status_code == 404
    assert reviewer_client.post(reverse("outages:import_upload")).status_code == 404


def test_the_claim_review_page_makes_a_constant_number_of_queries(claim, reviewer, client):
    client.force_login(reviewer)
    url = reverse("review:claim", args=[claim.pk])
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for decision, reason in [
        (Decision.REQUEST_INFO, ReasonCode.MISSING_DETAILS),
        (Decision.REJECT, ReasonCode.NO_REPLY),
        (Decision.APPROVE, ReasonCode.FLAGS_EXPLAINED),
    ]:
        claim_decide(
            claim=claim,
            reviewer=reviewer,
            decision=decision,
            reason_code=reason,
            text="Reconsidered.",
        )
    batch_create(name="A", reviewer=reviewer, claims=[claim.pk])
    batch_create(name="B", reviewer=reviewer, claims=[claim.pk])
    with CaptureQueriesContext(connection) as later:
        response = client.get(url)
    assert len(response.context["review"].audit) == 3
    assert len(later) == len(first)


def test_the_batch_list_makes_a_constant_number_of_queries(claim, reviewer, client):
    client.force_login(reviewer)
    batch_create(name="first", reviewer=reviewer, claims=[claim.pk])
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("review:batches"))
    for n in range(5):
        batch_create(name=f"more {n}", reviewer=reviewer, claims=[claim.pk])
    with CaptureQueriesContext(connection) as later:
        response = client.get(reverse("review:batches"))
    assert "more 4" in response.content.decode()
    assert len(later) == len(first)
