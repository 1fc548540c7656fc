"""The CSV import contract of interfaces.md, rule by rule, through the import service."""

from datetime import UTC, datetime, timedelta

import pytest
from outage_helpers import CSV_HEADER, WORKED_EXAMPLE_OUTAGES, brussels, run_import, slugs_of

from outages.models import ImportRecord, Incident, IncidentChange

pytestmark = pytest.mark.django_db

ROW_A = (
    "EH-2024-0115-A,recip-e;mycarenet,2024-01-15T08:05:00+01:00,2024-01-15T12:20:00+01:00,"
    "major_outage,confirmed,MyCarenet unavailable,https://example.org/incident/1\n"
)
ROW_B = "EH-2024-0122-B,recip-e,2024-01-22T08:15,2024-01-22T12:30,partial_outage,,,\n"


def errors_of(report):
    return [(error.line, error.column) for error in report.errors]


def test_it_imports_the_example_of_the_contract():
    report = run_import(CSV_HEADER + ROW_A)
    assert report.summary_line() == "created 1, updated 0, unchanged 0"
    incident = Incident.objects.get(reference="EH-2024-0115-A")
    assert incident.start == brussels(2024, 1, 15, 8, 5)
    assert incident.end == brussels(2024, 1, 15, 12, 20)
    assert incident.impact == "major_outage"
    assert incident.title == "MyCarenet unavailable"
    assert incident.source_url == "https://example.org/incident/1"
    assert slugs_of("EH-2024-0115-A") == ["mycarenet", "recip-e"]


def test_it_reads_the_worked_example_file():
    with open(WORKED_EXAMPLE_OUTAGES, "rb") as handle:
        data = handle.read()
    report = run_import(data, name="outages.csv")
    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert Incident.objects.get(reference="EX-4").status == "provisional"


def test_a_second_import_of_the_same_file_changes_nothing():
    text = CSV_HEADER + ROW_A + ROW_B
    run_import(text)
    stamps = dict(Incident.objects.values_list("reference", "updated_at"))
    report = run_import(text)
    assert report.summary_line() == "created 0, updated 0, unchanged 2"
    assert dict(Incident.objects.values_list("reference", "updated_at")) == stamps
    assert IncidentChange.objects.count() == 2  # only the two creations


def test_a_changed_row_updates_the_incident_and_says_what_changed():
    run_import(CSV_HEADER + ROW_A + ROW_B)
    changed = ROW_A.replace("12:20:00+01:00", "12:50:00+01:00").replace(
        "recip-e;mycarenet", "recip-e"
    )
    report = run_import(CSV_HEADER + changed + ROW_B)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    incident = Incident.objects.get(reference="EH-2024-0115-A")
    assert incident.end == brussels(2024, 1, 15, 12, 50)
    assert slugs_of("EH-2024-0115-A") == ["recip-e"]
    fate = next(row for row in report.rows if row.reference == "EH-2024-0115-A")
    assert fate.fate == "updated"
    assert set(fate.details) == {"end", "services"}
    assert list(incident.changes.values_list("action", flat=True)) == ["updated", "created"]


def test_nothing_is_deleted_by_an_import():
    run_import(CSV_HEADER + ROW_A + ROW_B)
    report = run_import(CSV_HEADER + ROW_B)
    assert report.unchanged == 1
    assert Incident.objects.filter(reference="EH-2024-0115-A").exists()


def test_one_bad_row_writes_nothing_and_names_the_row():
    bad = "EH-BAD,recip-e,2024-01-16T08:00,2024-01-16T09:00,total_outage,,,\n"
    report = run_import(CSV_HEADER + ROW_A + bad + ROW_B)
    assert not report.ok
    assert errors_of(report) == [(3, "impact")]
    assert "total_outage" in report.errors[0].message
    assert Incident.objects.count() == 0
    record = ImportRecord.objects.get()
    assert record.outcome == ImportRecord.Outcome.FAILED
    assert record.errors[0]["line"] == 3
    assert (record.created_count, record.updated_count) == (0, 0)


def test_a_refused_file_leaves_existing_incidents_untouched():
    run_import(CSV_HEADER + ROW_A)
    changed = ROW_A.replace("major_outage", "partial_outage")
    bad = "EH-BAD,recip-e,yesterday,,major_outage,,,\n"
    run_import(CSV_HEADER + changed + bad)
    assert Incident.objects.get(reference="EH-2024-0115-A").impact == "major_outage"


def test_every_applied_import_keeps_its_raw_file_and_checksum():
    data = (CSV_HEADER + ROW_A).encode()
    report = run_import(data)
    record = report.import_record
    import hashlib

    assert record.outcome == ImportRecord.Outcome.APPLIED
    assert record.checksum == hashlib.sha256(data).hexdigest()
    assert record.raw_file.read() == data
    assert record.created_count == 1
    assert IncidentChange.objects.get().import_record == record


def test_a_dry_run_writes_nothing_not_even_the_record():
    report = run_import(CSV_HEADER + ROW_A, dry_run=True)
    assert report.summary_line() == "created 1, updated 0, unchanged 0"
    assert Incident.objects.count() == 0
    assert ImportRecord.objects.count() == 0
    assert IncidentChange.objects.count() == 0


def test_a_dry_run_of_a_bad_file_writes_no_record_either():
    report = run_import(CSV_HEADER + "X,nope,2024-01-01T00:00,,major_outage,,,\n", dry_run=True)
    assert not report.ok
    assert ImportRecord.objects.count() == 0


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
@pytest.mark.parametrize("line_end", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_it_reads_utf8_with_or_without_bom_and_any_line_end(bom, line_end):
    text = (CSV_HEADER + ROW_A + ROW_B).replace("\n", "\r\n" if line_end == b"\r\n" else "\n")
    report = run_import(bom + text.encode())
    assert report.ok, report.errors
    assert report.created == 2


def test_the_semicolon_delimiter_with_a_quoted_list():
    text = (
        "reference;services;start;end;impact;status;title;source_url\n"
        'EH-1;"recip-e;mycarenet";2024-01-15T08:05;2024-01-15T12:20;major_outage;confirmed;'
        "Titre, avec virgule;\n"
    )
    report = run_import(text)
    assert report.ok, report.errors
    assert slugs_of("EH-1") == ["mycarenet", "recip-e"]
    assert Incident.objects.get().title == "Titre, avec virgule"


def test_a_quoted_list_with_the_comma_delimiter():
    text = CSV_HEADER + 'EH-1,"recip-e;mycarenet",2024-01-15T08:05,,major_outage,,,\n'
    assert run_import(text).ok
    assert slugs_of("EH-1") == ["mycarenet", "recip-e"]


def test_an_unquoted_list_with_the_semicolon_delimiter_is_explained():
    text = "reference;services;start;end;impact\nEH-1;recip-e;mycarenet;2024-01-15T08:05;;x\n"
    report = run_import(text)
    assert errors_of(report) == [(2, "")]
    assert "must be quoted" in report.errors[0].message


def test_a_real_spreadsheet_export():
    """What Excel writes in Belgium: semicolons, a BOM, CRLF, day-first dates, capitalised
    headers in another order, an empty trailing row."""
    text = (
        "\ufeffTitle;Reference;Start;End;Services;Impact;Status;Source_URL\r\n"
        "Panne MyCarenet;EH-1;15/01/2024 08:05;15/01/2024 12:20;"
        '"recip-e;mycarenet";major_outage;confirmed;\r\n'
        "Lenteur;EH-2;22/01/2024 8:15;22/01/2024 12:30:00;recip-e;Partial outage;;\r\n"
        ";;;;;;;\r\n"
    )
    report = run_import(text.encode("utf-8"))
    assert report.ok, report.errors
    assert report.created == 2
    assert Incident.objects.get(reference="EH-1").start == brussels(2024, 1, 15, 8, 5)
    second = Incident.objects.get(reference="EH-2")
    assert second.start == brussels(2024, 1, 22, 8, 15)
    assert second.impact == "partial_outage"


def test_columns_in_any_order_and_optional_columns_absent():
    text = "impact,end,start,services,reference\nmaintenance,,2024-01-15T08:05Z,dmg,EH-1\n"
    report = run_import(text)
    assert report.ok, report.errors
    incident = Incident.objects.get()
    assert (incident.status, incident.title, incident.source_url) == ("confirmed", "", "")


def test_an_empty_end_is_an_ongoing_incident():
    run_import(CSV_HEADER + "EH-1,recip-e,2024-01-15T08:05,,major_outage,,,\n")
    assert Incident.objects.get().end is None


def test_an_empty_status_defaults_to_confirmed():
    run_import(CSV_HEADER + ROW_B)
    assert Incident.objects.get().status == "confirmed"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-15T08:05:00+01:00", datetime(2024, 1, 15, 7, 5, tzinfo=UTC)),
        ("2024-01-15T08:05:00Z", datetime(2024, 1, 15, 8, 5, tzinfo=UTC)),
        ("2024-01-15T08:05+0530", datetime(2024, 1, 15, 2, 35, tzinfo=UTC)),
        ("2024-01-15 08:05", datetime(2024, 1, 15, 7, 5, tzinfo=UTC)),  # winter: +01:00
        ("2024-07-15T08:05", datetime(2024, 7, 15, 6, 5, tzinfo=UTC)),  # summer: +02:00
        # A fraction of a second is accepted and cut as the time enters (methodology.md).
        ("2024-01-15T08:05:30.250Z", datetime(2024, 1, 15, 8, 5, 30, tzinfo=UTC)),
        ("15/01/2024 08:05", datetime(2024, 1, 15, 7, 5, tzinfo=UTC)),
        ("15.07.2024 8:05", datetime(2024, 7, 15, 6, 5, tzinfo=UTC)),
        ("01/02/2024 08:05", datetime(2024, 2, 1, 7, 5, tzinfo=UTC)),  # day first, always
    ],
)
def test_offsets_z_and_naive_brussels_times(value, expected):
    report = run_import(CSV_HEADER + f"EH-1,recip-e,{value},,major_outage,,,\n")
    assert report.ok, report.errors
    assert Incident.objects.get().start == expected


@pytest.mark.parametrize(
    "value",
    ["2024-13-01T08:00", "tomorrow", "2024-01-15", "2024-01-32T08:00", "15/01/24 08:00"],
)
def test_a_bad_date_is_an_error_on_its_line_and_column(value):
    report = run_import(CSV_HEADER + ROW_B + f"EH-1,recip-e,{value},,major_outage,,,\n")
    assert errors_of(report) == [(3, "start")]
    assert Incident.objects.count() == 0


def test_a_date_without_a_time_says_a_time_is_needed():
    report = run_import(CSV_HEADER + "EH-1,recip-e,2024-01-15,,major_outage,,,\n")
    assert "no time of day" in report.errors[0].message


def test_a_local_time_skipped_by_the_dst_change_is_refused():
    report = run_import(CSV_HEADER + "EH-1,recip-e,2024-03-31T02:30,,major_outage,,,\n")
    assert errors_of(report) == [(2, "start")]
    assert "does not exist" in report.errors[0].message


def test_a_local_time_repeated_by_the_dst_change_needs_an_offset():
    report = run_import(CSV_HEADER + "EH-1,recip-e,2024-10-27T02:30,,major_outage,,,\n")
    assert "happens twice" in report.errors[0].message
    ok = run_import(CSV_HEADER + "EH-1,recip-e,2024-10-27T02:30+01:00,,major_outage,,,\n")
    assert ok.ok
    # The second 02:30 (winter time) is 01:30 UTC.
    assert Incident.objects.get().start == datetime(2024, 10, 27, 1, 30, tzinfo=UTC)


def test_dst_night_incident_lasts_its_real_length():
    # 02:00 to 04:00 local on the October night is three real hours.
    run_import(
        CSV_HEADER + "EH-1,recip-e,2024-10-27T01:30+02:00,2024-10-27T04:30+01:00,major_outage,,,\n"
    )
    incident = Incident.objects.get()
    assert incident.end - incident.start == timedelta(hours=4)


def test_an_unknown_service_slug_is_an_error():
    report = run_import(CSV_HEADER + "EH-1,recip-e;ehbox,2024-01-15T08:05,,major_outage,,,\n")
    assert errors_of(report) == [(2, "services")]
    assert "ehbox" in report.errors[0].message
    assert Incident.objects.count() == 0


def test_service_slugs_ignore_case():
    assert run_import(CSV_HEADER + "EH-1,Recip-E,2024-01-15T08:05,,major_outage,,,\n").ok
    assert slugs_of("EH-1") == ["recip-e"]


def test_a_row_without_a_service_is_an_error():
    report = run_import(CSV_HEADER + "EH-1,,2024-01-15T08:05,,major_outage,,,\n")
    assert errors_of(report) == [(2, "services")]


def test_a_reference_twice_in_one_file_is_an_error_and_writes_nothing():
    report = run_import(CSV_HEADER + ROW_A + ROW_B + ROW_A)
    assert errors_of(report) == [(4, "reference")]
    assert "first on line 2" in report.errors[0].message
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("EH-1,recip-e,2024-01-15T08:05,,major_outage,maybe,,\n", "status"),
        ("EH-1,recip-e,2024-01-15T08:05,,,,,\n", "impact"),
        ("EH-1,recip-e,2024-01-15T08:05,2024-01-15T07:00,major_outage,,,\n", "end"),
        ("EH-1,recip-e,2024-01-15T08:05,,major_outage,,,ftp://example.org/x\n", "source_url"),
        (",recip-e,2024-01-15T08:05,,major_outage,,,\n", "reference"),
        ("EH-1,recip-e,2024-01-15T08:05,,major_outage,,{},\n".format("x" * 301), "title"),
    ],
    ids=["status", "impact", "end-before-start", "link", "no-reference", "long-title"],
)
def test_each_bad_value_is_named_by_line_and_column(row, column):
    report = run_import(CSV_HEADER + ROW_B + row)
    assert errors_of(report) == [(3, column)]


def test_impact_and_status_accept_their_labels():
    run_import(CSV_HEADER + "EH-1,recip-e,2024-01-15T08:05,,Partial Outage,Provisional,,\n")
    incident = Incident.objects.get()
    assert (incident.impact, incident.status) == ("partial_outage", "provisional")


def test_every_error_of_a_row_is_reported_not_only_the_first():
    report = run_import(CSV_HEADER + "EH-1,nope,someday,,worst,,,\n")
    assert errors_of(report) == [(2, "services"), (2, "start"), (2, "impact")]


def test_line_numbers_count_physical_lines_after_a_multiline_cell():
    text = (
        CSV_HEADER
        + 'EH-1,recip-e,2024-01-15T08:05,,major_outage,,"two\nlines",\n'
        + "EH-2,recip-e,2024-01-15T08:05,,bad,,,\n"
    )
    assert errors_of(run_import(text)) == [(4, "impact")]


def test_a_missing_column_is_an_error_on_the_header():
    report = run_import(
        "reference,services,start,impact\nEH-1,recip-e,2024-01-15T08:05,major_outage\n"
    )
    assert errors_of(report) == [(1, "end")]


def test_an_unknown_column_is_a_warning_only():
    report = run_import(
        "reference,services,start,end,impact,comment\nEH-1,recip-e,2024-01-15T08:05,,major_outage,hi\n"
    )
    assert report.ok
    # (2, "end"): the incident has been open since 2024 (outages/open_incidents.py).
    assert [(warning.line, warning.column) for warning in report.warnings] == [
        (1, "comment"),
        (2, "end"),
    ]


def test_fields_a_file_does_not_carry_keep_their_stored_value():
    run_import(CSV_HEADER + ROW_A)
    Incident.objects.filter(reference="EH-2024-0115-A").update(description="Kept")
    text = "reference,services,start,end,impact\n" + (
        "EH-2024-0115-A,recip-e;mycarenet,2024-01-15T08:05:00+01:00,"
        "2024-01-15T12:20:00+01:00,major_outage\n"
    )
    report = run_import(text)
    assert report.unchanged == 1
    incident = Incident.objects.get()
    assert (incident.title, incident.description) == ("MyCarenet unavailable", "Kept")


def test_a_binary_file_is_refused_clearly():
    report = run_import(bytes(range(256)) * 4, name="incidents.csv")
    assert [error.line for error in report.errors] == [None]
    assert "not a text file" in report.errors[0].message
    assert ImportRecord.objects.get().outcome == ImportRecord.Outcome.FAILED


def test_a_spreadsheet_workbook_is_refused_with_a_hint():
    report = run_import(b"PK\x03\x04" + b"\x00" * 100, name="incidents.csv")
    assert "CSV UTF-8" in report.errors[0].message


def test_an_excel_csv_in_windows_1252_is_read_with_a_warning():
    data = (CSV_HEADER + "EH-1,recip-e,2024-01-15T08:05,,major_outage,,Panne réseau,\n").encode(
        "cp1252"
    )
    report = run_import(data)
    assert report.errors == []
    assert "read as Windows-1252" in report.warnings[0].message
    assert Incident.objects.get(reference="EH-1").title == "Panne réseau"


def test_a_csv_that_no_spreadsheet_encoding_reads_is_refused_with_the_line():
    # 0x81 is undefined in Windows-1252, and this is not UTF-8 either.
    data = (CSV_HEADER + "EH-1,recip-e,2024-01-15T08:05,,major_outage,,Panne ").encode() + (
        b"\x81\xe9,\n"
    )
    report = run_import(data)
    assert "not UTF-8" in report.errors[0].message
    assert "line 2" in report.errors[0].message
    assert Incident.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.MAX_UPLOAD_BYTES = 100
    report = run_import(CSV_HEADER + ROW_A + ROW_B)
    assert not report.ok
    assert "limit" in report.errors[0].message
    assert Incident.objects.count() == 0


def test_an_empty_file_is_an_error():
    assert not run_import("").ok


def test_the_import_record_names_who_imported(admin_user):
    report = run_import(CSV_HEADER + ROW_A, user=admin_user)
    assert report.import_record.created_by == admin_user
