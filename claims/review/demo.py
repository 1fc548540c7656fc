"""Submitted demo claims for the legal team's workspace (``manage.py seed_demo``).

Six demo doctors (French and Dutch) with January 2024 declarations over the demo calendar
of outages.demo, each claim submitted through the claims feature's own services (so each
has its snapshot, stored dossier and consistency check), one approved and one waiting for
information. Some are made to raise flags, so the review list has something to show: a
slot at night, a long slot mostly outside the outages, consultations outside the slots.

Idempotent: a demo doctor whose January claim exists is left alone. Never used by tests.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from claims.demo import DEMO_DOCTOR, DEMO_PASSWORD, DEMO_REVIEWER
from claims.models import (
    AffectedSlot,
    Claim,
    Consultation,
    Decision,
    Doctor,
    ReasonCode,
    User,
)
from claims.review.services.decisions import claim_decide
from claims.selectors import nomenclature_fee_on
from claims.services.claims import claim_file
from outages.demo import DEMO_REFERENCE_PREFIX
from outages.intervals import BRUSSELS
from outages.models import Incident, Service

JANUARY = (date(2024, 1, 1), date(2024, 1, 31))

# e-mail, first name, last name, language, RIZIV, slots, consultations, decision
# slots: (day, (h, m), (h, m), services); consultations: (day, (h, m), minutes, code,
# services, outcome)
DEMO_REVIEW_DOCTORS = [
    (
        "bart.janssens@example.org",
        "Bart",
        "Janssens",
        "nl",
        "10000000017",
        [(15, (8, 0), (12, 0), ("recip-e",)), (22, (8, 30), (11, 30), ("mycarenet",))],
        [(15, (9, 0), 20, "101076", ("recip-e",), "cancelled")],
        Decision.APPROVE,
    ),
    (
        "claire.lambert@example.org",
        "Claire",
        "Lambert",
        "fr",
        "10000000025",
        [(9, (8, 0), (18, 0), ("recip-e", "mycarenet"))],
        [(9, (9, 30), 20, "101076", ("recip-e",), "completed")],
        Decision.REQUEST_INFO,
    ),
    (
        "pieter.claes@example.org",
        "Pieter",
        "Claes",
        "nl",
        "10000000033",
        [(15, (6, 0), (9, 0), ("recip-e",)), (24, (14, 0), (15, 0), ("recip-e",))],
        [(15, (8, 20), 20, "101076", ("recip-e",), "unpaid")],
        None,
    ),
    (
        "sophie.dubois@example.org",
        "Sophie",
        "Dubois",
        "fr",
        "10000000041",
        [(22, (9, 0), (10, 0), ("mycarenet",))],
        [
            (22, (10, 30), 15, "101496", ("mycarenet", "dmg"), "cancelled"),
            (22, (11, 0), 20, "101076", ("mycarenet",), "unpaid"),
        ],
        None,
    ),
    (
        "emma.wouters@example.org",
        "Emma",
        "Wouters",
        "nl",
        "10000000059",
        [(15, (8, 0), (13, 0), ("recip-e",)), (24, (13, 30), (16, 0), ("recip-e",))],
        [(15, (10, 0), 20, "101076", ("recip-e",), "completed")],
        None,
    ),
    (
        "julien.renard@example.org",
        "Julien",
        "Renard",
        "fr",
        "10000000067",
        [(9, (8, 30), (12, 30), ("recip-e",))],
        [(9, (10, 0), 20, "101076", ("recip-e",), "cancelled")],
        None,
    ),
]


def _at(day: int, hour_minute: tuple[int, int]) -> datetime:
    return datetime(2024, 1, day, *hour_minute, tzinfo=BRUSSELS)


def _can_seed() -> bool:
    """Only over the demo data: the demo doctor with declarations and the demo calendar."""
    return (
        AffectedSlot.objects.filter(doctor__riziv=DEMO_DOCTOR["riziv"]).exists()
        and Incident.objects.filter(reference__startswith=DEMO_REFERENCE_PREFIX).exists()
    )


@transaction.atomic
def _seed_doctor(row, services, reviewer) -> bool:
    email, first, last, language, riziv, slots, consultations, decision = row
    user, _created = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last, "language": language}
    )
    if _created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    doctor, _created = Doctor.objects.get_or_create(riziv=riziv, defaults={"user": user})
    if Claim.objects.filter(doctor=doctor, period_start=JANUARY[0], period_end=JANUARY[1]).exists():
        return False
    for day, start, end, slugs in slots:
        slot, _new = AffectedSlot.objects.get_or_create(
            doctor=doctor, start=_at(day, start), end=_at(day, end)
        )
        slot.services.set([services[slug] for slug in slugs])
    for day, start, minutes, code, slugs, outcome in consultations:
        moment = _at(day, start)
        consultation, _new = Consultation.objects.get_or_create(
            doctor=doctor,
            start=moment,
            code=code,
            defaults={
                "duration_minutes": minutes,
                "fee": nomenclature_fee_on(code=code, day=moment.date()),
                "outcome": outcome,
            },
        )
        consultation.services.set([services[slug] for slug in slugs])
    claim = claim_file(
        doctor=doctor,
        first_day=JANUARY[0],
        last_day=JANUARY[1],
        user=user,
        declaration_accepted=True,
    )
    if decision == Decision.APPROVE:
        claim_decide(
            claim=claim,
            reviewer=reviewer,
            decision=decision,
            reason_code=ReasonCode.CONSISTENT,
            text="Slots and consultations match the official calendar.",
        )
    elif decision == Decision.REQUEST_INFO:
        claim_decide(
            claim=claim,
            reviewer=reviewer,
            decision=decision,
            reason_code=ReasonCode.UNVERIFIED_TIME,
            text="Your slot of 9 January covers the whole day: please declare the hours "
            "when you actually could not work.",
        )
    return True


def seed_review() -> int | None:
    """Submit the demo doctors' January claims; returns how many were created now, or None
    when the demo data they build on is missing."""
    if not _can_seed():
        return None
    reviewer = User.objects.filter(email=DEMO_REVIEWER["email"]).first()
    if reviewer is None:
        return None
    services = {service.slug: service for service in Service.objects.all()}
    return sum(_seed_doctor(row, services, reviewer) for row in DEMO_REVIEW_DOCTORS)
