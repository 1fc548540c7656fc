"""Periodic work from one scheduler process (``manage.py notifications_scheduler``).

Each job has slots (every minute, every hour, every day at an hour). ``JobRun`` keeps the
last slot each job ran for, in the database: after a stop, the next tick runs a job whose
latest slot is newer than its record once, for everything missed (its ``since`` is the
recorded slot), never once per missed slot and never twice for one slot, even across a
restart. Two schedulers by mistake still run a slot once: the row is locked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from notifications.doctors import cure_reminders_record, doctor_digests_send
from notifications.mail import deliveries_retry
from notifications.models import JobRun
from notifications.reviewers import reviewer_digests_send
from notifications.webhooks import webhooks_retry
from outages.intervals import BRUSSELS


@dataclass(frozen=True)
class Job:
    name: str
    latest_slot: Callable[[datetime], datetime]
    period: timedelta
    run: Callable[[datetime, datetime], object]  # (since, now)


def every_minute(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def every_hour(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def daily_at(hour: int) -> Callable[[datetime], datetime]:
    """The latest ``hour`` o'clock, Brussels wall-clock time (DST-proof: built per day)."""

    def latest(now: datetime) -> datetime:
        local = now.astimezone(BRUSSELS)
        slot = datetime.combine(local.date(), time(hour), tzinfo=BRUSSELS)
        if slot > local:
            slot = datetime.combine(local.date() - timedelta(days=1), time(hour), tzinfo=BRUSSELS)
        return slot.astimezone(now.tzinfo)

    return latest


def _retry(since: datetime, now: datetime) -> dict:
    return {"emails": deliveries_retry(now=now), "webhooks": webhooks_retry(now=now)}


def _reminders(since: datetime, now: datetime) -> int:
    user_ids = cure_reminders_record(now=now)
    return doctor_digests_send(user_ids=user_ids, now=now) if user_ids else 0


def _reviewer_digest(since: datetime, now: datetime) -> int:
    return reviewer_digests_send(since=since, until=now)


def jobs() -> list[Job]:
    return [
        Job("retry", every_minute, timedelta(minutes=1), _retry),
        Job("cure-reminders", every_hour, timedelta(hours=1), _reminders),
        Job(
            "reviewer-digest",
            daily_at(settings.REVIEWER_DIGEST_HOUR),
            timedelta(days=1),
            _reviewer_digest,
        ),
    ]


def scheduler_tick(*, now: datetime | None = None) -> list[str]:
    """Run every job whose latest slot has not run yet; returns their names."""
    now = now or timezone.now()
    ran = []
    for job in jobs():
        slot = job.latest_slot(now)
        with transaction.atomic():
            record, created = JobRun.objects.select_for_update().get_or_create(
                job=job.name, defaults={"last_slot": slot - job.period, "last_run_at": now}
            )
            if record.last_slot >= slot:
                continue
            # The reviewer digest's "since" is the last slot it covered, so a missed day
            # is included in the next digest, not lost.
            job.run(record.last_slot, now)
            record.last_slot = slot
            record.last_run_at = now
            record.save()
            ran.append(job.name)
    return ran
