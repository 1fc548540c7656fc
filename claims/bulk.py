"""Every doctor's claim for a period, straight from the database, in one streaming pass.

The per-doctor path (``claim_report``) reloads the calendar and rebuilds ``U(s)`` for
every doctor: three queries and ~13 ms each. Here the calendar is read once and ``U(s)``
built once per period, then the slots and the consultations of every doctor are streamed
in doctor order through two server-side cursors (``.iterator(chunk_size=...)``) and
merged like two sorted files: one doctor's declarations are in memory at a time, so
memory does not grow with the membership. Each doctor's claim is the real
``compute_claim`` on the same inputs ``claim_report`` would load.

Used by ``manage.py membership_estimate``, the reviewers' page "What the whole membership
lost" (``claims.review.services.membership``) and its benchmark.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from itertools import groupby
from operator import itemgetter

from django.utils import timezone

from claims.calculation import (
    ClaimInputs,
    ClaimResult,
    ConsultationInput,
    MethodologyParams,
    SlotInput,
    Unavailability,
    compute_claim,
    unavailability_by_service,
)
from claims.models import AffectedSlot, Consultation
from claims.selectors import incident_inputs
from outages.intervals import Interval
from outages.models import Service

#: Rows fetched per round trip by each server-side cursor.
CHUNK_SIZE = 5000

_DOCTOR = itemgetter(0)


def slot_rows(window: Interval):
    """(doctor_id, slot id, start, end, service id) of every slot meeting ``window``, one
    row per slot and service, in doctor order: the rows the bulk path reads."""
    return (
        AffectedSlot.objects.filter(start__lt=window.end, end__gt=window.start)
        .order_by("doctor_id", "start", "id")
        .values_list("doctor_id", "id", "start", "end", "services")
    )


def consultation_rows(window: Interval):
    """(doctor_id, id, start, duration, code, fee, outcome, service id) of every
    consultation starting in ``window`` (rule 4), one row per service, in doctor order."""
    return (
        Consultation.objects.filter(start__gte=window.start, start__lt=window.end)
        .order_by("doctor_id", "start", "id")
        .values_list(
            "doctor_id", "id", "start", "duration_minutes", "code", "fee", "outcome", "services"
        )
    )


def _by_doctor(rows, chunk_size: int) -> Iterator[tuple[int, list]]:
    return groupby(rows.iterator(chunk_size=chunk_size), key=_DOCTOR)


def _slots(rows: list, slugs: dict[int, str]) -> list[SlotInput]:
    slots = []
    # Rows of one slot follow each other (ordered by start, then id): one per service.
    for pk, group in groupby(rows, key=itemgetter(1)):
        group = list(group)
        _doctor, _pk, start, end, _service = group[0]
        services = frozenset(slugs[row[4]] for row in group if row[4] is not None)
        slots.append(SlotInput(pk, start, end, services))
    return slots


def _consultations(rows: list, slugs: dict[int, str]) -> list[ConsultationInput]:
    consultations = []
    for pk, group in groupby(rows, key=itemgetter(1)):
        group = list(group)
        _doctor, _pk, start, duration, code, fee, outcome, _service = group[0]
        services = frozenset(slugs[row[7]] for row in group if row[7] is not None)
        consultations.append(ConsultationInput(pk, start, duration, code, fee, services, outcome))
    return consultations


class MembershipPass:
    """The calendar and ``U(s)`` of one or more consecutive periods (months), loaded once,
    for every doctor's claims: four queries in all (incidents, services, two streams)."""

    def __init__(
        self,
        *,
        windows: list[Interval],
        params: MethodologyParams,
        now: datetime | None = None,
    ) -> None:
        self.windows = windows
        self.params = params
        self.now = now or timezone.now()
        whole = Interval(windows[0].start, windows[-1].end)
        self.window = whole
        # A tuple: ClaimInputs keeps a tuple as it is instead of copying it per doctor.
        self.incidents = tuple(incident_inputs(window=whole))
        self.unavailability: list[Unavailability] = [
            unavailability_by_service(self.incidents, window, params, self.now)
            for window in windows
        ]

    def claims(
        self, *, chunk_size: int = CHUNK_SIZE
    ) -> Iterator[tuple[int, list[tuple[int, ClaimInputs, ClaimResult]]]]:
        """Per doctor with a slot or a consultation in the periods, in doctor id order:
        (doctor id, [(period index, inputs, result) for each period they declared in])."""
        slugs = dict(Service.objects.values_list("pk", "slug"))
        slots = _by_doctor(slot_rows(self.window), chunk_size)
        consultations = _by_doctor(consultation_rows(self.window), chunk_size)
        next_slots = next(slots, None)
        next_consultations = next(consultations, None)
        # A merge of two streams sorted by doctor id: each doctor appears in one or both.
        while next_slots is not None or next_consultations is not None:
            doctor = min(
                group[0] for group in (next_slots, next_consultations) if group is not None
            )
            doctor_slots: list[SlotInput] = []
            doctor_consultations: list[ConsultationInput] = []
            if next_slots is not None and next_slots[0] == doctor:
                doctor_slots = _slots(list(next_slots[1]), slugs)
                next_slots = next(slots, None)
            if next_consultations is not None and next_consultations[0] == doctor:
                doctor_consultations = _consultations(list(next_consultations[1]), slugs)
                next_consultations = next(consultations, None)
            yield doctor, self._compute(doctor_slots, doctor_consultations)

    def _compute(self, slots: list[SlotInput], consultations: list[ConsultationInput]):
        incidents, params, now = self.incidents, self.params, self.now
        if len(self.windows) == 1:
            inputs = ClaimInputs(self.windows[0], incidents, slots, consultations, params, now)
            return [(0, inputs, compute_claim(inputs, self.unavailability[0]))]
        claims = []
        for index, window in enumerate(self.windows):
            start, end = window.to_seconds()
            # The calculation clips a slot to its period; a consultation counts in the
            # period its start lies in (rule 4).
            month_slots = [slot for slot in slots if slot.start_s < end and slot.end_s > start]
            month_consultations = [c for c in consultations if start <= c.start_s < end]
            if month_slots or month_consultations:
                inputs = ClaimInputs(
                    window, incidents, month_slots, month_consultations, params, now
                )
                claims.append((index, inputs, compute_claim(inputs, self.unavailability[index])))
        return claims
