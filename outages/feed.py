"""The official calendar as an iCalendar feed (interfaces.md, "Exports").

Written so that ``import_outages`` reads it back unchanged (the round trip is tested):
``UID`` = reference, ``SUMMARY`` = title (the reference when there is none), times in UTC,
``CATEGORIES`` = service slugs, ``X-IMPACT``/``X-STATUS``, ``URL`` = source. An ongoing
incident has no ``DTEND``, which the importer reads as ongoing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

PRODUCT_ID = "-//ABSyM eHealth outage claims//Official incident calendar//EN"


def calendar_feed(incidents: Iterable[dict], *, name: str, now: datetime) -> bytes:
    """``incidents``: plain values of each incident, with ``services`` its slugs
    (``outages.selectors.feed_entries``)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Brussels")
    # Calendar programs poll a subscription; once an hour is plenty for this data.
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    stamp = now.astimezone(UTC)
    for incident in incidents:
        event = Event()
        event.add("uid", incident["reference"])
        event.add("dtstamp", stamp)
        event.add("summary", incident["title"] or incident["reference"])
        event.add("dtstart", incident["start"].astimezone(UTC))
        if incident["end"] is not None:
            event.add("dtend", incident["end"].astimezone(UTC))
        if incident["services"]:
            event.add("categories", incident["services"])
        event.add("x-impact", incident["impact"])
        event.add("x-status", incident["status"])
        # The standard status too, for calendar programs that show tentative events.
        event.add("status", "TENTATIVE" if incident["status"] == "provisional" else "CONFIRMED")
        if incident["source_url"]:
            event.add("url", incident["source_url"])
        if incident["description"]:
            event.add("description", incident["description"])
        event.add("last-modified", incident["updated_at"].astimezone(UTC))
        calendar.add_component(event)
    return calendar.to_ical()
