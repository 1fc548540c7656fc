"""Reading the eHealth status service's answer (pure: no ORM, no network).

``/{fr|nl}/api/components/prod`` answers a JSON list of components, or an object whose
``data`` holds that list; each component has ``id``, ``name_nl``/``name_fr``,
``group_name_nl``/``group_name_fr``, ``status_name`` (Statuspage wording: Operational,
Degraded Performance, Partial Outage, Major Outage) and ``status_code``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

# Statuspage's words, lower-cased and with "_" or "-" for spaces, to our statuses.
STATUS_NAMES = {
    "operational": "operational",
    "degraded performance": "degraded_performance",
    "partial outage": "partial_outage",
    "major outage": "major_outage",
    "under maintenance": "under_maintenance",
    "maintenance": "under_maintenance",
}
# The incident impact a status stands for; "operational" opens nothing.
IMPACT_OF_STATUS = {
    "degraded_performance": "degraded_performance",
    "partial_outage": "partial_outage",
    "major_outage": "major_outage",
    "under_maintenance": "maintenance",
}
# Worse first: an incident's impact is the worst status seen while it lasted.
IMPACT_RANK = {"major_outage": 3, "partial_outage": 2, "degraded_performance": 1, "maintenance": 0}


class BodyError(ValueError):
    """The answer is not JSON (``kind`` "not_json") or not the expected shape ("shape")."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class ComponentReading:
    id: str
    name: str
    names: tuple[str, ...]  # every name it goes by (French, Dutch), for the mapping
    group: str
    status: str


def _status(value) -> str | None:
    if not isinstance(value, str):
        return None
    return STATUS_NAMES.get(" ".join(value.replace("_", " ").replace("-", " ").lower().split()))


def parse_components(body: bytes) -> list[ComponentReading]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyError("not_json", f"Not JSON: {exc}") from None
    if isinstance(data, dict):
        data = data.get("data")
    if not isinstance(data, list):
        raise BodyError("shape", "Expected a list of components (or an object with “data”).")
    readings = []
    for position, item in enumerate(data):
        if not isinstance(item, dict):
            raise BodyError("shape", f"Component {position} is not an object.")
        names = tuple(
            name.strip()
            for name in (item.get("name_fr"), item.get("name_nl"), item.get("name"))
            if isinstance(name, str) and name.strip()
        )
        status = _status(item.get("status_name"))
        if not names or status is None:
            raise BodyError("shape", f"Component {position} has no name or an unknown status_name.")
        group = item.get("group_name_fr") or item.get("group_name_nl") or ""
        readings.append(
            ComponentReading(
                id=str(item.get("id", "")),
                name=names[0][:200],
                names=names,
                group=str(group)[:200],
                status=status,
            )
        )
    return readings
