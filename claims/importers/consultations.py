"""A doctor's consultations from CSV (an agenda export):
``start,duration_minutes,code,fee,services,outcome``, upsert by start and code; an empty
fee is the nomenclature's fee for the code on that day (interfaces.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from claims.importers.declarations import DeclarationImporter
from claims.importers.engine import ImportPreview, RowProblems, preview
from claims.importers.fields import parse_datetime, parse_fee, parse_minutes, parse_services
from claims.importers.vocabulary import parse_outcome
from claims.models import Consultation, Doctor, Outcome
from claims.selectors import fee_table
from claims.services.declarations import (
    consultation_time_errors,
    unknown_code_message,
    unknown_code_with_fee_warning,
)
from outages.intervals import BRUSSELS
from outages.models import Service

CODE_MAX_LENGTH = Consultation._meta.get_field("code").max_length


@dataclass(frozen=True)
class ConsultationRecord:
    start: datetime
    duration_minutes: int
    code: str
    fee: Decimal
    services: tuple[Service, ...]
    outcome: str

    @property
    def service_slugs(self) -> set[str]:
        return {service.slug for service in self.services}


class ConsultationImporter(DeclarationImporter):
    required_columns = ("start", "duration_minutes", "code", "services", "outcome")
    optional_columns = ("fee",)

    def prepare(self, rows):
        super().prepare(rows)
        self.fees = fee_table()

    def parse(self, cells):
        problems = []
        start = duration = fee = services = None
        try:
            start = parse_datetime(cells["start"])
        except ValueError as error:
            problems.append(("start", str(error)))
        try:
            duration = parse_minutes(cells["duration_minutes"])
        except ValueError as error:
            problems.append(("duration_minutes", str(error)))
        code = cells["code"].strip()
        if not code:
            problems.append(("code", _("A nomenclature code is required, e.g. 101076.")))
        elif len(code) > CODE_MAX_LENGTH or not code.isalnum():
            problems.append(("code", _("“%(code)s” is not a nomenclature code.") % {"code": code}))
        try:
            fee = parse_fee(cells.get("fee", ""))
        except ValueError as error:
            problems.append(("fee", str(error)))
        try:
            services = parse_services(cells["services"], self.known, required=False)
        except ValueError as error:
            problems.append(("services", str(error)))
        outcome = parse_outcome(cells["outcome"])
        if outcome is None:
            problems.append(
                (
                    "outcome",
                    _("“%(value)s” is not an outcome; use one of: %(outcomes)s.")
                    % {"value": cells["outcome"], "outcomes": ", ".join(Outcome.values)},
                )
            )
        if start is not None and duration is not None:
            errors = consultation_time_errors(start=start, duration_minutes=duration, now=self.now)
            for column, messages in errors.items():
                problems.extend((column, message) for message in messages)
        if start is not None and code and fee is None and not any(c == "fee" for c, _m in problems):
            fee = self.fees.fee(code, start.astimezone(BRUSSELS).date())
            if fee is None:
                problems.append(("fee", unknown_code_message(code, start)))
        if problems:
            raise RowProblems(problems)
        return ConsultationRecord(start, duration, code, fee, tuple(services), outcome)

    def warn(self, record):
        if self.fees.fee(record.code, record.start.astimezone(BRUSSELS).date()) is None:
            return [unknown_code_with_fee_warning(record.code, record.start)]
        return []

    def key(self, record):
        return (record.start, record.code)

    def key_label(self, record):
        return _("The consultation of %(start)s with code %(code)s") % {
            "start": formats.date_format(record.start.astimezone(BRUSSELS), "Y-m-d H:i"),
            "code": record.code,
        }

    def load_existing(self, records):
        if not records:
            return {}
        starts = [record.start for record in records]
        stored = Consultation.objects.filter(
            doctor=self.doctor, start__gte=min(starts), start__lte=max(starts)
        ).prefetch_related("services")
        return {(c.start, c.code): c for c in stored}

    def changes(self, record, existing):
        changed = []
        if record.duration_minutes != existing.duration_minutes:
            changed.append("duration_minutes")
        if record.fee != existing.fee:
            changed.append("fee")
        if record.service_slugs != {service.slug for service in existing.services.all()}:
            changed.append("services")
        if record.outcome != existing.outcome:
            changed.append("outcome")
        return changed

    def _fields(self, consultation, record):
        consultation.duration_minutes = record.duration_minutes
        consultation.fee = record.fee
        consultation.outcome = record.outcome
        consultation.full_clean(
            exclude=["doctor"], validate_unique=False, validate_constraints=False
        )

    def create(self, records):
        consultations = []
        for record in records:
            consultation = Consultation(doctor=self.doctor, start=record.start, code=record.code)
            self._fields(consultation, record)
            consultations.append(consultation)
        Consultation.objects.bulk_create(consultations)
        Through = Consultation.services.through
        Through.objects.bulk_create(
            [
                Through(consultation_id=consultation.pk, service_id=service.pk)
                for consultation, record in zip(consultations, records, strict=True)
                for service in record.services
            ]
        )

    def update(self, pairs):
        for record, consultation in pairs:
            self._fields(consultation, record)
            consultation.save(update_fields=["duration_minutes", "fee", "outcome", "updated_at"])
            consultation.services.set(record.services)


def consultations_preview(
    *,
    doctor: Doctor,
    data: bytes,
    now: datetime | None = None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> ImportPreview:
    return preview(
        ConsultationImporter(doctor=doctor, now=now), data, max_bytes=max_bytes, max_rows=max_rows
    )
