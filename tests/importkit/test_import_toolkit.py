"""The import toolkit (README, "Imports"): outage and doctor imports read bytes, times and
pending previews the same way."""

import os
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from claims.importers.fields import parse_datetime
from claims.importers.pending import pending_load, pending_save
from claims.importers.slots import slots_preview
from claims.models import AffectedSlot
from importkit.pending import PENDING_RETENTION
from outages.importers.fields import parse_moment
from outages.models import Incident, PendingImport
from outages.services.imports import incidents_import
from outages.services.pending_imports import pending_import_create

pytestmark = pytest.mark.django_db

OUTAGE_CSV = (
    "reference,services,start,end,impact,status,title,source_url\n"
    "EH-1,recip-e,2024-01-15T08:05,2024-01-15T09:05,major_outage,,Panne réseau,\n"
)
SLOTS_CSV = "start,end,services,note\n2024-01-15T08:05,2024-01-15T09:05,recip-e,réseau lent\n"


def _age(name: str, age: timedelta) -> None:
    moment = (timezone.now() - age).timestamp()
    os.utime(default_storage.path(name), (moment, moment))


def test_a_doctor_s_preview_file_is_kept_for_the_one_retention(doctor):
    owner = f"doctor-{doctor.pk}"
    young = pending_save(owner=owner, kind="slots", data=b"young")
    old = pending_save(owner=owner, kind="slots", data=b"old")
    _age(f"imports/pending/{owner}/slots-{young}.csv", PENDING_RETENTION - timedelta(hours=1))
    _age(f"imports/pending/{owner}/slots-{old}.csv", PENDING_RETENTION + timedelta(hours=1))
    pending_save(owner=owner, kind="slots", data=b"next upload")  # purges the stale ones
    assert pending_load(owner=owner, kind="slots", token=young) == b"young"
    assert pending_load(owner=owner, kind="slots", token=old) is None


def test_an_outage_preview_is_kept_for_the_same_retention(admin_user):
    young = pending_import_create(
        data=OUTAGE_CSV.encode(), file_name="a.csv", format="csv", user=admin_user
    )
    old = pending_import_create(
        data=OUTAGE_CSV.encode(), file_name="b.csv", format="csv", user=admin_user
    )
    old_file = old.stored_file.name
    assert default_storage.exists(old_file)
    PendingImport.objects.filter(pk=young.pk).update(
        created_at=timezone.now() - PENDING_RETENTION + timedelta(hours=1)
    )
    PendingImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - PENDING_RETENTION - timedelta(hours=1)
    )
    pending_import_create(
        data=OUTAGE_CSV.encode(), file_name="c.csv", format="csv", user=admin_user
    )
    assert set(PendingImport.objects.values_list("file_name", flat=True)) == {"a.csv", "c.csv"}
    assert not default_storage.exists(old_file)
    assert default_storage.exists(PendingImport.objects.get(file_name="a.csv").stored_file.name)


def test_both_stacks_read_a_windows_1252_csv_alike(doctor):
    report = incidents_import(data=OUTAGE_CSV.encode("cp1252"), file_name="x.csv")
    assert report.ok, report.errors
    assert Incident.objects.get().title == "Panne réseau"
    preview = slots_preview(doctor=doctor, data=SLOTS_CSV.encode("cp1252"))
    assert preview.is_valid
    preview.apply()
    assert AffectedSlot.objects.get().note == "réseau lent"


def test_both_stacks_read_a_time_as_the_same_instant_cut_to_the_second():
    for text in ("2024-07-15T08:05:30.900", "15/07/2024 08:05:30", "2024-07-15 08:05:30+02:00"):
        outage, slot = parse_moment(text), parse_datetime(text)
        assert outage == slot
        assert (outage.utcoffset(), outage.microsecond) == (timedelta(hours=2), 0)
        assert outage.second == 30
