"""Members onboarded by an admin: ``riziv,first_name,last_name,email,language``, upsert by
RIZIV (interfaces.md). New accounts get no password: the doctor sets one through
"Forgot your password?"."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.services import doctor_register
from claims.importers.engine import Importer, ImportPreview, RowProblems, preview
from claims.models import Doctor, Language, User
from claims.riziv import format_riziv, normalize_riziv, validate_riziv

NAME_MAX_LENGTH = User._meta.get_field("first_name").max_length


@dataclass(frozen=True)
class DoctorRecord:
    riziv: str
    first_name: str
    last_name: str
    email: str
    language: str


class DoctorImporter(Importer):
    required_columns = ("riziv", "first_name", "last_name", "email")
    optional_columns = ("language",)

    def prepare(self, rows):
        self.emails_seen: set[str] = set()

    def parse(self, cells):
        problems = []
        riziv = normalize_riziv(cells["riziv"])
        try:
            validate_riziv(riziv)
        except ValidationError as error:
            problems.append(("riziv", str(error.messages[0])))
        names = {}
        for column in ("first_name", "last_name"):
            value = cells[column].strip()
            if not value:
                problems.append((column, _("This column may not be empty.")))
            elif len(value) > NAME_MAX_LENGTH:
                problems.append((column, _("This name is too long.")))
            names[column] = value
        email = cells["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                ("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
            )
        else:
            if email in self.emails_seen:
                problems.append(("email", _("This e-mail address appears twice in the file.")))
            self.emails_seen.add(email)
        language = (cells.get("language") or "fr").strip().lower()
        if language not in Language.values:
            problems.append(
                (
                    "language",
                    _("“%(value)s” is not a language; use fr, nl or en.") % {"value": language},
                )
            )
        if problems:
            raise RowProblems(problems)
        return DoctorRecord(riziv, names["first_name"], names["last_name"], email, language)

    def key(self, record):
        return record.riziv

    def key_label(self, record):
        return _("RIZIV/INAMI number %(riziv)s") % {"riziv": format_riziv(record.riziv)}

    def load_existing(self, records):
        doctors = Doctor.objects.filter(riziv__in=[r.riziv for r in records]).select_related("user")
        # Who already holds each e-mail address of the file (one query).
        self.email_owners = dict(
            User.objects.filter(email__in=[r.email for r in records]).values_list("email", "pk")
        )
        return {doctor.riziv: doctor for doctor in doctors}

    def changes(self, record, existing):
        user = existing.user
        return [
            name
            for name in ("first_name", "last_name", "email", "language")
            if getattr(record, name) != getattr(user, name)
        ]

    def refuse(self, record, status, existing):
        owner = self.email_owners.get(record.email)
        if owner is not None and (existing is None or existing.user_id != owner):
            return [("email", _("Another account already uses this e-mail address."))]
        return []

    def create(self, records):
        for record in records:
            doctor_register(
                email=record.email,
                password=None,
                first_name=record.first_name,
                last_name=record.last_name,
                riziv=record.riziv,
                language=record.language,
            )

    def update(self, pairs):
        for record, doctor in pairs:
            user = doctor.user
            user.first_name = record.first_name
            user.last_name = record.last_name
            user.email = record.email
            user.language = record.language
            user.full_clean()
            user.save(update_fields=["first_name", "last_name", "email", "language"])


def doctors_preview(
    *, data: bytes, max_bytes: int | None = None, max_rows: int | None = None
) -> ImportPreview:
    return preview(DoctorImporter(), data, max_bytes=max_bytes, max_rows=max_rows)
