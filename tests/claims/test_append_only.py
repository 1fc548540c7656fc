"""The audit trail and frozen claim versions cannot be rewritten, not even by a raw query of
the application's own database role (PostgreSQL triggers, claims/migrations/0005)."""

import pytest
from django.db import DatabaseError, connection, transaction
from factories_review import recip_e_outage, submitted_claim, use_fast_dossiers

from claims.models import AuditEntry, ClaimVersion, Decision, ReasonCode
from claims.review.services.decisions import claim_decide, claim_resubmit

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the append-only triggers are PostgreSQL's; SQLite has none",
    ),
]


@pytest.fixture
def trail(reviewer, monkeypatch):
    """A claim with an audit entry and an earlier version (asked for information, then
    corrected and resubmitted)."""
    use_fast_dossiers(monkeypatch)
    recip_e_outage()
    claim = submitted_claim()
    claim_decide(
        claim=claim,
        reviewer=reviewer,
        decision=Decision.REQUEST_INFO,
        reason_code=ReasonCode.MISSING_DETAILS,
        text="Please add the missing slot.",
    )
    claim_resubmit(claim=claim, user=claim.doctor.user, declaration_accepted=True)
    assert AuditEntry.objects.filter(claim=claim).exists()
    assert ClaimVersion.objects.filter(claim=claim).exists()
    return claim


def _raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE claims_auditentry SET after = '{}'",
        "DELETE FROM claims_auditentry",
        "UPDATE claims_claimversion SET total = 0",
        "DELETE FROM claims_claimversion",
    ],
)
def test_a_raw_update_or_delete_is_refused_by_the_database(trail, sql):
    before = (
        list(AuditEntry.objects.values_list("after", flat=True)),
        list(ClaimVersion.objects.values_list("total", flat=True)),
    )
    with pytest.raises(DatabaseError, match="append-only"):
        _raw(sql)
    after = (
        list(AuditEntry.objects.values_list("after", flat=True)),
        list(ClaimVersion.objects.values_list("total", flat=True)),
    )
    assert after == before


def test_new_entries_can_still_be_added(trail, reviewer):
    count = AuditEntry.objects.count()
    claim_decide(
        claim=trail,
        reviewer=reviewer,
        decision=Decision.APPROVE,
        reason_code=ReasonCode.CONSISTENT,
        text="Complete.",
    )
    assert AuditEntry.objects.count() == count + 1
