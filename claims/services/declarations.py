"""Writes of a doctor's declarations: affected time slots and consultations.

The rules live here once, for the forms and the CSV imports alike: the end after the
start, nothing in the future, at most 24 hours, no duplicate (a slot's start and end, a
consultation's start and code), a fee for a code the nomenclature does not know, and
nothing inside the period of a claim that is already submitted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from claims.models import AffectedSlot, Consultation, Doctor
from claims.selectors import (
    LockedPeriod,
    locked_period_for,
    locked_periods,
    nomenclature_fee_on,
)
from outages.intervals import BRUSSELS
from outages.models import Service

MAX_SPAN = timedelta(hours=24)
MAX_DURATION_MINUTES = 24 * 60

END_AFTER_START = _("The end must be after the start.")
IN_THE_FUTURE = _("This is in the future: declare only time that has already passed.")
TOO_LONG = _("A slot lasts at most 24 hours: split a longer outage into several slots.")
DURATION_TOO_LONG = _("A consultation lasts at most 24 hours (1440 minutes).")
DURATION_TOO_SHORT = _("A consultation lasts at least 1 minute.")
DUPLICATE_SLOT = _("You already declared a slot with this start and end.")
DUPLICATE_CONSULTATION = _("You already declared a consultation with this start and code.")
NO_SERVICE = _("Choose at least one service you were trying to use.")
NEGATIVE_FEE = _("A fee cannot be negative.")


def unknown_code_message(code: str, moment: datetime) -> str:
    return _("Code %(code)s has no fee in the nomenclature table on %(date)s: enter the fee.") % {
        "code": code,
        "date": formats.date_format(moment.astimezone(BRUSSELS).date()),
    }


def unknown_code_with_fee_warning(code: str, moment: datetime) -> str:
    # Accepted (a code newer than the table, or a private fee), but most often a typo in
    # the code: the doctor should look once before it is claimed.
    return _(
        "Code %(code)s is not in the nomenclature table on %(date)s: the fee you entered is "
        "used. Check that the code is right."
    ) % {"code": code, "date": formats.date_format(moment.astimezone(BRUSSELS).date())}


def locked_message(period: LockedPeriod) -> str:
    return _(
        "This falls inside your claim #%(id)s (%(from)s – %(to)s), which is already "
        "submitted: its declarations can no longer change."
    ) % {
        "id": period.claim_id,
        "from": formats.date_format(period.first_day),
        "to": formats.date_format(period.last_day),
    }


def _add(errors: dict[str, list[str]], field: str, message) -> None:
    errors.setdefault(field, []).append(str(message))


def slot_time_errors(*, start: datetime, end: datetime, now: datetime) -> dict[str, list[str]]:
    """The rules a slot's times must follow on their own (no database)."""
    errors: dict[str, list[str]] = {}
    # In UTC: two datetimes sharing the Brussels zone object subtract as wall-clock times,
    # which would make a DST night's slot an hour too long or too short.
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        _add(errors, "end", END_AFTER_START)
    elif end - start > MAX_SPAN:
        _add(errors, "end", TOO_LONG)
    if start > now:
        _add(errors, "start", IN_THE_FUTURE)
    elif end > now:
        _add(errors, "end", IN_THE_FUTURE)
    return errors


def consultation_time_errors(
    *, start: datetime, duration_minutes: int, now: datetime
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if duration_minutes < 1:
        _add(errors, "duration_minutes", DURATION_TOO_SHORT)
    elif duration_minutes > MAX_DURATION_MINUTES:
        _add(errors, "duration_minutes", DURATION_TOO_LONG)
    if start > now:
        _add(errors, "start", IN_THE_FUTURE)
    return errors


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_unlocked(doctor: Doctor, *moments: datetime, field: str = "start") -> None:
    periods = locked_periods(doctor=doctor)
    for moment in moments:
        period = locked_period_for(moment, periods)
        if period is not None:
            raise ValidationError({field: locked_message(period)})


# --- slots ------------------------------------------------------------------------------------


def _slot_errors(
    *,
    doctor: Doctor,
    start: datetime,
    end: datetime,
    services: list[Service],
    instance: AffectedSlot | None,
    now: datetime,
) -> dict[str, list[str]]:
    errors = slot_time_errors(start=start, end=end, now=now)
    if not services:
        _add(errors, "services", NO_SERVICE)
    duplicates = AffectedSlot.objects.filter(doctor=doctor, start=start, end=end)
    if instance is not None:
        duplicates = duplicates.exclude(pk=instance.pk)
    if duplicates.exists():
        _add(errors, "start", DUPLICATE_SLOT)
    return errors


@transaction.atomic
def slot_create(
    *,
    doctor: Doctor,
    start: datetime,
    end: datetime,
    services: Iterable[Service],
    note: str = "",
    now: datetime | None = None,
) -> AffectedSlot:
    services = list(services)
    _check_unlocked(doctor, start)
    _raise(
        _slot_errors(
            doctor=doctor,
            start=start,
            end=end,
            services=services,
            instance=None,
            now=now or timezone.now(),
        )
    )
    slot = AffectedSlot(doctor=doctor, start=start, end=end, note=note)
    slot.full_clean()
    slot.save()
    slot.services.set(services)
    return slot


@transaction.atomic
def slot_update(
    *,
    slot: AffectedSlot,
    start: datetime,
    end: datetime,
    services: Iterable[Service],
    note: str = "",
    now: datetime | None = None,
) -> AffectedSlot:
    services = list(services)
    # Neither where it was nor where it goes may be inside a submitted claim.
    _check_unlocked(slot.doctor, slot.start, start)
    _raise(
        _slot_errors(
            doctor=slot.doctor,
            start=start,
            end=end,
            services=services,
            instance=slot,
            now=now or timezone.now(),
        )
    )
    slot.start, slot.end, slot.note = start, end, note
    slot.full_clean()
    slot.save()
    slot.services.set(services)
    return slot


@transaction.atomic
def slot_delete(*, slot: AffectedSlot) -> None:
    _check_unlocked(slot.doctor, slot.start, field="__all__")
    slot.delete()


# --- consultations ----------------------------------------------------------------------------


def _consultation_errors(
    *,
    doctor: Doctor,
    start: datetime,
    duration_minutes: int,
    code: str,
    fee: Decimal | None,
    instance: Consultation | None,
    now: datetime,
) -> tuple[dict[str, list[str]], Decimal | None]:
    errors = consultation_time_errors(start=start, duration_minutes=duration_minutes, now=now)
    if fee is None:
        fee = nomenclature_fee_on(code=code, day=start.astimezone(BRUSSELS).date())
        if fee is None:
            _add(errors, "fee", unknown_code_message(code, start))
    elif fee < 0:
        _add(errors, "fee", NEGATIVE_FEE)
    duplicates = Consultation.objects.filter(doctor=doctor, start=start, code=code)
    if instance is not None:
        duplicates = duplicates.exclude(pk=instance.pk)
    if duplicates.exists():
        _add(errors, "start", DUPLICATE_CONSULTATION)
    return errors, fee


@transaction.atomic
def consultation_create(
    *,
    doctor: Doctor,
    start: datetime,
    duration_minutes: int,
    code: str,
    fee: Decimal | None,
    services: Iterable[Service],
    outcome: str,
    now: datetime | None = None,
) -> Consultation:
    """``fee`` None means "the nomenclature's fee for this code on that day"."""
    _check_unlocked(doctor, start)
    errors, fee = _consultation_errors(
        doctor=doctor,
        start=start,
        duration_minutes=duration_minutes,
        code=code,
        fee=fee,
        instance=None,
        now=now or timezone.now(),
    )
    _raise(errors)
    consultation = Consultation(
        doctor=doctor,
        start=start,
        duration_minutes=duration_minutes,
        code=code,
        fee=fee,
        outcome=outcome,
    )
    consultation.full_clean()
    consultation.save()
    consultation.services.set(list(services))
    return consultation


@transaction.atomic
def consultation_update(
    *,
    consultation: Consultation,
    start: datetime,
    duration_minutes: int,
    code: str,
    fee: Decimal | None,
    services: Iterable[Service],
    outcome: str,
    now: datetime | None = None,
) -> Consultation:
    _check_unlocked(consultation.doctor, consultation.start, start)
    errors, fee = _consultation_errors(
        doctor=consultation.doctor,
        start=start,
        duration_minutes=duration_minutes,
        code=code,
        fee=fee,
        instance=consultation,
        now=now or timezone.now(),
    )
    _raise(errors)
    consultation.start = start
    consultation.duration_minutes = duration_minutes
    consultation.code = code
    consultation.fee = fee
    consultation.outcome = outcome
    consultation.full_clean()
    consultation.save()
    consultation.services.set(list(services))
    return consultation


@transaction.atomic
def consultation_delete(*, consultation: Consultation) -> None:
    _check_unlocked(consultation.doctor, consultation.start, field="__all__")
    consultation.delete()
