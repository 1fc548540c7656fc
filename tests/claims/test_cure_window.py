"""The cure window in one place (claims/cure.py): the declaration lock (SQL), the
resubmission service, the resubmission page and the claim page's decision panel give the
same verdict on whether the doctor may still correct and resubmit."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers

from claims.cure import correction_open, correction_open_q
from claims.models import Claim, Decision, ReasonCode
from claims.review.services.decisions import claim_decide, claim_resubmit, open_request
from claims.selectors import locked_periods
from claims.templatetags.review_tags import claim_decision_panel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    use_fast_dossiers(monkeypatch)


@pytest.fixture
def claim(doctor):
    recip_e_outage()
    return submitted_claim(doctor, slots=((15, 8, 0, 15, 9, 0),), cancelled=())


def request_info(claim, reviewer, now):
    return claim_decide(
        claim=claim,
        reviewer=reviewer,
        decision=Decision.REQUEST_INFO,
        reason_code=ReasonCode.MISSING_DETAILS,
        text="Which consultations were postponed?",
        now=now,
    )


def verdicts(claim, now):
    """Every entry point's answer to "may the doctor still correct and resubmit?"."""
    claim = Claim.objects.get(pk=claim.pk)
    latest = claim.decisions.order_by("-created_at", "-id").first()
    in_sql = Claim.objects.filter(correction_open_q(now), pk=claim.pk).exists()
    return {
        "rule": correction_open(claim, open_request(claim), now),
        "sql": in_sql,
        "panel": correction_open(claim, latest, now),
    }


def test_python_and_sql_agree_before_at_and_after_the_deadline(claim, reviewer):
    now = timezone.now()
    assert verdicts(claim, now) == {"rule": False, "sql": False, "panel": False}
    record = request_info(claim, reviewer, now)
    deadline = record.cure_deadline
    assert verdicts(claim, deadline - timedelta(seconds=1)) == dict.fromkeys(
        ("rule", "sql", "panel"), True
    )
    assert verdicts(claim, deadline) == dict.fromkeys(("rule", "sql", "panel"), False)
    assert verdicts(claim, deadline + timedelta(days=1)) == dict.fromkeys(
        ("rule", "sql", "panel"), False
    )


def test_the_lock_the_panel_and_the_service_follow_the_window(claim, doctor, reviewer):
    request_info(claim, reviewer, timezone.now())
    # Open: the period is unlocked and the panel offers to correct and resubmit.
    assert locked_periods(doctor=doctor) == []
    panel = claim_decision_panel(Claim.objects.get(pk=claim.pk))["panel"]
    assert (panel["can_resubmit"], panel["window_closed"]) == (True, False)
    resubmitted = claim_resubmit(claim=claim, user=doctor.user, declaration_accepted=True)
    assert resubmitted.versions.count() == 1
    assert [period.claim_id for period in locked_periods(doctor=doctor)] == [claim.pk]


def test_after_the_deadline_everything_says_closed(claim, doctor, reviewer):
    long_ago = timezone.now() - timedelta(days=400)
    request_info(claim, reviewer, long_ago)
    assert [period.claim_id for period in locked_periods(doctor=doctor)] == [claim.pk]
    panel = claim_decision_panel(Claim.objects.get(pk=claim.pk))["panel"]
    assert (panel["can_resubmit"], panel["window_closed"]) == (False, True)
    with pytest.raises(ValidationError, match="can no longer be resubmitted"):
        claim_resubmit(claim=claim, user=doctor.user, declaration_accepted=True)
