"""Importing incident files: compare, then write all or nothing (interfaces.md).

``incidents_import`` is the one engine behind ``manage.py import_outages``, the admin's
upload page and its background task. It validates every row, compares the rows with the
database in bulk (a few queries per thousand rows, never one per row), and either writes
everything in one transaction or nothing. Every real import, applied or refused, leaves an
``ImportRecord`` with the raw file; a dry run (the preview) writes nothing at all.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from filestore.storage import store_bytes
from outages.formats import format_extensions, guess_format
from outages.importers import ImportIssue, IncidentRow, ServiceCatalogue, parse_incident_file
from outages.models import Impact, ImportRecord, Incident, IncidentChange, IncidentStatus, Service
from outages.open_incidents import old_open_incident_warnings
from outages.services.bulk_rows import rows_insert, rows_update
from outages.signals import calendar_change_announce

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
ERROR = "error"
SKIPPED = "skipped"

# The fields an import compares and writes, in the order the preview names changes.
_COMPARED_FIELDS = ("title", "start", "end", "impact", "status", "source_url", "description")


@dataclass(frozen=True, slots=True)
class RowFate:
    """What an import does (or would do) with one entry of the file."""

    line: int | None
    reference: str
    fate: str
    details: tuple[str, ...] = ()
    # How the row was read (Brussels times, services, impact, status), shown in the
    # preview so that the administrator checks the interpretation before confirming.
    parsed: tuple[tuple[str, str], ...] = ()
    # For a changed incident, each changed field with its value before and after.
    changes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "line": self.line,
            "reference": self.reference,
            "fate": self.fate,
            "details": list(self.details),
            "parsed": dict(self.parsed),
            "changes": list(self.changes),
        }


def _shown(name: str, value) -> str:
    """A compared field's value as the preview writes it."""
    if value is None or value == "":
        return "—" if name != "end" else str(_("ongoing"))
    if name in ("start", "end"):
        return f"{timezone.localtime(value):%d/%m/%Y %H:%M}"
    if name == "impact":
        return str(Impact(value).label) if value in Impact.values else value
    if name == "status":
        return str(IncidentStatus(value).label) if value in IncidentStatus.values else value
    return str(value)


def _parsed(row: IncidentRow) -> tuple[tuple[str, str], ...]:
    return (
        ("start", _shown("start", row.start)),
        ("end", _shown("end", row.end)),
        ("services", ", ".join(row.services)),
        ("impact", _shown("impact", row.impact)),
        ("status", _shown("status", row.status)),
    )


@dataclass
class ImportReport:
    file_name: str
    format: str
    checksum: str
    size: int
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ImportIssue] = field(default_factory=list)
    warnings: list[ImportIssue] = field(default_factory=list)
    rows: list[RowFate] = field(default_factory=list)
    import_record: ImportRecord | None = None
    first_month: str | None = None  # "YYYY-MM" of the earliest incident, for a link

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def applied(self) -> bool:
        return self.ok and not self.dry_run

    @property
    def skipped(self) -> int:
        return sum(1 for row in self.rows if row.fate == SKIPPED)

    def summary_line(self) -> str:
        """The line of interfaces.md: ``created N, updated N, unchanged N``."""
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"

    def preview_dict(self, row_limit: int = 1000, issue_limit: int = 1000) -> dict:
        """The report as JSON for the preview page, capped so that a 100,000-row file does
        not make a megabyte of session or database data; the counts cover every row."""
        return {
            "file_name": self.file_name,
            "format": self.format,
            "checksum": self.checksum,
            "size": self.size,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
            "row_count": len(self.rows),
            "errors": [issue.as_dict() for issue in self.errors[:issue_limit]],
            "warnings": [issue.as_dict() for issue in self.warnings[:issue_limit]],
            "rows": [row.as_dict() for row in self.rows[:row_limit]],
            "first_month": self.first_month,
        }


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for position in range(0, len(items), size):
        yield items[position : position + size]


def _lookup_chunk_size() -> int:
    # SQLite refuses more than 999 parameters in one statement; PostgreSQL takes 65,535.
    limit = connection.features.max_query_params
    return min(limit - 9, 5000) if limit else 5000


def service_catalogue() -> tuple[ServiceCatalogue, dict[str, int]]:
    """The catalogue the parsers check names against, and slug → id for writing."""
    services = list(Service.objects.values_list("id", "slug", "name_fr", "name_nl", "name_en"))
    catalogue = ServiceCatalogue.build(row[1:] for row in services)
    return catalogue, {row[1]: row[0] for row in services}


@dataclass(slots=True)
class _Stored:
    id: int
    values: dict
    service_ids: set[int]


def _load_existing(references: list[str]) -> dict[str, _Stored]:
    """The stored incidents these references name, with their services, in bulk."""
    existing: dict[str, _Stored] = {}
    size = _lookup_chunk_size()
    for chunk in _chunks(references, size):
        for values in Incident.objects.filter(reference__in=chunk).values(
            "id", "reference", *_COMPARED_FIELDS
        ):
            existing[values["reference"]] = _Stored(values["id"], values, set())
    by_id = {stored.id: stored for stored in existing.values()}
    through = Incident.services.through
    for chunk in _chunks(list(by_id), size):
        for incident_id, service_id in through.objects.filter(incident_id__in=chunk).values_list(
            "incident_id", "service_id"
        ):
            by_id[incident_id].service_ids.add(service_id)
    return existing


def _wanted_values(row: IncidentRow, stored: _Stored | None) -> dict:
    """The values the row asks for; what the file does not carry keeps its stored value."""

    def carried(value, name):
        if value is not None:
            return value
        return stored.values[name] if stored else ""

    return {
        "title": carried(row.title, "title"),
        "start": row.start,
        "end": row.end,
        "impact": row.impact,
        "status": row.status,
        "source_url": carried(row.source_url, "source_url"),
        "description": carried(row.description, "description"),
    }


def _changed_fields(wanted: dict, stored: _Stored, service_ids: frozenset[int]) -> list[str]:
    changed = [name for name in _COMPARED_FIELDS if wanted[name] != stored.values[name]]
    if service_ids != stored.service_ids:
        changed.append("services")
    return changed


def _field_label(name: str) -> str:
    return str(Incident._meta.get_field(name).verbose_name)


def _change_line(name, stored, wanted, wanted_services, slugs) -> str:
    """``impact: Partial outage → Major outage``: the field, its value before and after."""
    if name == "services":
        before = ", ".join(sorted(slugs.get(pk, str(pk)) for pk in stored.service_ids))
        after = ", ".join(sorted(slugs.get(pk, str(pk)) for pk in wanted_services))
        return f"{_('services')}: {before} → {after}"
    before, after = _shown(name, stored.values[name]), _shown(name, wanted[name])
    return f"{_field_label(name)}: {before} → {after}"


def incidents_import(
    *,
    data: bytes,
    file_name: str,
    format: str | None = None,
    user=None,
    dry_run: bool = False,
) -> ImportReport:
    """Read ``data`` and, unless ``dry_run``, apply it: all rows or none.

    ``format``: a key of ``outages.formats``; guessed from ``file_name`` (then the content)
    when ``None``. The report says, row by row, what was (or would be) created, updated
    or left unchanged, and every error with its line and column.
    """
    checksum = hashlib.sha256(data).hexdigest()
    format = format or guess_format(file_name, data) or ""
    report = ImportReport(
        file_name=file_name, format=format, checksum=checksum, size=len(data), dry_run=dry_run
    )
    if len(data) > settings.MAX_UPLOAD_BYTES:
        report.errors.append(
            ImportIssue(
                None,
                "",
                _("The file is %(size)s bytes; the limit is %(limit)s bytes.")
                % {"size": len(data), "limit": settings.MAX_UPLOAD_BYTES},
            )
        )
        return _refuse(report, data=None, user=user)
    if not format:
        report.errors.append(
            ImportIssue(
                None,
                "",
                _("Cannot tell the format of “%(name)s”: name it %(extensions)s, or say it.")
                % {"name": file_name, "extensions": ", ".join(format_extensions())},
            )
        )
        return _refuse(report, data=data, user=user)

    catalogue, service_ids = service_catalogue()
    parsed = parse_incident_file(data, format, catalogue)
    report.errors.extend(parsed.errors)
    report.warnings.extend(parsed.warnings)
    report.warnings.extend(old_open_incident_warnings(parsed.rows))
    if report.errors:
        report.rows = _error_fates(parsed.errors) + [
            RowFate(issue.line, issue.reference, SKIPPED, (issue.message,))
            for issue in parsed.skipped
        ]
        report.rows.sort(key=lambda row: (row.line is None, row.line or 0))
        return _refuse(report, data=data, user=user)

    if parsed.rows:
        earliest = min(row.start for row in parsed.rows)
        report.first_month = f"{timezone.localtime(earliest):%Y-%m}"
    existing = _load_existing([row.reference for row in parsed.rows])
    to_create: list[tuple[IncidentRow, dict, frozenset[int]]] = []
    to_update: list[tuple[IncidentRow, dict, frozenset[int], _Stored]] = []
    fates: list[RowFate] = []
    service_sets: dict[tuple[str, ...], frozenset[int]] = {}
    for row in parsed.rows:
        stored = existing.get(row.reference)
        wanted = _wanted_values(row, stored)
        wanted_services = service_sets.get(row.services)
        if wanted_services is None:
            # Shared between rows naming the same services: sets are big, combinations few.
            wanted_services = frozenset(service_ids[slug] for slug in row.services)
            service_sets[row.services] = wanted_services
        parsed_values = _parsed(row)
        if stored is None:
            to_create.append((row, wanted, wanted_services))
            fates.append(RowFate(row.line, row.reference, CREATED, parsed=parsed_values))
            continue
        changed = _changed_fields(wanted, stored, wanted_services)
        if changed:
            to_update.append((row, wanted, wanted_services, stored))
            slugs = {pk: slug for slug, pk in service_ids.items()}
            labels = tuple(
                str(_("services")) if name == "services" else _field_label(name) for name in changed
            )
            lines = tuple(
                _change_line(name, stored, wanted, wanted_services, slugs) for name in changed
            )
            fates.append(
                RowFate(row.line, row.reference, UPDATED, labels, parsed_values, changes=lines)
            )
        else:
            fates.append(RowFate(row.line, row.reference, UNCHANGED, parsed=parsed_values))
    fates.extend(
        RowFate(issue.line, issue.reference, SKIPPED, (issue.message,)) for issue in parsed.skipped
    )
    fates.sort(key=lambda row: (row.line is None, row.line or 0))
    report.rows = fates
    report.created = len(to_create)
    report.updated = len(to_update)
    report.unchanged = len(parsed.rows) - len(to_create) - len(to_update)
    if dry_run:
        return report
    try:
        report.import_record = _write(report, data, user, to_create, to_update)
    except IntegrityError:
        # Another import created one of these references between our read and our write.
        report.errors.append(
            ImportIssue(
                None,
                "",
                _("Another import changed the same incidents at the same time. Try again."),
            )
        )
        report.created = report.updated = report.unchanged = 0
        return _refuse(report, data=data, user=user)
    if to_create or to_update:
        _announce_change(to_create, to_update)
    return report


def _announce_change(to_create, to_update) -> None:
    """Tell listeners which days changed: the new times, and the old ones of updates."""
    rows = [entry[0] for entry in (*to_create, *to_update)]
    moments = [when for row in rows for when in (row.start, row.end)]
    for *_unused, stored in to_update:
        moments += [stored.values["start"], stored.values["end"]]
    calendar_change_announce(moments=moments)


def _error_fates(errors: list[ImportIssue]) -> list[RowFate]:
    """One ``error`` fate per bad line, with all of that line's reasons."""
    by_line: dict[int | None, RowFate] = {}
    order: list[int | None] = []
    for issue in errors:
        if issue.line is None:
            continue
        previous = by_line.get(issue.line)
        reason = f"{issue.column}: {issue.message}" if issue.column else issue.message
        if previous is None:
            by_line[issue.line] = RowFate(issue.line, issue.reference, ERROR, (reason,))
            order.append(issue.line)
        else:
            by_line[issue.line] = RowFate(
                issue.line, previous.reference, ERROR, (*previous.details, reason)
            )
    return [by_line[line] for line in order]


def _record(report: ImportReport, user, outcome: str) -> ImportRecord:
    record = ImportRecord(
        created_by=user if getattr(user, "pk", None) else None,
        file_name=(report.file_name or "upload")[:255],
        format=report.format,
        checksum=report.checksum,
        outcome=outcome,
        created_count=report.created,
        updated_count=report.updated,
        unchanged_count=report.unchanged,
        errors=[issue.as_dict() for issue in report.errors],
        warnings=[issue.as_dict() for issue in report.warnings],
    )
    return record


def _keep_raw_file(record: ImportRecord, report: ImportReport, data: bytes) -> None:
    """The raw copy, stored under its SHA-256 (filestore): the same file imported twice is
    one stored file named by both records, and a name never holds other bytes."""
    suffix = re.sub(r"[^a-z0-9]", "", (report.file_name or "").rsplit(".", 1)[-1].lower())[:8]
    stored = store_bytes(folder="imports", content=data, suffix=f".{suffix}" if suffix else ".raw")
    record.raw_file.name = stored.name


def _refuse(report: ImportReport, *, data: bytes | None, user) -> ImportReport:
    """A refused import writes no incident, only its record (unless a dry run)."""
    report.created = report.updated = report.unchanged = 0
    if report.dry_run:
        return report
    record = _record(report, user, ImportRecord.Outcome.FAILED)
    if record.format not in dict(ImportRecord._meta.get_field("format").choices):
        record.format = ""  # an unknown format is itself the error being recorded
    if data is not None:
        _keep_raw_file(record, report, data)
    record.full_clean(exclude=["format"])
    record.save()
    report.import_record = record
    return report


def _prepared_values(wanted: dict) -> list:
    """The compared fields' values as the database takes them. Only the datetimes need
    the backend's preparation (SQLite stores naive UTC text); the rest are strings."""
    start_field = Incident._meta.get_field("start")
    values = []
    for name in _COMPARED_FIELDS:
        value = wanted[name]
        if name in ("start", "end"):
            value = start_field.get_db_prep_save(value, connection)
        values.append(value)
    return values


def _create_incidents(entries: list[tuple[str, dict]], now) -> list[int]:
    """Insert new incidents (reference, values) in bulk (outages.services.bulk_rows) and
    return their ids in the same order, read back by their unique references."""
    if not entries:
        return []
    prepared_now = Incident._meta.get_field("created_at").get_db_prep_save(now, connection)
    rows_insert(
        Incident,
        ["reference", *_COMPARED_FIELDS, "created_at", "updated_at"],
        [
            [reference, *_prepared_values(wanted), prepared_now, prepared_now]
            for reference, wanted in entries
        ],
    )
    ids: dict[str, int] = {}
    references = [reference for reference, _wanted in entries]
    for chunk in _chunks(references, _lookup_chunk_size()):
        ids.update(Incident.objects.filter(reference__in=chunk).values_list("reference", "id"))
    return [ids[reference] for reference in references]


def _update_incidents(entries: list[tuple[int, dict]], now) -> None:
    """Write the changed incidents' values (id, values) in bulk."""
    prepared_now = Incident._meta.get_field("updated_at").get_db_prep_save(now, connection)
    rows_update(
        Incident,
        [*_COMPARED_FIELDS, "updated_at"],
        [[*_prepared_values(wanted), prepared_now, pk] for pk, wanted in entries],
    )


def _write(report, data, user, to_create, to_update) -> ImportRecord:
    record = _record(report, user, ImportRecord.Outcome.APPLIED)
    # Stored before the rows; if they fail, the copy is an orphan that `storage_check`
    # lists (it may also be an earlier record's copy of the same file: never deleted here).
    _keep_raw_file(record, report, data)
    with transaction.atomic():
        _write_rows(record, to_create, to_update)
    return record


def _write_rows(record: ImportRecord, to_create, to_update) -> None:
    now = timezone.now()
    record.full_clean()
    record.save()

    # Every field was validated by the parser (lengths, choices, links, end after start),
    # so the rows go to the database in bulk rather than through 100,000 full_clean()s.
    new_ids = _create_incidents([(row.reference, wanted) for row, wanted, _s in to_create], now)
    _update_incidents([(stored.id, wanted) for _row, wanted, _s, stored in to_update], now)
    service_rewrites = {
        stored.id: services
        for _row, _wanted, services, stored in to_update
        if services != stored.service_ids
    }

    through = Incident.services.through
    for chunk in _chunks(list(service_rewrites), _lookup_chunk_size()):
        through.objects.filter(incident_id__in=chunk).delete()
    links = [
        (incident_id, service_id)
        for incident_id, (_row, _wanted, services) in zip(new_ids, to_create, strict=True)
        for service_id in services
    ]
    links += [
        (incident_id, service_id)
        for incident_id, services in service_rewrites.items()
        for service_id in services
    ]
    rows_insert(through, ["incident_id", "service_id"], links)
    created, updated = IncidentChange.Action.CREATED.value, IncidentChange.Action.UPDATED.value
    rows_insert(
        IncidentChange,
        ["import_record_id", "incident_id", "action"],
        [(record.id, incident_id, created) for incident_id in new_ids]
        + [(record.id, stored.id, updated) for _row, _wanted, _s, stored in to_update],
    )
