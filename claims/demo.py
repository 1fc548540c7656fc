"""Demo accounts for `manage.py seed_demo` (never used by migrations or tests' fixtures)."""

from django.contrib.auth.models import Group
from django.db import transaction

from claims.models import REVIEWERS_GROUP, Doctor, User

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
