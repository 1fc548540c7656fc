"""The worked example of methodology.md end to end: import files → commands →
``claim_summary`` JSON, and the same figures on the claim page."""

import json
import re
from io import StringIO

import pytest
from claims_helpers import EXPECTED_SUMMARY, WORKED_EXAMPLE, english
from django.core.management import CommandError, call_command

from claims.models import Methodology

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def import_declarations():
    assert run("import_doctors", str(WORKED_EXAMPLE / "doctors.csv")).strip() == (
        "created 1, updated 0, unchanged 0"
    )
    assert run(
        "import_slots", "--doctor", "12345678004", str(WORKED_EXAMPLE / "slots.csv")
    ).strip() == ("created 2, updated 0, unchanged 0")
    assert run(
        "import_consultations",
        "--doctor",
        "1-23456-78-004",
        str(WORKED_EXAMPLE / "consultations.csv"),
    ).strip() == ("created 5, updated 0, unchanged 0")


def summary(*extra) -> dict:
    printed = run(
        "claim_summary",
        "--doctor",
        "12345678004",
        "--from",
        "2024-01-01",
        "--to",
        "2024-01-31",
        *extra,
    )
    return json.loads(printed)


def test_the_commands_print_the_expected_summary(example_calendar):
    import_declarations()
    printed = summary()
    assert printed == EXPECTED_SUMMARY
    # Key order is part of the contract (interfaces.md).
    assert list(printed) == list(EXPECTED_SUMMARY)


def test_the_worked_example_through_import_outages_too(db):
    assert run("import_outages", str(WORKED_EXAMPLE / "outages.csv")).strip() == (
        "created 4, updated 0, unchanged 0"
    )
    import_declarations()
    assert summary() == EXPECTED_SUMMARY


def test_a_second_import_of_the_same_files_changes_nothing(example_calendar):
    import_declarations()
    assert run(
        "import_slots", "--doctor", "12345678004", str(WORKED_EXAMPLE / "slots.csv")
    ).strip() == ("created 0, updated 0, unchanged 2")
    assert run(
        "import_consultations",
        "--doctor",
        "12345678004",
        str(WORKED_EXAMPLE / "consultations.csv"),
    ).strip() == ("created 0, updated 0, unchanged 5")
    assert summary() == EXPECTED_SUMMARY


def test_claim_summary_uses_the_methodology_it_is_asked_for(example_calendar):
    import_declarations()
    Methodology.objects.create(
        version="TEST-2025.1", published_on="2025-01-01", hourly_rate="60.00"
    )
    assert summary()["methodology"] == "TEST-2025.1"
    assert summary()["time_value"] == "156.00"  # 156 min at 60 EUR an hour
    assert summary("--methodology", "ABSyM-2024.1") == EXPECTED_SUMMARY


def test_claim_summary_refuses_an_unknown_doctor_or_methodology(example_calendar):
    with pytest.raises(CommandError, match="No doctor"):
        run(
            "claim_summary", "--doctor", "99999999999", "--from", "2024-01-01", "--to", "2024-01-31"
        )
    import_declarations()
    Methodology.objects.create(version="DRAFT-1")  # not published
    with pytest.raises(CommandError, match="No published methodology"):
        summary("--methodology", "DRAFT-1")


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_claim_page_shows_every_figure_of_the_worked_example(
    client, example_claim, django_assert_max_num_queries
):
    client.force_login(example_claim.user)
    english(client)
    with django_assert_max_num_queries(14):
        response = client.get("/claims/claim/?from=2024-01-01&to=2024-01-31")
    assert response.status_code == 200
    text = text_of(response.content.decode())
    for figure, expected in [
        ("Declared time", "4 h 30 min (270 min)"),
        ("Verified time", "3 h (180 min)"),
        ("Unverified time (not paid)", "1 h 30 min (90 min)"),
        ("Slot lost time", "2 h 25 min (145 min)"),
        ("Catch-up time", "11 min (11 min)"),
        ("Lost time", "2 h 36 min (156 min)"),
        ("Time value", "234.00 EUR"),
        ("Revenue loss", "68.42 EUR"),
        ("Total", "302.42 EUR"),
    ]:
        assert f"{figure} {expected}" in text, figure
    assert "EX-1" in text and "EX-2" in text
    assert "EX-3" not in text and "EX-4" not in text
    # Per consultation: affected or not, and what it adds.
    assert "Completed with a workaround: 3 min of catch-up time." in text
    assert "Completed with a workaround: 8 min of catch-up time." in text
    assert "Its fee is claimed as revenue loss" in text
    assert "1 consultation was not affected" in text


def test_it_handles_dst_the_spring_night_has_one_hour_less(db, tmp_path):
    """Slots and incidents written in Brussels wall-clock time across 31 March 2024:
    01:00–04:00 is two real hours, and March has 743 hours."""
    (tmp_path / "outages.csv").write_text(
        "reference,services,start,end,impact,status\n"
        "DST-1,recip-e,2024-03-31T00:00,2024-03-31T05:00,major_outage,confirmed\n"
    )
    (tmp_path / "slots.csv").write_text(
        "start,end,services,note\n2024-03-31T01:00,2024-03-31T04:00,recip-e,night shift\n"
    )
    run("import_outages", str(tmp_path / "outages.csv"))
    run("import_doctors", str(WORKED_EXAMPLE / "doctors.csv"))
    run("import_slots", "--doctor", "12345678004", str(tmp_path / "slots.csv"))
    printed = json.loads(
        run(
            "claim_summary", "--doctor", "12345678004", "--from", "2024-03-01", "--to", "2024-03-31"
        )
    )
    assert printed["declared_minutes"] == printed["verified_minutes"] == 120
    assert printed["time_value"] == "180.00"
    assert printed["incidents"] == ["DST-1"]
