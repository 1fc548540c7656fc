"""After a calendar change: what changed, whose claims it moved, and who must hear it.

The stored ``IncidentState`` rows are the calendar as notifications last saw it. Comparing
them with today's calendar over the changed days gives the changed incidents; a claim
computed with both calendars (same declarations, same ``now``) gives the signed difference
due to the change alone, for a draft as for a submitted claim's frozen declarations.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.calculation import IncidentInput, compute_claim
from claims.models import Claim, ClaimStatus
from claims.selectors import claim_inputs_load, incident_inputs, methodology_current
from claims.snapshot import parse_iso, snapshot_recompute
from notifications.models import IncidentState, Notice, NoticeKind
from notifications.notices import kind_wanted, preferences_of
from outages.intervals import Interval, period_window
from outages.models import Incident

# Claims whose figures may still matter to their doctor: a decided claim is closed.
WATCHED_STATUSES = [ClaimStatus.DRAFT, ClaimStatus.SUBMITTED, ClaimStatus.INFO_REQUESTED]
# An incident that ended this long before it reached the calendar is history being
# filled in, not news: subscribers are not told about it.
NEWS_HORIZON = timedelta(days=2)


@dataclass(frozen=True)
class IncidentEvent:
    kind: str  # "opened", "impact_changed", "ended"
    incident: IncidentInput
    previous_impact: str | None = None

    @property
    def key(self) -> str:
        moment = self.incident.end if self.kind == "ended" else self.incident.start
        detail = self.incident.impact if self.kind == "impact_changed" else moment.isoformat()
        return f"incident:{self.incident.reference}:{self.kind}:{detail}"


@dataclass(frozen=True)
class ChangeOutcome:
    notified_user_ids: list[int]
    claims_checked: int
    incident_events: list[IncidentEvent]


def _state_input(state: IncidentState) -> IncidentInput:
    return IncidentInput(
        reference=state.reference,
        services=frozenset(state.services),
        start=state.start,
        end=state.end,
        impact=state.impact,
        status=state.status,
        title=state.title,
        source_url=state.source_url,
    )


def _meets(incident: IncidentInput, window: Interval) -> bool:
    return incident.start < window.end and (incident.end is None or incident.end > window.start)


def _changed_incidents(
    window: Interval,
) -> dict[str, tuple[IncidentInput | None, IncidentInput | None]]:
    """reference → (as last seen, as now) for every incident of the window that differs."""
    now_by_ref = {i.reference: i for i in incident_inputs(window=window)}
    states = IncidentState.objects.filter(start__lt=window.end).filter(
        Q(end__isnull=True) | Q(end__gt=window.start)
    )
    seen_by_ref = {s.reference: _state_input(s) for s in states}
    # An incident moved out of the window entirely still has its state inside it, and
    # vice versa: read the missing side by reference.
    missing = set(now_by_ref) - set(seen_by_ref)
    seen_by_ref.update(
        (s.reference, _state_input(s)) for s in IncidentState.objects.filter(reference__in=missing)
    )
    gone = set(seen_by_ref) - set(now_by_ref)
    now_by_ref.update(_incidents_by_reference(gone))
    changed = {}
    for reference in set(now_by_ref) | set(seen_by_ref):
        before, after = seen_by_ref.get(reference), now_by_ref.get(reference)
        if before != after:
            changed[reference] = (before, after)
    return changed


def _incidents_by_reference(references: set[str]) -> dict[str, IncidentInput]:
    if not references:
        return {}
    incidents = Incident.objects.filter(reference__in=references).prefetch_related("services")
    return {
        i.reference: IncidentInput(
            reference=i.reference,
            services=frozenset(s.slug for s in i.services.all()),
            start=i.start,
            end=i.end,
            impact=i.impact,
            status=i.status,
            title=i.title,
            source_url=i.source_url,
        )
        for i in incidents
    }


def _change_token(changed: dict) -> str:
    """The same change gives the same token: a task run twice records its notices once."""

    def plain(incident: IncidentInput | None):
        # Services sorted: a frozenset's order changes with the process's hash seed.
        if incident is None:
            return None
        end = incident.end.isoformat() if incident.end else None
        return [
            incident.reference,
            sorted(incident.services),
            incident.start.isoformat(),
            end,
            incident.impact,
            incident.status,
            incident.title,
            incident.source_url,
        ]

    text = json.dumps(
        {ref: [plain(before), plain(after)] for ref, (before, after) in sorted(changed.items())},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _old_calendar(
    today: list[IncidentInput], changed: dict, window: Interval
) -> list[IncidentInput]:
    kept = [i for i in today if i.reference not in changed]
    kept.extend(before for before, _ in changed.values() if before and _meets(before, window))
    return kept


def _incident_events(changed: dict, now: datetime) -> list[IncidentEvent]:
    events = []
    for before, after in changed.values():
        if after is None:
            continue
        if after.end is not None and after.end < now - NEWS_HORIZON:
            continue
        if before is None:
            events.append(IncidentEvent("opened", after))
            if after.end is not None:
                events.append(IncidentEvent("ended", after))
            continue
        if before.impact != after.impact:
            events.append(IncidentEvent("impact_changed", after, previous_impact=before.impact))
        if before.end is None and after.end is not None:
            events.append(IncidentEvent("ended", after))
    return events


def _states_store(changed: dict) -> None:
    gone = [ref for ref, (_, after) in changed.items() if after is None]
    IncidentState.objects.filter(reference__in=gone).delete()
    for reference, (_, after) in changed.items():
        if after is None:
            continue
        IncidentState.objects.update_or_create(
            reference=reference,
            defaults={
                "title": after.title,
                "start": after.start,
                "end": after.end,
                "impact": after.impact,
                "status": after.status,
                "source_url": after.source_url,
                "services": sorted(after.services),
            },
        )


class _Calendars:
    """Today's incidents per claim window, read once per window (claims come by period)."""

    def __init__(self):
        self._cache: dict[Interval, list[IncidentInput]] = {}

    def today(self, window: Interval) -> list[IncidentInput]:
        if window not in self._cache:
            self._cache = {window: incident_inputs(window=window)}
        return self._cache[window]


def _figures(result) -> dict:
    return {"total": result.total, "lost_minutes": result.lost_minutes}


def claim_figures_compare(
    *, claim: Claim, changed: dict, calendars: _Calendars, now: datetime, methodology
) -> tuple[dict, dict] | None:
    """(before, after) figures of one claim across the change."""
    if claim.is_frozen:
        if not claim.snapshot:
            return None
        period = claim.snapshot["period"]
        window = Interval(parse_iso(period["start"]), parse_iso(period["end"]))
        today = calendars.today(window)
        after = snapshot_recompute(claim.snapshot, incidents=today, now=now)
        before = snapshot_recompute(
            claim.snapshot, incidents=_old_calendar(today, changed, window), now=now
        )
    else:
        if methodology is None:
            return None
        inputs = claim_inputs_load(
            doctor=claim.doctor,
            first_day=claim.period_start,
            last_day=claim.period_end,
            methodology=methodology,
            now=now,
        )
        after = compute_claim(inputs)
        before = compute_claim(
            replace(inputs, incidents=_old_calendar(inputs.incidents, changed, inputs.period))
        )
    return _figures(before), _figures(after)


def calendar_change_process(
    *, first_day: date, last_day: date, now: datetime | None = None
) -> ChangeOutcome:
    """Find what the change of these days did: notices for the doctors whose claims moved,
    events for subscribers and webhooks; then remember the calendar as it is now."""
    now = now or timezone.now()
    window = period_window(first_day, last_day)
    with transaction.atomic():
        changed = _changed_incidents(window)
        if not changed:
            return ChangeOutcome([], 0, [])
        token = _change_token(changed)
        span_start = min(
            timezone.localtime(i.start).date() for pair in changed.values() for i in pair if i
        )
        span_end = max(
            timezone.localtime(i.end or now).date() for pair in changed.values() for i in pair if i
        )
        claims = list(
            Claim.objects.filter(
                status__in=WATCHED_STATUSES,
                period_start__lte=max(last_day, span_end),
                period_end__gte=min(first_day, span_start),
            )
            .select_related("doctor__user")
            .order_by("period_start", "period_end", "pk")
        )
        preferences = preferences_of({c.doctor.user_id for c in claims})
        methodology = methodology_current(today=timezone.localtime(now).date())
        calendars = _Calendars()
        notices: list[Notice] = []
        for claim in claims:
            compared = claim_figures_compare(
                claim=claim, changed=changed, calendars=calendars, now=now, methodology=methodology
            )
            if compared is None:
                continue
            before, after = compared
            if before == after:
                continue
            if not kind_wanted(NoticeKind.FIGURES, preferences.get(claim.doctor.user_id)):
                continue
            delta = after["total"] - before["total"]
            notices.append(
                Notice(
                    user_id=claim.doctor.user_id,
                    kind=NoticeKind.FIGURES,
                    event_key=f"figures:{claim.pk}:{token}",
                    payload={
                        "claim_id": claim.pk,
                        "from": claim.period_start.isoformat(),
                        "to": claim.period_end.isoformat(),
                        "submitted": claim.is_frozen,
                        "before": format(before["total"], "f"),
                        "after": format(after["total"], "f"),
                        "delta": format(delta, "f"),
                        "lost_minutes_delta": after["lost_minutes"] - before["lost_minutes"],
                        "frozen_total": None if claim.total is None else format(claim.total, "f"),
                        "incidents": sorted(changed),
                    },
                    created_at=now,
                )
            )
        # One insert for all; a notice already recorded (the same change processed twice)
        # is skipped by the unique constraint, and so is its digest.
        Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=1000)
        notified = set(
            Notice.objects.filter(
                event_key__in=[n.event_key for n in notices], digest__isnull=True
            ).values_list("user_id", flat=True)
        )
        events = _incident_events(changed, now)
        _states_store(changed)
    return ChangeOutcome(sorted(notified), len(claims), events)


def incident_states_sync() -> int:
    """Record the incidents without a state, silently (demo data, a first deployment)."""
    known = set(IncidentState.objects.values_list("reference", flat=True))
    missing = set(Incident.objects.values_list("reference", flat=True)) - known
    found = _incidents_by_reference(missing)
    with transaction.atomic():
        _states_store({reference: (None, incident) for reference, incident in found.items()})
    return len(found)
