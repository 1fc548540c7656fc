"""Decisions reach the doctor at once; cure-deadline reminders (D-7, D-1, the lapse notice)
and the legal team's digest come from the scheduler, once each, across restarts, with a
fake clock passed in as ``now``."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from factories_review import new_doctor, recip_e_outage, submitted_claim, use_fast_dossiers
from mail_servers import SITE, text_of

from claims.models import Claim, Decision, ReasonCode
from claims.review.services.decisions import claim_decide
from notifications.models import JobRun, NotificationPreference
from notifications.scheduler import scheduler_tick

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)  # a Monday, winter time


@pytest.fixture(autouse=True)
def _fast(monkeypatch):
    use_fast_dossiers(monkeypatch)


@pytest.fixture
def waiting_claim(reviewer, smtp, django_capture_on_commit_callbacks):
    """A claim whose doctor (English) was asked for information at T0."""
    recip_e_outage()
    claim = submitted_claim(new_doctor(language="en"))
    with django_capture_on_commit_callbacks(execute=True):
        decision = claim_decide(
            claim=claim,
            reviewer=reviewer,
            decision=Decision.REQUEST_INFO,
            reason_code=ReasonCode.MISSING_DETAILS,
            text="Please add the consultation codes.",
            now=T0,
        )
    return claim, decision


def _tick(when, capture):
    with capture(execute=True):
        return scheduler_tick(now=when)


def test_a_request_for_information_is_mailed_with_its_deadline_and_link(waiting_claim, smtp):
    claim, decision = waiting_claim
    [message] = smtp.to(claim.doctor.user.email)
    text = text_of(message)
    assert "Request information (Declarations incomplete)" in text
    assert "Please add the consultation codes." in text
    assert f"{SITE}/claims/resubmit/{claim.pk}/" in text
    # 30 days after 4 March 10:30 Brussels time: 3 April, 11:30 summer time.
    assert "3 April 2024 11:30" in text


def test_reminders_come_at_d7_and_d1_and_the_lapse_once_each_across_restarts(
    waiting_claim, smtp, django_capture_on_commit_callbacks
):
    claim, decision = waiting_claim
    deadline = decision.cure_deadline
    inbox = claim.doctor.user.email
    capture = django_capture_on_commit_callbacks

    def reminders():
        return [text_of(m) for m in smtp.to(inbox)[1:]]  # the first is the decision

    _tick(deadline - timedelta(days=8), capture)
    assert reminders() == []
    _tick(deadline - timedelta(days=7) + timedelta(minutes=5), capture)
    assert len(reminders()) == 1 and "Seven days left" in reminders()[0]
    _tick(deadline - timedelta(days=6), capture)  # a later hour: nothing new
    assert len(reminders()) == 1

    # The scheduler is restarted (a new process: only the database remembers).
    with capture(execute=True):
        call_command(
            "notifications_scheduler",
            "--once",
            "--now",
            (deadline - timedelta(hours=23)).isoformat(),
        )
    assert len(reminders()) == 2 and "One day left" in reminders()[1]
    with capture(execute=True):
        call_command(
            "notifications_scheduler",
            "--once",
            "--now",
            (deadline - timedelta(hours=2)).isoformat(),
        )
    assert len(reminders()) == 2

    _tick(deadline + timedelta(minutes=1), capture)
    _tick(deadline + timedelta(hours=5), capture)
    _tick(deadline + timedelta(days=3), capture)
    assert len(reminders()) == 3
    assert "has passed" in reminders()[2] and "can no longer be resubmitted" in reminders()[2]


def test_a_doctor_who_turned_reminders_off_still_hears_of_decisions(
    reviewer, smtp, django_capture_on_commit_callbacks
):
    recip_e_outage()
    claim = submitted_claim(new_doctor(language="fr"))
    NotificationPreference.objects.create(user=claim.doctor.user, reminders=False, figures=False)
    with django_capture_on_commit_callbacks(execute=True):
        decision = claim_decide(
            claim=claim,
            reviewer=reviewer,
            decision=Decision.REQUEST_INFO,
            reason_code=ReasonCode.MISSING_DETAILS,
            text="Merci de compléter.",
            now=T0,
        )
    _tick(decision.cure_deadline - timedelta(hours=2), django_capture_on_commit_callbacks)
    [message] = smtp.to(claim.doctor.user.email)
    assert message["Content-Language"] == "fr"
    assert "Le service juridique a statué" in text_of(message)


def test_the_reviewer_digest_is_opt_in_and_a_missed_day_is_caught_up_once(
    reviewer, smtp, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    day_one = datetime(2024, 3, 4, 6, 5, tzinfo=UTC)  # 07:05 Brussels
    _tick(day_one, capture)
    assert JobRun.objects.get(job="reviewer-digest").last_slot == datetime(
        2024, 3, 4, 6, 0, tzinfo=UTC
    )
    NotificationPreference.objects.create(user=reviewer, reviewer_digest=True)
    reviewer.language = "en"
    reviewer.save(update_fields=["language"])
    recip_e_outage()
    claim = submitted_claim(new_doctor())
    # A submission inside the window, then the scheduler is down for three days.
    Claim.objects.filter(pk=claim.pk).update(submitted_at=day_one + timedelta(hours=2))
    ran = _tick(day_one + timedelta(days=3, hours=5), capture)
    assert "reviewer-digest" in ran
    [digest] = smtp.to(reviewer.email)
    assert "1 new, 0 resubmitted" in digest["Subject"]
    assert f"#{claim.pk}" in text_of(digest)
    # Caught up once, not once per missed day.
    assert "reviewer-digest" not in _tick(day_one + timedelta(days=3, hours=6), capture)
    assert len(smtp.to(reviewer.email)) == 1
