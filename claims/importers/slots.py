"""A doctor's affected time slots from CSV: ``start,end,services,note``, upsert by
start and end (interfaces.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats
from django.utils.translation import gettext as _

from claims.importers.declarations import DeclarationImporter
from claims.importers.engine import ImportPreview, RowProblems, preview
from claims.importers.fields import parse_datetime, parse_services
from claims.models import AffectedSlot, Doctor
from claims.services.declarations import slot_time_errors
from outages.intervals import BRUSSELS
from outages.models import Service

NOTE_MAX_LENGTH = AffectedSlot._meta.get_field("note").max_length


@dataclass(frozen=True)
class SlotRecord:
    start: datetime
    end: datetime
    services: tuple[Service, ...]
    note: str

    @property
    def service_slugs(self) -> set[str]:
        return {service.slug for service in self.services}


def _local(moment: datetime) -> str:
    return formats.date_format(moment.astimezone(BRUSSELS), "Y-m-d H:i")


class SlotImporter(DeclarationImporter):
    required_columns = ("start", "end", "services")
    optional_columns = ("note",)

    def parse(self, cells):
        problems = []
        start = end = services = None
        try:
            start = parse_datetime(cells["start"])
        except ValueError as error:
            problems.append(("start", str(error)))
        try:
            end = parse_datetime(cells["end"])
        except ValueError as error:
            problems.append(("end", str(error)))
        try:
            services = parse_services(cells["services"], self.known, required=True)
        except ValueError as error:
            problems.append(("services", str(error)))
        note = cells.get("note", "")
        if len(note) > NOTE_MAX_LENGTH:
            problems.append(
                ("note", _("A note has at most %(max)s characters.") % {"max": NOTE_MAX_LENGTH})
            )
        if start and end:
            for column, messages in slot_time_errors(start=start, end=end, now=self.now).items():
                problems.extend((column, message) for message in messages)
        if problems:
            raise RowProblems(problems)
        return SlotRecord(start, end, tuple(services), note)

    def key(self, record):
        return (record.start, record.end)

    def key_label(self, record):
        return _("The slot %(start)s – %(end)s") % {
            "start": _local(record.start),
            "end": _local(record.end),
        }

    def load_existing(self, records):
        if not records:
            return {}
        starts = [record.start for record in records]
        stored = AffectedSlot.objects.filter(
            doctor=self.doctor, start__gte=min(starts), start__lte=max(starts)
        ).prefetch_related("services")
        return {(slot.start, slot.end): slot for slot in stored}

    def changes(self, record, existing):
        changed = []
        if record.service_slugs != {service.slug for service in existing.services.all()}:
            changed.append("services")
        if record.note != existing.note:
            changed.append("note")
        return changed

    def create(self, records):
        slots = [
            AffectedSlot(doctor=self.doctor, start=r.start, end=r.end, note=r.note) for r in records
        ]
        for slot in slots:
            # Uniqueness was checked for the whole file at once; the doctor is known.
            slot.full_clean(exclude=["doctor"], validate_unique=False, validate_constraints=False)
        AffectedSlot.objects.bulk_create(slots)
        Through = AffectedSlot.services.through
        Through.objects.bulk_create(
            [
                Through(affectedslot_id=slot.pk, service_id=service.pk)
                for slot, record in zip(slots, records, strict=True)
                for service in record.services
            ]
        )

    def update(self, pairs):
        for record, slot in pairs:
            slot.note = record.note
            slot.full_clean(exclude=["doctor"], validate_unique=False, validate_constraints=False)
            slot.save(update_fields=["note", "updated_at"])
            slot.services.set(record.services)


def slots_preview(
    *,
    doctor: Doctor,
    data: bytes,
    now: datetime | None = None,
    max_bytes: int | None = None,
    max_rows: int | None = None,
) -> ImportPreview:
    return preview(
        SlotImporter(doctor=doctor, now=now), data, max_bytes=max_bytes, max_rows=max_rows
    )
