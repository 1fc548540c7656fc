"""iCalendar imports: files as calendar programs write them (interfaces.md)."""

from datetime import UTC, datetime

import pytest
from outage_helpers import brussels, run_import, slugs_of

from outages.models import Incident

pytestmark = pytest.mark.django_db


def ics(*events, timezones=""):
    body = "".join(events)
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//Test//EN\r\n"
        f"{timezones}{body}END:VCALENDAR\r\n"
    )


def event(*lines):
    return "BEGIN:VEVENT\r\n" + "".join(line + "\r\n" for line in lines) + "END:VEVENT\r\n"


def import_ics(text, **kwargs):
    return run_import(text, name="calendar.ics", **kwargs)


OUTLOOK_TIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Romance Standard Time\r\n"
    "BEGIN:STANDARD\r\nDTSTART:16011028T030000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"
    "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
    "BEGIN:DAYLIGHT\r\nDTSTART:16010325T020000\r\nRRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"
    "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
)


def test_a_full_event_maps_every_property():
    report = import_ics(
        ics(
            event(
                "UID:EH-1",
                "SUMMARY:MyCarenet unavailable",
                "DESCRIPTION:Doctors could not renew a GMD",
                "DTSTART:20240115T070500Z",
                "DTEND:20240115T112000Z",
                "CATEGORIES:recip-e,mycarenet",
                "X-IMPACT:partial_outage",
                "X-STATUS:provisional",
                "URL:https://status.example.org/EH-1",
            )
        )
    )
    assert report.ok, report.errors
    incident = Incident.objects.get()
    assert incident.reference == "EH-1"
    assert incident.title == "MyCarenet unavailable"
    assert incident.description == "Doctors could not renew a GMD"
    assert (incident.start, incident.end) == (
        brussels(2024, 1, 15, 8, 5),
        brussels(2024, 1, 15, 12, 20),
    )
    assert (incident.impact, incident.status) == ("partial_outage", "provisional")
    assert incident.source_url == "https://status.example.org/EH-1"
    assert slugs_of("EH-1") == ["mycarenet", "recip-e"]


def test_impact_and_status_default_to_major_outage_and_confirmed():
    import_ics(
        ics(
            event(
                "UID:EH-1",
                "DTSTART:20240115T070500Z",
                "DTEND:20240115T080000Z",
                "CATEGORIES:recip-e",
            )
        )
    )
    incident = Incident.objects.get()
    assert (incident.impact, incident.status) == ("major_outage", "confirmed")


def test_a_vtimezone_block_of_a_calendar_program_is_used_in_summer_and_winter():
    import_ics(
        ics(
            event(
                "UID:SUMMER",
                "DTSTART;TZID=Romance Standard Time:20240715T080500",
                "DTEND;TZID=Romance Standard Time:20240715T122000",
                "CATEGORIES:recip-e",
            ),
            event(
                "UID:WINTER",
                "DTSTART;TZID=Romance Standard Time:20240115T080500",
                "DTEND;TZID=Romance Standard Time:20240115T122000",
                "CATEGORIES:recip-e",
            ),
            timezones=OUTLOOK_TIMEZONE,
        )
    )
    assert Incident.objects.get(reference="SUMMER").start == datetime(2024, 7, 15, 6, 5, tzinfo=UTC)
    assert Incident.objects.get(reference="WINTER").start == datetime(2024, 1, 15, 7, 5, tzinfo=UTC)


def test_an_iana_tzid_without_vtimezone_is_understood():
    import_ics(
        ics(event("UID:EH-1", "DTSTART;TZID=Europe/Brussels:20240715T080500", "CATEGORIES:recip-e"))
    )
    assert Incident.objects.get().start == brussels(2024, 7, 15, 8, 5)


def test_floating_times_are_brussels_time():
    import_ics(
        ics(
            event(
                "UID:EH-1", "DTSTART:20240715T080500", "DTEND:20240715T090000", "CATEGORIES:recip-e"
            )
        )
    )
    incident = Incident.objects.get()
    assert incident.start == datetime(2024, 7, 15, 6, 5, tzinfo=UTC)
    assert incident.end == datetime(2024, 7, 15, 7, 0, tzinfo=UTC)


def test_folded_lines_are_unfolded():
    report = import_ics(
        ics(
            "BEGIN:VEVENT\r\nUID:EH-1\r\nSUMMARY:A long title that a calendar program folds at "
            "seventy-five octets\r\n  and goes on here\r\nDTSTART:20240115T070500Z\r\nCATEG\r\n "
            "ORIES:recip-e\r\nEND:VEVENT\r\n"
        )
    )
    assert report.ok, report.errors
    assert Incident.objects.get().title == (
        "A long title that a calendar program folds at seventy-five octets and goes on here"
    )


def test_categories_in_several_properties_and_comma_lists_and_by_name():
    import_ics(
        ics(
            event(
                "UID:EH-1",
                "DTSTART:20240115T070500Z",
                "CATEGORIES:Recip-e,mycarenet",
                "CATEGORIES:Dossier médical global (DMG)",
            )
        )
    )
    assert slugs_of("EH-1") == ["dmg", "mycarenet", "recip-e"]


def test_an_unknown_category_is_an_error_with_the_line_of_its_event():
    text = ics(
        event("UID:EH-1", "DTSTART:20240115T070500Z", "CATEGORIES:recip-e"),
        event("UID:EH-2", "DTSTART:20240115T070500Z", "CATEGORIES:ehbox"),
    )
    report = import_ics(text)
    # Line 12 is the CATEGORIES line of the second event (line 9 is its BEGIN:VEVENT).
    assert [(error.line, error.column) for error in report.errors] == [(12, "CATEGORIES")]
    assert "ehbox" in report.errors[0].message
    assert Incident.objects.count() == 0


def test_an_event_without_categories_is_an_error():
    report = import_ics(ics(event("UID:EH-1", "DTSTART:20240115T070500Z")))
    assert [error.column for error in report.errors] == ["CATEGORIES"]


def test_a_whole_day_event_covers_the_local_day():
    import_ics(ics(event("UID:EH-1", "DTSTART;VALUE=DATE:20240115", "CATEGORIES:recip-e")))
    incident = Incident.objects.get()
    assert (incident.start, incident.end) == (brussels(2024, 1, 15), brussels(2024, 1, 16))


def test_whole_days_over_the_dst_change_end_at_local_midnight():
    import_ics(
        ics(
            event(
                "UID:EH-1",
                "DTSTART;VALUE=DATE:20240331",
                "DTEND;VALUE=DATE:20240401",
                "CATEGORIES:recip-e",
            )
        )
    )
    incident = Incident.objects.get()
    assert (incident.end - incident.start).total_seconds() == 23 * 3600


def test_a_duration_gives_the_end():
    import_ics(
        ics(event("UID:EH-1", "DTSTART:20240115T070500Z", "DURATION:PT2H25M", "CATEGORIES:recip-e"))
    )
    incident = Incident.objects.get()
    assert incident.end == datetime(2024, 1, 15, 9, 30, tzinfo=UTC)


def test_a_timed_event_without_end_is_ongoing():
    import_ics(ics(event("UID:EH-1", "DTSTART:20240115T070500Z", "CATEGORIES:recip-e")))
    assert Incident.objects.get().end is None


def test_an_unknown_tzid_is_refused_rather_than_guessed():
    report = import_ics(
        ics(event("UID:EH-1", "DTSTART;TZID=Mars/Olympus:20240115T080500", "CATEGORIES:recip-e"))
    )
    assert [error.column for error in report.errors] == ["DTSTART"]
    assert "Mars/Olympus" in report.errors[0].message


def test_an_unreadable_date_is_an_error():
    report = import_ics(ics(event("UID:EH-1", "DTSTART:2024-01-15 08:00", "CATEGORIES:recip-e")))
    assert [(error.line, error.column) for error in report.errors] == [(6, "DTSTART")]


def test_a_bad_x_impact_is_an_error():
    report = import_ics(
        ics(
            event(
                "UID:EH-1", "DTSTART:20240115T070500Z", "CATEGORIES:recip-e", "X-IMPACT:apocalypse"
            )
        )
    )
    assert [error.column for error in report.errors] == ["X-IMPACT"]


def test_an_event_without_uid_is_an_error():
    report = import_ics(ics(event("DTSTART:20240115T070500Z", "CATEGORIES:recip-e")))
    assert [error.column for error in report.errors] == ["UID"]


def test_a_uid_twice_is_an_error():
    same = event("UID:EH-1", "DTSTART:20240115T070500Z", "CATEGORIES:recip-e")
    report = import_ics(ics(same, same))
    assert [error.column for error in report.errors] == ["reference"]
    assert Incident.objects.count() == 0


def test_tentative_is_provisional_and_cancelled_is_skipped():
    report = import_ics(
        ics(
            event("UID:EH-1", "DTSTART:20240115T070500Z", "CATEGORIES:recip-e", "STATUS:TENTATIVE"),
            event("UID:EH-2", "DTSTART:20240115T070500Z", "CATEGORIES:recip-e", "STATUS:CANCELLED"),
        )
    )
    assert report.ok
    assert list(Incident.objects.values_list("reference", "status")) == [("EH-1", "provisional")]
    assert [(row.reference, row.fate) for row in report.rows] == [
        ("EH-1", "created"),
        ("EH-2", "skipped"),
    ]


def test_a_file_that_is_not_icalendar_is_refused():
    report = run_import("reference,services\n", name="calendar.ics")
    assert "not an iCalendar file" in report.errors[0].message


def test_a_second_import_of_the_same_calendar_changes_nothing():
    text = ics(
        event(
            "UID:EH-1",
            "DTSTART;TZID=Romance Standard Time:20240115T080500",
            "CATEGORIES:recip-e",
            "SUMMARY:x",
        ),
        timezones=OUTLOOK_TIMEZONE,
    )
    import_ics(text)
    assert import_ics(text).summary_line() == "created 0, updated 0, unchanged 1"


def test_an_ics_file_that_is_not_utf8_is_refused():
    # Only CSV files from spreadsheets are read as Windows-1252; calendars are UTF-8.
    data = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:EH-1\r\n"
        "SUMMARY:Panne réseau\r\nDTSTART:20240115T080500Z\r\nCATEGORIES:recip-e\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode("cp1252")
    report = run_import(data, name="incidents.ics")
    assert "not UTF-8" in report.errors[0].message
    assert Incident.objects.count() == 0
