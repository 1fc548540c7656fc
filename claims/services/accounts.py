from django.db import transaction

from claims.models import Doctor, User
from claims.riziv import normalize_riziv


@transaction.atomic
def doctor_register(
    *, email: str, password: str | None, first_name: str, last_name: str, riziv: str, language: str
) -> Doctor:
    """Create a doctor's account and profile together, or neither."""
    user = User(email=email.lower(), first_name=first_name, last_name=last_name, language=language)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    doctor = Doctor(user=user, riziv=normalize_riziv(riziv))
    doctor.full_clean()
    doctor.save()
    return doctor


@transaction.atomic
def doctor_update_profile(
    *, doctor: Doctor, first_name: str, last_name: str, language: str
) -> Doctor:
    user = doctor.user
    user.first_name, user.last_name, user.language = first_name, last_name, language
    user.full_clean()
    user.save(update_fields=["first_name", "last_name", "language"])
    return doctor
