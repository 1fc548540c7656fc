"""The review page as a newcomer to the legal team walks it (issue 14): the declarations and
each flag's evidence on the page, previous/next within the list's filter, a mismatched
reason re-shown as a message (never an error page), the reason list narrowed to the chosen
decision, and a bulk decision that says which claims were already in that state."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers

from claims.models import Batch, ClaimDecision, ClaimStatus, Decision, ReasonCode
from claims.review.services.decisions import claim_decide

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    use_fast_dossiers(monkeypatch)


@pytest.fixture
def english(client, reviewer):
    client.cookies["django_language"] = "en"
    client.force_login(reviewer)
    return client


@pytest.fixture
def claims():
    recip_e_outage()
    # A slot on Saturday 13 January at night and a cancelled consultation outside every slot.
    weekend = submitted_claim(
        slots=((13, 22, 0, 13, 23, 0), (15, 8, 0, 15, 9, 0)), cancelled=((15, 10, 0),)
    )
    others = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(2)]
    return [weekend, *others]


def test_the_review_page_shows_the_declarations_and_the_flags_evidence(claims, english):
    page = english.get(reverse("review:claim", args=[claims[0].pk])).content.decode()
    slots = page[page.index('id="review-slot-table"') :]
    assert "Sat 13/01/2024 22:00" in slots  # Brussels time, day first
    assert "Night or weekend" in slots
    consultations = page[page.index('id="review-consultation-table"') :]
    assert "Mon 15/01/2024 10:00" in consultations
    assert "Outside every declared slot" in consultations
    assert "Cancelled" in consultations
    assert 'href="#review-slots"' in page and 'href="#review-consultations"' in page
    # Read-only: no form to change a declaration.
    assert "/claims/slots/" not in page


def test_previous_and_next_walk_the_filtered_list_in_its_order(claims, english):
    ids = sorted(claim.pk for claim in claims)
    query = "status=submitted&sort=id"
    middle = english.get(reverse("review:claim", args=[ids[1]]) + "?" + query)
    assert middle.context["neighbours"].previous_id == ids[0]
    assert middle.context["neighbours"].next_id == ids[2]
    page = middle.content.decode()
    assert "2 of 3 in the list" in page
    assert f'href="/claims/review/claims/{ids[2]}/?{query.replace("&", "&amp;")}"' in page

    # Another order, another neighbour; a filter that leaves this claim out, none.
    reversed_order = english.get(reverse("review:claim", args=[ids[1]]), {"sort": "-id"})
    assert reversed_order.context["neighbours"].next_id == ids[0]
    approved = english.get(reverse("review:claim", args=[ids[1]]), {"status": "approved"})
    assert approved.context["neighbours"].previous_id is None
    assert approved.context["neighbours"].next_id is None


def test_the_review_page_makes_a_constant_number_of_queries(claims, english):
    url = reverse("review:claim", args=[claims[0].pk])
    with CaptureQueriesContext(connection) as few:
        english.get(url, {"status": "submitted", "sort": "-total"})
    for _ in range(3):
        submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=((15, 8, 30),))
    with CaptureQueriesContext(connection) as more:
        english.get(url, {"status": "submitted", "sort": "-total"})
    assert len(more) == len(few)
    # Pinned at 13: previous/next added two (the list's services for its filter form, and
    # the neighbours' window query) to the 11 the page made before.
    assert len(more) <= 13


def test_a_reason_of_another_decision_reshows_the_form_with_a_message(claims, english):
    response = english.post(
        reverse("review:decide", args=[claims[0].pk]) + "?sort=id",
        {"decision": "approve", "reason_code": "duplicate", "text": "Seen."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The decision was not recorded" in page
    assert "This reason does not fit this decision." in page
    assert "Seen." in page  # what the reviewer wrote is kept
    assert not ClaimDecision.objects.exists()


def test_a_decision_returns_to_the_claim_within_the_list(claims, english):
    response = english.post(
        reverse("review:decide", args=[claims[0].pk]) + "?status=submitted&sort=id",
        {"decision": "approve", "reason_code": "consistent", "text": "Fine."},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/claims/{claims[0].pk}/?status=submitted&sort=id")


def test_a_bulk_decision_names_the_claims_already_in_that_state(claims, english, reviewer):
    claim_decide(
        claim=claims[0],
        reviewer=reviewer,
        decision=Decision.APPROVE,
        reason_code=ReasonCode.CONSISTENT,
        text="Fine.",
    )
    response = english.post(
        reverse("review:bulk_decide"),
        {
            "claim": [c.pk for c in claims],
            "decision": "approve",
            "reason_code": "consistent",
            "text": "Consistent.",
        },
    )
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    changed = ", ".join(f"#{c.pk}" for c in claims[1:])
    assert f"Decision recorded on 2 claims: {changed}." in notes
    assert f"Already “Approved”, left as they were: #{claims[0].pk}." in notes
    # One decision on the claim approved before, not two.
    assert ClaimDecision.objects.filter(claim=claims[0]).count() == 1
    assert {c.status for c in claims[0].__class__.objects.all()} == {ClaimStatus.APPROVED}


def test_a_batch_says_what_it_holds_by_status_and_asks_before_freezing_or_deleting(
    claims, english, reviewer
):
    claim_decide(
        claim=claims[1],
        reviewer=reviewer,
        decision=Decision.REJECT,
        reason_code=ReasonCode.DUPLICATE,
        text="Twice.",
    )
    english.post(reverse("review:batch_from_filter"), {"name": "Recip-e, January 2024"})
    batch = Batch.objects.get()
    page = english.get(reverse("review:batch", args=[batch.pk])).content.decode()
    statuses = page[page.index('id="batch-statuses"') :]
    assert "Submitted: <strong>2</strong>" in statuses
    assert "Rejected: <strong>1</strong>" in statuses
    assert 'id="batch-status-warning"' in statuses

    # Without the box ticked, nothing happens, and the page says why.
    response = english.post(reverse("review:batch_freeze", args=[batch.pk]), follow=True)
    assert "Tick the box to confirm the freezing" in response.content.decode()
    batch.refresh_from_db()
    assert not batch.is_frozen
    english.post(reverse("review:batch_delete", args=[batch.pk]))
    assert Batch.objects.filter(pk=batch.pk).exists()

    english.post(reverse("review:batch_freeze", args=[batch.pk]), {"confirm": "yes"})
    batch.refresh_from_db()
    assert batch.is_frozen
    export = english.get(reverse("review:batch_export_csv", args=[batch.pk]))
    expected = f'filename="batch-{batch.pk}-recip-e-january-2024.csv"'
    assert expected in export["Content-Disposition"]
