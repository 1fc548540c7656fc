"""The methodology, public: doctors sign under it, the legal team and a court read it."""

from django.shortcuts import render

from claims.models import Outcome
from claims.selectors import methodology_params, service_names
from methodology.anchors import version_anchor
from methodology.selectors import methodology_versions_published
from methodology.worked_example import CONSULTATIONS, INCIDENTS, SLOTS, worked_example
from outages.models import Impact, IncidentStatus

RULE_NUMBERS = range(1, 13)


def _version_context(methodology, names: dict[str, str]) -> dict:
    params = methodology_params(methodology)
    return {
        "methodology": methodology,
        "anchor": version_anchor(methodology.version),
        "counted_impacts": sorted(Impact(value).label for value in params.counted_impacts),
        "counted_statuses": sorted(
            IncidentStatus(value).label for value in params.counted_statuses
        ),
        "loss_outcomes": sorted(Outcome(value).label for value in params.loss_outcomes),
        "catch_up_minutes": sorted(
            (names.get(slug, slug), minutes)
            for slug, minutes in params.catch_up_minutes.items()
            if minutes
        ),
        "example": worked_example(params),
    }


def _with_services(row, names: dict[str, str]) -> dict:
    """A worked-example row for display: its fields, and its services named and sorted."""
    fields = {name: getattr(row, name) for name in row.__dataclass_fields__}
    fields["services"] = sorted(names.get(slug, slug) for slug in row.services)
    return fields


def methodology_page(request):
    names = service_names()
    versions = [_version_context(m, names) for m in methodology_versions_published()]
    ctx = {
        "versions": versions,
        "rule_numbers": RULE_NUMBERS,
        "incidents": [_with_services(incident, names) for incident in INCIDENTS],
        "slots": [_with_services(slot, names) for slot in SLOTS],
        "consultations": [_with_services(c, names) for c in CONSULTATIONS],
    }
    return render(request, "methodology/page.html", ctx)
