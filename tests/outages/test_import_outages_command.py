"""``manage.py import_outages FILE [--format] [--dry-run]`` (interfaces.md)."""

import shutil
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from outage_helpers import CSV_HEADER, WORKED_EXAMPLE_OUTAGES

from outages.models import ImportRecord, Incident

pytestmark = pytest.mark.django_db

WORKED_EXAMPLE = str(WORKED_EXAMPLE_OUTAGES)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_outages", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_prints_the_counts_and_a_second_run_is_all_unchanged():
    out, _err = run(WORKED_EXAMPLE)
    assert out == "created 4, updated 0, unchanged 0\n"
    out, _err = run(WORKED_EXAMPLE)
    assert out == "created 0, updated 0, unchanged 4\n"


def test_dry_run_prints_the_counts_and_writes_nothing():
    out, err = run(WORKED_EXAMPLE, "--dry-run")
    assert out == "created 4, updated 0, unchanged 0\n"
    assert "Dry run" in err
    assert Incident.objects.count() == 0
    assert ImportRecord.objects.count() == 0


def test_errors_go_to_stderr_with_line_and_column_and_exit_non_zero(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        CSV_HEADER + "EH-1,recip-e,2024-01-15T08:05,,major_outage,,,\n"
        "EH-2,nope,2024-01-15T08:05,,major_outage,,,\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_outages", str(path), stdout=StringIO(), stderr=err)
    assert "line 3, column services:" in err.getvalue()
    assert Incident.objects.count() == 0


def test_the_format_is_guessed_from_the_extension_or_given(tmp_path):
    ics = tmp_path / "feed.txt"
    ics.write_text(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:EH-1\r\n"
        "DTSTART:20240115T070500Z\r\nCATEGORIES:recip-e\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    out, _err = run(str(ics), "--format", "ics")
    assert out == "created 1, updated 0, unchanged 0\n"
    copy = tmp_path / "same.ics"
    shutil.copy(ics, copy)
    assert run(str(copy))[0] == "created 0, updated 0, unchanged 1\n"


def test_a_missing_file_is_a_clear_error():
    with pytest.raises(CommandError, match="No such file"):
        run("/nonexistent/outages.csv")


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path, settings):
    settings.MAX_UPLOAD_BYTES = 10
    path = tmp_path / "big.csv"
    path.write_text(CSV_HEADER)
    with pytest.raises(CommandError, match="limit"):
        run(str(path))


def test_statuspage_warnings_go_to_stderr(tmp_path):
    path = tmp_path / "incidents.json"
    path.write_text(
        '{"incidents": [{"id": "a1", "name": "x", "impact": "minor", '
        '"created_at": "2024-01-15T08:00:00Z", "resolved_at": null, "shortlink": "", '
        '"components": [{"name": "Recip-e"}, {"name": "Website"}]}]}'
    )
    out, err = run(str(path))
    assert out == "created 1, updated 0, unchanged 0\n"
    assert "Website" in err
