"""The status watcher: poll, log changes in the hash chain, keep provisional incidents.

One poll is one transaction: the heartbeat row is locked first, so two watchers (a cron
``--once`` beside a running one) append to the chain one after the other, never forking it.
Nothing here raises on a bad answer: network errors, timeouts, non-JSON and odd shapes are
logged as ``WatcherError`` and open a gap, since a silence is "unknown", never "operational".
"""

from __future__ import annotations

import hashlib
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from evidence.chain import GENESIS, entry_hash
from evidence.models import (
    ComponentStatus,
    StatusComponent,
    StatusObservation,
    WatchedIncident,
    WatcherError,
    WatcherState,
)
from evidence.status_body import IMPACT_OF_STATUS, IMPACT_RANK, BodyError, parse_components
from outages.models import Incident, IncidentStatus
from outages.signals import calendar_change_announce

#: Bodies larger than this are refused: the real answer is a few kilobytes.
MAX_BODY_BYTES = 2 * 1024 * 1024
WATCHER_REFERENCE_PREFIX = "WATCH-"
WATCHER_SOURCE = "status watcher"


@dataclass
class PollResult:
    ok: bool
    changes: int = 0
    errors: list[str] = field(default_factory=list)


def fetch(url: str, *, timeout: float) -> bytes:
    """The body at ``url``; raises ``BodyError`` with the kind of failure."""
    if not url.startswith(("http://", "https://")):
        raise BodyError("network", f"Not an http(s) URL: {url}")
    request = urllib.request.Request(  # noqa: S310 (http and https only, checked above)
        url, headers={"Accept": "application/json", "User-Agent": "ehealth-outage-claims"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read(MAX_BODY_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise BodyError("http", f"HTTP {exc.code}") from None
    except TimeoutError as exc:
        raise BodyError("timeout", f"No answer within {timeout} s ({exc})") from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise BodyError("timeout", f"No answer within {timeout} s") from None
        raise BodyError("network", f"Network error: {exc.reason}") from None
    except OSError as exc:
        raise BodyError("network", f"Network error: {exc}") from None
    if len(body) > MAX_BODY_BYTES:
        raise BodyError("shape", f"The answer is larger than {MAX_BODY_BYTES} bytes.")
    return body


def _append(**fields) -> StatusObservation:
    """Append one entry to the chain (the caller holds the heartbeat row's lock)."""
    last = StatusObservation.objects.order_by("-sequence").only("sequence", "entry_hash").first()
    fields["sequence"] = (last.sequence + 1) if last else 1
    fields["previous_hash"] = last.entry_hash if last else GENESIS
    fields.setdefault("component_name", "")
    fields.setdefault("component_id", "")
    fields.setdefault("previous_status", "")
    fields.setdefault("gap_start", None)
    fields.setdefault("gap_end", None)
    fields.setdefault("response_sha256", "")
    fields["entry_hash"] = entry_hash(fields)
    return StatusObservation.objects.create(**fields)


def _state_locked() -> WatcherState:
    WatcherState.objects.get_or_create(pk=1)
    return WatcherState.objects.select_for_update().get(pk=1)


def _component_for(reading, by_id, by_name) -> StatusComponent:
    component = by_id.get(reading.id) if reading.id else None
    if component is None:
        for name in reading.names:
            component = by_name.get(name.lower())
            if component is not None:
                break
    if component is None:
        component = StatusComponent.objects.create(
            name=reading.name, external_id=reading.id, group_name=reading.group
        )
        by_name[component.name.lower()] = component
    return component


def _open_or_extend(component: StatusComponent, status: str, now: datetime) -> None:
    impact = IMPACT_OF_STATUS[status]
    watched = (
        WatchedIncident.objects.select_related("incident")
        .filter(component=component, state=WatchedIncident.State.OPEN)
        .first()
    )
    if watched is None:
        # The reference is the watcher's record: unique even when a status flaps twice
        # within a second.
        watched = WatchedIncident.objects.create(component=component, start=now, impact=impact)
        incident = Incident.objects.create(
            reference=f"{WATCHER_REFERENCE_PREFIX}{watched.pk}",
            title=f"{component.name}: {ComponentStatus(status).label} (status watcher)",
            description=WATCHER_SOURCE,
            start=now,
            end=None,
            impact=impact,
            status=IncidentStatus.PROVISIONAL,
        )
        incident.services.set([component.service])
        watched.incident = incident
        watched.save(update_fields=["incident"])
        calendar_change_announce(moments=[now, None])
        return
    if IMPACT_RANK[impact] > IMPACT_RANK[watched.impact]:
        watched.impact = impact
        watched.save(update_fields=["impact"])
        if watched.incident is not None:
            watched.incident.impact = impact
            watched.incident.save(update_fields=["impact", "updated_at"])
            calendar_change_announce(moments=[watched.start, None])


def _close(component: StatusComponent, now: datetime) -> None:
    watched = (
        WatchedIncident.objects.select_related("incident")
        .filter(component=component, state=WatchedIncident.State.OPEN)
        .first()
    )
    if watched is None:
        return
    watched.end = now
    watched.state = WatchedIncident.State.CLOSED
    watched.save(update_fields=["end", "state"])
    if watched.incident is not None:
        watched.incident.end = now
        watched.incident.save(update_fields=["end", "updated_at"])
    calendar_change_announce(moments=[watched.start, now])


def _record_failure(state: WatcherState, *, kind: str, message: str, url: str, now) -> None:
    WatcherError.objects.create(at=now, kind=kind, url=url[:500], message=message)
    if state.gap_open_since is None:
        state.gap_open_since = state.last_success_at or now


@transaction.atomic
def poll_record(
    *, body: bytes | None, error: BodyError | None, url: str, interval: float, now=None
) -> PollResult:
    """Record one poll's outcome: the answer ``body``, or the ``error`` that replaced it."""
    now = now or timezone.now()
    state = _state_locked()
    state.last_poll_at = now
    state.polls += 1
    result = PollResult(ok=False)
    readings = None
    if error is None:
        try:
            readings = parse_components(body)
        except BodyError as exc:
            error = exc
    if error is not None:
        _record_failure(state, kind=error.kind, message=str(error), url=url, now=now)
        result.errors.append(f"{error.kind}: {error}")
        state.save()
        return result

    # A silence longer than a few intervals (the watcher was stopped) is a gap too.
    silent_since = state.gap_open_since
    if (
        silent_since is None
        and state.last_success_at is not None
        and now - state.last_success_at > timedelta(seconds=max(3 * interval, 1))
    ):
        silent_since = state.last_success_at
    if silent_since is not None:
        _append(
            kind=StatusObservation.Kind.GAP,
            received_at=now,
            status=ComponentStatus.UNKNOWN,
            gap_start=silent_since,
            gap_end=now,
        )
        state.gap_open_since = None

    response_sha256 = hashlib.sha256(body).hexdigest()
    components = list(StatusComponent.objects.select_related("service"))
    by_id = {c.external_id: c for c in components if c.external_id}
    by_name = {c.name.lower(): c for c in components}
    seen: set[int] = set()
    touched: list[StatusComponent] = []
    for reading in readings:
        component = _component_for(reading, by_id, by_name)
        seen.add(component.pk)
        if not component.external_id and reading.id:
            component.external_id = reading.id
        if reading.status != component.status:
            _append(
                kind=StatusObservation.Kind.CHANGE,
                received_at=now,
                component_name=component.name,
                component_id=reading.id,
                status=reading.status,
                previous_status=component.status,
                response_sha256=response_sha256,
            )
            result.changes += 1
            if component.service_id is not None:
                if reading.status == ComponentStatus.OPERATIONAL:
                    _close(component, now)
                else:
                    _open_or_extend(component, reading.status, now)
        component.status = reading.status
        component.group_name = reading.group or component.group_name
        component.last_seen = now
        touched.append(component)
    # The heartbeat of every component in one statement, not one UPDATE per component.
    StatusComponent.objects.bulk_update(
        touched, ["external_id", "status", "group_name", "last_seen"], batch_size=500
    )
    # A status page that lies: a component it showed before is gone. Its status is now
    # unknown to us; an open incident stays open (nothing says it recovered).
    for component in components:
        if component.pk not in seen and component.last_seen is not None:
            if component.status != ComponentStatus.UNKNOWN:
                WatcherError.objects.create(
                    at=now,
                    kind=WatcherError.Kind.VANISHED,
                    url=url[:500],
                    message=f"The component “{component.name}” is no longer listed.",
                )
                _append(
                    kind=StatusObservation.Kind.CHANGE,
                    received_at=now,
                    component_name=component.name,
                    component_id=component.external_id,
                    status=ComponentStatus.UNKNOWN,
                    previous_status=component.status,
                    response_sha256=response_sha256,
                )
                component.status = ComponentStatus.UNKNOWN
                component.save(update_fields=["status"])
    if result.changes == 0:
        state.unchanged_polls += 1
    state.last_success_at = now
    state.save()
    result.ok = True
    return result


def poll_once(*, url: str, timeout: float, interval: float) -> PollResult:
    """Fetch ``url`` and record what it said (the network wait is outside any transaction)."""
    try:
        body, error = fetch(url, timeout=timeout), None
    except BodyError as exc:
        body, error = None, exc
    return poll_record(body=body, error=error, url=url, interval=interval)


def log_entries():
    """The log as the chain's plain fields, in order (one query, streamed)."""
    return (
        StatusObservation.objects.order_by("sequence")
        .values(
            "sequence",
            "kind",
            "received_at",
            "component_name",
            "component_id",
            "status",
            "previous_status",
            "gap_start",
            "gap_end",
            "response_sha256",
            "previous_hash",
            "entry_hash",
        )
        .iterator(chunk_size=2000)
    )


def last_observation_at():
    return StatusObservation.objects.aggregate(last=Max("received_at"))["last"]
