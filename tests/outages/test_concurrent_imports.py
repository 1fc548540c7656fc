"""The same outage file imported twice at once (two admins, two tabs): one import writes
the incidents, the other is refused with a message and keeps its failed ImportRecord,
instead of a traceback from PostgreSQL's COPY (outages/services/bulk_rows.py)."""

import pytest
from concurrency import needs_postgresql, other_request_commits_later
from outage_helpers import CSV_HEADER

from outages.models import ImportRecord, Incident
from outages.services.imports import incidents_import

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FILE = (
    CSV_HEADER
    + "EH-1,recip-e,2024-01-15T08:05,2024-01-15T12:20,major_outage,,Recip-e down,\n"
    + "EH-2,mycarenet,2024-01-22T08:15,2024-01-22T12:30,partial_outage,,,\n"
).encode()


def _import(user=None):
    return incidents_import(data=FILE, file_name="incidents.csv", format="csv", user=user)


def test_the_same_file_imported_twice_at_once_is_written_once(admin_user):
    with other_request_commits_later(lambda: _import(admin_user)):
        report = _import(admin_user)

    assert not report.applied
    assert "Another import changed the same incidents at the same time" in str(report.errors[0])
    assert Incident.objects.count() == 2
    outcomes = sorted(ImportRecord.objects.values_list("outcome", flat=True))
    assert outcomes == sorted([ImportRecord.Outcome.APPLIED, ImportRecord.Outcome.FAILED])
    failed = ImportRecord.objects.get(outcome=ImportRecord.Outcome.FAILED)
    assert "at the same time" in failed.errors[0]["message"]
    assert failed.raw_file.read() == FILE
