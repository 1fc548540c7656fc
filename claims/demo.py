"""Demo accounts for `manage.py seed_demo` (never used by migrations or tests' fixtures)."""

from datetime import date, datetime, timedelta

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.permissions import REVIEWERS_GROUP
from claims.models import AffectedSlot, Claim, Consultation, Doctor, User
from claims.selectors import locked_period_for, locked_periods, nomenclature_fee_on
from claims.services.claims import claim_get_or_create_draft
from outages.intervals import BRUSSELS
from outages.models import Service

DEMO_PASSWORD = "demo-2024-ehealth"

DEMO_DOCTOR = {
    "email": "doctor@example.org",
    "first_name": "Anne",
    "last_name": "Dupont",
    "language": "fr",
    "riziv": "12345678004",
}
DEMO_REVIEWER = {"email": "reviewer@example.org", "first_name": "Luc", "last_name": "Peeters"}
DEMO_ADMIN = {"email": "admin@example.org", "first_name": "Admin", "last_name": "ABSyM"}


@transaction.atomic
def seed_accounts() -> list[tuple[str, str, str]]:
    """Create or reset the three demo accounts; returns (role, e-mail, password) rows."""
    doctor_data = dict(DEMO_DOCTOR)
    riziv = doctor_data.pop("riziv")
    doctor_user = _upsert_user(doctor_data, is_staff=False, is_superuser=False)
    Doctor.objects.update_or_create(riziv=riziv, defaults={"user": doctor_user})

    reviewer = _upsert_user(DEMO_REVIEWER, is_staff=True, is_superuser=False)
    reviewer.groups.add(Group.objects.get(name=REVIEWERS_GROUP))

    _upsert_user(DEMO_ADMIN, is_staff=True, is_superuser=True)
    return [
        ("doctor", DEMO_DOCTOR["email"], DEMO_PASSWORD),
        ("reviewer", DEMO_REVIEWER["email"], DEMO_PASSWORD),
        ("admin", DEMO_ADMIN["email"], DEMO_PASSWORD),
    ]


def _upsert_user(data: dict, *, is_staff: bool, is_superuser: bool) -> User:
    fields = {k: v for k, v in data.items() if k != "email"}
    user, _created = User.objects.update_or_create(
        email=data["email"], defaults={**fields, "is_staff": is_staff, "is_superuser": is_superuser}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


# --- the demo doctor's declarations (January 2024, over outages.demo's calendar) -------------

# day, start, end, services, note
DEMO_SLOTS = [
    (
        9,
        (8, 30),
        (12, 30),
        ("recip-e", "mycarenet"),
        "Recip-e and MyCarenet down, paper prescriptions",
    ),
    (15, (8, 0), (13, 0), ("recip-e",), "Monday morning: no electronic prescription"),
    (
        17,
        (10, 0),
        (11, 0),
        ("ehealth-auth",),
        "eHealth login failed (not in the official calendar)",
    ),
    (22, (8, 0), (12, 0), ("mycarenet",), "MyCarenet down: no insurability check, no eGMD"),
    (24, (13, 30), (16, 0), ("recip-e", "mycarenet"), "Recip-e partly down, MyCarenet slow"),
]

# day, start, minutes, code, services, outcome (fee: the 2024 nomenclature's)
DEMO_CONSULTATIONS = [
    (9, (8, 40), 20, "101076", ("recip-e",), "completed"),
    (9, (9, 20), 20, "101076", ("recip-e",), "completed"),
    (9, (9, 45), 15, "101496", ("mycarenet", "dmg"), "cancelled"),
    (9, (10, 30), 20, "101076", ("mycarenet",), "unpaid"),
    (9, (11, 15), 20, "101076", ("recip-e", "mycarenet"), "completed"),
    (15, (8, 10), 20, "101076", ("recip-e",), "completed"),
    (15, (8, 35), 20, "101076", ("recip-e", "mycarenet"), "completed"),
    (15, (9, 0), 20, "101076", ("recip-e",), "cancelled"),
    (15, (9, 40), 15, "101533", ("dmg",), "postponed"),
    (15, (10, 20), 20, "101076", ("recip-e",), "completed"),
    (15, (12, 30), 20, "101076", ("recip-e",), "completed"),
    (22, (8, 30), 20, "101076", ("mycarenet",), "unpaid"),
    (22, (9, 0), 38, "103132", ("mycarenet", "recip-e"), "completed"),
    (22, (10, 0), 15, "101496", ("mycarenet", "dmg"), "postponed"),
    (24, (14, 10), 20, "101076", ("recip-e",), "completed"),
    (24, (15, 0), 20, "101076", ("mycarenet",), "completed"),
]


def _demo_moment(day: int, hour_minute: tuple[int, int]) -> datetime:
    return datetime(2024, 1, day, *hour_minute, tzinfo=BRUSSELS)


@transaction.atomic
def seed_declarations() -> tuple[int, int, Claim | None]:
    """Give the demo doctor slots and consultations in January 2024 over the demo calendar
    (outages.demo: incidents on 9, 15, 22 and 24 January), and a draft claim for the month.

    Idempotent: declarations are upserted by start and end (slots) or start and code
    (consultations). Once the demo doctor has submitted January, it is left alone, as
    any submitted claim. Returns (slots, consultations, claim).
    """
    doctor = Doctor.objects.get(riziv=DEMO_DOCTOR["riziv"])
    services = {service.slug: service for service in Service.objects.all()}
    locked = locked_periods(doctor=doctor)
    slots = consultations = 0
    for day, start, end, slugs, note in DEMO_SLOTS:
        start_at, end_at = _demo_moment(day, start), _demo_moment(day, end)
        if locked_period_for(start_at, locked):
            continue
        slot = AffectedSlot.objects.filter(doctor=doctor, start=start_at, end=end_at).first()
        slot = slot or AffectedSlot(doctor=doctor, start=start_at, end=end_at)
        slot.note = note
        slot.full_clean(validate_unique=False, validate_constraints=False)
        slot.save()
        slot.services.set([services[slug] for slug in slugs])
        slots += 1
    for day, start, minutes, code, slugs, outcome in DEMO_CONSULTATIONS:
        start_at = _demo_moment(day, start)
        if locked_period_for(start_at, locked):
            continue
        consultation = Consultation.objects.filter(
            doctor=doctor, start=start_at, code=code
        ).first() or Consultation(doctor=doctor, start=start_at, code=code)
        consultation.duration_minutes = minutes
        consultation.fee = nomenclature_fee_on(code=code, day=start_at.date())
        consultation.outcome = outcome
        consultation.full_clean(validate_unique=False, validate_constraints=False)
        consultation.save()
        consultation.services.set([services[slug] for slug in slugs])
        consultations += 1
    claim = None
    january = (date(2024, 1, 1), date(2024, 2, 1) - timedelta(days=1))
    if not any(p.first_day <= january[1] and january[0] <= p.last_day for p in locked):
        claim = claim_get_or_create_draft(doctor=doctor, first_day=january[0], last_day=january[1])
    return slots, consultations, claim
