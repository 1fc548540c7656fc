from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from claims.models import Doctor, User
from claims.riziv import normalize_riziv

EMAIL_TAKEN = _("An account already uses this e-mail address. Log in or reset your password.")
RIZIV_TAKEN = _(
    "This RIZIV/INAMI number is already registered. If it is yours, log in or reset your password."
)


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
    # Two sign-ups with the same address or number at once both pass full_clean(); the
    # unique index decides, and the loser gets the form's message rather than a 500.
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"email": [EMAIL_TAKEN]}) from None
    doctor = Doctor(user=user, riziv=normalize_riziv(riziv))
    doctor.full_clean()
    try:
        with transaction.atomic():
            doctor.save()
    except IntegrityError:
        raise ValidationError({"riziv": [RIZIV_TAKEN]}) from None
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


def doctors_invite(*, emails: Iterable[str]) -> int:
    """E-mail an invitation to choose a first password to each of these doctors who has
    none yet (imported by an admin, never logged in); returns how many were sent."""
    users = User.objects.filter(
        email__in=[email.lower() for email in emails], is_active=True, doctor__isnull=False
    )
    sent = 0
    for user in users:
        if user.has_usable_password():
            continue
        link = settings.SITE_URL + reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        with translation.override(user.language):
            context = {"user": user, "link": link, "site_url": settings.SITE_URL}
            subject = render_to_string("registration/invitation_subject.txt", context)
            body = render_to_string("registration/invitation_email.txt", context)
        send_mail(" ".join(subject.split()), body, None, [user.email])
        sent += 1
    return sent
