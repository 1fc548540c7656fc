"""What the slot and consultation imports share: the doctor they import for, the service
catalogue, and the periods that the doctor's submitted claims lock."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from claims.importers.engine import Importer, RowStatus
from claims.importers.vocabulary import canonical_column, service_words
from claims.models import Doctor
from claims.selectors import locked_period_for, locked_periods
from claims.services.declarations import locked_message
from outages.models import Service


class DeclarationImporter(Importer):
    def __init__(self, *, doctor: Doctor, now: datetime | None = None):
        self.doctor = doctor
        self.now = now or timezone.now()

    def column_name(self, header):
        # Headers in French, Dutch or English, as the downloaded templates write them.
        return canonical_column(header)

    def prepare(self, rows):
        self.known = service_words(Service.objects.all())
        self.locked = locked_periods(doctor=self.doctor)

    def refuse(self, record, status, existing):
        # An unchanged row writes nothing, so re-importing last month's agenda stays fine.
        if status in (RowStatus.NEW, RowStatus.CHANGED):
            period = locked_period_for(record.start, self.locked)
            if period is not None:
                return [("start", locked_message(period))]
        return []
