"""Decisions on claims (claims/review/services/decisions.py): approve, reject, request information,
the cure window, resubmission keeping the earlier version, bulk decisions and the
append-only audit trail."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from factories_review import (
    at,
    declare_slot,
    recip_e_outage,
    services,
    submitted_claim,
    use_fast_dossiers,
)

from claims.models import (
    AuditAction,
    AuditEntry,
    Claim,
    ClaimDecision,
    ClaimStatus,
    ClaimVersion,
    Decision,
    ReasonCode,
)
from claims.review.services.decisions import claim_decide, claim_resubmit, claims_decide_bulk
from claims.services.declarations import slot_create

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


def decide(claim, reviewer, decision, reason=None, text="Checked against the calendar.", **kw):
    if reason is None:
        reason = {
            Decision.APPROVE: ReasonCode.CONSISTENT,
            Decision.REJECT: ReasonCode.NO_VERIFIED_OUTAGE,
            Decision.REQUEST_INFO: ReasonCode.MISSING_DETAILS,
        }[decision]
    return claim_decide(
        claim=claim, reviewer=reviewer, decision=decision, reason_code=reason, text=text, **kw
    )


def test_approving_sets_the_status_and_keeps_the_reason(claim, reviewer):
    record = decide(claim, reviewer, Decision.APPROVE)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    assert (record.reason_code, record.text) == ("consistent", "Checked against the calendar.")
    assert record.cure_deadline is None


def test_rejecting_sets_the_status(claim, reviewer):
    decide(claim, reviewer, Decision.REJECT)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED


def test_every_decision_needs_a_reason_code_and_a_text(claim, reviewer):
    with pytest.raises(ValidationError) as missing_code:
        decide(claim, reviewer, Decision.APPROVE, reason="")
    assert "reason_code" in missing_code.value.message_dict
    with pytest.raises(ValidationError) as missing_text:
        decide(claim, reviewer, Decision.REJECT, text="   ")
    assert "text" in missing_text.value.message_dict
    with pytest.raises(ValidationError) as wrong_code:
        decide(claim, reviewer, Decision.APPROVE, reason=ReasonCode.DUPLICATE)
    assert "reason_code" in wrong_code.value.message_dict
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert not ClaimDecision.objects.exists()
    assert not AuditEntry.objects.exists()


def test_a_doctor_cannot_decide(claim):
    with pytest.raises(ValidationError):
        decide(claim, claim.doctor.user, Decision.APPROVE)


def test_a_draft_cannot_be_decided_on(claim, reviewer):
    Claim.objects.filter(pk=claim.pk).update(status=ClaimStatus.DRAFT)
    with pytest.raises(ValidationError):
        decide(claim, reviewer, Decision.APPROVE)


def test_a_decision_writes_an_audit_entry_with_before_and_after(claim, reviewer):
    decide(claim, reviewer, Decision.REJECT)
    (entry,) = AuditEntry.objects.all()
    assert entry.actor == reviewer
    assert entry.action == AuditAction.DECISION
    assert entry.before["status"] == "submitted"
    assert entry.after["status"] == "rejected"
    assert entry.after["reason_code"] == "no_verified_outage"
    assert entry.after["total"] == entry.before["total"] == format(claim.total, "f")


def test_the_audit_trail_is_append_only(claim, reviewer):
    decide(claim, reviewer, Decision.APPROVE)
    entry = AuditEntry.objects.get()
    entry.after = {"status": "rejected"}
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        AuditEntry.objects.update(after={})
    with pytest.raises(ValidationError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().after["status"] == "approved"


def test_a_request_for_information_opens_a_cure_window(claim, reviewer, settings):
    settings.CURE_WINDOW_DAYS = 30
    now = timezone.now()
    record = decide(claim, reviewer, Decision.REQUEST_INFO, now=now)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.INFO_REQUESTED
    assert record.cure_deadline == now + timedelta(days=30)


def test_the_cure_window_is_a_setting(claim, reviewer, settings):
    settings.CURE_WINDOW_DAYS = 7
    now = timezone.now()
    assert decide(claim, reviewer, Decision.REQUEST_INFO, now=now).cure_deadline == now + (
        timedelta(days=7)
    )


def test_declarations_unlock_during_the_cure_window_only(claim, reviewer, doctor):
    slot = dict(doctor=doctor, start=at(16, 8), end=at(16, 9), services=services("recip-e"))
    with pytest.raises(ValidationError):
        slot_create(**slot)  # locked: the claim is submitted
    decide(claim, reviewer, Decision.REQUEST_INFO)
    created = slot_create(**slot)  # the request for information reopens the period
    assert created.pk
    # After the deadline the period is locked again.
    ClaimDecision.objects.update(cure_deadline=timezone.now() - timedelta(minutes=1))
    with pytest.raises(ValidationError):
        slot_create(doctor=doctor, start=at(17, 8), end=at(17, 9), services=services("recip-e"))


def test_a_resubmission_keeps_the_earlier_version(claim, reviewer, doctor):
    first_total, first_snapshot = claim.total, claim.snapshot
    first_dossier, first_sha = claim.dossier.name, claim.dossier_sha256
    decide(claim, reviewer, Decision.REQUEST_INFO)
    # The doctor declares the rest of the outage they had forgotten: 09:00–11:00.
    declare_slot(doctor, at(15, 9), at(15, 11))
    resubmitted = claim_resubmit(claim=claim, user=doctor.user, declaration_accepted=True)
    assert resubmitted.status == ClaimStatus.SUBMITTED
    assert resubmitted.total > first_total
    assert resubmitted.lost_minutes == 180
    (version,) = ClaimVersion.objects.filter(claim=claim)
    assert version.number == 1
    assert version.total == first_total
    assert version.snapshot == first_snapshot
    assert (version.dossier.name, version.dossier_sha256) == (first_dossier, first_sha)
    assert version.dossier.storage.exists(version.dossier.name)
    assert resubmitted.dossier.name != first_dossier or not resubmitted.dossier
    entry = AuditEntry.objects.filter(action=AuditAction.RESUBMISSION).get()
    assert entry.actor == doctor.user
    assert entry.before["total"] == format(first_total, "f")
    assert entry.after["total"] == format(resubmitted.total, "f")
    assert (entry.before["version"], entry.after["version"]) == (1, 2)
    # The period is locked again once resubmitted.
    with pytest.raises(ValidationError):
        declare_slot(doctor, at(18, 8), at(18, 9))


def test_a_resubmission_after_the_window_is_refused(claim, reviewer, doctor):
    decide(claim, reviewer, Decision.REQUEST_INFO, now=timezone.now() - timedelta(days=31))
    with pytest.raises(ValidationError) as refused:
        claim_resubmit(claim=claim, user=doctor.user, declaration_accepted=True)
    assert "can no longer be resubmitted" in refused.value.messages[0]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.INFO_REQUESTED
    assert not ClaimVersion.objects.exists()


def test_only_a_claim_waiting_for_information_can_be_resubmitted(claim, doctor, reviewer):
    with pytest.raises(ValidationError):
        claim_resubmit(claim=claim, user=doctor.user, declaration_accepted=True)
    decide(claim, reviewer, Decision.APPROVE)
    with pytest.raises(ValidationError):
        claim_resubmit(claim=claim, user=doctor.user, declaration_accepted=True)


def test_only_the_doctor_resubmits_and_only_with_the_declaration(claim, reviewer, other_doctor):
    decide(claim, reviewer, Decision.REQUEST_INFO)
    with pytest.raises(ValidationError):
        claim_resubmit(claim=claim, user=other_doctor.user, declaration_accepted=True)
    with pytest.raises(ValidationError):
        claim_resubmit(claim=claim, user=claim.doctor.user, declaration_accepted=False)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.INFO_REQUESTED
    assert not ClaimVersion.objects.exists()


def test_bulk_decisions_write_one_audit_entry_per_claim(reviewer):
    recip_e_outage()
    claims = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(4)]
    outcome = claims_decide_bulk(
        claims=claims,
        reviewer=reviewer,
        decision=Decision.APPROVE,
        reason_code=ReasonCode.CONSISTENT,
        text="Batch checked.",
    )
    assert len(outcome.decided) == 4
    assert sorted(AuditEntry.objects.values_list("claim_id", flat=True)) == sorted(
        c.pk for c in claims
    )
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.APPROVED}


def test_a_bulk_decision_without_reason_changes_nothing(reviewer):
    recip_e_outage()
    claims = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(2)]
    with pytest.raises(ValidationError):
        claims_decide_bulk(
            claims=claims,
            reviewer=reviewer,
            decision=Decision.REJECT,
            reason_code="",
            text="",
        )
    assert not AuditEntry.objects.exists()
    assert set(Claim.objects.values_list("status", flat=True)) == {ClaimStatus.SUBMITTED}


def test_a_bulk_decision_is_all_or_nothing(reviewer):
    recip_e_outage()
    claims = [submitted_claim(slots=((15, 8, 0, 15, 9, 0),), cancelled=()) for _ in range(2)]
    Claim.objects.filter(pk=claims[1].pk).update(status=ClaimStatus.DRAFT)
    with pytest.raises(ValidationError):
        claims_decide_bulk(
            claims=claims,
            reviewer=reviewer,
            decision=Decision.APPROVE,
            reason_code=ReasonCode.CONSISTENT,
            text="ok",
        )
    assert not AuditEntry.objects.exists()
    assert Claim.objects.get(pk=claims[0].pk).status == ClaimStatus.SUBMITTED
